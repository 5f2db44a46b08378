"""Pydantic models describing the evaluation kit: `forms/kit.yaml` and one YAML file per tool.

The kit is data. Every tool has a `kind`; kinds carry their own structure (a guide has timed
steps, a maturity scale has domains and levels...) but all of them can be rendered by the one
form renderer once compiled by `desktop_app.kit.forms`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

IDENT = r"^[a-z0-9][a-z0-9_\-]*$"

QuestionType = Literal[
    "text",
    "long_text",
    "integer",
    "decimal",
    "date",
    "single_choice",
    "multiple_choice",
    "scale",
    "yes_no",
    "note",
    "repeat_group",
]

ToolKind = Literal[
    "guide",
    "questionnaire",
    "scoring_grid",
    "checklist",
    "maturity_scale",
    "referential",
    "letter",
    "record_sheet",
    "question_bank",
]

# The application steps a tool can belong to (side navigation of the main window).
StepId = Literal[
    "cadrage",
    "actions",
    "ateliers",
    "terrain",
    "questionnaires",
    "referentiel",
    "conseils-citoyens",
    "maturite",
    "exports",
]


# What a tool is for: screens, exports, privacy rules and sync steps look tools up by role
# (`Kit.tools_with_role`), never by id, so a tool added in YAML alone works everywhere.
ToolRole = Literal[
    "workshop_guide",  # a workshop guide of Ateliers (with its `group_label`)
    "working_group",  # the thematic working groups' guide (sessions, themes)
    "questionnaire",  # a questionnaire sent to respondents (with its `respondent_kind`)
    "council_tool",  # a tool filled for each conseil citoyen
    "maturity_scale",  # a maturity self-assessment (LCD, EFH...)
    "referential",  # the common evaluative framework
    "letter",  # the letter to partners
    "immersion",  # the immersion record sheet (Terrain)
    "testimony",  # the testimony record sheet (Terrain): consent and retention apply
    "commitments",  # the commitments tracker
    "action_scoring",  # the grid choosing the structuring actions
    "action_questions",  # the bank of evaluative questions for an action
    "action_plan",  # the evaluation method sheet of a chosen action
    # a form filled once per evaluation, shown as a tab (`tab_title`) of its step's screen
    # (Terrain, Maturité): the state of the QPV, the annual reports' figures, the axes' questions
    "step_form",
]
# Roles a kit may give to one tool only.
SINGLE_ROLES = frozenset(
    {"working_group", "referential", "letter", "immersion", "testimony", "commitments",
     "action_scoring", "action_questions", "action_plan"}
)
RespondentKind = Literal["communes", "associations", "other"]

# The sections of the synthesis report a tool can be shown in (`report.section`).
ReportSectionId = Literal[
    "actions",
    "terrain",
    "questionnaires",
    "referentiel",
    "conseils",
    "maturite",
    "engagements",
]

# What a field is for, when the application must find it in any kit version (consent and
# personal data have their own flags: `consent`, `personal`, `sensitive`).
FieldRole = Literal[
    "diffusion_consent",  # yes/no: the person agrees to be quoted in public documents
    "retention_date",  # date: the record is to be deleted after it
    "contribution_type",  # choice: testimony or free contribution
    "pseudonym",  # text: the pseudonym a testimony is shown with
    "collected_on",  # date: when the record was collected
    "theme",  # choice: the record's theme
    "profile",  # choice: the person's profile
    "profile_other",  # text: the profile when « autre »
    "age_group",  # choice: the person's age group
    "medium",  # choice: how the testimony was collected
    "structure_type",  # choice: the kind of structure visited
    "record_qpv",  # the quartier a record is about (immersion, testimony)
    "visited_structure",  # text: the structure or action visited (immersion)
    "theme_other",  # text: the theme when « autre »
    "visit_date",  # date of the immersion
    "referential_themes",  # multiple choice: the référentiel's questions the notes bear on
    "related_action",  # text: the action a contribution is about
    "resource_description",  # long text: the resource a contribution points to
    "testimony_text",  # long text: the words collected
    # the method sheet of a chosen action
    "action_title",
    "action_carrier",
    "action_objectives",
    "action_reasons",
    "action_decision",  # the decision the evaluation should inform
    "plan_rows",  # repeat group: one evaluative question per row, with the way to answer it
    "plan_question",
    "plan_criterion",
    "plan_indicators",
    "plan_sources",
    "plan_methods",
    "plan_who",
    "plan_start",
    "plan_end",
    # the commitments tracker's list (mirrored from the commitments table)
    "commitment_rows",
    "commitment_number",
    "commitment_title",
    "commitment_pilot",
    "commitment_status",
    "commitment_evidence",
    "commitment_comment",
    "commitment_due",
    # questionnaires: who answers
    "respondent_name",  # text: the commune's or the association's name
    "respondent_code",  # text: its INSEE code or SIRET
    # the letter's options
    "meeting_date",  # date of the workshop the letter invites to
    "meeting_time",  # its time (text)
    "meeting_place",  # its place
    "deadline",  # date: contributions expected before it
    "reference",  # our reference
    "requested_documents",  # multiple choice: what the partners are asked for
    "enclosures",  # long text: one enclosure per line
]


class Strict(BaseModel):
    """Base: unknown fields are errors, so a typo in a kit file is reported, not ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Choice(Strict):
    value: str = Field(min_length=1)
    label: str = Field(min_length=1)
    # Optional numeric value used when a choice is scored (appreciation scales, levels).
    score: float | None = None
    color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")
    # Multiple choice: an answer that excludes every other (« Aucune », « Non concerné »).
    # The engine refuses it ticked together with another answer.
    exclusive: bool = False


class ChoiceList(Strict):
    id: str = Field(pattern=IDENT)
    label: str | None = None
    choices: list[Choice] = Field(min_length=1)


# Question ids may keep the capitals of an XLSForm name (`NomChef`); ids are compared as
# written (answers are stored under them), so `nom` and `Nom` are two questions.
QUESTION_IDENT = r"^[A-Za-z0-9][A-Za-z0-9_\-]*$"
# A language code for a translated label (`fr`, `en`, `pt-BR`).
LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"


class Question(Strict):
    id: str = Field(pattern=QUESTION_IDENT)
    type: QuestionType
    label: str = Field(min_length=1)
    # Translated labels by language code; when present, `fr` is required and equals `label`
    # (the application shows French; the others travel to XLSForm as `label::<lang>`).
    labels: dict[str, str] | None = None
    help: str | None = None
    required: bool = False
    # Bounds: numbers for integer/decimal/scale, counts for multiple_choice, ISO dates for date.
    min: float | str | None = None
    max: float | str | None = None
    unit: str | None = None
    placeholder: str | None = None
    # Either inline choices or the id of a shared choice list (tool or kit level).
    choices: list[Choice] | None = None
    choice_list: str | None = None
    allow_other: bool = False
    # Scale end labels ("Pas du tout" ... "Tout à fait").
    min_label: str | None = None
    max_label: str | None = None
    # Skip logic: the question is shown only when this expression is true.
    show_if: str | None = None
    # A rule on the answer, in the expression language with `.` for the answer itself
    # (`. >= 0 and . <= nb_personnes`); when false, `constraint_message` is shown.
    constraint: str | None = None
    constraint_message: str | None = None
    # A calculated field: read-only, its value is this expression over the other answers
    # (`nb_adultes + nb_enfants`), computed each time the answers change and stored with them.
    calculate: str | None = None
    # Free text that may hold personal data: the renderer shows an RGPD warning.
    sensitive: bool = False
    # Personal data (a contact detail, a person's name): dropped from pseudonymised outputs.
    personal: bool = False
    # A yes/no field recording the person's consent to the use of the record: without it the
    # record never leaves pseudonymised, and a consent withdrawn travels as a deletion.
    consent: bool = False
    # What the application uses this field for (see FieldRole), if anything.
    role: FieldRole | None = None
    # `kit check` warns about a field whose id or label looks like special-category data
    # (RGPD art. 9: origin, religion, health…). A field that must keep such wording says why
    # here (in French); the warning is then silenced.
    special_category_reason: str | None = Field(default=None, min_length=1)
    # Fieldwork notes: what the synthesis files the answer under (forces, faiblesses…, quoted
    # words, a testimony's text); other answers are plain notes.
    excerpt: Literal["verbatim", "force", "faiblesse", "preconisation", "enseignement", "temoignage"] | None = None
    # For repeat groups: the sub-questions of one repetition.
    questions: list[Question] | None = None
    item_label: str | None = None

    @model_validator(mode="after")
    def _check_shape(self) -> Question:
        if self.type in ("single_choice", "multiple_choice"):
            if not self.choices and not self.choice_list:
                raise ValueError("une question à choix doit avoir « choices » ou « choice_list »")
            if self.choices and self.choice_list:
                raise ValueError("« choices » et « choice_list » ne peuvent pas être utilisés ensemble")
        elif self.choices or self.choice_list:
            raise ValueError(f"une question de type « {self.type} » ne prend pas de choix")
        if self.type != "multiple_choice" and any(c.exclusive for c in self.choices or ()):
            raise ValueError("« exclusive » ne s'applique qu'aux choix d'une question à choix multiples")
        if self.consent and self.type != "yes_no":
            raise ValueError("« consent » ne s'applique qu'à une question oui/non (yes_no)")
        if self.type == "repeat_group" and not self.questions:
            raise ValueError("un groupe répété doit contenir des « questions »")
        if self.type != "repeat_group" and self.questions:
            raise ValueError("seul un groupe répété contient des « questions »")
        if self.type == "scale" and (self.min is None or self.max is None):
            raise ValueError("une échelle doit avoir « min » et « max »")
        if isinstance(self.min, (int, float)) and isinstance(self.max, (int, float)):
            if self.min > self.max:
                raise ValueError("« min » est plus grand que « max »")
        if self.constraint_message and not self.constraint:
            raise ValueError("« constraint_message » sans « constraint » : ajoutez la contrainte ou retirez le message")
        if self.constraint and self.type in ("note", "repeat_group"):
            raise ValueError(f"une question de type « {self.type} » ne prend pas de « constraint »")
        if self.calculate is not None:
            if self.type not in ("text", "integer", "decimal", "date"):
                raise ValueError("« calculate » s'applique à une question text, integer, decimal ou date")
            if self.required:
                raise ValueError("une question calculée ne peut pas être « required » (personne ne la remplit)")
        if self.labels is not None:
            for lang, text in self.labels.items():
                if not re.fullmatch(LANGUAGE, lang):
                    raise ValueError(f"« labels » : « {lang} » n'est pas un code de langue (fr, en, es…)")
                if not str(text).strip():
                    raise ValueError(f"« labels » : le libellé « {lang} » est vide")
            if "fr" not in self.labels:
                raise ValueError("« labels » doit contenir la traduction française « fr » (la langue de l'application)")
            if self.labels["fr"].strip() != self.label:
                raise ValueError("« labels.fr » doit être identique à « label »")
        return self


class Section(Strict):
    id: str = Field(pattern=IDENT)
    title: str = Field(min_length=1)
    description: str | None = None
    # Guides: planned duration of a step, used by the workshop mode countdown.
    duration_minutes: int | None = Field(default=None, ge=1, le=600)
    # Guides: what the facilitator says or does in this step.
    instructions: list[str] = Field(default_factory=list)
    show_if: str | None = None
    questions: list[Question] = Field(default_factory=list)


class ReportPlacement(Strict):
    """Where a tool's results appear in the synthesis report."""

    section: ReportSectionId
    order: int = Field(default=0, ge=0, le=999)  # position among the section's tools


class ToolBase(Strict):
    id: str = Field(pattern=IDENT)
    title: str = Field(min_length=1)
    short_title: str | None = None
    tab_title: str | None = None  # the tab's name where a step shows its tools as tabs
    step: StepId
    number: int | None = None  # the tool's number in the paper kit, if any
    purpose: str = Field(min_length=1, description="À quoi sert l'outil")
    how_to: str = Field(min_length=1, description="Comment l'utiliser")
    choice_lists: list[ChoiceList] = Field(default_factory=list)
    role: ToolRole | None = None
    # Workshop guides and working groups: the group the Ateliers screen lists them under.
    group_label: str | None = Field(default=None, min_length=1)
    # Questionnaires: who answers (communes, associations, other).
    respondent_kind: RespondentKind | None = None
    report: ReportPlacement | None = None


class FormTool(ToolBase):
    """Questionnaires, record sheets and question banks: plain sections of questions."""

    kind: Literal["questionnaire", "record_sheet", "question_bank"]
    audience: str | None = None
    sections: list[Section] = Field(min_length=1)


class GuideMeta(Strict):
    objectives: list[str] = Field(min_length=1)
    audience: str = Field(min_length=1)
    duration_minutes: int = Field(ge=15, le=1440)
    room_setup: str = Field(min_length=1)
    material: list[str] = Field(default_factory=list)
    participants: str | None = None


class Guide(ToolBase):
    """Workshop guides: timed steps (sections), questions to ask, what to collect."""

    kind: Literal["guide"]
    meta: GuideMeta
    themes: list[Choice] = Field(default_factory=list)  # working groups: the themes
    sessions: int | None = Field(default=None, ge=1, le=12)  # working groups: sessions
    sections: list[Section] = Field(min_length=1)


class Level(Strict):
    value: int
    label: str = Field(min_length=1)
    description: str = Field(min_length=1)


class Criterion(Strict):
    id: str = Field(pattern=IDENT)
    label: str = Field(min_length=1)
    short_label: str | None = None  # a column header where the grid is a table
    description: str | None = None
    weight: float = Field(gt=0, le=10)
    levels: list[Level] = Field(min_length=2)
    # Criteria the programmation data can answer: the app pre-fills them.
    auto: Literal["budget_share", "funders", "recurrence", "beneficiaries"] | None = None


class ScoringGrid(ToolBase):
    kind: Literal["scoring_grid"]
    criteria: list[Criterion] = Field(min_length=1)
    shortlist_min: int = Field(default=3, ge=1)
    shortlist_max: int = Field(default=6, ge=1)


class ChecklistColumn(Strict):
    id: str = Field(pattern=IDENT)
    label: str = Field(min_length=1)
    short_label: str | None = None  # the column's header in a report table
    # "gap": the column qualifying the gap between rule and practice (a choice list whose
    # values are aucun / faible / important); the council's summary counts it.
    role: Literal["gap"] | None = None
    type: QuestionType = "text"
    choice_list: str | None = None
    choices: list[Choice] | None = None


class ChecklistItem(Strict):
    id: str = Field(pattern=IDENT)
    label: str = Field(min_length=1)
    reference: str | None = None  # legal or regulatory reference
    description: str | None = None
    group: str | None = None


class Checklist(ToolBase):
    """Obligation vs practice grids: one row per item, the same columns for every row."""

    kind: Literal["checklist"]
    item_header: str | None = None  # the header of the items' column in a report table
    method_note: list[str] = Field(default_factory=list)
    columns: list[ChecklistColumn] = Field(min_length=1)
    items: list[ChecklistItem] = Field(min_length=1)


class MaturityLevelText(Strict):
    level: int = Field(ge=0, le=10)
    description: str = Field(min_length=1)


class MaturityDomain(Strict):
    id: str = Field(pattern=IDENT)
    label: str = Field(min_length=1)
    description: str | None = None
    levels: list[MaturityLevelText] = Field(min_length=2)
    strength: str = Field(min_length=1, description="Point fort quand le niveau est élevé")
    progress: str = Field(min_length=1, description="Axe de progrès quand le niveau est bas")
    recommendation: str = Field(min_length=1)


class MaturityScale(ToolBase):
    kind: Literal["maturity_scale"]
    levels: list[Choice] = Field(min_length=2)  # level names, value "0".."5", score = points
    domains: list[MaturityDomain] = Field(min_length=1)
    strength_threshold: int = 4  # a domain at or above is a strength
    progress_threshold: int = 2  # a domain at or below is an area for progress


class IndicatorValue(Strict):
    """A reference point of an indicator: its value when the kit knows it, and what it is (the
    year, « début du contrat »...). A baseline the kit cannot know (it is the territory's) has
    no value: the facilitator types it in the référentiel (`<indicator>.valeur_reference`)."""

    value: float | None = None
    label: str | None = Field(default=None, min_length=1)  # « Début du contrat (2015) », « 80 % au moins »
    year: int | None = Field(default=None, ge=1990, le=2100)

    @model_validator(mode="after")
    def _check_shape(self) -> IndicatorValue:
        if self.value is None and not self.label and self.year is None:
            raise ValueError("donnez au moins une valeur (« value »), un libellé (« label ») ou une année (« year »)")
        return self

    def describe(self, unit: str | None = None) -> str:
        """In words: « 80 % (trois sur quatre) », « au moins deux par an » (a label says a count
        better than « 2 réunions par an »), « Première année du contrat », « 2015 »."""
        parts = []
        if self.value is not None and (not self.label or unit == "%"):
            number = f"{self.value:g}".replace(".", ",")
            parts.append(f"{number}\u00a0{unit}" if unit and unit != "oui / non" else number)
        if self.label:
            parts.append((f"— {self.label}" if "(" in self.label else f"({self.label})") if parts else self.label)
        if self.year is not None and not (self.label and str(self.year) in self.label):
            parts.append(f"({self.year})" if parts else str(self.year))
        return " ".join(parts)


# What the app's own data can compute for an indicator (`IndicatorCompute.statistic`):
# share: % of the observations meeting the condition; count: how many meet it (all answered
# ones without condition); mean / median / sum: of the numbers answered (choice values mapped by
# `scores`); budget_share: % of the programmation's budget held by the actions meeting the condition.
Statistic = Literal["share", "count", "mean", "median", "sum", "budget_share", "latest", "change"]
SERIES_STATISTICS = ("latest", "change")  # over rows ordered by `by` (a year): the last value, last − first
# Programmation figures an indicator can use (per action, `services.actions_data.ActionData`).
ProgrammationField = Literal["budget", "funders", "multi_year", "years_funded", "beneficiaries", "qpv_share"]


class IndicatorCompute(Strict):
    """How the application computes an indicator from its own data, in YAML:
    - a question of a kit tool (a questionnaire, or the commitments tracker whose question sits
      in its repeat group: one observation per row): `tool`, `question`;
    - or a figure of the programmation: `programmation` (one observation per action).
    The condition of `share` / `count` / `budget_share`: `at_least` / `at_most` (numbers, scale
    levels) and/or `values` (choice values; `true` / `false` for yes/no questions)."""

    tool: str | None = Field(default=None, pattern=IDENT)
    question: str | None = Field(default=None, pattern=QUESTION_IDENT)
    programmation: ProgrammationField | None = None
    statistic: Statistic
    at_least: float | None = None
    at_most: float | None = None
    values: list[str | bool] | None = Field(default=None, min_length=1)
    # Numbers for the choices of a choice question (mean / median of bands: their midpoint).
    scores: dict[str, float] | None = None
    # What the computation counts, in French, shown beside the value (« réponses 4 ou 5 sur 5 »).
    note: str | None = Field(default=None, min_length=1)
    # Used when the first computation has no observation (an older question, another source).
    fallback: IndicatorCompute | None = None
    # `latest` / `change`: the question of the same repeat group that orders its rows (the year of
    # an annual report): the value of the last row, or its change since the first.
    by: str | None = Field(default=None, pattern=QUESTION_IDENT)

    @model_validator(mode="after")
    def _check_shape(self) -> IndicatorCompute:
        if (self.programmation is None) == (self.tool is None):
            raise ValueError("le calcul porte soit sur une question d'un outil (« tool » et « question »), soit sur la programmation (« programmation »)")
        if self.tool is not None and not self.question:
            raise ValueError("« tool » demande la question dont la réponse est calculée (« question »)")
        if self.programmation is not None and self.question:
            raise ValueError("« question » ne s'applique qu'avec « tool »")
        if self.statistic in SERIES_STATISTICS:
            if self.tool is None or not self.by:
                raise ValueError(f"« {self.statistic} » porte sur une série : une question d'un outil (« tool », « question ») "
                                 "et la question qui ordonne ses lignes (« by », une année)")
            if self.at_least is not None or self.at_most is not None or self.values is not None:
                raise ValueError(f"« {self.statistic} » ne prend pas de condition (« at_least », « at_most », « values »)")
        elif self.by is not None:
            raise ValueError("« by » ne s'applique qu'à « latest » ou « change »")
        if self.statistic == "budget_share" and self.programmation is None:
            raise ValueError("« budget_share » ne s'applique qu'à la programmation")
        conditional = self.at_least is not None or self.at_most is not None or self.values is not None
        if self.statistic in ("share", "budget_share") and not conditional:
            raise ValueError(f"« {self.statistic} » demande une condition : « at_least », « at_most » ou « values »")
        if self.at_least is not None and self.at_most is not None and self.at_least > self.at_most:
            raise ValueError("« at_least » est plus grand que « at_most »")
        return self


# How an indicator's direction reads (French, shown with its target).
DIRECTION_LABELS = {
    "higher": "plus la valeur est haute, mieux c'est",
    "lower": "plus la valeur est basse, mieux c'est",
    "none": "qualitatif : appréciation selon la grille",
}


class Indicator(Strict):
    id: str = Field(pattern=IDENT)
    label: str = Field(min_length=1)
    source: str = Field(min_length=1)
    unit: str | None = None
    # Help shown with the indicator (how it is read, the cut-off of a « part de … qui jugent »).
    help: str | None = None
    # higher / lower: a higher / lower value is better; none: qualitative, judged by its rubric.
    direction: Literal["higher", "lower", "none"] | None = None
    baseline: IndicatorValue | None = None  # valeur de référence
    target: IndicatorValue | None = None  # valeur cible
    # Qualitative and yes/no indicators: what each level of the appreciation scale means
    # (scale value -> text).
    rubric: dict[str, str] | None = None
    compute: IndicatorCompute | None = None


class SubQuestion(Strict):
    id: str = Field(pattern=IDENT)
    label: str = Field(min_length=1)
    indicators: list[Indicator] = Field(min_length=1)


class EvaluativeQuestion(Strict):
    id: str = Field(pattern=IDENT)
    label: str = Field(min_length=1)
    theme: str = Field(min_length=1)
    sub_questions: list[SubQuestion] = Field(min_length=1)


class Referential(ToolBase):
    kind: Literal["referential"]
    scale: list[Choice] = Field(min_length=2)  # the appreciation scale
    questions: list[EvaluativeQuestion] = Field(min_length=1)


class MergeField(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_.]*$")
    label: str = Field(min_length=1)


class Letter(ToolBase):
    kind: Literal["letter"]
    subject: str = Field(min_length=1)
    body: str = Field(min_length=1)  # paragraphs separated by blank lines, {{merge.fields}}
    signature: str = Field(min_length=1)
    merge_fields: list[MergeField] = Field(min_length=1)
    sections: list[Section] = Field(default_factory=list)  # letter options the user fills
    # The workshop guide the letter invites to: its workshop of the day gives the time.
    invites_to: str | None = Field(default=None, pattern=IDENT)


Tool = Annotated[
    Union[FormTool, Guide, ScoringGrid, Checklist, MaturityScale, Referential, Letter],
    Field(discriminator="kind"),
]


class ToolRef(Strict):
    id: str = Field(pattern=IDENT)
    file: str = Field(pattern=r"^[A-Za-z0-9_\-./]+\.ya?ml$")


class ReferenceRow(Strict):
    """One entry of a reference list: a QPV's code, name and the INSEE codes of its communes."""

    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    communes: list[str] = Field(default_factory=list)  # INSEE codes


class ReferenceList(Strict):
    """Reference data a resource centre publishes with its kit (e.g. the QPV list of its region),
    checked against what the Cadrage holds. `kind: qpv` is the only kind the application uses."""

    id: str = Field(pattern=IDENT)
    kind: Literal["qpv"]
    label: str = Field(min_length=1)
    source: str = Field(min_length=1)  # who publishes it, where (text shown to the user)
    version: str = Field(min_length=1)  # e.g. the date or decree of the list
    rows: list[ReferenceRow] = Field(min_length=1)


class UpgradeNote(Strict):
    """How the answers of an evaluation on an older version map to this one (`kit.yaml`
    `upgrades`): questions renamed per tool, and values of a question replaced by others (a
    reversed scale, a choice split in two). Applied by `kits.upgrade` and shown in its preview."""

    from_version: str = Field(alias="from", pattern=r"^\d+\.\d+(\.\d+)?$")
    note: str | None = None  # what changed, in French, shown in the preview
    # {tool id: {old question id: new question id}}
    renamed: dict[str, dict[str, str]] = Field(default_factory=dict)
    # {tool id: {question id: {old value: new value}}} (values compared as text; a list's items
    # are each replaced)
    values: dict[str, dict[str, dict[str, str | int | float]]] = Field(default_factory=dict)

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)


class KitManifest(Strict):
    id: str = Field(pattern=IDENT)
    version: str = Field(pattern=r"^\d+\.\d+(\.\d+)?$")
    title: str = Field(min_length=1)
    publisher: str | None = None
    description: str | None = None
    choice_lists: list[ChoiceList] = Field(default_factory=list)
    tools: list[ToolRef] = Field(min_length=1)
    reference_lists: list[ReferenceList] = Field(default_factory=list)
    # Migration notes from older versions (see UpgradeNote).
    upgrades: list[UpgradeNote] = Field(default_factory=list)
