"""Tables of the participatory fieldwork: workshops, immersions, testimonies, commitments.

The answers to the kit tools stay in `form_responses` (subject_type `workshop`, `immersion`,
`testimony`, `commitments`); these records are what the answers are about, and hold what the
application must read without parsing answers:

- `Workshop`: one session of a guide (`guide-partenaires`, `guide-associations`,
  `guide-conseils-citoyens`) or of a working group (`groupe-travail`, with its theme, the
  session number 1–3 and a `series_id` shared by the sessions of the same group).
- `Immersion`: a visit recorded with `fiche-immersion`, optionally tied to a working group.
- `Testimony`: a testimony or a free contribution recorded with `fiche-temoignage`. The consent
  choices, retention date, pseudonym and profile are first-class columns (mirrored from the
  answers by the service in the same transaction) so exports and sync filter on them directly.
- `Commitment`: one commitment of the contract (or of its amendment) and where it stands.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.store.models import Base, EvaluationChild


class Workshop(EvaluationChild, Base):
    __tablename__ = "fieldwork_workshops"
    tool_id: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300), default="")
    theme: Mapped[str] = mapped_column(String(200), default="")  # working groups: theme value or free text
    session: Mapped[int] = mapped_column(Integer, default=0)  # 1..3 for working groups, 0 otherwise
    series_id: Mapped[str] = mapped_column(String(36), default="", index=True)
    date: Mapped[str] = mapped_column(String(10), default="")  # ISO date
    start_time: Mapped[str] = mapped_column(String(5), default="")  # HH:MM
    place: Mapped[str] = mapped_column(String(300), default="")
    facilitators: Mapped[str] = mapped_column(String(300), default="")
    qpv_codes: Mapped[list] = mapped_column(JSON, default=list)
    participants: Mapped[dict] = mapped_column(JSON, default=dict)  # profile -> count
    named_attendance: Mapped[bool] = mapped_column(Boolean, default=False)
    attendance: Mapped[list] = mapped_column(JSON, default=list)  # [{name, organisation, role}]
    response_id: Mapped[str] = mapped_column(String(36), default="")


class Immersion(EvaluationChild, Base):
    __tablename__ = "fieldwork_immersions"
    series_id: Mapped[str] = mapped_column(String(36), default="", index=True)
    response_id: Mapped[str] = mapped_column(String(36), default="")


class Testimony(EvaluationChild, Base):
    __tablename__ = "fieldwork_testimonies"
    kind: Mapped[str] = mapped_column(String(20), default="testimony")  # testimony | contribution
    pseudonym: Mapped[str] = mapped_column(String(40), default="")
    profile: Mapped[str] = mapped_column(String(80), default="")
    consent_use: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    consent_broadcast: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    retention_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    series_id: Mapped[str] = mapped_column(String(36), default="", index=True)
    response_id: Mapped[str] = mapped_column(String(36), default="")


class Commitment(EvaluationChild, Base):
    __tablename__ = "fieldwork_commitments"
    number: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    pilot: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="")  # realise | en_cours | non_engage | abandonne
    evidence: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[str] = mapped_column(String(10), default="")  # ISO date
