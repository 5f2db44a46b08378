"""Commands for kit versions: install one, list them, pack a folder, move an evaluation to a newer one.

    evalkit kit install FICHIER.zip|DOSSIER [--db PATH] [--json]
    evalkit kit list [--json]
    evalkit kit pack DOSSIER --out kit.zip [--json]
    evalkit kit upgrade --db PATH [--evaluation ID] [--to VERSION] [--dry-run] [--json]

`install` validates the kit like `kit check` and copies it into the user's data folder (with
`--db`, it is also checked against the kit copies that database keeps). `pack` writes the file a
resource centre publishes. `upgrade` shows what changes (questions added, removed, reworded) and,
without `--dry-run`, moves the evaluation to that version; answers are kept by question id.
"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop_app.commands.util import open_services, print_json, resolve_evaluation


def register(groups) -> None:
    kit = groups["kit"]
    p = kit.add_parser("install", help="installer une version du kit (.zip ou dossier)")
    p.add_argument("source", metavar="FICHIER.zip|DOSSIER")
    p.add_argument("--db", help="vérifier aussi les copies du kit gardées par cette base")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_install)

    p = kit.add_parser("list", help="lister les versions du kit présentes sur ce poste")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = kit.add_parser("pack", help="valider un dossier de kit et en faire le fichier .zip à publier")
    p.add_argument("dir", metavar="DOSSIER")
    p.add_argument("--out", required=True, metavar="kit.zip")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_pack)

    p = kit.add_parser("upgrade", help="passer une évaluation à une version plus récente du kit")
    p.add_argument("--db", required=True, help="fichier de base de données ou URL")
    p.add_argument("--evaluation", help="identifiant de l'évaluation (si la base en contient plusieurs)")
    p.add_argument("--to", metavar="VERSION", help="version visée (par défaut : la plus récente installée)")
    p.add_argument("--dry-run", action="store_true", help="montrer ce qui change sans rien modifier")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_upgrade)


def _bundled_entry():
    from desktop_app import paths
    from desktop_app.kit.loader import KitError, load_folder
    from desktop_app.services.errors import ServiceError
    from desktop_app.services.kit_library import bundled_entry

    try:
        return bundled_entry(load_folder(paths.forms_dir()), paths.forms_dir())
    except KitError as exc:
        raise ServiceError(f"Le kit fourni avec l'application contient une erreur :\n{exc}") from None


def cmd_install(args) -> int:
    if args.db:
        services = open_services(args.db)
        try:
            entry, new = services.kits.install(args.source)
        finally:
            services.close()
    else:
        from desktop_app.services.kit_library import KitLibrary

        library = KitLibrary()
        kit = library.read(args.source)
        entry, new = library.install(kit, str(Path(args.source).resolve()), _bundled_entry())
    if args.json:
        print_json({"ok": True, "installed": new, **entry.as_dict()})
        return 0
    if new:
        print(f"Kit « {entry.title} » ({entry.id} version {entry.version}, empreinte {entry.short_digest}) installé dans {entry.folder}.")
        print("Les nouvelles évaluations utiliseront la version la plus récente présente sur ce poste.")
    elif entry.bundled:
        print(f"La version {entry.version} du kit « {entry.id} » est celle fournie avec l'application : rien à installer.")
    else:
        print(f"La version {entry.version} du kit « {entry.id} » est déjà installée (même contenu) : rien n'a changé.")
    return 0


def cmd_list(args) -> int:
    from desktop_app.core.identifiers import format_date_fr
    from desktop_app.kit.compare import version_key
    from desktop_app.services.kit_library import KitLibrary

    entries = [_bundled_entry(), *KitLibrary().installed()]
    bundled = entries[0]
    newest = max((e for e in entries if e.id == bundled.id), key=lambda e: version_key(e.version))
    if args.json:
        print_json({"kits": [{**e.as_dict(), "newest": e is newest} for e in entries]})
        return 0
    rows = [("Kit", "Version", "Empreinte", "Provenance")]
    rows += [(e.id, e.version + (" *" if e is newest else ""), e.short_digest,
              e.origin + (f" (installé le {format_date_fr(e.installed_at[:10])})" if e.installed_at else "")) for e in entries]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3])
    print("* version utilisée pour les nouvelles évaluations")
    return 0


def cmd_pack(args) -> int:
    from desktop_app.kit.loader import KitError
    from desktop_app.kit.package import pack

    try:
        kit = pack(args.dir, args.out)
    except KitError as exc:
        if args.json:
            print_json({"ok": False, "errors": [str(p) for p in exc.problems]})
        print("Erreur : le kit n'est pas valide, aucun fichier n'a été écrit.", file=sys.stderr)
        for problem in exc.problems:
            print(f"Erreur : {problem}", file=sys.stderr)
        return 1
    out = Path(args.out)
    if args.json:
        print_json({"ok": True, "id": kit.id, "version": kit.version, "digest": kit.digest, "out": str(out)})
        return 0
    print(f"Kit {kit.id} version {kit.version} (empreinte {kit.digest[:12]}) écrit dans {out}.")
    return 0


def cmd_upgrade(args) -> int:
    from desktop_app.services.kits import preview_lines

    services = open_services(args.db)
    try:
        eid = resolve_evaluation(services, args.evaluation)
        preview = services.kits.upgrade_preview(eid, args.to)
        if not args.dry_run:
            services.kits.upgrade(eid, preview.changes.new_version)
    finally:
        services.close()
    if args.json:
        print_json({"ok": True, "applied": not args.dry_run, **preview.as_dict()})
        return 0
    for line in preview_lines(preview):
        print(line)
    if args.dry_run:
        print("Simulation : rien n'a été modifié (relancez sans --dry-run pour appliquer).")
    else:
        print(f"L'évaluation utilise désormais la version {preview.changes.new_version} du kit.")
    return 0
