"""Tables of the actions structurantes step (kit tools 4, 5, 6).

- `actions`: one action of the contract's programmation, whatever the number of years it was
  funded; `series_key` (normalised title and carrier) links the years of a recurring action.
- `action_fundings`: one funding row per action and year as imported (or typed), with its
  amounts per funder; `natural_key` (file number, else series + year + quartiers) makes
  re-importing a file update rather than duplicate.
- `action_scores`: a score typed by the team for one action and criterion (it beats the value
  pre-filled from the data, which is computed and never stored).
- `action_weights`: the weight of a criterion for one evaluation (the kit's default otherwise).

The questions and the method plan of a chosen action live in its `methode-actions` form
response (see `desktop_app.core.action_plan`).
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.store.models import Base, EvaluationChild


class Action(EvaluationChild, Base):
    __tablename__ = "actions"
    title: Mapped[str] = mapped_column(String(400), default="")
    carrier: Mapped[str] = mapped_column(String(300), default="")
    siret: Mapped[str] = mapped_column(String(20), default="")
    pillar: Mapped[str] = mapped_column(String(200), default="")
    qpv: Mapped[str] = mapped_column(String(400), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    series_key: Mapped[str] = mapped_column(String(500), default="", index=True)
    first_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    multi_year: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(20), default="manuel")  # import | manuel
    edited_fields: Mapped[list] = mapped_column(JSON, default=list)  # fields corrected by hand


class ActionFunding(EvaluationChild, Base):
    __tablename__ = "action_fundings"
    action_id: Mapped[str] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    natural_key: Mapped[str] = mapped_column(String(600), default="", index=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    file_number: Mapped[str] = mapped_column(String(80), default="")
    qpv: Mapped[str] = mapped_column(String(400), default="")
    amounts: Mapped[dict] = mapped_column(JSON, default=dict)  # funder -> amount granted (€)
    requested: Mapped[dict] = mapped_column(JSON, default=dict)  # funder -> amount requested (€)
    total_cost: Mapped[float | None] = mapped_column(Float, nullable=True)
    beneficiaries: Mapped[int | None] = mapped_column(Integer, nullable=True)
    beneficiaries_qpv_share: Mapped[float | None] = mapped_column(Float, nullable=True)
    source_file: Mapped[str] = mapped_column(String(255), default="")
    source_sheet: Mapped[str] = mapped_column(String(120), default="")
    source_row: Mapped[int | None] = mapped_column(Integer, nullable=True)
    edited_fields: Mapped[list] = mapped_column(JSON, default=list)


class ActionScore(EvaluationChild, Base):
    __tablename__ = "action_scores"
    action_id: Mapped[str] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[str] = mapped_column(String(80))
    value: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ActionWeight(EvaluationChild, Base):
    __tablename__ = "action_weights"
    criterion_id: Mapped[str] = mapped_column(String(80))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
