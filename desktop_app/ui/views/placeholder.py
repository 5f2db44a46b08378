"""A step not built yet: says what it will hold and lists the kit tools it will use."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop_app.core.steps import step
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.common import card, page_header, section_title


class ComingSoonView(QScrollArea):
    def __init__(self, ctx: AppContext, evaluation_id: str, step_id: str, parent=None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        info = step(step_id)
        page = QWidget()
        page.setObjectName("page")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(28, 20, 28, 20)
        layout.addWidget(page_header(info.label, info.summary))
        frame, inner = card()
        inner.addWidget(section_title("À venir"))
        text = QLabel("Cette étape arrive dans une prochaine version. Les outils du kit qu'elle utilisera :")
        text.setWordWrap(True)
        inner.addWidget(text)
        summary = ctx.services.evaluations.get(evaluation_id)
        kit = ctx.services.kits.get(summary.kit_id, summary.kit_version)
        for tool in kit.tools_for_step(step_id):
            label = QLabel(f"<b>{tool.title}</b><br>{tool.purpose}")
            label.setWordWrap(True)
            inner.addWidget(label)
        layout.addWidget(frame)
        layout.addStretch(1)
        self.setWidget(page)
