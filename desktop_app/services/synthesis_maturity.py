"""The maturity scales (one response per evaluation and scale) and their results."""

from __future__ import annotations

from desktop_app.core.maturity import MaturityResult, compute_maturity
from desktop_app.services.base import ServiceError
from desktop_app.services.forms import ResponseData
from desktop_app.services.synthesis_base import SynthesisBase, maturity_tools


class MaturityService(SynthesisBase):
    def maturity_tools(self, evaluation_id: str) -> tuple[str, ...]:
        return maturity_tools(self.kit(evaluation_id))

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

    # ------------------------------------------------------------------ side navigation
    def step_states(self, evaluation_id: str) -> dict:
        """What the side navigation says of the maturity step (a few small reads, no answers of other tools)."""
        from desktop_app.core.steps import StepState

        kit = self.kit(evaluation_id)
        scope = set(self.scope(evaluation_id))
        out = {}
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
        return out
