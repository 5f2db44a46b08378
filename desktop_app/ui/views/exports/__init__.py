"""The Exports step: choose the deliverables (PDF summary, filled-grids workbook, partners'
letters), export them in the background with a progress bar and a cancel button, open the folder."""


def create_view(ctx, evaluation_id: str):
    from desktop_app.ui.views.exports.view import ExportsView

    return ExportsView(ctx, evaluation_id)
