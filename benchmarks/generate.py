"""Synthetic but realistic evaluations for the benchmarks, written through the services.

    python benchmarks/generate.py --scale 1 --out DIR         # DIR/scale-1.db, one evaluation
    python benchmarks/generate.py --scale 1 10 100 --out DIR
    python benchmarks/generate.py --territories 20 --out DIR  # DIR/bundles/*.evalkit (resource centre)

Scale 1 is a small evaluation (about thirty actions, a few workshops, a few dozen testimonies and
questionnaire responses); scale S multiplies everything that grows with a territory by S (the
Cadrage tables grow more slowly and are capped, the short list of actions stays at the kit's
size, the référentiel and the maturity scales are one form each). Every record goes through
the services (bulk calls where they exist: the programmation and commitments imports), so the
data is what the application itself writes. Answers are drawn from each tool's compiled form
and checked with `core.validation`. A feature area whose service is not in the tree yet is
skipped and reported as such.

The data directory is DIR/home (EVALKIT_HOME: attachments, backups); `DIR/manifest.json`
lists what was generated. Deterministic for a given scale and seed (ids and times aside).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import random
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

AREAS = {
    "actions": "desktop_app.services.actions",
    "fieldwork": "desktop_app.services.fieldwork_workshops",
    "questionnaires": "desktop_app.services.questionnaires",
    "synthesis": "desktop_app.services.synthesis_referentiel",
    "exports": "desktop_app.services.exports",
    "sync": "desktop_app.services.sync",
}

# What one unit of scale holds (see `Plan`).
UNIT = {
    "actions": 30,  # each funded 1 to 4 years
    "guide_workshops": 3,  # one per guide (partenaires, associations, conseils citoyens)
    "working_groups": 1,  # three sessions each
    "immersions": 2,
    "testimonies": 8,
    "contributions": 2,
    "association_responses": 15,
    "commitments": 12,
    "evidence_links": 10,
    "attachments": 2,
}


def area_available(name: str) -> bool:
    """True when the feature area's service module is in the tree."""
    try:
        return importlib.util.find_spec(AREAS[name]) is not None
    except ModuleNotFoundError:
        return False


class Plan:
    """How many records of each kind an evaluation of scale `scale` holds."""

    def __init__(self, scale: int):
        self.scale = s = max(1, int(scale))
        for key, per_unit in UNIT.items():
            setattr(self, key, per_unit * s)
        self.communes = min(5 * s, 120)
        self.qpv = min(5 * s, 60)
        self.partners = min(8 + 2 * s, 80)
        self.team = min(5 + s // 5, 30)
        self.milestones = min(9 + s // 2, 60)
        self.commune_responses = self.communes
        self.chosen_actions = min(6, self.actions)
        self.councils = min(2 * s, self.qpv)
        self.evidence_links = min(
            self.evidence_links, 40
        )  # one référentiel: its evidence does not grow with the territory


def _timed(report: dict, name: str, fn: Callable[[], dict | None]) -> None:
    t0 = time.perf_counter()
    try:
        counts = fn() or {}
        report["areas"][name] = {"status": "ok", "seconds": round(time.perf_counter() - t0, 2), **counts}
    except Exception as exc:  # an area in progress may break: report it, keep the others
        report["areas"][name] = {"status": "error", "error": f"{exc.__class__.__name__}: {exc}"}
        traceback.print_exc()
        print(f"generate: {name} failed: {exc}", file=sys.stderr)


def _skip(report: dict, name: str) -> None:
    report["areas"][name] = {"status": "n/a", "error": "pas encore disponible"}


# -- Cadrage --------------------------------------------------------------------------------------
def build_cadrage(services, eid: str, plan: Plan, rng: random.Random, territory: str) -> dict:
    import bench_fill as fill

    ev = services.evaluations
    ev.update_evaluation(eid, "epci_type", "ca")
    ev.update_evaluation(eid, "siren", fill.luhn_complete("20009991"))
    ev.update_evaluation(eid, "start_date", "2026-01-05")
    ev.update_evaluation(eid, "end_date", "2026-12-18")
    ev.update_evaluation(eid, "description", fill.paragraph(rng, 3, 6))
    communes = [(f"{fill.PLACES[i % len(fill.PLACES)]}-{i + 1}", fill.insee(i)) for i in range(plan.communes)]
    for name, code in communes:
        ev.add_row("commune", eid, {"name": name, "insee": code})
    for i in range(plan.qpv):
        ev.add_row(
            "qpv",
            eid,
            {
                "code": fill.qpv_code(i),
                "name": f"Quartier {fill.PLACES[i % len(fill.PLACES)]} {i + 1}",
                "communes": communes[i % len(communes)][0],
            },
        )
    for i in range(plan.partners):
        ev.add_row(
            "partner",
            eid,
            {
                "organisation": f"{fill.structure(rng, i)} ({territory})",
                "contact": fill.person(rng),
                "role": "Chargé de mission",
                "email": f"contact{i}@partenaire.example",
            },
        )
    for i in range(plan.team):
        ev.add_row(
            "team_member",
            eid,
            {
                "name": fill.person(rng),
                "organisation": territory,
                "role": "Chef de projet",
                "is_pilot": i < 2,
                "email": f"equipe{i}@agglo.example",
            },
        )
    kinds = ("copil", "atelier", "groupe_travail", "temps_fort")
    for i in range(plan.milestones):
        day = f"2026-{1 + i % 12:02d}-{1 + (i * 7) % 28:02d}"
        ev.add_row(
            "milestone",
            eid,
            {
                "date": day,
                "kind": kinds[i % len(kinds)],
                "label": f"Réunion n°{i + 1}",
                "place": f"Salle {fill.place(rng)}",
            },
        )
    return {"communes": plan.communes, "qpv": plan.qpv, "partners": plan.partners}


# -- actions structurantes -----------------------------------------------------------------------
def build_actions(services, eid: str, plan: Plan, rng: random.Random, folder: Path) -> dict:
    import bench_fill as fill

    path = folder / f"programmation-{eid[:8]}.csv"
    header = [
        "Année",
        "N° de dossier",
        "Intitulé de l'action",
        "Structure porteuse",
        "SIRET",
        "Pilier",
        "Quartiers prioritaires",
        "Montant accordé État (BOP 147)",
        "Montant accordé Agglomération",
        "Montant accordé Région",
        "Coût total",
        "Nombre de bénéficiaires",
        "Bénéficiaires habitant un QPV (%)",
        "Objectifs",
    ]
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(header)
        for n in range(plan.actions):
            title = f"{rng.choice(fill.ACTIVITIES)} — {fill.place(rng)} n°{n + 1}"
            carrier = fill.structure(rng, n)
            first = rng.randint(2021, 2024)
            for year in range(first, min(2025, first + rng.randint(1, 4))):
                state = rng.randrange(3000, 40000, 500)
                cost = state + rng.randrange(2000, 60000, 500)
                out.writerow(
                    [
                        year,
                        f"{year}-{n + 1:05d}",
                        title,
                        carrier,
                        fill.siret(n),
                        rng.choice(fill.PILLARS),
                        fill.qpv_code(n % plan.qpv),
                        f"{state:,}".replace(",", " "),
                        rng.choice(["", "5 000", "12 500"]),
                        rng.choice(["", "", "8 000"]),
                        f"{cost:,}".replace(",", " "),
                        rng.randint(10, 400),
                        rng.randint(40, 100),
                        fill.sentence(rng),
                    ]
                )
                rows += 1
    report = services.actions.import_file(eid, path)
    actions = services.actions.list(eid)
    criteria = services.actions.criteria(eid)
    scores: dict[tuple[str, str], int | None] = {}
    for a in actions[: max(1, len(actions) // 5)]:
        for c in criteria:
            if c.levels and rng.random() < 0.7:
                scores[(a.id, c.id)] = rng.choice(c.levels).value
    if scores and hasattr(services.actions, "set_scores"):
        services.actions.set_scores(eid, scores)
    elif scores:
        for (aid, cid), value in list(scores.items())[:200]:
            services.actions.set_score(aid, cid, value)
    for a in rng.sample(actions, plan.chosen_actions):
        services.actions.set_chosen(a.id, True)
    return {"actions": len(actions), "funding_rows": rows, "imported": report.imported, "scores": len(scores)}


# -- fieldwork ------------------------------------------------------------------------------------
def build_fieldwork(services, eid: str, plan: Plan, rng: random.Random, folder: Path) -> dict:
    import bench_fill as fill

    from desktop_app.kit.forms import compile_tool

    workshops_service = services.workshops
    terrain_service = services.terrain
    commitments_service = services.commitments
    forms = services.forms
    summary = services.evaluations.get(eid)
    kit = services.kits.get(summary.kit_id, summary.kit_version)
    compiled: dict[str, object] = {}

    def form(tool_id: str):
        if tool_id not in compiled:
            compiled[tool_id] = compile_tool(kit, tool_id)
        return compiled[tool_id]

    guides = list(kit.tool_ids_with_role("workshop_guide"))
    WORKING_GROUP_TOOL = kit.tool_id_for_role("working_group")
    workshops = 0
    for n in range(plan.guide_workshops):
        tool_id = guides[n % len(guides)]
        change = workshops_service.create_workshop(
            eid,
            tool_id,
            start_time="14:00",
            facilitators=f"{fill.person(rng)} (animation), {fill.person(rng)} (notes)",
            participants={
                "etat": rng.randint(1, 5),
                "collectivites": rng.randint(2, 8),
                "associations": rng.randint(0, 9),
            },
        )
        w = workshops_service.workshop(change.id)
        forms.set_answers(w.response_id, fill.answers_for(form(tool_id), rng))
        if rng.random() < 0.7:
            forms.set_status(w.response_id, "complete")
        workshops += 1
    series = []
    if WORKING_GROUP_TOOL is not None:
        for n in range(plan.working_groups):
            workshops_service.create_working_group(eid, f"Thème de travail n°{n + 1} : {rng.choice(fill.WORDS)}")
        for group in workshops_service.working_groups(eid):
            series.append(group.series_id)
            for session in group.sessions:
                forms.set_answers(session.response_id, fill.answers_for(form(WORKING_GROUP_TOOL), rng))
                workshops += 1
    for n in range(plan.immersions):
        answers = fill.answers_for(form("fiche-immersion"), rng) if "fiche-immersion" in kit.tools else {}
        terrain_service.create_immersion(eid, series[n % len(series)] if series else "", answers)
    testimonies = 0
    if "fiche-temoignage" in kit.tools:
        from desktop_app.core.fieldwork import CONTRIBUTION, TESTIMONY

        skip = {"code_pseudonyme", "type_contribution", "date_recueil", "date_conservation"}
        for n in range(plan.testimonies + plan.contributions):
            answers = fill.answers_for(form("fiche-temoignage"), rng, skip=skip)
            if rng.random() < 0.2:  # consent not (yet) given: must stay out of pseudonymised bundles
                answers.pop("consentement_utilisation", None)
                answers.pop("consentement_diffusion", None)
            kind = TESTIMONY if n < plan.testimonies else CONTRIBUTION
            terrain_service.create_testimony(eid, kind, series[n % len(series)] if series and n % 3 == 0 else "", answers)
            testimonies += 1
    path = folder / f"engagements-{eid[:8]}.csv"
    statuses = ("Réalisé", "En cours", "Non engagé", "Abandonné", "")
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(
            ["N°", "Intitulé de l'engagement", "Pilote", "Statut", "Preuves", "Commentaire", "Échéance"]
        )
        for n in range(plan.commitments):
            out.writerow(
                [
                    n + 1,
                    fill.sentence(rng),
                    fill.structure(rng, n),
                    rng.choice(statuses),
                    rng.choice(["", "Compte rendu du COPIL", "Bilan annuel"]),
                    rng.choice(["", fill.sentence(rng)]),
                    rng.choice(["", "31/12/2026"]),
                ]
            )
    commitments_service.import_commitments(eid, path)
    return {
        "workshops": workshops,
        "testimonies": testimonies,
        "immersions": plan.immersions,
        "commitments": plan.commitments,
    }


# -- questionnaires -------------------------------------------------------------------------------
def build_questionnaires(services, eid: str, plan: Plan, rng: random.Random) -> dict:
    import bench_fill as fill

    from desktop_app.core.questionnaire_respondents import identity_fields
    from desktop_app.services.base import ServiceError

    q = services.questionnaires
    counts = {}
    for info in q.questionnaires(eid):
        form = q.form(eid, info.tool_id)
        ids = identity_fields(form)
        kind = ids.respondent_type
        if kind == "commune":
            who = [
                (f"{fill.PLACES[i % len(fill.PLACES)]}-{i + 1}", fill.insee(i))
                for i in range(plan.commune_responses)
            ]
        else:
            who = [(fill.structure(rng, i), fill.siret(i)) for i in range(plan.association_responses)]
        for name, code in who:
            rid = q.new_response(eid, info.tool_id, name, code, allow_duplicate=True)
            answers = services.forms.get(rid).answers
            answers.update(fill.answers_for(form, rng, skip=ids.ids))
            services.forms.set_answers(rid, answers)
            if rng.random() < 0.6:
                try:
                    q.set_status(rid, "complete")
                except ServiceError:
                    pass  # a required answer left out: stays a draft, as in real life
        counts[info.tool_id] = len(who)
    return {"responses": counts}


# -- synthesis ------------------------------------------------------------------------------------
def build_synthesis(services, eid: str, plan: Plan, rng: random.Random) -> dict:
    import bench_fill as fill

    from desktop_app.kit.forms import compile_tool

    forms = services.forms
    summary = services.evaluations.get(eid)
    kit = services.kits.get(summary.kit_id, summary.kit_version)
    ref = services.referentiel.referentiel(eid)
    forms.set_answers(ref.id, fill.answers_for(compile_tool(kit, "referentiel"), rng, density=0.9))
    targets = list(services.referentiel.referentiel_targets(eid))
    responses = [r for r in forms.find(eid) if r.tool_id != "referentiel"]
    links = 0
    for n in range(min(plan.evidence_links, len(responses) * max(1, len(targets)))):
        r = responses[n % len(responses)] if responses else None
        if r is None or not targets:
            break
        try:
            services.referentiel.add_evidence(
                eid,
                targets[(n * 7) % len(targets)],
                "form_response",
                r.id,
                label=r.label or r.tool_id,
                note=fill.sentence(rng),
            )
            links += 1
        except Exception:  # the same pair twice: skip
            pass
    qpvs = services.evaluations.rows("qpv", eid)
    for row in qpvs[: plan.councils]:
        services.councils.start_council(eid, row["id"])
        for c in forms.find(eid, subject_type="qpv", subject_id=row["id"]):
            forms.set_answers(c.id, fill.answers_for(compile_tool(kit, c.tool_id), rng))
    for tool_id in ("maturite-lcd", "maturite-efh"):
        if tool_id in kit.tools:
            r = services.maturity.maturity_response(eid, tool_id)
            forms.set_answers(r.id, fill.answers_for(compile_tool(kit, tool_id), rng))
    return {"evidence_links": links, "councils": min(plan.councils, len(qpvs))}


def build_attachments(services, eid: str, plan: Plan, rng: random.Random, folder: Path) -> dict:
    responses = services.forms.find(eid)
    for n in range(plan.attachments):
        path = folder / f"photo-{n}.png"
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + rng.randbytes(2048 + 64 * (n % 16)))
        target = responses[n % len(responses)]
        services.attachments.add_file(eid, "form_response", target.id, path, f"Photo de paperboard n°{n + 1}")
    return {"attachments": plan.attachments}


# -- one evaluation -------------------------------------------------------------------------------
def build_evaluation(
    services, plan: Plan, rng: random.Random, folder: Path, territory: str, report: dict
) -> str:
    eid = services.evaluations.create(territory, title=f"Évaluation du contrat de ville — {territory}")
    _timed(report, "cadrage", lambda: build_cadrage(services, eid, plan, rng, territory))
    for name, build in (
        ("actions", lambda: build_actions(services, eid, plan, rng, folder)),
        ("fieldwork", lambda: build_fieldwork(services, eid, plan, rng, folder)),
        ("questionnaires", lambda: build_questionnaires(services, eid, plan, rng)),
        ("synthesis", lambda: build_synthesis(services, eid, plan, rng)),
    ):
        if area_available(name):
            _timed(report, name, build)
        else:
            _skip(report, name)
    _timed(report, "attachments", lambda: build_attachments(services, eid, plan, rng, folder))
    return eid


def _open(db: Path):
    from desktop_app.services.app_services import Services

    return Services.open(db)


def generate_scale(out: Path, scale: int, seed: int = 2026) -> dict:
    """Write OUT/scale-S.db holding one evaluation of that scale; returns its manifest entry."""
    db = out / f"scale-{scale}.db"
    for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        p.unlink(missing_ok=True)
    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    services = _open(db)
    report: dict = {"db": db.name, "scale": scale, "areas": {}}
    try:
        plan = Plan(scale)
        eid = build_evaluation(
            services, plan, random.Random(seed * 1000 + scale), work, f"Agglomération test S{scale}", report
        )
        report["evaluation_id"] = eid
        report["form_responses"] = len(services.forms.find(eid))
    finally:
        services.close()
    report["seconds"] = round(time.perf_counter() - t0, 1)
    report["bytes"] = db.stat().st_size
    return report


def generate_territories(out: Path, count: int, scale: int = 1, seed: int = 2026) -> dict:
    """N territories' evaluations in OUT/territories.db, each exported as a bundle in OUT/bundles/."""
    db = out / "territories.db"
    for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        p.unlink(missing_ok=True)
    bundles = out / "bundles"
    bundles.mkdir(parents=True, exist_ok=True)
    for old in bundles.glob("*.evalkit"):
        old.unlink()
    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    services = _open(db)
    entry: dict = {"db": db.name, "count": count, "scale": scale, "bundles": [], "areas": {}}
    try:
        for n in range(count):
            report: dict = {"areas": {}}
            eid = build_evaluation(
                services, Plan(scale), random.Random(seed + 7919 * n), work, f"Territoire {n + 1:03d}", report
            )
            entry["areas"] = {k: v.get("status") for k, v in report["areas"].items()}
            if area_available("sync"):
                path = bundles / f"territoire-{n + 1:03d}.evalkit"
                services.sync.export_bundle(eid, path)
                entry["bundles"].append(path.name)
    finally:
        services.close()
    entry["seconds"] = round(time.perf_counter() - t0, 1)
    return entry


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Données synthétiques pour les mesures de performance.")
    p.add_argument("--scale", type=int, nargs="*", default=[], help="échelles à générer (1, 10, 100…)")
    p.add_argument(
        "--territories", type=int, default=0, help="nombre de paquets de territoires (centre de ressources)"
    )
    p.add_argument("--out", required=True, help="dossier de sortie")
    p.add_argument("--seed", type=int, default=2026)
    args = p.parse_args(argv)
    if not args.scale and not args.territories:
        p.error("indiquez --scale et/ou --territories")
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("EVALKIT_HOME", str(out / "home"))
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.is_file() else {}
    manifest["evalkit_home"] = os.environ["EVALKIT_HOME"]
    for scale in args.scale:
        entry = generate_scale(out, scale, args.seed)
        manifest.setdefault("scales", {})[str(scale)] = entry
        print(
            f"échelle {scale} : {entry['form_responses']} fiches, {entry['bytes'] / 1e6:.1f} Mo, {entry['seconds']} s"
        )
    if args.territories:
        entry = generate_territories(out, args.territories, seed=args.seed)
        manifest["territories"] = entry
        print(f"{args.territories} territoires : {len(entry['bundles'])} paquets, {entry['seconds']} s")
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    failed = [
        f"{k}:{a}"
        for k, e in manifest.get("scales", {}).items()
        for a, v in e["areas"].items()
        if v["status"] == "error"
    ]
    if failed:
        print("générateur : échecs " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
