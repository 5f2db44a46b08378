"""Text as the application keeps it, whatever door it came in by.

Typed in a window, read from a spreadsheet, a questionnaire or a bundle, passed on the command
line: every text the store writes goes through `clean_text` (the store applies it to every text
and JSON column before a flush, see `store.text_guard`). So SQLite and PostgreSQL store the same
thing, and nothing stored can later make an export or a sync fail:

- Unicode NFC (an « é » typed on a Mac and one typed on Windows are the same text);
- line ends as "\\n" (CR LF and lone CR become LF);
- C0 control characters other than tab and line feed are dropped (NUL, vertical tab, form
  feed…: PostgreSQL refuses NUL, XML and therefore every xlsx/docx refuse them all);
- Unicode bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) are dropped: they
  make a text display in an order other than the one it is stored in ("Trojan source");
- lone surrogates and the non-characters U+FFFE / U+FFFF are dropped (UTF-8 cannot hold them).

`clean_text` is quick on the usual text (one regular-expression search, and an NFC check for
non-ASCII text), so it can run on every value.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# what clean_text removes or rewrites: C0 controls but tab and LF, CR, bidi, surrogates, U+FFFE/F
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_DROP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def needs_cleaning(text: str) -> bool:
    """True when `clean_text` would change the text."""
    if _UNWANTED.search(text) is not None:
        return True
    return not text.isascii() and not unicodedata.is_normalized("NFC", text)


def clean_text(text: str) -> str:
    """The text as the application stores it (see the module's docstring)."""
    if _UNWANTED.search(text) is not None:
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _DROP.sub("", text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def has_bidi_controls(text: str) -> bool:
    """True when the text holds a bidirectional override or isolate (which `clean_text` drops)."""
    return any(ch in text for ch in BIDI_CONTROLS)


def clean_value(value: Any) -> Any:
    """A JSON-like value (dicts, lists, strings, numbers…) with every string, keys included,
    cleaned; the same object when nothing had to change."""
    if isinstance(value, str):
        return clean_text(value) if needs_cleaning(value) else value
    if isinstance(value, dict):
        changed = False
        out = {}
        for k, v in value.items():
            ck = clean_value(k) if isinstance(k, str) else k
            cv = clean_value(v)
            changed = changed or ck is not k or cv is not v
            out[ck] = cv
        return out if changed else value
    if isinstance(value, (list, tuple)):
        items = [clean_value(v) for v in value]
        if any(a is not b for a, b in zip(items, value, strict=True)):
            return type(value)(items) if isinstance(value, list) else tuple(items)
        return value
    return value
