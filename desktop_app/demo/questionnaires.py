"""Demo content of the questionnaires: invited communes and associations, about 20 commune and
60 association responses with realistic variety.

Answers are drawn with a fixed seed so the demo is the same every time; each respondent has a
"mood" that makes its answers hang together (a commune kept away from the steering is rarely
satisfied with it). Every answer goes through the same validation as typed answers, and the skip
logic is applied. A few responses come through the real Excel round trip (template written,
filled, imported), a few stay drafts, one association answered twice and two associations that
were not invited answered anyway.
"""

from __future__ import annotations

import random
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from desktop_app.core.questionnaire_respondents import Respondent
from desktop_app.core.validation import coerce, effective_answers
from desktop_app.demo.data import questionnaires as data
from desktop_app.kit.forms import Form, FormField, iter_fields

COMMUNES_TOOL = "questionnaire-communes"
ASSOCIATIONS_TOOL = "questionnaire-associations"


def _siret(rng: random.Random) -> str:
    def luhn_complete(digits: str) -> str:
        for last in "0123456789":
            total = 0
            for i, ch in enumerate(reversed(digits + last)):
                n = int(ch) * (2 if i % 2 else 1)
                total += n - 9 if n > 9 else n
            if total % 10 == 0:
                return digits + last
        raise AssertionError

    siren = luhn_complete("8" + "".join(rng.choice("0123456789") for _ in range(7)))
    return luhn_complete(siren + "0001")


def _association_names(rng: random.Random, count: int) -> list[tuple[str, list[str]]]:
    names: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    while len(names) < count:
        theme, domains = rng.choice(data.ASSOCIATION_THEMES)
        kind = rng.choice(data.ASSOCIATION_KINDS)
        where = rng.choice(data.NEIGHBOURHOODS)
        name = f"{kind} {theme} {where}" if kind not in ("Centre social", "Maison de quartier") else f"{kind} {where}"
        if name not in seen:
            seen.add(name)
            names.append((name, domains if kind not in ("Centre social", "Maison de quartier") else ["lien_social", "parentalite", "jeunesse"]))
    return names


class _Answers:
    """Draws the answers of one respondent."""

    def __init__(self, rng: random.Random, form: Form, mood: float, overrides: dict[str, Any]):
        self.rng = rng
        self.form = form
        self.mood = mood  # -1 (critical) .. 1 (satisfied)
        self.values = dict(overrides)

    def form_field(self, field_id: str) -> FormField:
        return next(f for f in iter_fields(self.form) if f.id == field_id)

    def scale(self, f: FormField, shift: float = 0.0) -> int:
        return self.between(int(f.min), int(f.max), shift)  # type: ignore[arg-type]

    def between(self, low: int, high: int, shift: float = 0.0) -> int:
        centre = (low + high) / 2 + (self.mood + shift) * (high - low) / 2.5
        return max(low, min(high, round(self.rng.gauss(centre, 0.8))))

    def scored(self, f: FormField, score: int) -> str:
        """The option of a scored choice list with this score (a difficulty scale's level)."""
        return next(o.value for o in f.choices if o.score == score)

    def choice(self, f: FormField, weights: list[float] | None = None) -> str:
        values = [o.value for o in f.choices]
        if weights is None:
            weights = [1.0] * len(values)
        return self.rng.choices(values, weights=weights[: len(values)])[0]

    def several(self, f: FormField, low: int = 1, high: int = 4, favour: list[str] | None = None) -> list[str]:
        values = [o.value for o in f.choices if not o.value.startswith("aucun")]
        if isinstance(f.max, (int, float)):
            high = min(high, int(f.max))
        k = self.rng.randint(low, max(low, high))
        weights = [3.0 if favour and v in favour else 1.0 for v in values]
        chosen: list[str] = []
        while len(chosen) < min(k, len(values)):
            v = self.rng.choices(values, weights=weights)[0]
            if v not in chosen:
                chosen.append(v)
        return chosen

    def fill(self, rules: dict[str, Any], skip: float = 0.08) -> dict[str, Any]:
        for f in iter_fields(self.form):
            if not f.answerable or f.id in self.values:
                continue
            rule = rules.get(f.id)
            if rule is None:
                if f.type == "scale":
                    value: Any = self.scale(f)
                elif f.type == "yes_no":
                    value = self.rng.random() < 0.55
                elif f.type == "single_choice":
                    value = self.choice(f)
                elif f.type == "multiple_choice":
                    value = self.several(f)
                else:
                    continue
            else:
                value = rule(self) if callable(rule) else rule
            if value is None or (not f.required and self.rng.random() < skip):
                continue
            self.values[f.id] = coerce(f, value)
        return effective_answers(self.form, self.values)


def _commune_rules(rng: random.Random, nb_qpv: int, insee: str) -> dict[str, Any]:
    big = nb_qpv >= 2
    pick = rng.choice

    def role(a: _Answers) -> str:
        if big:
            return "copilote"
        w = [0.5, 3, 2, 1] if nb_qpv else [0.1, 1, 3, 2]
        return a.rng.choices(["copilote", "associee", "informee", "en_retrait"], weights=w)[0]

    def satisfaction(a: _Answers) -> str:
        levels = ["tres_satisfait", "plutot_satisfait", "plutot_insatisfait", "tres_insatisfait"]
        rank = {"copilote": 0.6, "associee": 0.3, "informee": -0.2, "en_retrait": -0.8}[a.values["role_pilotage"]] + a.mood / 2
        index = 0 if rank > 0.7 else 1 if rank > 0 else 2 if rank > -0.6 else 3
        return levels[index]

    def instances(a: _Answers) -> list[str]:
        role_value = a.values["role_pilotage"]
        if role_value == "en_retrait":
            return ["aucune"]
        base = ["copil"] + (["cotech"] if role_value in ("copilote", "associee") else [])
        extra = [v for v in ("comite_financeurs", "groupes_thematiques", "instances_ru") if a.rng.random() < 0.35]
        return base + extra

    def amount(low: float, high: float) -> int:
        return round(rng.uniform(low, high) / 500) * 500

    return {
        "quartier_sortant": insee in data.SORTANTES,
        "fonction_repondant": lambda a: a.rng.choices(
            ["chef_projet", "dgs", "elu_delegue", "maire", pick(data.FONCTIONS_AUTRES)], weights=[4, 3, 3, 1, 1])[0],
        "date_reponse": (date(2026, 2, 9) + timedelta(days=rng.randint(0, 40))).isoformat(),
        "role_pilotage": role,
        "instances": instances,
        "satisfaction_pilotage": satisfaction,
        "ameliorations_pilotage": lambda a: pick(data.AMELIORATIONS),
        "etp_politique_ville": round(rng.uniform(0.8, 3.5), 1) if nb_qpv else rng.choice([0, 0.2, 0.3, 0.5]),
        "referent_identifie": "oui" if nb_qpv else rng.choice(["non", "non", "nsp", "oui"]),
        "services_mobilises": lambda a: a.several(a.form_field("services_mobilises"), 2, 6 if big else 3),
        "besoins_ingenierie": lambda a: pick(data.BESOINS_INGENIERIE) if a.rng.random() < 0.6 else None,
        "annee_reference": 2025,
        "credits_specifiques": amount(25000, 140000) if big else amount(6000, 45000) if nb_qpv else (amount(0, 4000) or None),
        "droit_commun_renforce": (amount(60000, 450000) if nb_qpv else None) if rng.random() < 0.7 else None,
        "methode_estimation": lambda a: a.rng.choice(["comptabilite", "estimation_services", "ordre_grandeur", "ordre_grandeur"]),
        "projet_ru": {"59992": "npnru_national", "59993": "npnru_regional"}.get(insee, rng.choice(["aucun", "aucun", "hors_anru"]) if nb_qpv else "aucun"),
        "commentaire_ru": lambda a: pick(data.COMMENTAIRES_RU),
        "connaissance_cc": lambda a: a.rng.choice(["bien", "un_peu"]) if nb_qpv else a.rng.choice(["de_nom", "pas_du_tout", "un_peu"]),
        "etat_cc": lambda a: a.rng.choices(["actif", "fragile", "en_sommeil", "jamais_installe"], weights=[2, 3, 2, 1])[0],
        "soutien_cc": lambda a: a.several(a.form_field("soutien_cc"), 1, 3, favour=["local", "invitation_instances"]),
        "autres_dispositifs": lambda a: a.several(a.form_field("autres_dispositifs"), 1, 2) if a.rng.random() < 0.8 else ["aucun"],
        "nb_associations": rng.randint(6, 35) if nb_qpv else rng.randint(0, 5),
        "formes_soutien": lambda a: a.several(a.form_field("formes_soutien"), 2, 5, favour=["subvention_annuelle", "locaux"]),
        "nb_cpo": rng.randint(1, 6),
        "apports_contrat": pick(data.APPORTS),
        "limites_contrat": lambda a: pick(data.LIMITES) if a.rng.random() < 0.8 else None,
        "priorites_2030": lambda a: a.several(a.form_field("priorites_2030"), 2, 3, favour=["emploi", "education", "jeunesse", "tranquillite"]),
        "attentes_epci": lambda a: pick(data.ATTENTES_EPCI) if a.rng.random() < 0.7 else None,
        "contact_suite": pick(data.CONTACTS),
    }


def _association_rules(rng: random.Random, domains: list[str]) -> dict[str, Any]:
    pick = rng.choice
    salaried = rng.choices([0, rng.randint(1, 3), rng.randint(4, 12), rng.randint(13, 45)], weights=[4, 4, 3, 1])[0]
    budget = round(rng.lognormvariate(10.9 + salaried / 12, 0.6) / 100) * 100
    return {
        "siege_qpv": rng.random() < 0.65,
        "qpv_siege": pick(data.QPV_NAMES),
        "domaines": lambda a: list(dict.fromkeys(domains + a.several(a.form_field("domaines"), 0, 2))),
        "nb_salaries": salaried,
        "etp_salaries": round(max(0.5, salaried * rng.uniform(0.5, 0.9)), 1),
        "nb_benevoles": rng.randint(3, 60),
        "fonction_repondant": lambda a: "direction" if salaried > 3 and a.rng.random() < 0.7 else a.rng.choice(["president", "benevole", "salarie"]),
        "financeurs": lambda a: ["etat_anct"] + a.several(a.form_field("financeurs"), 1, 4, favour=["epci", "commune", "caf", "departement"]),
        "financeurs_autre": pick(data.AUTRES_FINANCEURS),
        "budget_annuel": budget,
        "part_credits_cv": round(rng.uniform(8, 70 if salaried < 3 else 35)),
        "mode_financement": lambda a: a.rng.choices(["annuel", "cpo", "mixte"], weights=[5, 2, 2] if salaried < 4 else [2, 3, 3])[0],
        "echeance_cpo": (date(2026, 12, 31) + timedelta(days=365 * rng.randint(0, 2))).isoformat(),
        "souhait_cpo": lambda a: a.rng.choices(["oui", "non", "nsp"], weights=[6, 1, 2])[0],
        "delai_paiement": lambda a: a.rng.choices(
            ["moins_3_mois", "de_3_a_6_mois", "de_6_a_9_mois", "plus_9_mois", "variable"], weights=[1, 4, 3, 1, 3])[0],
        # 1 = very easy … 5 = very difficult drawn as before, then read on the kit's scale (5 = very easy)
        "difficulte_portail": lambda a: a.scored(a.form_field("difficulte_portail"), 6 - a.between(1, 5, shift=-2 * a.mood + 0.3)),
        "difficulte_cerfa": lambda a: a.scored(a.form_field("difficulte_cerfa"), 6 - a.between(1, 5, shift=-2 * a.mood + 0.5)),
        "difficultes_detail": lambda a: pick(data.DIFFICULTES),
        "charge_bilans": lambda a: a.scale(a.form_field("charge_bilans"), shift=-2 * a.mood + 0.6),
        "retour_bilans": lambda a: a.rng.choices(["jamais", "rarement", "parfois", "souvent"], weights=[3, 4, 2, 1])[0],
        "accompagnement_recu": rng.random() < 0.6,
        "types_accompagnement": lambda a: a.several(a.form_field("types_accompagnement"), 1, 3, favour=["montage_dossiers", "formation"]),
        "accompagnateurs": lambda a: a.several(a.form_field("accompagnateurs"), 1, 2, favour=["delegue_prefet", "equipe_epci"]),
        "nb_beneficiaires": round(rng.lognormvariate(4.6 + salaried / 15, 0.7)),
        "part_beneficiaires_qpv": round(rng.uniform(40, 95)) if rng.random() < 0.85 else None,
        "methode_part_qpv": lambda a: a.rng.choices(["adresses_verifiees", "declaratif", "estimation"], weights=[2, 3, 3])[0],
        "partenaires": lambda a: a.several(a.form_field("partenaires"), 2, 5, favour=["ecoles", "centres_sociaux", "associations"]),
        "changements_depuis_2015": pick(data.CHANGEMENTS),
        "exemple_effet": pick(data.EXEMPLES) if rng.random() < 0.5 else None,
        "attentes_prioritaires": lambda a: a.several(a.form_field("attentes_prioritaires"), 1, 3, favour=["plus_cpo", "versements_rapides", "dossier_unique"]),
        "attentes_libre": pick(data.ATTENTES_ASSO) if rng.random() < 0.4 else None,
        "contact": pick(data.ASSO_CONTACTS),
    }


def _draft(rng: random.Random, form: Form, answers: dict[str, Any], identity: set[str]) -> dict[str, Any]:
    """Keep the first part of the answers: a response the facilitator has not finished."""
    keys = [f.id for f in iter_fields(form) if f.id in answers]
    keep = set(keys[: max(len(identity) + 3, int(len(keys) * rng.uniform(0.3, 0.6)))]) | identity
    return {k: v for k, v in answers.items() if k in keep}


def build_questionnaires(services, evaluation_id: str) -> None:
    rng = random.Random(30)
    q = services.questionnaires
    forms = q.forms(evaluation_id)
    if COMMUNES_TOOL not in forms or ASSOCIATIONS_TOOL not in forms:
        return
    for name, insee in data.EXTRA_COMMUNES:
        q.add_invitee(evaluation_id, "commune", name, insee)
    associations = _association_names(rng, 82)
    sirets = [_siret(rng) for _ in associations]
    for i, ((name, _), siret) in enumerate(zip(associations[:80], sirets[:80], strict=True)):
        q.add_invitee(evaluation_id, "association", name, siret, email=f"contact{i + 1:02d}@asso-demo.example")

    qpv_counts: dict[str, int] = {}
    for row in services.evaluations.rows("qpv", evaluation_id):
        for commune in (c.strip() for c in row["communes"].split(",")):
            qpv_counts[commune] = qpv_counts.get(commune, 0) + 1

    with tempfile.TemporaryDirectory(prefix="evalkit-demo-") as tmp:
        excel: list[Path] = []
        # communes: 20 of the 24 invited answer
        invited = q.invitees(evaluation_id, "commune")
        answering = invited[:5] + rng.sample(invited[5:], 15)
        for n, inv in enumerate(answering):
            form = forms[COMMUNES_TOOL]
            nb_qpv = qpv_counts.get(inv.name, 0)
            base = {"nom_commune": inv.name, "code_insee": inv.code, "nb_qpv": nb_qpv}
            mood = rng.uniform(-0.4, 0.9) if nb_qpv else rng.uniform(-1, 0.4)
            answers = _Answers(rng, form, mood, base).fill(_commune_rules(rng, nb_qpv, inv.code))
            status = "complete"
            if n in (7, 16):
                answers, status = _draft(rng, form, answers, {"nom_commune", "code_insee"}), "draft"
            if n % 4 == 1:
                excel.append(_excel_file(services, evaluation_id, COMMUNES_TOOL, inv.respondent, answers, Path(tmp)))
            else:
                _entered(services, evaluation_id, COMMUNES_TOOL, "commune", inv.respondent, answers, status)

        # associations: 58 of the 80 invited, and 2 that were not on the list
        invited = q.invitees(evaluation_id, "association")
        chosen = rng.sample(range(80), 58) + [80, 81]
        for n, index in enumerate(chosen):
            name, domains = associations[index]
            siret = sirets[index] if rng.random() < 0.85 else ""
            who = Respondent("association", name, siret)
            form = forms[ASSOCIATIONS_TOOL]
            base = {"nom_structure": name, **({"siret": siret} if siret else {})}
            answers = _Answers(rng, form, rng.uniform(-1, 0.8), base).fill(_association_rules(rng, domains))
            status = "complete"
            if n % 13 == 5:
                answers, status = _draft(rng, form, answers, set(base)), "draft"
            if n == 3:  # began on the phone with the facilitator, then sent the Excel file too
                first = _draft(rng, form, answers, set(base))
                _entered(services, evaluation_id, ASSOCIATIONS_TOOL, "association", who, first, "draft")
                excel.append(_excel_file(services, evaluation_id, ASSOCIATIONS_TOOL, who, answers, Path(tmp)))
            elif n % 5 == 2:
                excel.append(_excel_file(services, evaluation_id, ASSOCIATIONS_TOOL, who, answers, Path(tmp)))
            else:
                _entered(services, evaluation_id, ASSOCIATIONS_TOOL, "association", who, answers, status)
        # keep_both: the association begun on the phone stays a duplicate to settle (the demo shows it)
        q.import_files(evaluation_id, excel, partial=True, keep_both=True)


def _entered(services, evaluation_id: str, tool_id: str, kind: str, who: Respondent, answers: dict, status: str) -> None:
    services.forms.create(evaluation_id, tool_id, kind, who.subject_id, who.label, answers, status)


def _excel_file(services, evaluation_id: str, tool_id: str, who: Respondent, answers: dict, folder: Path) -> Path:
    """The template a respondent received, filled as they would (the answers written in it)."""
    from desktop_app.exports.questionnaire_xlsx import template_file_name, write_template

    info = services.questionnaires.template(evaluation_id, tool_id, who)
    info.answers = dict(answers)
    return write_template(info, folder / template_file_name(info.short_title, who))
