"""Skip logic between XLSForm XPath and the kit's expressions, both ways."""

from __future__ import annotations

import ast

import pytest

from desktop_app.kit import expressions
from desktop_app.kit.xlsform_expressions import Untranslatable, kit_to_xpath, xpath_to_kit

IDS = {"Age": "age", "statut": "statut", "services": "services", "ok": "ok", "nb": "nb"}
TYPES = {"age": "integer", "statut": "single_choice", "services": "multiple_choice", "ok": "yes_no", "nb": "integer"}


@pytest.mark.parametrize(
    ("xpath", "kit"),
    [
        ("${Age} >= 18", "age >= 18"),
        ("${statut} = 'locataire'", "statut == 'locataire'"),
        ('${statut} != "proprietaire"', "statut != 'proprietaire'"),
        ("selected(${statut}, 'a')", "statut == 'a'"),
        ("selected(${services}, 'caf')", "'caf' in services"),
        ("not(selected(${services}, 'caf'))", "'caf' not in services"),
        ("${statut} = 'a' or ${statut} = 'b'", "statut in ['a', 'b']"),
        ("count-selected(${services}) > 1 and ${Age}<65", "count(services) > 1 and age < 65"),
        ("${Age} != ''", "answered(age)"),
        ("${Age} = ''", "not answered(age)"),
        ("${ok} = 'yes'", "ok == true"),
        ("selected(${ok}, 'no')", "ok == false"),
        ("(${Age} > 1 or ${nb} > 1) and true()", "(age > 1 or nb > 1) and true"),
        ("${Age} + ${nb} * 2 > 3", "age + nb * 2 > 3"),
        ("(${Age} - ${nb}) div 2", "(age - nb) / 2"),
    ],
)
def test_xpath_to_kit(xpath, kit):
    assert xpath_to_kit(xpath, IDS, TYPES) == kit


@pytest.mark.parametrize(
    ("xpath", "reason"),
    [
        ("${Age} mod ${nb} > 3", "calcul « mod »"),
        ("string-length(${statut}) > 2", "string-length()"),
        ("${inconnu} = 'a'", "« inconnu » citée n'est pas importée"),
        ("../statut = 'a'", "chemin XPath"),
        (". > 3", "« . »"),
        ("${last-saved#Age} > 3", "last-saved"),
        ("selected(${services}, ${statut})", "selected()"),
        ("regex(${statut}, '[a-z]+')", "regex()"),
    ],
)
def test_what_cannot_be_translated_says_why(xpath, reason):
    with pytest.raises(Untranslatable) as exc:
        xpath_to_kit(xpath, IDS, TYPES)
    assert reason in str(exc.value)


@pytest.mark.parametrize(
    ("kit", "xpath"),
    [
        ("age >= 18", "${age} >= 18"),
        ("statut == 'a'", "${statut} = 'a'"),
        ("'caf' in services", "selected(${services}, 'caf')"),
        ("'caf' not in services", "not(selected(${services}, 'caf'))"),
        ("statut in ['a', 'b']", "(${statut} = 'a' or ${statut} = 'b')"),
        ("ok == true", "${ok} = 'yes'"),
        ("answered(age) and count(services) >= 2", "${age} != '' and count-selected(${services}) >= 2"),
        ("not (age > 3 or nb < 2)", "not(${age} > 3 or ${nb} < 2)"),
    ],
)
def test_kit_to_xpath_and_back(kit, xpath):
    assert kit_to_xpath(kit, TYPES) == xpath
    back = xpath_to_kit(xpath, {k: k for k in TYPES}, TYPES)
    assert ast.dump(expressions.parse(back).tree) == ast.dump(expressions.parse(kit).tree)
