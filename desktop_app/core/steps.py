"""The path of steps the application guides the facilitator through, and their states."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    id: str
    label: str
    summary: str


STEPS: tuple[Step, ...] = (
    Step("cadrage", "Cadrage", "Territoire, communes, QPV, partenaires, équipe, calendrier et périmètre de l'évaluation."),
    Step("actions", "Actions structurantes", "Choisir les actions à évaluer, leurs questions évaluatives et la méthode."),
    Step("ateliers", "Ateliers", "Ateliers Partenaires, Associations, Conseils citoyens et groupes de travail."),
    Step("terrain", "Terrain", "Immersions, témoignages, contributions libres et suivi des engagements."),
    Step("questionnaires", "Questionnaires", "Questionnaires aux communes et aux associations."),
    Step("referentiel", "Référentiel", "Le référentiel évaluatif commun : indicateurs, preuves et appréciations."),
    Step("conseils-citoyens", "Conseils citoyens", "Auto-évaluation, portrait-robot et questions évaluatives."),
    Step("maturite", "Maturité", "Échelles de maturité lutte contre les discriminations et égalité femmes-hommes."),
    Step("exports", "Exports", "Grilles remplies, synthèse PDF, courriers et fichiers de résultats."),
)

STEP_IDS = tuple(s.id for s in STEPS)

STATE_LABELS = {
    "a_faire": "À faire",
    "en_cours": "En cours",
    "termine": "Terminé",
    "hors_perimetre": "Hors périmètre",
}


@dataclass(frozen=True)
class StepState:
    step: str
    state: str  # a_faire | en_cours | termine | hors_perimetre
    detail: str = ""

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


def step(step_id: str) -> Step:
    for s in STEPS:
        if s.id == step_id:
            return s
    raise KeyError(step_id)
