"""Spot personal data in free text before it is saved (RGPD): e-mails, phones, people's names.

Facilitators type notes, verbatims and testimonies. The kit asks them to pseudonymise (« une
habitante », « le conseiller 2 »), but names slip in. `find_personal_data` returns French
warnings the form renderer shows live under sensitive fields; it is a heuristic that prefers
a few false alarms (« Victor Hugo ») to silence, and it never changes the text.

Qt-free.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_EMAIL_RE = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")

# French numbers: 06 12 34 56 78, 06.12.34.56.78, 0612345678, +33 6 12 34 56 78, +33 (0)6...,
# 0033 6 12 34 56 78; short service numbers (3949) are not personal data and not matched.
_PHONE_RE = re.compile(
    r"(?<![\w+])"
    r"(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?[1-9]|0[1-9])"
    r"(?:[\s.\-]?\d{2}){4}"
    r"(?!\d)"
)

_UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒ"
_LOWER = "a-zàâäçéèêëîïôöùûüÿæœß"
_WORD = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"  # Jean, Jean-Pierre
_CAPS = rf"[{_UPPER}]{{2,}}(?:-[{_UPPER}]{{2,}})?"  # DUPONT, DUPONT-MARTIN
_PARTICLE = r"(?:[Dd]e|[Dd]u|[Dd]es|[Dd]'|[Dd]’|[Ll]e|[Ll]a|[Vv]an|[Vv]on|[Bb]en|[Ee]l|[Aa]l)"
_SURNAME = rf"(?:{_PARTICLE}\s?){{0,2}}(?:{_WORD}|{_CAPS})"
_PAIR_RE = re.compile(rf"\b(?=({_WORD})\s+({_SURNAME})\b)")  # lookahead: overlapping pairs
_CIVILITY_RE = re.compile(
    rf"\b(?:M\.|Mr\.?|Mme|Mmes|Mlle|Melle|Monsieur|Madame|Mademoiselle|Dr\.?|Docteur|Maître|Me)\s+({_SURNAME})"
)

# Common first names in France (all generations and origins), compared without accents.
_FIRST_NAMES = set(
    """
    adam adele adrien agathe agnes ahmed aicha alain albert alexandra alexandre alexis alice aline
    amandine amelie amina aminata amine anais andre andrea angelique anne annie antoine anthony
    arnaud arthur aurelie aurelien axel aya bastien beatrice benjamin benoit bernard brigitte
    bruno camille capucine carine carole caroline catherine cecile celine chantal charles charlotte
    chloe christian christine christophe claire claude clement colette corinne cyril damien daniel
    daniele david delphine denis denise didier dominique dylan elise elodie eloise emilie emma
    emmanuel emmanuelle enzo eric estelle ethan eva fabien fabienne fabrice farida fatima fatou
    fatoumata florence florian francis francine francois francoise frederic gabriel gael gaelle
    genevieve georges gerard ghislaine gilbert gilles ginette gregory guillaume guy hakim hamid
    hassan helene henri herve hugo hugues ibrahim ines irene isabelle jacqueline jacques jade jean
    jeanne jeremy jerome jessica joel johanna jonathan jordan joseph josette julie julien juliette
    justine karim karima kevin khadija lamia laetitia laura laure laurence laurent lea leila leo
    leon liliane lina lisa louis louise lucas lucie lucien lucienne ludovic lydie madeleine malika
    mamadou manon marc marcel marguerite maria marie marine mario marion martin martine mathias
    mathieu mathilde matteo maxime melanie michel micheline michele mickael mireille mohamed
    mohammed monique moussa myriam nabil nadia nadine naima nathalie nicolas nicole noah noemie
    nora oceane odette olivier omar oscar pascal pascale patrice patricia patrick paul paulette
    philippe pierre rachid rayan raymond regis remi renee richard robert roger romain rose
    rachel salima samia samir samuel sandrine sarah sebastien serge simone sofia sophie stephane
    stephanie suzanne sylvain sylvie theo thierry thomas timothee valerie vanessa veronique victor
    vincent virginie xavier yannick yasmine yann yves yvette yvonne zineb zoe youssef mehdi sabrina
    sonia souad nadir djamel farid kamel rachida houria leilani soraya jules arthur nathan louna
    """.split()
)

# A name after these words is a place (« collège Jean Moulin », « rue Victor Hugo »), not a person.
_PLACE_WORDS = set(
    """
    rue avenue av boulevard bd place allee impasse chemin quai cours square parc jardin residence
    cite quartier ecole college lycee groupe centre maison espace salle gymnase stade piscine
    mediatheque bibliotheque theatre foyer hopital clinique institut fondation association
    pont gare station metro tram arret saint sainte st ste prix
    """.split()
)


# « M. le Maire », « Mme la Préfète »: a function, not a name.
_FUNCTION_WORDS = set(
    """
    maire prefet prefete president presidente directeur directrice delegue deleguee adjoint
    adjointe depute deputee senateur senatrice conseiller conseillere chef cheffe responsable
    coordinateur coordinatrice animateur animatrice sous-prefet sous-prefete
    """.split()
)


@dataclass(frozen=True)
class Finding:
    kind: str  # "email", "phone", "name"
    text: str  # the matched excerpt


def _plain(text: str) -> str:
    s = unicodedata.normalize("NFKD", text)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def _after_place_word(text: str, start: int) -> bool:
    before = re.findall(r"[\w'’]+", text[max(0, start - 40) : start])
    return any(_plain(w) in _PLACE_WORDS for w in before[-3:])


def scan(text: str) -> list[Finding]:
    """Every suspicious excerpt of a text, in order of kind then position."""
    if not text:
        return []
    findings: list[Finding] = []
    emails = list(_EMAIL_RE.finditer(text))
    findings += [Finding("email", m.group(0)) for m in emails]
    masked = _EMAIL_RE.sub(lambda m: " " * len(m.group(0)), text) if emails else text
    findings += [Finding("phone", m.group(0).strip()) for m in _PHONE_RE.finditer(masked)]
    names: list[str] = []
    covered_until = -1
    for m in _CIVILITY_RE.finditer(masked):
        if _plain(re.split(r"[\s'’]", m.group(1))[-1]) not in _FUNCTION_WORDS:
            names.append(m.group(0))
    for m in _PAIR_RE.finditer(masked):
        if m.start(1) < covered_until:  # "Pierre MARTIN" inside "Jean-Pierre MARTIN"
            continue
        first = m.group(1).split("-")[0]
        surname = re.split(r"[\s'’]", m.group(2))[-1]
        if (
            _plain(first) in _FIRST_NAMES
            and _plain(surname) not in _FUNCTION_WORDS
            and not _after_place_word(masked, m.start(1))
        ):
            names.append(masked[m.start(1) : m.end(2)])
            covered_until = m.end(2)
    seen: set[str] = set()
    for name in names:
        if name not in seen:
            seen.add(name)
            findings.append(Finding("name", name))
    return findings


def _quote(items: list[str]) -> str:
    shown = ", ".join(f"« {i} »" for i in items[:3])
    return shown + (" …" if len(items) > 3 else "")


def find_personal_data(text: str) -> list[str]:
    """French warnings about personal data that seems to be in `text` (empty list: nothing seen)."""
    findings = scan(text)
    warnings = []
    by_kind: dict[str, list[str]] = {}
    for f in findings:
        by_kind.setdefault(f.kind, []).append(f.text)
    if "email" in by_kind:
        warnings.append(
            f"Adresse e-mail repérée ({_quote(by_kind['email'])}) : supprimez-la, elle identifie une personne."
        )
    if "phone" in by_kind:
        warnings.append(
            f"Numéro de téléphone repéré ({_quote(by_kind['phone'])}) : supprimez-le, il identifie une personne."
        )
    if "name" in by_kind:
        warnings.append(
            f"Nom de personne possible ({_quote(by_kind['name'])}) : utilisez un pseudonyme "
            "ou une fonction (« une habitante », « le conseiller 2 »)."
        )
    return warnings
