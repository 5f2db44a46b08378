"""The Maturité step: the anti-discrimination and gender-equality maturity scales, each with its
live score, radar chart, strengths, areas for progress and recommendations."""


def create_view(ctx, evaluation_id: str):
    from desktop_app.ui.views.maturite.view import MaturityView

    return MaturityView(ctx, evaluation_id)
