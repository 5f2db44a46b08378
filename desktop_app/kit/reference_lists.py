"""Checks of the reference lists a kit carries (`reference_lists:` in kit.yaml, e.g. a QPV list):
ids and codes unique, codes and INSEE codes of the shape the Cadrage expects. Run by `kit check`
(`loader.load_files`); the Cadrage compares its QPV with a kit's `kind: qpv` list.

The code shapes repeat those of `core.identifiers` (the kit layer sits below core and cannot
import it); `tests/kit/test_reference_lists.py` checks both agree.
"""

from __future__ import annotations

import re

from desktop_app.kit.schema import KitManifest

QPV_CODE = re.compile(r"^(QN(\d{3}|02A|02B)\d{2}[NMI]|QP(\d{3}|02A|02B)\d{3})$")
INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def check_reference_lists(manifest: KitManifest) -> list[tuple[str, str]]:
    """(field path, French message) for each problem of the manifest's reference lists."""
    out: list[tuple[str, str]] = []
    seen_ids: set[str] = set()
    for i, ref in enumerate(manifest.reference_lists):
        path = f"reference_lists[{i}]"
        if ref.id in seen_ids:
            out.append((f"{path}.id", f"identifiant « {ref.id} » en double"))
        seen_ids.add(ref.id)
        codes: set[str] = set()
        for j, row in enumerate(ref.rows):
            where = f"{path}.rows[{j}]"
            if row.code in codes:
                out.append((f"{where}.code", f"code « {row.code} » en double"))
            codes.add(row.code)
            if ref.kind == "qpv" and not QPV_CODE.match(row.code):
                out.append((f"{where}.code", f"code QPV « {row.code} » invalide (ex. QN05901M, ou QP059001)"))
            for k, insee in enumerate(row.communes):
                if not INSEE_CODE.match(insee):
                    out.append((f"{where}.communes[{k}]", f"code INSEE « {insee} » invalide (5 caractères, ex. 59350)"))
    return out
