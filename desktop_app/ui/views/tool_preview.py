"""A window showing any kit tool through the form renderer: what it is for, how to use it, and
its questions, as the facilitator will fill them in the matching step."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop_app.core.steps import step
from desktop_app.kit.forms import compile_tool
from desktop_app.kit.loader import Kit
from desktop_app.ui.widgets.form_renderer import FormRenderer


class ToolPreviewWindow(QWidget):
    def __init__(self, kit: Kit, tool_id: str, parent=None):
        super().__init__(parent)
        tool = kit.tool(tool_id)
        self.setWindowTitle(f"Aperçu — {tool.title}")
        self.resize(1200, 820)
        banner = QLabel(
            f"Aperçu de l'outil « {tool.title} » (kit {kit.version}). Les réponses se saisissent dans "
            f"l'étape « {step(tool.step).label} » de l'évaluation ; ici rien n'est enregistré."
        )
        banner.setWordWrap(True)
        banner.setStyleSheet("background: #fff8e1; color: #5d4300; padding: 8px 14px; border-bottom: 1px solid #f0d98c;")
        self.renderer = FormRenderer(compile_tool(kit, tool_id), {})
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(banner)
        layout.addWidget(self.renderer, 1)
        QShortcut(QKeySequence("Esc"), self, self.close)
