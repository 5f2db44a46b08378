"""Demo content of the fieldwork: workshops of the three groups, a working group per theme with
its sessions, two immersions per theme, testimonies (some without consent) and contributions,
the 50 commitments of the contract's amendment, and a few attachments (a paperboard photo, an
immersion photo, a short audio recording), generated on the fly and stored by content hash.
"""

from __future__ import annotations

import math
import struct
import tempfile
import textwrap
import wave
from pathlib import Path

from desktop_app.demo.data import commitments as commitments_data
from desktop_app.demo.data import fieldwork as data
from desktop_app.demo.data import workshops as workshops_data

WORKING_GROUP_TOOL = "groupe-travail"  # the demo writes answers to the shipped kit's tools


def build_fieldwork(services, evaluation_id: str) -> None:
    workshops_service = services.workshops
    terrain_service = services.terrain
    commitments_service = services.commitments
    forms = services.forms
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for tool_id, spec in workshops_data.WORKSHOPS.items():
            change = workshops_service.create_workshop(
                evaluation_id,
                tool_id,
                start_time=spec["start_time"],
                facilitators=workshops_data.FACILITATORS,
                participants=spec["participants"],
                qpv_codes=spec["qpv_codes"],
            )
            w = workshops_service.workshop(change.id)
            forms.set_answers(w.response_id, spec["answers"])
            if spec["complete"]:
                forms.set_status(w.response_id, "complete")
            if tool_id == "guide-partenaires":
                photo = _paperboard(folder / "paperboard-partenaires.png", spec["answers"])
                services.attachments.add_file(
                    evaluation_id, "workshop", w.id, photo, "Tableau forces / faiblesses / préconisations"
                )

        series: dict[str, str] = {}
        for theme in workshops_data.GROUP_THEMES:
            workshops_service.create_working_group(evaluation_id, theme)
        for group in workshops_service.working_groups(evaluation_id):
            series[group.theme] = group.series_id
            for session in group.sessions:
                answers = workshops_data.WORKING_GROUPS.get(group.theme, {}).get(session.session) or {}
                if answers:
                    forms.set_answers(session.response_id, answers)
                    workshops_service.update_workshop(session.id, "facilitators", workshops_data.FACILITATORS)
                    workshops_service.update_workshop(
                        session.id,
                        "participants",
                        {"collectivites": 3, "etat": 1, "associations": 5, "conseillers_citoyens": 2},
                    )
                if session.session < 3 and answers:
                    forms.set_status(session.response_id, "complete")

        for n, spec in enumerate(data.IMMERSIONS):
            change = terrain_service.create_immersion(evaluation_id, series.get(spec["series"], ""), spec["answers"])
            imm = next(i for i in terrain_service.immersions(evaluation_id) if i.id == change.id)
            forms.set_status(imm.response_id, "complete")
            if n == 0:
                photo = _room_photo(folder / "immersion-centre-social.png")
                services.attachments.add_file(
                    evaluation_id, "immersion", imm.id, photo, "Panneau des bénévoles (sans visage)"
                )

        for kind, theme, use, cast, answers in data.TESTIMONIES:
            change = terrain_service.create_testimony(
                evaluation_id, kind, series.get(theme, ""), today=_date("2026-05-27")
            )
            t = terrain_service.testimony(change.id)
            values = dict(answers)
            if use is not None:
                values["consentement_utilisation"] = use
                values["consentement_diffusion"] = cast
            values.setdefault(
                "contact_droits", "Service politique de la ville de l'agglomération — dpo@demo-agglo.example"
            )
            for key, value in values.items():
                terrain_service.set_testimony_answer(t.id, key, value)
            if use is not None:
                forms.set_status(t.response_id, "complete")
            if values.get("support") == "audio":
                services.attachments.add_file(
                    evaluation_id,
                    "testimony",
                    t.id,
                    _audio(folder / f"{t.pseudonym}.wav"),
                    "Enregistrement du témoignage",
                )

        response = commitments_service.commitments_response(evaluation_id)
        for n, (title, pilot, status, evidence, comment) in enumerate(commitments_data.COMMITMENTS, start=1):
            commitments_service.add_commitment(
                evaluation_id,
                {
                    "number": str(n),
                    "title": title,
                    "pilot": pilot,
                    "status": status,
                    "evidence": evidence,
                    "comment": comment,
                    "due_date": "2026-12-31" if status in ("en_cours", "non_engage") else "",
                },
            )
        for key, value in commitments_data.COMMITMENTS_SHEET.items():
            forms.set_answer(response.id, key, value)
        forms.set_status(response.id, "complete")


def _date(iso: str):
    from datetime import date

    return date.fromisoformat(iso)


def _figure(width: float, height: float):
    """A matplotlib figure without pyplot: safe when the demo is built off the GUI thread."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    return Figure(figsize=(width, height), dpi=110), Rectangle


def _paperboard(path: Path, answers: dict) -> Path:
    """A picture of the closing paperboard: three columns of sticky notes."""
    fig, Rectangle = _figure(8, 5.4)
    fig.patch.set_facecolor("#d9c3a0")
    ax = fig.add_axes((0.03, 0.04, 0.94, 0.9))
    ax.set_xlim(0, 3)
    ax.set_ylim(0, 4)
    ax.axis("off")
    ax.add_patch(Rectangle((0, 0), 3, 4, color="#fbfbf7"))
    columns = (
        ("Forces", "forces", "#b9e4a6"),
        ("Faiblesses", "faiblesses", "#f7b8c8"),
        ("Préconisations", "preconisations", "#fbe38e"),
    )
    for c, (title, key, color) in enumerate(columns):
        ax.text(
            c + 0.5, 3.75, title, ha="center", va="center", fontsize=15, color="#1b3b6f", fontweight="bold"
        )
        lines = [line.strip() for line in str(answers.get(key, "")).splitlines() if line.strip()]
        for r, line in enumerate(lines[:3]):
            y = 2.85 - r * 1.0
            ax.add_patch(
                Rectangle((c + 0.08, y - 0.42), 0.84, 0.8, color=color, angle=(-2 + 2 * ((r + c) % 3)))
            )
            ax.text(
                c + 0.5,
                y,
                "\n".join(textwrap.wrap(line.split("(")[0].strip(), 18)[:4]),
                ha="center",
                va="center",
                fontsize=8.5,
                color="#222222",
            )
    fig.savefig(path, facecolor=fig.get_facecolor())
    return path


def _room_photo(path: Path) -> Path:
    """A notice board of the volunteers' room (no faces), drawn."""
    fig, Rectangle = _figure(6, 4)
    fig.patch.set_facecolor("#cfd8dc")
    ax = fig.add_axes((0.05, 0.05, 0.9, 0.9))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 7)
    ax.axis("off")
    ax.add_patch(Rectangle((0.5, 0.8), 9, 5.6, color="#b08d57"))
    notes = [
        ("Planning\ndes bénévoles", "#fff59d"),
        ("Aide aux\ndevoirs", "#ffccbc"),
        ("Repair\ncafé", "#c8e6c9"),
        ("Sortie\nfamilles", "#b3e5fc"),
        ("Fête du\nquartier", "#f8bbd0"),
        ("Cours de\nfrançais", "#d1c4e9"),
    ]
    for i, (text, color) in enumerate(notes):
        x, y = 1.1 + (i % 3) * 2.9, 3.7 - (i // 3) * 2.5
        ax.add_patch(Rectangle((x, y), 2.3, 1.9, color=color, angle=(i % 3 - 1) * 3))
        ax.text(x + 1.15, y + 0.95, text, ha="center", va="center", fontsize=10)
    ax.text(
        5, 6.65, "Centre social du Moulin — salle des bénévoles", ha="center", fontsize=10, color="#263238"
    )
    fig.savefig(path, facecolor=fig.get_facecolor())
    return path


def _audio(path: Path, seconds: float = 1.5, rate: int = 8000) -> Path:
    """A short, quiet tone standing for a recorded testimony."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = b"".join(
            struct.pack(
                "<h",
                int(2500 * math.sin(2 * math.pi * 440 * i / rate) * min(1.0, (seconds * rate - i) / 800)),
            )
            for i in range(int(seconds * rate))
        )
        out.writeframes(frames)
    return path


__all__ = ["WORKING_GROUP_TOOL", "build_fieldwork"]
