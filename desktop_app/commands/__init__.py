"""Command-line commands of the feature areas, discovered by `desktop_app.cli`.

A module here defines `register(groups)`, where `groups` holds the subparser collections
`"import"`, `"export"` and `"root"`; each parser it adds calls `set_defaults(func=handler)`,
the handler returning the exit code (raise `desktop_app.commands.util.UserError` for bad input).
Commands that read or write files take `--json` and print one JSON object.
"""
