"""Which keys a database accepts bundles from: keys pinned per evaluation.

For each evaluation, `sync_trusted_keys` holds the public keys whose bundles are accepted (or only
their fingerprints, when the resource centre registered a territory's key from its fingerprint):
- this device's own key is always accepted (its own bundles, read back);
- for an evaluation no key is registered for yet, the key of the first bundle received is pinned
  (trust on first use), in the transaction of its import;
- otherwise a bundle signed by a key not registered for its evaluation is refused, whatever the
  device id it claims: the message names both fingerprints and says how to accept a new laptop on
  purpose (`evalkit sync trust`, or Synchronisation > Postes et clés…).

The bundle's signature itself is checked while reading (`bundle.py`): here, only whose it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop_app.store.models import utcnow
from desktop_app.store.models_sync import SyncTrustedKey
from desktop_app.sync.bundle import Bundle, BundleError
from desktop_app.sync.signing import decode_key, encode_key, fingerprint

FIRST, MANUAL = "first", "manual"
ORIGINS = {FIRST: "premier fichier reçu", MANUAL: "enregistrée à la main"}


class UntrustedKeyError(BundleError):
    """A bundle signed by a key its evaluation does not accept (French message); says which."""

    def __init__(self, message: str, bundle: Bundle):
        super().__init__(message)
        self.path = bundle.path
        self.evaluation_id = bundle.evaluation_id
        self.fingerprint = bundle.fingerprint
        self.device_label = bundle.device_label


@dataclass(frozen=True)
class TrustedKey:
    evaluation_id: str
    fingerprint: str
    has_key: bool  # False: registered from its fingerprint only, no bundle received yet
    device_id: str
    device_label: str
    origin: str
    added_at: datetime
    last_seen_at: datetime | None

    @property
    def origin_label(self) -> str:
        return ORIGINS.get(self.origin, self.origin)


def _data(row: SyncTrustedKey) -> TrustedKey:
    return TrustedKey(
        row.evaluation_id, row.fingerprint, bool(row.public_key), row.device_id, row.device_label, row.origin,
        row.added_at, row.last_seen_at,
    )


def trusted_keys(session: Session, evaluation_id: str | None = None) -> list[TrustedKey]:
    stmt = select(SyncTrustedKey).order_by(SyncTrustedKey.evaluation_id, SyncTrustedKey.added_at, SyncTrustedKey.fingerprint)
    if evaluation_id is not None:
        stmt = stmt.where(SyncTrustedKey.evaluation_id == evaluation_id)
    return [_data(r) for r in session.scalars(stmt)]


def _matches(row: SyncTrustedKey, key: bytes, fp: str) -> bool:
    if row.public_key:
        return decode_key(row.public_key) == key
    return row.fingerprint == fp


def _describe(row: SyncTrustedKey) -> str:
    label = f" (poste « {row.device_label} »)" if row.device_label else ""
    return f"{row.fingerprint}{label}"


def refusal(bundle: Bundle, pinned: list[SyncTrustedKey]) -> str:
    ev = bundle.manifest["evaluation"]
    title = str(ev.get("territory_name") or ev.get("title") or bundle.evaluation_id)[:120]
    label = f" (poste « {bundle.device_label} »)" if bundle.device_label else ""
    expected = ", ".join(_describe(r) for r in pinned)
    return (
        f"« {bundle.path.name} » est signé par une clé inconnue pour l'évaluation « {title} » : empreinte "
        f"{bundle.fingerprint}{label}. Les résultats de cette évaluation ne sont acceptés que de la clé {expected}. "
        "Rien n'a été importé. S'il s'agit bien d'un nouvel ordinateur de ce territoire, vérifiez cette empreinte "
        "avec son utilisateur (par téléphone par exemple), puis acceptez-le : menu Synchronisation > Postes et "
        f"clés…, ou « evalkit sync trust --db BASE --evaluation {bundle.evaluation_id} --key {bundle.fingerprint} » "
        "(ajoutez --replace si l'ancien poste n'est plus utilisé)."
    )


def check_senders(session: Session, bundles: Iterable[Bundle], own_key: bytes, *, pin: bool) -> None:
    """Raise BundleError (French) at the first bundle signed by a key its evaluation does not
    accept. With `pin`, the keys of evaluations seen for the first time are pinned and the
    keys used are marked as seen (the caller's transaction commits or rolls back with the
    import). The bundles of one import count in order: two files of a new evaluation signed by
    two different keys, the second is refused."""
    bundles = list(bundles)
    now = utcnow()
    # the keys of every evaluation concerned, read at once (not one query per evaluation)
    cache: dict[str, list[SyncTrustedKey]] = {b.evaluation_id: [] for b in bundles if b.public_key != own_key}
    wanted = sorted(cache)
    for i in range(0, len(wanted), 500):
        for row in session.scalars(select(SyncTrustedKey).where(SyncTrustedKey.evaluation_id.in_(wanted[i : i + 500]))):
            cache[row.evaluation_id].append(row)
    for bundle in bundles:
        key = bundle.public_key
        if key == own_key:
            continue
        eid = bundle.evaluation_id
        rows = cache[eid]
        fp = bundle.fingerprint
        found = next((r for r in rows if _matches(r, key, fp)), None)
        if found is None and rows:
            raise UntrustedKeyError(refusal(bundle, rows), bundle)
        if not pin:
            if found is None:  # pinned by the import itself: the next bundles must match it
                rows.append(SyncTrustedKey(evaluation_id=eid, fingerprint=fp, public_key=encode_key(key)))
            continue
        if found is None:
            found = SyncTrustedKey(evaluation_id=eid, fingerprint=fp, public_key=encode_key(key), origin=FIRST, added_at=now)
            session.add(found)
            rows.append(found)
        found.public_key = encode_key(key)  # a key registered from its fingerprint: now known whole
        found.device_id = bundle.device_id[:36]
        found.device_label = bundle.device_label
        found.last_seen_at = now


def register(
    session: Session, evaluation_id: str, *, public_key: bytes | None, fp: str, replace: bool = False, label: str = ""
) -> tuple[TrustedKey, list[TrustedKey]]:
    """Accept bundles of `evaluation_id` signed by this key (given whole, or by its fingerprint),
    on purpose. With `replace`, the other keys of the evaluation are no longer accepted.
    Returns the key registered and the keys removed."""
    rows = list(session.scalars(select(SyncTrustedKey).where(SyncTrustedKey.evaluation_id == evaluation_id)))
    if public_key is not None:
        fp = fingerprint(public_key)
    found = next((r for r in rows if r.fingerprint == fp), None)
    removed = []
    if replace:
        for row in rows:
            if row is not found:
                removed.append(_data(row))
                session.delete(row)
    if found is None:
        found = SyncTrustedKey(
            evaluation_id=evaluation_id, fingerprint=fp, public_key=encode_key(public_key) if public_key else "",
            device_id="", device_label=label[:200], origin=MANUAL, added_at=utcnow(),
        )
        session.add(found)
    else:
        found.origin = MANUAL
        if public_key is not None:
            found.public_key = encode_key(public_key)
        if label:
            found.device_label = label[:200]
    session.flush()
    return _data(found), removed


def remove(session: Session, evaluation_id: str, fp: str) -> int:
    """No longer accept this key for this evaluation; how many keys were removed (0 or 1)."""
    result: Any = session.execute(
        delete(SyncTrustedKey).where(SyncTrustedKey.evaluation_id == evaluation_id, SyncTrustedKey.fingerprint == fp)
    )
    return int(result.rowcount or 0)
