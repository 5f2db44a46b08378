"""The « Diffusion Excel » tab: invited respondents, fillable files to send, import of the
returned files (also by dropping them on the tab) with a per-file, per-cell report.
The invitees and who answered are read in the background (« Chargement des invités… »)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.questionnaire_respondents import same_respondent, type_label
from desktop_app.services.base import Change
from desktop_app.ui.views.questionnaires.common import (
    muted,
    remember_folder,
    remembered_folder,
    run_with_progress,
)
from desktop_app.ui.views.questionnaires.dialogs import InviteeDialog, TemplateOptionsDialog
from desktop_app.ui.views.questionnaires.import_report import ImportReportDialog
from desktop_app.ui.views.questionnaires.models import STATUS_LABELS, InviteesModel
from desktop_app.ui.widgets.background import BackgroundLoad

LOADING = "Chargement des invités…"

STEPS = (
    "<b>1. Préparer</b> — un fichier Excel par répondant invité (pré-rempli avec son nom et son code) ou un "
    "fichier vierge à diffuser largement. Le fichier contient un mode d'emploi, des listes déroulantes et des "
    "contrôles de saisie.<br><b>2. Envoyer</b> — par courriel, avec le courrier d'accompagnement et une date limite."
    "<br><b>3. Importer</b> — les fichiers renvoyés, un ou plusieurs à la fois (ou glissez-les sur cette page) : "
    "chaque réponse est vérifiée, un rapport indique cellule par cellule ce qui ne va pas. Réimporter un fichier "
    "corrigé met à jour la réponse au lieu de la dupliquer."
)


class DiffusionTab(QWidget):
    def __init__(self, ctx, evaluation_id: str, parent=None):
        super().__init__(parent)
        self._loader = BackgroundLoad(self, ctx.tasks)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.service = ctx.services.questionnaires
        self.info = None
        self.stale = True  # read when the tab is first shown (`ensure_loaded`), again after a change
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        intro = QLabel(STEPS)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(intro)

        actions = QHBoxLayout()
        self.per_invitee_button = QPushButton("Préparer un fichier par invité…")
        self.per_invitee_button.setObjectName("primary")
        self.per_invitee_button.clicked.connect(self.generate_per_invitee)
        self.blank_button = QPushButton("Fichier vierge…")
        self.blank_button.clicked.connect(self.generate_blank)
        self.import_button = QPushButton("Importer des fichiers remplis…")
        self.import_button.setObjectName("primary")
        self.import_button.clicked.connect(self.choose_files)
        actions.addWidget(self.per_invitee_button)
        actions.addWidget(self.blank_button)
        actions.addStretch(1)
        actions.addWidget(self.import_button)
        layout.addLayout(actions)

        self.group = QGroupBox("Répondants invités")
        inner = QVBoxLayout(self.group)
        self.rate_label = muted()
        inner.addWidget(self.rate_label)
        self.model = InviteesModel("commune", self._edit_invitee, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Répondants invités")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 130), (2, 230), (3, 170), (4, 120), (5, 100)):
            self.table.setColumnWidth(col, width)
        inner.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Ajouter…")
        self.add_button.clicked.connect(self.add_invitee)
        self.list_button = QPushButton("Importer une liste (Excel, CSV)…")
        self.list_button.clicked.connect(self.import_list)
        self.remove_button = QPushButton("Retirer de la liste")
        self.remove_button.clicked.connect(self.remove_invitees)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.list_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.note = muted("", wrap=True)
        buttons.addWidget(self.note, 1)
        inner.addLayout(buttons)
        layout.addWidget(self.group, 1)
        self.last_report: ImportReportDialog | None = None

    # ------------------------------------------------------------------ data

    def set_questionnaire(self, info, load: bool = True) -> None:
        """`load=False`: the invitees are read when the tab is shown (`ensure_loaded`)."""
        self.info = info
        kind = info.respondent_type
        self.model.kind = kind
        plural = type_label(kind, plural=True).lower()
        self.group.setTitle(f"{type_label(kind, plural=True)} invité{'s' if kind == 'repondant' else 'es'}")
        self.note.setText(
            "Les communes du Cadrage sont invitées d'office ; ajoutez ici les autres communes de l'EPCI." if kind == "commune"
            else f"Ajoutez les {plural} une à une ou importez une liste (par exemple les porteurs de la programmation)."
        )
        self.model.set_rows([], {})
        self.rate_label.setText(LOADING)
        self.stale = True
        if load:
            self.reload()

    def ensure_loaded(self) -> None:
        if self.stale and self.info is not None:
            self.reload()

    def reload(self) -> None:
        """Read the invitees, who answered and the response rate in the background, then show them."""
        if self.info is None:
            return
        self.stale = False
        service, eid, kind, tool_id = self.service, self.evaluation_id, self.info.respondent_type, self.info.tool_id

        def work(_progress):
            invitees = service.invitees(eid, kind)
            rows = service.responses(eid, tool_id)
            answers = {}
            for inv in invitees:
                mine = [r for r in rows if same_respondent(inv.respondent, r.respondent)]
                if mine:
                    done = any(r.status == "complete" for r in mine)
                    answers[inv.id] = STATUS_LABELS["complete"] if done else STATUS_LABELS["draft"]
            return invitees, answers, service.rate(eid, tool_id)

        def failed(exc: Exception) -> None:
            self.rate_label.setText(f"Lecture des invités impossible : {exc}")

        if not self.model.rows:
            self.rate_label.setText(LOADING)
        self._loader.run(work, self._show, failed)

    def _show(self, data) -> None:
        invitees, answers, rate = data
        self.model.set_rows(invitees, answers)
        self.rate_label.setText(
            f"{rate.invited} invité(s) · {rate.answered} ont répondu ({round(rate.rate)} %) · "
            f"{rate.invited - rate.answered} sans réponse" + (f" · {rate.not_invited} réponse(s) hors liste" if rate.not_invited else "")
        )

    def on_change(self, change: Change) -> None:
        if change.entity in ("questionnaire_invitee", "commune", "form_response", "questionnaire_import"):
            if self.isVisible():
                self.reload()
            else:  # read again when shown
                self.stale = True

    def selected_invitees(self):
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.rows[r] for r in rows]

    # ------------------------------------------------------------------ invitees

    def _edit_invitee(self, invitee_id: str, key: str, value: str) -> bool:
        return self.ctx.apply(lambda: self.service.update_invitee(invitee_id, key, value)) is not None

    def add_invitee(self) -> None:
        dialog = InviteeDialog(self.info.respondent_type, self)
        if dialog.exec():
            v = dialog.values()
            change = self.ctx.apply(lambda: self.service.add_invitee(self.evaluation_id, self.info.respondent_type, **v))
            if change is None:
                QMessageBox.warning(self, "Ajouter", "Ce répondant n'a pas été ajouté (voir la barre d'état).")

    def import_list(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Importer une liste d'invités", remembered_folder(self.ctx),
                                              "Tableaux (*.xlsx *.csv);;Tous les fichiers (*)")
        if not path:
            return
        remember_folder(self.ctx, path)
        kind = self.info.respondent_type

        def work(_progress):
            return self.service.import_invitees(self.evaluation_id, kind, path)

        def done(result) -> None:
            self.ctx.changed.emit(Change("questionnaire_invitee", "", self.evaluation_id))
            text = f"{result.added} invité(s) ajouté(s), {result.already} déjà dans la liste."
            if result.problems:
                text += "\n\n" + "\n".join(result.problems[:10])
            QMessageBox.information(self, "Liste d'invités", text)

        run_with_progress(self, self.ctx, "Lecture de la liste…", work, done, writes=True)

    def remove_invitees(self) -> None:
        chosen = self.selected_invitees()
        removable = [i for i in chosen if i.editable]
        if not chosen:
            return
        if not removable:
            QMessageBox.information(self, "Retirer", "Les communes du Cadrage se retirent dans l'étape Cadrage.")
            return
        names = ", ".join(i.name for i in removable[:4]) + (" …" if len(removable) > 4 else "")
        if QMessageBox.question(self, "Retirer", f"Retirer de la liste des invités : {names} ?") != QMessageBox.StandardButton.Yes:
            return
        for inv in removable:
            self.ctx.apply(lambda inv=inv: self.service.delete_invitee(inv.id))

    # ------------------------------------------------------------------ templates

    def _return_to(self) -> str:
        team = self.ctx.services.evaluations.rows("team_member", self.evaluation_id)
        pilot = next((t for t in team if t.get("is_pilot") and t.get("email")), None)
        return pilot["email"] if pilot else ""

    def generate_blank(self) -> None:
        options = TemplateOptionsDialog(0, 0, 0, self._return_to(), self, blank=True)
        if not options.exec():
            return
        default = str(Path(remembered_folder(self.ctx)) / self.ctx.services.exports.template_file_name(self.info.short_title))
        path, _ = QFileDialog.getSaveFileName(self, "Enregistrer le questionnaire vierge", default, "Classeur Excel (*.xlsx)")
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        remember_folder(self.ctx, path)
        values = options.values()
        tool_id = self.info.tool_id

        def work(_progress):
            return self.ctx.services.exports.questionnaire_template(
                self.evaluation_id, tool_id, path, deadline=values["deadline"], return_to=values["return_to"])

        run_with_progress(self, self.ctx, "Écriture du fichier…", work,
                          lambda written: QMessageBox.information(self, "Fichier vierge", f"Fichier enregistré :\n{written}"))

    def generate_per_invitee(self) -> None:
        invitees = list(self.model.rows)
        if not invitees:
            QMessageBox.information(self, "Préparer les fichiers", "Ajoutez d'abord des répondants invités à la liste.")
            return
        selected = self.selected_invitees()
        pending = [i for i in invitees if i.id not in self.model.answers]
        options = TemplateOptionsDialog(len(invitees), len(selected), len(pending), self._return_to(), self)
        if not options.exec():
            return
        values = options.values()
        chosen = {"all": invitees, "pending": pending, "selected": selected}[values["scope"]]
        folder = QFileDialog.getExistingDirectory(self, "Dossier où enregistrer les fichiers", remembered_folder(self.ctx))
        if not folder:
            return
        remember_folder(self.ctx, folder)
        tool_id = self.info.tool_id
        respondents = [i.respondent for i in chosen]

        def work(progress):
            return self.ctx.services.exports.questionnaire_templates(
                self.evaluation_id, tool_id, folder, respondents,
                deadline=values["deadline"], return_to=values["return_to"], progress=progress.report)

        def done(paths) -> None:
            QMessageBox.information(self, "Fichiers prêts", f"{len(paths)} fichier(s) enregistré(s) dans :\n{folder}\n\n"
                                    "Joignez chacun au courriel du répondant correspondant.")

        run_with_progress(self, self.ctx, "Préparation des fichiers…", work, done)

    # ------------------------------------------------------------------ import

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Questionnaires remplis à importer", remembered_folder(self.ctx),
                                                "Classeurs Excel (*.xlsx);;Tous les fichiers (*)")
        if paths:
            remember_folder(self.ctx, paths[0])
            self.import_files(paths)

    def import_files(self, paths: list[str]) -> None:
        """Read and check the files in the background, then show the report to confirm."""
        def work(progress):
            return self.service.plan_imports(self.evaluation_id, paths, progress=progress.report)

        run_with_progress(self, self.ctx, "Lecture des fichiers…", work, self._show_report)

    def _show_report(self, plans) -> None:
        dialog = ImportReportDialog(plans, self._commit, self)
        self.last_report = dialog
        dialog.exec()

    def _commit(self, plans, partial: list[str]) -> None:
        dialog = self.last_report

        def work(progress):
            return self.service.commit_imports(self.evaluation_id, plans, partial, progress=progress.report)

        def done(outcomes) -> None:
            self.ctx.changed.emit(Change("questionnaire_import", "", self.evaluation_id))
            if dialog is not None:
                dialog.show_outcomes(outcomes)

        run_with_progress(dialog or self, self.ctx, "Import des réponses…", work, done, writes=True, cancellable=False)

    def dragEnterEvent(self, event) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if any(u.toLocalFile().lower().endswith(".xlsx") for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.toLocalFile().lower().endswith(".xlsx")]
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)
