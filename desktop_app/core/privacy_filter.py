"""One privacy filter for every output (bundles, PDF, XLSX, DOCX, consolidation).

What leaves the application pseudonymised goes through a `PrivacyFilter`:
- the people the evaluation knows (team members, partners' contacts, questionnaire invitees,
  workshop facilitators and attendees, names given in fields the kit declares `personal`) are
  registered with a stable pseudonym (« Membre 3F2A1C »); wherever their name appears in a
  text — « Élodie Vasseur », « ELODIE VASSEUR », « Vasseur Élodie », « Mme Vasseur » (a
  surname alone when no other known person bears it) — it becomes that pseudonym, so one
  person gets the same pseudonym everywhere in one output;
- every e-mail address and French phone number (+33, 0X XX XX XX XX with spaces, dots or
  dashes) becomes « [e-mail retiré] » / « [téléphone retiré] »;
- in free texts (long answers, answers the kit marks `sensitive`), names the evaluation does
  not know but that look like people's names (`personal_data.scan`) become « [nom retiré] »;
- answers to fields the kit marks `personal` (contact details) are dropped.

Identifiers (ids, hashes, dates) are never touched. Qt-free and service-free: the kit's forms
and plain values in, plain values out.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.personal_data import _CIVILITY_RE, _EMAIL_RE, _FIRST_NAMES, _PHONE_RE, scan

EMAIL_MASK = "[e-mail retiré]"
PHONE_MASK = "[téléphone retiré]"
NAME_MASK = "[nom retiré]"

FREE_TEXT_TYPES = ("long_text", "text")
# keys whose values are identifiers, codes or bookkeeping: never rewritten
_ID_KEY_RE = re.compile(r"(^id$|_id$|_ids$|^sha256$|^kit_version$|^revision$|^created_at$|^updated_at$|^date|_date$)")
_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_NAME_SPLIT_RE = re.compile(r"\s*(?:[,;/+]|\bet\b|&)\s*")
_PAREN_RE = re.compile(r"\([^)]*\)")


def pseudonym(prefix: str, key: str) -> str:
    """A stable pseudonym: the same person gets the same code in every export."""
    return f"{prefix} {hashlib.sha256(key.encode()).hexdigest()[:6].upper()}"


_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def plain(text: str) -> str:
    """Lower case without accents: « Élodie » and « ELODIE » compare equal."""
    if text.isascii():
        return text.casefold()
    return _COMBINING_RE.sub("", unicodedata.normalize("NFKD", text)).casefold()


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", plain(text))


_CLASSES: dict[str, str] = {}


def _char_class(c: str) -> str:
    """A regex matching one letter written with or without its accent, in any case."""
    cls = _CLASSES.get(c)
    if cls is None:
        variants = {c, c.upper()}
        for code in range(0xC0, 0x250):  # Latin-1 supplement and Latin Extended-A/B
            ch = chr(code)
            if plain(ch) == c:
                variants.add(ch)
        cls = _CLASSES[c] = "[" + "".join(re.escape(v) for v in sorted(variants)) + "]" if len(variants) > 1 else re.escape(c)
    return cls


def _token_pattern(token: str) -> str:
    return "".join(_char_class(c) if c.isalpha() else re.escape(c) for c in token)


def _variant_pattern(tokens: tuple[str, ...]) -> str:
    return r"[\s\-‐'’.]+".join(_token_pattern(t) for t in tokens)


def looks_like_name(text: str) -> bool:
    """A value that reads as a person's name (« Samia Benali », « DUPONT Jean »): 2 to 5 words,
    letters only, each starting with a capital; or one `personal_data.scan` takes for a name."""
    words = text.split()
    if 2 <= len(words) <= 5 and all(w[:1].isupper() and re.fullmatch(r"[^\W\d_][\w\-'’.]*", w) for w in words):
        return True
    return any(f.kind == "name" for f in scan(text))


def _may_name_someone(text: str) -> bool:
    """A quick look before `personal_data.scan`: a common first name or a civility (« Mme »,
    « Monsieur »…) is in the text; without either, scan finds no name."""
    if _CIVILITY_RE.search(text):
        return True
    return not _FIRST_NAMES.isdisjoint(_tokens(text))


@dataclass
class _Person:
    pseudonym: str
    first: tuple[str, ...]
    last: tuple[str, ...]


@dataclass
class PrivacyFilter:
    """The people one output knows about, and how to make any text or answer safe to send."""

    people: dict[tuple[str, ...], _Person] = field(default_factory=dict)  # full plain tokens -> person
    masked: int = 0  # how many excerpts were replaced (for the exports' summaries)
    _variants: dict[tuple[str, ...], str] | None = None
    _by_first: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)  # first token -> variants
    _patterns: dict[frozenset, re.Pattern | None] = field(default_factory=dict)
    _done: dict[tuple[str, bool], tuple[str, int]] = field(default_factory=dict)  # text -> (filtered, masked)

    # -- people --------------------------------------------------------------------------------
    def add_person(self, name: str, key: str, prefix: str = "Personne") -> str | None:
        """Register a person by name; their pseudonym (the first one given for that name)."""
        name = _PAREN_RE.sub(" ", name or "").strip()
        words = name.split()
        if len(words) < 2:
            return None
        tokens = tuple(_tokens(name))
        if len(tokens) < 2:
            return None
        held = self.people.get(tokens)
        if held is not None:
            return held.pseudonym
        caps = [i for i, w in enumerate(words) if len(w) > 1 and w.isupper()]
        if caps and len(caps) < len(words):  # « DUPONT Jean », « Jean DUPONT »
            last_words = [words[i] for i in caps]
            first_words = [w for i, w in enumerate(words) if i not in caps]
        else:
            first_words, last_words = words[:1], words[1:]
        person = _Person(pseudonym(prefix, key), tuple(_tokens(" ".join(first_words))), tuple(_tokens(" ".join(last_words))))
        self.people[tokens] = person
        self._variants = None
        self._patterns.clear()
        self._done.clear()
        return person.pseudonym

    def add_people_in(self, text: str, key: str, prefix: str = "Personne") -> None:
        """Register every name in a list of people (« Élodie Vasseur (animation), Antoine
        Delattre »), or found in a contact detail (« Marie Dupont — marie@… »)."""
        if not text:
            return
        for piece in _NAME_SPLIT_RE.split(_PAREN_RE.sub(" ", str(text))):
            piece = _EMAIL_RE.sub(" ", piece)
            piece = re.split(r"\s[—–-]\s", piece)[0].strip()
            if piece and looks_like_name(piece):
                self.add_person(piece, f"{key}:{plain(piece)}", prefix)
        for finding in scan(str(text)):
            if finding.kind == "name":
                self.add_person(finding.text, f"{key}:{plain(finding.text)}", prefix)

    def pseudonym_of(self, name: str) -> str | None:
        person = self.people.get(tuple(_tokens(_PAREN_RE.sub(" ", name or ""))))
        return person.pseudonym if person else None

    def _variant_map(self) -> dict[tuple[str, ...], str]:
        """Plain token sequences -> pseudonym: « prénom nom », « nom prénom », and the surname
        alone when only one known person bears it."""
        if self._variants is None:
            variants: dict[tuple[str, ...], str] = {}
            surnames: dict[tuple[str, ...], set[str]] = {}
            for person in self.people.values():
                variants[person.first + person.last] = person.pseudonym
                variants[person.last + person.first] = person.pseudonym
                if person.last and sum(len(t) for t in person.last) >= 3:
                    surnames.setdefault(person.last, set()).add(person.pseudonym)
            firsts = {p.first for p in self.people.values()}
            for last, who in surnames.items():
                if len(who) == 1 and last not in variants and last not in firsts:
                    variants[last] = next(iter(who))
            self._variants = variants
            self._by_first = {}
            for v in variants:
                self._by_first.setdefault(v[0], []).append(v)
        return self._variants

    def _pattern_for(self, words: set[str]) -> tuple[re.Pattern | None, dict[tuple[str, ...], str]]:
        variants = self._variant_map()
        by_first = self._by_first
        present = frozenset(v for w in words for v in by_first.get(w, ()) if all(t in words for t in v[1:]))
        if present not in self._patterns:
            if not present:
                self._patterns[present] = None
            else:
                ordered = sorted(present, key=lambda v: (-len(v), -sum(map(len, v))))
                body = "|".join(_variant_pattern(v) for v in ordered)
                # a whole word: « Vasseur », « entretien-vasseur.ogg », « T01_Vasseur », not « Vasseurdiers »
                self._patterns[present] = re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_])")
        return self._patterns[present], variants

    # -- texts -----------------------------------------------------------------------------------
    def text(self, value: str, guess_names: bool = False) -> str:
        """The text with known people pseudonymised, e-mails and phones removed, and (with
        `guess_names`, for free texts) other likely people's names removed."""
        if not value or not isinstance(value, str):
            return value
        key = (value, guess_names)
        done = self._done.get(key)
        if done is not None:
            self.masked += done[1]
            return done[0]
        before = self.masked
        out = self._text(value, guess_names)
        if len(self._done) > 50_000:
            self._done.clear()
        self._done[key] = (out, self.masked - before)
        return out

    def _text(self, value: str, guess_names: bool) -> str:
        out = value
        if self.people:
            words = set(_tokens(out))
            pattern, variants = self._pattern_for(words)
            if pattern is not None:
                def known(m: re.Match) -> str:
                    self.masked += 1
                    return variants.get(tuple(_tokens(m.group(0))), NAME_MASK)

                out = pattern.sub(known, out)
        if "@" in out:
            out, n = _EMAIL_RE.subn(EMAIL_MASK, out)
            self.masked += n
        out, n = _PHONE_RE.subn(PHONE_MASK, out)
        self.masked += n
        if guess_names and _may_name_someone(out):
            for finding in scan(out):
                if finding.kind == "name" and finding.text in out:
                    self.masked += out.count(finding.text)
                    out = out.replace(finding.text, NAME_MASK)
        return out

    def value(self, value: Any, guess_names: bool = False, key: str = "") -> Any:
        """Any JSON value with every text in it filtered (identifiers left as they are)."""
        if isinstance(value, str):
            if (key and _ID_KEY_RE.search(key)) or _UUID_RE.match(value):
                return value
            return self.text(value, guess_names)
        if isinstance(value, list):
            return [self.value(v, guess_names, key) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v, guess_names, str(k)) for k, v in value.items()}
        return value

    # -- answers to a kit tool ----------------------------------------------------------------
    def answers(self, rules: ToolRules | None, answers: Mapping[str, Any]) -> dict[str, Any]:
        """A response's answers with `personal` fields dropped and every text filtered (free
        texts also for unknown names)."""
        out: dict[str, Any] = {}
        for key, value in (answers or {}).items():
            base = str(key).split("[", 1)[0]
            if rules is not None and base in rules.personal:
                continue
            child = str(key).split("].", 1)[1] if "]." in str(key) else None  # a draft « group[n].child »
            if child is not None and rules is not None and base in rules.groups and child in rules.groups[base].personal:
                continue
            guess = rules is None or base in rules.free_text
            if isinstance(value, list) and rules is not None and base in rules.groups:
                sub = rules.groups[base]
                value = [self.answers(sub, item) if isinstance(item, dict) else self.value(item, guess) for item in value]
                out[key] = value
                continue
            out[key] = self.value(value, guess, str(key))
        return out


@dataclass(frozen=True)
class ToolRules:
    """What the kit declares about a tool's fields."""

    personal: frozenset[str] = frozenset()  # answers dropped from pseudonymised outputs
    free_text: frozenset[str] = frozenset()  # long texts and `sensitive` fields: unknown names guessed
    consent: tuple[str, ...] = ()  # yes/no fields recording the consent to use the record
    groups: dict[str, ToolRules] = field(default_factory=dict)  # repeat groups: rules of one item


def tool_rules(fields: Iterable[Any]) -> ToolRules:
    """Rules from compiled form fields (`kit.forms.FormField`: id, type, sensitive, personal,
    consent, children)."""
    personal, free, consent, groups = set(), set(), [], {}
    for f in fields:
        if getattr(f, "personal", False):
            personal.add(f.id)
        if f.type == "long_text" or getattr(f, "sensitive", False):
            free.add(f.id)
        if getattr(f, "consent", False):
            consent.append(f.id)
        if f.children:
            groups[f.id] = tool_rules(f.children)
    return ToolRules(frozenset(personal), frozenset(free), tuple(consent), groups)


def kit_rules(kit: Any) -> dict[str, ToolRules]:
    """{tool id: rules} for every form tool of a kit (tools that cannot be compiled are skipped)."""
    from desktop_app.kit.forms import compile_tool, iter_fields

    out: dict[str, ToolRules] = {}
    for tool_id in getattr(kit, "tools", {}):
        try:
            form = compile_tool(kit, tool_id)
        except Exception:  # noqa: BLE001 - a tool that is not a form (letters...): no answers to filter
            continue
        out[tool_id] = tool_rules(iter_fields(form))
    return out
