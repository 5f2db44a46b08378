"""Three territories in a resource centre's database with the kit's step_form sheets filled
differently (for the consolidation's tests: its data, PDF, workbook, on-screen view):

- the kit as a resource centre would publish it as 1.2.0: the shipped kit plus, in the QPV sheet,
  a referent's contact (`personal`) and a note on families (`sensitive`), and in the questions on
  the transversal axes the name of who wrote them (`personal`);
- « CA du Douaisis » on that kit: three annual reports typed out of order (2019, 2022, 2021; the
  State credits not given for 2022), two QPV sheets, the LCD / EFH questions, with a contact, a
  phone number and a person's name typed where they should not be;
- « Métropole Rives-Est » on the shipped kit 1.1.0: one annual report only (no change yet), no QPV
  sheet (« non renseignée »), and the LCD / EFH questions taken out of its scope (an answer kept
  from before must not show);
- « CC du Pays de Brume » on kit 1.0.1, which had none of these sheets.
"""

from __future__ import annotations

NAMES = ("CA du Douaisis", "Métropole Rives-Est", "CC du Pays de Brume")
PERSONAL = ("Samia Benali", "06 12 34 56 78", "Jean-Marc Lefebvre", "Lefebvre", "Benali",
            "trois familles hébergées chez des tiers", "Vasseur", "elodie.vasseur@ville-douai.fr")

QPV_PERSONAL = """          - id: contact_referent
            type: text
            personal: true
            label: "Contact du ou de la référent·e du quartier"
          - id: situation_familles
            type: long_text
            sensitive: true
            label: "Situations de familles rencontrées"
"""
WRITER = """  - id: redaction
    title: "Rédaction"
    questions:
      - id: redacteur
        type: text
        personal: true
        label: "Personne qui a rédigé ces constats"
"""


def _kit_with_personal_fields(dest):
    """The shipped kit as version 1.2.0 with personal and sensitive questions in two step_form sheets."""
    from kit_versions import make_version

    folder = make_version(dest, "1.2.0", changes=False)
    qpv = folder / "etat-qpv.yaml"
    qpv.write_text(qpv.read_text(encoding="utf-8").rstrip("\n") + "\n" + QPV_PERSONAL, encoding="utf-8")
    axes = folder / "questions-transversales.yaml"
    axes.write_text(axes.read_text(encoding="utf-8").rstrip("\n") + "\n" + WRITER, encoding="utf-8")
    return folder


def _move_to(services, eid, kit, scope=None) -> None:
    """Put an evaluation on another kit version (as a territory working with it would be)."""
    from desktop_app.store.models import Evaluation, KitSnapshot

    with services.kits.tx() as s:
        if s.get(KitSnapshot, (kit.id, kit.version)) is None:
            s.add(KitSnapshot(kit_id=kit.id, version=kit.version, digest=kit.digest, files=dict(kit.files)))
        ev = s.get(Evaluation, eid)
        ev.kit_version = kit.version
        ev.scope = list(scope if scope is not None else kit.tools)


def fill_centre(services, folder) -> dict[str, str]:
    """The three territories' evaluations in `services` (a fresh centre database); `folder`: where
    to write kit 1.2.0. Returns {territory name: evaluation id}."""
    from desktop_app import paths
    from desktop_app.kit.loader import load_folder

    services.kits.install(_kit_with_personal_fields(folder / "kit-1.2.0"))
    a, b, c = (services.evaluations.create(name, title=f"Évaluation {name}") for name in NAMES)
    assert services.evaluations.get(a).kit_version == "1.2.0"
    _move_to(services, b, services.kits.bundled(), scope=[t for t in services.kits.bundled().tools if t != "questions-transversales"])
    _move_to(services, c, load_folder(paths.resource("kits", "kit-evaluation-cv-1.0.1")))

    services.forms.create(a, "bilans-annuels", answers={"annees": [
        {"annee_bilan": 2019, "nb_actions": 40, "credits_specifiques": 1200000.0, "credits_etat": 500000.0, "nb_copil": 2,
         "commentaire": "Chiffres transmis par Élodie Vasseur (elodie.vasseur@ville-douai.fr)."},
        {"annee_bilan": 2022, "nb_actions": 52, "credits_specifiques": 1350000.0, "nb_copil": 1},
        {"annee_bilan": 2021, "nb_actions": 47, "credits_specifiques": 1300000.0, "credits_etat": 650000.0, "nb_copil": 3,
         "part_cpo": 35.5},
    ]})
    services.forms.create(a, "etat-qpv", answers={"qpv": [
        {"code_qpv": "QN05901M", "nom_qpv": "Le Faubourg", "geographie_2024": "modifie", "population": 4200,
         "annee_population": 2020, "conseil_citoyen_etat": "actif", "contact_referent": "Samia Benali, 06 12 34 56 78",
         "situation_familles": "trois familles hébergées chez des tiers",
         "enjeux": "Finir la rénovation des écoles ; Jean-Marc Lefebvre suit le dossier."},
        {"code_qpv": "QN05902N", "nom_qpv": "Les Épis", "geographie_2024": "nouveau", "population": 2100,
         "conseil_citoyen_etat": "fragile", "enjeux": "Installer un conseil citoyen."},
    ]})
    services.forms.create(a, "questions-transversales", answers={
        "lcd_effets": "Permanence d'accès aux droits ouverte en 2021, 40 situations accompagnées.",
        "efh_publics": "Deux fois plus de garçons que de filles dans les actions sportives.",
        "redacteur": "Jean-Marc Lefebvre",
    })
    services.forms.create(b, "bilans-annuels", answers={"annees": [{"annee_bilan": 2023, "nb_actions": 12, "nb_copil": 4}]})
    services.forms.create(b, "questions-transversales", answers={"lcd_effets": "Réponse tapée avant la sortie du périmètre."})
    return dict(zip(NAMES, (a, b, c), strict=True))
