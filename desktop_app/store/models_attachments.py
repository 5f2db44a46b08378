"""Attachments (photos, documents, audio) stored inside the application's data by content hash.

The record keeps the SHA-256 of the content; the bytes live once in the attachments folder
(`<data>/pieces-jointes/ab/abcdef…`), never as a path to the user's file that may vanish.
`owner_type` / `owner_id` say what the file is attached to (a form response, a workshop…).
"""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.store.models import Base, EvaluationChild


class Attachment(EvaluationChild, Base):
    __tablename__ = "attachments"
    owner_type: Mapped[str] = mapped_column(String(40), default="")
    owner_id: Mapped[str] = mapped_column(String(36), default="", index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str] = mapped_column(String(255), default="")
    mime: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    caption: Mapped[str] = mapped_column(String(500), default="")
