"""External office tools for the round-trip tests: LibreOffice (`soffice`) and poppler's `pdftoppm`.

Under `make test` (EVALKIT_MAKE_TEST=1) or on CI a missing tool fails the test (the Makefile
installs them); elsewhere the test is skipped. Each conversion runs headless with its own
LibreOffice profile, so parallel runs don't share (and lock) one user installation.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE_TIMEOUT = 180


def require_tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} est introuvable : installez {package} (make system-deps, en root)."
        if os.environ.get("CI") or os.environ.get("EVALKIT_MAKE_TEST"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def soffice_convert(source: Path, target_format: str, out_dir: Path, profile_dir: Path) -> Path:
    """Convert `source` with LibreOffice headless; returns the converted file (asserts it exists)."""
    soffice = require_tool("soffice", "libreoffice-calc-nogui et libreoffice-writer-nogui")
    out_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={profile_dir.resolve().as_uri()}", "--headless", "--norestore",
         "--convert-to", target_format, "--outdir", str(out_dir), str(source)],
        capture_output=True, text=True, timeout=SOFFICE_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr or done.stdout
    converted = out_dir / f"{source.stem}.{target_format.split(':')[0]}"
    assert converted.exists() and converted.stat().st_size > 0, (done.stdout, done.stderr)
    return converted
