"""What the synthesis areas' services share (référentiel, conseils citoyens, maturity, letters):
the kit of an evaluation, its scope, a compiled tool, the one response per evaluation a tool has,
and the kit's tools found by role.

Answers live in form responses (`services.forms`); these services know which response holds
what (the référentiel, the maturity scales and the letter's options: one per evaluation; the
conseils citoyens' tools: one per QPV of the Cadrage, subject_type "qpv").
"""

from __future__ import annotations

from desktop_app.core.councils import gap_column
from desktop_app.kit.forms import Form, compile_tool
from desktop_app.kit.loader import Kit
from desktop_app.services.base import ServiceBase, ServiceError
from desktop_app.services.forms import ResponseData

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


def role_tool(kit: Kit, role: str, what: str) -> str:
    tool_id = kit.tool_id_for_role(role)
    if tool_id is None:
        raise ServiceError(f"Le kit {kit.id} {kit.version} de cette évaluation n'a pas de {what}.")
    return tool_id


class SynthesisBase(ServiceBase):
    def __init__(self, services):  # the app's `Services`
        super().__init__(services.store)
        self.services = services

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
        return self.services.evaluations.scope(evaluation_id)

    def in_scope(self, evaluation_id: str, tool_id: str) -> bool:
        return tool_id in self.scope(evaluation_id)

    def _single(self, evaluation_id: str, tool_id: str) -> ResponseData:
        kit = self.kit(evaluation_id)
        tool = kit.tool(tool_id)
        return self.services.forms.get_or_create(evaluation_id, tool_id, "evaluation", "", tool.short_title or tool.title)

    def _find_single(self, evaluation_id: str, tool_id: str) -> ResponseData | None:
        found = self.services.forms.find(evaluation_id, tool_id, "evaluation", "")
        return found[0] if found else None
