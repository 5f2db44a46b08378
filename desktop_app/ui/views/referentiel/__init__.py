"""The Référentiel step: the common evaluative framework filled indicator by indicator (value,
source, evidence linked from what the app records, appreciation, comment) and its colour matrix."""


def create_view(ctx, evaluation_id: str):
    from desktop_app.ui.views.referentiel.view import ReferentielView

    return ReferentielView(ctx, evaluation_id)
