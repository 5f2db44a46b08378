"""Small kits for tests, written as YAML text and loaded like a kit folder (`load_files`).

One tool of every kind other than the questionnaire (record sheet, question bank, guide, letter,
référentiel, checklist, maturity scale, scoring grid), the kit file that lists them with shared
choice lists, and `kit_files` / `build_kit` to add a test's own questionnaire. Used by
tests/kit/test_forms.py (what each kind compiles into) and tests/ui/test_form_renderer.py (every
kind rendered and edited).
"""

from __future__ import annotations

from desktop_app.kit.loader import load_files

PURPOSE = "À quoi sert l'outil."
HOW_TO = "Comment l'utiliser."

# Shared choice lists of the kit: `oui_non_nsp` (used by GRILLE), `themes`, `satisfaction`.
CHOICE_LISTS = """
choice_lists:
  - id: oui_non_nsp
    choices:
      - {value: oui, label: "Oui"}
      - {value: non, label: "Non"}
      - {value: nsp, label: "Ne sait pas"}
  - id: themes
    choices:
      - {value: gouvernance, label: "Gouvernance"}
  - id: satisfaction
    choices:
      - {value: tres_satisfait, label: "Très satisfait"}
      - {value: plutot_satisfait, label: "Plutôt satisfait"}
      - {value: insatisfait, label: "Insatisfait"}
"""


def tool_yaml(
    tool_id: str, kind: str, title: str, step: str, body: str, purpose: str = PURPOSE, how_to: str = HOW_TO
) -> str:
    """A tool file: the common header, then the kind-specific body."""
    header = f'id: {tool_id}\nkind: {kind}\ntitle: "{title}"\nstep: {step}\n'
    return header + f'purpose: "{purpose}"\nhow_to: "{how_to}"\n' + body


def kit_yaml(tool_ids, kit_id: str = "test-kit") -> str:
    """The kit file: id, version, the shared choice lists and one `{id, file: <id>.yaml}` per tool."""
    tools = "".join(f"  - {{id: {t}, file: {t}.yaml}}\n" for t in tool_ids)
    return (
        f'id: {kit_id}\nversion: "1.0"\ntitle: Kit de test\n' + CHOICE_LISTS.lstrip("\n") + "tools:\n" + tools
    )


FICHE = tool_yaml(
    "fiche",
    "record_sheet",
    "Fiche immersion",
    "questionnaires",
    """
sections:
  - id: visite
    title: "Visite"
    questions:
      - {id: date_visite, type: date, label: "Date"}
""",
)


BANQUE = tool_yaml(
    "banque",
    "question_bank",
    "Banque de questions",
    "questionnaires",
    """
sections:
  - id: pertinence
    title: "Pertinence"
    questions:
      - {id: q1, type: note, label: "L'action répond-elle aux besoins ?"}
""",
)


GUIDE = tool_yaml(
    "guide",
    "guide",
    "Guide partenaires",
    "ateliers",
    """
meta:
  objectives: ["Partager un regard", "Identifier les forces"]
  audience: "Partenaires signataires"
  duration_minutes: 150
  room_setup: "Tables en îlots"
  material: ["Post-it"]
sections:
  - id: accueil
    title: "Accueil"
    duration_minutes: 20
    instructions: ["Accueillir", "Tour de table"]
    questions:
      - {id: nb, type: integer, label: "Participants", min: 0}
""",
)


COURRIER = tool_yaml(
    "courrier",
    "letter",
    "Courrier aux partenaires",
    "questionnaires",
    """
subject: "Évaluation du contrat de ville de {{territoire.nom}}"
body: "Madame, Monsieur,\\n\\nNous évaluons le contrat de {{territoire.nom}}."
signature: "{{signataire.nom}}"
merge_fields:
  - {id: territoire.nom, label: "Nom du territoire"}
  - {id: signataire.nom, label: "Signataire"}
sections:
  - id: options
    title: "Options"
    questions:
      - {id: date_atelier, type: date, label: "Date de l'atelier"}
""",
)


REFERENTIEL = tool_yaml(
    "referentiel",
    "referential",
    "Référentiel",
    "referentiel",
    """
scale:
  - {value: atteint, label: "Atteint", score: 4, color: "#2e7d32"}
  - {value: non_atteint, label: "Non atteint", score: 1}
questions:
  - id: gouv
    label: "La gouvernance a-t-elle été efficace ?"
    theme: gouvernance
    sub_questions:
      - id: sq1
        label: "Les instances se sont-elles réunies ?"
        indicators:
          - {id: nb_copil, label: "Nombre de COPIL", source: "Comptes rendus", unit: "réunions"}
""",
)


GRILLE = tool_yaml(
    "grille",
    "checklist",
    "Grille conseils citoyens",
    "conseils-citoyens",
    """
method_note: ["Comparez l'obligation et la pratique."]
columns:
  - {id: obligation, label: "Obligation respectée", type: single_choice, choice_list: oui_non_nsp}
  - {id: pratique, label: "Pratique constatée", type: long_text}
items:
  - {id: composition, label: "Composition", reference: "Loi du 21 février 2014, art. 7", group: "Création"}
  - {id: locaux, label: "Locaux", group: "Fonctionnement"}
  - {id: budget, label: "Budget", group: "Fonctionnement"}
""",
)


MATURITE = tool_yaml(
    "maturite",
    "maturity_scale",
    "Maturité LCD",
    "maturite",
    """
levels:
  - {value: "0", label: "Absent", score: 0}
  - {value: "1", label: "Émergent", score: 1}
  - {value: "2", label: "Structuré", score: 2}
domains:
  - id: portage
    label: "Portage politique"
    levels:
      - {level: 0, description: "Aucun portage"}
      - {level: 1, description: "Un élu référent"}
      - {level: 2, description: "Un plan voté"}
    strength: "Fort"
    progress: "À renforcer"
    recommendation: "Nommer un élu."
""",
)


COTATION = tool_yaml(
    "cotation",
    "scoring_grid",
    "Choix des actions",
    "actions",
    """
criteria:
  - id: budget
    label: "Poids budgétaire"
    weight: 2.5
    levels:
      - {value: 1, label: "Faible", description: "Moins de 1 %"}
      - {value: 3, label: "Fort", description: "Plus de 5 %"}
""",
)


TOOLS = {
    "fiche": FICHE,
    "banque": BANQUE,
    "guide": GUIDE,
    "courrier": COURRIER,
    "referentiel": REFERENTIEL,
    "grille": GRILLE,
    "maturite": MATURITE,
    "cotation": COTATION,
}


def kit_files(**tools: str) -> dict[str, str]:
    """The files of a kit folder: `kit.yaml` and one YAML file per tool, the tools above plus (or
    replaced by) `tools`, given as tool id=YAML text (e.g. `questionnaire=QUESTIONNAIRE`)."""
    all_tools = {**tools, **{k: v for k, v in TOOLS.items() if k not in tools}}
    return {"kit.yaml": kit_yaml(all_tools), **{f"{t}.yaml": text for t, text in all_tools.items()}}


def build_kit(**tools: str):
    """The loaded kit of `kit_files(**tools)`."""
    return load_files(kit_files(**tools))
