"""The Cadrage view: the territory card, then tabs for each table and the scope."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from desktop_app.core.cadrage import TABLES, cross_checks
from desktop_app.services.base import Change
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.cadrage.scope import ScopeTree
from desktop_app.ui.views.cadrage.sender import SenderForm
from desktop_app.ui.views.cadrage.territory import TerritoryForm
from desktop_app.ui.views.common import card, page_header, section_title
from desktop_app.ui.widgets.rows_table import RowsTable

# "la suppression <noun> « name »": what the Édition menu says of a deleted row
ROW_NOUNS = {"partner": "du partenaire", "commune": "de la commune", "qpv": "du QPV",
             "team_member": "du membre de l'équipe", "milestone": "de l'échéance"}

class CadrageView(QScrollArea):
    def __init__(self, ctx: AppContext, evaluation_id: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.setWidgetResizable(True)
        page = QWidget()
        page.setObjectName("page")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(28, 20, 28, 20)
        layout.setSpacing(12)
        layout.addWidget(
            page_header(
                "Cadrage de l'évaluation",
                "Le cadre commun : qui évalue quoi, sur quel territoire, avec qui et quand. "
                "Tout est enregistré au fil de la saisie.",
            )
        )
        self.completion = QLabel()
        self.completion.setObjectName("muted")
        self.completion.setWordWrap(True)
        layout.addWidget(self.completion)

        frame, inner = card()
        inner.addWidget(section_title("Territoire et contrat"))
        self.territory = TerritoryForm()
        self.territory.fieldCommitted.connect(self._save_field)
        inner.addWidget(self.territory)
        self.territory.draftChanged.connect(self._save_draft)
        layout.addWidget(frame)

        frame, inner = card()
        inner.addWidget(section_title("Courriers aux partenaires : expéditeur et signataire"))
        self.sender = SenderForm()
        self.sender.fieldCommitted.connect(self._save_field)
        inner.addWidget(self.sender)
        layout.addWidget(frame)

        self.tabs = QTabWidget()
        self.tables: dict[str, RowsTable] = {}
        for entity, spec in TABLES.items():
            table = RowsTable(
                spec,
                add=lambda e=entity: self._add(e),
                edit=lambda rid, key, value, e=entity: self._edit(e, rid, key, value),
                delete=lambda rid, e=entity: self._delete(e, rid),
            )
            self.tables[entity] = table
            self.tabs.addTab(table, spec.title)
        self.scope = ScopeTree()
        self.scope.scopeChanged.connect(lambda s: self._save_field("scope", s))
        self.scope.previewRequested.connect(self._preview)
        self._previews: list[QWidget] = []
        # a short name: at 1280×720 the six tabs keep their whole names without scrolling
        scope_tab = self.tabs.addTab(self.scope, "Périmètre")
        self.tabs.setTabToolTip(scope_tab, "Périmètre : les outils du kit que l'évaluation utilise")
        self.tabs.setMinimumHeight(380)
        layout.addWidget(self.tabs, 1)
        self.setWidget(page)
        ctx.watch(self, self._on_change)
        self.reload()
        ctx.follow_saves(self.territory, ("evaluation", evaluation_id), self.territory.mark_unsaved)

    # -- data ----------------------------------------------------------------------------------
    def reload(self) -> None:
        data = self.ctx.services.evaluations.cadrage(self.evaluation_id)
        self.territory.set_values(data.fields)
        self.sender.set_values(data.fields)
        for entity, table in self.tables.items():
            table.set_rows(data.tables[entity])
        self._update_tab_titles(data)
        kit = self.ctx.services.kits.get(data.fields["kit_id"], data.fields["kit_version"])
        self.scope.set_kit(kit, data.fields["scope"])
        self._show_completion(data)

    def _show_completion(self, data) -> None:
        cross = cross_checks(data.fields, data.tables["milestone"])
        self.territory.set_cross_problems(cross.evaluation)
        self.tables["milestone"].set_cross_problems(cross.milestones)
        comp = data.completion()
        if not comp.problems:
            self.completion.setText(f"✔ Cadrage complet ({comp.done}/{comp.total}).")
        else:
            first = "  ·  ".join(comp.problems[:3]) + ("  ·  …" if len(comp.problems) > 3 else "")
            self.completion.setText(f"Cadrage : {comp.done}/{comp.total} éléments renseignés.  {first}")

    def _update_tab_titles(self, data) -> None:
        for i, (entity, spec) in enumerate(TABLES.items()):
            n = len(data.tables[entity])
            self.tabs.setTabText(i, f"{spec.title} ({n})")

    def _on_change(self, change: Change) -> None:
        if change.evaluation_id != self.evaluation_id:
            return
        if change.entity in self.tables:
            data = self.ctx.services.evaluations.cadrage(self.evaluation_id)
            table = self.tables[change.entity]
            if change.field is None:  # add or delete: reload that table
                table.set_rows(data.tables[change.entity])
            self._update_tab_titles(data)
            self._show_completion(data)
        elif change.entity == "evaluation":
            self._show_completion(self.ctx.services.evaluations.cadrage(self.evaluation_id))

    # -- edits ---------------------------------------------------------------------------------
    def _save_field(self, key: str, value) -> None:
        ev = self.ctx.services.evaluations
        self.ctx.apply(lambda: ev.update_evaluation(self.evaluation_id, key, value), key=("evaluation", self.evaluation_id, key))

    def _save_draft(self, key: str, text) -> None:
        ev = self.ctx.services.evaluations
        self.ctx.apply(lambda: ev.set_draft(self.evaluation_id, key, text), key=("evaluation", self.evaluation_id, key))

    def _add(self, entity: str) -> str | None:
        ev = self.ctx.services.evaluations
        change = self.ctx.apply(lambda: ev.add_row(entity, self.evaluation_id))
        return change.id if change else None

    def _edit(self, entity: str, row_id: str, key: str, value) -> bool:
        ev = self.ctx.services.evaluations
        return self.ctx.apply(lambda: ev.update_row(entity, row_id, key, value)) is not None

    def _delete(self, entity: str, row_id: str) -> bool:
        ev = self.ctx.services.evaluations
        row = next((r for r in ev.rows(entity, self.evaluation_id) if r["id"] == row_id), {})
        name = next((str(row[k]) for k in ("organisation", "name", "code", "contact") if row.get(k)), "")
        what = ROW_NOUNS.get(entity, "la ligne") + (f" « {name} »" if name else "")
        return self.ctx.apply_undoable(f"la suppression {what}", lambda: ev.delete_row(entity, row_id),
                                       lambda: ev.restore_row(entity, row_id)) is not None

    def _preview(self, tool_id: str) -> None:
        from desktop_app.ui.views.tool_preview import ToolPreviewWindow

        summary = self.ctx.services.evaluations.get(self.evaluation_id)
        window = ToolPreviewWindow(self.ctx.services.kits.get(summary.kit_id, summary.kit_version), tool_id)
        self._previews = [w for w in self._previews if w.isVisible()] + [window]
        window.show()

    def flush(self) -> None:
        self.territory.flush()
        self.sender.flush()
