"""The layout of a questionnaire sent as an Excel file, shared by the writer and the reader.

One question per row. A hidden first column holds each row's key, so rows that a respondent
moved, deleted or added are recognised on import:

    question            <field id>                 the answer is in the answer column
    choice of a         <field id>=<option value>  "X" in the answer column = chosen
      multiple choice
    "Autre" of a        <field id>=*autre          free text
      multiple choice
    repeat group item   <group id>[<n>].<child id> one row per sub-question of item n
    section / note      #section:<id> / #note:<id> no answer

A very hidden sheet (`_evalkit`) identifies the questionnaire, the kit version, the evaluation,
the respondent the file was prepared for and a token unique to the generated file; it also lists
the questions (key, type, choice values) so a file from another kit version can be mapped.

Qt-free, openpyxl-free: plain descriptions of rows and French help texts.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from desktop_app.core.validation import format_number
from desktop_app.kit import expressions
from desktop_app.kit.forms import Form, FormField, Option

FORMAT = "evalkit-questionnaire"
FORMAT_VERSION = 2  # 2: the identification sheet carries a seal (`seal`)
KNOWN_FORMAT_VERSIONS = (1, 2)
SEAL_KEY = "seal"

SHEET_INSTRUCTIONS = "Mode d'emploi"
SHEET_QUESTIONS = "Questionnaire"
SHEET_LISTS = "Listes"
SHEET_META = "_evalkit"

KEY_COL, NUM_COL, LABEL_COL, ANSWER_COL, HELP_COL = 1, 2, 3, 4, 5
ANSWER_HEADER = "Votre réponse"
MARK = "X"
OTHER = "*autre"
REPEAT_SLOTS = 5
MAX_REPEAT_SLOTS = 12

TYPE_LABELS = {
    "text": "Texte court",
    "long_text": "Texte libre",
    "integer": "Nombre entier",
    "decimal": "Nombre",
    "date": "Date",
    "single_choice": "Choix unique",
    "multiple_choice": "Choix multiples",
    "scale": "Échelle",
    "yes_no": "Oui / Non",
    "repeat_group": "Liste d'éléments",
    "note": "Information",
}


# --------------------------------------------------------------------------- numbering


def on_sheet(f: FormField) -> bool:
    """A field the respondent answers in the sheet: not a note, and not a calculation (the
    application computes it on import; a row would invite a value that is then ignored)."""
    return f.answerable and not f.calculate


def question_numbers(form: Form) -> dict[str, str]:
    """{field id: "2.3"} for every top-level field answered in the sheet; sections are numbered from 1."""
    out: dict[str, str] = {}
    for s, page in enumerate(form.pages, start=1):
        n = 0
        for f in page.fields:
            if on_sheet(f):
                n += 1
                out[f.id] = f"{s}.{n}"
    return out


def section_numbers(form: Form) -> dict[str, int]:
    return {page.id: i for i, page in enumerate(form.pages, start=1)}


def short_label(option: Option) -> str:
    """"Copilote : nous décidons…" -> "Copilote" is too short for some lists: keep the label
    whole, except the description after " : " of long labels."""
    label = option.label
    if len(label) > 70 and " : " in label:
        return label.split(" : ", 1)[0]
    return label


# --------------------------------------------------------------------------- keys


def option_key(field_id: str, value: str) -> str:
    return f"{field_id}={value}"


def other_key(field_id: str) -> str:
    return f"{field_id}={OTHER}"


def item_key(group_id: str, n: int, child_id: str) -> str:
    return f"{group_id}[{n}].{child_id}"


@dataclass(frozen=True)
class Key:
    kind: str  # question | option | other | item | section | note | unknown
    field_id: str = ""
    option: str = ""
    item: int = 0
    child: str = ""


def parse_key(text: object) -> Key | None:
    """The meaning of a key cell, None for an empty cell."""
    if text is None:
        return None
    key = str(text).strip()
    if not key:
        return None
    if key.startswith("#section:"):
        return Key("section", key.split(":", 1)[1])
    if key.startswith("#note:"):
        return Key("note", key.split(":", 1)[1])
    if "=" in key:
        fid, _, value = key.partition("=")
        return Key("other" if value == OTHER else "option", fid, value)
    if "[" in key and "]." in key:
        gid, _, rest = key.partition("[")
        num, _, child = rest.partition("].")
        if num.isdigit():
            return Key("item", gid, item=int(num), child=child)
        return Key("unknown", key)
    if key.replace("_", "").replace("-", "").isalnum() and key[0].isalnum():
        return Key("question", key)
    return Key("unknown", key)


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class RowSpec:
    """One row of the questionnaire sheet."""

    kind: str  # section | note | question | option | other | item | group
    key: str
    number: str = ""
    label: str = ""
    help: str = ""
    field: FormField | None = None
    option: Option | None = None
    answerable: bool = True  # the answer cell is open to the respondent


def repeat_slots(field: FormField, filled: int = 0) -> int:
    high = field.max if isinstance(field.max, (int, float)) else None
    slots = int(high) if high is not None else REPEAT_SLOTS
    return max(1, min(MAX_REPEAT_SLOTS, max(slots, filled)))


def plan_rows(form: Form) -> list[RowSpec]:
    """Every row of the questionnaire sheet, in order."""
    numbers = question_numbers(form)
    rows: list[RowSpec] = []
    for s, page in enumerate(form.pages, start=1):
        help_text = page.description or ""
        if page.show_if:
            help_text = (help_text + "\n" if help_text else "") + describe_condition(page.show_if, form, numbers)
        rows.append(RowSpec("section", f"#section:{page.id}", str(s), page.title, help_text, answerable=False))
        for f in page.fields:
            if f.calculate:
                continue
            if not f.answerable:
                rows.append(RowSpec("note", f"#note:{f.id}", "", f.label, f.help or "", f, answerable=False))
                continue
            number = numbers[f.id]
            hint = field_help(f, form, numbers)
            if f.type == "multiple_choice":
                rows.append(RowSpec("question", f.id, number, f.label, hint, f, answerable=False))
                for opt in f.choices:
                    rows.append(RowSpec("option", option_key(f.id, opt.value), "", opt.label, "", f, opt))
                if f.allow_other:
                    rows.append(RowSpec("other", other_key(f.id), "", "Autre réponse (précisez) :", "", f))
            elif f.type == "repeat_group":
                rows.append(RowSpec("group", f.id, number, f.label, hint, f, answerable=False))
                for n in range(1, repeat_slots(f) + 1):
                    for c in f.children:
                        if not on_sheet(c):
                            continue
                        rows.append(
                            RowSpec(
                                "item", item_key(f.id, n, c.id), "", f"{f.item_label or 'Élément'} {n} — {c.label}",
                                field_help(c, form, numbers, in_group=True), c,
                            )
                        )
            else:
                rows.append(RowSpec("question", f.id, number, f.label, hint, f))
    return rows


# --------------------------------------------------------------------------- help texts


def _bound_text(value: object) -> str:
    if isinstance(value, (int, float)):
        if float(value).is_integer() and abs(value) < 10000:  # years and small counts: "2015"
            return str(int(value))
        return format_number(value)
    return str(value)


def format_hint(f: FormField, in_group: bool = False) -> str:
    """What to write in the answer cell, in French."""
    unit = f" (en {f.unit})" if f.unit else ""
    low = f.min if isinstance(f.min, (int, float)) else None
    high = f.max if isinstance(f.max, (int, float)) else None
    if f.type in ("integer", "decimal"):
        kind = "Nombre entier" if f.type == "integer" else "Nombre (virgule pour les décimales)"
        if low is not None and high is not None:
            bounds = f", de {_bound_text(low)} à {_bound_text(high)}"
        elif low is not None:
            bounds = f", {_bound_text(low)} ou plus"
        elif high is not None:
            bounds = f", {_bound_text(high)} au plus"
        else:
            bounds = ""
        return f"{kind}{bounds}{unit}, chiffres seulement."
    if f.type == "scale":
        ends = []
        if f.min_label:
            ends.append(f"{_bound_text(f.min)} = {f.min_label}")
        if f.max_label:
            ends.append(f"{_bound_text(f.max)} = {f.max_label}")
        detail = f" ({' ; '.join(ends)})" if ends else ""
        return f"Note de {_bound_text(f.min)} à {_bound_text(f.max)}{detail}, dans la liste déroulante."
    if f.type == "date":
        return "Date au format JJ/MM/AAAA."
    if f.type == "yes_no":
        return "Oui ou Non, dans la liste déroulante."
    if f.type == "single_choice":
        if f.allow_other:
            return "Choisissez dans la liste déroulante, ou écrivez votre propre réponse."
        return "Une seule réponse, dans la liste déroulante."
    if f.type == "multiple_choice":
        if in_group:
            return "Plusieurs réponses possibles, séparées par « ; » : " + " ; ".join(short_label(o) for o in f.choices)
        text = f"Plusieurs réponses possibles : mettez une croix ({MARK}) en face de chaque réponse choisie."
        if high is not None and low is not None and low >= 1:
            text += f" De {int(low)} à {int(high)} réponses." if low != high else f" {int(low)} réponses."
        elif high is not None:
            text += f" {int(high)} réponses au plus."
        return text
    if f.type == "long_text":
        return "Texte libre, aussi long que nécessaire (Alt+Entrée pour aller à la ligne)."
    if f.type == "repeat_group":
        noun = (f.item_label or "élément").lower()
        return f"Une ligne par sous-question ; remplissez autant de « {noun} » que nécessaire, laissez les autres vides."
    return "Texte court."


def field_help(f: FormField, form: Form, numbers: dict[str, str], in_group: bool = False) -> str:
    parts = []
    if f.required:
        parts.append("Réponse obligatoire.")
    parts.append(format_hint(f, in_group))
    if f.show_if:
        parts.append(describe_condition(f.show_if, form, numbers))
    if f.help:
        parts.append(f.help)
    if f.sensitive:
        parts.append("N'indiquez aucune information permettant de reconnaître une personne.")
    return "\n".join(parts)


# --------------------------------------------------------------------------- skip logic text


def describe_condition(source: str, form: Form, numbers: dict[str, str]) -> str:
    """A `show_if` expression in plain French: "À remplir seulement si …"."""
    try:
        tree = expressions.parse(source).tree.body
        text = _Describer(form, numbers).describe(tree)
    except (expressions.ExpressionError, _Unreadable):
        text = "vos réponses précédentes le demandent"
    return f"À remplir seulement si {text}."


class _Unreadable(Exception):
    pass


class _Describer:
    def __init__(self, form: Form, numbers: dict[str, str]):
        self.fields = {f.id: f for p in form.pages for f in p.fields}
        self.numbers = numbers

    def _q(self, name: str) -> str:
        number = self.numbers.get(name)
        return f"à la question {number}" if number else f"à la question « {name} »"

    def _value(self, name: str, value: object) -> str:
        f = self.fields.get(name)
        if isinstance(value, bool):
            return "« Oui »" if value else "« Non »"
        if f is not None:
            opt = f.option(value)
            if opt is not None:
                return f"« {short_label(opt)} »"
        if isinstance(value, (int, float)):
            return format_number(value)
        return f"« {value} »"

    def describe(self, node: ast.AST) -> str:
        if isinstance(node, ast.BoolOp):
            joiner = " et " if isinstance(node.op, ast.And) else " ou "
            return joiner.join(self.describe(v) for v in node.values)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = node.operand
            if isinstance(inner, ast.Call) and inner.func.id == "answered":  # type: ignore[attr-defined]
                return f"vous n'avez pas répondu {self._q(inner.args[0].id)}"  # type: ignore[attr-defined]
            return f"il est faux que {self.describe(inner)}"
        if isinstance(node, ast.Call) and node.func.id == "answered":  # type: ignore[attr-defined]
            return f"vous avez répondu {self._q(node.args[0].id)}"  # type: ignore[attr-defined]
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            return self._compare(node.left, node.ops[0], node.comparators[0])
        raise _Unreadable

    def _compare(self, left: ast.AST, op: ast.cmpop, right: ast.AST) -> str:
        # 'cpo' in formes_soutien: a choice ticked in a multiple-choice question
        if isinstance(left, ast.Constant) and isinstance(right, ast.Name) and isinstance(op, (ast.In, ast.NotIn)):
            verb = "avez coché" if isinstance(op, ast.In) else "n'avez pas coché"
            return f"vous {verb} {self._value(right.id, left.value)} {self._q(right.id)}"
        if not isinstance(left, ast.Name):
            raise _Unreadable
        name = left.id
        if isinstance(right, (ast.List, ast.Tuple)) and isinstance(op, (ast.In, ast.NotIn)):
            values = " ou ".join(self._value(name, e.value) for e in right.elts)  # type: ignore[attr-defined]
            verb = "avez répondu" if isinstance(op, ast.In) else "n'avez répondu ni"
            if isinstance(op, ast.NotIn):
                values = values.replace(" ou ", " ni ")
            return f"vous {verb} {values} {self._q(name)}"
        if isinstance(right, ast.Name) and right.id in ("true", "True", "false", "False"):
            value: object = right.id in ("true", "True")
        elif isinstance(right, ast.Constant):
            value = right.value
        else:
            raise _Unreadable
        shown = self._value(name, value)
        if isinstance(op, ast.Eq):
            return f"vous avez répondu {shown} {self._q(name)}"
        if isinstance(op, ast.NotEq):
            return f"vous n'avez pas répondu {shown} {self._q(name)}"
        words = {ast.Gt: "supérieure à", ast.GtE: "supérieure ou égale à", ast.Lt: "inférieure à", ast.LtE: "inférieure ou égale à"}
        for kind, word in words.items():
            if isinstance(op, kind):
                number = self.numbers.get(name, name)
                return f"votre réponse à la question {number} est {word} {shown}"
        raise _Unreadable


# --------------------------------------------------------------------------- meta


def question_signature(form: Form) -> list[dict]:
    """What the hidden sheet records about each question (to map another kit version)."""
    out = []
    for page in form.pages:
        for f in page.fields:
            if not on_sheet(f):
                continue
            out.append(
                {
                    "key": f.id,
                    "type": f.type,
                    "label": f.label,
                    "choices": [o.value for o in f.choices] if f.choices else [],
                    "children": [c.id for c in f.children],
                }
            )
    return out


def _canonical(value: object) -> str:
    """A meta value as read back by openpyxl or after a spreadsheet program saved the file
    (an empty cell reads None, a whole number may come back as 2.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def seal(meta: dict, questions: list[dict]) -> str:
    """The seal of the identification sheet: an HMAC-SHA256 of its values (every row but the
    seal itself, and the questions' signature), keyed with the evaluation's id. It tells a sheet
    the application wrote from one edited by hand (a token, kit or format version changed); it
    is not a signature: someone who reads this code can forge it."""
    import hashlib
    import hmac
    import json

    rows = sorted((str(k), _canonical(v)) for k, v in meta.items() if k != SEAL_KEY and k != "question")
    qs = [
        [str(q.get("key", "")), str(q.get("type", "")), "|".join(c for c in q.get("choices") or [] if c),
         _canonical(q.get("label")), "|".join(c for c in q.get("children") or [] if c)]
        for q in questions
    ]
    payload = json.dumps([rows, qs], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    key = ("evalkit-questionnaire:" + _canonical(meta.get("evaluation_id"))).encode("utf-8")
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def seal_matches(meta: dict, questions: list[dict]) -> bool:
    import hmac

    return hmac.compare_digest(_canonical(meta.get(SEAL_KEY)), seal(meta, questions))
