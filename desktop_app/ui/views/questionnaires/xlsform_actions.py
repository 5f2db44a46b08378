"""The « XLSForm » menu of the Questionnaires view: turn a KoboToolbox / ODK form into a kit tool
file (with the report of what could not be taken over), write the questionnaire shown as an
XLSForm to publish on KoboToolbox or ODK Central, and import the submissions of a server's data
export into it (services/kobo_import.py).

The import only writes the tool's YAML file in a folder the user picks: installing it in a kit
is the kit installation's business. Both run in the background (`run_with_progress`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.base import ServiceError
from desktop_app.ui.views.questionnaires.common import remember_folder, remembered_folder, run_with_progress

IMPORT_TEXT = "Importer un questionnaire XLSForm…"
EXPORT_TEXT = "Exporter ce questionnaire en XLSForm…"
KOBO_TEXT = "Importer les soumissions KoboToolbox / ODK…"


class XlsFormButton(QToolButton):
    """« XLSForm » with its two actions; `tool_id()` gives the questionnaire shown."""

    def __init__(self, ctx, evaluation_id: str, tool_id: Callable[[], str | None], parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.tool_id = tool_id
        self.setText("XLSForm (Kobo, ODK)")
        self.setAccessibleName("Questionnaires au format XLSForm (KoboToolbox, ODK)")
        self.setToolTip("Échanger des questionnaires avec KoboToolbox ou ODK, au format XLSForm")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self)
        self.import_action = menu.addAction(IMPORT_TEXT, self.import_form)
        self.export_action = menu.addAction(EXPORT_TEXT, self.export_form)
        self.kobo_action = menu.addAction(KOBO_TEXT, self.import_submissions)
        self.setMenu(menu)
        self.setMinimumWidth(self.sizeHint().width() + 14)  # room for the menu arrow
        self.last_dialog: XlsFormReportDialog | None = None  # the last report shown
        self.kit_changed: Callable[[], None] = lambda: None  # the view reads its questionnaires again

    # ------------------------------------------------------------------ in

    def import_form(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, IMPORT_TEXT.rstrip("…"), remembered_folder(self.ctx), "Formulaire XLSForm (*.xlsx *.xls)"
        )
        if not path:
            return
        remember_folder(self.ctx, path)

        def work(_progress):
            from desktop_app.kit.xlsform import XlsFormError, read_xlsform

            try:
                return read_xlsform(path)
            except XlsFormError as exc:
                raise ServiceError(f"Import impossible : {exc}") from None

        run_with_progress(self, self.ctx, "Lecture du formulaire XLSForm…", work, lambda result: self._place(result, path))

    def choose_destination(self, result) -> str | None:
        """« kit » (a new version of the evaluation's kit holding it), « file » (the tool file
        only, written in a folder), or None (cancelled)."""
        box = QMessageBox(self)
        box.setWindowTitle(IMPORT_TEXT.rstrip("…"))
        box.setIcon(QMessageBox.Icon.Question)
        box.setText(f"Ajouter « {result.title} » aux questionnaires de cette évaluation ?")
        box.setInformativeText(
            "Une nouvelle version du kit, avec ce questionnaire, est installée sur ce poste et l'évaluation y passe "
            "(les réponses déjà saisies ne changent pas). Vous pouvez aussi enregistrer seulement le fichier de "
            "l'outil, pour le publier dans un kit."
        )
        add = box.addButton("Ajouter au kit de l'évaluation", QMessageBox.ButtonRole.AcceptRole)
        file = box.addButton("Enregistrer le fichier seulement…", QMessageBox.ButtonRole.ActionRole)
        box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(add)
        box.exec()
        return {add: "kit", file: "file"}.get(box.clickedButton())

    def _place(self, result, source: str) -> None:
        choice = self.choose_destination(result)
        if choice == "file":
            folder = QFileDialog.getExistingDirectory(self, "Dossier où écrire l'outil du kit", str(Path(source).parent))
            if folder:
                self._write(result, folder)
            return
        if choice != "kit":
            return
        kits, eid = self.ctx.services.kits, self.evaluation_id

        def done(version: str) -> None:
            self.last_dialog = XlsFormReportDialog(
                result, self, added=f"ajouté aux questionnaires de l'évaluation (kit version {version})")
            self.last_dialog.open()
            self.kit_changed()

        run_with_progress(self, self.ctx, "Installation du questionnaire dans le kit…",
                          lambda _p: kits.add_tool(eid, result.tool_id, result.yaml_text, source), done,
                          writes=True, cancellable=False)

    def _write(self, result, folder: str) -> None:
        target = Path(folder) / f"{result.tool_id}.yaml"
        if target.exists():
            answer = QMessageBox.question(
                self, IMPORT_TEXT.rstrip("…"), f"Le fichier « {target.name} » existe déjà dans ce dossier. Le remplacer ?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            target.write_text(result.yaml_text, encoding="utf-8")
        except OSError as exc:
            QMessageBox.warning(self, IMPORT_TEXT.rstrip("…"), f"Impossible d'écrire « {target} » ({exc.strerror or exc}).")
            return
        result.path = target
        self.last_dialog = XlsFormReportDialog(result, self)
        self.last_dialog.open()

    # ------------------------------------------------------------------ out

    def export_form(self) -> None:
        tool_id = self.tool_id()
        if not tool_id:
            return
        default = str(Path(remembered_folder(self.ctx)) / f"{tool_id}.xlsx")
        path, _ = QFileDialog.getSaveFileName(self, EXPORT_TEXT.rstrip("…"), default, "Formulaire XLSForm (*.xlsx)")
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        remember_folder(self.ctx, path)
        services, evaluation_id = self.ctx.services, self.evaluation_id

        def work(_progress):
            from desktop_app.kit.xlsform_export import XlsFormExportError, export_xlsform

            summary = services.evaluations.get(evaluation_id)
            kit = services.kits.get(summary.kit_id, summary.kit_version)
            try:
                return export_xlsform(kit, tool_id, Path(path))
            except XlsFormExportError as exc:
                raise ServiceError(f"Export impossible : {exc}") from None

        def done(summary) -> None:
            notes = "".join(f"\n• {w}" for w in summary.warnings)
            QMessageBox.information(
                self, EXPORT_TEXT.rstrip("…"),
                f"Formulaire XLSForm enregistré :\n{summary.path}\n\n{summary.questions} questions. Déposez ce fichier "
                "sur KoboToolbox ou ODK Central pour publier le questionnaire en ligne ; les réponses collectées "
                "s'importent ensuite depuis l'export de données du serveur." + notes,
            )

        run_with_progress(self, self.ctx, "Écriture du formulaire XLSForm…", work, done)


    # ------------------------------------------------------------------ submissions

    def import_submissions(self) -> None:
        tool_id = self.tool_id()
        if not tool_id:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, KOBO_TEXT.rstrip("…"), remembered_folder(self.ctx), "Export de données (*.xlsx *.csv)"
        )
        if not path:
            return
        remember_folder(self.ctx, path)
        services, evaluation_id = self.ctx.services, self.evaluation_id

        def work(_progress):
            from desktop_app.services.kobo_import import KoboImportService

            return KoboImportService(services).import_file(evaluation_id, tool_id, Path(path))

        def done(result) -> None:
            from desktop_app.services.base import Change

            if result.count("imported") or result.count("updated"):
                self.ctx.changed.emit(Change("form_response", "", evaluation_id))
            lines = [result.summary() + "."]
            if result.ignored_columns:
                lines.append("Colonnes ignorées (aucune question du questionnaire) : " + ", ".join(result.ignored_columns))
            lines += [row.text() for row in result.rows]
            self.last_dialog = XlsFormReportDialog(None, self, "Soumissions KoboToolbox / ODK", lines)
            self.last_dialog.open()

        run_with_progress(self, self.ctx, "Import des soumissions…", work, done, writes=True)


class XlsFormReportDialog(QDialog):
    """What the import did: the file written, the ids adapted, the rows not taken over."""

    def __init__(self, result, parent: QWidget | None = None, title: str = "", lines: list[str] | None = None,
                 added: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title or "Questionnaire XLSForm importé")
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        if result is not None:
            head = QLabel(
                f"<b>{result.title}</b> : {added}." if added else
                f"<b>{result.title}</b> : l'outil du kit « {result.tool_id} » a été écrit. Ajoutez ce fichier à un kit "
                "(installation d'un kit) pour l'utiliser dans une évaluation."
            )
            head.setWordWrap(True)
            layout.addWidget(head)
            lines = result.text_report()
        self.text = QPlainTextEdit("\n".join(lines or []))
        self.text.setReadOnly(True)
        self.text.setAccessibleName(f"Rapport : {self.windowTitle()}")
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox()
        copy = QPushButton("Copier le rapport")
        copy.clicked.connect(lambda: QApplication.clipboard().setText(self.text.toPlainText()))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        close.setDefault(True)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
