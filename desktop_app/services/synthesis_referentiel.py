"""The référentiel: its form response (one per evaluation), the matrix of its indicators, and the
evidence linked to them (its own table, `EvidenceLink`) among what the evaluation recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from desktop_app.core.identifiers import format_date_fr
from desktop_app.core.indicators import (
    ActionFigures,
    ComputedValue,
    answer_keys,
    compute_all,
    needs_programmation,
    source_tools,
)
from desktop_app.core.referentiel import EVIDENCE_KINDS, Matrix, build_matrix
from desktop_app.kit.loader import Kit
from desktop_app.services.base import Change, NotFound, ServiceError
from desktop_app.services.fieldwork_commitments import COLUMN_ROLES
from desktop_app.services.forms import ResponseData
from desktop_app.services.synthesis_base import OWN_ROLES, SynthesisBase, role_tool
from desktop_app.store.models import FormResponse
from desktop_app.store.models_synthesis import EvidenceLink

__all__ = ["EVIDENCE_KINDS", "EvidenceCandidate", "EvidenceData", "ReferentielService"]

# The step a tool belongs to -> the evidence kind of its responses
_STEP_KIND = {"ateliers": "atelier", "terrain": "terrain", "questionnaires": "questionnaire", "actions": "actions"}


@dataclass(frozen=True)
class SourceAnswers:
    """A response of a tool the indicators compute from, with only the answers they can read."""

    tool_id: str
    answers: dict
    updated_at: datetime | None


@dataclass(frozen=True)
class CommitmentRows:
    """The commitments as the indicators read a tool's response (`core.indicators.ResponseLike`)."""

    tool_id: str
    answers: dict
    updated_at: datetime | None


@dataclass(frozen=True)
class EvidenceData:
    id: str
    indicator_id: str
    target_type: str
    target_id: str
    label: str
    note: str
    kind: str  # key of EVIDENCE_KINDS
    available: bool  # False when the target was deleted since


@dataclass(frozen=True)
class EvidenceCandidate:
    target_type: str  # "form_response" | "attachment" | "questionnaire_results"
    target_id: str
    kind: str
    label: str
    detail: str = ""


class ReferentielService(SynthesisBase):
    def referentiel(self, evaluation_id: str) -> ResponseData:
        """The référentiel's form response (created on first use)."""
        return self._single(evaluation_id, self.referentiel_tool(evaluation_id))

    def referentiel_tool(self, evaluation_id: str) -> str:
        """The id of the kit's référentiel (role referential)."""
        return role_tool(self.kit(evaluation_id), "referential", "référentiel")

    def matrix(self, evaluation_id: str, values: dict[str, ComputedValue] | None = None) -> Matrix:
        """The matrix of the référentiel; `values`: the indicators computed earlier (a screen
        computes them once per visit, `indicator_values`), computed here when not given."""
        kit = self.kit(evaluation_id)
        ref = role_tool(kit, "referential", "référentiel")
        tool = kit.tool(ref)
        found = self._find_single(evaluation_id, ref)
        answers = found.answers if found else {}
        themes = {c.value: c.label for cl in kit.manifest.choice_lists for c in cl.choices}
        if values is None:
            values = self.indicator_values(evaluation_id)
        return build_matrix(tool, answers, themes, self.evidence_counts(evaluation_id), values)

    def unexplained_overrides(self, evaluation_id: str) -> list[str]:
        """The indicators whose typed value or appreciation departs from the computation without
        a reason (`<indicator>.motif_ajustement`): listed before « Fiche complète », as anything
        else missing."""
        return [
            f"Indicateur {c.code} « {c.label} » : écart avec la valeur calculée sans motif"
            for c in self.matrix(evaluation_id).cells
            if c.overridden and not c.override_reason
        ]

    def indicator_values(self, evaluation_id: str) -> dict[str, ComputedValue]:
        """{indicator id: value computed from the evaluation's data} for the indicators whose
        YAML says how (`compute:`): the answers of the questionnaires and of the commitments
        tracker (drafts included, as in the results), the programmation's actions."""
        kit = self.kit(evaluation_id)
        ref = kit.tool_id_for_role("referential")
        if ref is None:
            return {}
        tool = kit.tool(ref)
        responses: list = []
        for tool_id in sorted(source_tools(tool)):
            if tool_id not in kit.tools:
                continue
            found = self._source_answers(evaluation_id, tool_id, answer_keys(kit, tool, tool_id))
            if kit.role_of(tool_id) == "commitments":
                found = [self._commitment_rows(evaluation_id, tool_id, found)]
            responses += found
        actions = None
        if needs_programmation(tool):
            actions = [
                ActionFigures(a.budget, len(a.funders), a.multi_year, a.years_funded, a.beneficiaries, a.qpv_share)
                for a in self.services.actions.for_figures(evaluation_id)
            ]
        return compute_all(kit, tool, responses, actions)

    def _source_answers(self, evaluation_id: str, tool_id: str, keys: set[str]) -> list[SourceAnswers]:
        """The tool's responses (drafts included), in `forms.find`'s order, each holding only
        the answers in `keys`: decoded one row at a time and trimmed at once (at scale the whole
        answers of 1,600 questionnaires held together were some 25 MB at the session's peak)."""
        stmt = (
            select(FormResponse.tool_id, FormResponse.answers, FormResponse.updated_at)
            .where(FormResponse.evaluation_id == evaluation_id, FormResponse.deleted.is_(False),
                   FormResponse.tool_id == tool_id)
            .order_by(FormResponse.position, FormResponse.created_at)
            .execution_options(yield_per=200)  # decoded as they are fetched, not all first
        )
        with self.read() as s:
            return [
                SourceAnswers(tid, {k: v for k, v in (answers or {}).items() if k in keys}, updated_at)
                for tid, answers, updated_at in s.execute(stmt)
            ]

    def _commitment_rows(self, evaluation_id: str, tool_id: str, found: list) -> CommitmentRows:
        """The commitments tracker as one response whose list holds every commitment of the
        table (the table is the record; the tool's response mirrors it only once it exists)."""
        form = self.form(evaluation_id, tool_id)
        group = next((f for p in form.pages for f in p.fields if f.role == "commitment_rows"), None)
        dated = [r.updated_at for r in found if r.updated_at is not None]
        if group is None:
            return CommitmentRows(tool_id, {}, max(dated, default=None))
        by_role = {c.role: c.id for c in group.children if c.role}
        keys = {column: by_role[role] for column, role in COLUMN_ROLES.items() if role in by_role}
        rows = [
            {key: c.value(column) for column, key in keys.items() if c.value(column)}
            for c in self.services.commitments.commitments(evaluation_id)
        ]
        return CommitmentRows(tool_id, {group.id: rows}, max(dated, default=None))

    def evidence_counts(self, evaluation_id: str) -> dict[str, int]:
        """{indicator id: number of evidence links} (one query; targets are not looked up)."""
        with self.read() as s:
            return dict(s.execute(
                select(EvidenceLink.indicator_id, func.count()).where(
                    EvidenceLink.evaluation_id == evaluation_id, EvidenceLink.deleted.is_(False)
                ).group_by(EvidenceLink.indicator_id)
            ).all())

    def _target_ids(self, evaluation_id: str) -> set[str]:
        """Ids of the référentiel's indicators and questions (they do not depend on the answers)."""
        kit = self.kit(evaluation_id)
        matrix = build_matrix(kit.tool(role_tool(kit, "referential", "référentiel")), {}, {}, {})
        return {q.id for q in matrix.questions} | {c.id for q in matrix.questions for c in q.cells}

    def referentiel_targets(self, evaluation_id: str) -> dict[str, str]:
        """{indicator or question id: "1.2.a Label"} of the référentiel (what evidence can back)."""
        matrix = self.matrix(evaluation_id, {})  # labels only: nothing to compute
        out = {}
        for q in matrix.questions:
            out[q.id] = f"{q.number}. {q.theme} (question d'ensemble)"
            for cell in q.cells:
                out[cell.id] = f"{cell.code} {cell.label}"
        return out

    def evidence(self, evaluation_id: str, indicator_id: str | None = None) -> list[EvidenceData]:
        stmt = select(EvidenceLink).where(EvidenceLink.evaluation_id == evaluation_id, EvidenceLink.deleted.is_(False))
        if indicator_id is not None:
            stmt = stmt.where(EvidenceLink.indicator_id == indicator_id)
        with self.read() as s:
            links = list(s.scalars(stmt.order_by(EvidenceLink.position, EvidenceLink.created_at)))
            rows = [(r.id, r.indicator_id, r.target_type, r.target_id, r.label, r.note) for r in links]
        if not rows:
            return []
        candidates = self._candidates_for(evaluation_id, {(r[2], r[3]) for r in rows})
        out = []
        for rid, ind, ttype, tid, label, note in rows:
            cand = candidates.get((ttype, tid))
            out.append(
                EvidenceData(
                    rid, ind, ttype, tid, cand.label if cand else label, note,
                    cand.kind if cand else ("document" if ttype == "attachment" else "autre"), cand is not None,
                )
            )
        return out

    def evidence_candidates(self, evaluation_id: str) -> list[EvidenceCandidate]:
        """What is recorded in the app and can back up an indicator: workshops, immersions,
        testimonies, questionnaire answers and results, actions' grids, documents."""
        kit = self.kit(evaluation_id)
        out: list[EvidenceCandidate] = []
        by_tool: dict[str, int] = {}
        for r in self.services.forms.headers(evaluation_id):
            cand = self._response_candidate(kit, r)
            if cand is not None:
                by_tool[r.tool_id] = by_tool.get(r.tool_id, 0) + 1
                out.append(cand)
        for tool_id, n in by_tool.items():
            cand = self._results_candidate(kit, tool_id, n)
            if cand is not None:
                out.append(cand)
        for a in self.services.attachments.list(evaluation_id):
            out.append(EvidenceCandidate("attachment", a.id, "document", a.caption or a.filename, a.filename))
        order = list(EVIDENCE_KINDS)
        out.sort(key=lambda c: (order.index(c.kind) if c.kind in order else 99, c.label.casefold()))
        return out

    @staticmethod
    def _response_candidate(kit: Kit, r) -> EvidenceCandidate | None:
        """A form response (`ResponseHeader`) as evidence; None for the synthesis' own tools."""
        if r.tool_id not in kit.tools or kit.role_of(r.tool_id) in OWN_ROLES:
            return None
        tool = kit.tool(r.tool_id)
        kind = _STEP_KIND.get(tool.step, "autre")
        name = tool.short_title or tool.title
        label = r.label if r.label and r.label.casefold().startswith(name.casefold()) else (f"{name} — {r.label}" if r.label else name)
        return EvidenceCandidate("form_response", r.id, kind, label, format_date_fr(r.updated_at.date()))

    @staticmethod
    def _results_candidate(kit: Kit, tool_id: str, n: int) -> EvidenceCandidate | None:
        if tool_id not in kit.tools or kit.role_of(tool_id) in OWN_ROLES or not n:
            return None
        tool = kit.tool(tool_id)
        if tool.kind != "questionnaire":
            return None
        return EvidenceCandidate(
            "questionnaire_results", tool_id, "resultats", f"Résultats — {tool.short_title or tool.title}", f"{n} réponse(s)"
        )

    def _candidates_for(self, evaluation_id: str, keys: set[tuple[str, str]]) -> dict[tuple[str, str], EvidenceCandidate]:
        """The candidates among `keys` ((target type, target id)) that still exist: the same as
        `evidence_candidates` gives for them, reading only those records."""
        kit = self.kit(evaluation_id)
        out: dict[tuple[str, str], EvidenceCandidate] = {}
        response_ids = [tid for ttype, tid in keys if ttype == "form_response"]
        if response_ids:
            for r in self.services.forms.headers(evaluation_id, ids=response_ids):
                cand = self._response_candidate(kit, r)
                if cand is not None:
                    out[("form_response", r.id)] = cand
        if any(ttype == "questionnaire_results" for ttype, _ in keys):
            counts = self.services.forms.count_by_tool(evaluation_id)
            for ttype, tid in keys:
                cand = self._results_candidate(kit, tid, counts.get(tid, 0)) if ttype == "questionnaire_results" else None
                if cand is not None:
                    out[(ttype, tid)] = cand
        if any(ttype == "attachment" for ttype, _ in keys):
            for a in self.services.attachments.list(evaluation_id):
                if ("attachment", a.id) in keys:
                    out[("attachment", a.id)] = EvidenceCandidate("attachment", a.id, "document", a.caption or a.filename, a.filename)
        return out

    def add_evidence(
        self, evaluation_id: str, indicator_id: str, target_type: str, target_id: str, label: str = "", note: str = ""
    ) -> Change:
        if indicator_id not in self._target_ids(evaluation_id):
            raise ServiceError(f"Indicateur inconnu dans le référentiel : {indicator_id}")
        if not label:
            cand = self._candidates_for(evaluation_id, {(target_type, target_id)}).get((target_type, target_id))
            if cand is None:
                raise ServiceError("Cet élément n'existe pas (ou plus) dans l'évaluation.")
            label = cand.label
        with self.tx() as s:
            dup = s.scalar(
                select(EvidenceLink).where(
                    EvidenceLink.evaluation_id == evaluation_id, EvidenceLink.indicator_id == indicator_id,
                    EvidenceLink.target_type == target_type, EvidenceLink.target_id == target_id,
                    EvidenceLink.deleted.is_(False),
                )
            )
            if dup is not None:
                raise ServiceError("Cette preuve est déjà liée à cet indicateur.")
            count = len(list(s.scalars(select(EvidenceLink.id).where(EvidenceLink.evaluation_id == evaluation_id))))
            rec = EvidenceLink(
                evaluation_id=evaluation_id, indicator_id=indicator_id, target_type=target_type,
                target_id=target_id, label=label[:300], note=note, position=count,
            )
            self.stamp_new(rec)
            s.add(rec)
            s.flush()
            return Change("evidence_link", rec.id, evaluation_id, indicator_id)

    def remove_evidence(self, link_id: str) -> Change:
        with self.tx() as s:
            rec = s.get(EvidenceLink, link_id)
            if rec is None or rec.deleted:
                raise NotFound("Ce lien de preuve n'existe plus.")
            rec.deleted = True
            self.touch(rec)
            return Change("evidence_link", rec.id, rec.evaluation_id, rec.indicator_id)

    # ------------------------------------------------------------------ side navigation
    def step_states(self, evaluation_id: str) -> dict:
        """What the side navigation says of the référentiel step."""
        from desktop_app.core.steps import StepState

        kit = self.kit(evaluation_id)
        scope = set(self.scope(evaluation_id))
        out = {}
        ref = kit.tool_id_for_role("referential")
        if ref is not None and ref in scope:
            found = self._find_single(evaluation_id, ref)
            m = build_matrix(kit.tool(ref), found.answers if found else {})
            detail = f"{m.filled}/{m.total} indicateurs renseignés"
            state = "a_faire" if not m.filled else ("termine" if found and found.status == "complete" else "en_cours")
            out["referentiel"] = StepState("referentiel", state, detail)
        return out
