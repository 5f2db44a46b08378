"""Stored answers shown as French text: the same wording in the PDF, the workbook and the screens.

Qt-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop_app.core.french import format_year, looks_like_year_range
from desktop_app.core.validation import format_date, format_number, is_blank
from desktop_app.kit.forms import FormField


def display_value(field: FormField, value: Any, empty: str = "") -> str:
    """`value` (as stored for `field`) in words: choice labels, French numbers and dates."""
    if is_blank(value):
        return empty
    kind = field.type
    if kind == "yes_no" or isinstance(value, bool):
        return "Oui" if value else "Non"
    if kind == "single_choice":
        opt = field.option(value)
        return opt.label if opt else str(value)
    if kind == "multiple_choice":
        values = value if isinstance(value, (list, tuple)) else [value]
        return " ; ".join((field.option(v).label if field.option(v) else str(v)) for v in values)
    if kind in ("integer", "decimal", "scale") and isinstance(value, (int, float)):
        year = kind == "integer" and not field.unit and looks_like_year_range(_bound(field.min), _bound(field.max))
        text = format_year(value) if year else format_number(value)
        return f"{text}\u00a0{field.unit}" if field.unit else text
    if kind == "date":
        return format_date(str(value))
    if kind == "repeat_group" and isinstance(value, (list, tuple)):
        items = []
        for item in value:
            if not isinstance(item, Mapping):
                continue
            parts = [display_value(c, item.get(c.id)) for c in field.children if c.answerable]
            items.append(" — ".join(p for p in parts if p))
        return "\n".join(f"• {i}" for i in items if i)
    return str(value).strip()


def _bound(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def option_color(field: FormField, value: Any) -> str | None:
    """The colour the kit gives a chosen option (appreciation scales, gap levels), if any."""
    if field.type != "single_choice" or is_blank(value):
        return None
    opt = field.option(value)
    return opt.color if opt else None
