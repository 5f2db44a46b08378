"""Mail merge of a kit letter into a French administrative letter.

`merge_letter` replaces the `{{merge.fields}}` of the kit's template and arranges the result as
a letter is laid out in France: the sender (the letterhead, given to the exporter), the
recipient block, place and date, « Objet », « Références », the salutation and body (from the
template), the closing formula, the named signatory and « Pièces jointes ».

A merge field with no value is left visible as `[Label du champ]` so the facilitator sees what
to complete in the .docx instead of receiving a letter with a hole in a sentence.

The requested documents are one list, driven by the letter's options: a paragraph of the template
holding only `{{documents_demandes}}` (LIST_FIELD) is where their bullets go; with nothing
selected, one bullet `[Label du champ]` shows what to choose. A template without that paragraph
(kits before 1.1.0) gets the bullets after its paragraph citing `date_limite`.

Also here, the small rules the letter needs: the salutation from the recipient's civility and
title (« Madame la Directrice », else « Madame, Monsieur »), the postal address split into lines,
the town of a postal address (« 59500 Douai » -> « Douai »). Qt-free.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from desktop_app.core.french import clean_name, elides
from desktop_app.kit.schema import Letter

MERGE_RE = re.compile(r"\{\{\s*([a-z][a-z0-9_.]*)\s*\}\}")
LIST_FIELD = "documents_demandes"  # the template's paragraph standing for the list of documents
_LIST_RE = re.compile(r"^\{\{\s*" + LIST_FIELD + r"\s*\}\}$")
_POSTCODE_RE = re.compile(r"^\s*(?:F-?)?(\d{5})\s+(.+?)\s*$", re.IGNORECASE)
# "de {{partenaire.organisation}}" in a template written before the article-aware fields: read as
# "{{partenaire.de_nom}}" (« de la Région », « d'Habitat… ») when that value is given.
_OLD_DE_RE = re.compile(r"\b([Dd])e \{\{\s*(partenaire\.organisation|territoire\.nom)\s*\}\}")
_CEDEX_RE = re.compile(r"\s+cedex(\s+\d+)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Letterhead:
    sender: tuple[str, ...]  # the sender block, top left: structure, service, postal address
    date_line: str  # "Douai, le 5 décembre 2026"


@dataclass(frozen=True)
class MergedLetter:
    recipient: str  # who it is for (organisation), used in file names
    subject: str
    header: tuple[str, ...]  # the recipient block: person, function, organisation, address
    paragraphs: tuple[str, ...]  # salutation, body and closing formula
    bullets_after: int  # index of the paragraph the list of requested documents follows (-1: none)
    bullets: tuple[str, ...]
    signature: tuple[str, ...]  # the signatory's title and name
    missing: tuple[str, ...]  # labels of merge fields left empty
    references: tuple[str, ...] = ()  # « N/Réf. : … », « Affaire suivie par : … »
    enclosures: tuple[str, ...] = ()  # pièces jointes


def merge_text(text: str, values: Mapping[str, str], labels: Mapping[str, str], missing: set[str]) -> str:
    def with_de(match: re.Match) -> str:
        key = match.group(2).rsplit(".", 1)[0] + ".de_nom"
        value = (values.get(key) or "").strip()
        if not value:
            return match.group(0)
        return value[:1].upper() + value[1:] if match.group(1) == "D" else value

    text = _OLD_DE_RE.sub(with_de, text)

    def repl(match: re.Match) -> str:
        key = match.group(1)
        value = (values.get(key) or "").strip()
        if value:
            return value
        label = labels.get(key, key)
        missing.add(label)
        return f"[{label}]"

    return MERGE_RE.sub(repl, text)


def _paragraphs(text: str) -> list[str]:
    blocks = re.split(r"\n\s*\n", text.strip())
    return [" ".join(line.strip() for line in b.splitlines() if line.strip()) for b in blocks if b.strip()]


def address_lines(text: str) -> list[str]:
    """A postal address as typed in one cell ("1 place Jean-Jaurès, BP 20, 59870 Marchiennes")
    or on several lines, as the lines of an envelope."""
    parts = re.split(r"\s*(?:\n|;|,(?=\s*\S))\s*", str(text or ""))
    return [" ".join(p.split()) for p in parts if p.strip()]


def town_of(address: str) -> str:
    """The town of a French postal address: the text after the postcode on its last line with
    one, "CEDEX" dropped ("59500 Douai Cedex" -> "Douai"); "" when none is found."""
    for line in reversed(address_lines(address)):
        m = _POSTCODE_RE.match(line)
        if m:
            town = _CEDEX_RE.sub("", m.group(2)).strip()
            return town.title() if town.isupper() else town[:1].upper() + town[1:]
    return ""


def salutation(civility: str, title: str = "", contact: str = "") -> str:
    """The salutation, without its comma: "Madame la Directrice" when the recipient and their
    title are known, "Madame" / "Monsieur" when only the person is, else "Madame, Monsieur".
    The closing formula repeats it ("… d'agréer, Madame la Directrice, l'expression …")."""
    civility = (civility or "").strip()
    if civility not in ("Madame", "Monsieur") or not (contact or "").strip():
        return "Madame, Monsieur"
    title = " ".join((title or "").split())
    if not title:
        return civility
    title = title[0].upper() + title[1:]
    article = "l'" if elides(title) else ("la " if civility == "Madame" else "le ")
    return f"{civility} {article}{title}"


def recipient_block(organisation: str, civility: str = "", contact: str = "", role: str = "", address: str = "") -> list[str]:
    """The lines of the recipient block: "Madame Nadia Ouali", her function, the organisation
    (internal notes such as "(bailleur)" removed), then the postal address."""
    lines = []
    person = " ".join(x for x in ((civility or "").strip(), (contact or "").strip()) if x)
    if (contact or "").strip():
        lines.append(person)
        if (role or "").strip():
            lines.append(role.strip())
    name = clean_name(organisation)
    if name:
        lines.append(name)
    lines.extend(address_lines(address))
    return lines


def merge_letter(
    tool: Letter,
    values: Mapping[str, str],
    recipient: str = "",
    bullets: Sequence[str] = (),
    recipient_lines: Sequence[str] = (),
    references: Sequence[str] = (),
    enclosures: Sequence[str] = (),
) -> MergedLetter:
    """One letter for one recipient. A first paragraph of the template holding only address
    lines ("À l'attention de …" / organisation) is the template's own recipient block: it is
    replaced by `recipient_lines` when given (kept, merged, otherwise)."""
    labels = {m.id: m.label for m in tool.merge_fields}
    missing: set[str] = set()
    subject = merge_text(tool.subject, values, labels, missing)
    raw_blocks = re.split(r"\n\s*\n", tool.body.strip())
    header: list[str] = list(recipient_lines)
    if raw_blocks and "{{partenaire." in raw_blocks[0] and len(raw_blocks[0].splitlines()) <= 3:
        if not header:
            header = [merge_text(line.strip(), values, labels, missing) for line in raw_blocks[0].splitlines() if line.strip()]
        raw_blocks = raw_blocks[1:]
    marker = next((i for i, raw in enumerate(raw_blocks) if _LIST_RE.match(raw.strip())), None)
    if marker is not None:  # the list goes where the template says, after the paragraph before it
        raw_blocks = raw_blocks[:marker] + raw_blocks[marker + 1:]
        if not bullets:
            label = labels.get(LIST_FIELD, LIST_FIELD)
            missing.add(label)
            bullets = (f"[{label}]",)
    body = merge_text("\n\n".join(raw_blocks), values, labels, missing)
    paragraphs = _paragraphs(body)
    after = -1
    if marker is not None:
        after = max(0, marker - 1)
    elif bullets:
        for i, raw in enumerate(raw_blocks):
            if "date_limite" in raw:
                after = i
                break
        if after < 0:
            after = max(0, len(paragraphs) - 2)
    signature = [line.strip() for line in merge_text(tool.signature, values, labels, missing).splitlines() if line.strip()]
    return MergedLetter(
        recipient=clean_name(recipient) or recipient,
        subject=subject,
        header=tuple(header),
        paragraphs=tuple(paragraphs),
        bullets_after=after,
        bullets=tuple(bullets),
        signature=tuple(signature),
        missing=tuple(sorted(missing)),
        references=tuple(references),
        enclosures=tuple(enclosures),
    )
