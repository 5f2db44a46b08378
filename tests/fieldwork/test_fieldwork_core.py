"""Qt-free rules of the fieldwork: consent, retention, pseudonyms, masking, commitments summary,
synthesis search, and the mode atelier's slides and countdown."""

from __future__ import annotations

from datetime import date

from desktop_app.core.fieldwork import (
    broadcastable,
    commitment_summary,
    default_retention,
    duplicates,
    kind_of,
    mask_personal_data,
    next_pseudonym,
    participants_text,
    pilot_summary,
    retention_state,
    session_form,
    usable,
    working_group_name,
)
from desktop_app.core.fieldwork_synthesis import (
    Excerpt,
    ExcerptFilter,
    facets,
    filter_excerpts,
    highlight_spans,
    match_qpv,
    matches_query,
)
from desktop_app.core.workshop_mode import Countdown, build_slides, format_countdown, slide_of_field
from desktop_app.kit.forms import compile_tool
from desktop_app.kit.loader import load_folder
from tests.conftest import FORMS

KIT = load_folder(FORMS)


def test_consent_is_explicit():
    assert usable(True) and not usable(False) and not usable(None)
    assert broadcastable(True, True)
    assert not broadcastable(False, True)  # no use, no broadcast
    assert not broadcastable(True, None)


def test_retention_states_and_default():
    today = date(2026, 6, 1)
    assert retention_state(None, today) == "missing"
    assert retention_state(date(2026, 5, 31), today) == "expired"
    assert retention_state(date(2026, 6, 20), today) == "soon"
    assert retention_state(date(2027, 1, 1), today) == "ok"
    assert default_retention(date(2026, 12, 18)) == date(2027, 12, 18)
    assert default_retention(None, today) == date(2028, 6, 1)
    assert default_retention(date(2028, 2, 29)) == date(2029, 2, 28)


def test_pseudonyms():
    assert next_pseudonym([], "T") == "T01"
    assert next_pseudonym(["T01", "t07", "C03", "", "Fatima"], "T") == "T08"
    assert next_pseudonym(["T01", "C03"], "C") == "C04"
    assert duplicates(["T01", "t01", "T02", ""]) == {"T01"}
    assert kind_of("temoignage") == "testimony"
    assert kind_of("avis") == "contribution"
    assert kind_of(None, "contribution") == "contribution"


def test_personal_data_is_masked():
    text = "Appeler Mme Lefort au 06 12 34 56 78 ou jean.dupont@mail.fr, rue Victor Hugo."
    masked, n = mask_personal_data(text)
    assert "Lefort" not in masked and "06 12" not in masked and "@" not in masked
    assert "rue Victor Hugo" in masked  # a street, not a person
    assert n == 3


def test_commitment_summary():
    summary = commitment_summary(["realise", "realise", "en_cours", "non_engage", "abandonne", "", "bogus"])
    assert summary.total == 7
    assert summary.count("realise") == 2 and summary.count("") == 2
    assert summary.percent("realise") == 29
    assert summary.engaged == 3 and summary.engaged_percent == 43
    assert summary.text().startswith(
        "7 engagements : 2 réalisés, 1 en cours, 1 non engagé, 1 abandonné, 2 à renseigner."
    )
    by_pilot = pilot_summary([("CAF", "realise"), ("", "en_cours"), ("caf", "realise"), ("CAF", "en_cours")])
    assert by_pilot[0][0] == "CAF" and by_pilot[0][1].total == 2
    assert ("Pilote non désigné", 1) in [(p, s.total) for p, s in by_pilot]


def test_names_and_counts():
    assert (
        working_group_name("« Aller-vers » les habitants") == "Groupe de travail « Aller-vers les habitants »"
    )
    assert (
        participants_text({"etat": 3, "habitants": 1})
        == "4 participants : 3 Services de l'État, 1 Habitant·es"
    )
    assert participants_text({}) == ""


def test_search_ignores_accents_and_case_and_highlights():
    assert matches_query("Délais de paiement trop longs", "delais PAIEMENT")
    assert not matches_query("Délais de paiement", "délais subvention")
    text = "Les délais, encore les DÉLAIS."
    spans = highlight_spans(text, "delais")
    assert [text[a:b] for a, b in spans] == ["délais", "DÉLAIS"]


def test_qpv_matching():
    qpvs = [("QN05991M", "Les Hauts-Champs"), ("QN05993M", "Quartier de la Gare")]
    assert match_qpv("qn05991m", qpvs) == ("QN05991M",)
    assert match_qpv("quartier de la gare", qpvs) == ("QN05993M",)
    assert match_qpv("Centre-ville", qpvs) == ("Centre-ville",)
    assert match_qpv("", qpvs) == ()


def _excerpt(kind: str, text: str, **kw) -> Excerpt:
    base = dict(
        record_id="r",
        source="s",
        date="",
        group="",
        themes=(),
        qpv=(),
        section="",
        question="",
        category="note",
    )
    base.update(kw)
    return Excerpt(kind=kind, text=text, **base)


def test_filters_combine():
    rows = [
        _excerpt(
            "workshop", "Le COPIL valide", group="Partenaires", themes=("Gouvernance",), category="force"
        ),
        _excerpt(
            "testimony", "Les délais de paiement", themes=("Soutien aux associations",), qpv=("QN05991M",)
        ),
        _excerpt("immersion", "Aide aux devoirs saturée", group="Groupe de travail « Scolarité »"),
    ]
    assert len(filter_excerpts(rows, ExcerptFilter())) == 3
    assert [e.kind for e in filter_excerpts(rows, ExcerptFilter(kinds=frozenset({"testimony"})))] == [
        "testimony"
    ]
    assert len(filter_excerpts(rows, ExcerptFilter(theme="Gouvernance", category="force"))) == 1
    assert len(filter_excerpts(rows, ExcerptFilter(qpv="QN05991M", query="paiement"))) == 1
    assert filter_excerpts(rows, ExcerptFilter(group="Partenaires", query="devoirs")) == []
    f = facets(rows)
    assert f.groups == ["Groupe de travail « Scolarité »", "Partenaires"]
    assert f.categories == ["note", "force"]


def test_working_group_session_form_keeps_one_session():
    form = session_form(compile_tool(KIT, "groupe-travail"), 2)
    assert [p.id for p in form.pages] == [
        "_presentation", "session_2", "session_2_immersions", "session_2_temoignages", "session_2_pause",
        "session_2_constats", "session_2_temps_fort",
    ]
    assert sum(p.duration_minutes or 0 for p in form.pages) == 150  # the session's timed steps


def test_slides_follow_the_guide():
    form = compile_tool(KIT, "guide-partenaires")
    slides = build_slides(form)
    assert slides[0].step_number == 0 and slides[0].title == form.title
    steps = {s.step_number for s in slides}
    assert max(steps) == slides[0].step_count == len(form.pages) - 1
    gov = [s for s in slides if s.page_id == "gouvernance"]
    assert [s.question_number for s in gov] == [1, 2, 3]  # the verbatims are not projected
    assert all(s.duration_minutes == 25 for s in gov)
    synth = [s for s in slides if s.page_id == "synthese"]
    assert len(synth) == 1 and "Forces identifiées" in synth[0].points
    assert slide_of_field(slides, "gouvernance_q2") == slides.index(gov[1])


def test_countdown_per_step_with_a_fake_clock():
    now = [0.0]
    c = Countdown(lambda: now[0])
    c.set_step("a", 600)
    now[0] = 60
    assert c.text() == "09:00" and c.state() == "ok"
    c.pause()
    now[0] = 500
    assert c.text() == "09:00" and not c.running
    c.resume()
    now[0] = 940
    assert c.remaining() == 100 and c.state() == "warning"
    c.set_step("b", 300)  # another step starts its own countdown
    now[0] = 970
    assert c.text() == "04:30"
    c.set_step("a", 600)  # back to the first step: its time is kept
    now[0] = 1190
    assert c.state() == "over" and c.text() == "+02:00"
    c.reset()
    assert c.text() == "10:00"
    assert format_countdown(3725) == "1:02:05"
