"""The sync folder's use case: "Synchroniser" imports the other machines' bundles found in the
shared folder, then writes this database's bundles there (see `desktop_app.sync.folder` for the
folder's names, checks and report). Called by `SyncService.sync_folder`.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from desktop_app.core.errors import ServiceError
from desktop_app.store.models import Evaluation
from desktop_app.sync import privacy
from desktop_app.sync.bundle import BundleError, file_checksum, iter_bundle_files, peek_manifest
from desktop_app.sync.envelope import is_sealed
from desktop_app.sync.folder import FolderReport, check_folder, outgoing_name
from desktop_app.sync.outgoing import export_evaluation


def synchronise(sync, folder: Path, progress=None) -> FolderReport:
    """Import the new incoming bundles of `folder`, then write this database's bundles there."""
    check_folder(folder)
    report = FolderReport(str(folder))
    me = sync.device_id
    files = [p for p in iter_bundle_files(folder) if not p.stem.endswith(me[:8])]
    for i, path in enumerate(files):
        if progress:
            progress(i, len(files) + 1, f"Lecture de {path.name}")
        try:
            sha = file_checksum(path)
            if sync.already_received(sha):
                report.skipped += 1
                continue
            manifest = None if is_sealed(path) else peek_manifest(path)  # encrypted to a centre: opened by verify
            if manifest is not None and manifest["device"]["id"] == me:
                report.skipped += 1
                continue
            bundle = sync.verify(path)
            report.received += sync.import_verified([bundle], None)
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
