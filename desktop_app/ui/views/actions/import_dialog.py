"""The import preview: per sheet, the header row found and the column mapping proposed, which
the user confirms or corrects, with the rows as they will be imported (or left out, and why),
the reconciliation of the amounts ("… € dans le fichier · … € à importer · … € écartés"), the
warnings, and the list of the rows left out with their amounts."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.programmation import AMOUNT_TARGETS, FIELD_LABELS, Target, clean_text, is_blank
from desktop_app.core.programmation_rows import SheetPlan, interpret_sheet, plan_for_header
from desktop_app.services.actions_import import ImportPreview, format_euros
from desktop_app.ui.views.actions.import_result import WARN_STYLE, fill_left_out, left_out_table

OK_BG = QBrush(QColor("#eaf5ea"))
SKIP_BG = QBrush(QColor("#fdf1e3"))
STRUCTURE_BG = QBrush(QColor("#eef1f5"))
STATUS_TEXT = {"ok": "importée", "merged": "fusionnée", "skipped": "écartée", "total": "total",
               "section": "intertitre", "header": "en-tête"}
PREVIEW_LIMIT = 300


def column_letter(i: int) -> str:
    text = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        text = chr(65 + r) + text
    return text


class ImportDialog(QDialog):
    def __init__(self, preview: ImportPreview, parent=None, deleted_keys: frozenset[str] = frozenset()):
        super().__init__(parent)
        self.preview = preview
        self.deleted_keys = deleted_keys  # rows of actions deleted in the application
        self.plans: list[SheetPlan] = [dataclasses.replace(p, labels=list(p.labels), mapping=list(p.mapping)) for p in preview.plans]
        self.setWindowTitle(f"Importer la programmation — {preview.path.name}")
        self.resize(1120, 780)
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None and (screen.width() < 1160 or screen.height() < 820):
            self.resize(min(1120, screen.width() - 40), min(780, screen.height() - 50))
        self._loading = False

        intro = QLabel(
            f"<b>{preview.path.name}</b> ({preview.format}). Vérifiez la ligne d'en-tête et ce que contient chaque "
            "colonne, puis importez. Réimporter le même fichier met les actions à jour sans les dupliquer."
        )
        intro.setWordWrap(True)

        self.sheet_combo = QComboBox()
        self.sheet_combo.setAccessibleName("Feuille")
        for plan in self.plans:
            self.sheet_combo.addItem(plan.name)
        self.sheet_combo.currentIndexChanged.connect(self._show_sheet)
        self.enabled = QCheckBox("Importer cette feuille")
        self.enabled.toggled.connect(self._on_enabled)
        self.header_spin = QSpinBox()
        self.header_spin.setPrefix("ligne ")
        self.header_spin.setAccessibleName("Ligne d'en-tête")
        self.header_spin.valueChanged.connect(self._on_header_row)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(1999, 2100)
        self.year_spin.setSpecialValueText("non précisée")
        self.year_spin.setAccessibleName("Année des actions sans colonne Année")
        self.year_spin.setToolTip("Année donnée aux lignes qui n'ont pas de colonne « Année »")
        self.year_spin.valueChanged.connect(self._on_year)
        self.sheet_note = QLabel()
        self.sheet_note.setObjectName("muted")

        top = QHBoxLayout()
        top.addWidget(QLabel("Feuille :"))
        top.addWidget(self.sheet_combo, 1)
        top.addWidget(self.enabled)
        top.addSpacing(12)
        top.addWidget(QLabel("En-tête :"))
        top.addWidget(self.header_spin)
        top.addSpacing(12)
        top.addWidget(QLabel("Année :"))
        top.addWidget(self.year_spin)

        self.mapping = QTableWidget(0, 4)
        self.mapping.setHorizontalHeaderLabels(["Colonne du fichier", "Exemples de valeurs", "Correspond à", "Financeur"])
        self.mapping.verticalHeader().setVisible(False)
        self.mapping.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mapping.setAccessibleName("Correspondance des colonnes")
        header = self.mapping.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.mapping.setColumnWidth(0, 250)
        self.mapping.setColumnWidth(2, 270)
        self.mapping.setColumnWidth(3, 170)

        self.rows_table = QTableWidget(0, 7)
        self.rows_table.setHorizontalHeaderLabels(["Ligne", "Résultat", "Intitulé", "Porteur", "Pilier", "Montant", "Remarque"])
        self.rows_table.verticalHeader().setVisible(False)
        self.rows_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows_table.setAccessibleName("Aperçu des lignes")
        for i, w in enumerate((52, 90, 260, 170, 140, 95)):
            self.rows_table.setColumnWidth(i, w)
        self.rows_table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)

        split = QSplitter(Qt.Orientation.Vertical)
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.addWidget(QLabel("<b>Colonnes</b>"))
        lay.addWidget(self.mapping)
        split.addWidget(box)
        self.lower_tabs = QTabWidget()
        self.left_out_table = left_out_table()
        self.lower_tabs.addTab(self.rows_table, "Aperçu des lignes de cette feuille")
        self.lower_tabs.addTab(self.left_out_table, "Lignes écartées")
        split.addWidget(self.lower_tabs)
        split.setSizes([300, 330])

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.reconciliation = QLabel()
        self.reconciliation.setAccessibleName("Rapprochement des montants")
        self.reconciliation.setStyleSheet("font-size: 14px; font-weight: 600;")
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(WARN_STYLE)
        self.warnings.setAccessibleName("Avertissements")
        self.restore_deleted = QCheckBox()
        self.restore_deleted.setToolTip(
            "Sans cette case, les lignes des actions que vous avez supprimées dans l'application sont écartées "
            "(« action supprimée dans l'application : non réimportée »), avec leur montant.")
        self.restore_deleted.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.import_button = self.buttons.addButton("Importer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("primary")
        self.import_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.sheet_note)
        layout.addWidget(split, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.reconciliation)
        layout.addWidget(self.warnings)
        layout.addWidget(self.restore_deleted)
        layout.addWidget(self.buttons)
        first = next((i for i, p in enumerate(self.plans) if p.header_row is not None), 0)
        self.sheet_combo.setCurrentIndex(first)
        self._show_sheet(first)

    # -- current sheet -------------------------------------------------------------------------
    @property
    def plan(self) -> SheetPlan:
        return self.plans[self.sheet_combo.currentIndex()]

    def _show_sheet(self, index: int) -> None:
        if index < 0:
            return
        plan = self.plans[index]
        sheet = self.preview.sheet(plan.name)
        self._loading = True
        self.enabled.setChecked(plan.enabled and plan.header_row is not None)
        self.header_spin.setRange(1, max(1, min(len(sheet.rows), 60)))
        self.header_spin.setValue((plan.header_row or 0) + 1)
        self.year_spin.setValue(plan.year or 1999)
        self._loading = False
        self._fill_mapping()
        self._refresh()

    def _fill_mapping(self) -> None:
        plan = self.plan
        sheet = self.preview.sheet(plan.name)
        self.mapping.setRowCount(len(plan.labels))
        start = (plan.header_row or 0) + 1
        data_rows = {o.row - 1 for o in interpret_sheet(sheet, plan) if o.is_data} if plan.header_row is not None else set()
        sample_rows = [r for i, r in enumerate(sheet.rows[start:start + 200], start) if i in data_rows][:60]
        for c, label in enumerate(plan.labels):
            name = QTableWidgetItem(f"{column_letter(c)} — {label or '(sans titre)'}")
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            name.setToolTip(label)
            self.mapping.setItem(c, 0, name)
            samples = [clean_text(r[c]) for r in sample_rows if c < len(r) and not is_blank(r[c])]
            unique = list(dict.fromkeys(samples))[:4]
            ex = QTableWidgetItem(" · ".join(unique))
            ex.setFlags(Qt.ItemFlag.ItemIsEnabled)
            ex.setToolTip("\n".join(unique))
            self.mapping.setItem(c, 1, ex)
            combo = QComboBox()
            combo.setAccessibleName(f"Colonne {column_letter(c)} : correspond à")
            for kind, text in FIELD_LABELS.items():
                combo.addItem(text, kind)
            target = plan.mapping[c] if c < len(plan.mapping) else Target()
            combo.setCurrentIndex(max(combo.findData(target.kind), 0))
            combo.currentIndexChanged.connect(lambda _i, col=c: self._on_target(col))
            self.mapping.setCellWidget(c, 2, combo)
            funder = QLineEdit(target.funder)
            funder.setEnabled(target.kind in AMOUNT_TARGETS)
            funder.setPlaceholderText("nom du financeur" if funder.isEnabled() else "")
            funder.setAccessibleName(f"Colonne {column_letter(c)} : financeur")
            funder.editingFinished.connect(lambda col=c: self._on_funder(col))
            self.mapping.setCellWidget(c, 3, funder)
        for r in range(self.mapping.rowCount()):
            self.mapping.setRowHeight(r, 32)

    def target_combo(self, column: int) -> QComboBox:
        return self.mapping.cellWidget(column, 2)

    def funder_edit(self, column: int) -> QLineEdit:
        return self.mapping.cellWidget(column, 3)

    # -- edits ---------------------------------------------------------------------------------
    def _on_target(self, column: int) -> None:
        kind = self.target_combo(column).currentData()
        plan = self.plan
        while len(plan.mapping) <= column:
            plan.mapping.append(Target())
        funder_edit = self.funder_edit(column)
        funder = funder_edit.text().strip()
        if kind in AMOUNT_TARGETS and not funder:
            from desktop_app.core.programmation_headers import funder_label

            funder = funder_label(plan.labels[column])
            funder_edit.setText(funder)
        funder_edit.setEnabled(kind in AMOUNT_TARGETS)
        funder_edit.setPlaceholderText("nom du financeur" if kind in AMOUNT_TARGETS else "")
        # a field that can only be in one column moves here from the other column
        if kind not in AMOUNT_TARGETS and kind != "ignore":
            for i, t in enumerate(plan.mapping):
                if i != column and t.kind == kind:
                    plan.mapping[i] = Target()
                    other = self.target_combo(i)
                    other.blockSignals(True)
                    other.setCurrentIndex(0)
                    other.blockSignals(False)
                    self.funder_edit(i).setEnabled(False)
        plan.mapping[column] = Target(kind, funder if kind in AMOUNT_TARGETS else "")
        self._refresh()

    def _on_funder(self, column: int) -> None:
        plan = self.plan
        target = plan.mapping[column]
        if target.kind in AMOUNT_TARGETS:
            plan.mapping[column] = Target(target.kind, self.funder_edit(column).text().strip())
            self._refresh()

    def _on_enabled(self, on: bool) -> None:
        if self._loading:
            return
        plan = self.plan
        if on and plan.header_row is None:
            self._replan(self.header_spin.value() - 1)
            return
        plan.enabled = on
        self._refresh()

    def _on_header_row(self, value: int) -> None:
        if self._loading:
            return
        self._replan(value - 1)

    def _replan(self, header_row: int) -> None:
        index = self.sheet_combo.currentIndex()
        sheet = self.preview.sheet(self.plan.name)
        new = plan_for_header(sheet, header_row, self.preview.path.name)
        new.year = self.plan.year or new.year
        self.plans[index] = new
        self._show_sheet(index)

    def _on_year(self, value: int) -> None:
        if self._loading:
            return
        self.plan.year = None if value == self.year_spin.minimum() else value
        self._refresh()

    # -- preview -------------------------------------------------------------------------------
    def _refresh(self) -> None:
        self.preview.plans = self.plans
        reading = self.preview.reading()
        plan = self.plan
        if plan.header_row is None:
            self.sheet_note.setText(f"Cette feuille sera ignorée : {plan.note or 'pas d en-tête'}. Indiquez la ligne d'en-tête pour l'importer quand même.")
        elif not plan.enabled:
            self.sheet_note.setText("Cette feuille ne sera pas importée.")
        elif plan.column_of("title") is None and plan.column_of("carrier") is None:
            self.sheet_note.setText("⚠ Choisissez la colonne qui contient l'intitulé de l'action ou le porteur.")
        elif plan.column_of("title") is None:
            self.sheet_note.setText(f"En-tête en ligne {plan.header_row + 1}. Pas de colonne d'intitulé : chaque action "
                                    "sera nommée d'après sa ligne (nature, objet, porteur).")
        else:
            self.sheet_note.setText(f"En-tête en ligne {plan.header_row + 1} ; les lignes au-dessus (titres) sont ignorées.")
        mine = [o for o in reading.outcomes if o.sheet == plan.name][:PREVIEW_LIMIT]
        self.rows_table.setRowCount(len(mine))
        for r, o in enumerate(mine):
            rec = o.record if o.status in ("ok", "skipped") else None
            remark = o.reason or "; ".join(rec.warnings if rec else [])
            values = [str(o.row), STATUS_TEXT.get(o.status, o.status), rec.title if rec else "",
                      rec.carrier if rec else "", rec.pillar if rec else (o.section if o.status == "section" else ""),
                      format_euros(o.amount) if o.amount else "", remark]
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                item.setToolTip(v)
                if c == 1:
                    item.setBackground(OK_BG if o.status in ("ok", "merged") else
                                       SKIP_BG if o.status == "skipped" else STRUCTURE_BG)
                if c == 5:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.rows_table.setItem(r, c, item)
        several = self.preview.several_sheets
        skipped_rows = reading.skipped
        fill_left_out(self.left_out_table, [
            ((f"{o.sheet}, {o.row}" if several else str(o.row)), o.amount, o.reason) for o in skipped_rows])
        self.lower_tabs.setTabText(1, f"Lignes écartées ({len(skipped_rows)})")
        ok = len(reading.records)
        skipped = len(skipped_rows)
        merged = sum(1 for o in reading.outcomes if o.status == "merged")
        structure = sum(1 for o in reading.outcomes if not o.is_data)
        warnings = sum(len(r.warnings) for r in reading.records)
        sheets = sum(1 for p in self.plans if p.enabled and p.header_row is not None)
        text = (f"<b>{ok} ligne{'s' if ok > 1 else ''} d'action{'s' if ok > 1 else ''} à importer</b> "
                f"({sheets} feuille{'s' if sheets > 1 else ''})")
        if merged:
            text += f" · {merged} fusionnée{'s' if merged > 1 else ''}"
        if skipped:
            text += f" · {skipped} ligne{'s' if skipped > 1 else ''} écartée{'s' if skipped > 1 else ''}"
        if structure:
            text += f" · {structure} total{'aux' if structure > 1 else ''}, intertitre{'s' if structure > 1 else ''} ou en-tête{'s' if structure > 1 else ''} (non comptés)"
        if warnings:
            text += f" · {warnings} valeur{'s' if warnings > 1 else ''} à vérifier (NC, approximations…)"
        self.summary.setText(text)
        self.reconciliation.setText(self.preview.reconciliation(reading))
        alerts = self.preview.warnings(reading)
        self.warnings.setText("\n".join(f"⚠ {w}" for w in alerts))
        self.warnings.setVisible(bool(alerts))
        self.import_button.setEnabled(ok > 0)
        deleted = sum(1 for rec in reading.records if rec.natural_key in self.deleted_keys) if self.deleted_keys else 0
        self.restore_deleted.setText(f"Réimporter aussi les actions supprimées dans l'application ({deleted})")
        self.restore_deleted.setVisible(deleted > 0)

    def restore_deleted_chosen(self) -> bool:
        """Whether the rows of actions deleted in the application are to be imported again."""
        return self.restore_deleted.isVisibleTo(self) and self.restore_deleted.isChecked()
