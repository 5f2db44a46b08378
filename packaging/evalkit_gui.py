"""Frozen entry point of the windowed executable `evalkit-gui` (see build_installer.spec)."""

import sys

from desktop_app.cli import gui_main

if __name__ == "__main__":
    sys.exit(gui_main())
