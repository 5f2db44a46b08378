"""SQLAlchemy 2 typed models of the local store.

Every synced record carries a UUID text id, UTC `created_at`/`updated_at`, the device that last
wrote it, a revision number and a tombstone (`deleted`) instead of a hard delete, so that it can
travel to another laptop or to the resource centre and merge there.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timestamps stored naive in UTC (SQLite has no time zones), returned aware in UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Synced:
    """Columns shared by every record that can travel between machines."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    device_id: Mapped[str] = mapped_column(String(36), default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class Meta(Base):
    """Key/value facts about this database (the device id, the creating application version)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class KitSnapshot(Base):
    """The files of a kit version, kept so an evaluation always opens with its own kit."""

    __tablename__ = "kit_snapshots"
    kit_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[str] = mapped_column(String(20), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    files: Mapped[dict] = mapped_column(JSON)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Evaluation(Synced, Base):
    __tablename__ = "evaluations"
    title: Mapped[str] = mapped_column(String(200), default="")
    territory_name: Mapped[str] = mapped_column(String(200), default="")
    epci_type: Mapped[str] = mapped_column(String(40), default="")
    siren: Mapped[str] = mapped_column(String(20), default="")
    generation: Mapped[str] = mapped_column(String(20), default="2024-2030")
    description: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    kit_id: Mapped[str] = mapped_column(String(80))
    kit_version: Mapped[str] = mapped_column(String(20))
    scope: Mapped[list] = mapped_column(JSON, default=list)  # tool ids in use
    # who writes to the partners (letters): structure, postal address, signatory
    sender_name: Mapped[str] = mapped_column(String(200), default="")
    sender_address: Mapped[str] = mapped_column(String(400), default="")
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_title: Mapped[str] = mapped_column(String(200), default="")
    # text typed in a Cadrage field that is not a valid value (« 31/02/2026 » as the contract's
    # start): kept « à corriger », never used as the value (field key -> text)
    drafts: Mapped[dict] = mapped_column(JSON, default=dict)


class EvaluationChild(Synced):
    """A synced record that belongs to one evaluation."""

    evaluation_id: Mapped[str] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Commune(EvaluationChild, Base):
    __tablename__ = "communes"
    name: Mapped[str] = mapped_column(String(200), default="")
    insee: Mapped[str] = mapped_column(String(5), default="")


class Qpv(EvaluationChild, Base):
    __tablename__ = "qpv"
    code: Mapped[str] = mapped_column(String(12), default="")
    name: Mapped[str] = mapped_column(String(200), default="")
    communes: Mapped[str] = mapped_column(String(400), default="")  # commune names, ", "-separated


class Partner(EvaluationChild, Base):
    __tablename__ = "partners"
    organisation: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    # for letters: the name's article (le, la, l', les, aucun; "" = guessed), the contact's
    # civility and title ("Madame" + "Directrice" -> "Madame la Directrice"), the postal address
    article: Mapped[str] = mapped_column(String(10), default="")
    civility: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    postal_address: Mapped[str] = mapped_column(String(400), default="")


class TeamMember(EvaluationChild, Base):
    __tablename__ = "team_members"
    name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(200), default="")
    is_pilot: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str] = mapped_column(String(200), default="")


class Milestone(EvaluationChild, Base):
    __tablename__ = "milestones"
    kind: Mapped[str] = mapped_column(String(40), default="autre")
    label: Mapped[str] = mapped_column(String(200), default="")
    date: Mapped[str] = mapped_column(String(10), default="")  # ISO date text, may be partial while typed
    place: Mapped[str] = mapped_column(String(200), default="")


class FormResponse(EvaluationChild, Base):
    """The answers to one kit tool for one subject (a workshop, a respondent, a council...)."""

    __tablename__ = "form_responses"
    tool_id: Mapped[str] = mapped_column(String(80), index=True)
    kit_version: Mapped[str] = mapped_column(String(20))
    subject_type: Mapped[str] = mapped_column(String(40), default="evaluation")
    subject_id: Mapped[str] = mapped_column(String(80), default="")
    label: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | complete
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    # Text typed in a field that could not be read as its answer ({field id: text}): kept so that
    # nothing typed is lost, shown « à corriger », never counted as an answer.
    drafts: Mapped[dict] = mapped_column(JSON, default=dict)
    # Why a response was marked complete with questions missing (« Terminer quand même »).
    status_comment: Mapped[str] = mapped_column(Text, default="")
