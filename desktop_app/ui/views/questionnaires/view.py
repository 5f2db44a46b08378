"""The Questionnaires view: a questionnaire selector above three tabs.

The questionnaires of the kit and their number of responses are read in the background
(« Chargement des questionnaires… » until then, and again after a change, the list kept).
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
from desktop_app.ui.widgets.background import BackgroundLoad

LOADING = "Chargement des questionnaires…"

ENTITIES = {"form_response", "questionnaire_invitee", "questionnaire_import", "commune", "evaluation"}


class QuestionnairesView(QWidget):
    def __init__(self, ctx: AppContext, evaluation_id: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.setObjectName("page")
        self.infos = []
        self._loader = BackgroundLoad(self, ctx.tasks)

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
        self.selector.addItem(LOADING)
        self.selector.setEnabled(False)
        label.setBuddy(self.selector)
        chooser.addWidget(label)
        chooser.addWidget(self.selector)
        top.addLayout(chooser)
        from desktop_app.ui.views.questionnaires.xlsform_actions import XlsFormButton

        self.xlsform = XlsFormButton(ctx, evaluation_id, self.tool_id, self)  # KoboToolbox / ODK in and out
        self.xlsform.kit_changed = self._load_infos  # a questionnaire added to the kit joins the selector
        chooser.addWidget(self.xlsform)
        layout.addLayout(top)

        self.message = muted(LOADING)
        layout.addWidget(self.message)
        self.tabs = QTabWidget()
        self.responses = ResponsesTab(ctx, evaluation_id)
        self.diffusion = DiffusionTab(ctx, evaluation_id)
        self.results = ResultsTab(ctx, evaluation_id)
        self.tabs.addTab(self.responses, "Réponses")
        self.tabs.addTab(self.diffusion, "Diffusion Excel")
        self.tabs.addTab(self.results, "Résultats")
        self.tabs.hide()  # until the questionnaires are known
        layout.addWidget(self.tabs, 1)
        self.stretch = QWidget()  # keeps the message at the top while the tabs are hidden
        layout.addWidget(self.stretch, 1)
        ctx.watch(self, self._on_change)
        self._load_infos()

    def _load_infos(self) -> None:
        service, eid = self.ctx.services.questionnaires, self.evaluation_id

        def failed(exc: Exception) -> None:
            self.message.setText(str(exc) if isinstance(exc, ServiceError) else f"Lecture des questionnaires impossible : {exc}")
            self.message.show()

        self._loader.run(lambda _p: service.questionnaires(eid), self._show_infos, failed)

    def _show_infos(self, infos) -> None:
        """The first time: fill the selector and open the first questionnaire; later: its counts."""
        first = not self.infos
        self.infos = infos
        if not first:
            for info in infos:
                index = self.selector.findData(info.tool_id)
                if index >= 0:
                    self.selector.setItemText(index, self._item_text(info))
                else:  # a questionnaire the kit gained (an XLSForm imported)
                    self.selector.addItem(self._item_text(info), info.tool_id)
            return
        self.selector.clear()
        for info in infos:
            self.selector.addItem(self._item_text(info), info.tool_id)
        if not infos:
            self.selector.setEnabled(False)
            self.message.setText("Le kit de cette évaluation ne contient aucun questionnaire.")
            return
        self.selector.setEnabled(True)
        self.message.hide()
        self.stretch.hide()
        self.tabs.setCurrentWidget(self.results if infos[0].responses else self.responses)
        self.selector.currentIndexChanged.connect(self._select)
        self.tabs.currentChanged.connect(self._tab_changed)
        self._select(0)
        self.tabs.show()
        self._tab_changed(self.tabs.currentIndex())

    @staticmethod
    def _item_text(info) -> str:
        scope = "" if info.in_scope else " — hors périmètre"
        return f"{info.display} ({info.responses} réponse{'s' if info.responses > 1 else ''}){scope}"

    def tool_id(self) -> str | None:
        return self.selector.currentData()

    def _select(self, _index: int) -> None:
        tool_id = self.tool_id()
        info = next((i for i in self.infos if i.tool_id == tool_id), None)
        if info is None:
            return
        self.responses.set_questionnaire(info)
        # the invitees (a tab not shown first) are read when their tab is shown
        self.diffusion.set_questionnaire(info, load=self.tabs.currentWidget() is self.diffusion)
        self.results.set_questionnaire(info, load=self.tabs.currentWidget() is self.results)

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.results:
            self.results.ensure_loaded()
        elif self.tabs.currentWidget() is self.diffusion:
            self.diffusion.ensure_loaded()

    def _on_change(self, change: Change) -> None:
        if change.evaluation_id != self.evaluation_id or change.entity not in ENTITIES:
            return
        if not self.infos:  # still loading (read again, after the change), or no questionnaire
            if self._loader.pending:
                self._load_infos()
            return
        self._load_infos()  # the counts of responses in the selector
        self.responses.on_change(change)
        self.diffusion.on_change(change)
        self.results.mark_stale()
        if self.tabs.currentWidget() is self.results:
            self.results.ensure_loaded()

    def settle(self) -> None:
        """Everything the results page still adds by batches, added now (before a screenshot)."""
        if self.infos and self.tabs.currentWidget() is self.results:
            self.results.settle()

    def flush(self) -> None:
        self.responses.flush()
