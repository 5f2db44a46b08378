"""XLSForm in, the mapping: pyxform's JSON tree of a form → the data of a kit `FormTool`.

Groups (nested ones flattened, titles joined with « › ») become sections, repeats repeat groups,
`relevant` becomes `show_if`, numeric `constraint`s `min`/`max`, `${}` piping in labels shows the
cited question's short label in brackets; the French translation of labels is preferred. Every
row that does not map, or maps with a loss, is noted as a `ReportLine`. Used by `kit/xlsform.py`.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

import yaml

from desktop_app.kit.xlsform_expressions import SELF, Untranslatable, xpath_to_kit
from desktop_app.kit.xlsform_model import IdAllocator, ImportResult, ReportLine, XlsFormError, normalise_id

# pyxform JSON types -> kit question types
_SIMPLE_TYPES = {
    "text": "text",
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "note": "note",
    "select one": "single_choice",
    "select all that apply": "multiple_choice",
    "acknowledge": "yes_no",
    "range": "scale",
}
_META_TYPES = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
    "email", "audit", "start-geopoint", "background-geopoint", "background-audio", "uri:deviceid",
}
_UNSUPPORTED = {
    "geopoint": "position GPS non prise en charge",
    "geotrace": "tracé GPS non pris en charge",
    "geoshape": "zone GPS non prise en charge",
    "photo": "photo non prise en charge",
    "image": "photo non prise en charge",
    "audio": "enregistrement audio non pris en charge",
    "video": "vidéo non prise en charge",
    "file": "fichier joint non pris en charge",
    "barcode": "code-barres non pris en charge",
    "time": "heure seule non prise en charge",
    "dateTime": "date et heure non prises en charge",
    "hidden": "champ caché non repris",
    "rank": "classement (rank) non pris en charge",
    "select one external": "liste externe (select_one_external) non prise en charge",
    "xml-external": "données externes non prises en charge",
    "csv-external": "données externes non prises en charge",
}
_TRUE = {"yes", "true", "true()", "1", "oui", "vrai"}
_FALSE = {"no", "false", "false()", "0", "non", "faux", ""}
_PIPE = re.compile(r"\$\{([^}]+)\}")


class FormMapper:
    def __init__(self, data: dict, rows: dict[str, int]):
        self.data = data
        self.rows = rows
        self.report: list[ReportLine] = []
        self.language = _pick_language(data)
        self.qids = IdAllocator(keep_case=True)
        self.sids = IdAllocator()
        self.types: dict[str, str] = {}  # kit id -> kit type (for expressions)
        self.list_use: dict[str, int] = {}
        self.pending: list[tuple[dict, str, dict]] = []  # (question dict, field, xlsform node)
        self.shared_lists: dict[str, dict] = {}  # XLSForm list name -> tool choice list
        self.labels: dict[str, str] = {}  # XLSForm name -> label (for piping)
        self.list_ids = IdAllocator()

    # --- helpers ------------------------------------------------------------------------------

    def note(self, node: dict, reason: str, omitted: bool) -> None:
        name = node.get("name", "")
        self.report.append(ReportLine(self.rows.get(name), name, _xls_type(node), reason, omitted))

    def text(self, value: Any) -> str:
        if isinstance(value, dict):
            for key in (self.language, "default"):
                if key in value and value[key]:
                    return str(value[key]).strip()
            return next((str(v).strip() for v in value.values() if v), "")
        return str(value or "").strip()

    def label(self, node: dict) -> str:
        label = self.text(node.get("label")) or self.text(node.get("hint")) or node.get("name", "")
        return self.pipe(label)

    def pipe(self, text: str) -> str:
        return _PIPE.sub(lambda m: f"[{self.piped(m.group(1))}]", text)

    def translations(self, node: dict, label: str) -> dict[str, str] | None:
        """`labels: {fr: …, en: …}` when the form's label has several languages, French among them
        (`label::Français (fr)`, `label::English (en)`); None otherwise."""
        value = node.get("label")
        if not isinstance(value, dict) or len(value) < 2:
            return None
        out: dict[str, str] = {}
        for lang, text in value.items():
            code = _language_code(lang)
            if code and code != "fr" and str(text or "").strip() and code not in out:
                out[code] = self.pipe(str(text).strip())
        if not out or self.language is None or _language_code(self.language) != "fr":
            return None
        return {"fr": label, **out}

    def piped(self, name: str) -> str:
        """What a `${name}` in a label is shown as: the cited question's short label, or its id."""
        cited = self.labels.get(name, "")
        cited = _PIPE.sub("…", cited).rstrip(" ?:")
        if cited and len(cited) <= 40:
            return cited
        return self.qids.by_name.get(name, normalise_id(name, keep_case=True))

    # --- the tree -----------------------------------------------------------------------------

    def build(self, tool_id: str | None, stem: str) -> ImportResult:
        children = self.data.get("children", [])
        self._count_lists(children)
        self._reserve_ids(children)
        sections: list[dict] = []
        self._walk(children, [], [], sections, top=True)
        self._translate_logic()
        for section in sections:  # calculations that did not translate
            section["questions"] = [q for q in section["questions"] if not q.get("_drop")]
            for q in section["questions"]:
                if "questions" in q:
                    q["questions"] = [c for c in q["questions"] if not c.get("_drop")]
        sections = [s for s in sections if s["questions"]]
        self._section_conditions(sections)
        for section in sections:  # the questions last, after the condition
            section["questions"] = section.pop("questions")
        answerable = sum(1 for s in sections for q in s["questions"] if q["type"] != "note")
        if answerable < 1:
            raise XlsFormError(
                "aucune question de ce formulaire ne peut être reprise dans le kit "
                f"({len(self.report)} éléments non pris en charge) : rien n'a été importé"
            )
        form_id = str(self.data.get("id_string") or stem)
        ident = tool_id or normalise_id(form_id).replace("_", "-")
        title = self.text(self.data.get("title")) or form_id
        version = self.data.get("version")
        tool: dict[str, Any] = {
            "id": ident,
            "kind": "questionnaire",
            "title": title,
            "step": "questionnaires",
            "purpose": f"Questionnaire repris du formulaire XLSForm « {form_id} »"
            + (f" (version {version})" if version else "")
            + ", utilisé sur KoboToolbox ou ODK.",
            "how_to": "Relisez les questions et le rapport d'import avant la première utilisation : "
            "les questions de localisation et les médias du formulaire d'origine ne sont pas repris.",
        }
        if self.shared_lists:
            tool["choice_lists"] = list(self.shared_lists.values())
        tool["sections"] = sections
        text = yaml.safe_dump(tool, allow_unicode=True, sort_keys=False, width=110)
        _check_with_loader(ident, text)
        renamed = {name: kid for name, kid in self.qids.by_name.items() if name != kid}
        questions = sum(1 + len(q.get("questions", [])) for s in sections for q in s["questions"])
        report = sorted(self.report, key=lambda line: line.row or 0)
        return ImportResult(ident, title, text, questions, len(sections), report, renamed, self.language)

    def _count_lists(self, children: list[dict]) -> None:
        for node in children:
            if node.get("list_name") and node.get("choices"):
                self.list_use[node["list_name"]] = self.list_use.get(node["list_name"], 0) + 1
            self._count_lists(node.get("children", []))

    def _reserve_ids(self, children: list[dict]) -> None:
        """Give every question its kit id first, so piping and logic can cite later questions."""
        for node in children:
            if node.get("name") and node.get("label"):
                self.labels.setdefault(node["name"], self.text(node["label"]))
            if node.get("name") == "meta" and node.get("control", {}).get("bodyless"):
                continue
            if node.get("type") in ("group", "repeat"):
                if node.get("type") == "repeat":
                    self.qids.take(node["name"])
                self._reserve_ids(node.get("children", []))
            elif node.get("name") and node.get("name") not in self.qids.by_name:
                self.qids.take(node["name"])

    def _walk(
        self, children: list[dict], titles: list[str], groups: list[dict], sections: list[dict],
        top: bool = False, group: dict | None = None,
    ) -> None:
        """Questions of `children` into sections; `groups`: the enclosing groups with a `relevant`."""
        current: dict | None = None
        skip: set[str] = set()
        for index, node in enumerate(children):
            kind = node.get("type")
            name = node.get("name", "")
            if name in skip:
                continue
            if kind == "group":
                if name == "meta" and node.get("control", {}).get("bodyless"):
                    continue
                current = None
                title = self.label(node) if node.get("label") else name
                conds = groups + ([node] if node.get("bind", {}).get("relevant") else [])
                self._walk(node.get("children", []), titles + [title], conds, sections, group=node)
                continue
            if kind == "repeat":
                question = self._repeat(node)
            else:
                question = self._question(node, children[index + 1 :], skip)
            if question is not None:
                loose_repeat = kind == "repeat" and group is None
                if current is None or loose_repeat:
                    current = self._new_section(titles, groups, group, top, sections, node)
                current["questions"].append(question)
                if loose_repeat:  # a repeat outside any group is a section of its own
                    current = None

    def _new_section(
        self, titles: list[str], groups: list[dict], group: dict | None, top: bool, sections: list[dict], first: dict
    ) -> dict:
        if (top or group is None) and first.get("type") == "repeat":  # a repeat outside any group
            sid, title = self.sids.take(first["name"]), self.label(first)
        elif top or group is None:
            sid, title = self.sids.take("questions"), "Questions"
        else:
            sid = self.sids.take(str(self._extra(group).get("id") or group["name"]))
            title = " › ".join(titles)
            if any(s["title"] == title for s in sections):
                title += " (suite)"
        section: dict[str, Any] = {"id": sid, "title": title}
        if group is not None and group.get("hint"):
            section["description"] = self.text(group["hint"])
        section["_groups"] = groups
        section["questions"] = []
        sections.append(section)
        return section

    def _imported(self) -> dict[str, str]:
        """XLSForm name -> kit id of the questions actually imported (logic may cite only those)."""
        return {name: kid for name, kid in self.qids.by_name.items() if kid in self.types}

    def _section_conditions(self, sections: list[dict]) -> None:
        """A section is shown when every enclosing group's `relevant` holds."""
        done: dict[int, str | None] = {}
        for section in sections:
            parts = []
            for group in section.pop("_groups"):
                if id(group) not in done:
                    relevant = group["bind"]["relevant"]
                    try:
                        done[id(group)] = xpath_to_kit(relevant, self._imported(), self.types)
                    except Untranslatable as exc:
                        done[id(group)] = None
                        self.note(group, f"condition d'affichage du groupe « {relevant} » non reprise : {exc} ; "
                                  "le groupe sera toujours affiché", False)
                if done[id(group)]:
                    parts.append(done[id(group)])
            if parts:
                section["show_if"] = parts[0] if len(parts) == 1 else " and ".join(f"({p})" for p in parts)

    def _repeat(self, node: dict) -> dict | None:
        ident = self.qids.by_name[node["name"]]
        children: list[dict] = []
        skip: set[str] = set()
        flat = _flatten_groups(node.get("children", []))
        for index, child in enumerate(flat):
            if child.get("name") in skip:
                continue
            if child.get("type") == "repeat":
                self.note(child, "répétition imbriquée dans une répétition non prise en charge", True)
                continue
            question = self._question(child, flat[index + 1 :], skip)
            if question is not None:
                children.append(question)
        if not any(q["type"] != "note" for q in children):
            self.note(node, "répétition sans question reprise", True)
            return None
        if node.get("control", {}).get("jr:count") or node.get("repeat_count"):
            self.note(node, "nombre de répétitions imposé (repeat_count) non repris", False)
        question: dict[str, Any] = {"id": ident, "type": "repeat_group", "label": self.label(node)}
        hint = self.text(node.get("hint"))
        if hint:
            question["help"] = hint
        if self._extra(node).get("item_label"):
            question["item_label"] = str(self._extra(node)["item_label"])
        self._show_if(node, question)
        question["questions"] = children
        self.types[ident] = "repeat_group"
        return question

    def _question(self, node: dict, following: list[dict], skip: set[str]) -> dict | None:
        kind = node.get("type", "")
        name = node.get("name", "")
        if kind in _META_TYPES:
            self.note(node, "métadonnée de collecte, sans objet dans l'application", True)
            return None
        if kind in _UNSUPPORTED:
            self.note(node, _UNSUPPORTED[kind], True)
            return None
        extra = self._extra(node)
        if kind == "calculate":
            return self._calculated(node, extra)
        if kind not in _SIMPLE_TYPES:
            self.note(node, f"type « {kind} » non pris en charge", True)
            return None
        ktype = _SIMPLE_TYPES[kind]
        if ktype == "text" and "multiline" in str(node.get("control", {}).get("appearance", "")):
            ktype = "long_text"
        if extra.get("type") in ("yes_no", "scale", "long_text", "text"):
            ktype = extra["type"]
        ident = self.qids.by_name[name]
        question: dict[str, Any] = {"id": ident, "type": ktype, "label": self.label(node)}
        labels = self.translations(node, question["label"])
        if labels:
            question["labels"] = labels
        hint = self.text(node.get("hint"))
        if hint:
            question["help"] = hint
        required = str(node.get("bind", {}).get("required", "")).strip().lower()
        if required in _TRUE:
            question["required"] = True
        elif required not in _FALSE:
            self.note(node, f"obligation conditionnelle « {required} » non reprise : la question est facultative", False)
        if ktype in ("single_choice", "multiple_choice"):
            if not self._choices(node, question, following, skip):
                return None
        elif ktype == "scale":
            if not self._scale(node, question, extra):
                return None
        for key in ("unit", "placeholder", "min_label", "max_label", "item_label"):
            if extra.get(key):
                question[key] = str(extra[key])
        for key in ("sensitive", "personal", "consent"):
            if extra.get(key) is True:
                question[key] = True
        self._show_if(node, question)
        self._constraint(node, question, extra)
        if node.get("bind", {}).get("calculate"):
            self.pending.append((question, "calculate", node))
        if node.get("default") not in (None, ""):
            self.note(node, f"valeur par défaut « {node['default']} » non reprise", False)
        self.types[ident] = ktype
        return question

    def _calculated(self, node: dict, extra: dict) -> dict | None:
        """A `calculate` row: a read-only kit question (decimal unless the `evalkit` column says
        otherwise), labelled with its label or its name; its expression is translated later."""
        if not node.get("bind", {}).get("calculate"):
            self.note(node, "calcul sans formule (calculation vide)", True)
            return None
        ktype = extra.get("type") if extra.get("type") in ("text", "integer", "decimal", "date") else "decimal"
        ident = self.qids.by_name[node["name"]]
        question: dict[str, Any] = {"id": ident, "type": ktype, "label": self.label(node)}
        labels = self.translations(node, question["label"])
        if labels:
            question["labels"] = labels
        if self.text(node.get("hint")):
            question["help"] = self.text(node.get("hint"))
        if extra.get("unit"):
            question["unit"] = str(extra["unit"])
        self._show_if(node, question)
        self.pending.append((question, "calculate", node))
        self.types[ident] = ktype
        return question

    def _extra(self, node: dict) -> dict:
        raw = node.get("evalkit")
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError:
            self.note(node, "colonne « evalkit » illisible, ignorée", False)
            return {}
        return value if isinstance(value, dict) else {}

    def _choices(self, node: dict, question: dict, following: list[dict], skip: set[str]) -> bool:
        itemset = str(node.get("itemset", ""))
        if itemset.endswith((".csv", ".xml", ".geojson")) or not node.get("choices"):
            self.note(node, "liste de choix dans un fichier externe (select_from_file) non prise en charge", True)
            return False
        choices = list(node["choices"])
        # or_other: pyxform adds an "other" choice and a `<name>_other` text question (no row)
        other_name = f"{node['name']}_other"
        if any(c.get("name") == "other" for c in choices) and any(
            f.get("name") == other_name and other_name not in self.rows for f in following
        ):
            question["allow_other"] = True
            choices = [c for c in choices if c.get("name") != "other"]
            skip.add(other_name)
        if node.get("choice_filter"):
            self.note(node, f"filtre de choix « {node['choice_filter']} » non repris : tous les choix sont proposés", False)
        items = []
        for c in choices:
            value = str(c.get("name", "")).strip()
            if not value:
                continue
            items.append({"value": value, "label": self.text(c.get("label")) or value})
        if not items:
            self.note(node, "liste de choix vide", True)
            return False
        list_name = node.get("list_name")
        if list_name and self.list_use.get(list_name, 0) > 1 and not question.get("allow_other"):
            if list_name not in self.shared_lists:
                self.shared_lists[list_name] = {"id": self.list_ids.take(list_name), "choices": items}
            question["choice_list"] = self.shared_lists[list_name]["id"]
        else:
            question["choices"] = items
        return True

    def _scale(self, node: dict, question: dict, extra: dict) -> bool:
        params = node.get("parameters", {}) or {}
        try:
            start = float(params.get("start", extra.get("min", 0)))
            end = float(params.get("end", extra.get("max", 10)))
            step = float(params.get("step", 1))
        except (TypeError, ValueError):
            self.note(node, "paramètres de l'échelle (range) illisibles", True)
            return False
        if step != 1 or not start.is_integer() or not end.is_integer():
            self.note(node, "échelle (range) à pas non entier reprise comme nombre décimal borné", False)
            question["type"] = "decimal"
        question["min"] = int(start) if start.is_integer() else start
        question["max"] = int(end) if end.is_integer() else end
        return True

    def _show_if(self, node: dict, question: dict) -> None:
        relevant = node.get("bind", {}).get("relevant")
        if relevant:
            self.pending.append((question, "show_if", node))

    def _constraint(self, node: dict, question: dict, extra: dict) -> None:
        exclusive = {str(v) for v in extra.get("exclusive") or ()} if question.get("type") == "multiple_choice" else set()
        for item in question.get("choices") or self._shared_items(question.get("choice_list")):
            if item["value"] in exclusive:
                item["exclusive"] = True
        if exclusive or extra.get("min") is not None or extra.get("max") is not None or extra.get("constraint"):  # by xlsform_export
            for key in ("min", "max"):
                if extra.get(key) is not None:
                    question[key] = extra[key]
            for key in ("constraint", "constraint_message"):  # beside the bounds, in kit syntax
                if extra.get(key):
                    question[key] = str(extra[key])
            return
        constraint = node.get("bind", {}).get("constraint")
        if constraint:
            self.pending.append((question, "constraint", node))

    def _shared_items(self, list_id: str | None) -> list[dict]:
        return next((sl["choices"] for sl in self.shared_lists.values() if sl["id"] == list_id), []) if list_id else []

    def _translate_logic(self) -> None:
        """Calculations first (one that does not translate is dropped, and those citing it are
        tried again), then conditions and constraints, once every question's type is known."""
        calcs = [(q, node) for q, what, node in self.pending if what == "calculate"]
        changed = True
        while changed:
            changed = False
            for question, node in calcs:
                if question.get("_drop"):
                    continue
                try:
                    question["calculate"] = xpath_to_kit(node["bind"]["calculate"], self._imported(), self.types)
                except Untranslatable as exc:
                    question["_drop"] = str(exc)
                    self.types.pop(question["id"], None)
                    changed = True
        for question, node in calcs:
            if question.get("_drop"):
                self.note(node, f"calcul « {node['bind']['calculate']} » non repris : {question['_drop']}", True)
        for question, what, node in self.pending:
            if question.get("_drop") or what == "calculate":
                continue
            if what == "show_if":
                relevant = node["bind"]["relevant"]
                try:
                    question["show_if"] = xpath_to_kit(relevant, self._imported(), self.types)
                except Untranslatable as exc:
                    self.note(node, f"condition d'affichage « {relevant} » non reprise : {exc} ; la question sera toujours affichée", False)
                if "questions" in question:  # keep the key order: children last
                    question["questions"] = question.pop("questions")
            else:
                self._bounds(node, question)
        for question, _node in calcs:  # the calculation after the condition
            if "calculate" in question:
                question["calculate"] = question.pop("calculate")

    def _constraint_message(self, node: dict) -> str | None:
        message = self.text(node.get("bind", {}).get("jr:constraintMsg"))
        return message or None

    def _bounds(self, node: dict, question: dict) -> None:
        constraint = node["bind"]["constraint"]
        ktype = question["type"]
        try:
            text = xpath_to_kit(constraint, self._imported(), {**self.types, SELF: ktype}, self_id=SELF)
        except Untranslatable as exc:
            self.note(node, f"contrainte « {constraint} » non reprise : {exc}", False)
            return
        try:
            bounds = _bounds_of(text, ktype)
        except Untranslatable:  # not plain bounds: kept as an expression, `.` the answer itself
            question["constraint"] = text.replace(SELF, ".")
            message = self._constraint_message(node)
            if message:
                question["constraint_message"] = message
            return
        low, high, approx = bounds
        if low is not None:
            question["min"] = low
        if high is not None:
            question["max"] = high
        if approx:
            self.note(node, f"contrainte stricte « {constraint} » reprise comme bornes incluses", False)


def _bounds_of(text: str, ktype: str) -> tuple[float | None, float | None, bool]:
    """min/max from a translated constraint made of `. op number` joined by `and`."""
    tree = ast.parse(text, mode="eval").body
    parts = tree.values if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.And) else [tree]
    low = high = None
    approx = False
    counting = ktype == "multiple_choice"
    if ktype not in ("integer", "decimal", "scale", "multiple_choice"):
        raise Untranslatable("seules les bornes d'un nombre ou d'un nombre de choix sont reprises")
    for part in parts:
        if not (isinstance(part, ast.Compare) and len(part.ops) == 1):
            raise Untranslatable("seules des bornes « . >= n » et « . <= n » sont reprises")
        left, op, right = part.left, part.ops[0], part.comparators[0]
        if _is_self(right, counting):
            left, right = right, left
            op = {ast.Lt: ast.Gt(), ast.LtE: ast.GtE(), ast.Gt: ast.Lt(), ast.GtE: ast.LtE()}.get(type(op), op)
        number = _number(right)
        if not _is_self(left, counting) or number is None:
            raise Untranslatable("seules des bornes « . >= n » et « . <= n » sont reprises")
        if isinstance(op, (ast.Gt, ast.Lt)):
            if ktype in ("integer", "multiple_choice", "scale") and float(number).is_integer():
                number = number + 1 if isinstance(op, ast.Gt) else number - 1
            else:
                approx = True
        if isinstance(op, (ast.GtE, ast.Gt)):
            low = number if low is None else max(low, number)
        elif isinstance(op, (ast.LtE, ast.Lt)):
            high = number if high is None else min(high, number)
        else:
            raise Untranslatable("seules des bornes « . >= n » et « . <= n » sont reprises")
    return low, high, approx


def _is_self(node: ast.AST, counting: bool) -> bool:
    if counting:
        return (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", None) == "count"
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == SELF
        )
    return isinstance(node, ast.Name) and node.id == SELF


def _number(node: ast.AST) -> float | int | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _number(node.operand)
        return -value if value is not None else None
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    return None


def _flatten_groups(children: list[dict]) -> list[dict]:
    out: list[dict] = []
    for node in children:
        if node.get("type") == "group":
            out.extend(_flatten_groups(node.get("children", [])))
        else:
            out.append(node)
    return out


def _xls_type(node: dict) -> str:
    kind = node.get("type", "")
    return {"select one": "select_one", "select all that apply": "select_multiple", "group": "begin_group", "repeat": "begin_repeat", "photo": "image"}.get(kind, kind)


def _language_code(language: str) -> str | None:
    """`Français (fr)` → `fr`, `English (en)` → `en`, `fr` → `fr`; None when no code is given."""
    match = re.search(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\)\s*$", language) or re.fullmatch(
        r"([a-z]{2,3})", language.strip()
    )
    if match:
        return match.group(1).lower() if "-" not in match.group(1) else match.group(1)
    low = language.strip().lower()
    return {"français": "fr", "francais": "fr", "french": "fr", "english": "en", "anglais": "en"}.get(low)


def _pick_language(data: dict) -> str | None:
    """The French translation when the form has one, else its default language."""
    languages: set[str] = set()

    def collect(node: dict) -> None:
        for key in ("label", "hint"):
            if isinstance(node.get(key), dict):
                languages.update(node[key])
        for child in node.get("children", []):
            collect(child)

    collect(data)
    for lang in sorted(languages):
        low = lang.lower()
        if "(fr)" in low or low in ("fr", "french", "français", "francais") or low.startswith(("français", "francais", "french")):
            return lang
    default = data.get("default_language")
    if default in languages:
        return default
    if "default" in languages:
        return "default"
    return sorted(languages)[0] if languages else None


def _check_with_loader(tool_id: str, text: str) -> None:
    """The kit loader must accept what we write (a failure here is a bug, said plainly)."""
    from desktop_app.kit.loader import KitError, load_files

    manifest = yaml.safe_dump(
        {"id": "import-xlsform", "version": "1.0", "title": "Import", "tools": [{"id": tool_id, "file": f"{tool_id}.yaml"}]}
    )
    try:
        load_files({"kit.yaml": manifest, f"{tool_id}.yaml": text})
    except KitError as exc:
        raise XlsFormError(
            "le questionnaire converti n'est pas un outil de kit valide ; rien n'a été écrit :\n" + str(exc)
        ) from None
