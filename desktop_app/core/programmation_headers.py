"""Finding the header row of a programmation or subsidy table, and what each column holds.

The header is found by evidence: every candidate row is scored against the known column
vocabularies (the kit's programmation fields, the SCDL "subventions" schema in its camelCase and
older COLL_NOM / ATTRIB_NOM / SUB_MONTANT forms, DAUPHIN and common programmation exports), then
the rows below are checked against the column types. A row holding a number, an amount or a date
is never a header. A group label merged above some columns is combined with each heading below,
the column's own heading deciding what it holds ("Pilier / axe" under "Action" is the pillar).

Qt-free and without I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from desktop_app.core.programmation import (
    AMOUNT_TARGETS,
    FUNDERS,
    IGNORE,
    KNOWN_OTHER,
    MONEY_WORDS,
    NUMERIC_TARGETS,
    REQUESTED_WORDS,
    SINGLE_TARGETS,
    SYNONYMS,
    Target,
    _has_phrase,
    clean_text,
    is_blank,
    normalize,
    parse_number,
    parse_year,
)

# --------------------------------------------------------------------------- headers

@dataclass(frozen=True)
class HeaderGuess:
    row: int  # 0-based index in the grid
    labels: tuple[str, ...]
    score: int


def funder_label(header: str) -> str:
    """The funder named by an amount column header: "Montant accordé État (BOP 147)" -> "État (BOP 147)";
    "" when the header names no funder ("Montant accordé")."""
    text = clean_text(header)
    text = re.sub(r"\((en )?(€|euros?|eur)\)|€", " ", text, flags=re.IGNORECASE)
    words = text.split()
    skip = set(MONEY_WORDS) | {"de", "du", "des", "la", "le", "l", "d", "par", "au", "aux", "-", "–", ":"}

    def key(word: str) -> str:
        return normalize(word.strip("()[]:;,-–")) or word

    while words:
        first = re.sub(r"^(l|d)['’]", "", words[0], flags=re.IGNORECASE)
        if key(first) in skip:
            words.pop(0)
        elif first != words[0]:
            words[0] = first
        else:
            break
    while words and key(words[-1]) in skip:
        words.pop()
    text = " ".join(words).strip(" :-–")
    if text.count("(") < text.count(")"):
        text = text.rstrip(")")
    if not text:
        return ""
    return text[:1].upper() + text[1:]


def _funder_token(h: str) -> str | None:
    best = None
    for token in FUNDERS:
        if _has_phrase(h, token) and (best is None or len(token) > len(best)):
            best = token
    return best


def _numeric_share(values: Sequence[Any]) -> float:
    filled = [v for v in values if not is_blank(v)]
    if not filled:
        return 1.0  # nothing to contradict the header
    ok = 0
    for v in filled:
        n = parse_number(v)
        if n.value is not None or (n.note and "non communiqué" in n.note):
            ok += 1
    return ok / len(filled)


# Ties between two readings of a header go to the first kind of this list ("Objet": the title).
KIND_ORDER = (
    "amount", "requested", "title", "carrier", "siret", "file_number", "pillar", "qpv", "year", "funder",
    "total_cost", "beneficiaries_qpv", "beneficiaries", "first_year", "multi_year", "nature", "description",
)
_NOT_MONEY = ("total", "cout", "budget", "dont", "%", "pourcentage", "taux", "nombre", "nb", "habitants")


def rank_targets(header: Any, samples: Sequence[Any] = ()) -> list[tuple[int, Target]]:
    """Every reading of a column header, best first, with its score. A header of a known format
    that the app does not import (SCDL `idAttribuant`…) reads as IGNORE with a positive score."""
    h = normalize(header)
    if not h:
        return []
    found: dict[str, int] = {}
    for kind, phrases in SYNONYMS.items():
        for phrase in phrases:
            if h == phrase:
                score = 100 + len(phrase)
            elif _has_phrase(h, phrase):
                score = len(phrase)
            else:
                continue
            found[kind] = max(found.get(kind, 0), score)
    other = max((100 + len(p) if h == p else len(p) for p in KNOWN_OTHER if _has_phrase(h, p)), default=0)
    has_money = any(_has_phrase(h, w) for w in MONEY_WORDS if len(w) > 3) or "€" in str(header)
    funder = _funder_token(h)
    filled = [v for v in samples if not is_blank(v)]
    numeric = _numeric_share(samples) >= 0.6
    out: list[tuple[int, Target]] = []
    if (has_money or funder) and numeric and not any(_has_phrase(h, w) for w in _NOT_MONEY) and "%" not in str(header):
        kind = "requested" if any(_has_phrase(h, w) for w in REQUESTED_WORDS) else "amount"
        label = funder_label(str(header)) or (FUNDERS[funder] if funder else "")
        score = 60 + (20 if funder else 0)
        others = [(sc, k) for k, sc in found.items() if k not in ("year", "title")]
        best_other = max(others, default=(0, ""))
        specific = best_other[1] in ("beneficiaries", "beneficiaries_qpv", "file_number", "siret", "first_year", "multi_year")
        if best_other[0] < 100 and not (best_other[1] == "funder" and not has_money) and not (specific and best_other[0] >= 8):
            if found.get("year", 0) >= 100:
                score = 0  # "Année" holding 2024: a year, not an amount
            else:
                out.append((score, Target(kind, label)))
    for kind, score in found.items():
        if kind in NUMERIC_TARGETS and kind != "year" and not numeric:
            continue
        if kind == "year" and filled and sum(1 for v in filled if parse_year(v)) < 0.6 * len(filled):
            continue
        out.append((score, Target(kind)))
    out.sort(key=lambda st: (-st[0], KIND_ORDER.index(st[1].kind) if st[1].kind in KIND_ORDER else 99))
    if other and other > max((sc for sc, _t in out), default=0):
        out.insert(0, (other, IGNORE))
    return out


def guess_target(header: Any, samples: Sequence[Any] = ()) -> tuple[Target, int]:
    """What a column with this header (and these sample values) most likely holds, with a score
    (0 when nothing matches). Header words decide; sample values only veto numeric targets."""
    ranked = rank_targets(header, samples)
    return (ranked[0][1], ranked[0][0]) if ranked else (IGNORE, 0)


def _sniff(samples: Sequence[Any]) -> Target:
    """A column whose header says nothing: recognise SIRET numbers or QPV codes in its values."""
    filled = [clean_text(v) for v in samples if not is_blank(v)]
    if len(filled) < 2:
        return IGNORE
    siret = sum(1 for v in filled if re.fullmatch(r"\d{14}", re.sub(r"[\s.]", "", v)))
    qpv = sum(1 for v in filled if re.search(r"\bQ[NP]\d{3}", v.upper()) or re.search(r"\bQ[NP]0?2[AB]\d", v.upper()))
    if siret / len(filled) >= 0.6:
        return Target("siret")
    if qpv / len(filled) >= 0.6:
        return Target("qpv")
    return IGNORE


def _column_readings(label: str, sub: str, samples: Sequence[Any]) -> list[tuple[int, Target]]:
    """Readings of a column under a merged group header: the column's own heading decides
    ("Pilier / axe" under "Action" is the pillar); the group may name the funder of an amount
    ("État" under "Montants accordés")."""
    if not sub or sub == label:
        return rank_targets(label, samples)
    own = rank_targets(sub, samples)
    combined = rank_targets(label, samples)
    if not own or own[0][1].kind == "ignore" and own[0][0] == 0:
        return combined
    best_score, best = own[0]
    if best.kind in AMOUNT_TARGETS and not best.funder:
        funded = next((t for _s, t in combined if t.kind in AMOUNT_TARGETS and t.funder), None)
        if funded is not None:
            own = [(best_score, Target(best.kind, funded.funder))] + own[1:]
    if best.kind == "ignore" and combined and combined[0][1].kind in AMOUNT_TARGETS:
        return combined
    return own


def propose_mapping_scored(
    labels: Sequence[str], columns: Sequence[Sequence[Any]], subs: Sequence[str] | None = None
) -> tuple[list[Target], list[int]]:
    """One target per column and the score of its header; a single-valued target goes to the
    column that names it best, the other columns falling back on their next reading."""
    readings = [
        _column_readings(label, (subs[i] if subs and i < len(subs) else ""), columns[i] if i < len(columns) else ())
        for i, label in enumerate(labels)
    ]
    out: list[Target] = [IGNORE] * len(labels)
    scores = [0] * len(labels)
    taken: set[str] = set()
    order = sorted(range(len(labels)), key=lambda i: -(readings[i][0][0] if readings[i] else 0))
    for i in order:
        for score, target in readings[i]:
            if target.kind in SINGLE_TARGETS and target.kind in taken:
                continue
            out[i], scores[i] = target, score
            if target.kind in SINGLE_TARGETS:
                taken.add(target.kind)
            break
    for i, target in enumerate(out):
        if target.kind == "ignore" and scores[i] == 0 and i < len(columns):
            sniffed = _sniff(columns[i])
            if sniffed.kind != "ignore" and sniffed.kind not in taken:
                taken.add(sniffed.kind)
                out[i] = sniffed
    # Long format: a generic amount column next to a "funder" column takes its funder per row.
    if any(t.kind == "funder" for t in out):
        out = [Target(t.kind, "") if t.kind in AMOUNT_TARGETS and not _funder_token(normalize(labels[i])) else t
               for i, t in enumerate(out)]
    _one_granted_amount_per_funder(labels, out)
    return out, scores


GRANTED_WORDS = ("accorde", "accordee", "attribue", "attribuee", "vote", "votee", "verse", "versee", "alloue",
                 "allouee", "octroye", "octroyee", "notifie", "notifiee", "definitif", "mandate")


def _one_granted_amount_per_funder(labels: Sequence[str], out: list[Target]) -> None:
    """A funder has one granted amount per row: when several columns read as the same funder's
    granted amount ("Montant proposé", "Montant attribué"), the one saying granted keeps it and
    the others become requested amounts, so that the file's total is not counted twice."""
    groups: dict[str, list[int]] = {}
    for i, t in enumerate(out):
        if t.kind == "amount":
            groups.setdefault(t.funder, []).append(i)
    for cols in groups.values():
        if len(cols) < 2:
            continue
        granted = [i for i in cols if any(_has_phrase(normalize(labels[i]), w) for w in GRANTED_WORDS)]
        keep = granted[-1] if granted else None
        if keep is None:
            continue  # nothing tells them apart: the user decides in the dialog
        for i in cols:
            if i != keep:
                out[i] = Target("requested", out[i].funder)


def propose_mapping(labels: Sequence[str], columns: Sequence[Sequence[Any]], subs: Sequence[str] | None = None) -> list[Target]:
    """One target per column; single-valued targets go to the best-scored column only."""
    return propose_mapping_scored(labels, columns, subs)[0]


def header_parts(
    rows: Sequence[Sequence[Any]], header_row: int, merged: Sequence[tuple[int, int, int, int]] = ()
) -> tuple[list[str], list[str]]:
    """Column labels of a header row, and each column's own heading. A group label merged over
    some columns in the row above ("Montants accordés" over "État | Ville | Région", "Action" over
    "Intitulé | Pilier / axe") is put in front of each sub-label."""
    header = list(rows[header_row]) if header_row < len(rows) else []
    width = max((len(r) for r in rows[header_row: header_row + 30]), default=len(header))
    header += [None] * (width - len(header))
    subs = [clean_text(v) for v in header]
    labels = list(subs)
    if header_row == 0:
        return labels, subs
    for r1, c1, r2, c2 in merged:
        if r2 != header_row - 1 or r1 > header_row - 1:
            continue
        span = c2 - c1 + 1
        if span < 2 or span >= max(width - 1, 2):
            continue  # a title over the whole table is not a group label
        parent = clean_text(rows[r1][c1]) if c1 < len(rows[r1]) else ""
        if not parent:
            continue
        for c in range(c1, min(c2 + 1, width)):
            if labels[c] and normalize(parent) not in normalize(labels[c]):
                labels[c] = f"{parent} {labels[c]}"
            elif not labels[c]:
                labels[c] = parent
    return labels, subs


def header_labels(rows: Sequence[Sequence[Any]], header_row: int, merged: Sequence[tuple[int, int, int, int]] = ()) -> list[str]:
    return header_parts(rows, header_row, merged)[0]


def column_values(rows: Sequence[Sequence[Any]], start: int, col: int, limit: int = 40) -> list[Any]:
    out = []
    for row in rows[start: start + limit]:
        out.append(row[col] if col < len(row) else None)
    return out


def looks_like_value(cell: Any) -> bool:
    """A cell no header has: a number (a year aside), an amount typed as text, a date."""
    if isinstance(cell, bool):
        return False
    if isinstance(cell, (int, float)):
        return not (float(cell).is_integer() and 1990 <= cell <= 2100)
    if isinstance(cell, (date, datetime)):
        return True
    text = clean_text(cell)
    if not re.search(r"\d", text):
        return False
    n = parse_number(text)
    return n.value is not None and not n.approximate and not (n.value.is_integer() and 1990 <= n.value <= 2100)


_TEXT_KINDS = frozenset({"title", "carrier", "pillar", "funder", "nature"})


def _fits(target: Target, values: Sequence[Any]) -> bool | None:
    """Whether the values under a column fit what its header says (None: nothing to check)."""
    filled = [v for v in values if not is_blank(v)]
    if not filled or target.kind == "ignore":
        return None
    if target.kind in _TEXT_KINDS:
        return sum(1 for v in filled if not looks_like_value(v)) >= 0.6 * len(filled)
    if target.kind in AMOUNT_TARGETS or target.kind == "total_cost":
        return _numeric_share(filled) >= 0.6
    if target.kind == "siret":
        return sum(1 for v in filled if len(re.sub(r"\D", "", clean_text(v).split(".")[0])) in (9, 14)) >= 0.5 * len(filled)
    return None


def score_header(rows: Sequence[Sequence[Any]], r: int, merged: Sequence[tuple[int, int, int, int]] = ()) -> HeaderGuess | None:
    """The evidence that row `r` is the header: its cells named in the known vocabularies (the
    kit's fields, both SCDL variants, DAUPHIN and programmation exports), and the rows below
    fitting the column types. None when it cannot be the header."""
    row = rows[r]
    cells = [c for c in row if not is_blank(c)]
    if len({clean_text(c) for c in cells}) < 2:
        return None
    if any(looks_like_value(c) for c in cells):
        return None  # a number, an amount or a date: a data row, never a header
    labels, subs = header_parts(rows, r, merged)
    below = [rows[i] for i in range(r + 1, min(len(rows), r + 60)) if any(not is_blank(c) for c in rows[i])][:20]
    columns = [[row_[c] if c < len(row_) else None for row_ in below] for c in range(len(labels))]
    targets, scores = propose_mapping_scored(labels, columns, subs)
    kinds = {t.kind for t in targets}
    if not kinds & {"title", "carrier"}:
        return None
    mapped = [i for i, t in enumerate(targets) if t.kind != "ignore"]
    if len(mapped) + sum(1 for i, sc in enumerate(scores) if sc and targets[i].kind == "ignore") < 2:
        return None
    score = 0
    for i, target in enumerate(targets):
        if not scores[i] and target.kind == "ignore":
            continue
        score += 3 if scores[i] >= 100 else 2
        fit = _fits(target, columns[i])
        if fit is True:
            score += 1
        elif fit is False:
            score -= 3
    if not below:
        score -= 2
    return HeaderGuess(r, tuple(labels), score)


def detect_header(rows: Sequence[Sequence[Any]], merged: Sequence[tuple[int, int, int, int]] = (), scan: int = 60) -> HeaderGuess | None:
    """The header row, found by evidence: the row of the first `scan` rows whose cells name the
    most known columns (one of them the action's title or its carrier) with values below that
    fit. None when no row looks like a header."""
    best: HeaderGuess | None = None
    for r in range(min(scan, len(rows))):
        guess = score_header(rows, r, merged)
        if guess is not None and guess.score >= 4 and (best is None or guess.score > best.score):
            best = guess
    return best
