"""The Cadrage view: the territory card, then tabs for each table and the scope."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from desktop_app.core.cadrage import TABLES, cross_checks
from desktop_app.services.base import Change
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.cadrage.fixes import FixList
from desktop_app.ui.views.cadrage.qpv_pick import QpvPick
from desktop_app.ui.views.cadrage.scope import ScopeTree
from desktop_app.ui.views.cadrage.sender import SenderForm
from desktop_app.ui.views.cadrage.territory import TerritoryForm
from desktop_app.ui.views.common import card, page_header, section_title
from desktop_app.ui.widgets.rows_table import RowsTable

# "la suppression <noun> « name »": what the Édition menu says of a deleted row
ROW_NOUNS = {"partner": "du partenaire", "commune": "de la commune", "qpv": "du QPV",
             "team_member": "du membre de l'équipe", "milestone": "de l'échéance"}

def _titled(ctx, evaluation_id: str, change: Change) -> Change:
    """Tell the window the EPCI's name may have changed (its side title), then return `change`
    (undo commands outlive the screen: they hold the context, never the view)."""
    ctx.changed.emit(Change("evaluation", evaluation_id, evaluation_id, "territory_name"))
    return change


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
        self.territory.epciChosen.connect(self._choose_epci)
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
        # the reference's repairs under the communes and the QPV; the kit's QPV list to pick from
        self.fix_lists: dict[str, FixList] = {}
        for entity in ("commune", "qpv"):
            self.fix_lists[entity] = FixList(after=self.tables[entity].view)
            self.tables[entity].add_footer(self.fix_lists[entity])
        self.qpv_pick = QpvPick(after=self.fix_lists["qpv"], table=self.tables["qpv"])
        self.qpv_pick.picked.connect(self._add_qpv)
        self.tables["qpv"].add_footer(self.qpv_pick)
        self.reference = None  # core.reference.Reference once loaded (in a task: never at start-up)
        self.qpv_list = None  # the kit's QPV list, if it carries one
        self.ref_checks = None
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
        # the official reference (≈ 0.1 s to read) once the screen's own data is in: its flags
        # come a moment after the Cadrage is usable, not before
        ctx.tasks.when_idle(self._load_reference)

    def _load_reference(self) -> None:
        from desktop_app.ui.tasks import owner_alive, owner_ref

        if owner_alive(owner_ref(self)):  # the screen may be gone (another evaluation opened)
            self.ctx.tasks.run(lambda _progress: self.ctx.services.evaluations.reference(), self._reference_ready,
                               self._reference_failed, owner=self)

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
        self.qpv_list = kit.reference_list("qpv")
        self.qpv_pick.set_list(self.qpv_list, self.reference)
        self._show_completion(data)

    def _reference_ready(self, reference) -> None:
        self.reference = reference
        self.territory.set_epci_search(lambda text: [e.label for e in reference.search_epci(text, limit=30)])
        self.qpv_pick.set_list(self.qpv_list, reference)
        self._show_completion(self.ctx.services.evaluations.cadrage(self.evaluation_id))
        # the side navigation counts the Cadrage's codes once the reference is in memory
        self.ctx.changed.emit(Change("reference", self.evaluation_id, self.evaluation_id))

    def _reference_failed(self, exc: Exception) -> None:
        self.territory.show_epci_note(f"Référentiel officiel indisponible : {exc}")

    def _show_completion(self, data) -> None:
        cross = cross_checks(data.fields, data.tables["milestone"])
        checks = None
        if self.reference is not None:  # loaded in a task: the checks wait for it
            from desktop_app.core.reference_checks import reference_checks

            checks = reference_checks(data.fields, data.tables, self.reference, self.qpv_list)
        self.ref_checks = checks
        self.territory.set_cross_problems({**(checks.evaluation if checks else {}), **cross.evaluation})
        self.tables["milestone"].set_cross_problems(cross.milestones)
        for entity in ("commune", "qpv"):
            self.tables[entity].set_cross_problems(checks.rows.get(entity, {}) if checks else {})
        self._show_fixes(data, checks)
        comp = data.completion()
        problems = list(comp.problems) + (checks.messages() if checks else [])
        if not problems:
            self.completion.setText(f"✔ Cadrage complet ({comp.done}/{comp.total}).")
        else:
            first = "  ·  ".join(problems[:3]) + ("  ·  …" if len(problems) > 3 else "")
            self.completion.setText(f"Cadrage : {comp.done}/{comp.total} éléments renseignés.  {first}")

    def _show_fixes(self, data, checks) -> None:
        """« Corriger » under the EPCI fields and under each table, for the certain repairs."""
        ev, ctx = self.ctx.services.evaluations, self.ctx
        eid = self.evaluation_id
        items = []
        for fix in (checks.evaluation_fixes.values() if checks else ()):
            old = {k: data.fields.get(k) or "" for k in fix.values}
            items.append((fix.label, self._undoable(
                fix.label, lambda v=fix.values: _titled(ctx, eid, ev.set_evaluation_values(eid, v)),
                lambda o=old: _titled(ctx, eid, ev.set_evaluation_values(eid, o)))))
        self.territory.fixes.set_fixes(items, self._apply_all(items))
        for entity, fix_list in self.fix_lists.items():
            rows = data.tables[entity]
            position = {r["id"]: i for i, r in enumerate(rows)}
            by_id = {r["id"]: r for r in rows}
            items = []
            for rid, fix in sorted((checks.fixes.get(entity, {}) if checks else {}).items(),
                                   key=lambda p: position.get(p[0], 0)):
                if rid not in by_id:
                    continue
                old = {k: by_id[rid].get(k) or "" for k in fix.values}
                label = f"ligne {position[rid] + 1} : {fix.label}"
                items.append((label, self._undoable(label, lambda r=rid, v=fix.values, e=entity: ev.set_row_values(e, r, v),
                                                    lambda r=rid, o=old, e=entity: ev.set_row_values(e, r, o))))
            fix_list.set_fixes(items, self._apply_all(items))

    def _undoable(self, label: str, do, undo):
        return lambda: self.ctx.apply_undoable(f"la correction « {label} »", do, undo)

    def _apply_all(self, items):
        if len(items) < 2:
            return None

        def apply_all():
            stack = self.ctx.undo_stack
            stack.beginMacro(f"les {len(items)} corrections")
            try:
                for _label, apply in items:
                    apply()
            finally:
                stack.endMacro()
        return apply_all

    # -- the official reference: choose the EPCI ----------------------------------------------
    def _choose_epci(self, text: str) -> None:
        if self.reference is None:
            return
        epci = self.reference.find_epci(text)
        if epci is None:
            found = self.reference.search_epci(text, limit=2)
            epci = found[0] if len(found) == 1 else None
        if epci is None:
            self.territory.show_epci_note(f"Aucun EPCI unique ne correspond à « {text} » : choisissez-le dans la liste.")
            return
        ev, ctx, eid = self.ctx.services.evaluations, self.ctx, self.evaluation_id
        done = {}

        def fill_it() -> Change:
            done["fill"] = ev.fill_from_epci(eid, epci.siren)
            return _titled(ctx, eid, Change("commune", eid, eid))  # every screen showing the communes

        if self.ctx.apply(fill_it) is None:
            return
        fill = done["fill"]
        self.territory.epci_search.clear()
        n = len(fill.added_ids)
        if n == 0 and fill.before == fill.after:
            self.territory.show_epci_note(f"« {epci.name} » et ses {len(epci.members)} communes sont déjà dans le cadrage.")
            return
        self.ctx.push_done(f"le choix de l'EPCI « {epci.name} »", lambda: _titled(ctx, eid, ev.redo_fill(fill)),
                           lambda: _titled(ctx, eid, ev.undo_fill(fill)))
        added = f"{n} commune{'s' if n > 1 else ''} ajoutée{'s' if n > 1 else ''}" if n else "aucune commune ajoutée"
        already = f", {fill.already} déjà présente{'s' if fill.already > 1 else ''}" if fill.already else ""
        self.territory.show_epci_note(f"« {epci.name} » : {added}{already} (Ctrl+Z pour annuler).")

    def _add_qpv(self, values: dict) -> None:
        ev = self.ctx.services.evaluations
        self.ctx.apply(lambda: ev.add_row("qpv", self.evaluation_id, values))

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
                if change.entity == "commune" and change.id == self.evaluation_id:  # the EPCI chosen, undone
                    self.territory.set_epci_fields(data.fields)
            self._update_tab_titles(data)
            self._show_completion(data)
        elif change.entity == "evaluation":
            data = self.ctx.services.evaluations.cadrage(self.evaluation_id)
            if change.field is None:  # several fields at once (a repair, the EPCI chosen)
                self.territory.set_epci_fields(data.fields)
            self._show_completion(data)

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
