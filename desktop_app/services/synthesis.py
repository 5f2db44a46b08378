"""The synthesis area's use cases: référentiel (with its evidence), conseils citoyens, maturity
scales and the partners' letter.

Answers live in form responses (`services.forms`); this service knows which response holds what
(the référentiel and the maturity scales: one per evaluation; the conseils citoyens' tools: one
per QPV of the Cadrage, subject_type "qpv") and computes the results with `desktop_app.core`.
The evidence linked to the référentiel's indicators is its own table (`EvidenceLink`).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from desktop_app.core.councils import ChecklistRow, GapSummary, checklist_rows, gap_column, gap_summary
from desktop_app.core.french import long_date, month_year, with_article  # noqa: F401  (re-exported)
from desktop_app.core.identifiers import format_date_fr
from desktop_app.core.maturity import MaturityResult, compute_maturity
from desktop_app.core.referentiel import EVIDENCE_KINDS, Matrix, build_matrix
from desktop_app.kit.forms import Form, compile_tool
from desktop_app.kit.loader import Kit
from desktop_app.services.base import Change, NotFound, ServiceBase, ServiceError
from desktop_app.services.forms import ResponseData
from desktop_app.services.letters import LetterBatch
from desktop_app.store.models_synthesis import EvidenceLink

# The synthesis' own tools, found by role in the kit (their responses are not evidence).
OWN_ROLES = ("referential", "letter", "council_tool", "maturity_scale")


def council_tools(kit: Kit) -> tuple[str, ...]:
    """The tools filled for each conseil citoyen, in kit order."""
    return kit.tool_ids_with_role("council_tool")


def maturity_tools(kit: Kit) -> tuple[str, ...]:
    return kit.tool_ids_with_role("maturity_scale")


def gap_tool(kit: Kit) -> str | None:
    """The council tool whose gaps between rule and practice make the council's summary."""
    return next((t.id for t in kit.tools_with_role("council_tool") if gap_column(t)), None)


def _role_tool(kit: Kit, role: str, what: str) -> str:
    tool_id = kit.tool_id_for_role(role)
    if tool_id is None:
        raise ServiceError(f"Le kit {kit.id} {kit.version} de cette évaluation n'a pas de {what}.")
    return tool_id

# The step a tool belongs to -> the evidence kind of its responses
_STEP_KIND = {"ateliers": "atelier", "terrain": "terrain", "questionnaires": "questionnaire", "actions": "actions"}


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


@dataclass(frozen=True)
class Council:
    qpv_id: str
    code: str
    name: str
    communes: str
    responses: dict[str, ResponseData | None]
    gaps: GapSummary | None

    @property
    def started(self) -> bool:
        return any(self.responses.values())

    @property
    def title(self) -> str:
        return f"Conseil citoyen — {self.name}" if self.name else f"Conseil citoyen — {self.code}"


class SynthesisService(ServiceBase):
    def __init__(self, services):  # the app's `Services`
        super().__init__(services.store)
        self.services = services
        self.clock: Callable[[], _dt.date] = _dt.date.today  # "today" of the letters; tests set it

    # ------------------------------------------------------------------ kit
    def kit(self, evaluation_id: str) -> Kit:
        summary = self.services.evaluations.get(evaluation_id)
        return self.services.kits.get(summary.kit_id, summary.kit_version)

    def form(self, evaluation_id: str, tool_id: str) -> Form:
        kit = self.kit(evaluation_id)
        if tool_id not in kit.tools:
            raise ServiceError(f"L'outil « {tool_id} » n'existe pas dans le kit {kit.version}.")
        return compile_tool(kit, tool_id)

    def scope(self, evaluation_id: str) -> list[str]:
        return list(self.services.evaluations.cadrage(evaluation_id).fields.get("scope") or [])

    def in_scope(self, evaluation_id: str, tool_id: str) -> bool:
        return tool_id in self.scope(evaluation_id)

    def _single(self, evaluation_id: str, tool_id: str) -> ResponseData:
        kit = self.kit(evaluation_id)
        tool = kit.tool(tool_id)
        return self.services.forms.get_or_create(evaluation_id, tool_id, "evaluation", "", tool.short_title or tool.title)

    def _find_single(self, evaluation_id: str, tool_id: str) -> ResponseData | None:
        found = self.services.forms.find(evaluation_id, tool_id, "evaluation", "")
        return found[0] if found else None

    # ------------------------------------------------------------------ référentiel
    def referentiel(self, evaluation_id: str) -> ResponseData:
        """The référentiel's form response (created on first use)."""
        return self._single(evaluation_id, self.referentiel_tool(evaluation_id))

    def referentiel_tool(self, evaluation_id: str) -> str:
        """The id of the kit's référentiel (role referential)."""
        return _role_tool(self.kit(evaluation_id), "referential", "référentiel")

    def letter_tool(self, evaluation_id: str) -> str | None:
        """The id of the kit's letter to partners (role letter), None when the kit has none."""
        return self.kit(evaluation_id).tool_id_for_role("letter")

    def council_tools(self, evaluation_id: str) -> tuple[str, ...]:
        return council_tools(self.kit(evaluation_id))

    def maturity_tools(self, evaluation_id: str) -> tuple[str, ...]:
        return maturity_tools(self.kit(evaluation_id))

    def gap_tool(self, evaluation_id: str) -> str | None:
        return gap_tool(self.kit(evaluation_id))

    def matrix(self, evaluation_id: str) -> Matrix:
        kit = self.kit(evaluation_id)
        ref = _role_tool(kit, "referential", "référentiel")
        tool = kit.tool(ref)
        found = self._find_single(evaluation_id, ref)
        answers = found.answers if found else {}
        themes = {c.value: c.label for cl in kit.manifest.choice_lists for c in cl.choices}
        return build_matrix(tool, answers, themes, self.evidence_counts(evaluation_id))

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
        matrix = build_matrix(kit.tool(_role_tool(kit, "referential", "référentiel")), {}, {}, {})
        return {q.id for q in matrix.questions} | {c.id for q in matrix.questions for c in q.cells}

    def referentiel_targets(self, evaluation_id: str) -> dict[str, str]:
        """{indicator or question id: "1.2.a Label"} of the référentiel (what evidence can back)."""
        matrix = self.matrix(evaluation_id)
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

    # ------------------------------------------------------------------ conseils citoyens
    def councils(self, evaluation_id: str) -> list[Council]:
        """One entry per QPV of the Cadrage, with its council's responses (None: not begun)."""
        qpvs = self.services.evaluations.rows("qpv", evaluation_id)
        kit = self.kit(evaluation_id)
        tools = council_tools(kit)
        responses = [r for r in self.services.forms.find(evaluation_id, subject_type="qpv") if r.tool_id in tools]
        gaps_tool = gap_tool(kit)
        auto_form = compile_tool(kit, gaps_tool) if gaps_tool else None
        out = []
        for q in qpvs:
            mine = {t: next((r for r in responses if r.subject_id == q["id"] and r.tool_id == t), None) for t in tools}
            auto = mine.get(gaps_tool) if gaps_tool else None
            gaps = gap_summary(kit.tool(gaps_tool), auto_form, auto.answers) if auto and auto_form else None
            out.append(Council(q["id"], q.get("code", ""), q.get("name", ""), q.get("communes", ""), mine, gaps))
        return out

    def council(self, evaluation_id: str, qpv_id: str) -> Council:
        for c in self.councils(evaluation_id):
            if c.qpv_id == qpv_id:
                return c
        raise NotFound("Ce quartier n'existe plus dans le Cadrage.")

    def start_council(self, evaluation_id: str, qpv_id: str) -> Change:
        """Open the conseil citoyen's tools (those in the evaluation's scope) for this QPV."""
        council = self.council(evaluation_id, qpv_id)
        scope = self.scope(evaluation_id)
        tools = [t for t in self.council_tools(evaluation_id) if t in scope]
        if not tools:
            raise ServiceError("Aucun outil « Conseils citoyens » n'est retenu dans le périmètre de l'évaluation (Cadrage).")
        first = None
        for t in tools:
            r = self.council_response(evaluation_id, qpv_id, t, council=council)
            first = first or r.id
        return Change("form_response", first or "", evaluation_id, "council")

    def council_response(self, evaluation_id: str, qpv_id: str, tool_id: str, council: Council | None = None) -> ResponseData:
        if tool_id not in self.council_tools(evaluation_id):
            raise ServiceError(f"Outil inconnu pour un conseil citoyen : {tool_id}")
        council = council or self.council(evaluation_id, qpv_id)
        return self.services.forms.get_or_create(evaluation_id, tool_id, "qpv", qpv_id, council.title)

    def council_rows(self, evaluation_id: str, qpv_id: str, tool_id: str) -> list[ChecklistRow]:
        kit = self.kit(evaluation_id)
        found = self.services.forms.find(evaluation_id, tool_id, "qpv", qpv_id)
        answers = found[0].answers if found else {}
        return checklist_rows(kit.tool(tool_id), compile_tool(kit, tool_id), answers)

    # ------------------------------------------------------------------ maturity
    def maturity_response(self, evaluation_id: str, tool_id: str) -> ResponseData:
        if tool_id not in self.maturity_tools(evaluation_id):
            raise ServiceError(f"Échelle de maturité inconnue : {tool_id}")
        return self._single(evaluation_id, tool_id)

    def maturity(self, evaluation_id: str, tool_id: str, answers: dict | None = None) -> MaturityResult:
        """The result of a maturity scale (from the stored answers, or from `answers` given)."""
        if tool_id not in self.maturity_tools(evaluation_id):
            raise ServiceError(f"Échelle de maturité inconnue : {tool_id}")
        tool = self.kit(evaluation_id).tool(tool_id)
        if answers is None:
            found = self._find_single(evaluation_id, tool_id)
            answers = found.answers if found else {}
        return compute_maturity(tool, answers)

    # ------------------------------------------------------------------ letters
    def letter_options(self, evaluation_id: str) -> ResponseData:
        return self._single(evaluation_id, _role_tool(self.kit(evaluation_id), "letter", "courrier aux partenaires"))

    def letters(self, evaluation_id: str, today: _dt.date | None = None) -> LetterBatch:
        """One merged letter per partner of the Cadrage, checked against today (`self.clock`)."""
        from desktop_app.services.letters import build_letters

        return build_letters(self, evaluation_id, today or self.clock())

    # ------------------------------------------------------------------ side navigation
    def step_states(self, evaluation_id: str) -> dict:
        """What the side navigation says of the référentiel, conseils citoyens and maturity steps
        (read after every save: a few small reads, no answers of other tools)."""
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
        cc_tools = [t for t in council_tools(kit) if t in scope]
        if cc_tools:
            qpvs = self.services.evaluations.rows("qpv", evaluation_id)
            responses = [r for r in self.services.forms.find(evaluation_id, subject_type="qpv") if r.tool_id in cc_tools]
            started = {r.subject_id for r in responses}
            complete = {q for q in started if all(r.status == "complete" for r in responses if r.subject_id == q)}
            detail = f"{len(started)}/{len(qpvs)} conseil(s) évalué(s)" if qpvs else "aucun QPV au Cadrage"
            if not started:
                state = "a_faire"
            elif qpvs and len(complete) == len(qpvs):
                state = "termine"
            else:
                state = "en_cours"
            out["conseils-citoyens"] = StepState("conseils-citoyens", state, detail)
        scales = [t for t in maturity_tools(kit) if t in scope]
        if scales:
            parts, statuses = [], []
            for tool_id in scales:
                found = self._find_single(evaluation_id, tool_id)
                r = compute_maturity(kit.tool(tool_id), found.answers if found else {})
                statuses.append(found.status if found and r.assessed else None)
                if r.assessed:
                    parts.append(f"{r.short_title.replace('Maturité ', '')} {r.score:g}/{r.max_score:g}")
            if not any(statuses):
                state = "a_faire"
            elif all(st == "complete" for st in statuses):
                state = "termine"
            else:
                state = "en_cours"
            out["maturite"] = StepState("maturite", state, ", ".join(parts))
        letter = kit.tool_id_for_role("letter")
        if letter is not None and letter in scope:
            from desktop_app.services.letters import letter_ready

            found = self._find_single(evaluation_id, letter)
            ready = bool(found and letter_ready(kit, letter, found.answers))
            detail = "courrier prêt" if ready else "options du courrier à renseigner"
            out["exports"] = StepState("exports", "en_cours" if ready else "a_faire", detail)
        return out
