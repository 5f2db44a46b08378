"""The resource centre's consolidation report and workbook (issue 18), from three territories.

Built once for the module: the demo evaluation created three times on one laptop (three distinct
evaluations: copies of one demo database would share its evaluation id and merge at the centre),
renamed, with different answers — territory B rates every « vie associative » indicator
« atteint » and gives other amounts, territory C has not filled the maturity scales — each
exported as a signed bundle and imported at a fresh centre. Then the PDF and the XLSX are
written once and read back as a user would: page numbers, cover and contents, the figures, the
sheets and their print setup.
"""

from __future__ import annotations

import re
import statistics

import pytest

pytestmark = pytest.mark.slow  # the three territories and the centre's files are built once (about 15 s)

NAMES = ("CA du Douaisis", "Métropole Rives-Est", "CC du Pays de Brume")


def _kit(services, eid):
    ev = services.evaluations.get(eid)
    return services.kits.get(ev.kit_id, ev.kit_version)


def _numeric_field(kit):
    """A numeric question (integer or decimal with a unit) of a questionnaire tool of the kit."""
    from desktop_app.kit.forms import compile_tool

    for tool in kit.tools_with_role("questionnaire"):
        for page in compile_tool(kit, tool.id).pages:
            for f in page.fields:
                if f.type == "decimal" and f.unit and not f.show_if:
                    return tool.id, f
    raise AssertionError("no numeric question in the kit's questionnaires")


@pytest.fixture(scope="module")
def centre(tmp_path_factory):
    from db_templates import evalkit_home

    from desktop_app.demo.builder import build as create_demo
    from desktop_app.services.app_services import Services
    from desktop_app.services.consolidation import consolidate

    folder = tmp_path_factory.mktemp("centre-report")
    with evalkit_home(folder / "home"):
        laptop = Services.open(folder / "laptop.db", attachments_dir=folder / "laptop-pieces")
        ids = []
        for name in NAMES:
            eid = create_demo(laptop)
            laptop.evaluations.update_evaluation(eid, "territory_name", name)
            ids.append(eid)
        kit = _kit(laptop, ids[0])
        ref = kit.tools_with_role("referential")[0]
        q4 = ref.questions[-1]
        b = ids[1]
        [ref_b] = laptop.forms.find(b, ref.id)
        laptop.forms.set_answers(ref_b.id, {f"{ind.id}.appreciation": "atteint" for sq in q4.sub_questions for ind in sq.indicators})
        tool_id, numeric = _numeric_field(kit)
        for i, r in enumerate(laptop.forms.find(b, tool_id)):
            if r.answers.get(numeric.id) is not None:
                laptop.forms.set_answer(r.id, numeric.id, 1000.0 + i)
        for tool in kit.tools_with_role("maturity_scale"):
            for r in laptop.forms.find(ids[2], tool.id):
                laptop.forms.delete(r.id)
        bundles = []
        for i, eid in enumerate(ids):
            laptop.sync.export_bundle(eid, folder / f"t{i}.evalkit")
            bundles.append(folder / f"t{i}.evalkit")
        laptop.close()
        services = Services.open(folder / "centre.db", attachments_dir=folder / "centre-pieces")
        results = services.sync.import_bundles(bundles)
        assert [r["conflicts"] for r in results] == [0, 0, 0]
        data = consolidate(services)
        # the route the centre's screen takes: the export service picks the writer by the suffix
        pdf = services.exports.consolidation(data, folder / "consolidation.pdf")
        xlsx = services.exports.consolidation(data, folder / "consolidation.xlsx")
        yield {"services": services, "data": data, "pdf": pdf, "xlsx": xlsx, "ids": ids, "numeric": (tool_id, numeric)}
        services.close()


@pytest.fixture(scope="module")
def pages(centre) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() or "" for p in PdfReader(str(centre["pdf"])).pages]


@pytest.fixture(scope="module")
def workbook(centre):
    from openpyxl import load_workbook

    return load_workbook(centre["xlsx"])


def _rows(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_every_page_carries_n_of_total(pages):
    total = len(pages)
    assert total > 10
    for n, text in enumerate(pages, start=1):
        assert re.search(rf"(?<!\d){n} / {total}(?!\d)", text), f"page {n} sans « {n} / {total} »"


def test_cover_and_contents(pages):
    assert "Vue consolidée" in pages[0] and "3 territoires" in pages[0]
    assert "Sommaire" in pages[1]
    for chapter in ("Territoires et avancement", "Référentiel évaluatif", "Questionnaires", "Maturité",
                    "Conseils citoyens", "Engagements", "Actions structurantes", "Fiches de l’évaluation"):
        assert re.search(rf"{chapter}[^\n]*\n?[\s.]*\d+\n", pages[1]), f"« {chapter} » absent du sommaire ou sans numéro de page"


def test_each_section_says_what_stands_out(pages, centre):
    text = " ".join(" ".join(pages).split())
    assert text.count("Ce qui ressort") >= 7
    # territory C filled no maturity scale: the maturity paragraph names it as not reported
    maturity = text[text.index("4. Maturité des politiques transversales", 800):]
    assert "CC du Pays de Brume n’a pas encore renseigné" in maturity or "CC du Pays de Brume n'a pas encore renseigné" in maturity


def test_referential_matches_each_territory_synthesis(centre):
    """Q4 (vie associative) has no overall appreciation in the demo: the territory's synthesis
    suggests one from its indicators, and the consolidation shows that one, not « Non renseigné »."""
    from desktop_app.core.consolidation import NOT_FILLED

    data, services = centre["data"], centre["services"]
    for eid in centre["ids"]:
        matrix = services.referentiel.matrix(eid)
        for q, row in zip(data.questions, matrix.questions, strict=True):
            assert q.by_territory[eid] == (row.appreciation.value if row.appreciation else NOT_FILLED)
    q4 = data.questions[-1]
    assert NOT_FILLED not in q4.by_territory.values()
    assert q4.by_territory[centre["ids"][1]] == "atteint"  # B rated all its indicators « atteint »
    assert set(centre["ids"]) <= q4.computed


def test_referential_sheets_per_question_and_per_indicator(centre, workbook):
    data = centre["data"]
    rows = _rows(workbook["Référentiel"])
    assert len(rows) == len(data.questions) * 3
    q4 = [r for r in rows if r["N°"] == len(data.questions)]
    assert {r["Appréciation"] for r in q4} >= {"Atteint"} and "Non renseigné" not in {r["Appréciation"] for r in q4}
    indicators = _rows(workbook["Indicateurs"])
    assert len(indicators) == len(data.indicators) * 3 and len(data.indicators) > 20
    b_q4 = [r for r in indicators if r["Territoire"] == NAMES[1] and r["Code"].startswith(f"{len(data.questions)}.")]
    assert b_q4 and {r["Appréciation"] for r in b_q4} == {"Atteint"}


def test_numeric_question_stats_overall_and_by_territory(centre, pages, workbook):
    data, services = centre["data"], centre["services"]
    tool_id, field = centre["numeric"]
    qn = next(q for q in data.questionnaires if q.tool_id == tool_id)
    q = next(x for x in qn.questions if x.question_id == field.id)
    assert q.kind == "number"
    by_eval = {}
    for eid in centre["ids"]:
        values = [float(r.answers[field.id]) for r in services.forms.find(eid, tool_id) if r.answers.get(field.id) is not None]
        if values:
            by_eval[eid] = values
    pooled = [v for vs in by_eval.values() for v in vs]
    assert (q.stats.count, q.stats.minimum, q.stats.median, q.stats.maximum) == (
        len(pooled), min(pooled), statistics.median(pooled), max(pooled))
    for eid, values in by_eval.items():
        s = q.stats_by_territory[eid]
        assert (s.count, s.minimum, s.median, s.maximum) == (len(values), min(values), statistics.median(values), max(values))
    assert q.stats_by_territory[centre["ids"][1]].minimum >= 1000  # B's amounts differ
    sheet = [r for r in _rows(workbook["Questions chiffrées"]) if r["Question"] == q.label]
    assert {r["Territoire"] for r in sheet} == {data.territory_name(e) for e in by_eval}
    text = " ".join(pages)
    assert "Médiane" in text and "Ensemble des territoires" in text
    assert "2 025" not in text and "2\u00a0025" not in text  # a year is never written with a separator


def test_autre_texts_are_listed_not_charted(centre, workbook):
    from desktop_app.kit.forms import compile_tool

    data, services = centre["data"], centre["services"]
    kit = _kit(services, centre["ids"][0])
    listed = 0
    for qn in data.questionnaires:
        fields = {f.id: f for p in compile_tool(kit, qn.tool_id).pages for f in p.fields}
        for q in qn.questions:
            f = fields[q.question_id]
            allowed = {o.label for o in f.choices} | {"Oui", "Non", "Autre réponse"}
            if q.kind != "scale":
                assert {lbl for lbl, _ in q.counts} <= allowed, q.label
            listed += len(q.others)
    assert listed > 0
    assert len(_rows(workbook["Réponses Autre"])) == listed


def test_maturity_heat_map(centre):
    from reportlab.platypus import Table

    from desktop_app.exports.consolidation_pdf import build_story

    data = centre["data"]
    m = data.maturity[0]
    assert set(m.levels) == set(centre["ids"][:2])
    domains = {label for _, label in m.domains}
    heat = []
    for flowable in build_story(data):
        if isinstance(flowable, Table):
            header = [getattr(c, "text", "") for c in flowable._cellvalues[0]]
            if domains <= set(header):
                heat.append(flowable)
    assert heat, "pas de tableau de chaleur de la maturité"
    backgrounds = [cmd for cmd in heat[0]._bkgrndcmds if cmd[0] == "BACKGROUND" and cmd[1][1] > 0]
    assert len({str(cmd[3]) for cmd in backgrounds}) >= 2  # cells coloured by level


def test_councils_commitments_actions(centre, workbook):
    data, services = centre["data"], centre["services"]
    for eid in centre["ids"]:
        summary = services.commitments.commitment_summary(eid)
        assert sum(data.commitments[eid].values()) == summary.total > 0
        assert data.actions[eid].chosen == sum(1 for a in services.actions.list(eid) if a.chosen) > 0
    assert sum(r["Engagements"] for r in _rows(workbook["Engagements"])) == sum(sum(c.values()) for c in data.commitments.values())
    pillars = _rows(workbook["Actions"])
    assert sum(r["Actions retenues sur ce pilier"] for r in pillars) == sum(a.chosen for a in data.actions.values())
    [grid] = data.councils
    assert grid.by_territory and len(_rows(workbook["Conseils citoyens"])) == len(grid.by_territory) * len(grid.items)


def test_workbook_is_pivot_ready_and_prints(workbook):
    sheets = [  # then one per sheet filled once per evaluation (the annual reports: also year by year)
        "État des QPV", "Bilans annuels", "Bilans annuels par année", "Questions LCD et EFH",
    ]
    assert workbook.sheetnames == [
        "Territoires", "Référentiel", "Indicateurs", "Questionnaires", "Questions chiffrées", "Réponses Autre",
        "Maturité", "Conseils citoyens", "Engagements", "Actions", *sheets,
    ]
    for ws in workbook.worksheets:
        assert ws.freeze_panes and ws.freeze_panes.endswith("2"), ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
        assert ws.page_setup.orientation == "landscape", ws.title
        if ws.title in sheets:  # wide: printed over a few pages across, the territory repeated on each
            assert ws.page_setup.fitToWidth >= 1 and (ws.page_setup.fitToWidth == 1 or ws.print_title_cols == "$A:$A"), ws.title
        else:
            assert ws.page_setup.fitToWidth == 1, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert all(c.value for c in ws[1]), f"{ws.title} : en-tête incomplet"
        assert ws.max_row >= 2, ws.title


def test_indicators_carry_computed_value_target_baseline_and_source(centre, workbook):
    """An indicator the kit computes (share of communes with a referent, from the communes'
    questionnaire) shows, per territory, the value its own référentiel computes, and its source."""
    data, services = centre["data"], centre["services"]
    ind = next(i for i in data.indicators if i.indicator_id == "gouv_4_c")
    for eid in centre["ids"]:
        cell = next(c for c in services.referentiel.matrix(eid).cells if c.id == "gouv_4_c")
        assert cell.computed_text and not cell.value and ind.value[eid] == cell.computed_text
        assert ind.source[eid].startswith("Calcul : Questionnaire communes")
    assert ind.target.startswith("100\u00a0%")
    # every indicator computed by a territory (its questionnaires, commitments, programmation) reads the same
    by_id = {i.indicator_id: i for i in data.indicators}
    for eid in centre["ids"]:
        computed = [c for c in services.referentiel.matrix(eid).cells if c.computed_text]
        assert {c.id for c in computed} >= {"gouv_4_c", "va_3_a", "dc_1_b", "va_4_b"}  # va_4_b: programmation
        assert all(by_id[c.id].computed[eid] == c.computed_text for c in computed)
        assert all(by_id[c.id].value[eid] == c.computed_text for c in computed if not c.value)
    rows = [r for r in _rows(workbook["Indicateurs"]) if r["Code"] == "1.4.c"]
    assert len(rows) == 3 and all(r["Valeur"] == r["Valeur calculée"] and r["Cible"] and r["Source"].startswith("Calcul") for r in rows)
    baseline = [r for r in _rows(workbook["Indicateurs"]) if r["Code"] == "1.1.a"]
    assert all(r["Référence"] == "Première année du contrat" for r in baseline)
