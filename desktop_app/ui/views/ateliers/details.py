"""The facts of one workshop session: title, date and time, place, facilitators, quartiers,
participants counted by profile, and — only when really needed — a named attendance list."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core import identifiers as ids
from desktop_app.core.fieldwork import PARTICIPANT_PROFILES, participants_total
from desktop_app.services.fieldwork_workshops import WorkshopData
from desktop_app.ui.models.rows_model import format_fr_date, parse_fr_date
from desktop_app.ui.views.common import form_row, name_input
from desktop_app.ui.widgets.autosave import AutosaveLine

ATTENDANCE_COLUMNS = (("name", "Nom et prénom"), ("organisation", "Structure"), ("role", "Fonction"))


def _check_date(text: str) -> str | None:
    return ids.check_iso_date(parse_fr_date(text)) if text.strip() else None


def _check_time(text: str) -> str | None:
    t = text.strip().replace("h", ":").replace("H", ":")
    if not t:
        return None
    parts = t.split(":")
    ok = (
        len(parts) == 2
        and parts[0].isdigit()
        and (parts[1].isdigit() or parts[1] == "")
        and int(parts[0]) < 24
    )
    ok = ok and (parts[1] == "" or int(parts[1]) < 60)
    return None if ok else "Heure invalide (par exemple 14:00)."


class WorkshopDetails(QScrollArea):
    """Emits fieldCommitted(key, value) for each change to save."""

    fieldCommitted = Signal(str, object)
    draftChanged = Signal(str, object)  # (field key, text kept « à corriger » or None)
    DRAFT_PREFIX = "@"  # its drafts are kept with the session's notes: key « @date », « @start_time »

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._loading = False
        page = QWidget()
        page.setObjectName("page")
        outer = QVBoxLayout(page)
        outer.setContentsMargins(20, 16, 20, 16)
        outer.setSpacing(14)

        session = QGroupBox("La séance")
        form = QFormLayout(session)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.title = AutosaveLine(check=lambda t: ids.check_required(t, "Intitulé"))
        self.theme = QLabel()
        self.theme.setObjectName("muted")
        self.date = AutosaveLine(check=_check_date, placeholder="JJ/MM/AAAA", draft_name="Date de la séance")
        self.start_time = AutosaveLine(check=_check_time, placeholder="14:00", draft_name="Heure de début")
        self.place = AutosaveLine(placeholder="Salle, équipement, quartier")
        self.facilitators = AutosaveLine(placeholder="Qui anime, qui prend les notes (fonctions)")
        when = QHBoxLayout()
        when.addWidget(self.date, 2)
        when.addWidget(QLabel("à"))
        when.addWidget(self.start_time, 1)
        form_row(form, "Intitulé", self.title)
        form.addRow("Groupe de travail", self.theme)
        date_label = form_row(form, "Date", when)
        date_label.setBuddy(name_input(self.date, "Date de la séance"))
        name_input(self.start_time, "Heure de début")
        form_row(form, "Lieu", self.place)
        form_row(form, "Animation", self.facilitators)
        self._theme_row_label = form.labelForField(self.theme)
        self.title.committed.connect(lambda v: self._emit("title", v))
        self.date.committed.connect(self._commit_date)
        self.start_time.committed.connect(self._commit_time)
        for key in ("date", "start_time"):
            getattr(self, key).drafted.connect(lambda text, k=key: self._loading or self.draftChanged.emit(k, text))
        self.place.committed.connect(lambda v: self._emit("place", v))
        self.facilitators.committed.connect(lambda v: self._emit("facilitators", v))
        outer.addWidget(session)

        people = QGroupBox("Participants, par profil")
        grid = QGridLayout(people)
        grid.setHorizontalSpacing(18)
        self.counts: dict[str, QSpinBox] = {}
        for n, (key, label) in enumerate(PARTICIPANT_PROFILES.items()):
            spin = QSpinBox()
            spin.setRange(0, 999)
            spin.setFixedWidth(72)
            spin.setAccessibleName(label)
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(self._commit_counts)
            self.counts[key] = spin
            row, col = divmod(n, 2)
            lab = QLabel(label)
            lab.setBuddy(spin)
            grid.addWidget(lab, row, col * 2)
            grid.addWidget(spin, row, col * 2 + 1)
        for col in range(2):
            grid.setColumnStretch(col * 2, 1)
        self.total = QLabel()
        self.total.setObjectName("sectionTitle")
        grid.addWidget(self.total, (len(PARTICIPANT_PROFILES) + 1) // 2, 0, 1, 4)
        outer.addWidget(people)

        qpv_box = QGroupBox("Quartiers concernés")
        qpv_layout = QVBoxLayout(qpv_box)
        self.qpv = QListWidget()
        self.qpv.setAccessibleName("Quartiers concernés")
        self.qpv.setMaximumHeight(120)
        self.qpv.itemChanged.connect(self._commit_qpv)
        self.qpv_empty = QLabel(
            "Aucun quartier dans le Cadrage : ajoutez-les à l'étape Cadrage pour les rattacher ici."
        )
        self.qpv_empty.setObjectName("muted")
        self.qpv_empty.setWordWrap(True)
        qpv_layout.addWidget(self.qpv)
        qpv_layout.addWidget(self.qpv_empty)
        outer.addWidget(qpv_box)

        named = QGroupBox("Liste nominative de présence")
        named_layout = QVBoxLayout(named)
        note = QLabel(
            "Par défaut, seuls les effectifs par profil sont enregistrés. Ne tenez une liste nominative que si elle "
            "est nécessaire (remboursement de frais, émargement exigé) : elle n'est jamais exportée et elle est "
            "effacée avec l'atelier."
        )
        note.setObjectName("muted")
        note.setWordWrap(True)
        self.named = QCheckBox("Tenir une liste nominative pour cette séance")
        self.named.toggled.connect(self._toggle_named)
        self.attendance = QTableWidget(0, len(ATTENDANCE_COLUMNS))
        self.attendance.setHorizontalHeaderLabels([label for _, label in ATTENDANCE_COLUMNS])
        self.attendance.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.attendance.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.attendance.setMinimumHeight(150)
        self.attendance.itemChanged.connect(self._commit_attendance)
        self.add_person = QPushButton("Ajouter une personne")
        self.add_person.clicked.connect(self._add_person)
        self.remove_person = QPushButton("Retirer")
        self.remove_person.clicked.connect(self._remove_person)
        row = QHBoxLayout()
        row.addWidget(self.add_person)
        row.addWidget(self.remove_person)
        row.addStretch(1)
        named_layout.addWidget(note)
        named_layout.addWidget(self.named)
        named_layout.addWidget(self.attendance)
        named_layout.addLayout(row)
        outer.addWidget(named)
        outer.addStretch(1)
        page.setMaximumWidth(980)
        holder = QWidget()
        holder.setObjectName("page")
        centred = QHBoxLayout(holder)
        centred.setContentsMargins(0, 0, 0, 0)
        centred.addWidget(page)
        self.setWidget(holder)

    # -- loading -------------------------------------------------------------------------------
    def set_workshop(self, w: WorkshopData, qpvs: list[tuple[str, str]]) -> None:
        self._loading = True
        try:
            self.title.set_value(w.title)
            self.theme.setText(f"{w.theme_label} — séance {w.session}" if w.is_working_group else "")
            self.theme.setVisible(w.is_working_group)
            if self._theme_row_label is not None:
                self._theme_row_label.setVisible(w.is_working_group)
            self.date.set_value(format_fr_date(w.date))
            self.start_time.set_value(w.start_time)
            self.place.set_value(w.place)
            self.facilitators.set_value(w.facilitators)
            for key, spin in self.counts.items():
                spin.setValue(int(w.participants.get(key, 0)))
            self._show_total()
            self.qpv.clear()
            chosen = set(w.qpv_codes)
            for code, name in qpvs:
                item = QListWidgetItem(f"{code} — {name}" if name else code)
                item.setData(Qt.ItemDataRole.UserRole, code)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if code in chosen else Qt.CheckState.Unchecked)
                self.qpv.addItem(item)
            self.qpv.setVisible(bool(qpvs))
            self.qpv_empty.setVisible(not qpvs)
            self.named.setChecked(w.named_attendance)
            self.attendance.setRowCount(0)
            for person in w.attendance:
                self._append_person(person)
            self._show_named(w.named_attendance)
        finally:
            self._loading = False

    def set_drafts(self, drafts: dict) -> None:
        """Show the texts kept « à corriger » (keys « @date », « @start_time »); emits nothing."""
        for key in ("date", "start_time"):
            getattr(self, key).set_draft(drafts.get(self.DRAFT_PREFIX + key))

    def _show_total(self) -> None:
        total = participants_total({k: s.value() for k, s in self.counts.items()})
        self.total.setText(f"Total : {total} participant{'s' if total > 1 else ''}")

    def _show_named(self, on: bool) -> None:
        for w in (self.attendance, self.add_person, self.remove_person):
            w.setVisible(on)

    # -- saving --------------------------------------------------------------------------------
    def mark_unsaved(self, key: str, message: str) -> None:
        """The value of field `key` is not stored (`message`), or now is ("")."""
        editor = {"title": self.title, "date": self.date, "start_time": self.start_time, "place": self.place,
                  "facilitators": self.facilitators}.get(key)
        if editor is not None:
            editor.mark_unsaved(message)

    def _emit(self, key: str, value) -> None:
        if not self._loading:
            self.fieldCommitted.emit(key, value)

    def _commit_date(self, text: str) -> None:
        iso = parse_fr_date(text)
        if text.strip() and ids.check_iso_date(iso):
            return  # flagged in place, saved once it is a date
        self._emit("date", iso)

    def _commit_time(self, text: str) -> None:
        if _check_time(text):
            return
        self._emit("start_time", text)

    def _commit_counts(self) -> None:
        self._show_total()
        self._emit("participants", {k: s.value() for k, s in self.counts.items() if s.value()})

    def _commit_qpv(self, _item=None) -> None:
        codes = [
            self.qpv.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.qpv.count())
            if self.qpv.item(i).checkState() == Qt.CheckState.Checked
        ]
        self._emit("qpv_codes", codes)

    def _toggle_named(self, on: bool) -> None:
        if self._loading:
            return
        if not on and self.attendance.rowCount():
            answer = QMessageBox.question(
                self,
                "Liste nominative",
                "Effacer la liste nominative de cette séance ? Les effectifs par profil sont conservés.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.named.blockSignals(True)
                self.named.setChecked(True)
                self.named.blockSignals(False)
                return
            self.attendance.setRowCount(0)
            self._emit("attendance", [])
        self._show_named(on)
        self._emit("named_attendance", on)

    def _append_person(self, person: dict) -> None:
        r = self.attendance.rowCount()
        self.attendance.insertRow(r)
        for c, (key, _) in enumerate(ATTENDANCE_COLUMNS):
            self.attendance.setItem(r, c, QTableWidgetItem(person.get(key, "")))

    def _add_person(self) -> None:
        self._loading = True
        self._append_person({})
        self._loading = False
        r = self.attendance.rowCount() - 1
        self.attendance.setCurrentCell(r, 0)
        self.attendance.editItem(self.attendance.item(r, 0))

    def _remove_person(self) -> None:
        r = self.attendance.currentRow()
        if r >= 0:
            self.attendance.removeRow(r)
            self._commit_attendance()

    def _commit_attendance(self, _item=None) -> None:
        rows = []
        for r in range(self.attendance.rowCount()):
            rows.append(
                {
                    key: (self.attendance.item(r, c).text() if self.attendance.item(r, c) else "")
                    for c, (key, _) in enumerate(ATTENDANCE_COLUMNS)
                }
            )
        self._emit("attendance", rows)

    def flush(self) -> None:
        for w in (self.title, self.date, self.start_time, self.place, self.facilitators):
            w.flush()
