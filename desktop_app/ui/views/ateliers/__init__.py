"""The Ateliers step: workshops, working groups and the mode atelier (presentation window)."""


def create_view(ctx, evaluation_id: str):
    from desktop_app.ui.views.ateliers.view import AteliersView

    return AteliersView(ctx, evaluation_id)
