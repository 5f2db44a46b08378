"""The Questionnaires step: responses entered in the app, Excel round trip, results.

Tabs « Réponses » (respondents, entry with the form renderer, duplicates), « Diffusion Excel »
(invited respondents, templates, import of filled files with a report) and « Résultats »
(response rate, per-question tables and charts).
"""


def create_view(ctx, evaluation_id: str):
    from desktop_app.ui.views.questionnaires.view import QuestionnairesView

    return QuestionnairesView(ctx, evaluation_id)
