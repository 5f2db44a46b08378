"""Everything the PDF summary and the filled-grids workbook read, as plain data.

`ReportData` is gathered by `services.report_data.gather` (the services read the evaluation);
the writers (`pdf_report`, `evaluation_workbook` and their sections) only format it. Fields a
deliverable does not need are left at their defaults (the workbook skips the fieldwork,
questionnaires and commitments the PDF shows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ReportData:
    evaluation_id: str
    summary: Any  # the evaluation's summary (title, generation, kit id and version)
    cadrage: Any  # its Cadrage: fields and tables
    kit: Any  # the evaluation's kit
    responses: list = field(default_factory=list)  # every form response of the evaluation
    # référentiel (when in scope)
    matrix: Any = None
    evidence: list = field(default_factory=list)
    referentiel_targets: dict[str, str] = field(default_factory=dict)
    # councils, and the answered rows of each (qpv id, checklist tool id)
    councils: list = field(default_factory=list)
    council_rows: dict[tuple[str, str], list] = field(default_factory=dict)
    # maturity results by tool id (the scales in scope)
    maturity: dict[str, Any] = field(default_factory=dict)
    # actions: the scored grid, the chosen actions' plans (action id -> plan or None), the lists of choices
    action_grid: Any = None
    action_plans: dict[str, Any] = field(default_factory=dict)
    plan_choices: dict[str, dict[str, str]] = field(default_factory=dict)
    # fieldwork: excerpts (testimonies without consent already left out) and how many were, workshops
    excerpts: list = field(default_factory=list)
    hidden_excerpts: int = 0
    workshops: list = field(default_factory=list)
    # questionnaires by tool id: results, and response rate (None when it could not be computed)
    questionnaire_results: dict[str, Any] = field(default_factory=dict)
    questionnaire_rates: dict[str, Any] = field(default_factory=dict)
    # commitments and their one-sentence summary
    commitments: list = field(default_factory=list)
    commitment_summary: str = ""
