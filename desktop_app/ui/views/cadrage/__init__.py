"""The Cadrage step: territory, communes, QPV, partners, team, calendar and scope."""


def create_view(ctx, evaluation_id: str):
    from desktop_app.ui.views.cadrage.view import CadrageView

    return CadrageView(ctx, evaluation_id)
