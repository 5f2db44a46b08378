"""The Actions structurantes step: programmation, selection grid, chosen actions' plans."""


def create_view(ctx, evaluation_id: str):
    from desktop_app.ui.views.actions.view import ActionsView

    return ActionsView(ctx, evaluation_id)
