"""A questionnaire sent while the evaluation was on kit 1.0.1 and returned after it moved to
1.1.0: the file is read with the questions of 1.0.1 (its answer labels, its scales) and its
answers are carried into 1.1.0 by the kit's upgrade notes, as `kits.upgrade` did for the answers
already in the database. Before, the file was refused (« a changé de type ») or its relabelled
choices were errors, and the respondent's work was lost."""

from __future__ import annotations

from questionnaire_helpers import ASSOCIATIONS, fill

from desktop_app import paths
from desktop_app.exports.questionnaire_xlsx import write_template
from desktop_app.kit.loader import load_folder
from desktop_app.store.models import Evaluation, KitSnapshot

OLD = load_folder(paths.resource("kits", "kit-evaluation-cv-1.0.1"))


def _on_101(services, eid) -> None:
    with services.kits.tx() as s:
        s.add(KitSnapshot(kit_id=OLD.id, version=OLD.version, digest=OLD.digest, files=dict(OLD.files)))
        ev = s.get(Evaluation, eid)
        ev.kit_version = OLD.version
        ev.scope = [t for t in (ev.scope or []) if t in OLD.tools]


def test_a_file_prepared_on_101_is_read_with_its_questions_and_converted(services, evaluation, tmp_path):
    _on_101(services, evaluation)
    blank = write_template(services.questionnaires.template(evaluation, ASSOCIATIONS), tmp_path / "vierge.xlsx")
    filled = fill(blank, {
        "nom_structure": "Les Amis du Moulin", "siege_qpv": "Oui", "nb_salaries": 2, "financeurs=etat_anct": "X",
        "mode_financement": "Convention pluriannuelle d'objectifs (CPO)",
        "delai_paiement": "De 3 à 6 mois",  # the 1.0.1 label; 1.1.0 says « De 3 mois à moins de 6 mois »
        "difficulte_portail": 5,  # 1.0.1: 5 = very difficult on a 1-5 scale; 1.1.0: a choice
        "changements_depuis_2015": "Plus de familles accompagnées.",
    }, out=tmp_path / "amis.xlsx")
    services.kits.upgrade(evaluation, "1.1.0")
    assert services.evaluations.get(evaluation).kit_version == "1.1.0"

    [outcome] = services.questionnaires.import_files(evaluation, [filled])
    assert outcome.status == "imported", outcome
    answers = services.forms.get(outcome.response_id).answers
    assert answers["delai_paiement"] == "de_3_a_6_mois"
    assert answers["difficulte_portail"] == "tres_difficile"
    assert any("version 1.0.1 du kit" in n for n in outcome.notes)
    assert any("convertie" in n for n in outcome.notes)

