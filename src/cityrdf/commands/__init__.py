"""Command groups of `cityrdf` (registered by cityrdf.cli): each only parses arguments and imports
the module it calls when it runs, so `cityrdf --help` does not load the graph libraries."""
