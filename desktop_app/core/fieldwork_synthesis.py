"""The synthesis of the fieldwork as plain data: every free text collected becomes an excerpt
(source, date, group, themes, QPV, heading) that the synthesis view filters and searches, with
accent- and case-insensitive search and highlighting.

Qt-free.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from desktop_app.core.fieldwork import CONTRIBUTION, IMMERSIONS_PER_THEME, REFERENTIAL_THEMES, TESTIMONY
from desktop_app.core.french import fold  # also imported from here by the screens
from desktop_app.kit.forms import Form, FormField

# --------------------------------------------------------------------------- text helpers


def query_words(query: str) -> list[str]:
    return [w for w in re.split(r"\s+", fold(query).strip()) if w]


def matches_query(haystack: str, query: str) -> bool:
    """Every word of the query appears in the text (case and accents ignored)."""
    words = query_words(query)
    if not words:
        return True
    folded = fold(haystack)
    return all(w in folded for w in words)


def highlight_spans(text: str, query: str) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of the query's words in the text, merged and sorted.

    Folding keeps one character per character for French text (accents are combining marks
    dropped after decomposition), so positions are found on a per-character fold.
    """
    words = query_words(query)
    if not words or not text:
        return []
    folded = "".join(fold(c)[:1] or c for c in text)
    spans = []
    for w in words:
        start = 0
        while (i := folded.find(w, start)) >= 0:
            spans.append((i, i + len(w)))
            start = i + len(w)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def match_qpv(text: str, qpvs: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """The QPV codes a free text names (by code or by name); the text itself when none matches."""
    raw = (text or "").strip()
    if not raw:
        return ()
    folded = fold(raw)
    found = [code for code, name in qpvs if code and fold(code) in folded]
    if not found:
        found = [code for code, name in qpvs if name and fold(name) in folded]
    return tuple(dict.fromkeys(found)) if found else (raw,)


# --------------------------------------------------------------------------- synthesis excerpts

CATEGORY_LABELS = {
    "note": "Notes",
    "verbatim": "Verbatims",
    "force": "Forces",
    "faiblesse": "Faiblesses",
    "preconisation": "Préconisations",
    "enseignement": "Enseignements",
    "temoignage": "Témoignages",
}
EXCERPT_KINDS = {
    "workshop": "Atelier",
    "immersion": "Immersion",
    TESTIMONY: "Témoignage",
    CONTRIBUTION: "Contribution",
}


def category_of(field) -> str:
    """What the synthesis files a field's answer under: its `excerpt` in the kit, else a note."""
    return getattr(field, "excerpt", None) or "note"


@dataclass(frozen=True)
class Excerpt:
    """One piece of collected text, with what it can be filtered on."""

    kind: str  # workshop | immersion | testimony | contribution
    record_id: str
    source: str
    date: str  # ISO or ""
    group: str
    themes: tuple[str, ...]
    qpv: tuple[str, ...]
    section: str
    question: str
    category: str
    text: str
    field_id: str = ""

    @property
    def haystack(self) -> str:
        return " ".join(
            (self.source, self.group, self.section, self.question, self.text, *self.themes, *self.qpv)
        )

    @cached_property
    def folded(self) -> str:
        """The haystack as searched (case and accents folded), computed once: a search through
        9,000 excerpts folded every one at each keystroke (0.2 s)."""
        return fold(self.haystack)


def repeat_text(f: FormField, items: Sequence[Any]) -> str:
    labels = {c.id: c for c in f.children}
    lines = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        parts = []
        for key, value in item.items():
            child = labels.get(key)
            if child is None or value in (None, "", []):
                continue
            if child.choices:
                opt = child.option(value)
                value = opt.label if opt else value
            parts.append(
                str(value)
                if child.type in ("text", "long_text") and not parts
                else f"{child.label} : {value}"
            )
        if parts:
            lines.append("• " + " — ".join(parts))
    return "\n".join(lines)


def excerpts_of(
    form: Form,
    answers: Mapping[str, Any],
    *,
    kind: str,
    record_id: str,
    source: str,
    date_iso: str = "",
    group: str = "",
    themes: Sequence[str] = (),
    qpv: Sequence[str] = (),
    theme_labels: Mapping[str, str] | None = None,
) -> list[Excerpt]:
    """Every free-text answer of a filled form, as excerpts (long texts and repeated items)."""
    labels = theme_labels or {}
    out = []
    for page in form.pages:
        page_themes = list(themes)
        if page.id in REFERENTIAL_THEMES:
            page_themes.append(labels.get(page.id, page.id))
        for f in page.fields:
            value = answers.get(f.id)
            if f.type == "long_text" and isinstance(value, str) and value.strip():
                text = value.strip()
            elif f.type == "repeat_group" and isinstance(value, list) and value:
                text = repeat_text(f, value)
            else:
                continue
            if not text:
                continue
            out.append(
                Excerpt(
                    kind=kind,
                    record_id=record_id,
                    source=source,
                    date=date_iso,
                    group=group,
                    themes=tuple(dict.fromkeys(t for t in page_themes if t)),
                    qpv=tuple(qpv),
                    section=page.title,
                    question=f.label,
                    category=category_of(f),
                    text=text,
                    field_id=f.id,
                )
            )
    return out


@dataclass(frozen=True)
class ExcerptFilter:
    kinds: frozenset[str] = frozenset()  # empty: every kind
    theme: str = ""
    group: str = ""
    qpv: str = ""
    category: str = ""
    query: str = ""

    def accepts(self, e: Excerpt, words: Sequence[str] | None = None) -> bool:
        """`words`: the query's, folded (`query_words`), when the caller asks for many excerpts."""
        if self.kinds and e.kind not in self.kinds:
            return False
        if self.theme and self.theme not in e.themes:
            return False
        if self.group and e.group != self.group:
            return False
        if self.qpv and self.qpv not in e.qpv:
            return False
        if self.category and e.category != self.category:
            return False
        words = query_words(self.query) if words is None else words
        return all(w in e.folded for w in words)


def filter_excerpts(excerpts: Iterable[Excerpt], flt: ExcerptFilter) -> list[Excerpt]:
    words = query_words(flt.query)
    return [e for e in excerpts if flt.accepts(e, words)]


@dataclass(frozen=True)
class Facets:
    themes: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    qpv: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


def facets(excerpts: Sequence[Excerpt]) -> Facets:
    """The values present in the data, sorted, for the filter lists."""
    themes = sorted({t for e in excerpts for t in e.themes}, key=fold)
    groups = sorted({e.group for e in excerpts if e.group}, key=fold)
    qpv = sorted({q for e in excerpts for q in e.qpv}, key=fold)
    cats = [c for c in CATEGORY_LABELS if any(e.category == c for e in excerpts)]
    return Facets(themes, groups, qpv, cats)


def immersion_coverage(
    group_themes: Sequence[tuple[str, str]], immersion_themes: Iterable[str]
) -> list[tuple[str, int, int]]:
    """(theme label, immersions done, target) for each working-group theme."""
    counts: dict[str, int] = {}
    for t in immersion_themes:
        counts[t] = counts.get(t, 0) + 1
    return [(label, counts.get(value, 0), IMMERSIONS_PER_THEME) for value, label in group_themes]
