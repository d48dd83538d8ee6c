"""The engine every front end calls: rules, findings, fixes and the fixpoint pipeline."""
