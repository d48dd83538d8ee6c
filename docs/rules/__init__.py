"""One Markdown page per rule, generated from the explanations (see terrafix.output.rule_docs).

A package only so that the pages ship with terrafix, for editors to open.
"""
