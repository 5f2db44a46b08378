"""The banner atop a testimony or contribution sheet: consent for use, consent for broadcasting
voice or image, the retention date, and warnings about personal data found in its texts."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout

from desktop_app.core.fieldwork import RETENTION_TEXT
from desktop_app.services.fieldwork_terrain import TestimonyData


def _date_fr(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


class ConsentBanner(QFrame):
    """Consent, retention and personal-data warnings of the selected sheet, at a glance."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("consentBanner")
        self.use = QLabel()
        self.cast = QLabel()
        self.keep = QLabel()
        row = QHBoxLayout()
        row.setSpacing(8)
        for w in (self.use, self.cast, self.keep):
            w.setWordWrap(True)
            row.addWidget(w)
        row.addStretch(1)
        self.privacy = QLabel()
        self.privacy.setObjectName("privacyWarningBox")
        self.privacy.setWordWrap(True)
        self.privacy.setStyleSheet(
            "background: #fff4e5; color: #7a3e00; border-left: 3px solid #ef8f00; padding: 6px 10px;"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        layout.addLayout(row)
        layout.addWidget(self.privacy)

    def show_testimony(self, t: TestimonyData, today: date | None = None) -> None:
        def badge(label: QLabel, text: str, kind: str) -> None:
            label.setText(text)
            label.setObjectName(kind)
            # Re-style it under its new name; unpolish/polish would keep the old padding on a shown label.
            label.setStyleSheet("")

        if t.consent_use is True:
            badge(self.use, "✔ Utilisation autorisée", "badgeOk")
        elif t.consent_use is False:
            badge(self.use, "✖ Utilisation refusée : ni reprise ni exportée", "badgeBad")
        else:
            badge(self.use, "? Accord d'utilisation à recueillir", "badgeWarn")
        if t.consent_broadcast is True and t.consent_use is True:
            badge(self.cast, "✔ Diffusion voix / image autorisée", "badgeOk")
        elif t.consent_broadcast is False or t.consent_use is False:
            badge(self.cast, "✖ Pas de diffusion voix / image", "badgeBad")
        else:
            badge(self.cast, "? Diffusion voix / image à demander", "badgeWarn")
        state = t.retention(today)
        if state == "ok":
            badge(self.keep, f"Conservation jusqu'au {_date_fr(t.retention_date)}", "badgeInfo")
        elif state == "missing":
            badge(self.keep, RETENTION_TEXT[state], "badgeWarn")
        else:
            badge(
                self.keep,
                f"{RETENTION_TEXT[state]} ({_date_fr(t.retention_date)})",
                "badgeBad" if state == "expired" else "badgeWarn",
            )
        self.privacy.setText("⚠ " + "\n⚠ ".join(t.warnings) if t.warnings else "")
        self.privacy.setVisible(bool(t.warnings))
