"""The Conseils citoyens step: per QPV of the Cadrage, its council's self-assessment grid (the law
and its application), portrait-robot (from the initial arrêté to today) and evaluative questions."""


def create_view(ctx, evaluation_id: str):
    from desktop_app.ui.views.conseils_citoyens.view import CouncilsView

    return CouncilsView(ctx, evaluation_id)
