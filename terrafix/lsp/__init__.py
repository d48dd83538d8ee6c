"""Editor front ends: the language server (`terrafix lsp`) and fix placement for buffers.

Importing this package is cheap: pygls loads only when the server starts.
"""
