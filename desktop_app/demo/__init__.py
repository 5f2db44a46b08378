"""The demo evaluation (plain data in `data/`, built by `builder.build(services)`).

Only the CLI, the UI and the tests import this package (an import-linter contract).
"""
