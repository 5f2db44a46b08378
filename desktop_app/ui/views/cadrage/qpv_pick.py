"""Pick a QPV from the list the evaluation's kit carries (`reference_lists`, kind qpv): its code,
name and communes are added to the Cadrage's QPV. Hidden when the kit carries no such list."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget


class QpvPick(QWidget):
    """Emits picked({code, name, communes}) for the quartier chosen."""

    picked = Signal(dict)

    def __init__(self, after: QWidget | None = None, table=None, parent=None):
        super().__init__(parent)
        self.table = table  # the QPV RowsTable: the codes already there are not offered again
        self.label = QLabel()
        self.combo = QComboBox()
        self.combo.setAccessibleName("Quartier de la liste du kit")
        self.combo.setMinimumContentsLength(28)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.label.setBuddy(self.combo)
        self.add = QPushButton("Ajouter ce quartier")
        self.add.clicked.connect(self._pick)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.add)
        self._rows: dict[str, dict] = {}
        if after is not None:
            QWidget.setTabOrder(after, self.combo)
        QWidget.setTabOrder(self.combo, self.add)
        self.setVisible(False)

    def set_list(self, qpv_list, reference) -> None:
        """The kit's list (None: hidden) and the reference, to name the communes of each QPV."""
        self._rows = {}
        self.combo.clear()
        if qpv_list is None:
            self.setVisible(False)
            return
        self.label.setText(f"Liste du kit ({qpv_list.version}) :")
        self.setToolTip(f"« {qpv_list.label} » — {qpv_list.source}")
        for row in qpv_list.rows:
            names = ", ".join(self._commune(reference, c) for c in row.communes)
            self._rows[row.code] = {"code": row.code, "name": row.name, "communes": names}
            self.combo.addItem(f"{row.code} — {row.name}" + (f" ({names})" if names else ""), row.code)
        self.setVisible(True)

    @staticmethod
    def _commune(reference, insee: str) -> str:
        commune = reference.commune(insee) if reference is not None else None
        return commune.name if commune else insee

    def _pick(self) -> None:
        code = self.combo.currentData()
        if not code:
            return
        existing = {str(r.get("code") or "").upper() for r in (self.table.model.rows if self.table else [])}
        if code in existing:
            self.add.setToolTip(f"{code} est déjà dans la liste des QPV du cadrage.")
            return
        self.picked.emit(dict(self._rows[code]))
