"""The `evalkit` command line: GUI launcher and headless commands for scripts and the CI.

Exit codes: 0 success; 1 bad input (one French line on stderr, never a traceback); 2 usage.
Commands that write or read files accept `--json` and then print one JSON object.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from desktop_app import __version__
from desktop_app.commands.util import UserError
from desktop_app.commands.util import open_services as _services

VIEWS = (
    "accueil",
    "cadrage",
    "actions",
    "ateliers",
    "terrain",
    "questionnaires",
    "referentiel",
    "conseils-citoyens",
    "maturite",
    "exports",
)

log = logging.getLogger("evalkit")


_FRENCH_ARGPARSE = {
    "usage: ": "usage : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "show program's version number and exit": "afficher la version et quitter",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "expected one argument": "une valeur est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (possibles : %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "not allowed with argument %s": "incompatible avec l'argument %s",
}


def _french(text: str) -> str:
    return _FRENCH_ARGPARSE.get(text, text)


argparse._ = _french  # argparse's own messages (help headings, usage errors) in French


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # French usage errors, exit 2
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur d'utilisation : {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="evalkit", description="EvalKit Quartiers — évaluer un contrat de ville.")
    p.add_argument(
        "--version", action="version", version=f"EvalKit Quartiers {__version__}", help="afficher la version et quitter"
    )
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    _gui_arguments(sub.add_parser("gui", help="ouvrir l'application (par défaut)"))

    d = sub.add_parser("demo", help="créer l'évaluation de démonstration")
    d.add_argument("--db", required=True)

    ls = sub.add_parser("list", help="lister les évaluations")
    ls.add_argument("--db", required=True)

    k = sub.add_parser("kit", help="outils du kit")
    ksub = k.add_subparsers(dest="kit_command", required=True, parser_class=_Parser)
    kc = ksub.add_parser("check", help="valider un dossier de kit")
    kc.add_argument("dir", nargs="?", help="dossier du kit (par défaut : le kit fourni)")
    kc.add_argument("--json", action="store_true")

    # Feature areas add their commands: `import …`, `export …`, `kit …`, `questionnaire …`, `sync`.
    groups = {
        "import": sub.add_parser("import", help="importer des fichiers").add_subparsers(
            dest="what", required=True, parser_class=_Parser
        ),
        "export": sub.add_parser("export", help="exporter des fichiers").add_subparsers(
            dest="what", required=True, parser_class=_Parser
        ),
        "root": sub,
        "kit": ksub,  # `kit install|list|pack|upgrade` (commands/kits.py), `kit import-xlsform|export-xlsform`
    }
    for module in command_modules():
        module.register(groups)
    return p


def _gui_arguments(g: argparse.ArgumentParser) -> argparse.ArgumentParser:
    g.add_argument("--db", help="fichier de base de données ou URL SQLAlchemy")
    g.add_argument("--evaluation", help="identifiant de l'évaluation à ouvrir")
    g.add_argument("--view", choices=VIEWS, help="écran à afficher")
    g.add_argument("--screenshot", metavar="FICHIER.png", help="enregistrer une capture et quitter")
    g.add_argument("--tool", help="ouvrir l'aperçu d'un outil du kit (ex. maturite-lcd)")
    g.add_argument("--size", default="1360x860", help="taille de la fenêtre pour la capture (LxH)")
    return g


def _gui_args(argv: list[str]) -> argparse.Namespace | None:
    """`evalkit`, `evalkit gui …` or `evalkit --db …`: parsed by the GUI's own small parser, so that
    starting the window does not wait for every command module to register its options."""
    if argv and argv[0] == "gui":
        rest = argv[1:]
    elif not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        rest = argv
    else:
        return None
    args = _gui_arguments(_Parser(prog="evalkit gui", description="Ouvrir l'application.")).parse_args(rest)
    args.command = "gui"
    return args


def command_modules() -> list:
    """Modules `desktop_app/commands/*.py`, each with `register(groups)`; a parser they add
    sets `func=` (a function taking the parsed args and returning the exit code)."""
    import importlib
    import pkgutil

    from desktop_app import commands

    return [
        importlib.import_module(f"desktop_app.commands.{name}")
        for _, name, _ in sorted(pkgutil.iter_modules(commands.__path__))
    ]


def cmd_demo(args: argparse.Namespace) -> int:
    from desktop_app.demo.builder import build as create_demo

    services = _services(args.db)
    try:
        print(create_demo(services))
    finally:
        services.close()
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    services = _services(args.db)
    try:
        for ev in services.evaluations.list():
            print(f"{ev.id}\t{ev.territory_name}\t{ev.generation}")
    finally:
        services.close()
    return 0


def cmd_kit_check(args: argparse.Namespace) -> int:
    from desktop_app import paths
    from desktop_app.kit.loader import KitError, load_folder, summarize

    folder = Path(args.dir) if args.dir else paths.forms_dir()
    try:
        kit = load_folder(folder)
    except KitError as exc:
        if args.json:
            print(json.dumps({"ok": False, "errors": [str(p) for p in exc.problems]}, ensure_ascii=False))
        for problem in exc.problems:
            print(f"Erreur : {problem}", file=sys.stderr)
        return 1
    from desktop_app.kit.warnings import kit_warnings

    summary = summarize(kit)
    warnings = [str(w) for w in kit_warnings(kit)]
    if args.json:
        print(json.dumps({"ok": True, **summary, "warnings": warnings}, ensure_ascii=False))
        return 0
    print(f"Kit « {summary['title']} » ({summary['kit']} version {summary['version']}) : valide.")
    print(f"{summary['tools']} outils :")
    for kind, n in summary["by_kind"].items():
        print(f"  {KIND_LABELS.get(kind, kind)} : {n}")
    print(f"{summary['questions']} questions, {summary['indicators']} indicateurs.")
    for ref in summary["reference_lists"]:
        print(f"Liste de référence « {ref['label']} » ({ref['version']}) : {ref['rows']} codes.")
    for warning in warnings:
        print(f"Avertissement : {warning}")
    return 0


KIND_LABELS = {
    "guide": "guides d'animation",
    "questionnaire": "questionnaires",
    "scoring_grid": "grilles de notation",
    "checklist": "grilles d'auto-évaluation",
    "maturity_scale": "échelles de maturité",
    "referential": "référentiels",
    "letter": "courriers",
    "record_sheet": "fiches de recueil",
    "question_bank": "banques de questions",
}


def cmd_gui(args: argparse.Namespace) -> int:
    from desktop_app.ui.app import run_gui

    return run_gui(
        db=args.db,
        evaluation=args.evaluation,
        view=args.view,
        screenshot=args.screenshot,
        size=args.size,
        tool=args.tool,
    )


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "gui": cmd_gui,
    "demo": cmd_demo,
    "list": cmd_list,
    "kit": cmd_kit_check,
}


def main(argv: Sequence[str] | None = None) -> int:
    from desktop_app.logging_setup import setup_logging

    words = list(sys.argv[1:] if argv is None else argv)
    args = _gui_args(words)
    if args is None:
        args = build_parser().parse_args(words)
    if args.command != "gui":  # the GUI sets logging up after its window is shown
        setup_logging()
    try:
        func = getattr(args, "func", None) or COMMANDS[args.command]
        return func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        return 0
    except Exception as exc:
        if _is_user_error(exc):
            print(f"Erreur : {exc}", file=sys.stderr)
            return 1
        store = sys.modules.get("desktop_app.store.db")
        if store is not None and store.is_lock_error(exc):  # another program holds the database
            print(f"Erreur : {store.LOCKED_MESSAGE}", file=sys.stderr)
            return 1
        # last resort: log the traceback, show one French line
        log.exception("unexpected error in command %s", args.command)
        from desktop_app.logging_setup import write_crash_file

        crash = write_crash_file(exc)
        print(
            f"Erreur inattendue : {exc.__class__.__name__}. Les détails ont été enregistrés dans {crash}.",
            file=sys.stderr,
        )
        return 1


def _is_user_error(exc: Exception) -> bool:
    """Bad input with a French message: ours, a service's or the store's."""
    from desktop_app.services.errors import is_user_facing

    return isinstance(exc, UserError) or is_user_facing(exc)


def gui_main() -> int:
    return main(["gui", *sys.argv[1:]])


if __name__ == "__main__":
    raise SystemExit(main())
