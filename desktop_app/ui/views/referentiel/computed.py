"""The référentiel grid's « valeur calculée » notes: for each indicator the kit computes from the
evaluation's data, a note above its value says the computed value, n, the date of the latest
answer, the source, the target and the appreciation it suggests, and asks for the reason when
the facilitator's value or appreciation departs from it (`<indicator>.motif_ajustement`).

The values are computed once per visit of the screen (`ReferentielService.indicator_values`);
the notes follow the facilitator's answers from the matrix rebuilt after each save (no query)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from PySide6.QtWidgets import QLabel

from desktop_app.core.referentiel import IndicatorCell, Matrix
from desktop_app.kit.forms import Form, FormField

NOTE_SUFFIX = "._calcul"  # `<indicator>._calcul`: a generated note, never an answer


def note_id(indicator_id: str) -> str:
    return f"{indicator_id}{NOTE_SUFFIX}"


def note_texts(cell: IndicatorCell) -> tuple[str, str]:
    """(heading, body) of an indicator's computed-value note (the value's help, just below,
    gives the target, the baseline and the direction the kit declares)."""
    c = cell.computed
    if c is None:
        return "", ""
    if c.value is None:
        title = "Valeur calculée : pas encore de donnée"
    else:
        title = f"Valeur calculée : {cell.computed_text}"
        if cell.suggested is not None and not cell.value:
            title += f" — appréciation suggérée : {cell.suggested.label}"
    lines = [f"{c.detail()} · {c.source}" + (" (calcul de repli)" if c.fallback else "")]
    if cell.target:  # the value's help below repeats it with the baseline and the direction
        lines.append(f"Cible : {cell.target}")
    if cell.value:
        suggestion = f" ; appréciation suggérée d'après elle : {cell.suggested.label.lower()}" if cell.suggested else ""
        lines.append(f"Valeur saisie « {cell.value} » : elle remplace la valeur calculée dans la synthèse{suggestion}.")
    if cell.overridden and not cell.override_reason:
        lines.append("Écart avec le calcul : indiquez-en le motif plus bas (« Motif de l'écart avec le calcul »).")
    elif cell.overridden:
        lines.append(f"Écart avec le calcul, motif : {cell.override_reason}")
    return title, "\n".join(lines)


def with_computed_notes(form: Form, matrix: Matrix) -> Form:
    """The form with a note above the value of each computed indicator."""
    cells = {c.id: c for c in matrix.cells if c.computed is not None}
    if not cells:
        return form

    def fields_of(page):
        out: list[FormField] = []
        for f in page.fields:
            ind, _, key = f.id.partition(".")
            if key == "valeur" and ind in cells:
                title, body = note_texts(cells[ind])
                out.append(FormField(id=note_id(ind), type="note", label=title, help=body))
            out.append(f)
        return tuple(out)

    return replace(form, pages=tuple(replace(p, fields=fields_of(p)) for p in form.pages))


def update_notes(renderer, matrix: Matrix, only: Collection[str] | None = None) -> None:
    """Rewrite the computed-value notes already built (or those of `only`, field ids of rows just
    built: the grid builds its rows as they come into view, from the form read at first)."""
    for cell in matrix.cells:
        if cell.computed is None or only is not None and note_id(cell.id) not in only:
            continue
        row = renderer.built_row(note_id(cell.id))
        if row is None:
            continue
        labels = row.findChildren(QLabel)
        title, body = note_texts(cell)
        if len(labels) >= 2:
            labels[0].setText(title)
            labels[1].setText(body)
