"""Tables of the synthesis area: the evidence linked to the référentiel's indicators.

The référentiel's values and appreciations are answers of its form response; what backs them up
(a workshop's notes, a testimony, questionnaire results, a document) is a separate record, one
per link, so two facilitators linking evidence on two laptops merge without conflict.
"""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.store.models import Base, EvaluationChild


class EvidenceLink(EvaluationChild, Base):
    """One piece of evidence attached to an indicator (or a whole question) of the référentiel."""

    __tablename__ = "evidence_links"
    indicator_id: Mapped[str] = mapped_column(String(80), index=True)
    # "form_response", "attachment", or a record kind of another area ("workshop", "action"...)
    target_type: Mapped[str] = mapped_column(String(40), default="form_response")
    target_id: Mapped[str] = mapped_column(String(80), default="")
    # the target's title when it was linked: still readable if the target is deleted later
    label: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
