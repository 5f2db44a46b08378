"""The sync folder: a folder the facilitators share (USB key, network share, cloud-synced folder).

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

from sqlalchemy import select

from desktop_app.core.errors import ServiceError
from desktop_app.store.models import Evaluation
from desktop_app.sync import privacy
from desktop_app.sync.bundle import SUFFIX, BundleError, iter_bundle_files, peek_manifest


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


def _check_folder(folder: Path) -> None:
    if not folder.exists():
        raise ServiceError(f"Le dossier de synchronisation « {folder} » est introuvable (clé USB débranchée ?).")
    if not folder.is_dir():
        raise ServiceError(f"« {folder} » n'est pas un dossier.")
    if not os.access(folder, os.W_OK):
        raise ServiceError(f"Le dossier « {folder} » est en lecture seule.")


def synchronise(sync, folder: Path, progress=None) -> FolderReport:
    """Import the new incoming bundles of `folder`, then write this database's bundles there."""
    from desktop_app.services.sync import _sha

    _check_folder(folder)
    report = FolderReport(str(folder))
    me = sync.device_id
    files = [p for p in iter_bundle_files(folder) if not p.stem.endswith(me[:8])]
    for i, path in enumerate(files):
        if progress:
            progress(i, len(files) + 1, f"Lecture de {path.name}")
        try:
            sha = _sha(path)
            if sync.already_received(sha):
                report.skipped += 1
                continue
            manifest = peek_manifest(path)
            if manifest["device"]["id"] == me:
                report.skipped += 1
                continue
            bundle = sync.verify(path)
            report.received += sync._import([bundle], None)
        except (ServiceError, BundleError, OSError) as exc:
            message = str(exc)
            report.errors.append({"file": path.name, "message": message})
            sync.log(direction="received", file_name=path.name[:255], status="error", message=message, counts={})
    with sync.read() as s:
        evaluations = [(e.id, e.title or e.territory_name) for e in s.scalars(select(Evaluation).order_by(Evaluation.created_at))]
    for eid, title in evaluations:
        if progress:
            progress(len(files), len(files) + 1, f"Écriture de « {title} »")
        name = outgoing_name(eid, title, me)
        target = folder / name
        last = sync.last_sent_digest(name) if target.exists() else None
        from desktop_app.sync.outgoing import export_evaluation

        try:
            result = export_evaluation(sync.services, eid, target, privacy.COMPLETE, unless_digest=last)
        except BundleError as exc:
            report.errors.append({"file": name, "message": str(exc)})
            sync.log(direction="sent", file_name=name, evaluation_id=eid, status="error", message=str(exc), counts={})
            continue
        if result is None:
            continue
        sync.log(
            direction="sent", file_name=name, file_sha256=result.file_sha256, data_digest=result.data_digest,
            evaluation_id=eid, status="ok", counts=dict(result.counts), message=str(target),
        )
        report.sent.append({"file": name, "evaluation_id": eid, "title": title, "records": sum(result.counts.values())})
    if progress:
        progress(len(files) + 1, len(files) + 1, "Synchronisation terminée")
    return report
