"""« Aucune » in the shipped communes' questionnaire: ticking it unticks the other answers and
the reverse, so the renderer never sends what the engine refuses (core.validation)."""

from __future__ import annotations

from desktop_app.kit.forms import compile_tool
from desktop_app.kit.loader import load_folder
from desktop_app.ui.widgets.form_renderer import FormRenderer
from tests.conftest import FORMS


def test_none_unticks_the_others_and_the_reverse(qtbot):
    form = compile_tool(load_folder(FORMS), "questionnaire-communes")
    r = FormRenderer(form, {"instances": ["copil", "cotech"]})
    qtbot.addWidget(r)
    sent = []
    r.answerChanged.connect(lambda fid, value: sent.append((fid, value)))
    editor = r.row("instances").editor
    editor.buttons["aucune"].click()
    qtbot.waitUntil(lambda: bool(sent), timeout=3000)
    assert sent[-1] == ("instances", ["aucune"])
    assert not editor.buttons["copil"].isChecked() and not editor.buttons["cotech"].isChecked()
    editor.buttons["copil"].click()
    qtbot.waitUntil(lambda: len(sent) == 2, timeout=3000)
    assert sent[-1] == ("instances", ["copil"]) and not editor.buttons["aucune"].isChecked()
