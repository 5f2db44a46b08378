"""A kit may carry reference lists (`reference_lists:` in kit.yaml, e.g. the QPV of a region):
validated by the schema and `kit check`, with the code shapes the Cadrage uses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core import identifiers as ids
from desktop_app.kit import reference_lists as rl
from desktop_app.kit.loader import KitError, load_folder
from tests.reference_helpers import QPV_LIST

VALID = Path(__file__).resolve().parent.parent / "fixtures" / "kits" / "valid"


def _kit(tmp_path: Path, lists: str) -> Path:
    folder = tmp_path / "kit"
    shutil.copytree(VALID, folder)
    kit = folder / "kit.yaml"
    kit.write_text(kit.read_text(encoding="utf-8") + "\n" + lists, encoding="utf-8")
    return folder


def test_a_kit_with_a_qpv_list_loads_and_kit_check_says_so(tmp_path, capsys):
    folder = _kit(tmp_path, QPV_LIST.read_text(encoding="utf-8"))
    qpv = load_folder(folder).reference_list("qpv")
    assert [r.code for r in qpv.rows] == ["QN05901M", "QN05902I", "QN05903N"]
    assert qpv.rows[1].communes == ["59178", "59569"]
    assert main(["kit", "check", str(folder)]) == 0
    assert "Liste de référence « QPV de test (Douaisis) » (2024-test) : 3 codes." in capsys.readouterr().out
    assert main(["kit", "check", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reference_lists"][0]["rows"] == 3


def test_a_kit_without_lists_has_none():
    assert load_folder(VALID).reference_list("qpv") is None


BAD = """reference_lists:
  - id: qpv
    kind: qpv
    label: "QPV"
    source: "test"
    version: "1"
    rows:
      - {code: QN05901M, name: "A", communes: ["59178"]}
      - {code: QN05901M, name: "B", communes: ["5917"]}
      - {code: QX123, name: "C"}
"""


def test_kit_check_reports_each_mistake_of_a_list(tmp_path, capsys):
    folder = _kit(tmp_path, BAD)
    with pytest.raises(KitError) as err:
        load_folder(folder)
    text = str(err.value)
    assert "reference_lists[0].rows[1].code" in text and "en double" in text
    assert "reference_lists[0].rows[1].communes[0]" in text and "« 5917 »" in text
    assert "code QPV « QX123 » invalide" in text
    assert main(["kit", "check", str(folder)]) == 1
    assert "kit.yaml" in capsys.readouterr().err


def test_a_list_missing_its_source_is_refused(tmp_path):
    with pytest.raises(KitError, match="source"):
        load_folder(_kit(tmp_path, BAD.replace('    source: "test"\n', "")))


@pytest.mark.parametrize("code", ["QN05901M", "QN02A01I", "QP059001", "QN0590M", "QN05901X", "QP05901", "qn05901m"])
def test_code_shapes_agree_with_the_cadrage(code):
    assert bool(rl.QPV_CODE.match(code)) == (ids.check_qpv(code) is None and code == code.upper())


@pytest.mark.parametrize("code", ["59350", "2A004", "5935", "2C004", "590350"])
def test_insee_shapes_agree_with_the_cadrage(code):
    assert bool(rl.INSEE_CODE.match(code)) == (ids.check_insee(code) is None)
