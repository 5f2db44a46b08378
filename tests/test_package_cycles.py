"""A module never imports what its own package's `__init__` defines: the package imports its
modules (to build a menu, to register commands), so the reverse would be a cycle, even inside a
function (`ui/views/sync/__init__` ↔ `centre` / `dialogs` was one). Importing a sibling module
through the package (`from desktop_app.exports import pdf_style`) is fine. import-linter's
sibling contract does not see this parent/child case."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_module_imports_its_own_package_init():
    found = []
    for path in sorted((ROOT / "desktop_app").rglob("*.py")):
        folder = path.parent
        if path.name == "__init__.py" or not (folder / "__init__.py").exists():
            continue
        package = ".".join(folder.relative_to(ROOT).parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == package and node.level == 0:
                defined = [a.name for a in node.names
                           if not (folder / f"{a.name}.py").exists() and not (folder / a.name / "__init__.py").exists()
                           and a.name != "__version__"]
                if defined:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {defined} from its package {package}")
    assert found == []
