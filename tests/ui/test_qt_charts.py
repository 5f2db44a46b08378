"""The charts the screens paint with Qt (`ui/widgets/qt_charts`): the bars are as long as their
values, in the colours asked, the stacked bars split by level, the radar filled."""

from __future__ import annotations

from PySide6.QtGui import QColor

from desktop_app.ui.widgets import qt_charts


def _runs(image, colour: str) -> list[int]:
    """Length in pixels of the `colour` run on each pixel row that has one."""
    target = QColor(colour).rgb()
    out = []
    for y in range(image.height()):
        n = sum(1 for x in range(image.width()) if image.pixel(x, y) == target)
        if n:
            out.append(n)
    return out


def test_bars_are_as_long_as_their_values(qapp):
    image = qt_charts.bars(["Oui", "Non"], [80.0, 20.0], width=470, max_value=100, unit=" %")
    lengths = sorted(set(_runs(image, qt_charts.ACCENT)))
    assert not image.isNull() and image.width() == 470
    assert abs(lengths[-1] / lengths[0] - 4) < 0.1  # 80 % is four times 20 %


def test_chosen_actions_are_in_the_accent_colour_and_the_others_grey(qapp):
    image = qt_charts.bars(
        ["1. Médiation", "2. Jardin"],
        [30, 30],
        width=900,
        colors=[qt_charts.ACCENT, qt_charts.OTHER],
        legend=[("Retenue", qt_charts.ACCENT), ("Non retenue", qt_charts.OTHER)],
    )
    accent, other = _runs(image, qt_charts.ACCENT), _runs(image, qt_charts.OTHER)
    assert max(accent) == max(other) > 200  # same score, same length; the legend squares are small


def test_stacked_bars_split_each_category_by_level(qapp):
    levels = [("a", "Atteint", "#2e7d32"), ("d", "Non atteint", "#e53935")]
    image = qt_charts.stacked_bars(["1. Gouvernance"], levels, [{"a": 3, "d": 1}], width=760)
    assert abs(max(_runs(image, "#2e7d32")) / max(_runs(image, "#e53935")) - 3) < 0.15


def test_radar_draws_the_profile(qapp):
    image = qt_charts.radar(["Engagement", "Moyens", "Gouvernance"], [4, 2, 0], 5, width=400)
    assert image.height() == 360 and _runs(image, qt_charts.ACCENT)
