"""The offline user guide: French HTML pages shipped in resources/help, shown in a QTextBrowser.

Aide › Guide d'utilisation opens the table of contents; F1 opens the page of the screen shown
(`page_for_screen`: the welcome screen, or the step's id, which is also its page's name). The
« Outils du kit » page is not a file: it is written from the kit's YAML (each tool's purpose and
how-to, grouped by step and role), so it always describes the kit of the evaluation open.
No web engine: everything is local, links included.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout

from desktop_app.core.steps import STEPS
from desktop_app.kit.loader import Kit
from desktop_app.paths import resource

INDEX = "index.html"
WELCOME = "accueil.html"
SHORTCUTS = "raccourcis-clavier.html"
TOOLS = "outils-du-kit.html"  # generated from the kit (see `tools_page`)

ROLE_LABELS = {
    "workshop_guide": "Guide d'atelier",
    "working_group": "Groupe de travail",
    "questionnaire": "Questionnaire",
    "council_tool": "Outil des conseils citoyens",
    "maturity_scale": "Échelle de maturité",
    "referential": "Référentiel évaluatif",
    "letter": "Courrier aux partenaires",
    "immersion": "Fiche d'immersion",
    "testimony": "Fiche de témoignage",
    "commitments": "Suivi des engagements",
    "action_scoring": "Grille de choix des actions",
    "action_questions": "Questions évaluatives d'une action",
    "action_plan": "Méthode d'évaluation d'une action",
}

NAV = (
    '<p class="nav"><a href="index.html">Sommaire</a> · <a href="raccourcis-clavier.html">Raccourcis clavier</a>'
    ' · <a href="outils-du-kit.html">Outils du kit</a></p>'
)


def help_dir():
    return resource("help")


def page_for_screen(step_id: str | None) -> str:
    """The page of a screen: the welcome screen's without a step, else the step's."""
    if step_id is None:
        return WELCOME
    name = f"{step_id}.html"
    return name if (help_dir() / name).is_file() else INDEX


def _paragraphs(text: str) -> str:
    parts = [p.strip() for p in text.strip().split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in parts)


def tools_page(kit: Kit | None) -> str:
    """« Outils du kit »: each tool of the kit, step by step, with what it is for and how to use it."""
    body = [f"<html><head><meta charset='utf-8'><title>Outils du kit</title></head><body>{NAV}<h1>Outils du kit</h1>"]
    if kit is None:
        body.append("<p>Aucun kit n'est disponible sur ce poste.</p></body></html>")
        return "".join(body)
    body.append(
        f"<p>Le kit « {escape(kit.title)} », version {escape(kit.version)}. Chaque outil se remplit dans "
        "l'étape indiquée ; le même texte s'affiche en tête de sa fiche (« À quoi sert cet outil ? »).</p>"
    )
    tools = list(kit.tools.values())
    for step in STEPS:
        in_step = [t for t in tools if t.step == step.id]
        # every step keeps its heading: the step's page links to it, whatever the kit
        body.append(f"<h2><a name='etape-{step.id}'></a><a href='{step.id}.html'>{escape(step.label)}</a></h2>")
        if not in_step:
            body.append("<p>Ce kit n'a pas d'outil pour cette étape.</p>")
        for tool in in_step:
            role = ROLE_LABELS.get(tool.role or "", "")
            body.append(f"<h3><a name='{escape(tool.id)}'></a>{escape(tool.title)}</h3>")
            if role:
                body.append(f"<p><i>{escape(role)}</i></p>")
            body.append("<p><b>À quoi sert cet outil</b></p>" + _paragraphs(tool.purpose))
            body.append("<p><b>Comment l'utiliser</b></p>" + _paragraphs(tool.how_to))
    body.append("</body></html>")
    return "".join(body)


class HelpBrowser(QTextBrowser):
    """A QTextBrowser over resources/help whose « Outils du kit » page comes from the kit."""

    def __init__(self, kit: Kit | None, parent=None):
        super().__init__(parent)
        self.kit = kit
        self.setOpenExternalLinks(False)
        self.setSearchPaths([str(help_dir())])
        self.setAccessibleName("Guide d'utilisation")

    def loadResource(self, kind: int, name: QUrl):  # noqa: N802 - Qt's name
        if kind == int(QTextDocument.ResourceType.HtmlResource.value) and name.fileName() == TOOLS:
            return tools_page(self.kit)
        return super().loadResource(kind, name)


class HelpDialog(QDialog):
    """Aide › Guide d'utilisation: a browser with back, forward and the table of contents."""

    def __init__(self, kit: Kit | None, page: str = INDEX, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Guide d'utilisation — EvalKit Quartiers")
        self.resize(760, 620)
        self.browser = HelpBrowser(kit, self)
        back = QPushButton("← Précédente")
        back.setEnabled(False)
        back.clicked.connect(self.browser.backward)
        self.browser.backwardAvailable.connect(back.setEnabled)
        forward = QPushButton("Suivante →")
        forward.setEnabled(False)
        forward.clicked.connect(self.browser.forward)
        self.browser.forwardAvailable.connect(forward.setEnabled)
        home = QPushButton("Sommaire")
        home.clicked.connect(lambda: self.show_page(INDEX))
        bar = QHBoxLayout()
        for button in (back, forward, home):
            bar.addWidget(button)
        bar.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.show_page(page)

    def show_page(self, page: str) -> None:
        if self.current_page() == page:
            self.browser.reload()  # « Outils du kit » of another evaluation's kit
        else:
            self.browser.setSource(QUrl(page))

    def current_page(self) -> str:
        return self.browser.source().fileName()
