"""The conseils citoyens: one per QPV of the Cadrage, each with the responses of the kit's council
tools (subject_type "qpv") and the summary of the gaps between rule and practice.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.councils import ChecklistRow, GapSummary, checklist_rows, gap_summary
from desktop_app.kit.forms import compile_tool
from desktop_app.services.base import Change, NotFound, ServiceError
from desktop_app.services.forms import ResponseData
from desktop_app.services.synthesis_base import SynthesisBase, council_tools, gap_tool


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


class CouncilService(SynthesisBase):
    def council_tools(self, evaluation_id: str) -> tuple[str, ...]:
        return council_tools(self.kit(evaluation_id))

    def gap_tool(self, evaluation_id: str) -> str | None:
        return gap_tool(self.kit(evaluation_id))

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

    # ------------------------------------------------------------------ side navigation
    def step_states(self, evaluation_id: str) -> dict:
        """What the side navigation says of the conseils citoyens step."""
        from desktop_app.core.steps import StepState

        kit = self.kit(evaluation_id)
        scope = set(self.scope(evaluation_id))
        out = {}
        cc_tools = [t for t in council_tools(kit) if t in scope]
        if cc_tools:
            qpvs = self.services.evaluations.rows("qpv", evaluation_id)
            # headers only: this recount runs after every save, and the councils' answers are long
            responses = [r for r in self.services.forms.headers(evaluation_id, subject_type="qpv") if r.tool_id in cc_tools]
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
        return out
