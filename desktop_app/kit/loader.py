"""Load and validate a kit: `kit.yaml` plus one YAML file per tool.

A kit can be read from a folder (the bundled `forms/`, or a new version published by the resource
centre) or from a snapshot of its files (the texts stored with an evaluation, so that an
evaluation keeps opening with the kit version it was started with).

Every problem is reported as a `KitError` naming the file and the path of the faulty field.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import TypeAdapter, ValidationError

from desktop_app.kit import expressions
from desktop_app.kit.reference_lists import check_reference_lists
from desktop_app.kit.schema import (
    IDENT,
    QUESTION_IDENT,
    SINGLE_ROLES,
    Checklist,
    ChoiceList,
    FormTool,
    Guide,
    IndicatorCompute,
    KitManifest,
    Letter,
    Question,
    ReferenceList,
    Referential,
    Section,
    Tool,
)
from desktop_app.kit.yaml_cache import MISSING, ParsedYamlCache

KIT_FILE = "kit.yaml"
_TOOL_ADAPTER: TypeAdapter[Tool] = TypeAdapter(Tool)


@dataclass(frozen=True)
class KitProblem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}" + (f", champ « {self.field} »" if self.field else "")
        return f"{where} : {self.message}"


class KitError(Exception):
    """One or more problems in a kit definition (French, user-facing)."""

    def __init__(self, problems: list[KitProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Kit:
    manifest: KitManifest
    tools: dict[str, Tool]
    files: dict[str, str] = field(repr=False)  # file name -> YAML text (the snapshot)

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def title(self) -> str:
        return self.manifest.title

    @cached_property  # the files never change once loaded; compile_tool keys its cache on this
    def digest(self) -> str:
        return files_digest(self.files)

    def tool(self, tool_id: str) -> Tool:
        try:
            return self.tools[tool_id]
        except KeyError:
            raise KeyError(f"l'outil « {tool_id} » n'existe pas dans le kit {self.id} {self.version}") from None

    def tools_for_step(self, step: str) -> list[Tool]:
        return [t for t in self.tools.values() if t.step == step]

    # -- roles: what a tool is for, declared in its YAML ----------------------------------------
    def tools_with_role(self, *roles: str) -> list[Tool]:
        """The kit's tools having one of these roles, in the order of `kit.yaml`."""
        return [t for t in self.tools.values() if t.role in roles]

    def tool_ids_with_role(self, *roles: str) -> tuple[str, ...]:
        return tuple(t.id for t in self.tools_with_role(*roles))

    def tool_for_role(self, role: str) -> Tool | None:
        """The one tool with this role (roles of SINGLE_ROLES), None when the kit has none."""
        found = self.tools_with_role(role)
        return found[0] if found else None

    def tool_id_for_role(self, role: str) -> str | None:
        tool = self.tool_for_role(role)
        return tool.id if tool is not None else None

    def role_of(self, tool_id: str) -> str | None:
        tool = self.tools.get(tool_id)
        return tool.role if tool is not None else None

    def tools_in_report_section(self, section: str) -> list[Tool]:
        """The tools whose YAML places them in this report section, in their declared order."""
        order = {tid: i for i, tid in enumerate(self.tools)}
        found = [t for t in self.tools.values() if t.report is not None and t.report.section == section]
        return sorted(found, key=lambda t: (t.report.order, order[t.id]))

    def field_for_role(self, tool_id: str, role: str) -> str | None:
        """The id of the field of a tool with this role (`role:`, or `consent: true` for the
        role "consent"), None when the tool or the field is missing."""
        tool = self.tools.get(tool_id)
        if tool is None:
            return None
        for _path, q in iter_questions(_tool_sections(tool)):
            if q.role == role or (role == "consent" and q.consent):
                return q.id
        return None

    def fields_flagged(self, tool_id: str, flag: str) -> tuple[str, ...]:
        """The ids of a tool's fields with a flag set (`personal`, `sensitive`, `consent`)."""
        tool = self.tools.get(tool_id)
        if tool is None:
            return ()
        return tuple(q.id for _p, q in iter_questions(_tool_sections(tool)) if getattr(q, flag))

    def reference_list(self, kind: str) -> ReferenceList | None:
        """The kit's first reference list of that kind (`qpv`), if it carries one."""
        return next((r for r in self.manifest.reference_lists if r.kind == kind), None)

    def choice_list(self, tool: Tool, list_id: str) -> ChoiceList | None:
        for cl in tool.choice_lists:
            if cl.id == list_id:
                return cl
        for cl in self.manifest.choice_lists:
            if cl.id == list_id:
                return cl
        return None


def files_digest(files: Mapping[str, str]) -> str:
    """The identity of a kit version's files (`Kit.digest`, kept with a kit snapshot)."""
    return hashlib.sha256(json.dumps(files, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def read_folder(folder: Path) -> dict[str, str]:
    """Read the kit files of a folder into a {relative name: text} snapshot."""
    folder = Path(folder)
    manifest_path = folder / KIT_FILE
    if not folder.is_dir():
        raise KitError([KitProblem(str(folder), "", "ce dossier n'existe pas")])
    if not manifest_path.is_file():
        raise KitError([KitProblem(str(folder), "", f"le fichier {KIT_FILE} est introuvable")])
    files: dict[str, str] = {}
    for path in sorted(folder.rglob("*.y*ml")):
        rel = path.relative_to(folder).as_posix()
        try:
            files[rel] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise KitError([KitProblem(rel, "", "le fichier n'est pas encodé en UTF-8")]) from None
    return files


def load_folder(folder: Path, cache: ParsedYamlCache | None = None) -> Kit:
    return load_files(read_folder(folder), cache)


def load_files(files: Mapping[str, str], cache: ParsedYamlCache | None = None) -> Kit:
    """Validate a kit snapshot. Raise KitError listing every problem found.
    `cache`: YAML texts parsed before (`yaml_cache`), looked up and completed."""
    problems: list[KitProblem] = []
    manifest_data = _parse_yaml(KIT_FILE, files.get(KIT_FILE), problems, cache)
    if manifest_data is None:
        raise KitError(problems or [KitProblem(KIT_FILE, "", "fichier vide")])
    try:
        manifest = KitManifest.model_validate(manifest_data)
    except ValidationError as exc:
        raise KitError(_problems_from(KIT_FILE, exc)) from None

    _check_duplicates(KIT_FILE, "tools", [t.id for t in manifest.tools], problems)
    _check_duplicates(KIT_FILE, "choice_lists", [c.id for c in manifest.choice_lists], problems)
    for i, cl in enumerate(manifest.choice_lists):
        _check_duplicates(KIT_FILE, f"choice_lists[{i}].choices", [c.value for c in cl.choices], problems)
    problems.extend(KitProblem(KIT_FILE, where, msg) for where, msg in check_reference_lists(manifest))

    tools: dict[str, Tool] = {}
    for i, ref in enumerate(manifest.tools):
        text = files.get(ref.file)
        if text is None:
            problems.append(KitProblem(KIT_FILE, f"tools[{i}].file", f"le fichier « {ref.file} » est introuvable"))
            continue
        data = _parse_yaml(ref.file, text, problems, cache)
        if data is None:
            if not any(p.file == ref.file for p in problems):
                problems.append(KitProblem(ref.file, "", "fichier vide"))
            continue
        try:
            tool = _TOOL_ADAPTER.validate_python(data)
        except ValidationError as exc:
            problems.extend(_problems_from(ref.file, exc))
            continue
        if tool.id != ref.id:
            problems.append(
                KitProblem(ref.file, "id", f"l'identifiant « {tool.id} » ne correspond pas à « {ref.id} » déclaré dans {KIT_FILE}")
            )
        problems.extend(_check_references(ref.file, tool, manifest))
        problems.extend(_check_role(ref.file, tool))
        tools[ref.id] = tool
    problems.extend(_check_single_roles(manifest, tools))
    problems.extend(_check_indicators(manifest, tools))
    if problems:
        raise KitError(problems)
    return Kit(manifest=manifest, tools=tools, files=dict(files))


# libyaml's parser when PyYAML has it (the same safe loading, several times faster at start-up)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse_yaml(name: str, text: str | None, problems: list[KitProblem], cache: ParsedYamlCache | None = None) -> object | None:
    if text is None:
        problems.append(KitProblem(name, "", "fichier introuvable"))
        return None
    data = cache.get(text) if cache is not None else MISSING
    if data is MISSING:
        data = _load_yaml(name, text, problems)
        if data is MISSING:
            return None
        if cache is not None:
            cache.put(text, data)
    if data is not None and not isinstance(data, dict):
        problems.append(KitProblem(name, "", "le fichier doit contenir un objet (des paires clé : valeur)"))
        return None
    return data


def _load_yaml(name: str, text: str, problems: list[KitProblem]) -> object:
    try:
        return yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else ""
        problems.append(KitProblem(name, where, f"YAML illisible ({getattr(exc, 'problem', None) or exc})"))
        return MISSING


_FRENCH_ERRORS = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "champ inconnu",
    "string_too_short": "texte vide",
    "too_short": "liste vide ou trop courte",
    "string_pattern_mismatch": "format invalide",
    "literal_error": "valeur non autorisée",
    "union_tag_invalid": "type d'outil inconnu",
    "union_tag_not_found": "champ « kind » manquant",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "bool_parsing": "oui/non (true/false) attendu",
    "greater_than": "valeur trop petite",
    "greater_than_equal": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
    "list_type": "liste attendue",
    "dict_type": "objet attendu",
    "string_type": "texte attendu",
    "model_type": "objet attendu",
}


def _problems_from(file: str, exc: ValidationError) -> list[KitProblem]:
    problems = []
    for err in exc.errors():
        # Drop the discriminator tag pydantic inserts in union paths ("guide", "questionnaire"...).
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p in _KIND_TAGS)]
        path = _format_loc(loc)
        kind = err["type"]
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            path = (path + "." if path else "") + "kind"
            allowed = err.get("ctx", {}).get("expected_tags", "")
            problems.append(KitProblem(file, path, _FRENCH_ERRORS[kind] + (f" (attendu : {allowed})" if allowed else "")))
            continue
        if kind == "value_error":
            msg = str(err.get("ctx", {}).get("error", err["msg"]))
        elif kind == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") in _PATTERN_RULES:
            msg = f"« {err.get('input')} » : " + _PATTERN_RULES[err["ctx"]["pattern"]]
        else:
            msg = _FRENCH_ERRORS.get(kind, err["msg"])
            if kind == "literal_error":
                msg += f" (attendu : {err.get('ctx', {}).get('expected', '')})"
        problems.append(KitProblem(file, path, msg))
    return problems


_PATTERN_RULES = {
    IDENT: "identifiant invalide (minuscules sans accents, chiffres, « _ » et « - » seulement)",
    QUESTION_IDENT: "identifiant de question invalide (lettres sans accents, majuscules permises, "
    "chiffres, « _ » et « - » seulement, sans espace)",
}

_KIND_TAGS = {
    "guide",
    "questionnaire",
    "record_sheet",
    "question_bank",
    "scoring_grid",
    "checklist",
    "maturity_scale",
    "referential",
    "letter",
    "function-after[_check_shape(), Question]",
}


def _format_loc(loc: list) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _check_duplicates(file: str, path: str, ids: list[str], problems: list[KitProblem]) -> None:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            problems.append(KitProblem(file, f"{path}[{i}]", f"identifiant « {ident} » en double"))
        seen.add(ident)


def iter_questions(sections: list[Section], prefix: str = "sections") -> Iterator[tuple[str, Question]]:
    """Yield (field path, question) for every question, repeat-group children included."""
    for si, section in enumerate(sections):
        for qi, q in enumerate(section.questions):
            path = f"{prefix}[{si}].questions[{qi}]"
            yield path, q
            for ci, child in enumerate(q.questions or []):
                yield f"{path}.questions[{ci}]", child


def _tool_sections(tool: Tool) -> list[Section]:
    if isinstance(tool, (FormTool, Guide, Letter)):
        return tool.sections
    return []


def _check_references(file: str, tool: Tool, manifest: KitManifest) -> list[KitProblem]:
    problems: list[KitProblem] = []
    list_ids = {c.id for c in tool.choice_lists} | {c.id for c in manifest.choice_lists}
    _check_duplicates(file, "choice_lists", [c.id for c in tool.choice_lists], problems)
    sections = _tool_sections(tool)
    _check_duplicates(file, "sections", [s.id for s in sections], problems)
    questions = list(iter_questions(sections))
    # Question ids are unique across the tool (answers are stored by id).
    # Ids keep their case (XLSForm names) but may not differ by case only.
    seen: dict[str, str] = {}
    folded: dict[str, str] = {}
    for path, q in questions:
        if q.id in seen:
            problems.append(KitProblem(file, f"{path}.id", f"identifiant « {q.id} » en double (déjà utilisé en {seen[q.id]})"))
        elif q.id.lower() in folded:
            problems.append(KitProblem(
                file, f"{path}.id",
                f"identifiant « {q.id} » trop proche de celui de {folded[q.id.lower()]} (seules les majuscules diffèrent) : renommez l'une des questions",
            ))
        else:
            seen[q.id] = path
            folded[q.id.lower()] = path
    known = set(seen)
    for path, q in questions:
        if q.choice_list and q.choice_list not in list_ids:
            problems.append(KitProblem(file, f"{path}.choice_list", f"la liste de choix « {q.choice_list} » n'existe pas"))
        if q.choices:
            _check_duplicates(file, f"{path}.choices", [c.value for c in q.choices], problems)
        if q.show_if:
            problems.extend(_check_expression(file, f"{path}.show_if", q.show_if, known))
        if q.constraint:
            problems.extend(_check_expression(file, f"{path}.constraint", q.constraint, known, "constraint"))
        if q.calculate:
            problems.extend(_check_expression(file, f"{path}.calculate", q.calculate, known, "calculate", own=q.id))
    problems.extend(_check_calculation_cycles(file, questions))
    for si, s in enumerate(sections):
        if s.show_if:
            problems.extend(_check_expression(file, f"sections[{si}].show_if", s.show_if, known))
    if isinstance(tool, Checklist):
        _check_duplicates(file, "items", [i.id for i in tool.items], problems)
        _check_duplicates(file, "columns", [c.id for c in tool.columns], problems)
        for ci, col in enumerate(tool.columns):
            if col.choice_list and col.choice_list not in list_ids:
                problems.append(KitProblem(file, f"columns[{ci}].choice_list", f"la liste de choix « {col.choice_list} » n'existe pas"))
    kind_lists = {
        "scoring_grid": lambda t: [("criteria", [c.id for c in t.criteria])],
        "maturity_scale": lambda t: [("domains", [d.id for d in t.domains]), ("levels", [c.value for c in t.levels])],
        "referential": lambda t: [("questions", [q.id for q in t.questions]), ("scale", [c.value for c in t.scale])],
    }
    for path, ids in kind_lists.get(tool.kind, lambda t: [])(tool):
        _check_duplicates(file, path, ids, problems)
    if tool.kind == "referential":
        all_ids: list[str] = []
        for q in tool.questions:
            for sq in q.sub_questions:
                all_ids.append(sq.id)
                all_ids.extend(i.id for i in sq.indicators)
        _check_duplicates(file, "questions.sub_questions", all_ids, problems)
    return problems


_ROLE_KINDS = {
    "workshop_guide": ("guide",),
    "working_group": ("guide",),
    "questionnaire": ("questionnaire",),
    "maturity_scale": ("maturity_scale",),
    "referential": ("referential",),
    "letter": ("letter",),
    "immersion": ("record_sheet",),
    "testimony": ("record_sheet",),
    "commitments": ("record_sheet",),
    "action_scoring": ("scoring_grid",),
    "action_questions": ("question_bank",),
    "action_plan": ("record_sheet",),
    "step_form": ("record_sheet", "question_bank"),
}
# the report section a tool of a role may name (`report.section`): the section that shows it
_ROLE_SECTIONS = {
    "workshop_guide": "terrain",
    "working_group": "terrain",
    "immersion": "terrain",
    "testimony": "terrain",
    "questionnaire": "questionnaires",
    "council_tool": "conseils",
    "maturity_scale": "maturite",
    "referential": "referentiel",
    "commitments": "engagements",
    "action_scoring": "actions",
    "action_questions": "actions",
    "action_plan": "actions",
}
_FIELD_ROLE_TYPES = {
    "diffusion_consent": ("yes_no",),
    "retention_date": ("date",),
    "collected_on": ("date",),
    "contribution_type": ("single_choice",),
    "theme": ("single_choice",),
    "profile": ("single_choice",),
    "age_group": ("single_choice",),
    "medium": ("single_choice",),
    "structure_type": ("single_choice",),
    "pseudonym": ("text",),
    "plan_rows": ("repeat_group",),
    "commitment_rows": ("repeat_group",),
    "visit_date": ("date",),
    "referential_themes": ("multiple_choice",),
    "plan_start": ("date",),
    "plan_end": ("date",),
    "respondent_name": ("text",),
    "respondent_code": ("text",),
    "meeting_date": ("date",),
    "deadline": ("date",),
    "requested_documents": ("multiple_choice",),
}


def _check_role(file: str, tool: Tool) -> list[KitProblem]:
    """A role fits the tool's kind; a group label only for workshops, a respondent kind only
    for questionnaires, each field role once per tool and on a field of the right type."""
    problems: list[KitProblem] = []
    role = tool.role
    kinds = _ROLE_KINDS.get(role or "")
    if kinds and tool.kind not in kinds:
        problems.append(KitProblem(file, "role", f"le rôle « {role} » ne convient pas à un outil de type « {tool.kind} » (attendu : {', '.join(kinds)})"))
    workshop = role in ("workshop_guide", "working_group")
    if workshop and not tool.group_label:
        problems.append(KitProblem(file, "group_label", f"un outil de rôle « {role} » doit avoir un « group_label » (le groupe affiché dans Ateliers)"))
    if tool.group_label and not workshop:
        problems.append(KitProblem(file, "group_label", "« group_label » ne s'applique qu'aux guides d'atelier (rôle workshop_guide ou working_group)"))
    if role == "questionnaire" and not tool.respondent_kind:
        problems.append(KitProblem(file, "respondent_kind", "un questionnaire doit dire qui y répond (communes, associations ou other)"))
    if tool.respondent_kind and role != "questionnaire":
        problems.append(KitProblem(file, "respondent_kind", "« respondent_kind » ne s'applique qu'aux questionnaires (rôle questionnaire)"))
    if tool.report is not None:
        expected = _ROLE_SECTIONS.get(role or "")
        if expected is None:
            problems.append(KitProblem(file, "report.section", f"un outil {'de rôle « ' + role + ' »' if role else 'sans rôle'} n'apparaît pas dans le rapport : retirez « report »"))
        elif tool.report.section != expected:
            problems.append(KitProblem(file, "report.section", f"un outil de rôle « {role} » apparaît dans la section « {expected} » du rapport"))
    if role == "testimony" and not any(q.consent for _p, q in iter_questions(_tool_sections(tool))):
        problems.append(KitProblem(file, "role", "une fiche témoignage doit avoir une question de consentement (« consent: true »)"))
    seen: dict[str, str] = {}
    for path, q in iter_questions(_tool_sections(tool)):
        if q.role is None:
            continue
        if q.role in seen:
            problems.append(KitProblem(file, f"{path}.role", f"le rôle « {q.role} » est déjà porté par la question « {seen[q.role]} »"))
        seen[q.role] = q.id
        types = _FIELD_ROLE_TYPES.get(q.role)
        if types and q.type not in types:
            problems.append(KitProblem(file, f"{path}.role", f"le rôle « {q.role} » attend une question de type {', '.join(types)}"))
    return problems


def _check_single_roles(manifest: KitManifest, tools: Mapping[str, Tool]) -> list[KitProblem]:
    problems: list[KitProblem] = []
    holder: dict[str, str] = {}
    for ref in manifest.tools:
        tool = tools.get(ref.id)
        if tool is None or tool.role not in SINGLE_ROLES:
            continue
        if tool.role in holder:
            problems.append(KitProblem(ref.file, "role", f"le rôle « {tool.role} » est déjà celui de l'outil « {holder[tool.role]} » : un seul outil du kit peut l'avoir"))
        else:
            holder[tool.role] = ref.id
    for ref in manifest.tools:
        tool = tools.get(ref.id)
        target = getattr(tool, "invites_to", None)
        if target and (target not in tools or tools[target].role != "workshop_guide"):
            problems.append(KitProblem(ref.file, "invites_to", f"« {target} » n'est pas un guide d'atelier du kit (rôle workshop_guide)"))
    return problems


_NUMERIC_TYPES = ("integer", "decimal", "scale")
_CHOICE_TYPES = ("single_choice", "multiple_choice")


def _check_indicators(manifest: KitManifest, tools: Mapping[str, Tool]) -> list[KitProblem]:
    """The référentiel's indicators: rubric levels of its scale, and what `compute` cites exists
    (tool, question, choice values) and suits the statistic."""
    problems: list[KitProblem] = []
    files = {ref.id: ref.file for ref in manifest.tools}
    for tool in tools.values():
        if not isinstance(tool, Referential):
            continue
        file = files.get(tool.id, tool.id)
        levels = {c.value for c in tool.scale}
        for qi, q in enumerate(tool.questions):
            for si, sq in enumerate(q.sub_questions):
                for ii, ind in enumerate(sq.indicators):
                    path = f"questions[{qi}].sub_questions[{si}].indicators[{ii}]"
                    for level in sorted(set(ind.rubric or {}) - levels):
                        problems.append(KitProblem(file, f"{path}.rubric", f"« {level} » n'est pas un niveau de l'échelle d'appréciation ({', '.join(sorted(levels))})"))
                    compute, where = ind.compute, f"{path}.compute"
                    # a series (`latest`, `change`) of a figure that is itself a percentage keeps its %
                    if compute is not None and compute.statistic not in ("latest", "change") and (
                            compute.statistic in ("share", "budget_share")) != (ind.unit == "%"):
                        problems.append(KitProblem(file, f"{path}.unit", "une part (« share », « budget_share ») s'exprime en « % » : donnez « unit: \"%\" » à l'indicateur"
                                                   if compute.statistic in ("share", "budget_share") else
                                                   f"l'unité « % » ne convient qu'à une part (« share », « budget_share »), pas à « {compute.statistic} »"))
                    while compute is not None:
                        problems.extend(_check_compute(file, where, compute, manifest, tools))
                        compute, where = compute.fallback, f"{where}.fallback"
    return problems


def _check_compute(file: str, path: str, compute: IndicatorCompute, manifest: KitManifest, tools: Mapping[str, Tool]) -> list[KitProblem]:
    if compute.programmation is not None:
        if compute.scores:
            return [KitProblem(file, f"{path}.scores", "« scores » ne s'applique qu'à une question à choix")]
        return []
    source = tools.get(compute.tool or "")
    if source is None:
        return [KitProblem(file, f"{path}.tool", f"l'outil « {compute.tool} » n'existe pas dans le kit")]
    if source.role not in ("questionnaire", "commitments", "step_form"):
        return [KitProblem(file, f"{path}.tool", f"l'outil « {compute.tool} » n'est ni un questionnaire, ni le suivi des engagements, "
                                                 "ni une fiche de l'évaluation : ses réponses ne peuvent pas être calculées")]
    question = next((q for _p, q in iter_questions(_tool_sections(source)) if q.id == compute.question), None)
    if question is None:
        return [KitProblem(file, f"{path}.question", f"la question « {compute.question} » n'existe pas dans l'outil « {compute.tool} »")]
    problems: list[KitProblem] = []
    if compute.by:
        group = next((q for _p, q in iter_questions(_tool_sections(source))
                      if q.type == "repeat_group" and any(ch.id == compute.question for ch in q.questions or [])), None)
        order = next((ch for ch in (group.questions or []) if ch.id == compute.by), None) if group else None
        if order is None:
            problems.append(KitProblem(file, f"{path}.by", f"« {compute.by} » doit être une question du même groupe répété que « {compute.question} » "
                                                           "(l'année de chaque ligne)"))
        elif order.type not in ("integer", "decimal", "date"):
            problems.append(KitProblem(file, f"{path}.by", f"« {compute.by} » ({order.type}) n'ordonne pas les lignes : une année ou une date est attendue"))
    choices: set[str] = set()
    if question.type in _CHOICE_TYPES:
        listed = question.choices or []
        if question.choice_list:
            found = next((cl for cl in list(source.choice_lists) + list(manifest.choice_lists) if cl.id == question.choice_list), None)
            listed = found.choices if found else []
        choices = {c.value for c in listed}
    numeric = question.type in _NUMERIC_TYPES or (question.type in _CHOICE_TYPES and bool(compute.scores))
    label = f"la question « {compute.question} » ({question.type})"
    if compute.statistic in ("mean", "median", "sum", "latest", "change") and not numeric:
        problems.append(KitProblem(file, f"{path}.statistic", f"« {compute.statistic} » demande une réponse chiffrée : {label} n'en donne pas (ajoutez « scores » pour une question à choix)"))
    if (compute.at_least is not None or compute.at_most is not None) and not numeric:
        problems.append(KitProblem(file, f"{path}.at_least", f"un seuil demande une réponse chiffrée : {label} n'en donne pas"))
    for value in compute.values or []:
        if question.type == "yes_no":
            if not isinstance(value, bool):
                problems.append(KitProblem(file, f"{path}.values", f"{label} attend true ou false, pas « {value} »"))
        elif question.type in _CHOICE_TYPES:
            if not isinstance(value, str) or value not in choices:
                problems.append(KitProblem(file, f"{path}.values", f"« {value} » n'est pas une réponse possible de {label} ({', '.join(sorted(choices))})"))
        else:
            problems.append(KitProblem(file, f"{path}.values", f"« values » s'applique à une question à choix ou oui/non, pas à {label}"))
            break
    if compute.scores:
        if question.type not in _CHOICE_TYPES:
            problems.append(KitProblem(file, f"{path}.scores", f"« scores » s'applique à une question à choix, pas à {label}"))
        else:
            for value in sorted(set(compute.scores) - choices):
                problems.append(KitProblem(file, f"{path}.scores", f"« {value} » n'est pas une réponse possible de {label}"))
    return problems


def _check_calculation_cycles(file: str, questions: list[tuple[str, Question]]) -> list[KitProblem]:
    """Calculations citing each other in a loop (a → b → a) would never have a value."""
    deps: dict[str, set[str]] = {}
    paths: dict[str, str] = {}
    for path, q in questions:
        if q.calculate:
            try:
                deps[q.id] = set(expressions.parse(q.calculate).names)
            except expressions.ExpressionError:
                continue  # reported by _check_expression
            paths[q.id] = path
    problems: list[KitProblem] = []
    reported: set[str] = set()
    for start in deps:
        stack, seen = [(start, [start])], set()
        while stack:
            node, trail = stack.pop()
            for nxt in deps.get(node, ()):
                if nxt == start and len(trail) > 1 and start not in reported:
                    reported.update(trail)
                    loop = " → ".join([*trail, start])
                    problems.append(KitProblem(file, f"{paths[start]}.calculate", f"les calculs se citent en boucle ({loop}) : aucun ne pourrait avoir de valeur"))
                elif nxt in deps and nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*trail, nxt]))
    return problems


_EXPRESSION_NOUNS = {"show_if": "la condition", "constraint": "la contrainte", "calculate": "le calcul"}


def _check_expression(
    file: str, path: str, source: str, known: set[str], what: str = "show_if", own: str | None = None
) -> list[KitProblem]:
    """The expression parses and cites only the tool's questions; `.` only in a constraint;
    a calculation never cites its own question (`own`)."""
    noun = _EXPRESSION_NOUNS[what]
    try:
        expr = expressions.parse(source)
    except expressions.ExpressionError as exc:
        return [KitProblem(file, path, f"{noun} est invalide : {exc}")]
    problems = []
    if expr.uses_self and what != "constraint":
        problems.append(KitProblem(file, path, f"« . » (la réponse elle-même) n'a de sens que dans une contrainte, pas dans {noun}"))
    if own is not None and own in expr.names:
        problems.append(KitProblem(file, path, f"{noun} cite sa propre question « {own} »"))
    problems += [
        KitProblem(file, path, f"{noun} cite la question « {name} » qui n'existe pas")
        for name in sorted(expr.names - known - {expressions.SELF})
    ]
    return problems


def summarize(kit: Kit) -> dict:
    """Counts shown by `evalkit kit check`."""
    by_kind: dict[str, int] = {}
    questions = 0
    indicators = 0
    for tool in kit.tools.values():
        by_kind[tool.kind] = by_kind.get(tool.kind, 0) + 1
        questions += sum(1 for _ in iter_questions(_tool_sections(tool)))
        if tool.kind == "referential":
            for q in tool.questions:
                questions += 1 + len(q.sub_questions)
                indicators += sum(len(sq.indicators) for sq in q.sub_questions)
        elif tool.kind == "checklist":
            questions += len(tool.items)
        elif tool.kind == "scoring_grid":
            questions += len(tool.criteria)
        elif tool.kind == "maturity_scale":
            questions += len(tool.domains)
    return {
        "kit": kit.id,
        "version": kit.version,
        "title": kit.title,
        "tools": len(kit.tools),
        "by_kind": dict(sorted(by_kind.items())),
        "questions": questions,
        "indicators": indicators,
        "reference_lists": [{"id": r.id, "kind": r.kind, "label": r.label, "version": r.version, "rows": len(r.rows)}
                            for r in kit.manifest.reference_lists],
    }


_SHIPPED: dict[tuple, tuple[str, str, str]] = {}


def shipped_kit(forms_dir: Path) -> tuple[str, str, str]:
    """(id, version, digest) of the kit in `forms_dir`, ("", "", "") when it is not usable.
    Kept per folder and state of its files (name, size, modification time)."""
    import yaml

    try:
        state = tuple(
            (p.as_posix(), st.st_size, st.st_mtime_ns) for p in sorted(Path(forms_dir).rglob("*.y*ml")) for st in [p.stat()]
        )
    except OSError:
        state = None
    key = (str(forms_dir), state)
    if state is not None and key in _SHIPPED:
        return _SHIPPED[key]
    try:
        files = read_folder(forms_dir)
        manifest = yaml.load(files.get(KIT_FILE, ""), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except Exception:  # noqa: BLE001 - no usable shipped kit: every kit copy gets validated
        return ("", "", "")
    if not isinstance(manifest, dict):
        return ("", "", "")
    found = (str(manifest.get("id", "")), str(manifest.get("version", "")), files_digest(files))
    if state is not None:
        _SHIPPED.clear()
        _SHIPPED[key] = found
    return found
