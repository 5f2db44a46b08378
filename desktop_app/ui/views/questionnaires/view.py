"""The Questionnaires view: a questionnaire selector above three tabs.

The results tab is shown first when the questionnaire has responses (what a facilitator comes
back for), the responses tab otherwise. Every tab refreshes from `ctx.changed`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from desktop_app.services.base import Change, ServiceError
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.common import page_header
from desktop_app.ui.views.questionnaires.common import muted
from desktop_app.ui.views.questionnaires.diffusion_tab import DiffusionTab
from desktop_app.ui.views.questionnaires.responses_tab import ResponsesTab
from desktop_app.ui.views.questionnaires.results_tab import ResultsTab

ENTITIES = {"form_response", "questionnaire_invitee", "questionnaire_import", "commune", "evaluation"}


class QuestionnairesView(QWidget):
    def __init__(self, ctx: AppContext, evaluation_id: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.setObjectName("page")
        service = ctx.services.questionnaires
        self.infos = service.questionnaires(evaluation_id)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 18, 28, 14)
        layout.setSpacing(8)
        top = QHBoxLayout()
        top.addWidget(page_header(
            "Questionnaires",
            "Questionnaires aux communes et aux associations : saisie dans l'application, envoi et retour "
            "par fichiers Excel, résultats.",
        ), 1)
        chooser = QVBoxLayout()
        chooser.setSpacing(2)
        label = QLabel("Questionnaire")
        label.setObjectName("muted")
        self.selector = QComboBox()
        self.selector.setAccessibleName("Questionnaire")
        self.selector.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.selector.setMinimumContentsLength(40)
        for info in self.infos:
            self.selector.addItem(self._item_text(info), info.tool_id)
        label.setBuddy(self.selector)
        chooser.addWidget(label)
        chooser.addWidget(self.selector)
        top.addLayout(chooser)
        layout.addLayout(top)

        if not self.infos:
            layout.addWidget(muted("Le kit de cette évaluation ne contient aucun questionnaire."))
            layout.addStretch(1)
            self.tabs = None
            return
        self.tabs = QTabWidget()
        self.responses = ResponsesTab(ctx, evaluation_id)
        self.diffusion = DiffusionTab(ctx, evaluation_id)
        self.results = ResultsTab(ctx, evaluation_id)
        self.tabs.addTab(self.responses, "Réponses")
        self.tabs.addTab(self.diffusion, "Diffusion Excel")
        self.tabs.addTab(self.results, "Résultats")
        self.tabs.currentChanged.connect(self._tab_changed)
        layout.addWidget(self.tabs, 1)

        self.selector.currentIndexChanged.connect(self._select)
        ctx.watch(self, self._on_change)
        self._select(0)
        self.tabs.setCurrentWidget(self.results if self.infos[0].responses else self.responses)
        self._tab_changed(self.tabs.currentIndex())

    @staticmethod
    def _item_text(info) -> str:
        scope = "" if info.in_scope else " — hors périmètre"
        return f"{info.display} ({info.responses} réponse{'s' if info.responses > 1 else ''}){scope}"

    def tool_id(self) -> str:
        return self.selector.currentData()

    def _select(self, _index: int) -> None:
        tool_id = self.tool_id()
        info = next(i for i in self.infos if i.tool_id == tool_id)
        self.responses.set_questionnaire(info)
        self.diffusion.set_questionnaire(info)
        self.results.set_questionnaire(info, load=self.tabs.currentWidget() is self.results)

    def _tab_changed(self, _index: int) -> None:
        if self.tabs is not None and self.tabs.currentWidget() is self.results:
            self.results.ensure_loaded()

    def _on_change(self, change: Change) -> None:
        if change.evaluation_id != self.evaluation_id or change.entity not in ENTITIES:
            return
        try:
            self.infos = self.ctx.services.questionnaires.questionnaires(self.evaluation_id)
        except ServiceError:
            return
        for info in self.infos:
            index = self.selector.findData(info.tool_id)
            if index >= 0:
                self.selector.setItemText(index, self._item_text(info))
        self.responses.on_change(change)
        self.diffusion.on_change(change)
        self.results.mark_stale()
        if self.tabs.currentWidget() is self.results:
            self.results.ensure_loaded()

    def settle(self) -> None:
        """Everything the results page still adds by batches, added now (before a screenshot)."""
        if self.tabs is not None and self.tabs.currentWidget() is self.results:
            self.results.settle()

    def flush(self) -> None:
        if self.tabs is not None:
            self.responses.flush()
