"""The last-resort error handler, installed before QApplication exists.

An unexpected exception is logged, written to a crash file, and shown in a French dialog with
the details folded away. The user's saved work is never at stake: every answer is already in
the database when it is typed.
"""

from __future__ import annotations

import logging
import sys
import threading

from desktop_app.logging_setup import write_crash_file

log = logging.getLogger("evalkit.crash")


def install_crash_handler() -> None:
    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        exc = exc.with_traceback(tb)
        log.critical("unhandled exception", exc_info=(exc_type, exc, tb))
        path = write_crash_file(exc)
        _show_dialog(exc, path)

    sys.excepthook = hook
    threading.excepthook = lambda args: hook(args.exc_type, args.exc_value, args.exc_traceback)


def _show_dialog(exc: BaseException, path) -> None:
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox
    except ImportError:  # pragma: no cover
        return
    app = QApplication.instance()
    if app is None or app.platformName() == "offscreen":
        print(f"Erreur inattendue : {exc.__class__.__name__}. Détails : {path}", file=sys.stderr)
        return
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("EvalKit Quartiers — erreur inattendue")
    box.setText(
        "Une erreur inattendue s'est produite. Votre travail déjà saisi est enregistré.\n\n"
        "Vous pouvez continuer ; si le problème se répète, transmettez le fichier ci-dessous "
        "à l'assistance."
    )
    box.setInformativeText(str(path))
    import traceback

    box.setDetailedText("".join(traceback.format_exception(exc)))
    box.exec()
