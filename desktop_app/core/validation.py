"""Answers to form fields: read them as French users type them, check them, count them.

Used by the form renderer (as the user types) and by imports (answers typed in Excel), so it
accepts what people actually write: "12 500,50 €", "1 234", "oui" / "Non" / "x", "21/11/2026",
a choice's label instead of its value, several choices separated by ";" or ",".

Stored values, per field type:
    text, long_text -> str            integer, scale -> int        decimal -> float
    date -> "YYYY-MM-DD" str          single_choice -> option value str (or the free text typed
    multiple_choice -> list[str]        in "Autre" when `allow_other`)
    yes_no -> bool                    repeat_group -> list[dict[child id, value]]
An empty answer is None (never 0, "" or []).

Skip logic: a field (or page) is shown when its `show_if` expression is true; the answer of a
hidden field is ignored, so a field that depends on a hidden one is evaluated as if that one were
unanswered (`compute_visibility` / `effective_answers`).

Reading French numbers, dates and yes/no (and their French display) is `desktop_app.core.french`;
this module applies it field by field. Qt-free. Every message is French and user-facing.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from desktop_app.core.french import (
    NBSP,
    AnswerError,
    fold_key,
    format_date,
    format_number,
    parse_date,
    parse_number,
    parse_yes_no,
    shown,
)
from desktop_app.kit import expressions
from desktop_app.kit.forms import Form, FormField, Option, Page, iter_page_fields

# The French parsing and display moved to core.french; they stay importable from here.
__all__ = [
    "NBSP",
    "AnswerError",
    "Completion",
    "Visibility",
    "coerce",
    "completion",
    "compute_calculations",
    "constraint_message",
    "compute_visibility",
    "effective_answers",
    "format_date",
    "format_number",
    "is_answered",
    "is_blank",
    "is_visible",
    "item_scope",
    "match_option",
    "missing_items",
    "missing_required",
    "page_completion",
    "parse_date",
    "parse_number",
    "parse_yes_no",
    "validate",
    "visible_fields",
]


# --------------------------------------------------------------------------- small helpers


def is_blank(value: Any) -> bool:
    """True for an unanswered value: None, blank text, empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return len(value) == 0
    return False


def is_answered(value: Any) -> bool:
    return not is_blank(value)


# --------------------------------------------------------------------------- numbers


def _number(raw: Any, field: FormField, integer: bool) -> float:
    if isinstance(raw, bool):
        raise AnswerError(f"« {shown(raw)} » n'est pas un nombre")
    if isinstance(raw, (int, float, Decimal)):
        value = float(raw)
        if not math.isfinite(value):
            raise AnswerError(f"« {shown(raw)} » n'est pas un nombre")
        return value
    return parse_number(str(raw), unit=field.unit, integer=integer)


def _as_int(raw: Any, field: FormField) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    value = _number(raw, field, integer=True)
    if not value.is_integer():
        raise AnswerError(f"« {shown(raw)} » n'est pas un nombre entier")
    return int(value)


def _bound(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        try:
            return parse_number(str(value))
        except AnswerError:
            return None


def _range_message(low: float | None, high: float | None, unit: str | None) -> str:
    suffix = f" {unit}" if unit else ""
    if low is not None and high is not None:
        return f"La valeur doit être entre {format_number(low)} et {format_number(high)}{suffix}"
    if low is not None:
        return f"La valeur doit être supérieure ou égale à {format_number(low)}{suffix}"
    return f"La valeur doit être inférieure ou égale à {format_number(high)}{suffix}"  # type: ignore[arg-type]


# --------------------------------------------------------------------------- dates


def _iso_bound(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return parse_date(value)
    except AnswerError:
        return None


# --------------------------------------------------------------------------- choices


def _option_keys(opt: Option) -> list[str]:
    keys = [fold_key(opt.value), fold_key(opt.label)]
    short = opt.label.split(" : ", 1)[0]  # "3 – Structuré : description" -> "3 – Structuré"
    keys.append(fold_key(short))
    if " – " in short:  # "3 – Structuré" -> "Structuré"
        keys.append(fold_key(short.split(" – ", 1)[1]))
    return keys


def match_option(field: FormField, raw: Any) -> Option | None:
    """The option meant by a raw answer (value or label, any case, accents optional)."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    for opt in field.choices:
        if opt.value == text:
            return opt
    for opt in field.choices:
        if opt.label == text:
            return opt
    key = fold_key(text)
    if not key:
        return None
    for opt in field.choices:
        if key in _option_keys(opt):
            return opt
    return None


def _choices_text(field: FormField) -> str:
    labels = [opt.label.split(" : ", 1)[0] for opt in field.choices]
    text = ", ".join(labels)
    return text if len(text) <= 240 else text[:239] + "…"


def _not_a_choice(field: FormField, raw: Any) -> AnswerError:
    return AnswerError(f"« {shown(raw)} » ne fait pas partie des choix proposés : {_choices_text(field)}")


def _split_choices(field: FormField, text: str) -> list[str]:
    if match_option(field, text):
        return [text]
    parts: list[str] = []
    for piece in re.split(r"[;\n|]", text):
        if not piece.strip():
            continue
        if match_option(field, piece) or "," not in piece:
            parts.append(piece)
        else:
            parts.extend(p for p in piece.split(",") if p.strip())
    return parts


# --------------------------------------------------------------------------- per type parsers


def _parse_text(field: FormField, raw: Any) -> str | None:
    if isinstance(raw, bool):
        text = "Oui" if raw else "Non"
    elif isinstance(raw, (int, float, Decimal)):
        text = format_number(float(raw) if isinstance(raw, Decimal) else raw)
    elif isinstance(raw, (dt.date, dt.datetime)):
        text = parse_date(raw).strftime("%d/%m/%Y")
    else:
        text = str(raw).replace("\r\n", "\n").replace("\r", "\n")
    if field.type == "text":
        text = " ".join(text.split())
    text = text.strip()
    return text or None


def _parse_integer(field: FormField, raw: Any) -> int:
    return _as_int(raw, field)


def _parse_decimal(field: FormField, raw: Any) -> float:
    return _number(raw, field, integer=False)


def _parse_scale(field: FormField, raw: Any) -> int:
    if isinstance(raw, str):
        key = fold_key(raw)
        if field.min_label and key == fold_key(field.min_label) and _bound(field.min) is not None:
            return int(_bound(field.min))  # type: ignore[arg-type]
        if field.max_label and key == fold_key(field.max_label) and _bound(field.max) is not None:
            return int(_bound(field.max))  # type: ignore[arg-type]
    try:
        return _as_int(raw, field)
    except AnswerError:
        low, high = _bound(field.min), _bound(field.max)
        if low is not None and high is not None:
            raise AnswerError(
                f"« {shown(raw)} » n'est pas une valeur de l'échelle (de {format_number(low)} à {format_number(high)})"
            ) from None
        raise


def _parse_date_field(field: FormField, raw: Any) -> str:
    return parse_date(raw).isoformat()


def _parse_single(field: FormField, raw: Any) -> str | None:
    if isinstance(raw, (list, tuple)):
        raw = [r for r in raw if not is_blank(r)]
        if not raw:
            return None
        if len(raw) > 1:
            raise AnswerError("Une seule réponse est possible pour cette question")
        raw = raw[0]
    opt = match_option(field, raw)
    if opt is not None:
        return opt.value
    if field.allow_other:
        return " ".join(str(raw).split())
    raise _not_a_choice(field, raw)


def _parse_multiple(field: FormField, raw: Any) -> list[str] | None:
    if isinstance(raw, (list, tuple, set, frozenset)):
        parts = [p for p in raw if not is_blank(p)]
    else:
        parts = _split_choices(field, str(raw) if not isinstance(raw, float) else format_number(raw))
    chosen: set[str] = set()
    others: list[str] = []
    for part in parts:
        opt = match_option(field, part)
        if opt is not None:
            chosen.add(opt.value)
        elif field.allow_other:
            text = " ".join(str(part).split())
            if text not in others:
                others.append(text)
        else:
            raise _not_a_choice(field, part)
    values = [opt.value for opt in field.choices if opt.value in chosen] + others
    return values or None


def _parse_yes_no(field: FormField, raw: Any) -> bool:
    return parse_yes_no(raw)


def _item_name(field: FormField, n: int) -> str:
    return f"{field.item_label or 'Élément'} {n}"


_DRAFT_KEY_RE = re.compile(r"^(?P<group>[^\[\]]+)\[(?P<n>[1-9][0-9]*)\]\.(?P<child>.+)$")


def draft_key(group_id: str, n: int, child_id: str) -> str:
    """The key of a text kept « à corriger » in a sub-question of a repeat group: item `n`
    (from 1, its place among the stored items) of `group_id`, e.g. « membres[2].age »."""
    return f"{group_id}[{n}].{child_id}"


def split_draft_key(key: str) -> tuple[str, int | None, str | None]:
    """(field id, item number, sub-question id) of a draft key; (key, None, None) for a plain
    field."""
    m = _DRAFT_KEY_RE.match(key)
    if m is None:
        return key, None, None
    return m["group"], int(m["n"]), m["child"]


def group_draft_lines(field: FormField, drafts: Mapping[str, str]) -> list[tuple[str, str]]:
    """(draft key, French description) of the texts kept « à corriger » in the items of a
    repeat group, by item then sub-question order."""
    children = {c.id: (i, c) for i, c in enumerate(field.children)}
    found = []
    for key, text in drafts.items():
        group, n, child_id = split_draft_key(key)
        if group != field.id or n is None or child_id not in children:
            continue
        order, child = children[child_id]
        found.append(((n, order), key, f"« {field.label} », {_item_name(field, n)}, « {child.label} » (saisi : « {text} »)"))
    return [(key, line) for _, key, line in sorted(found)]


def _parse_repeat(field: FormField, raw: Any) -> list[dict] | None:
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, (list, tuple)):
        raise AnswerError("Cette réponse doit être une liste d'éléments (groupe répété)")
    children = {c.id: c for c in field.children}
    items: list[dict] = []
    for n, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping):
            raise AnswerError(f"{_item_name(field, n)} : réponse invalide")
        out: dict = {}
        for key, value in item.items():
            child = children.get(key)
            if child is None:
                out[key] = value  # unknown data is kept, never silently dropped
                continue
            try:
                coerced = coerce(child, value)
            except AnswerError as exc:
                raise AnswerError(f"{_item_name(field, n)}, « {child.label} » : {exc.message}") from None
            if coerced is not None:
                out[key] = coerced
        items.append(out)
    return items or None


_PARSERS = {
    "text": _parse_text,
    "long_text": _parse_text,
    "integer": _parse_integer,
    "decimal": _parse_decimal,
    "scale": _parse_scale,
    "date": _parse_date_field,
    "single_choice": _parse_single,
    "multiple_choice": _parse_multiple,
    "yes_no": _parse_yes_no,
    "repeat_group": _parse_repeat,
}


def coerce(field: FormField, raw: Any, answers: Mapping[str, Any] | None = None) -> Any:
    """The stored value of a raw answer (see the module docstring), None when blank.

    Raise AnswerError with a French message when the answer cannot be read or breaks a rule
    (bounds, choices); `required` is not checked here (see `missing_required`).
    """
    parser = _PARSERS.get(field.type)
    if parser is None or is_blank(raw):
        return None
    value = parser(field, raw)
    if value is None:
        return None
    message = validate(field, value, answers)
    if message:
        raise AnswerError(message)
    return value


# --------------------------------------------------------------------------- validate


def validate(field: FormField, value: Any, answers: Mapping[str, Any] | None = None) -> str | None:
    """French message when a stored value breaks the field's rules, else None.

    A blank value is valid here: missing required answers are reported by `missing_required`.
    The field's `constraint` is evaluated with `.` = the value and the other questions read in
    `answers`; when false, its `constraint_message` (or a generic French message) is returned.
    Without `answers` (an import reading one cell at a time), a constraint citing other questions
    is not evaluated here: it is when the whole response is checked (`missing_items`, the
    questionnaire service's `problems`).
    """
    if is_blank(value) or not field.answerable:
        return None
    message = _validate_type(field, value)
    if message is None and field.constraint:
        message = constraint_message(field, value, answers)
    return message


def constraint_message(field: FormField, value: Any, answers: Mapping[str, Any] | None) -> str | None:
    """The field's constraint message when `value` breaks its `constraint`, else None.
    A constraint that cannot be read (checked by `kit check`) accepts the answer; one citing
    other questions is not evaluated without `answers`."""
    try:
        expr = expressions.parse(field.constraint or "")
    except expressions.ExpressionError:
        return None
    if answers is None:
        if expr.names - {expressions.SELF}:
            return None
        answers = {}
    if expr.evaluate(ChainMap({expressions.SELF: value}, answers)):
        return None
    return field.constraint_message or "Cette réponse ne respecte pas la règle de la question"


def _validate_type(field: FormField, value: Any) -> str | None:
    kind = field.type
    if kind in ("integer", "decimal", "scale"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "Un nombre est attendu"
        if kind != "decimal" and not float(value).is_integer():
            return f"« {shown(value)} » n'est pas un nombre entier"
        low, high = _bound(field.min), _bound(field.max)
        if (low is not None and value < low) or (high is not None and value > high):
            return _range_message(low, high, field.unit if kind != "scale" else None)
        return None
    if kind == "date":
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            return f"« {shown(value)} » n'est pas une date valide (JJ/MM/AAAA)"
        low, high = _iso_bound(field.min), _iso_bound(field.max)
        if low and high and not low <= day <= high:
            return f"La date doit être comprise entre le {low:%d/%m/%Y} et le {high:%d/%m/%Y}"
        if low and day < low:
            return f"La date ne peut pas être antérieure au {low:%d/%m/%Y}"
        if high and day > high:
            return f"La date ne peut pas être postérieure au {high:%d/%m/%Y}"
        return None
    if kind == "single_choice":
        if field.option(value) is None and not field.allow_other:
            return _not_a_choice(field, value).message
        return None
    if kind == "multiple_choice":
        if not isinstance(value, (list, tuple)):
            return "Une liste de choix est attendue"
        if not field.allow_other:
            for v in value:
                if field.option(v) is None:
                    return _not_a_choice(field, v).message
        message = exclusive_message(field, value)
        if message:
            return message
        return _count_message(len(value), field, "réponse", "réponses", "Choisissez")
    if kind == "yes_no":
        return None if isinstance(value, bool) else "Répondez par « Oui » ou « Non »"
    if kind in ("text", "long_text"):
        if not isinstance(value, str):
            return "Un texte est attendu"
        low, high = _bound(field.min), _bound(field.max)
        if high is not None and len(value) > high:
            return (
                f"Le texte ne doit pas dépasser {format_number(high)} caractères (actuellement {len(value)})"
            )
        if low is not None and len(value) < low:
            return f"Le texte doit compter au moins {format_number(low)} caractères"
        return None
    if kind == "repeat_group":
        if not isinstance(value, (list, tuple)):
            return "Une liste d'éléments est attendue"
        for n, item in enumerate(value, start=1):
            if not isinstance(item, Mapping):
                return f"{_item_name(field, n)} : réponse invalide"
            for child in field.children:
                message = validate(child, item.get(child.id))
                if message:
                    return f"{_item_name(field, n)}, « {child.label} » : {message}"
        noun = (field.item_label or "élément").lower()
        return _count_message(len(value), field, noun, noun + "s", "Ajoutez")
    return None


def exclusive_message(field: FormField, value: Any) -> str | None:
    """A multiple choice answer holding an exclusive option (« Aucune ») and another one."""
    if not isinstance(value, (list, tuple)) or len(value) < 2:
        return None
    for opt in field.choices:
        if opt.exclusive and opt.value in value:
            return (
                f"« {opt.label} » ne peut pas être cochée avec d'autres réponses : "
                f"décochez « {opt.label} » ou les autres réponses"
            )
    return None


def _count_message(count: int, field: FormField, one: str, many: str, verb: str) -> str | None:
    low, high = _bound(field.min), _bound(field.max)
    if low is not None and count < low:
        return f"{verb} au moins {int(low)} {one if low <= 1 else many}"
    if high is not None and count > high:
        return f"{verb} au plus {int(high)} {one if high <= 1 else many}"
    return None


# --------------------------------------------------------------------------- skip logic


def compute_calculations(form: Form, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The value of every calculated field (`calculate`), in form order (a calculation may cite an
    earlier one), as it is stored: int for integer, float for decimal, str for text and date;
    None when an answer it needs is missing or the result does not fit the field's type.

    Calculated values are stored with the other answers each time an answer changes (the form
    renderer does it), so exports, the synthesis and re-imports read them like any answer."""
    scope = dict(answers)
    out: dict[str, Any] = {}
    for _page, f in iter_page_fields(form):
        if not f.calculate:
            continue
        try:
            raw = expressions.parse(f.calculate).value(scope)
        except (expressions.ExpressionError, ArithmeticError):
            raw = None
        value = _calculated_value(f, raw)
        out[f.id] = value
        if value is None:
            scope.pop(f.id, None)
        else:
            scope[f.id] = value
    return out


def _calculated_value(field: FormField, raw: Any) -> Any:
    if raw is None or isinstance(raw, bool):
        return None
    if field.type in ("integer", "decimal"):
        if not isinstance(raw, (int, float)) or not math.isfinite(raw):
            return None
        return int(round(raw)) if field.type == "integer" else float(round(raw, 6))
    if field.type == "date":
        try:
            return dt.date.fromisoformat(str(raw)).isoformat()
        except ValueError:
            return None
    text = format_number(raw) if isinstance(raw, (int, float)) else str(raw)
    return text or None


def is_visible(item: FormField | Page, answers: Mapping[str, Any]) -> bool:
    """Evaluate the `show_if` of a field or page against answers (no condition: visible).

    Pass `effective_answers` (or use `visible_fields`) to follow chains of hidden questions.
    A condition that cannot be read shows the item rather than hiding it.
    """
    if not item.show_if:
        return True
    try:
        return expressions.parse(item.show_if).evaluate(answers)
    except expressions.ExpressionError:
        return True


@dataclass(frozen=True)
class Visibility:
    pages: frozenset[str]  # visible page ids
    fields: frozenset[str]  # visible top-level field ids (their page is visible too)
    answers: Mapping[str, Any]  # the answers with those of hidden fields removed


def compute_visibility(form: Form, answers: Mapping[str, Any]) -> Visibility:
    """Which pages and fields are shown, hidden answers being ignored (chains are followed)."""
    known = {f.id for _, f in iter_page_fields(form)}
    effective: dict[str, Any] = dict(answers)
    pages: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()
    for _ in range(10):  # a fixed point is reached in 1-2 rounds; the cap guards odd cycles
        pages = frozenset(p.id for p in form.pages if is_visible(p, effective))
        fields = frozenset(
            f.id for p in form.pages if p.id in pages for f in p.fields if is_visible(f, effective)
        )
        updated = {k: v for k, v in answers.items() if k not in known or k in fields}
        if updated == effective:
            break
        effective = updated
    return Visibility(pages, fields, effective)


def effective_answers(form: Form, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers that count: those of hidden fields removed."""
    return dict(compute_visibility(form, answers).answers)


def visible_fields(form: Form, answers: Mapping[str, Any]) -> list[FormField]:
    """Top-level fields shown for these answers, notes included, in form order."""
    vis = compute_visibility(form, answers)
    return [f for _, f in iter_page_fields(form) if f.id in vis.fields]


def item_scope(item: Mapping[str, Any], answers: Mapping[str, Any]) -> Mapping[str, Any]:
    """Answers seen by the sub-questions of one repeat-group item (the item first)."""
    return ChainMap(dict(item), dict(answers))


# --------------------------------------------------------------------------- completeness


@dataclass(frozen=True)
class Completion:
    answered: int
    total: int

    @property
    def complete(self) -> bool:
        return self.answered >= self.total

    @property
    def ratio(self) -> float:
        return self.answered / self.total if self.total else 1.0


def missing_required(form: Form, answers: Mapping[str, Any]) -> list[tuple[FormField, str]]:
    """(field, French message) for every visible required field left blank, in form order.

    Required sub-questions of a repeat group are checked in every item.
    """
    vis = compute_visibility(form, answers)
    out: list[tuple[FormField, str]] = []
    for page, f in iter_page_fields(form):
        if f.id not in vis.fields or not f.answerable:
            continue
        value = answers.get(f.id)
        if f.required and is_blank(value):
            out.append((f, f"{page.title} : la question « {f.label} » est obligatoire"))
        if f.type == "repeat_group" and isinstance(value, (list, tuple)):
            for n, item in enumerate(value, start=1):
                if not isinstance(item, Mapping):
                    continue
                scope = item_scope(item, vis.answers)
                for child in f.children:
                    if (
                        child.required
                        and child.answerable
                        and is_visible(child, scope)
                        and is_blank(item.get(child.id))
                    ):
                        out.append(
                            (child, f"{page.title} : « {child.label} » ({_item_name(f, n)}) est obligatoire")
                        )
    return out


def completion(form: Form, answers: Mapping[str, Any], visibility: Visibility | None = None) -> Completion:
    """Visible answerable fields (notes excluded) and how many of them are answered."""
    vis = visibility or compute_visibility(form, answers)
    fields = [f for _, f in iter_page_fields(form) if f.answerable and f.id in vis.fields]
    return Completion(sum(1 for f in fields if is_answered(answers.get(f.id))), len(fields))


def page_completion(
    form: Form, answers: Mapping[str, Any], visibility: Visibility | None = None
) -> dict[str, Completion]:
    """Completion of every page (a hidden page counts 0 / 0)."""
    vis = visibility or compute_visibility(form, answers)
    result = {}
    for page in form.pages:
        fields = [f for f in page.fields if f.answerable and f.id in vis.fields]
        result[page.id] = Completion(sum(1 for f in fields if is_answered(answers.get(f.id))), len(fields))
    return result


def missing_items(
    form: Form, answers: Mapping[str, Any], drafts: Mapping[str, str] | None = None
) -> list[str]:
    """What keeps a response from being complete, in French, in form order: the one rule of
    « Marquer comme complète » everywhere.

    Required questions left blank, texts kept « à corriger » (`drafts`: typed, not a valid
    answer), stored answers that break a rule, then per section the questions left without an
    answer. Empty: the response is complete."""
    drafts = drafts or {}
    vis = compute_visibility(form, answers)
    out = [message for _, message in missing_required(form, answers)]
    to_fix: list[str] = []
    blank: dict[str, int] = {}
    for page, f in iter_page_fields(form):
        if f.id not in vis.fields or not f.answerable:
            continue
        value = answers.get(f.id)
        if f.id in drafts:
            to_fix.append(f"{page.title} : « {f.label} » est à corriger (saisi : « {drafts[f.id]} »)")
            continue
        if f.type == "repeat_group":
            to_fix += [f"{page.title} : {line} est à corriger" for _key, line in group_draft_lines(f, drafts)]
        message = validate(f, value, vis.answers)
        if message:
            to_fix.append(f"{page.title} : « {f.label} » est à corriger : {message}")
        elif is_blank(value) and not f.required:
            blank[page.title] = blank.get(page.title, 0) + 1
    out += to_fix
    for title, n in blank.items():
        out.append(f"{title} : {n} question{'s' if n > 1 else ''} sans réponse")
    return out
