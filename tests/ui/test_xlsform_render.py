"""An XLSForm imported as a kit tool renders in the form renderer: its groups as sections, its
repeat as a repeat group, its skip logic applied (the imported tool was looked at at 1366x768)."""

from __future__ import annotations

import yaml

from desktop_app.kit.forms import compile_tool
from desktop_app.kit.loader import load_files
from desktop_app.kit.xlsform import read_xlsform
from desktop_app.ui.widgets.form_renderer import FormRenderer
from tests.xlsform.fixtures import write_household_form


def test_imported_household_survey_renders_with_its_logic(qtbot, tmp_path):
    tool = read_xlsform(write_household_form(tmp_path / "menages.xlsx"), "enquete-menages")
    manifest = yaml.safe_dump({"id": "k", "version": "1.0", "title": "K", "tools": [{"id": "enquete-menages", "file": "t.yaml"}]})
    form = compile_tool(load_files({"kit.yaml": manifest, "t.yaml": tool.yaml_text}), "enquete-menages")
    renderer = FormRenderer(form, {"taille_menage": 1, "statut_logement": "proprietaire"})
    qtbot.addWidget(renderer)
    renderer.resize(1366, 768)
    renderer.show()
    qtbot.waitExposed(renderer)
    assert [p.title for p in form.pages][-2:] == ["Membres du ménage", "Accès aux services"]
    assert not renderer.is_field_shown("nb_enfants")  # relevant: ${taille_menage} > 1
    assert not renderer.is_field_shown("loyer")  # owner: no rent
    renderer.set_answers({"taille_menage": 3, "statut_logement": "locataire_prive"})
    assert renderer.is_field_shown("nb_enfants") and renderer.is_field_shown("loyer")
    renderer.go_to_page(3)
    assert renderer.row("membres") is not None
    assert renderer.row("merci").isVisibleTo(renderer) is False  # on another page
