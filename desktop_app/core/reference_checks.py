"""The Cadrage checked against the official reference and the kit's QPV list.

`reference_checks(fields, tables, reference, qpv_list)` returns messages in French for the cells
they concern (shown in place like `core.cadrage.cross_checks`) and, where the repair is certain,
a `Fix`: the values that correct the row or the field (one click on « Corriger »). Checked:
- the EPCI's SIREN exists (or is a commune's, for a commune outside any EPCI) and matches the
  name typed; a SIREN a spreadsheet damaged is repaired;
- each commune's INSEE code exists, is the commune named, belongs to the chosen EPCI; a code that
  lost its leading 0, the former code of a merged commune and a municipal district are repaired;
- with a kit's QPV list: each QPV code is on it, its communes are in the Cadrage; without one,
  the département in the QPV code is one of the communes'.
Nothing is refused nor changed here: an invalid value stays visible until the user corrects it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core import identifiers as ids
from desktop_app.core.reference import EPCI_TYPE_LABELS, Reference, fold, same_epci_name
from desktop_app.kit.schema import ReferenceList


@dataclass(frozen=True)
class Fix:
    """A certain repair: `values` to save ({column or field key: value}), `label` in French
    (« 1001 → 01001 (L'Abergement-Clémenciat) »)."""

    values: dict[str, Any]
    label: str


@dataclass
class ReferenceChecks:
    evaluation: dict[str, str] = field(default_factory=dict)  # field key -> message
    evaluation_fixes: dict[str, Fix] = field(default_factory=dict)  # field key -> repair
    rows: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # entity -> row id -> column -> message
    fixes: dict[str, dict[str, Fix]] = field(default_factory=dict)  # entity -> row id -> repair

    def flag(self, entity: str, row_id: str, key: str, message: str) -> None:
        self.rows.setdefault(entity, {}).setdefault(row_id, {}).setdefault(key, message)

    def fix(self, entity: str, row_id: str, values: dict[str, Any], label: str) -> None:
        self.fixes.setdefault(entity, {}).setdefault(row_id, Fix(values, label))

    def messages(self) -> list[str]:
        out = list(self.evaluation.values())
        titles = {"commune": "Communes", "qpv": "Quartiers prioritaires (QPV)"}
        for entity, rows in self.rows.items():
            out += [f"{titles.get(entity, entity)} : {m}" for row in rows.values() for m in row.values()]
        return out

    def fix_count(self) -> int:
        return len(self.evaluation_fixes) + sum(len(f) for f in self.fixes.values())


def _qpv_departement(code: str) -> str | None:
    """« QN05901M » -> « 59 », « QP02A001 » -> « 2A », « QN97101N » -> « 971 »."""
    if ids.qpv_generation(code) is None:
        return None
    dep = code[2:5]
    return dep[1:] if dep.startswith("0") else dep


def _check_epci(fields: Mapping[str, Any], ref: Reference, out: ReferenceChecks):
    """The EPCI designated by the SIREN (None if it is not a known EPCI)."""
    raw = str(fields.get("siren") or "")
    siren = ids.normalize_siren(raw)
    name = str(fields.get("territory_name") or "").strip()
    if not siren:
        return None
    if ids.check_siren(siren):
        repaired = ref.repair_siren(raw, epci_only=fields.get("epci_type") != "commune")
        if repaired:
            epci = ref.epci(repaired)
            what = epci.name if epci else ref.version
            out.evaluation_fixes["siren"] = Fix({"siren": repaired}, f"SIREN {siren} → {repaired} ({what})")
        return None
    epci = ref.epci(siren)
    if epci is None:
        if ref.is_commune_siren(siren) and fields.get("epci_type") in ("commune", "", None):
            return None
        commune = ref.is_commune_siren(siren)
        out.evaluation["siren"] = (
            f"Le SIREN {siren} est celui d'une commune, pas d'un EPCI : choisissez l'EPCI dans la liste, "
            "ou le type « Commune (hors EPCI) »." if commune else
            f"Aucun EPCI n'a le SIREN {siren} dans le référentiel officiel (version {ref.version}) : "
            "vérifiez-le, ou choisissez l'EPCI dans la liste."
        )
        return None
    if not name:
        out.evaluation_fixes["territory_name"] = Fix({"territory_name": epci.name}, f"Nom de l'EPCI : « {epci.name} »")
    elif not same_epci_name(name, epci.name):
        out.evaluation["territory_name"] = (
            f"Le SIREN {siren} est celui de « {epci.name} », pas de « {name} » : vérifiez le nom ou le SIREN."
        )
    kind = epci.kind
    if kind and fields.get("epci_type") not in ("", None, kind):
        out.evaluation["epci_type"] = f"« {epci.name} » est une {_type_label(epci.type).lower()}."
        out.evaluation_fixes.setdefault("epci_type", Fix({"epci_type": kind}, f"Type : {_type_label(epci.type)}"))
    return epci


def _type_label(kind: str) -> str:
    return EPCI_TYPE_LABELS.get(kind, kind)


def _check_communes(rows: list[Mapping[str, Any]], ref: Reference, epci, out: ReferenceChecks) -> None:
    members = set(epci.members) if epci else set()
    by_name = {}
    for code, commune in ref.communes_among(members).items():
        by_name.setdefault(fold(commune.name), []).append(code)
    for row in rows:
        rid, name = row["id"], str(row.get("name") or "").strip()
        code = ids.normalize_insee(row.get("insee"))
        if not code:
            continue
        if ids.check_insee(code):  # the format's own message stays; a certain repair is offered
            repaired = ref.repair_insee(code)
            if repaired:
                c = ref.communes[repaired]
                if not name or fold(name) == fold(c.name):
                    out.fix("commune", rid, {"insee": repaired, **({} if name else {"name": c.name})},
                            f"{code} → {repaired} ({c.name})")
            continue
        commune = ref.communes.get(code)
        if commune is None:
            current = ref.former_codes.get(code) or ref.districts.get(code)
            if current:
                c = ref.communes[current]
                why = ("est l'ancien code d'une commune fusionnée" if code in ref.former_codes
                       else "est celui d'un arrondissement municipal")
                out.flag("commune", rid, "insee", f"Le code {code} {why} : la commune est {c.name} ({c.insee}).")
                out.fix("commune", rid, {"insee": c.insee, "name": c.name}, f"{code} → {c.insee} ({c.name})")
            else:
                out.flag("commune", rid, "insee",
                         f"Le code INSEE {code} n'existe pas dans le référentiel officiel (version {ref.version}).")
            continue
        if not name:
            out.fix("commune", rid, {"name": commune.name}, f"Nom de la commune {code} : {commune.name}")
        elif fold(name) != fold(commune.name):
            out.flag("commune", rid, "name", f"Le code {code} est celui de {commune.name}, pas de « {name} ».")
            same = [c for c in by_name.get(fold(name), []) if c != code]
            if len(same) == 1:
                out.fix("commune", rid, {"insee": same[0]}, f"Code de {name} : {code} → {same[0]}")
        if epci and code not in members:
            other = ref.epcis.get(commune.epci)
            where = f" (elle est membre de « {other.name} »)" if other else ""
            out.flag("commune", rid, "insee", f"{commune.name} n'appartient pas à « {epci.name} »{where}.")


def _check_qpv(rows: list[Mapping[str, Any]], communes: list[Mapping[str, Any]], ref: Reference,
               qpv_list: ReferenceList | None, out: ReferenceChecks) -> None:
    in_cadrage = {ids.normalize_insee(c.get("insee")) for c in communes} - {""}
    departements = {c.departement for c in ref.communes_among(in_cadrage).values()}
    listed = {r.code: r for r in qpv_list.rows} if qpv_list else {}
    for row in rows:
        rid, code = row["id"], str(row.get("code") or "").strip().upper()
        if not code or ids.check_qpv(code):
            continue
        if qpv_list is not None:
            entry = listed.get(code)
            if entry is None:
                out.flag("qpv", rid, "code", f"Le code {code} n'est pas dans la liste « {qpv_list.label} » du kit "
                                             f"({qpv_list.version}).")
                continue
            names = ", ".join(ref.communes[c].name if c in ref.communes else c for c in entry.communes)
            if not str(row.get("name") or "").strip() or not str(row.get("communes") or "").strip():
                values = {}
                if not str(row.get("name") or "").strip():
                    values["name"] = entry.name
                if not str(row.get("communes") or "").strip() and names:
                    values["communes"] = names
                if values:
                    out.fix("qpv", rid, values, f"{code} : « {entry.name} » ({names})")
            elif fold(str(row.get("name"))) != fold(entry.name):
                out.flag("qpv", rid, "name", f"Dans la liste du kit, {code} est « {entry.name} ».")
            missing = [c for c in entry.communes if c not in in_cadrage]
            if in_cadrage and missing:
                named = ", ".join(f"{ref.communes[c].name} ({c})" if c in ref.communes else c for c in missing)
                out.flag("qpv", rid, "communes",
                         f"Le quartier {code} est situé à {named}, absente de la liste des communes du cadrage.")
        else:
            dep = _qpv_departement(code)
            if departements and dep and dep not in departements:
                out.flag("qpv", rid, "code", f"Le code {code} désigne un quartier du département {dep}, où aucune "
                                             "commune du cadrage ne se trouve.")


def reference_checks(fields: Mapping[str, Any], tables: Mapping[str, list[Mapping[str, Any]]], ref: Reference,
                     qpv_list: ReferenceList | None = None) -> ReferenceChecks:
    out = ReferenceChecks()
    epci = _check_epci(fields, ref, out)
    _check_communes(list(tables.get("commune", [])), ref, epci, out)
    _check_qpv(list(tables.get("qpv", [])), list(tables.get("commune", [])), ref, qpv_list, out)
    return out
