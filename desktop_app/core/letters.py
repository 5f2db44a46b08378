"""Mail merge of a kit letter: `{{merge.fields}}` replaced, paragraphs split, gaps reported.

A merge field with no value is left visible as `[Label du champ]` so the facilitator sees what
to complete in the .docx instead of receiving a letter with a hole in a sentence.

Qt-free.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from desktop_app.kit.schema import Letter

MERGE_RE = re.compile(r"\{\{\s*([a-z][a-z0-9_.]*)\s*\}\}")


@dataclass(frozen=True)
class MergedLetter:
    recipient: str  # who it is for (organisation), used in file names
    subject: str
    header: tuple[str, ...]  # the recipient block ("À l'attention de …", organisation)
    paragraphs: tuple[str, ...]
    bullets_after: int  # index of the paragraph the list of requested documents follows (-1: none)
    bullets: tuple[str, ...]
    signature: tuple[str, ...]
    missing: tuple[str, ...]  # labels of merge fields left empty


def merge_text(text: str, values: Mapping[str, str], labels: Mapping[str, str], missing: set[str]) -> str:
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


def merge_letter(
    tool: Letter, values: Mapping[str, str], recipient: str = "", bullets: Sequence[str] = ()
) -> MergedLetter:
    """One letter for one recipient. The first paragraph of the body holding only the address
    lines ("À l'attention de …" / organisation) becomes the header block."""
    labels = {m.id: m.label for m in tool.merge_fields}
    missing: set[str] = set()
    subject = merge_text(tool.subject, values, labels, missing)
    raw_blocks = re.split(r"\n\s*\n", tool.body.strip())
    header: list[str] = []
    if raw_blocks and "{{partenaire." in raw_blocks[0] and len(raw_blocks[0].splitlines()) <= 3:
        header = [merge_text(line.strip(), values, labels, missing) for line in raw_blocks[0].splitlines() if line.strip()]
        raw_blocks = raw_blocks[1:]
    body = merge_text("\n\n".join(raw_blocks), values, labels, missing)
    paragraphs = _paragraphs(body)
    after = -1
    if bullets:
        for i, raw in enumerate(raw_blocks):
            if "date_limite" in raw:
                after = i
                break
        if after < 0:
            after = max(0, len(paragraphs) - 2)
    signature = [line.strip() for line in merge_text(tool.signature, values, labels, missing).splitlines() if line.strip()]
    return MergedLetter(
        recipient=recipient,
        subject=subject,
        header=tuple(header),
        paragraphs=tuple(paragraphs),
        bullets_after=after,
        bullets=tuple(bullets),
        signature=tuple(signature),
        missing=tuple(sorted(missing)),
    )
