"""The welcome screen: create an evaluation, open the demo, or reopen an existing one."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from desktop_app import __version__
from desktop_app.core.identifiers import GENERATIONS
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.common import card, section_title


class NewEvaluationDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Nouvelle évaluation")
        self.setMinimumWidth(480)
        self.territory = QLineEdit()
        self.territory.setPlaceholderText("Ex. Communauté d'agglomération du Douaisis")
        self.title = QLineEdit()
        self.title.setPlaceholderText("Ex. Évaluation à mi-parcours du contrat de ville")
        self.generation = QComboBox()
        for value, label in GENERATIONS.items():
            self.generation.addItem(label, value)
        self.generation.setCurrentIndex(self.generation.findData("2024-2030"))
        self.error = QLabel()
        self.error.setObjectName("error")
        form = QFormLayout()
        form.addRow("Territoire (EPCI) *", self.territory)
        form.addRow("Titre", self.title)
        form.addRow("Contrat", self.generation)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Créer l'évaluation")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if not self.territory.text().strip():
            self.error.setText("Indiquez le nom du territoire (EPCI).")
            self.territory.setFocus()
            return
        self.accept()

    def values(self) -> dict:
        return {
            "territory_name": self.territory.text().strip(),
            "title": self.title.text().strip(),
            "generation": self.generation.currentData(),
        }


class _EvaluationDelegate(QStyledItemDelegate):
    """Two lines per evaluation: its name in bold, then territory, contract and last change."""

    def sizeHint(self, option, index) -> QSize:
        return QSize(option.rect.width(), 58)

    def paint(self, painter: QPainter, option, index) -> None:
        painter.save()
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.fillRect(rect, QColor("#e6f0f7") if selected else QColor("white"))
        if selected:
            painter.fillRect(rect.x(), rect.y(), 4, rect.height(), QColor("#1f5f8b"))
        painter.setPen(QColor("#eceff2"))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        title, subtitle = (index.data(Qt.ItemDataRole.DisplayRole) or "\n").split("\n", 1)
        font = QFont(option.font)
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() + 1)
        painter.setFont(font)
        painter.setPen(QColor("#1d2a35"))
        painter.drawText(rect.adjusted(16, 8, -12, -28), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        painter.setFont(option.font)
        painter.setPen(QColor("#5f6b76"))
        painter.drawText(rect.adjusted(16, 30, -12, -6), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, subtitle)
        painter.restore()


class WelcomeView(QWidget):
    openRequested = Signal(str)
    newRequested = Signal()
    demoRequested = Signal()

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("page")
        title = QLabel("EvalKit Quartiers")
        title.setObjectName("pageTitle")
        title.setStyleSheet("font-size: 24pt;")
        intro = QLabel(
            "Évaluer le contrat de ville avec les partenaires, les associations et les conseils "
            "citoyens, pas à pas, avec le kit méthodologique du centre de ressources. "
            "Tout fonctionne hors connexion et s'enregistre au fil de la saisie."
        )
        intro.setWordWrap(True)
        intro.setObjectName("pageSubtitle")
        self.new_button = QPushButton("Nouvelle évaluation…")
        self.new_button.setObjectName("primary")
        # Ctrl+N belongs to Fichier › Nouvelle évaluation… (the same command): a second owner of
        # the shortcut made Qt ignore it as ambiguous.
        self.new_button.setToolTip("Ctrl+N")
        self.demo_button = QPushButton("Ouvrir l'évaluation de démonstration")
        self.new_button.clicked.connect(self.newRequested)
        self.demo_button.clicked.connect(self.demoRequested)
        actions = QHBoxLayout()
        actions.addWidget(self.new_button)
        actions.addWidget(self.demo_button)
        actions.addStretch(1)

        frame, inner = card()
        inner.addWidget(section_title("Évaluations enregistrées sur ce poste"))
        self.list = QListWidget()
        self.list.setObjectName("evaluations")
        self.list.setAccessibleName("Évaluations enregistrées")
        self.list.setStyleSheet("QListWidget { border: none; }")
        self.list.setItemDelegate(_EvaluationDelegate(self.list))
        self.list.itemActivated.connect(self._open_item)
        self.empty = QLabel("Aucune évaluation pour l'instant. Créez-en une, ou explorez la démonstration.")
        self.empty.setObjectName("muted")
        self.open_button = QPushButton("Ouvrir")
        self.open_button.clicked.connect(lambda: self._open_item(self.list.currentItem()))
        inner.addWidget(self.list, 1)
        inner.addWidget(self.empty)
        self.filler = QWidget()  # keeps the title and the message at the top of an empty card
        inner.addWidget(self.filler, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_button)
        inner.addLayout(row)

        footer = QLabel(f"Version {__version__} · base : {ctx.services.store.path or ctx.services.store.url}")
        footer.setObjectName("muted")
        footer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        steps = QLabel(
            "<b>Le parcours</b><br>1. Cadrage · 2. Actions structurantes · 3. Ateliers · 4. Terrain · "
            "5. Questionnaires · 6. Référentiel · 7. Conseils citoyens · 8. Maturité · 9. Exports"
        )
        steps.setObjectName("muted")
        steps.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 44, 60, 24)
        layout.setSpacing(14)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(actions)
        layout.addWidget(steps)
        layout.addWidget(frame, 1)
        layout.addWidget(footer)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        evaluations = self.ctx.services.evaluations.list()
        for ev in evaluations:
            item = QListWidgetItem(
                f"{ev.display_name}\n{ev.territory_name} · {ev.generation_label} · modifiée le "
                f"{ev.updated_at.astimezone():%d/%m/%Y à %H:%M}"
            )
            item.setData(Qt.ItemDataRole.UserRole, ev.id)
            self.list.addItem(item)
        self.empty.setVisible(not evaluations)
        self.filler.setVisible(not evaluations)
        self.list.setVisible(bool(evaluations))
        self.open_button.setEnabled(bool(evaluations))
        self.open_button.setVisible(bool(evaluations))
        if evaluations:
            self.list.setCurrentRow(0)

    def _open_item(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.openRequested.emit(item.data(Qt.ItemDataRole.UserRole))
