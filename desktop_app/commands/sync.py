"""Commands of the sync area: `export bundle`, `import bundle`, `sync`, `export consolidation`.

    evalkit export bundle --db PATH [--evaluation ID] --out FILE [--complet] [--json]
    evalkit import bundle FILE... --db PATH [--json]
    evalkit sync --db PATH --folder DIR [--json]
    evalkit export consolidation --db PATH --out X.xlsx|X.pdf [--json]
"""

from __future__ import annotations

from pathlib import Path

from desktop_app.commands.util import open_services, print_json, resolve_evaluation


def register(groups) -> None:
    p = groups["export"].add_parser("bundle", help="exporter les résultats d'une évaluation (.evalkit)")
    p.add_argument("--db", required=True, help="fichier de base de données ou URL")
    p.add_argument("--evaluation", help="identifiant de l'évaluation (si la base en contient plusieurs)")
    p.add_argument("--out", required=True, help="fichier .evalkit à écrire")
    p.add_argument("--complet", action="store_true", help="inclure les données personnelles (non pseudonymisé)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_export_bundle)

    p = groups["import"].add_parser("bundle", help="importer des fichiers de résultats (.evalkit)")
    p.add_argument("files", nargs="+", metavar="FICHIER")
    p.add_argument("--db", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import_bundle)

    p = groups["root"].add_parser("sync", help="synchroniser avec un dossier partagé")
    p.add_argument("--db", required=True)
    p.add_argument("--folder", help="dossier de synchronisation (par défaut : celui réglé dans l'application)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sync)

    p = groups["export"].add_parser("consolidation", help="vue consolidée des territoires (centre de ressources)")
    p.add_argument("--db", required=True)
    p.add_argument("--out", required=True, help="fichier .xlsx ou .pdf")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_export_consolidation)


def cmd_export_bundle(args) -> int:
    from desktop_app.sync import privacy

    services = open_services(args.db)
    try:
        eid = resolve_evaluation(services, args.evaluation)
        level = privacy.COMPLETE if args.complet else privacy.PSEUDONYMISED
        res = services.sync.export_bundle(eid, Path(args.out), level)
    finally:
        services.close()
    if args.json:
        print_json({
            "ok": True, "file": str(res.path), "evaluation_id": eid, "privacy": res.privacy, "counts": res.counts,
            "excluded": res.excluded, "redacted": res.redacted, "attachments": res.attachments, "sha256": res.file_sha256,
        })
    else:
        total = sum(res.counts.values())
        mode = "pseudonymisé" if res.privacy == privacy.PSEUDONYMISED else "complet"
        print(f"{res.path} : {total} enregistrements, {res.attachments} pièce(s) jointe(s), export {mode}.")
        left = sum(res.excluded.values())
        if left:
            print(f"{left} enregistrement(s) non transmis (témoignages sans consentement et ce qui s'y rattache).")
    return 0


def cmd_import_bundle(args) -> int:
    services = open_services(args.db)
    try:
        results = services.sync.import_bundles([Path(f) for f in args.files])
        open_conflicts = services.sync.open_conflict_count()
    finally:
        services.close()
    if args.json:
        print_json({"ok": True, "files": results, "open_conflicts": open_conflicts})
    else:
        for r in results:
            print(
                f"{r['file']} : {r['imported']} importé(s), {r['updated']} mis à jour, "
                f"{r['unchanged']} inchangé(s), {r['conflicts']} conflit(s)."
            )
        if open_conflicts:
            print(f"{open_conflicts} conflit(s) à résoudre dans l'application (menu Synchronisation > Conflits…).")
    return 0


def cmd_sync(args) -> int:
    services = open_services(args.db)
    try:
        report = services.sync.sync_folder(args.folder)
        open_conflicts = services.sync.open_conflict_count()
    finally:
        services.close()
    if args.json:
        print_json({"ok": not report.errors, **report.as_dict(), "open_conflicts": open_conflicts})
    else:
        for r in report.received:
            print(
                f"Reçu {r['file']} : {r['imported']} importé(s), {r['updated']} mis à jour, "
                f"{r['unchanged']} inchangé(s), {r['conflicts']} conflit(s)."
            )
        for s in report.sent:
            print(f"Envoyé {s['file']} ({s['records']} enregistrements).")
        if not report.received and not report.sent:
            print("Rien de nouveau : tout est à jour.")
        for e in report.errors:
            print(f"Erreur : {e['message']}")
        if open_conflicts:
            print(f"{open_conflicts} conflit(s) à résoudre dans l'application.")
    return 1 if report.errors else 0


def cmd_export_consolidation(args) -> int:
    from desktop_app.commands.util import UserError
    from desktop_app.exports.consolidation_files import write_pdf, write_xlsx
    from desktop_app.services.consolidation import consolidate

    out = Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".pdf"):
        raise UserError("Le fichier de sortie doit se terminer par .xlsx ou .pdf.")
    services = open_services(args.db)
    try:
        data = consolidate(services)
    finally:
        services.close()
    (write_xlsx if out.suffix.lower() == ".xlsx" else write_pdf)(data, out)
    if args.json:
        print_json({"ok": True, "file": str(out), "territories": len(data.territories), "questions": len(data.questions)})
    else:
        print(f"{out} : vue consolidée de {len(data.territories)} territoire(s).")
    return 0
