"""Kit versions: the bundled kit, the installed ones, snapshots stored with evaluations, the kit
of an evaluation, and moving an evaluation to a newer version.

An evaluation records the kit id and version it was started with. The kit's files are stored in
the database at that moment (a snapshot), so the evaluation still opens and exports after the
application ships, or the user installs, a new kit version. The snapshot is what the evaluation
uses: a kit with the same id and version but other content (another digest) is never taken in
its place; such a kit is refused wherever it comes in (installation, bundle import, snapshot).

New evaluations start with the newest version available on this computer (the bundled kit or
one installed with `evalkit kit install`, see `kit_library`). `upgrade_preview` / `upgrade` move
an evaluation to a newer version: answers are stored by question id and stay where they are.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, text, tuple_

from desktop_app import paths
from desktop_app.kit.compare import (
    KitChanges,
    compare,
    migrate_answers,
    question_of,
    tool_questions,
    upgrade_notes,
    version_key,
)
from desktop_app.kit.loader import Kit, KitError, load_files, load_folder, shipped_kit
from desktop_app.kit.yaml_cache import ParsedYamlCache
from desktop_app.services.base import Change, NotFound, ServiceBase, ServiceError
from desktop_app.services.kit_library import KitEntry, KitLibrary, bundled_entry, conflict_message, short
from desktop_app.store.db import Store
from desktop_app.store.models import Evaluation, FormResponse, KitSnapshot

# the digest of a kit copy this database keeps (`check_copy`, at every import)
_KEPT_DIGEST = text("SELECT digest FROM kit_snapshots WHERE kit_id = :kit_id AND version = :version")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UpgradePreview:
    """What moving an evaluation to another kit version changes (nothing written)."""

    evaluation_id: str
    changes: KitChanges
    answers_kept: int  # answers whose question is still in the new version
    answers_hidden: int  # answers to questions the new version no longer has (kept, not shown)
    responses_of_removed_tools: int  # filled forms of tools the new version no longer has
    scope_after: tuple[str, ...]
    answers_mapped: int = 0  # answers renamed or converted by the kit's migration notes
    notes: tuple[str, ...] = ()  # the migration notes that apply, in French

    def as_dict(self) -> dict:
        return {
            "evaluation": self.evaluation_id,
            **self.changes.as_dict(),
            "counts": self.changes.counts(),
            "answers_kept": self.answers_kept,
            "answers_hidden": self.answers_hidden,
            "responses_of_removed_tools": self.responses_of_removed_tools,
            "answers_mapped": self.answers_mapped,
            "notes": list(self.notes),
        }


class KitService(ServiceBase):
    def __init__(self, store: Store, forms_dir: Path | None = None, library: KitLibrary | None = None):
        super().__init__(store)
        self.forms_dir = forms_dir or paths.forms_dir()
        self.library = library or KitLibrary()
        self._bundled: Kit | None = None
        self._cache: dict[tuple[str, str], Kit] = {}

    def bundled(self) -> Kit:
        if self._bundled is None:
            cache = ParsedYamlCache(paths.data_dir() / "cache" / "kit-yaml.json")
            try:
                self._bundled = load_folder(self.forms_dir, cache)
            except KitError as exc:
                raise ServiceError(f"Le kit fourni avec l'application contient une erreur :\n{exc}") from None
            cache.save()  # the next start reads the YAML parsed here
        return self._bundled

    # -- versions on this computer ----------------------------------------------------------------
    def available(self) -> list[KitEntry]:
        """The bundled kit, then the installed versions (newest first per kit)."""
        return [bundled_entry(self.bundled(), self.forms_dir), *self.library.installed()]

    def latest(self) -> Kit:
        """The newest version of the bundled kit's id on this computer (what new evaluations use)."""
        bundled = self.bundled()
        newest = max(
            (e for e in self.library.installed() if e.id == bundled.id),
            key=lambda e: version_key(e.version),
            default=None,
        )
        if newest is None or version_key(newest.version) <= version_key(bundled.version):
            return bundled
        return self._installed(newest)

    def install(self, source: str | Path) -> tuple[KitEntry, bool]:
        """Validate a kit zip or folder and install it; (entry, False) when it was already there.
        Refused (ServiceError, nothing written) when invalid, or when this database keeps the same
        id and version with other content."""
        kit = self.library.read(source)
        with self.read() as s:
            snap = s.get(KitSnapshot, (kit.id, kit.version))
            kept = snap.digest if snap is not None else None
        if kept is not None and kept != kit.digest:
            raise ServiceError(conflict_message(kit.id, kit.version, kept, "dans cette base", kit.digest, "du fichier"))
        return self.library.install(kit, str(Path(source).resolve()), bundled_entry(self.bundled(), self.forms_dir))

    def _installed(self, entry: KitEntry) -> Kit:
        key = (entry.id, entry.version)
        kit = self._cache.get(key)
        if kit is None or kit.digest != entry.digest:
            kit = self.library.load(entry)
        return kit

    def _local(self, kit_id: str, version: str) -> Kit | None:
        """The version of this computer (bundled, installed, or an earlier bundled version the
        application keeps), None when there is none."""
        bundled = self.bundled()
        if (bundled.id, bundled.version) == (kit_id, version):
            return bundled
        entry = self.library.find(kit_id, version)
        if entry is not None:
            return self._installed(entry)
        return self._archived(kit_id, version)

    def _archived(self, kit_id: str, version: str) -> Kit | None:
        """An earlier version of the bundled kit shipped with the application
        (`resources/kits/<id>-<version>/`), kept for the evaluations that have to reach it: the
        kit from before tool roles moves to the one that only added them (1.0.1)."""
        folder = paths.resource("kits", f"{kit_id}-{version}")
        if not (folder / "kit.yaml").is_file():
            return None
        try:
            return load_folder(folder)
        except KitError:
            log.warning("archived kit %s %s is invalid", kit_id, version)
            return None

    def _archived_versions(self, kit_id: str) -> list[str]:
        root = paths.resource("kits")
        prefix = f"{kit_id}-"
        return [d.name[len(prefix):] for d in root.glob(f"{prefix}*") if (d / "kit.yaml").is_file()] if root.is_dir() else []

    def check_copy(self, kit_id: str, version: str, digest: str, name: str) -> None:
        """A kit copy coming in (a bundle's): refused when this computer or this database has
        the same id and version with other content."""
        if self._bundled is not None:
            shipped = (self._bundled.id, self._bundled.version, self._bundled.digest)
        else:  # its identity from its files, without loading the kit (an import from the command line)
            shipped = shipped_kit(self.forms_dir)
            if not shipped[0]:  # not usable: said as when it is loaded
                bundled = self.bundled()
                shipped = (bundled.id, bundled.version, bundled.digest)
        if shipped[:2] == (kit_id, version) and shipped[2] != digest:
            raise ServiceError(f"« {name} » : " + conflict_message(kit_id, version, shipped[2], "dans l'application", digest, "du fichier reçu"))
        entry = self.library.find(kit_id, version)
        if entry is not None and entry.digest != digest:
            raise ServiceError(f"« {name} » : " + conflict_message(kit_id, version, entry.digest, "sur ce poste", digest, "du fichier reçu"))
        with self.read() as s:  # its digest only (not the copy's files, nor an ORM statement per new engine)
            kept = s.execute(_KEPT_DIGEST, {"kit_id": kit_id, "version": version}).scalar()
        if kept is not None and kept != digest:
            raise ServiceError(f"« {name} » : " + conflict_message(kit_id, version, kept, "dans cette base", digest, "du fichier reçu"))

    # -- the kit of an evaluation -------------------------------------------------------------------
    def snapshot(self, kit: Kit) -> None:
        """Store a kit version's files (idempotent); refused when the database keeps the same
        id and version with other content."""
        with self.tx() as s:
            snap = s.get(KitSnapshot, (kit.id, kit.version))
            if snap is None:
                s.add(KitSnapshot(kit_id=kit.id, version=kit.version, digest=kit.digest, files=kit.files))
            elif snap.digest != kit.digest:
                raise ServiceError(conflict_message(kit.id, kit.version, snap.digest, "dans cette base", kit.digest, "sur ce poste"))
        self._cache.setdefault((kit.id, kit.version), kit)

    def get(self, kit_id: str, version: str) -> Kit:
        """The kit an evaluation uses: the copy this database keeps (the same files as this
        computer's version of that number, or a version received with a bundle), else this
        computer's version."""
        key = (kit_id, version)
        if key in self._cache:
            return self._cache[key]
        with self.read() as s:
            snap = s.get(KitSnapshot, key)
            kept = (snap.digest, dict(snap.files)) if snap else None
        local = self._local(kit_id, version)
        if kept is None:
            if local is None:
                raise ServiceError(
                    f"La version {version} du kit « {kit_id} » n'est pas disponible sur ce poste. "
                    "Installez-la (Fichier › Installer une version du kit…) ou mettez l'application à jour."
                )
            kit = local
        elif local is not None and local.digest == kept[0]:
            kit = local  # the same files, already parsed
        else:
            try:
                kit = load_files(kept[1])
            except KitError as exc:
                raise ServiceError(f"Le kit {kit_id} {version} enregistré est invalide :\n{exc}") from None
        self._cache[key] = kit
        return kit

    def versions(self) -> list[tuple[str, str]]:
        with self.read() as s:
            return [(k, v) for k, v in s.execute(select(KitSnapshot.kit_id, KitSnapshot.version))]

    # -- a tool added to an evaluation's kit (an XLSForm imported from the GUI) -------------------------
    def add_tool(self, evaluation_id: str, tool_id: str, tool_yaml: str, origin: str) -> str:
        """Install a new version of the evaluation's kit holding one more tool (a questionnaire
        converted from an XLSForm), validated like `kit check`, and move the evaluation to it
        (answers untouched). A questionnaire without a role gets the questionnaire role, the
        « other » respondent kind and the questionnaires chapter of the report. Returns the new
        version (the next patch number free on this computer)."""
        import yaml

        kit_id, version, _scope = self._evaluation(evaluation_id)
        current = self.get(kit_id, version)
        if tool_id in current.tools:
            raise ServiceError(
                f"Le kit de l'évaluation a déjà un outil « {tool_id} » : importez le formulaire sous un autre "
                "identifiant, ou publiez une nouvelle version du kit qui le remplace."
            )
        try:
            tool = yaml.safe_load(tool_yaml)
            manifest = yaml.safe_load(current.files["kit.yaml"])
        except yaml.YAMLError as exc:
            raise ServiceError(f"L'outil converti n'est pas un YAML lisible : {exc}") from None
        if tool.get("kind") == "questionnaire" and not tool.get("role"):
            order = 1 + max((t.report.order for t in current.tools_in_report_section("questionnaires")
                             if t.report is not None), default=0)
            tool.update(role="questionnaire", respondent_kind="other", report={"section": "questionnaires", "order": order})
        taken = {e.version for e in self.available() if e.id == kit_id} | {v for k, v in self.versions() if k == kit_id}
        parts = list(version_key(max(taken | {version}, key=version_key)))
        parts[2] += 1
        new_version = ".".join(str(p) for p in parts)
        manifest["version"] = new_version
        manifest["tools"] = [*manifest.get("tools", []), {"id": tool_id, "file": f"{tool_id}.yaml"}]
        files = dict(current.files)
        dump = lambda data: yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)  # noqa: E731
        files["kit.yaml"] = dump(manifest)
        files[f"{tool_id}.yaml"] = dump(tool)
        try:
            kit = load_files(files)
        except KitError as exc:
            raise ServiceError("Le kit avec ce questionnaire n'est pas valide :\n" + "\n".join(str(p) for p in exc.problems)) from None
        self.library.install(kit, origin, bundled_entry(self.bundled(), self.forms_dir))
        self.upgrade(evaluation_id, new_version)
        return new_version

    # -- kits from before roles ------------------------------------------------------------------------
    def upgrade_legacy(self) -> list[str]:
        """Move the evaluations whose kit copy predates tool roles (the kit shipped as 1.0.0,
        before tools declared what they are for) to the newest version of their kit on this
        computer, when that keeps every answer where it is (the 1.0.1 kit added roles and changed
        no question). Without roles, the screens, exports and privacy rules cannot find the
        kit's tools. Run when the database is opened; the ids of the evaluations moved."""
        shipped = shipped_kit(self.forms_dir)  # (id, version, digest), kept per state of the files
        with self.read() as s:
            used = s.execute(
                select(Evaluation.id, Evaluation.kit_id, Evaluation.kit_version).where(Evaluation.deleted.is_(False))
            ).all()
            if not used:
                return []
            # only copies other than the shipped kit (which has roles) have their files read
            others = [
                (k, v) for k, v, d in s.execute(select(KitSnapshot.kit_id, KitSnapshot.version, KitSnapshot.digest))
                if (k, v, d) != shipped and (k, v) in {(kit_id, version) for _e, kit_id, version in used}
            ]
            files = {
                (k.kit_id, k.version): k.files
                for k in s.scalars(select(KitSnapshot).where(
                    tuple_(KitSnapshot.kit_id, KitSnapshot.version).in_(others)))
            } if others else {}
        legacy = [eid for eid, kit_id, version in used if _predates_roles(files.get((kit_id, version)))]
        moved = []
        for eid in legacy:
            try:
                target = self._legacy_target(eid)
                if target is None:
                    log.warning("evaluation %s: kit without roles kept (moving would hide answers)", eid)
                    continue
                self.upgrade(eid, target)
                moved.append(eid)
                log.info("evaluation %s: kit without roles moved to version %s", eid, target)
            except ServiceError as exc:
                log.warning("evaluation %s: kit without roles not moved (%s)", eid, type(exc).__name__)
        return moved

    def _legacy_target(self, evaluation_id: str) -> str | None:
        """Where an evaluation of a kit without roles goes unasked: the newest version where no
        question was reworded or removed and no answer is converted (1.0.1, which added roles and
        a few letter fields, kept with the application); else the newest that hides no answer. Moving further, with answers
        converted by the kit's notes, is the user's choice, through the preview."""
        kit_id, version, _scope = self._evaluation(evaluation_id)
        found = set(self.newer_versions(evaluation_id))
        found |= {v for v in self._archived_versions(kit_id) if version_key(v) > version_key(version)}
        fallback = None
        for candidate in sorted(found, key=version_key, reverse=True):
            preview = self.upgrade_preview(evaluation_id, candidate)
            if preview.answers_hidden or preview.responses_of_removed_tools:
                continue
            counts = preview.changes.counts()
            if not (preview.answers_mapped or counts["reworded"] or counts["removed"] or counts["tools_removed"]):
                return candidate  # questions only added: nothing the user answered reads differently
            fallback = fallback or candidate
        return fallback

    # -- moving an evaluation to a newer version ------------------------------------------------------
    def newer_versions(self, evaluation_id: str) -> list[str]:
        """Versions of the evaluation's kit on this computer newer than its own, newest first."""
        ev = self._evaluation(evaluation_id)
        found = {e.version for e in self.available() if e.id == ev[0] and version_key(e.version) > version_key(ev[1])}
        return sorted(found, key=version_key, reverse=True)

    def _evaluation(self, evaluation_id: str) -> tuple[str, str, list[str]]:  # (kit id, version, scope)
        with self.read() as s:
            ev = s.get(Evaluation, evaluation_id)
            if ev is None or ev.deleted:
                raise NotFound(f"Évaluation introuvable : {evaluation_id}")
            return ev.kit_id, ev.kit_version, list(ev.scope or [])

    def _target(self, evaluation_id: str, to_version: str | None) -> tuple[Kit, Kit, list[str]]:
        kit_id, version, scope = self._evaluation(evaluation_id)
        current = self.get(kit_id, version)
        if to_version is None:
            newer = self.newer_versions(evaluation_id)
            if not newer:
                raise ServiceError(
                    f"L'évaluation utilise déjà la version la plus récente du kit présente sur ce poste ({version}). "
                    "Pour passer à une version publiée par le centre de ressources, installez-la d'abord."
                )
            to_version = newer[0]
        if version_key(to_version) <= version_key(version):
            raise ServiceError(
                f"La version {to_version} n'est pas plus récente que celle de l'évaluation ({version}) : "
                "une évaluation ne revient pas à une version antérieure du kit."
            )
        target = self._local(kit_id, to_version)
        if target is None:
            raise ServiceError(
                f"La version {to_version} du kit « {kit_id} » n'est pas installée sur ce poste "
                "(voir « evalkit kit list »)."
            )
        return current, target, scope

    def upgrade_preview(self, evaluation_id: str, to_version: str | None = None) -> UpgradePreview:
        current, target, scope = self._target(evaluation_id, to_version)
        changes = compare(current, target)
        new_questions = {tid: _question_ids(target, tid) for tid in target.tools}
        old_questions = {tid: _question_ids(current, tid) for tid in current.tools}
        notes = upgrade_notes(target, current.version)
        kept = hidden = orphans = mapped = 0
        with self.read() as s:
            rows = s.execute(select(FormResponse.tool_id, FormResponse.answers).where(
                FormResponse.evaluation_id == evaluation_id, FormResponse.deleted.is_(False)))
            for tool_id, answers in rows:
                if tool_id not in new_questions:
                    orphans += 1
                    continue
                answers, n = migrate_answers(notes, tool_id, answers or {})
                mapped += n
                for key in answers:
                    question = question_of(key)
                    if question in new_questions[tool_id]:
                        kept += 1
                    elif question in old_questions.get(tool_id, ()):
                        hidden += 1
        return UpgradePreview(evaluation_id, changes, kept, hidden, orphans, tuple(_scope_after(scope, current, target)),
                              mapped, tuple(n.note for n in notes if n.note))

    def upgrade(self, evaluation_id: str, to_version: str | None = None) -> Change:
        """Move the evaluation to a newer kit version. Answers stay as they are (by question id),
        except where the new version's migration notes (`kit.yaml` `upgrades`) rename a question
        or convert its values; tools new in that version join the evaluation's scope, tools it
        no longer has leave it."""
        current, target, scope = self._target(evaluation_id, to_version)
        self.snapshot(target)
        notes = upgrade_notes(target, current.version)
        with self.tx() as s:
            ev = s.get(Evaluation, evaluation_id)
            if ev is None or ev.deleted or ev.kit_version != current.version:
                raise ServiceError("L'évaluation a changé entre-temps : rouvrez-la puis recommencez.")
            ev.kit_version = target.version
            ev.scope = _scope_after(list(ev.scope or []), current, target)
            self.touch(ev)
            if notes:
                for rec in s.scalars(select(FormResponse).where(
                        FormResponse.evaluation_id == evaluation_id, FormResponse.deleted.is_(False))):
                    answers, n = migrate_answers(notes, rec.tool_id, rec.answers or {})
                    if n:
                        rec.answers = answers
                        self.touch(rec)
        return Change("evaluation", evaluation_id, evaluation_id, "kit_version")


_ROLE_LINE = re.compile(r"^\s*role\s*:", re.MULTILINE)


def _predates_roles(files: dict | None) -> bool:
    """A stored kit copy none of whose tools declares a role (kits from before roles existed)."""
    if not files:
        return False
    tools = [text for name, text in files.items() if name != "kit.yaml" and isinstance(text, str)]
    return bool(tools) and not any(_ROLE_LINE.search(text) for text in tools)


def _question_ids(kit: Kit, tool_id: str) -> set[str]:
    return set(tool_questions(kit.tools[tool_id])) if tool_id in kit.tools else set()


def _scope_after(scope: list[str], current: Kit, target: Kit) -> list[str]:
    return [t for t in scope if t in target.tools] + [t for t in target.tools if t not in current.tools and t not in scope]


__all__ = ["KitService", "UpgradePreview", "preview_lines", "short"]


def preview_lines(preview: UpgradePreview) -> list[str]:
    """The preview in French, one line each (the CLI prints them, the GUI shows them)."""
    c = preview.changes
    lines = [f"Passage du kit « {c.kit_id} » de la version {c.old_version} à la version {c.new_version}."]
    if c.tools_added:
        lines.append(f"Outils ajoutés ({len(c.tools_added)}), ajoutés au périmètre de l'évaluation :")
        lines += [f"  + {title} ({tid})" for tid, title in c.tools_added]
    if c.tools_removed:
        lines.append(f"Outils retirés ({len(c.tools_removed)}), retirés du périmètre :")
        lines += [f"  − {title} ({tid})" for tid, title in c.tools_removed]
    for t in c.tools:
        lines.append(f"{t.title} ({t.tool_id}) :")
        lines += [f"  + question ajoutée : « {label} » ({qid})" for qid, label in t.added]
        lines += [f"  − question retirée : « {label} » ({qid})" for qid, label in t.removed]
        lines += [f"  ~ question reformulée ({r.id}) : « {r.old} » → « {r.new} »" for r in t.reworded]
    if not (c.tools_added or c.tools_removed or c.tools):
        lines.append("Aucune question ajoutée, retirée ni reformulée.")
    counts = c.counts()
    lines.append(
        f"En tout : {counts['added']} question(s) ajoutée(s), {counts['removed']} retirée(s), "
        f"{counts['reworded']} reformulée(s)."
    )
    lines.append(f"Réponses conservées (par identifiant de question) : {preview.answers_kept}.")
    if preview.notes:
        lines.append("Notes de migration du kit :")
        lines += [f"  • {note}" for note in preview.notes]
    if preview.answers_mapped:
        lines.append(
            f"Réponses converties selon ces notes (question renommée ou valeurs transposées) : {preview.answers_mapped}."
        )
    if preview.answers_hidden:
        lines.append(
            f"Réponses à des questions retirées : {preview.answers_hidden} (gardées dans la base, plus affichées)."
        )
    if preview.responses_of_removed_tools:
        lines.append(
            f"Fiches remplies d'outils retirés : {preview.responses_of_removed_tools} (gardées dans la base, plus affichées)."
        )
    return lines
