"""Commands of the sync area: `export bundle`, `import bundle`, `sync`, `export consolidation`.

    evalkit export bundle --db PATH [--evaluation ID] --out FILE [--complet] [--chiffrer] [--json]
    evalkit import bundle FILE... --db PATH [--json]
    evalkit sync --db PATH --folder DIR [--json]
    evalkit sync keys --db PATH [--export FILE.pem] [--export-centre FILE.pem] [--json]
    evalkit sync centre-key --db PATH --key FILE.pem | --remove
    evalkit sync trust --db PATH --evaluation ID --key FILE.pem|FINGERPRINT [--replace] [--json]
    evalkit sync trust --db PATH --key FILE.evalkit [--replace] [--json]   (the key that signed it)
    evalkit sync trust --db PATH --evaluation ID --remove FINGERPRINT
    evalkit sync rename-device --db PATH NAME
    evalkit export consolidation --db PATH --out X.xlsx|X.pdf [--json]
        (--json: territories, evaluative questions, and per step_form sheet its territories
        filled / not_filled / out_of_scope / not_in_kit)

`sync keys` shows this device's label and key fingerprint and the keys accepted per evaluation;
`sync trust` accepts an evaluation's bundles signed by a key, on purpose (the resource centre
registering a territory's key in advance, or a new laptop: `--replace` drops the former ones).
Optionally, a territory encrypts its bundles to the resource centre (`export bundle --chiffrer`),
once it has registered the centre's encryption key (`sync centre-key`, the file the centre wrote
with `sync keys --export-centre`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop_app.commands.util import open_services, print_json, resolve_evaluation


def register(groups) -> None:
    p = groups["export"].add_parser("bundle", help="exporter les résultats d'une évaluation (.evalkit)")
    p.add_argument("--db", required=True, help="fichier de base de données ou URL")
    p.add_argument("--evaluation", help="identifiant de l'évaluation (si la base en contient plusieurs)")
    p.add_argument("--out", required=True, help="fichier .evalkit à écrire")
    p.add_argument("--complet", action="store_true", help="inclure les données personnelles (non pseudonymisé)")
    p.add_argument("--chiffrer", action="store_true", help="chiffrer le fichier pour le centre de ressources (sa clé enregistrée)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_export_bundle)

    p = groups["import"].add_parser("bundle", help="importer des fichiers de résultats (.evalkit)")
    p.add_argument("files", nargs="+", metavar="FICHIER")
    p.add_argument("--db", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import_bundle)

    p = groups["root"].add_parser("sync", help="synchroniser avec un dossier partagé ; clés des postes")
    p.add_argument("--db", help="fichier de base de données ou URL (obligatoire)")
    p.add_argument("--folder", help="dossier de synchronisation (par défaut : celui réglé dans l'application)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sync)
    sub = p.add_subparsers(dest="sync_command", required=False, parser_class=type(p), metavar="{keys,trust,rename-device,centre-key}")

    def db_option(q) -> None:  # after the sub-command: `evalkit sync keys --db D`
        q.add_argument("--db", required=True, default=argparse.SUPPRESS, help="fichier de base de données ou URL")
        q.add_argument("--json", action="store_true", default=argparse.SUPPRESS)

    q = sub.add_parser("keys", help="empreinte de la clé de ce poste et clés acceptées des autres postes")
    db_option(q)
    q.add_argument("--export", metavar="FICHIER.pem", help="écrire la clé publique de ce poste (pour le centre de ressources)")
    q.add_argument("--export-centre", metavar="FICHIER.pem", help="poste du centre de ressources : écrire sa clé de chiffrement (pour les territoires)")
    q.set_defaults(func=cmd_sync_keys)

    q = sub.add_parser("centre-key", help="enregistrer la clé de chiffrement du centre de ressources")
    db_option(q)
    what = q.add_mutually_exclusive_group(required=True)
    what.add_argument("--key", metavar="FICHIER.pem", help="la clé écrite par « evalkit sync keys --export-centre » sur le poste du centre")
    what.add_argument("--remove", action="store_true", help="oublier la clé enregistrée")
    q.set_defaults(func=cmd_sync_centre_key)

    q = sub.add_parser("trust", help="accepter volontairement la clé d'un poste pour une évaluation")
    db_option(q)
    q.add_argument("--evaluation", help="identifiant de l'évaluation (par défaut, avec un fichier .evalkit : la sienne)")
    what = q.add_mutually_exclusive_group(required=True)
    what.add_argument("--key", help="empreinte (7F3A-9C12-…), fichier de clé publique (.pem) ou fichier de résultats (.evalkit) signé par ce poste")
    what.add_argument("--remove", metavar="EMPREINTE", help="ne plus accepter cette clé pour cette évaluation")
    q.add_argument("--replace", action="store_true", help="ne plus accepter les autres clés de cette évaluation (ancien ordinateur)")
    q.add_argument("--label", default="", help="nom du poste, pour s'y retrouver")
    q.set_defaults(func=cmd_sync_trust)

    q = sub.add_parser("rename-device", help="renommer ce poste (le nom que voient les autres postes)")
    db_option(q)
    q.add_argument("name", metavar="NOM")
    q.set_defaults(func=cmd_sync_rename)

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
        res = services.sync.export_bundle(eid, Path(args.out), level, encrypt=args.chiffrer)
        root = services.attachments.root
    finally:
        services.close()
    if args.json:
        print_json({
            "ok": True, "file": str(res.path), "evaluation_id": eid, "privacy": res.privacy, "counts": res.counts,
            "excluded": res.excluded, "tombstones": res.tombstones, "redacted": res.redacted, "attachments": res.attachments, "sha256": res.file_sha256,
            "missing_attachments": list(res.missing), "encrypted": args.chiffrer,
        })
    else:
        total = sum(res.counts.values())
        mode = "pseudonymisé" if res.privacy == privacy.PSEUDONYMISED else "complet"
        sealed = ", chiffré pour le centre de ressources" if args.chiffrer else ""
        print(f"{res.path} : {total} enregistrements, {res.attachments} pièce(s) jointe(s), export {mode}{sealed}.")
        gone = sum(res.tombstones.values())
        left = sum(res.excluded.values()) - gone
        if gone:
            print(f"{gone} enregistrement(s) transmis seulement comme suppressions (témoignages sans consentement "
                  "ou dont le consentement a été retiré, et ce qui s'y rattache).")
        if left:
            print(f"{left} enregistrement(s) non transmis (listes de présence nominatives).")
    if res.missing:
        import sys

        shown = ", ".join(res.missing[:10]) + (f" et {len(res.missing) - 10} autre(s)" if len(res.missing) > 10 else "")
        print(
            f"Attention : {len(res.missing)} pièce(s) jointe(s) introuvable(s) dans le dossier des pièces jointes "
            f"(« {root} ») : {shown}. Le fichier a été écrit sans elles ; retrouvez ce dossier "
            "(disque débranché, dossier déplacé ?) et exportez de nouveau.",
            file=sys.stderr,
        )
    return 0


def cmd_import_bundle(args) -> int:
    from desktop_app.services.input_files import check_bundle_file

    for name in args.files:  # a folder, a device (/dev/zero), a pipe: refused before reading
        check_bundle_file(name)
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


def _need_db(args) -> None:
    from desktop_app.commands.util import UserError

    if not getattr(args, "db", None):
        raise UserError("Indiquez la base de données : --db FICHIER.")


def cmd_sync(args) -> int:
    _need_db(args)
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


def cmd_sync_keys(args) -> int:
    services = open_services(args.db)
    try:
        own = services.sync.own_key()
        exported = services.sync.export_public_key(Path(args.export)) if args.export else None
        centre_file = services.sync.export_centre_key(Path(args.export_centre)) if args.export_centre else None
        own_centre = services.sync.own_centre_key() if centre_file else None
        centre = services.sync.centre_key()
        keys = services.sync.trusted_keys()
        titles = {ev.id: ev.territory_name or ev.display_name for ev in services.evaluations.list()}
    finally:
        services.close()
    if getattr(args, "json", False):
        print_json({
            "ok": True,
            "device": {"id": own.device_id, "label": own.label, "fingerprint": own.fingerprint},
            "exported": str(exported) if exported else None,
            "exported_centre": {"file": str(centre_file), "fingerprint": own_centre} if centre_file else None,
            "centre_key": centre,
            "trusted": [
                {"evaluation_id": k.evaluation_id, "evaluation": titles.get(k.evaluation_id, ""), "fingerprint": k.fingerprint,
                 "device_id": k.device_id, "device_label": k.device_label, "origin": k.origin, "added_at": k.added_at,
                 "last_seen_at": k.last_seen_at}
                for k in keys
            ],
        })
        return 0
    print(f"Ce poste : « {own.label} », empreinte de sa clé : {own.fingerprint}")
    if exported:
        print(f"Clé publique écrite dans {exported} : envoyez-la au centre de ressources.")
    if centre_file:
        print(f"Clé de chiffrement de ce poste ({own_centre}) écrite dans {centre_file} : envoyez-la aux territoires.")
    if centre:
        print(f"Les fichiers exportés avec --chiffrer le sont pour le centre de ressources de clé {centre}.")
    if not keys:
        print("Aucune clé d'un autre poste n'est encore acceptée.")
    for k in keys:
        who = f"« {k.device_label} »" if k.device_label else "poste"
        title = titles.get(k.evaluation_id) or k.evaluation_id
        print(f"{title} ({k.evaluation_id}) : {who} {k.fingerprint} — {k.origin_label}")
    return 0


def cmd_sync_trust(args) -> int:
    services = open_services(args.db)
    try:
        if args.remove:
            if not args.evaluation:
                from desktop_app.commands.util import UserError

                raise UserError("Indiquez l'évaluation : --evaluation ID.")
            services.sync.untrust(args.evaluation, args.remove)
            if getattr(args, "json", False):
                print_json({"ok": True, "removed": args.remove})
            else:
                print(f"La clé {args.remove} n'est plus acceptée pour l'évaluation {args.evaluation}.")
            return 0
        key, removed = services.sync.trust(args.evaluation, args.key, replace=args.replace, label=args.label)
        known = any(ev.id == key.evaluation_id for ev in services.evaluations.list())
    finally:
        services.close()
    if getattr(args, "json", False):
        print_json({"ok": True, "evaluation_id": key.evaluation_id, "fingerprint": key.fingerprint,
                    "removed": [k.fingerprint for k in removed]})
        return 0
    print(f"Les résultats de l'évaluation {key.evaluation_id} signés par la clé {key.fingerprint} seront acceptés.")
    for k in removed:
        print(f"La clé {k.fingerprint} n'est plus acceptée pour cette évaluation.")
    if not known:
        print("Cette évaluation n'est pas encore dans la base : la clé est enregistrée d'avance.")
    return 0


def cmd_sync_centre_key(args) -> int:
    services = open_services(args.db)
    try:
        found = services.sync.set_centre_key(None if args.remove else Path(args.key))
    finally:
        services.close()
    if getattr(args, "json", False):
        print_json({"ok": True, "centre_key": found})
    elif found:
        print(f"Clé du centre de ressources enregistrée (empreinte {found}) : vérifiez-la avec le centre.")
    else:
        print("Plus aucune clé de centre de ressources n'est enregistrée.")
    return 0


def cmd_sync_rename(args) -> int:
    services = open_services(args.db)
    try:
        label = services.sync.rename_device(args.name)
    finally:
        services.close()
    if getattr(args, "json", False):
        print_json({"ok": True, "label": label})
    else:
        print(f"Ce poste s'appelle désormais « {label} » dans les fichiers qu'il envoie.")
    return 0


def cmd_export_consolidation(args) -> int:
    from desktop_app.commands.util import UserError
    from desktop_app.services.consolidation import consolidate
    from desktop_app.services.exports import ExportService

    out = Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".pdf"):
        raise UserError("Le fichier de sortie doit se terminer par .xlsx ou .pdf.")
    services = open_services(args.db)
    try:
        data = consolidate(services)
    finally:
        services.close()
    ExportService.consolidation(data, out)
    if args.json:
        print_json({"ok": True, "file": str(out), "territories": len(data.territories), "questions": len(data.questions),
                    "sheets": [_sheet_counts(sheet) for sheet in data.sheets]})
    else:
        print(f"{out} : vue consolidée de {len(data.territories)} territoire(s).")
    return 0


def _sheet_counts(sheet) -> dict:
    """A step_form sheet of the consolidation: its territories by state (every key always there)."""
    from desktop_app.core.consolidation_sheets import FILLED, NOT_FILLED, NOT_IN_KIT, OUT_OF_SCOPE

    states = [s.state for s in sheet.territories.values()]
    return {"tool_id": sheet.tool_id, "title": sheet.title, "filled": states.count(FILLED), "not_filled": states.count(NOT_FILLED),
            "out_of_scope": states.count(OUT_OF_SCOPE), "not_in_kit": states.count(NOT_IN_KIT)}
