"""Commands for the official administrative reference and the Cadrage checked against it.

    evalkit reference info [--json]                      version, source, licence, counts
    evalkit reference epci TEXTE [--json]                find an EPCI by name or SIREN
    evalkit reference fill-epci --db D [--evaluation ID] SIREN|NOM [--json]
                                                         set the EPCI, add its member communes
    evalkit reference check --db D [--evaluation ID] [--fix] [--json]
                                                         codes checked against the reference and
                                                         the kit's QPV list; --fix applies the
                                                         certain repairs
"""

from __future__ import annotations

from desktop_app.commands.util import UserError, open_services, print_json, resolve_evaluation


def register(groups) -> None:
    top = groups["root"].add_parser(
        "reference", help="référentiel administratif officiel (communes, EPCI) et vérification du cadrage")
    ref = top.add_subparsers(dest="reference_command", required=True, parser_class=type(top))
    p = ref.add_parser("info", help="version, source, licence et effectifs du référentiel livré")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_info)

    p = ref.add_parser("epci", help="chercher un EPCI par son nom ou son SIREN")
    p.add_argument("text", metavar="TEXTE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_epci)

    p = ref.add_parser("fill-epci", help="choisir l'EPCI de l'évaluation et ajouter ses communes membres")
    p.add_argument("epci", metavar="SIREN|NOM")
    p.add_argument("--db", required=True, help="fichier de base de données ou URL")
    p.add_argument("--evaluation", help="identifiant de l'évaluation (si la base en contient plusieurs)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_fill)

    p = ref.add_parser("check", help="vérifier les codes du cadrage (communes, EPCI, QPV)")
    p.add_argument("--db", required=True, help="fichier de base de données ou URL")
    p.add_argument("--evaluation", help="identifiant de l'évaluation (si la base en contient plusieurs)")
    p.add_argument("--fix", action="store_true", help="appliquer les corrections certaines")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check)


def cmd_info(args) -> int:
    from desktop_app.core.reference import reference_info

    info = reference_info()
    if args.json:
        print_json(info)
        return 0
    counts = info.get("counts", {})
    print(f"{info.get('name', 'Référentiel administratif')}")
    print(f"Source : {info.get('source', '')}")
    print(f"Projet : {info.get('upstream', '')} ({info.get('producers', '')})")
    print(f"Version : {info.get('version', '')}, récupérée le {info.get('retrieved', '')}")
    print(f"Licence des données : {info.get('data_licence', '')} ; code du paquet : {info.get('code_licence', '')}")
    print(f"{counts.get('communes', 0)} communes, {counts.get('epci', 0)} EPCI, "
          f"{counts.get('anciens_codes', 0)} anciens codes, {counts.get('arrondissements', 0)} arrondissements municipaux.")
    return 0


def _epci(text: str, limit: int = 50):
    from desktop_app.core.reference import load_reference

    ref = load_reference()
    found = ref.find_epci(text)
    if found:
        return [found]
    return ref.search_epci(text, limit=limit)


def cmd_epci(args) -> int:
    found = _epci(args.text)
    if args.json:
        print_json({"ok": True, "epci": [{"siren": e.siren, "name": e.name, "type": e.type, "communes": len(e.members)}
                                         for e in found]})
        return 0
    if not found:
        raise UserError(f"Aucun EPCI ne correspond à « {args.text} ».")
    for e in found:
        print(f"{e.siren}  {e.name} ({e.type}, {len(e.members)} communes)")
    return 0


def cmd_fill(args) -> int:
    found = _epci(args.epci, limit=2000)
    if len(found) != 1:
        names = ", ".join(e.label for e in found[:5]) + (" …" if len(found) > 5 else "")
        raise UserError(f"« {args.epci} » désigne {len(found)} EPCI{' : ' + names if names else ''} ; "
                        "précisez le SIREN (voir « evalkit reference epci »).")
    services = open_services(args.db)
    try:
        eid = resolve_evaluation(services, args.evaluation)
        fill = services.evaluations.fill_from_epci(eid, found[0].siren)
    finally:
        services.close()
    if args.json:
        print_json({"ok": True, "epci": fill.after, "added": len(fill.added_ids), "already": fill.already})
    else:
        print(f"EPCI « {fill.epci_name} » ({fill.after['siren']}) : {len(fill.added_ids)} communes ajoutées, "
              f"{fill.already} déjà présentes.")
    return 0


def cmd_check(args) -> int:
    services = open_services(args.db)
    try:
        ev = services.evaluations
        eid = resolve_evaluation(services, args.evaluation)
        checks = ev.reference_checks(eid)
        fixed = []
        if args.fix:
            for fix in checks.evaluation_fixes.values():
                ev.set_evaluation_values(eid, fix.values)
                fixed.append(fix.label)
            for entity, fixes in checks.fixes.items():
                for row_id, fix in fixes.items():
                    ev.set_row_values(entity, row_id, fix.values)
                    fixed.append(fix.label)
            checks = ev.reference_checks(eid)
        version = ev.reference().version
    finally:
        services.close()
    problems = checks.messages()
    offers = [f.label for f in checks.evaluation_fixes.values()] + [
        f.label for fixes in checks.fixes.values() for f in fixes.values()]
    if args.json:
        print_json({"ok": True, "reference_version": version, "problems": problems, "fixes": offers, "fixed": fixed})
        return 0
    for label in fixed:
        print(f"Corrigé : {label}")
    for msg in problems:
        print(f"À vérifier : {msg}")
    for label in offers:
        print(f"Correction possible (--fix) : {label}")
    if not problems and not offers:
        print(f"Cadrage conforme au référentiel officiel (version {version}).")
    return 0
