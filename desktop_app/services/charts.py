"""Charts drawn by the deliverables' code (matplotlib), for the screens that show them as PNG: the
chosen action's calendar and the resource centre's consolidation. The UI reaches them here: it
never imports `desktop_app.exports`. (The ranking, the questionnaire results, the maturity radar
and the référentiel's appreciations are painted by Qt on screen: `ui/widgets/qt_charts`.)

Each function takes plain data and returns PNG bytes (or a colour / legend lines); the chart
modules (matplotlib) load on first use, not when a screen is imported.
"""

from __future__ import annotations

from typing import Any


def ink(hex_color: str) -> str:
    """The text colour readable on a `hex_color` background ("white" or the dark text colour)."""
    from desktop_app.exports.pdf_charts import _ink

    return _ink(hex_color)





def timeline_chart(*args: Any, **kwargs: Any) -> bytes:
    """A chosen action's calendar (see `exports.actions_charts.timeline_chart`)."""
    from desktop_app.exports.actions_charts import timeline_chart as draw

    return draw(*args, **kwargs)


def milestone_legend(*args: Any, **kwargs: Any) -> list[str]:
    """The calendar's milestones as legend lines (see `exports.actions_charts.milestone_legend`)."""
    from desktop_app.exports.actions_charts import milestone_legend as legend

    return legend(*args, **kwargs)



def consolidation_referential_chart(*args: Any, **kwargs: Any) -> bytes | None:
    """The consolidated référentiel heat map (see `exports.consolidation_files.referential_chart`)."""
    from desktop_app.exports.consolidation_files import referential_chart as draw

    return draw(*args, **kwargs)


def consolidation_maturity_chart(*args: Any, **kwargs: Any) -> bytes | None:
    """One consolidated maturity scale (see `exports.consolidation_files.maturity_chart`)."""
    from desktop_app.exports.consolidation_files import maturity_chart as draw

    return draw(*args, **kwargs)


def consolidation_questionnaire_chart(*args: Any, **kwargs: Any) -> bytes | None:
    """One consolidated questionnaire (see `exports.consolidation_files.questionnaire_chart`)."""
    from desktop_app.exports.consolidation_files import questionnaire_chart as draw

    return draw(*args, **kwargs)
