"""Importing filled questionnaire workbooks: plan (read, check, decide), then commit.

`plan_imports` reads and checks files without writing anything and says, per file, whether it
creates a response, updates one or is refused.

One response per respondent and questionnaire, as the template promises (« la dernière version
remplace la précédente »): a file updates the response it created before (same file token or same
content, same respondent); otherwise, when the respondent already has a response (typed in the
application, or imported from another file), the file's answers replace it and the outcome names
the response replaced (`replaces`). The same respondent twice in one batch: the later file
replaces what the earlier one imported (the same file twice: one response, the second
« aucun changement »). With `keep_both`, a file whose respondent already has a response makes a
second one instead, flagged as a duplicate to settle in the application. Re-importing identical
answers changes nothing (no revision, no new timestamp).
`commit_imports` writes what the user accepted, one transaction per file, logs it in
`questionnaire_imports` and keeps a copy of the file with the response (attachments).
A file with errors is refused unless its valid answers are explicitly accepted (`partial`).

Mixed into `QuestionnaireService`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import func, select

from desktop_app.core.questionnaire_respondents import Respondent, same_respondent
from desktop_app.services.base import ServiceError
from desktop_app.services.questionnaire_import import Analysis, Target, analyse, read_workbook
from desktop_app.store.models import Evaluation, FormResponse
from desktop_app.store.models_questionnaires import QuestionnaireImport

ProgressFn = Callable[[int, int, str], None]


@dataclass(frozen=True)
class FilePlan:
    """What importing one file will do; `action`: create | update | refuse."""

    analysis: Analysis
    action: str
    response_id: str | None = None
    duplicate_of: tuple[str, ...] = ()  # labels of the respondent's other responses
    replaces: str = ""  # the response this file replaces (another source for the same respondent)
    after: int | None = None  # index of an earlier file of the batch for the same respondent

    @property
    def file_name(self) -> str:
        return self.analysis.file_name

    @property
    def reason(self) -> str:
        return self.analysis.refused or ""


@dataclass(frozen=True)
class FileOutcome:
    file_name: str
    status: str  # imported | updated | refused
    tool_title: str = ""
    respondent: str = ""
    response_id: str | None = None
    reason: str = ""
    partial: bool = False  # only the valid answers were imported
    unchanged: bool = False
    duplicate: bool = False
    replaced: str = ""  # the response whose answers this file replaced
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def status_label(self) -> str:
        label = {"imported": "importé", "updated": "mis à jour", "refused": "refusé"}.get(self.status, "refusé")
        if self.partial:
            label += " (réponses valides seulement)"
        if self.unchanged:
            label += " (aucun changement)"
        return label


class ExcelImportMixin:
    # ------------------------------------------------------------------ Excel import

    def target(self, evaluation_id: str, expected_tool: str | None = None) -> Target:
        summary = self.services.evaluations.get(evaluation_id)
        forms = self.forms(evaluation_id)
        if expected_tool and expected_tool not in forms:
            raise ServiceError(f"Le questionnaire « {expected_tool} » n'existe pas dans le kit de cette évaluation.")
        return Target(evaluation_id, summary.display_name, summary.kit_id, summary.kit_version, forms, expected_tool,
                      earlier=lambda kit_id, version, tool_id: self._earlier_form(evaluation_id, kit_id, version, tool_id))

    def _earlier_form(self, evaluation_id: str, kit_id: str, version: str, tool_id: str):
        """A questionnaire as an earlier kit version this database keeps had it, and the
        evaluation's kit's upgrade notes from that version (None when either is missing)."""
        from desktop_app.kit.compare import upgrade_notes, version_key
        from desktop_app.kit.forms import compile_tool

        current = self._kit(evaluation_id)
        try:
            if version_key(version) >= version_key(current.version):
                return None
            old = self.services.kits.get(kit_id, version)
        except (ServiceError, ValueError):
            return None
        if tool_id not in old.tools:
            return None
        return compile_tool(old, tool_id), upgrade_notes(current, version)

    def plan_imports(
        self, evaluation_id: str, paths: Sequence[str | Path], expected_tool: str | None = None,
        progress: ProgressFn | None = None, keep_both: bool = False,
    ) -> list[FilePlan]:
        """Read and check every file; nothing is written."""
        target = self.target(evaluation_id, expected_tool)
        plans = []
        for n, path in enumerate(paths):
            if progress:
                progress(n, len(paths), f"Lecture de « {Path(path).name} »…")
            analysis = analyse(read_workbook(path), target)
            plans.append(self._plan(evaluation_id, analysis, target, keep_both))
        if progress:
            progress(len(paths), len(paths), "")
        # the same respondent twice in one batch: the later file replaces what the earlier imported
        seen: list[tuple[Respondent, str, int]] = []
        out = []
        for i, plan in enumerate(plans):
            a = plan.analysis
            if plan.action != "refuse" and a.respondent is not None:
                earlier = [n for who, tool, n in seen if tool == a.tool_id and same_respondent(who, a.respondent)]
                if earlier and keep_both:
                    names = tuple(f"fichier « {plans[n].file_name} »" for n in earlier)
                    plan = replace(plan, duplicate_of=plan.duplicate_of + names)
                elif earlier:
                    plan = replace(plan, after=earlier[-1])
                seen.append((a.respondent, a.tool_id, i))
            out.append(plan)
        return out

    def _plan(self, evaluation_id: str, a: Analysis, target: Target, keep_both: bool = False) -> FilePlan:
        if a.refused or a.respondent is None:
            return FilePlan(a, "refuse")
        form = target.forms[a.tool_id]
        with self.read() as s:
            records = {r.id: r for r in self._records(s, evaluation_id, a.tool_id)}
            logs = list(s.scalars(select(QuestionnaireImport).where(
                QuestionnaireImport.evaluation_id == evaluation_id, QuestionnaireImport.tool_id == a.tool_id,
                QuestionnaireImport.deleted.is_(False),
            ).order_by(QuestionnaireImport.created_at.desc())))
        for log in logs:
            same_file = (a.token and log.file_token == a.token) or log.file_sha256 == a.sha256
            rec = records.get(log.response_id)
            if same_file and rec is not None and same_respondent(self._respondent(form, rec), a.respondent):
                return FilePlan(a, "update", rec.id)
        same = [rec for rec in records.values() if same_respondent(self._respondent(form, rec), a.respondent)]
        if same and not keep_both:  # one response per respondent: the file's answers replace the latest
            latest = max(same, key=lambda r: (r.updated_at, r.revision))
            others = tuple(self._respondent(form, rec).label for rec in same if rec is not latest)
            return FilePlan(a, "update", latest.id, others, replaces=_describe(latest, logs))
        return FilePlan(a, "create", None, tuple(self._respondent(form, rec).label for rec in same))

    def commit_imports(
        self, evaluation_id: str, plans: Sequence[FilePlan], partial: bool | Iterable[str] = False, progress: ProgressFn | None = None
    ) -> list[FileOutcome]:
        """Write the planned files. `partial`: True, or the names of the files with errors whose
        valid answers the user chose to import; other files with errors are refused."""
        allowed = set(partial) if not isinstance(partial, bool) else set()
        outcomes: list[FileOutcome] = []
        for n, plan in enumerate(plans):
            if progress:
                progress(n, len(plans), f"Import de « {plan.file_name} »…")
            if plan.after is not None and plan.action != "refuse":
                # an earlier file of the batch for the same respondent: replace what it wrote
                earlier = outcomes[plan.after] if plan.after < len(outcomes) else None
                if earlier is not None and earlier.response_id:
                    plan = replace(plan, action="update", response_id=earlier.response_id,
                                   replaces=f"la réponse du fichier « {earlier.file_name} »")
            outcomes.append(self._commit(evaluation_id, plan, partial is True or plan.file_name in allowed))
        if progress:
            progress(len(plans), len(plans), "")
        return outcomes

    def import_files(
        self, evaluation_id: str, paths: Sequence[str | Path], partial: bool = False,
        expected_tool: str | None = None, progress: ProgressFn | None = None, keep_both: bool = False,
    ) -> list[FileOutcome]:
        plans = self.plan_imports(evaluation_id, paths, expected_tool, keep_both=keep_both)
        return self.commit_imports(evaluation_id, plans, partial, progress)

    def _commit(self, evaluation_id: str, plan: FilePlan, partial: bool) -> FileOutcome:
        a = plan.analysis
        texts = dict(
            errors=tuple(i.text for i in a.errors), warnings=tuple(i.text for i in a.warnings),
            notes=tuple(i.text for i in a.issues if i.level == "info"),
        )
        who = a.respondent.label if a.respondent else ""
        if plan.action == "refuse":
            return FileOutcome(a.file_name, "refused", a.tool_title, who, reason=a.refused or "", **texts)
        if a.has_errors and not partial:
            n = len(a.errors)
            return FileOutcome(
                a.file_name, "refused", a.tool_title, who,
                reason=f"{n} erreur{'s' if n > 1 else ''} : rien n'est importé (importez les réponses valides seulement si vous le souhaitez).",
                **texts,
            )
        assert a.respondent is not None
        status = "complete" if a.complete and not a.has_errors else "draft"
        unchanged = False
        with self.tx() as s:
            ev = s.get(Evaluation, evaluation_id)
            rec = s.get(FormResponse, plan.response_id) if plan.response_id else None
            if rec is not None and rec.deleted:
                rec = None
            if rec is None:
                position = s.scalar(select(func.coalesce(func.max(FormResponse.position), -1)).where(
                    FormResponse.evaluation_id == evaluation_id, FormResponse.tool_id == a.tool_id)) + 1
                rec = FormResponse(evaluation_id=evaluation_id, tool_id=a.tool_id, kit_version=ev.kit_version, position=position)
                self.stamp_new(rec)
                s.add(rec)
                outcome = "imported"
            else:
                unchanged = (
                    dict(rec.answers or {}) == a.answers and rec.status == status
                    and (rec.subject_type, rec.subject_id, rec.label)
                    == (a.respondent.respondent_type, a.respondent.subject_id, a.respondent.label)
                )
                if not unchanged:  # identical content keeps its revision and its date
                    self.touch(rec)
                outcome = "updated"
            if not unchanged:
                rec.subject_type = a.respondent.respondent_type
                rec.subject_id = a.respondent.subject_id
                rec.label = a.respondent.label
                rec.answers = dict(a.answers)
                rec.status = status
            s.flush()
            log = QuestionnaireImport(
                evaluation_id=evaluation_id, tool_id=a.tool_id, response_id=rec.id, subject_id=rec.subject_id,
                file_name=a.file_name[:255], file_sha256=a.sha256, file_token=a.token[:36],
                outcome="partial" if a.has_errors else outcome, errors=len(a.errors), warnings=len(a.warnings),
                messages=[i.text for i in a.issues],
            )
            self.stamp_new(log)
            s.add(log)
            response_id = rec.id
        self._attach(evaluation_id, response_id, a)
        return FileOutcome(
            a.file_name, outcome, a.tool_title, who, response_id, partial=a.has_errors, unchanged=unchanged,
            duplicate=bool(plan.duplicate_of) and outcome == "imported",
            replaced=plan.replaces if outcome == "updated" and not unchanged else "", **texts,
        )

    def _attach(self, evaluation_id: str, response_id: str, a: Analysis) -> None:
        """Keep the imported file with the response (once per content)."""
        attachments = self.services.attachments
        try:
            if any(x.sha256 == a.sha256 for x in attachments.list(evaluation_id, response_id)):
                return
            attachments.add_file(evaluation_id, "form_response", response_id, a.path, caption="Fichier Excel importé")
        except (ServiceError, OSError):
            pass  # the answers are imported; the copy of the file is a convenience


def _describe(rec: FormResponse, logs: Sequence[QuestionnaireImport]) -> str:
    """How a report names a response a file replaces: where it came from and when."""
    when = rec.updated_at.astimezone().strftime("%d/%m/%Y à %H:%M") if rec.updated_at else ""
    log = next((x for x in logs if x.response_id == rec.id), None)
    source = f"importée du fichier « {log.file_name} »" if log is not None else "saisie dans l'application"
    return f"la réponse {source}" + (f", modifiée le {when}" if when else "")
