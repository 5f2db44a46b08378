"""The sync folder: a folder the facilitators share (USB key, network share, cloud-synced folder).

Its names, checks and report (the loop itself is a use case: `desktop_app.services.sync_folder`).
"Synchroniser" first imports the other machines' bundles found there (each file once: a file
already imported with the same checksum is skipped), then writes one bundle per evaluation of
this database, named after the evaluation and this device, replaced atomically, and only when
the data changed since the last one written there. Bundles exchanged this way are complete
(same team, same evaluation): the pseudonymised export is for the resource centre.
Every file sent or received, and every file refused, is written to the history.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.core.errors import ServiceError
from desktop_app.sync.bundle import SUFFIX


@dataclass
class FolderReport:
    folder: str
    received: list[dict[str, Any]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    skipped: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"folder": self.folder, "received": self.received, "sent": self.sent, "skipped": self.skipped, "errors": self.errors}

    @property
    def conflicts(self) -> int:
        return sum(r.get("conflicts", 0) for r in self.received)


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "evaluation"


def outgoing_name(evaluation_id: str, title: str, device_id: str) -> str:
    return f"{slug(title)}-{evaluation_id[:8]}-{device_id[:8]}{SUFFIX}"


def check_folder(folder: Path) -> None:
    """A folder the application can write its bundles into, or a French refusal."""
    if not folder.exists():
        raise ServiceError(f"Le dossier de synchronisation « {folder} » est introuvable (clé USB débranchée ?).")
    if not folder.is_dir():
        raise ServiceError(f"« {folder} » n'est pas un dossier.")
    if not os.access(folder, os.W_OK):
        raise ServiceError(f"Le dossier « {folder} » est en lecture seule.")
