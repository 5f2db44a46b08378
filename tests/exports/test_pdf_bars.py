"""The bar charts reportlab draws at print size (`exports.pdf_bars`): what a reader sees on the
page — the labels whole, wrapped inside their column, the values and axis in French numbers."""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import SimpleDocTemplate

from desktop_app.exports import pdf_style as st
from desktop_app.exports.pdf_bars import PrintBars, PrintStacked, french_number, nice_ticks
from tests.exports.conftest import flat, pdf_text


def test_axis_steps_are_round_and_fit_the_width():
    assert nice_ticks(120, 130, 7.5) == [0, 25, 50, 75, 100]  # a question's shares, half a column
    assert nice_ticks(75.6, 300, 7.5) == [0, 10, 20, 30, 40, 50, 60, 70]  # the ranking, 63 points at most
    assert nice_ticks(6, 400, 7.5) == [0, 1, 2, 3, 4, 5, 6]
    assert french_number(1234.5, 1) == "1\u202f234,5"


def test_long_labels_are_wrapped_whole_in_their_column(tmp_path):
    label = "Associée : nous sommes consultés et nos avis sont pris en compte dans les instances du contrat"
    chart = PrintBars([label, "Aucune"], [62.5, 37.5], 230, unit=" %", max_value=100)
    label_column = 230 * 0.44
    assert len(chart.lines[0]) > 1 and " ".join(chart.lines[0]) == label
    assert all(stringWidth(line, st.SANS, 7.5) <= label_column for line in chart.lines[0])
    short = PrintBars(["Oui", "Aucune"], [62.5, 37.5], 230)
    assert chart.wrap(230, 1000)[1] > short.wrap(230, 1000)[1]  # a band as tall as its label
    # placed like a picture: never enlarged, shrunk only when it does not fit
    assert chart.fit(500, 1000).wrap(500, 1000) == (230, chart.chart_height)
    assert chart.fit(115, 1000).wrap(115, 1000)[0] == 115

    out = tmp_path / "bars.pdf"
    SimpleDocTemplate(str(out)).build([PrintBars([label, "Aucune"], [62.5, 37.5], 230, unit=" %", max_value=100, decimals=1)])
    text = flat(pdf_text(out))
    assert "62,5 %" in text and "37,5 %" in text and "Aucune" in text and "instances du contrat" in text


def test_stacked_bars_name_their_series_and_read_in_percent(tmp_path):
    chart = PrintStacked(
        ["Les Hauts-Champs", "Cité du Moulin"],
        [("Aucun écart", [6, 14], "#2e7d32"), ("Écart faible", [12, 3], None), ("Écart important", [5, 2], "#e53935")],
        400,
    )
    assert [round(sum(s[i] for s in chart.shares), 6) for i in range(2)] == [100, 100]  # each bar is whole
    assert round(chart.shares[0][0], 1) == 26.1  # 6 of 23
    out = tmp_path / "stacked.pdf"
    SimpleDocTemplate(str(out)).build([chart])
    text = flat(pdf_text(out))
    assert "Aucun écart" in text and "Écart important" in text and "Cité du Moulin" in text and "100 %" in text
