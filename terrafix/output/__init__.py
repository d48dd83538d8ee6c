"""Renderers of a run's result: unified diffs, text, JSON, SARIF and GitHub annotations."""
