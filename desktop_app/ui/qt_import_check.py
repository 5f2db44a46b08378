"""A cheaper answer to the question PySide6 asks of every module imported after it.

PySide6's feature switching (`from __feature__ import snake_case`) wraps the import machinery:
each module imported once Qt is loaded is asked whether it uses PySide, by reading its whole
source through `inspect.getsource` (tokenised into `linecache`, kept there for the rest of the
session) and looking for « PySide6 » in it. At start-up that is SQLAlchemy, pydantic, the models
and the services — about a tenth of their import time, and their source text held in memory.
`install()` makes the same test on the file's bytes (same answer: a `.py` file holding the
ASCII text « PySide6 » or not); anything else (no file, a zip import, a compiled module) goes
to PySide6's own test. If PySide6 changes the hook, nothing is replaced.
"""

from __future__ import annotations

import sys


def install() -> bool:
    """Replace PySide6's test by the cheaper one; False when PySide6 has no such hook."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None or getattr(original, "_evalkit", False):
        return original is not None
    cache: dict[str, bool] = {}

    def uses_pyside(module) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            if path in cache:
                return cache[path]
            try:
                with open(path, "rb") as fh:
                    found = b"PySide6" in fh.read()
            except OSError:
                return original(module)
            cache[path] = found
            return found
        return original(module)

    uses_pyside._evalkit = True  # type: ignore[attr-defined]
    uses_pyside.original = original  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside
    return True
