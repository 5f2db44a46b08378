"""Exports: what to export and where, a progress bar, cancel, the files produced; and the
partners' letter options (the kit's letter tool) with a preview."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.base import ServiceError
from desktop_app.services.exports import KINDS
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.common import card, page_header, section_title
from desktop_app.ui.views.referentiel.response_editor import ResponseEditor
from desktop_app.ui.widgets.path_field import PathField

DESCRIPTIONS = {
    "pdf": "Le rapport de synthèse : couverture, sommaire, cadre et calendrier, actions, ateliers et terrain, "
    "questionnaires, référentiel, conseils citoyens, maturité, engagements, annexes.",
    "xlsx": "Un classeur avec une feuille par outil du kit utilisé, présentée comme la grille papier, prête à imprimer.",
    "letters": "Le courrier d'invitation et d'appel à contributions, personnalisé pour chaque partenaire du Cadrage.",
}


def run_exports(services, evaluation_id: str, folder: Path, choices: dict, progress) -> list:
    """The selected exports one after the other (Qt-free: runs on the task runner's thread)."""
    from desktop_app.services.exports import ScaledProgress

    kinds = [k for k in ("pdf", "xlsx", "letters") if choices.get(k)]
    span, results = 100, []
    total = span * len(kinds)
    for i, kind in enumerate(kinds):
        sub = ScaledProgress(progress, i * span, span, total)
        name = services.exports.default_name(evaluation_id, kind)
        if kind == "pdf":
            results.append(services.exports.pdf(evaluation_id, folder / name, sub))
        elif kind == "xlsx":
            results.append(services.exports.xlsx(evaluation_id, folder / name, sub))
        else:
            fmt = choices.get("letters_format", "docx")
            target = folder / (f"{name}.{fmt}" if choices.get("letters_single") else name)
            results.append(services.exports.letters(evaluation_id, target, fmt, sub, force=bool(choices.get("letters_force"))))
    progress.report(total, total, "Terminé")
    return results


class ExportPanel(QScrollArea):
    def __init__(self, ctx: AppContext, evaluation_id: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.handle = None
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        body.setObjectName("page")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 12, 4, 12)
        layout.setSpacing(12)

        frame, inner = card()
        inner.addWidget(section_title("Que voulez-vous exporter ?"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(6)
        self.checks: dict[str, QCheckBox] = {}
        for row, kind in enumerate(("pdf", "xlsx", "letters")):
            box = QCheckBox(KINDS[kind])
            box.setChecked(kind != "letters")
            box.setStyleSheet("font-weight: 600;")
            box.toggled.connect(self._update)
            self.checks[kind] = box
            text = QLabel(DESCRIPTIONS[kind])
            text.setObjectName("muted")
            text.setWordWrap(True)
            text.setContentsMargins(26, 0, 0, 4)
            grid.addWidget(box, row * 2, 0, 1, 2)
            grid.addWidget(text, row * 2 + 1, 0, 1, 2)
        inner.addLayout(grid)
        letters = QHBoxLayout()
        letters.setContentsMargins(26, 0, 0, 0)
        self.letters_format = QComboBox()
        self.letters_format.addItem("Word (.docx), modifiable", "docx")
        self.letters_format.addItem("PDF", "pdf")
        self.per_partner = QRadioButton("un fichier par partenaire")
        self.single = QRadioButton("un seul document")
        self.per_partner.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.per_partner)
        group.addButton(self.single)
        letters.addWidget(QLabel("Courriers :"))
        letters.addWidget(self.letters_format)
        letters.addWidget(self.per_partner)
        letters.addWidget(self.single)
        letters.addStretch(1)
        self.letters_options = QWidget()
        self.letters_options.setLayout(letters)
        inner.addWidget(self.letters_options)
        layout.addWidget(frame)

        frame, inner = card()
        inner.addWidget(section_title("Où les enregistrer ?"))
        self.folder_field = PathField(
            "folder", "Dossier des exports", "Dossier de destination", text=self._default_folder()
        )
        self.folder = self.folder_field.edit
        inner.addWidget(self.folder_field)
        layout.addWidget(frame)

        frame, inner = card()
        row = QHBoxLayout()
        self.export_button = QPushButton("Exporter")
        self.export_button.setObjectName("primary")
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Annuler")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.export_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        inner.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setFormat("%p %")
        inner.addWidget(self.progress)
        self.status = QLabel("Prêt.")
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        inner.addWidget(self.status)
        self.results = QListWidget()
        self.results.setFixedHeight(120)
        self.results.itemActivated.connect(self._open_item)
        self.results.setAccessibleName("Fichiers exportés")
        inner.addWidget(self.results)
        row = QHBoxLayout()
        self.open_folder = QPushButton("Ouvrir le dossier")
        self.open_folder.setEnabled(False)
        self.open_folder.clicked.connect(self._open_folder)
        row.addWidget(self.open_folder)
        row.addStretch(1)
        inner.addLayout(row)
        layout.addWidget(frame)
        layout.addStretch(1)
        self.setWidget(body)
        self._last_folder: Path | None = None
        self._finished = False
        self._update()

    # -- options -------------------------------------------------------------------------------
    def _default_folder(self) -> str:
        saved = self.ctx.settings.get("export/folder")
        if saved:
            return saved
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return str(Path(docs or Path.home()) / "EvalKit Quartiers")

    def choices(self) -> dict:
        return {
            **{k: box.isChecked() for k, box in self.checks.items()},
            "letters_format": self.letters_format.currentData(),
            "letters_single": self.single.isChecked(),
        }

    def _update(self) -> None:
        running = self.handle is not None
        self.letters_options.setEnabled(self.checks["letters"].isChecked() and not running)
        self.export_button.setEnabled(not running and any(b.isChecked() for b in self.checks.values()))
        self.cancel_button.setEnabled(running)
        for box in self.checks.values():
            box.setEnabled(not running)

    # -- running -------------------------------------------------------------------------------
    def start(self) -> None:
        folder = Path(self.folder.text().strip() or self._default_folder()).expanduser()
        choices = self.choices()
        if choices.get("letters"):
            try:
                past = self.ctx.services.exports.letter_date_problems(self.evaluation_id)
            except ServiceError:
                past = ()
            if past:
                if not self.confirm_past_dates(past):
                    self.status.setText(
                        "Export non lancé : corrigez les dates dans l'onglet « Courrier aux partenaires : options et aperçu »."
                    )
                    return
                choices["letters_force"] = True
        self.ctx.settings.set("export/folder", str(folder))
        self.results.clear()
        self.progress.setValue(0)
        self.status.setText("Export en cours… vous pouvez continuer à travailler.")
        services, eid = self.ctx.services, self.evaluation_id
        self._last_folder = folder
        self._finished = False
        self.handle = self.ctx.tasks.run(
            lambda progress: run_exports(services, eid, folder, choices, progress),
            on_done=self._done,
            on_error=self._failed,
            on_progress=self._progress,
            owner=self,
        )
        if self._finished:  # a synchronous runner has already finished it
            self.handle = None
        self._update()

    def confirm_past_dates(self, past: tuple[str, ...]) -> bool:
        """Ask before exporting letters whose atelier or deadline is already past."""
        from desktop_app.services.exports import past_sentence

        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Dates passées dans le courrier")
        box.setText(f"{past_sentence(past)}")
        box.setInformativeText(
            "Les courriers seraient datés d'aujourd'hui. Corrigez les dates dans l'onglet « Courrier aux partenaires : "
            "options et aperçu », ou exportez quand même (par exemple pour archiver un courrier déjà envoyé)."
        )
        export = box.addButton("Exporter quand même", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is export

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.status.setText("Annulation…")
            self.cancel_button.setEnabled(False)

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if text:
            self.status.setText(text)

    def _done(self, results: list) -> None:
        self.handle = None
        self._finished = True
        self.progress.setValue(self.progress.maximum())
        files = [p for r in results for p in r.paths]
        warnings = [w for r in results for w in r.warnings]
        for r in results:
            for n, p in enumerate(r.paths):
                item = QListWidgetItem(f"{p.name}   —   {r.detail}" if n == 0 and r.detail else p.name)
                item.setData(Qt.ItemDataRole.UserRole, str(p))
                item.setToolTip(f"{p}\nDouble-cliquez pour ouvrir le fichier.")
                self.results.addItem(item)
        text = f"✔ Export terminé : {len(files)} fichier(s) dans {self._last_folder}."
        if warnings:
            text += " Attention : " + " ".join(warnings)
        self.status.setText(text)
        self.open_folder.setEnabled(True)
        self._update()

    def _failed(self, exc: Exception) -> None:
        from desktop_app.ui.tasks import Cancelled

        self.handle = None
        self._finished = True
        self.progress.setValue(0)
        if isinstance(exc, Cancelled):
            self.status.setText("Export annulé : aucun fichier incomplet n'a été laissé dans le dossier.")
        elif isinstance(exc, ServiceError):
            self.status.setText(f"<span style='color:#c62828'>{escape(str(exc))}</span>")
        else:
            self.status.setText(
                f"<span style='color:#c62828'>L'export a échoué ({escape(exc.__class__.__name__)}). "
                "Les détails sont dans le journal de l'application.</span>"
            )
        self._update()

    def _open_item(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    def _open_folder(self) -> None:
        if self._last_folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._last_folder)))


class ExportsView(QWidget):
    def __init__(self, ctx: AppContext, evaluation_id: str, parent=None):
        super().__init__(parent)
        self.setObjectName("page")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 12)
        layout.addWidget(
            page_header(
                "Exports",
                "Les livrables de l'évaluation : la synthèse en PDF, les grilles remplies en Excel et les courriers aux "
                "partenaires. L'export tourne en arrière-plan ; la fenêtre reste utilisable.",
            )
        )
        self.tabs = QTabWidget()
        self.panel = ExportPanel(ctx, evaluation_id)
        self.tabs.addTab(self.panel, "Exporter")
        self.ctx, self.evaluation_id = ctx, evaluation_id
        self._letter_tool = ctx.services.letters.letter_tool(evaluation_id)
        self._letter_editor: ResponseEditor | None = None  # built when its tab is first shown
        self._letter_holder = QWidget()
        if self._letter_tool is not None:
            QVBoxLayout(self._letter_holder).setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(self._letter_holder, "Courrier aux partenaires : options et aperçu")
            self.tabs.currentChanged.connect(lambda i: i == 1 and self.letter_editor)
        layout.addWidget(self.tabs, 1)

    @property
    def letter_editor(self) -> ResponseEditor | None:
        """The letter's options (its sheet read, or created, and its form built) on first use: the
        step opens on the Exporter tab, and building both held the window ≈ 50 ms."""
        if self._letter_editor is None and self._letter_tool is not None:
            syn = self.ctx.services.letters
            self._letter_editor = ResponseEditor(
                self.ctx, syn.letter_options(self.evaluation_id), syn.form(self.evaluation_id, self._letter_tool)
            )
            self._letter_holder.layout().addWidget(self._letter_editor)
        return self._letter_editor

    def flush(self) -> None:
        if self._letter_editor is not None:
            self._letter_editor.flush()
