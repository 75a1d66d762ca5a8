"""Printed pages: paper sizes, millimetre layout, title band and foot with attribution.

Shared by the route map (page 1) and the action card (page 2 onwards). Pages are
laid out in A4 millimetres and scaled for A3, so both sizes look the same.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from exports.map_strings import t
from geo.settings import ATTRIBUTION, LOCAL_TZ
from planning.i18n import format_number

if TYPE_CHECKING:
    from planning.plan import Plan

#: Landscape paper sizes (width, height) in millimetres.
PAPER_MM: Final[dict[str, tuple[float, float]]] = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
MM_PER_INCH: Final = 25.4
PT_TO_MM: Final = 25.4 / 72
# Layout in A4 millimetres (origin lower left); scaled for larger paper.
MARGIN: Final = 10.0
HEADER_H: Final = 20.0
FOOTER_H: Final = 11.0
#: The exercise marker's red (the zone's "evakueringsordre" red).
EXERCISE_RED: Final = "#d7191c"


class Page:
    """Millimetre layout helper: A4 millimetres in, figure fractions out."""

    def __init__(self, paper: str) -> None:
        self.width, self.height = PAPER_MM[paper]
        self.k = self.width / PAPER_MM["A4"][0]
        self.fig = Figure(figsize=(self.width / MM_PER_INCH, self.height / MM_PER_INCH))
        FigureCanvasAgg(self.fig)

    def pt(self, size: Any) -> Any:
        """Font size or line width in points, scaled from A4."""
        return size * self.k

    def axes(self, x: float, y: float, w: float, h: float) -> Axes:
        """Axes at A4 millimetres ``(x, y, w, h)`` from the lower left."""
        k = self.k
        return self.fig.add_axes(
            (x * k / self.width, y * k / self.height, w * k / self.width, h * k / self.height)
        )

    def text(self, x: float, y: float, s: str, **kwargs: Any) -> None:
        """Figure text at A4 millimetres; ``fontsize`` is given in A4 points."""
        kwargs["fontsize"] = self.pt(kwargs.get("fontsize", 8))
        self.fig.text(x * self.k / self.width, y * self.k / self.height, s, **kwargs)


def label_box() -> dict[str, Any]:
    """White backing for map labels.

    A box rather than a stroked halo: path effects turn PDF text into outlines,
    and the text must stay real text (searchable, extractable).
    """
    return {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8}


def created(plan: Plan, lang: str) -> str:
    """When the plan was made, in Oslo time."""
    raw = plan.summary["created"]
    when = datetime.fromisoformat(raw) if raw else datetime.now(LOCAL_TZ)
    # Printed maps show local time; a plan may record its creation in UTC.
    when = when.astimezone(LOCAL_TZ) if when.tzinfo else when
    return when.strftime("%d.%m.%Y kl. %H:%M" if lang == "nb" else "%Y-%m-%d %H:%M")


def title_band(page: Page, title: str, subtitle: str) -> None:
    """The bold title, a subtitle line under it and a rule closing the band."""
    width, height = PAPER_MM["A4"]
    top = height - MARGIN
    page.text(MARGIN, top, title, fontsize=20, fontweight="bold", va="top")
    page.text(MARGIN, top - 10.5, subtitle, fontsize=10, va="top", color="#333333")
    line = page.axes(MARGIN, height - MARGIN - HEADER_H + 3, width - 2 * MARGIN, 0.01)
    line.axis("off")
    line.axhline(0.5, color="#333333", linewidth=page.pt(0.8))


def header(page: Page, plan: Plan, lang: str, title: str) -> None:
    """Title, scenario and time, and the ØVELSE marker for an exercise."""
    width, height = PAPER_MM["A4"]
    top = height - MARGIN
    subtitle = f"{t('map.scenario', lang, name=plan.scenario.name)}   ·   " + t(
        "map.created", lang, when=created(plan, lang)
    )
    title_band(page, title, subtitle)
    if plan.scenario.exercise:
        page.text(
            width - MARGIN,
            top - 1,
            t("map.exercise", lang),
            fontsize=20,
            fontweight="bold",
            color=EXERCISE_RED,
            ha="right",
            va="top",
            bbox={
                "boxstyle": "square,pad=0.35",
                "fc": "white",
                "ec": EXERCISE_RED,
                "lw": page.pt(2),
            },
        )
        page.text(
            width - MARGIN,
            top - 13.5,
            t("map.exercise_note", lang),
            fontsize=7.5,
            color=EXERCISE_RED,
            ha="right",
            va="top",
        )


def footer(page: Page, lang: str, note: str) -> None:
    """Attribution (on every page), a note line and the disclaimer."""
    width = PAPER_MM["A4"][0]
    y = MARGIN + FOOTER_H - 4
    page.text(MARGIN, y, f"{t('map.attribution', lang)}: {ATTRIBUTION}", fontsize=6.5)
    page.text(MARGIN, y - 3.6, note, fontsize=6.5, color="#444444")
    page.text(
        width - MARGIN,
        y - 3.6,
        t("map.disclaimer", lang),
        fontsize=6.5,
        color="#444444",
        ha="right",
    )


def map_note(lang: str, denominator: int) -> str:
    """The map page's foot note: projection and scale."""
    return f"{t('map.crs_note', lang)}   ·   1 : {format_number(denominator, lang)}"
