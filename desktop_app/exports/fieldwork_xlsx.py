"""Excel export of the fieldwork (Ateliers and Terrain steps): one sheet per kind of record.

Personal data rules (RGPD), applied here and stated on the first sheet:
- testimonies and contributions whose author did not agree to their use are left out;
- people appear only by their pseudonym code; named attendance lists and facilitators' names
  are never exported;
- e-mail addresses, phone numbers and likely names found in free texts are masked.

The exporter takes plain data (`FieldworkWorkbook`, built by `TerrainService.workbook`) and
writes the file; it never reads the database.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.core.errors import ServiceError
from desktop_app.core.fieldwork import (
    COMMITMENT_STATUSES,
    PARTICIPANT_PROFILES,
    mask_personal_data,
    participants_total,
    status_label,
    working_group_name,
)
from desktop_app.core.fieldwork_synthesis import category_of, repeat_text
from desktop_app.core.identifiers import format_date_fr
from desktop_app.exports.fieldwork_xlsx_style import (
    append_table,
    color_statuses,
    line_count,
    print_setup,
    table,
)
from desktop_app.exports.xlsx_cells import append_row, put
from desktop_app.kit.forms import Form, FormField

STATUS_LABELS = {"draft": "Brouillon", "complete": "Complète"}
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class FieldworkWorkbook:
    """Everything the workbook shows, read by the workshops, terrain and commitments services
    (their own frozen dataclasses)."""

    evaluation: Any  # the evaluation's summary (display_name, territory_name)
    labels: Any  # theme and profile labels of the evaluation's kit
    workshops: list = field(default_factory=list)  # WorkshopData
    responses: dict = field(default_factory=dict)  # response id -> the record's form response
    workshop_forms: dict[str, Form] = field(default_factory=dict)  # workshop id -> its guide's form
    immersion_form: Form | None = None
    attachment_counts: dict[str, int] = field(default_factory=dict)  # record id -> attachments
    immersions: list = field(default_factory=list)  # ImmersionData
    testimonies: list = field(default_factory=list)  # TestimonyData, consent or not
    testimony_fields: dict[str, str] = field(default_factory=dict)  # field role -> the kit's field id
    commitments: list = field(default_factory=list)  # CommitmentData
    commitment_summary: Any = None  # CommitmentSummary
    commitments_by_pilot: Any = None  # [(pilot, {status: count})]


@dataclass
class ExportSummary:
    path: Path
    sheets: dict[str, int] = field(default_factory=dict)  # sheet -> rows written
    left_out: int = 0  # testimonies / contributions without consent for use
    masked: int = 0  # personal data masked in free texts

    def text(self) -> str:
        rows = ", ".join(f"{name} : {n}" for name, n in self.sheets.items() if name != "À lire")
        extra = []
        if self.left_out:
            extra.append(
                f"{self.left_out} témoignage(s) ou contribution(s) sans accord d'utilisation laissé(s) de côté"
            )
        if self.masked:
            extra.append(f"{self.masked} donnée(s) personnelle(s) masquée(s)")
        return f"Export enregistré : {self.path.name} ({rows})." + (
            " " + " ; ".join(extra) + "." if extra else ""
        )


class _Masker:
    def __init__(self):
        self.count = 0

    def __call__(self, text: str) -> str:
        masked, n = mask_personal_data(text)
        self.count += n
        return masked


def _iso_to_date(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def format_answer(f: FormField, value: Any) -> Any:
    """An answer as a spreadsheet cell: labels for choices, Oui/Non, real dates and numbers."""
    if value is None:
        return None
    if f.type == "yes_no":
        return "Oui" if value is True else "Non" if value is False else str(value)
    if f.type == "date":
        return _iso_to_date(value)
    if f.type == "single_choice":
        opt = f.option(value)
        return opt.label if opt else str(value)
    if f.type == "multiple_choice" and isinstance(value, list):
        return " ; ".join((f.option(v).label if f.option(v) else str(v)) for v in value)
    if f.type == "repeat_group" and isinstance(value, list):
        return repeat_text(f, value)
    return value


def export_fieldwork(data: FieldworkWorkbook, path: str | Path, progress: Progress | None = None) -> ExportSummary:
    """Write the workbook (atomically: a failure leaves any previous file untouched)."""
    from openpyxl import Workbook

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    if not path.parent.is_dir():
        raise ServiceError(f"Le dossier « {path.parent} » n'existe pas.")
    report = progress or (lambda *_: None)
    summary = ExportSummary(path)
    mask = _Masker()
    steps = 7
    ev = data.evaluation
    labels = data.labels

    wb = Workbook()
    readme = wb.active
    readme.title = "À lire"

    report(1, steps, "Ateliers…")
    workshops = data.workshops
    groups = {w.series_id: working_group_name(w.theme_label) for w in workshops if w.is_working_group}
    responses = data.responses
    ws = wb.create_sheet("Ateliers")
    headers = [
        "Groupe",
        "Atelier",
        "Thème",
        "Séance",
        "Date",
        "Heure",
        "Lieu",
        "QPV",
        "Participants",
    ]
    headers += list(PARTICIPANT_PROFILES.values()) + ["Fiche", "Réponses"]
    rows = []
    for w in workshops:
        rows.append(
            [
                groups.get(w.series_id, w.group_label) if w.is_working_group else w.group_label,
                w.title,
                w.theme_label,
                w.session or None,
                _iso_to_date(w.date),
                w.start_time,
                w.place,
                ", ".join(w.qpv_codes),
                participants_total(w.participants),
            ]
            + [w.participants.get(k) or None for k in PARTICIPANT_PROFILES]
            + [STATUS_LABELS.get(w.status, w.status), f"{w.answered}/{w.questions}"]
        )
    table(
        ws,
        headers,
        rows,
        widths=[20, 36, 24, 7, 11, 7, 28, 18, 12] + [11] * len(PARTICIPANT_PROFILES) + [11, 10],
        wrap=(0, 1, 2, 6, 7),
    )
    summary.sheets[ws.title] = len(rows)

    report(2, steps, "Notes des ateliers…")
    ws = wb.create_sheet("Notes des ateliers")
    rows = []
    for w in workshops:
        resp = responses.get(w.response_id)
        if resp is None:
            continue
        for page, f, value in _answered(data.workshop_forms[w.id], resp.answers):
            if f.type not in ("text", "long_text", "repeat_group", "integer"):
                continue
            cell = format_answer(f, value)
            cell = mask(cell) if isinstance(cell, str) else str(cell)
            rows.append([w.title, _iso_to_date(w.date), page.title, f.label, _category(f), cell])
    table(
        ws,
        ["Atelier", "Date", "Étape", "Question", "Rubrique", "Réponse"],
        rows,
        widths=[30, 12, 34, 48, 15, 90],
        wrap=(0, 2, 3, 5),
    )
    summary.sheets[ws.title] = len(rows)

    report(3, steps, "Immersions…")
    ws = wb.create_sheet("Immersions")
    form = data.immersion_form
    fields = [f for p in form.pages for f in p.fields if f.answerable]
    rows = []
    counts = data.attachment_counts
    for imm in data.immersions:
        resp = responses.get(imm.response_id)
        answers = resp.answers if resp else {}
        row = [groups.get(imm.series_id, "")]
        for f in fields:
            cell = format_answer(f, answers.get(f.id))
            row.append(mask(cell) if isinstance(cell, str) and f.type == "long_text" else cell)
        row += [counts.get(imm.id, 0) or None, STATUS_LABELS.get(imm.status, imm.status)]
        rows.append(row)
    table(
        ws,
        ["Groupe de travail"] + [f.label for f in fields] + ["Photos et documents", "Fiche"],
        rows,
        widths=[26] + [40 if f.type == "long_text" else 18 for f in fields] + [12, 11],
        wrap=(0,)
        + tuple(
            i + 1
            for i, f in enumerate(fields)
            if f.type in ("text", "long_text", "multiple_choice", "single_choice")
        ),
    )
    summary.sheets[ws.title] = len(rows)

    report(4, steps, "Témoignages et contributions (avec accord d'utilisation)…")
    testimonies = data.testimonies
    tf = data.testimony_fields
    for kind, title in (("testimony", "Témoignages"), ("contribution", "Contributions")):
        ws = wb.create_sheet(title)
        rows = []
        for t in testimonies:
            if t.kind != kind:
                continue
            if not t.usable:
                summary.left_out += 1
                continue
            answers = responses[t.response_id].answers if t.response_id in responses else {}
            row = [t.pseudonym or "(sans code)"]
            if kind == "contribution":
                row.append(_contribution_type(t.contribution_type))
            row += [
                t.profile_label,
                labels.ages.get(answers.get(tf["age_group"]), answers.get(tf["age_group"])),
                t.qpv,
                t.theme_label,
                groups.get(t.series_id, ""),
                _iso_to_date(t.date),
                labels.supports.get(answers.get(tf["medium"]), answers.get(tf["medium"])),
            ]
            if kind == "contribution":
                row += [
                    answers.get(tf["related_action"]),
                    mask(str(answers.get(tf["resource_description"]) or "")) or None,
                ]
            row += [
                mask(str(answers.get(tf["testimony_text"]) or "")),
                "Oui" if t.consent_broadcast else "Non",
                t.retention_date,
            ]
            rows.append(row)
        headers = ["Code"] + (["Type"] if kind == "contribution" else [])
        headers += ["Profil", "Âge", "Quartier", "Thème", "Groupe de travail", "Date du recueil", "Support"]
        if kind == "contribution":
            headers += ["Action concernée", "Ressource"]
        headers += ["Texte", "Diffusion voix / image autorisée", "Conservation jusqu'au"]
        widths = [9] + ([18] if kind == "contribution" else []) + [22, 14, 22, 26, 30, 12, 16]
        widths += ([24, 40] if kind == "contribution" else []) + [90, 14, 14]
        table(ws, headers, rows, widths=widths, wrap=tuple(range(1, len(headers))))
        summary.sheets[ws.title] = len(rows)

    report(5, steps, "Engagements…")
    ws = wb.create_sheet("Engagements")
    commitments = data.commitments
    rows = [
        [
            c.number,
            c.title,
            c.pilot,
            status_label(c.status),
            _iso_to_date(c.due_date) or None,
            c.evidence or None,
            c.comment or None,
        ]
        for c in commitments
    ]
    table(
        ws,
        ["N°", "Intitulé", "Pilote", "Statut", "Échéance", "Preuves", "Commentaire"],
        rows,
        widths=[6, 60, 28, 14, 12, 40, 40],
        wrap=(1, 2, 5, 6),
    )
    color_statuses(ws, 4, len(rows))
    summary.sheets[ws.title] = len(rows)

    report(6, steps, "Avancement des engagements…")
    _progress_sheet(wb.create_sheet("Avancement engagements"), data)

    summary.masked = mask.count
    _readme(readme, ev, summary)
    report(7, steps, "Enregistrement du fichier…")
    _save(wb, path)
    return summary


def _contribution_type(value: str) -> str:
    from desktop_app.core.fieldwork import CONTRIBUTION_TYPES

    return CONTRIBUTION_TYPES.get(value, value)


def _category(field: FormField) -> str:
    from desktop_app.core.fieldwork_synthesis import CATEGORY_LABELS

    return CATEGORY_LABELS.get(category_of(field), "")


def _answered(form: Form, answers: dict) -> list[tuple[Any, FormField, Any]]:
    out = []
    for page in form.pages:
        for f in page.fields:
            value = answers.get(f.id)
            if f.answerable and value not in (None, "", []):
                out.append((page, f, value))
    return out


def _progress_sheet(ws, data: FieldworkWorkbook) -> None:
    from openpyxl.styles import Alignment, Font

    summary = data.commitment_summary
    append_row(ws, ["Avancement des engagements"])
    ws["A1"].font = Font(bold=True, size=13)
    append_row(ws, [summary.text()])
    ws.merge_cells("A2:F2")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[2].height = 34
    append_row(ws, [])
    start = ws.max_row + 1
    rows = [
        [status_label(s), summary.count(s), summary.percent(s) / 100]
        for s in list(COMMITMENT_STATUSES) + [""]
    ]
    rows = [r for r in rows if r[1]]
    append_table(ws, ["Statut", "Engagements", "Part"], rows, start)
    for r in range(start + 1, start + 1 + len(rows)):
        ws.cell(row=r, column=3).number_format = "0 %"
    append_row(ws, [])
    by_pilot = data.commitments_by_pilot
    start = ws.max_row + 2
    put(ws, start - 1, 1, "Par pilote").font = Font(bold=True)
    append_table(
        ws,
        ["Pilote", "Engagements", "Réalisés", "En cours", "Non engagés", "Abandonnés"],
        [
            [p, s.total, s.count("realise"), s.count("en_cours"), s.count("non_engage"), s.count("abandonne")]
            for p, s in by_pilot
        ],
        start,
    )
    for col, width in zip("ABCDEF", (40, 13, 11, 11, 13, 12), strict=True):
        ws.column_dimensions[col].width = width
    print_setup(ws)
    ws.page_setup.orientation = "portrait"
    ws.print_title_rows = None
    if summary.total:
        try:
            _chart(ws, summary, f"A{ws.max_row + 3}")
        except Exception:  # noqa: BLE001 - a missing image library must not block the export
            pass


def _chart(ws, summary, anchor: str) -> None:
    import io

    from openpyxl.drawing.image import Image

    from desktop_app.exports.charts import bar_chart

    statuses = [s for s in list(COMMITMENT_STATUSES) + [""] if summary.count(s)]
    png = bar_chart(
        [status_label(s) for s in statuses],
        [summary.count(s) for s in statuses],
        title="Engagements par statut",
        width=6.0,
    )
    image = Image(io.BytesIO(png))
    image.width, image.height = image.width * 0.55, image.height * 0.55
    ws.add_image(image, anchor)


def _readme(ws, ev, summary: ExportSummary) -> None:
    from openpyxl.styles import Alignment, Font

    ws.delete_rows(1, ws.max_row)
    lines = [
        ("Travail de terrain de l'évaluation", True),
        (ev.display_name, False),
        (ev.territory_name, False),
        (f"Exporté le {format_date_fr(dt.date.today())} avec EvalKit Quartiers.", False),
        ("", False),
        ("Contenu", True),
    ]
    lines += [(f"• {name} : {n} ligne{'s' if n > 1 else ''}", False) for name, n in summary.sheets.items()]
    lines += [
        ("", False),
        ("Données personnelles", True),
        ("• Les personnes n'apparaissent que par leur code pseudonyme (T01, C01…) et leur profil.", False),
        (
            f"• Témoignages et contributions sans accord d'utilisation : {summary.left_out}, laissés de côté.",
            False,
        ),
        (
            "• Les listes nominatives de présence et les noms des animateurs des ateliers ne sont pas exportés "
            "(seulement les effectifs par profil).",
            False,
        ),
        (
            f"• Adresses e-mail, numéros de téléphone et noms repérés dans les textes : {summary.masked} masqué(s).",
            False,
        ),
        (
            "• Des données pseudonymisées restent des données personnelles : conservez ce fichier en lieu sûr et "
            "supprimez-le à la date de fin de conservation indiquée.",
            False,
        ),
    ]
    for text, bold in lines:
        append_row(ws, [text])
        cell = ws.cell(row=ws.max_row, column=1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=13 if ws.max_row == 1 else 11)
        elif line_count(text, 80) > 1:
            ws.row_dimensions[ws.max_row].height = 15 * line_count(text, 80) + 2
    ws.column_dimensions["A"].width = 80
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def _save(wb, path: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".xlsx.part")
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except PermissionError:
        Path(tmp).unlink(missing_ok=True)
        raise ServiceError(
            f"Impossible d'écrire « {path.name} » : le fichier est peut-être ouvert dans un tableur. Fermez-le et réessayez."
        ) from None
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ServiceError(f"Impossible d'écrire « {path.name} » : {exc.strerror}.") from None
