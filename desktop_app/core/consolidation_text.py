"""What stands out in each part of the resource centre's consolidation, in one French paragraph:
the spread between territories, the outliers, and the territories that have not reported yet.

Written from the data (`desktop_app.core.consolidation.Consolidation`), the same sentences in the
PDF and anywhere else they are shown. Qt-free.
"""

from __future__ import annotations

import statistics

from desktop_app.core.consolidation import NOT_FILLED, Consolidation
from desktop_app.core.consolidation_sheets import FILLED, NOT_IN_KIT, OUT_OF_SCOPE, StepSheet, year_number
from desktop_app.core.consolidation_sheets import NOT_FILLED as SHEET_NOT_FILLED
from desktop_app.core.fieldwork import COMMITMENT_STATUSES
from desktop_app.core.french import format_number, format_year, plural

MAX_NAMED = 6  # territories named in a sentence before « et N autres »


def names(data: Consolidation, ids) -> str:
    """Territory names in running text: « A, B et C », long lists cut with « et N autres »."""
    listed = [data.territory_name(i) for i in ids]
    if len(listed) > MAX_NAMED:
        rest = len(listed) - MAX_NAMED + 1
        listed = listed[: MAX_NAMED - 1] + [f"{rest} autres"]
    if len(listed) <= 1:
        return "".join(listed)
    return ", ".join(listed[:-1]) + " et " + listed[-1]


def pct(part: float, whole: float) -> str:
    return f"{format_number(round(100 * part / whole))}\u00a0%" if whole else "0\u00a0%"


def spread(data: Consolidation, values: dict, shown) -> str:
    """« de X (A) à Y (B) » between the lowest and the highest territory, or « X dans chaque
    territoire » when they all have the same value."""
    lo = min(values, key=values.get)
    hi = max(values, key=values.get)
    if shown(values[lo]) == shown(values[hi]):
        return f"{shown(values[lo])} dans chaque territoire"
    return f"de {shown(values[lo])} ({data.territory_name(lo)}) à {shown(values[hi])} ({data.territory_name(hi)})"


def _missing(data: Consolidation, reported) -> str:
    missing = [t.evaluation_id for t in data.territories if t.evaluation_id not in reported]
    if not missing:
        return "Tous les territoires ont renseigné cette partie."
    verb = "n'a" if len(missing) == 1 else "n'ont"
    return f"{names(data, missing)} {verb} pas encore renseigné cette partie."


def territories_text(data: Consolidation) -> str:
    ts = data.territories
    if not ts:
        return "Aucun territoire n'a encore été importé."
    rates = {t.evaluation_id: t.completion for t in ts}
    out = (
        f"{plural(len(ts), 'territoire')} consolidé{'s' if len(ts) > 1 else ''}. Avancement médian : "
        f"{pct(statistics.median(rates.values()), 1)} ; {spread(data, rates, lambda v: pct(v, 1))}."
    )
    idle = [t.evaluation_id for t in ts if t.steps_done == 0]
    if idle and len(idle) < len(ts):
        out += f" Aucune étape terminée pour {names(data, idle)}."
    return out


def referential_text(data: Consolidation) -> str:
    if not data.questions:
        return "Le kit n'a pas de référentiel."
    labels = {lv.value: lv.label.lower() for lv in data.scale}
    parts = []
    for q in data.questions:
        judged = {k: n for k, n in q.counts.items() if k != NOT_FILLED}
        if not judged:
            parts.append(f"question {q.number} ({q.theme}) : aucune appréciation")
            continue
        top, n = max(judged.items(), key=lambda kv: kv[1])
        spread = len(judged)
        parts.append(
            f"question {q.number} ({q.theme}) : {labels.get(top, top)} pour {n} sur {sum(judged.values())}"
            + (f", {spread} niveaux différents" if spread >= 3 else "")
        )
    out = "Appréciation la plus fréquente — " + " ; ".join(parts) + "."
    computed = sorted({eid for q in data.questions for eid in q.computed if q.by_territory.get(eid) != NOT_FILLED})
    if computed:
        out += (
            " Là où un territoire n'a pas donné d'appréciation d'ensemble, celle que propose sa synthèse "
            f"(moyenne de ses indicateurs) est reprise ({names(data, computed)})."
        )
    reported = {eid for q in data.questions for eid, v in q.by_territory.items() if v != NOT_FILLED}
    return out + " " + _missing(data, reported)


def questionnaire_text(data: Consolidation, qn) -> str:
    if not qn.respondents:
        return "Aucune réponse à ce questionnaire dans les territoires importés."
    counts = {}
    for q in qn.questions:
        for eid, n in q.answered_by_territory.items():
            counts[eid] = max(counts.get(eid, 0), n)
    low, high = min(counts.values()), max(counts.values())
    per = f"{low} par territoire" if low == high else f"de {low} à {high} par territoire"
    out = f"{plural(qn.respondents, 'réponse')} de {plural(qn.territories, 'territoire')} ({per})."
    numeric = [q for q in qn.questions if q.kind == "number" and q.stats is not None and len(q.stats_by_territory) >= 2]
    for q in numeric[:2]:
        medians = {eid: s.median for eid, s in q.stats_by_territory.items()}
        unit = f"\u00a0{q.unit}" if q.unit else ""

        def shown(v, unit=unit, year=q.year):
            return (format_year(v) if year else format_number(round(v, 1))) + unit

        out += f" « {q.label} » : médiane d'ensemble {shown(q.stats.median)} ; médiane par territoire {spread(data, medians, shown)}."
    others = sum(len(q.others) for q in qn.questions)
    if others:
        out += f" {plural(others, 'réponse « Autre »', 'réponses « Autre »')} sont listées en fin de partie."
    return out + " " + _missing(data, counts)


def maturity_text(data: Consolidation, m) -> str:
    if not m.levels:
        return "Aucun territoire n'a encore renseigné cette échelle. " + _missing(data, ())
    means = m.mean()
    known = [(i, v) for i, v in enumerate(means) if v is not None]
    out = ""
    if known:
        hi = max(known, key=lambda iv: iv[1])
        lo = min(known, key=lambda iv: iv[1])
        out = (
            f"Niveau moyen le plus haut : {m.domains[hi[0]][1]} ({format_number(round(hi[1], 1))} sur "
            f"{format_number(m.max_level)}) ; le plus bas : {m.domains[lo[0]][1]} ({format_number(round(lo[1], 1))})."
        )
        spreads = []
        for i, _ in known:
            vals = [row[i] for row in m.levels.values() if row[i] is not None]
            if len(vals) >= 2:
                spreads.append((max(vals) - min(vals), i))
        if spreads and max(spreads)[0] > 0:
            gap, i = max(spreads)
            out += f" Écart le plus grand entre territoires : {m.domains[i][1]} ({format_number(gap)} niveau{'x' if gap >= 2 else ''})."
        elif spreads:
            out += " Les territoires sont au même niveau dans chaque domaine."
    return out + " " + _missing(data, m.levels)


def councils_text(data: Consolidation, cg) -> str:
    if not cg.by_territory:
        return "Aucun territoire n'a encore rempli la grille « la loi et son application ». " + _missing(data, ())
    worst = GAP_WORST
    ranked = sorted(((cg.counts(i).get(worst, 0), label) for i, _, label in cg.items), reverse=True)
    out = ""
    if ranked and ranked[0][0]:
        n, label = ranked[0]
        out = f"Écart important le plus souvent relevé : « {label} » ({n} sur {len(cg.by_territory)} territoires)."
    else:
        out = "Aucun territoire ne relève d'écart important entre la loi et la pratique."
    per = {eid: sum(n for k, n in cg.territory_counts(eid).items() if k != "aucun") for eid in cg.by_territory}
    if len(per) >= 2:
        out += f" Obligations avec un écart : {spread(data, per, str)}."
    return out + " " + _missing(data, cg.by_territory)


GAP_WORST = "important"


def commitments_text(data: Consolidation) -> str:
    if not data.commitments:
        return "Aucun territoire n'a encore saisi ses engagements. " + _missing(data, ())
    total = sum(sum(c.values()) for c in data.commitments.values())
    done = sum(c.get("realise", 0) for c in data.commitments.values())
    out = f"{plural(total, 'engagement')} suivis, dont {pct(done, total)} réalisés."
    rates = {eid: c.get("realise", 0) / sum(c.values()) for eid, c in data.commitments.items() if sum(c.values())}
    if len(rates) >= 2:
        out += f" Part réalisée : {spread(data, rates, lambda v: pct(v, 1))}."
    dropped = sum(c.get("abandonne", 0) for c in data.commitments.values())
    if dropped:
        out += f" {plural(dropped, 'engagement')} {COMMITMENT_STATUSES['abandonne'][0].lower()}{'s' if dropped > 1 else ''}."
    return out + " " + _missing(data, data.commitments)


def actions_text(data: Consolidation) -> str:
    if not data.actions:
        return "Aucun territoire n'a encore importé sa programmation. " + _missing(data, ())
    chosen = sum(a.chosen for a in data.actions.values())
    listed = sum(a.total for a in data.actions.values())
    pillars: dict[str, int] = {}
    for a in data.actions.values():
        for p, n in a.chosen_by_pillar.items():
            pillars[p or "Pilier non précisé"] = pillars.get(p or "Pilier non précisé", 0) + n
    out = f"{plural(chosen, 'action structurante retenue', 'actions structurantes retenues')} sur {plural(listed, 'action')} programmées."
    if pillars:
        top = sorted(pillars.items(), key=lambda kv: -kv[1])[:3]
        out += " Piliers les plus représentés : " + ", ".join(f"{p} ({n})" for p, n in top) + "."
    none = [eid for eid, a in data.actions.items() if not a.chosen]
    if none:
        out += f" Aucune action retenue pour {names(data, none)}."
    return out + " " + _missing(data, data.actions)


def sheet_text(data: Consolidation, sheet: StepSheet) -> str:
    """A step_form sheet across territories: how many filled it (and how many items), the spread
    of the annual series' latest year and main figure, the least answered question, and every
    territory that has not filled it, by reason (not yet, out of scope, a kit without the sheet)."""
    total = len(data.territories)
    if not total:
        return "Aucun territoire n'a encore été importé."
    filled = sheet.filled()
    if filled:
        out = f"Fiche renseignée par {plural(len(filled), 'territoire')} sur {total}"
        items = sum(len(sheet.territories[eid].items) for eid in filled)
        out += f" ({plural(items, sheet.item_label.lower())})." if sheet.item_label else "."
    else:
        out = "Aucun territoire n'a encore renseigné cette fiche."
    series = sheet.series
    if series is not None and series.values:
        years = {eid: year_number(series.latest_year(eid)) for eid in series.values}
        years = {eid: y for eid, y in years.items() if y is not None}
        if years:
            out += f" Dernière année renseignée : {spread(data, years, format_year)}."
        main = max(series.figures, key=lambda f: series.filled(f.key))
        latest = {eid: per[main.key].latest for eid, per in series.values.items() if main.key in per}
        if len(latest) >= 2:
            out += f" « {main.label} », dernière année : {spread(data, latest, format_number)}."
        moves = [per[main.key].change for per in series.values.values() if main.key in per and per[main.key].change is not None]
        if moves:
            up, down = sum(1 for m in moves if m > 0), sum(1 for m in moves if m < 0)
            parts = [f"{word} dans {plural(n, 'territoire')}" for word, n in
                     (("en hausse", up), ("en baisse", down), ("stable", len(moves) - up - down)) if n]
            out += f" Depuis la première année : {', '.join(parts)}."
    elif len(filled) >= 2:
        asked = [(sheet.answered(f.key), f.label) for f in sheet.fields if not f.identifies]
        low = min(asked, default=None)
        if low is not None and low[0] < len(filled):
            out += f" Question la moins renseignée : « {low[1]} » ({low[0]} sur {len(filled)})."
    return f"{out} {_sheet_missing(data, sheet)}".strip()


def _sheet_missing(data: Consolidation, sheet: StepSheet) -> str:
    by_state: dict[str, list[str]] = {}
    old_kits: dict[str, list[str]] = {}
    for t in data.territories:
        s = sheet.territories.get(t.evaluation_id)
        if s is None:
            continue
        if s.state == NOT_IN_KIT:
            old_kits.setdefault(s.kit_version, []).append(t.evaluation_id)
        elif s.state != FILLED:
            by_state.setdefault(s.state, []).append(t.evaluation_id)
    parts = []
    missing = by_state.get(SHEET_NOT_FILLED, [])
    if len(missing) == len(data.territories):  # none has filled it: « Aucun territoire… » said it
        missing = []
    if missing:
        verb = "n'a" if len(missing) == 1 else "n'ont"
        parts.append(f"{names(data, missing)} {verb} pas encore renseigné cette fiche.")
    out_of_scope = by_state.get(OUT_OF_SCOPE, [])
    if out_of_scope:
        parts.append(f"Fiche hors du périmètre de l'évaluation pour {names(data, out_of_scope)}.")
    for version, ids in sorted(old_kits.items()):
        verb = "travaille" if len(ids) == 1 else "travaillent"
        parts.append(f"{names(data, ids)} {verb} avec la version {version or 'antérieure'} du kit, qui n'a pas cette fiche.")
    if not parts and not sheet.filled():
        return ""
    return " ".join(parts) or "Tous les territoires ont renseigné cette fiche."
