"""Tables of the questionnaires area: invited respondents and the log of Excel imports.

The answers themselves are `FormResponse` records (see `services.forms`); these tables hold what
the questionnaires need around them:

* `QuestionnaireInvitee` — respondents the facilitator sends a questionnaire to, beyond the
  communes of the Cadrage (which are invited automatically): associations of the programmation,
  communes that left the priority geography… The response rate is computed against them.
* `QuestionnaireImport` — one row per imported Excel file: which file (content hash, the token
  written in the template's hidden sheet), which response it created or updated, what was
  reported. Re-importing the same file updates its response instead of duplicating it.
"""

from __future__ import annotations

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.store.models import Base, EvaluationChild


class QuestionnaireInvitee(EvaluationChild, Base):
    __tablename__ = "questionnaire_invitees"
    respondent_type: Mapped[str] = mapped_column(String(40), default="association")  # commune | association
    name: Mapped[str] = mapped_column(String(200), default="")
    code: Mapped[str] = mapped_column(String(20), default="")  # INSEE code or SIRET
    email: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")


class QuestionnaireImport(EvaluationChild, Base):
    __tablename__ = "questionnaire_imports"
    tool_id: Mapped[str] = mapped_column(String(80), default="")
    response_id: Mapped[str] = mapped_column(String(36), default="", index=True)
    subject_id: Mapped[str] = mapped_column(String(80), default="")
    file_name: Mapped[str] = mapped_column(String(255), default="")
    file_sha256: Mapped[str] = mapped_column(String(64), default="", index=True)
    file_token: Mapped[str] = mapped_column(String(36), default="", index=True)
    outcome: Mapped[str] = mapped_column(String(20), default="imported")  # imported | updated | partial
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    messages: Mapped[list] = mapped_column(JSON, default=list)
