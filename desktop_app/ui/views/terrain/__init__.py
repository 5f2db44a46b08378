"""The Terrain step: immersions, testimonies and free contributions, the commitments tracker and
the synthesis of everything collected."""


def create_view(ctx, evaluation_id: str):
    from desktop_app.ui.views.terrain.view import TerrainView

    return TerrainView(ctx, evaluation_id)
