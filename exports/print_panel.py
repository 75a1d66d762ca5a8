"""The route map's right-hand panel: legend, key figures, zones and actors, top to bottom.

The legend draws each symbol with the very colours and markers the map uses
(all from :mod:`exports.cartography`), and only for what the map shows.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from exports import cartography as carto
from exports.map_strings import t
from exports.print_page import PT_TO_MM, Page
from planning.i18n import format_number, zone_status_label
from planning.map_geometry import plan_closures

if TYPE_CHECKING:
    from matplotlib.typing import MarkerType

    from planning.plan import Plan

#: Site names longer than this are cut in the key figures so values stay clear.
SITE_NAME_CHARS: Final = 24
MAX_LEGEND_SITES: Final = 6

Draw = Callable[[Axes, float, float, float, float], None]

#: Row height per font size (body rows), and the heading's font size and tighter height.
LINE_FACTOR: Final = 1.35
HEADING_PT: Final = 9.5
HEADING_FACTOR: Final = 1.2
#: Space under a heading's rule, in mm.
HEADING_GAP_MM: Final = 2.8


def line_mm(fontsize: float, factor: float = LINE_FACTOR) -> float:
    """Height in mm of a row of text at ``fontsize`` points."""
    return fontsize * PT_TO_MM * factor


def chars_in(width_mm: float, size: float) -> int:
    """About how many characters of ``size`` points fit in ``width_mm``."""
    # DejaVu Sans averages about 0.55 em per character.
    return int(width_mm / (size * PT_TO_MM * 0.55))


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Symbols:
    """Legend swatches drawn in panel millimetres, scaled like the map's symbols."""

    def __init__(self, page: Page) -> None:
        self.pt = page.pt

    def box(self, face: str, edge: str, alpha: float = 1.0, hatch: str | None = None) -> Draw:
        """A filled (optionally hatched) rectangle."""

        def draw(ax: Axes, x: float, y: float, w: float, h: float) -> None:
            ax.add_patch(
                Rectangle(
                    (x, y),
                    w,
                    h,
                    facecolor=face,
                    edgecolor=edge,
                    alpha=alpha,
                    hatch=hatch,
                    lw=self.pt(1.2),
                )
            )

        return draw

    def line(self, colour: str, width: float, casing: str | None = None) -> Draw:
        """A line of ``width`` points, on a wider ``casing`` colour if given."""

        def draw(ax: Axes, x: float, y: float, w: float, h: float) -> None:
            if casing:
                ax.plot([x, x + w], [y + h / 2] * 2, color=casing, lw=self.pt(width + 2.5))
            ax.plot(
                [x, x + w], [y + h / 2] * 2, color=colour, lw=self.pt(width), solid_capstyle="round"
            )

        return draw

    def marker(
        self,
        face: str,
        edge: str | None,
        shape: MarkerType,
        size: float = 50,
        over: str = "",
        under: str | None = None,
    ) -> Draw:
        """A marker, optionally over a tint (``under``) or under a cross (``over``)."""

        def draw(ax: Axes, x: float, y: float, w: float, h: float) -> None:
            if under:
                ax.add_patch(Rectangle((x, y), w, h, facecolor=under, alpha=0.3, lw=0))
            ax.scatter(
                [x + w / 2],
                [y + h / 2],
                s=self.pt(size),
                marker=shape,
                color=face,
                edgecolor=edge,
                linewidth=self.pt(0.8 if edge else 1.3),
            )
            if over:
                ax.scatter(
                    [x + w / 2],
                    [y + h / 2],
                    s=self.pt(35),
                    marker=over,
                    color="#555555",
                    linewidth=self.pt(1.1),
                )

        return draw


class Panel:
    """Rows advance by font size; the panel axes' data units are A4 millimetres."""

    def __init__(self, ax: Axes, page: Page, width: float, height: float) -> None:
        self.ax, self.page, self.width = ax, page, width
        ax.set_xlim(0, width)
        ax.set_ylim(0, height)
        ax.axis("off")
        self.y = height
        self.sym = Symbols(page)

    def _advance(self, fontsize: float, factor: float = LINE_FACTOR) -> float:
        self.y -= line_mm(fontsize, factor)
        return self.y

    def heading(self, text: str) -> None:
        """A bold heading with a rule under it."""
        y = self._advance(HEADING_PT, HEADING_FACTOR)
        size = self.page.pt(HEADING_PT)
        self.ax.text(0, y, text, fontsize=size, fontweight="bold", va="baseline")
        self.ax.plot([0, self.width], [y - 1.3, y - 1.3], color="#333333", lw=self.page.pt(0.5))
        self.y -= HEADING_GAP_MM

    def row(self, left: str, right: str = "", *, indent: float = 0, size: float = 7.5) -> None:
        """A text row, with a bold right-aligned value if given."""
        y = self._advance(size)
        self.ax.text(indent, y, left, fontsize=self.page.pt(size), va="baseline")
        if right:
            self.ax.text(
                self.width,
                y,
                right,
                fontsize=self.page.pt(size),
                ha="right",
                va="baseline",
                fontweight="bold",
            )

    def wrapped(self, text: str, *, indent: float = 0, size: float = 7.0) -> None:
        """``text`` wrapped to the panel's width."""
        for line in textwrap.wrap(text, chars_in(self.width - indent, size)) or [""]:
            self.row(line, indent=indent, size=size)

    def symbol_row(self, draw: Draw, label: str) -> None:
        """A legend swatch and its label; the swatch's artists get ``gid="legend:<label>"``."""
        y = self._advance(7.5, 1.6)
        before = set(self.ax.get_children())
        draw(self.ax, 0.0, y - 0.6, 8.0, 3.2)
        for artist in set(self.ax.get_children()) - before:
            artist.set_gid(f"legend:{label}")
        self.ax.text(10.5, y, label, fontsize=self.page.pt(7.5), va="baseline")

    def gap(self, mm: float = 3.0) -> None:
        """Vertical space."""
        self.y -= mm

    def fill(self, plan: Plan, shown: dict[str, bool], colours: dict[str, str], lang: str) -> None:
        """Legend, key figures, zones and (as many as fit) actors."""
        # 2 mm between sections leaves the actors two lines more on a busy A4 panel.
        self.legend(plan, shown, colours, lang)
        self.gap(2.0)
        self.figures(plan, lang)
        self.gap(2.0)
        self.zones(plan, lang)
        self.gap(2.0)
        self.actors(plan, lang)

    def legend(
        self, plan: Plan, shown: dict[str, bool], colours: dict[str, str], lang: str
    ) -> None:
        """One row per symbol on the map, in the map's colours (``shown``: what is drawn)."""
        sym = self.sym
        self.heading(t("legend.title", lang))
        for status in carto.ZONE_COLOURS:
            if (plan.zone["status"] == status).any():
                colour = carto.zone_colour(status)
                label = t("legend.zone_status", lang, status=zone_status_label(status, lang))
                self.symbol_row(sym.box("#fbeeee", colour, hatch=carto.ZONE_HATCH[status]), label)
        self._site_rows(plan, shown, colours, lang)
        if not plan.routes.empty:
            for _, colour, key in carto.LOAD_CLASSES:
                self.symbol_row(sym.line(colour, 3.0), t(key, lang))
            self.symbol_row(
                sym.marker("#222222", "white", (3, 0, -90), 40), t("legend.direction", lang)
            )
            self.wrapped(t("legend.route_width", lang), indent=10.5, size=6.5)
            self.gap(1.0)
        self._extra_rows(shown, lang)
        self.symbol_row(sym.marker(carto.ORIGIN, "white", "o", 25), t("legend.origin", lang))
        status = plan.evacuees["status"].astype(str)
        if (status == "own_arrangements").any():
            self.symbol_row(
                sym.marker(carto.EXIT, "white", "o", 25), t("legend.own_arrangements_origin", lang)
            )
        if (~status.isin(["assigned", "own_arrangements"])).any():
            self.symbol_row(sym.marker("black", None, "x", 25), t("legend.not_assigned", lang))

    def _site_rows(
        self, plan: Plan, shown: dict[str, bool], colours: dict[str, str], lang: str
    ) -> None:
        """Each available site: its square over its catchment's tint, in its own colour."""
        available = set(plan.sites.loc[plan.sites["available"].astype(bool), "name"].astype(str))
        served = set(plan.catchments["site"].astype(str))
        # In colour order, the same order as the web map's legend.
        for site in [s for s in colours if s in available][:MAX_LEGEND_SITES]:
            colour = carto.site_colour(colours, site)
            under = colour if site in served else None
            label = t("legend.catchment", lang, site=site) if under else site
            self.symbol_row(self.sym.marker(colour, "black", "s", under=under), label)
        if shown.get("unavailable_sites"):
            self.symbol_row(
                self.sym.marker("#d9d9d9", carto.UNAVAILABLE, "s", over="x"),
                t("legend.site_unavailable", lang),
            )

    def _extra_rows(self, shown: dict[str, bool], lang: str) -> None:
        sym = self.sym
        rows = {
            "closures": (
                sym.line(carto.CLOSURE, 2.5, casing=carto.CLOSURE_CASING),
                "legend.closure",
            ),
            "bottlenecks": (sym.marker("white", carto.BOTTLENECK, "o", 45), "legend.bottleneck"),
        }
        for key in ("single_points", "exits", "kindergartens"):
            marker, size, face, edge = carto.PRINT_POINTS[key]
            rows[key] = (sym.marker(face, edge, marker, size), f"legend.{key.removesuffix('s')}")
        for key, (draw, label) in rows.items():
            if shown.get(key):
                self.symbol_row(draw, t(label, lang))

    def figures(self, plan: Plan, lang: str) -> None:
        """Key figures: people, places per site, leave and arrive times."""
        summary = plan.summary

        def people(value: float) -> str:
            return format_number(value, lang)

        self.heading(t("figures.title", lang))
        self.row(t("figures.evacuees", lang), people(summary["evacuees_total"]))
        self.row(t("mapfig.own_arrangements", lang), people(summary["own_arrangements"]))
        self.row(t("figures.assigned", lang))
        assigned = summary["assigned"]
        available = plan.sites[plan.sites["available"].astype(bool)]
        for row in available.head(MAX_LEGEND_SITES).itertuples(index=False):
            value = t(
                "figures.site_row",
                lang,
                assigned=people(assigned.get(row.name, 0)),
                capacity=people(row.capacity),
            )
            if row.capacity_assumed:
                value += f" ({t('site.assumed', lang)})"
            self.row(shorten(row.name, SITE_NAME_CHARS), value, indent=3)
        if len(available) > MAX_LEGEND_SITES:
            self.row(t("panel.more", lang, n=len(available) - MAX_LEGEND_SITES), indent=3)
        self.row(t("figures.unassigned", lang), people(summary["unassigned"]))
        self.row(t("figures.unreachable", lang), people(summary["unreachable"]))
        for label, value in carto.clearance_rows(summary, lang):
            self.row(label, value)
        if summary["clearance_range_minutes"]:
            self.wrapped(t("mapfig.range_note", lang), size=6.5)

    def zones(self, plan: Plan, lang: str) -> None:
        """Zones with their status, then the closed roads (label and roads cut)."""
        self.heading(t("zones.title", lang))
        for label, status in zip(plan.zone["label"], plan.zone["status"], strict=True):
            self.wrapped(f"{label or '–'}: {zone_status_label(status, lang)}", size=7.5)
        closures = plan_closures(plan)
        if closures.empty:
            return
        self.gap(1.5)
        self.row(t("mapfig.closures", lang), size=7.5)
        for i, row in enumerate(closures.itertuples()):
            text = carto.closure_label(row.label, i, lang)
            if row.roads_cut:
                text += f": {row.roads_cut}"
            self.wrapped(f"• {text}", indent=3, size=7.0)

    def actors(self, plan: Plan, lang: str) -> None:
        """Actor names run on as text in the lines left above the panel's foot.

        One name per row left room for none of the 16 actors a real plan names
        (only "+16 more", drawn over the footer); names in running text fit 4-6
        in two lines. The action card lists them all with their roles.
        """
        names = [str(a["name"]) for a in plan.summary["responsible_actors"]]
        size = 7.0
        line_h = line_mm(size)
        heading_h = line_mm(HEADING_PT, HEADING_FACTOR) + HEADING_GAP_MM
        if not names or self.y < line_h:
            return
        if self.y < heading_h + line_h:
            # No room for a heading and a name: one line pointing to the action card,
            # never text drawn over the footer.
            self.row(t("mapfig.actors_on_card", lang, n=len(names)), size=size)
            return
        self.heading(t("actors.title", lang))
        for line in _name_lines(names, chars_in(self.width, size), int(self.y // line_h), lang):
            self.row(line, size=size)


def _name_lines(names: list[str], chars: int, fits: int, lang: str) -> list[str]:
    """The most names that fit in ``fits`` wrapped lines, then "+ n more" if some are left."""
    for k in range(len(names), -1, -1):
        text = ", ".join(names[:k])
        if k < len(names):
            # No-break spaces keep "+ 12 more (see the action card)" on one line.
            more = t("mapfig.more_on_card", lang, n=len(names) - k).replace(" ", "\u00a0")
            text = f"{text}, {more}" if text else more
        lines = textwrap.wrap(text, chars)
        if len(lines) <= fits:
            return lines
    return []
