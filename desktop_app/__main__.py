"""`python -m desktop_app` runs the `evalkit` command line."""

from desktop_app.cli import main

raise SystemExit(main())
