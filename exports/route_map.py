"""Printable evacuation route map (PDF or PNG) drawn with matplotlib only.

Page 1 is the map, landscape A4 or A3: a title band, the map on the left and a
panel with legend, key figures, zones and actors on the right (see
:mod:`exports.print_panel`), attribution at the foot. A PDF continues with the
action card (:mod:`exports.action_card`): every action and every actor. The
basemap comes from the region's own vector data, so the map renders offline.

Colours and symbols come from :mod:`exports.cartography` and positions (framing,
bottlenecks, closures, arrows, street names) from :mod:`planning.map_geometry`,
the same as the web map's, so screen and paper agree.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from exports import cartography as carto
from exports.action_card import action_card_pages
from exports.map_furniture import draw_north_arrow, draw_scale_bar, fit_extent, scale_denominator
from exports.map_strings import t
from exports.print_page import (
    FOOTER_H,
    HEADER_H,
    MARGIN,
    PAPER_MM,
    Page,
    footer,
    header,
    label_box,
    map_note,
)
from exports.print_panel import Panel
from planning import map_geometry as mapgeo
from planning.i18n import zone_status_label

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from planning.plan import Plan

FORMATS = ("pdf", "png")
PANEL_W = 82.0
GAP = 5.0
#: Road drawing style per OSM highway class: (line width in pt, colour, z-order).
_ROAD_STYLE = {
    "motorway": (1.6, "#c9a06a", 3.3),
    "trunk": (1.4, "#c9a06a", 3.3),
    "primary": (1.2, "#b5b0a4", 3.2),
    "secondary": (1.0, "#b5b0a4", 3.2),
    "tertiary": (0.8, "#bdb8ad", 3.1),
}
_ROAD_DEFAULT = (0.35, "#cfcac0", 3.0)
_MAX_BOTTLENECK_LABELS = 5
#: Half-width in metres of the land drawn under roads (see ``_land_corridors``).
_ROAD_LAND_M = 60.0


def render_route_map(
    plan: Plan,
    region_layers: Mapping[str, gpd.GeoDataFrame] | None = None,
    *,
    paper: str = "A4",
    lang: str = "nb",
    fmt: str = "pdf",
    dpi: int = 200,
    page: int = 1,
) -> bytes:
    """Render ``plan`` as a printable landscape route map (a PDF adds the action card).

    Parameters
    ----------
    plan
        A :class:`planning.plan.Plan` (any object with its attributes works).
    region_layers
        Basemap layers in EPSG:25832, all optional: ``"municipalities"``
        (polygons, land; the sea is the background colour; a ``kommunenavn``
        column labels them) and ``"roads"`` (lines with a ``highway`` column,
        e.g. the edges of a road network).
    paper
        ``"A4"`` or ``"A3"`` (landscape).
    lang
        ``"nb"`` or ``"en"``.
    fmt
        ``"pdf"`` (vector, real text with embedded TrueType fonts, all pages) or
        ``"png"`` (one page).
    dpi
        Raster resolution for PNG (and for hatching in the PDF).
    page
        For PNG: 1 is the map, 2 and up the action card.

    Returns
    -------
    bytes
        The file content.

    Raises
    ------
    ValueError
        If ``paper``, ``fmt`` or ``page`` is not supported.
    KeyError
        If ``lang`` is not supported.
    """
    if paper not in PAPER_MM:
        msg = f"Unknown paper {paper!r}: use one of {', '.join(PAPER_MM)}."
        raise ValueError(msg)
    if fmt not in FORMATS:
        msg = f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}."
        raise ValueError(msg)
    t("map.title", lang)  # fail early on an unknown language
    # Type 42 embeds TrueType fonts, so PDF text stays text (searchable, extractable).
    # parse_math off: user text such as "Øvelse $1" must print as typed, not as TeX.
    with mpl.rc_context(
        {
            "text.parse_math": False,
            "pdf.fonttype": 42,
            "font.family": "DejaVu Sans",
            "hatch.linewidth": 0.6,
        }
    ):
        pages = compose_pages(plan, region_layers or {}, paper, lang)
        buffer = io.BytesIO()
        if fmt == "pdf":
            with PdfPages(buffer, metadata=_metadata(plan, fmt, lang)) as pdf:
                for p in pages:
                    pdf.savefig(p.fig)
        else:
            if not 1 <= page <= len(pages):
                msg = f"Page {page} does not exist: the plan has pages 1 to {len(pages)}."
                raise ValueError(msg)
            pages[page - 1].fig.savefig(
                buffer, format=fmt, dpi=dpi, metadata=_metadata(plan, fmt, lang)
            )
    return buffer.getvalue()


def _metadata(plan: Plan, fmt: str, lang: str) -> dict[str, str]:
    title = f"{t('map.title', lang)} – {plan.scenario.name}"
    if fmt == "pdf":
        return {"Title": title, "Creator": "evac-baerum"}
    return {"Title": title, "Software": "evac-baerum"}


def compose_pages(
    plan: Plan, layers: Mapping[str, gpd.GeoDataFrame], paper: str, lang: str
) -> list[Page]:
    """The map page and the action card pages, each with its page number.

    Artists that carry meaning have a ``gid`` (``"site:<name>"``, ``"routes"``,
    ``"closures"``, ``"exits"``, ``"legend:<label>"``…), so tests and tools can
    find them.
    """
    page = Page(paper)
    colours = carto.site_colours(plan.sites, plan.scenario)
    header(page, plan, lang, t("map.title", lang))
    map_w, map_h = map_frame_mm()
    ax = page.axes(MARGIN, MARGIN + FOOTER_H, map_w, map_h)
    shown = _draw_map(ax, page, plan, layers, colours, lang, map_w / map_h)
    denominator = scale_denominator(ax.get_xlim()[1] - ax.get_xlim()[0], map_w)
    panel = page.axes(MARGIN + map_w + GAP, MARGIN + FOOTER_H, PANEL_W, map_h)
    Panel(panel, page, PANEL_W, map_h).fill(plan, shown, colours, lang)
    pages = [page, *action_card_pages(plan, paper, lang)]
    for n, p in enumerate(pages, start=1):
        number = t("actions.page", lang, n=n, total=len(pages))
        note = f"{map_note(lang, denominator)}   ·   {number}" if n == 1 else number
        footer(p, lang, note)
    return pages


def map_frame_mm() -> tuple[float, float]:
    """Width and height (A4 mm) of the map frame: between title band and foot, left of the panel.

    The panel (:data:`PANEL_W` wide) sits :data:`GAP` to the right of the frame.
    """
    a4_w, a4_h = PAPER_MM["A4"]
    return a4_w - 2 * MARGIN - PANEL_W - GAP, a4_h - 2 * MARGIN - HEADER_H - FOOTER_H


def _draw_map(
    ax: Axes,
    page: Page,
    plan: Plan,
    layers: Mapping[str, gpd.GeoDataFrame],
    colours: dict[str, str],
    lang: str,
    aspect: float,
) -> dict[str, bool]:
    """Draw the map; return which optional symbols it shows (for the legend)."""
    extent = mapgeo.padded(mapgeo.plan_extent(plan), share=0.08, min_m=200.0)
    minx, miny, maxx, maxy = fit_extent(extent, aspect, pad=0.0)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(page.pt(0.8))
    window = shapely.box(minx, miny, maxx, maxy)
    draw_basemap(ax, page, layers, window)
    _catchments(ax, page, plan.catchments, colours)
    placer = _LabelPlacer(ax)
    _zone(ax, page, plan.zone, lang, placer)
    draw_routes(ax, page, plan.routes)
    shown = {"closures": _closures(ax, page, mapgeo.plan_closures(plan))}
    _arrows(ax, page, plan.routes)
    _evacuees(ax, page, plan.evacuees)
    shown.update(_points(ax, page, plan))
    shown["unavailable_sites"] = _sites(ax, page, plan.sites, colours, lang, placer)
    shown["bottlenecks"] = _bottleneck_labels(ax, page, plan, lang, placer)
    _street_names(ax, page, plan.routes, placer)
    draw_scale_bar(ax, page.pt(6.5))
    draw_north_arrow(ax, t("map.north", lang), page.pt(9))
    if plan.scenario.exercise:
        ax.text(
            0.5,
            0.5,
            t("map.exercise", lang),
            transform=ax.transAxes,
            fontsize=page.pt(84),
            fontweight="bold",
            color=carto.ZONE_COLOURS["evakueringsordre"],
            alpha=0.13,
            rotation=28,
            ha="center",
            va="center",
            zorder=30,
        )
    return shown


def add_polygons(ax: Axes, geoms: Any, **kwargs: Any) -> None:
    """Draw (multi)polygons as one compound path.

    Drawn directly rather than with ``GeoDataFrame.plot``, which redraws the whole
    figure on every call (seconds per page with a real road network).
    """
    polygons = shapely.get_parts(shapely.orient_polygons(np.asarray(geoms)))
    paths = [
        Path(np.asarray(ring.coords), closed=True)
        for poly in polygons
        if not poly.is_empty
        for ring in (poly.exterior, *poly.interiors)
    ]
    if paths:
        # Orientation (exterior counter-clockwise, holes clockwise) makes holes empty.
        ax.add_patch(PathPatch(Path.make_compound_path(*paths), **kwargs))


def add_lines(ax: Axes, geoms: Any, **kwargs: Any) -> None:
    """Draw (multi)linestrings, or polygon outlines, as one line collection."""
    geoms = np.asarray(geoms)
    is_polygon = shapely.get_type_id(geoms) >= 3
    geoms = np.where(is_polygon, shapely.boundary(geoms), geoms)
    coords, index = shapely.get_coordinates(shapely.get_parts(geoms), return_index=True)
    if len(coords):
        # One vectorised pass instead of a Python loop over (many) road parts.
        segments = np.split(coords, np.flatnonzero(np.diff(index)) + 1)
        ax.add_collection(LineCollection(segments, **kwargs))


def draw_basemap(
    ax: Axes, page: Page, layers: Mapping[str, gpd.GeoDataFrame], window: BaseGeometry
) -> None:
    """Land, sea, municipality borders and names, and roads by class, inside ``window``."""
    municipalities = layers.get("municipalities")
    roads = layers.get("roads")
    roads = roads.clip(window) if roads is not None and not roads.empty else None
    if municipalities is None or municipalities.empty:
        ax.set_facecolor(carto.LAND)  # without land polygons we cannot tell sea from land
    else:
        ax.set_facecolor(carto.SEA)
        land = municipalities.clip(window)
        add_polygons(ax, land.geometry, facecolor=carto.LAND, edgecolor="none", zorder=1)
        if roads is not None:
            _land_corridors(ax, roads)
        add_lines(
            ax,
            land.geometry,
            color="#9a9384",
            linewidth=page.pt(0.7),
            linestyle=(0, (6, 2, 1, 2)),
            zorder=2,
        )
        if "kommunenavn" in land:
            _municipality_names(ax, page, land, window)
    if roads is None:
        return
    highway = roads["highway"].astype(str) if "highway" in roads else None
    if highway is None:
        _add_roads(ax, page, roads, _ROAD_DEFAULT)
        return
    _add_roads(ax, page, roads[~highway.isin(list(_ROAD_STYLE))], _ROAD_DEFAULT)
    for cls, style in _ROAD_STYLE.items():
        _add_roads(ax, page, roads[highway == cls], style)


def _land_corridors(ax: Axes, roads: gpd.GeoDataFrame) -> None:
    """Paint land under the road network as wide, land-coloured road strokes.

    Generalised municipal polygons cut off piers, islets and whole shorelines, so
    roads would run through the sea. Strokes of a fixed ground width fill those
    gaps at no geometry cost (a buffer-and-union takes seconds on a real network).
    """
    metres_per_point = (ax.get_xlim()[1] - ax.get_xlim()[0]) / (_axes_width_pt(ax))
    add_lines(
        ax,
        roads.geometry,
        color=carto.LAND,
        linewidth=2 * _ROAD_LAND_M / metres_per_point,
        capstyle="round",
        joinstyle="round",
        zorder=1.1,
    )


def _add_roads(
    ax: Axes, page: Page, roads: gpd.GeoDataFrame, style: tuple[float, str, float]
) -> None:
    width, colour, z = style
    add_lines(ax, roads.geometry, color=colour, linewidth=page.pt(width), zorder=z)


def _municipality_names(ax: Axes, page: Page, land: gpd.GeoDataFrame, window: BaseGeometry) -> None:
    for name, geom in zip(land["kommunenavn"], land.geometry, strict=True):
        if geom.area < 0.05 * window.area:
            continue  # a sliver at the edge: a name there would only clutter
        point = geom.representative_point()
        ax.text(
            point.x,
            point.y,
            str(name).upper(),
            fontsize=page.pt(9),
            color="#a29c8e",
            ha="center",
            va="center",
            style="italic",
            zorder=2.5,
        )


def _catchments(
    ax: Axes, page: Page, catchments: gpd.GeoDataFrame, colours: dict[str, str]
) -> None:
    for site, geom in zip(catchments["site"], catchments.geometry, strict=True):
        colour = carto.site_colour(colours, site)
        add_polygons(ax, [geom], facecolor=colour, alpha=0.22, edgecolor="none", zorder=4)
        add_lines(ax, [geom], color=colour, linewidth=page.pt(0.8), zorder=4.1)


def _axes_width_pt(ax: Axes) -> float:
    """Width of ``ax`` on paper, in points."""
    figure = ax.figure
    assert isinstance(figure, Figure), "print maps draw on top-level figures"
    return float(ax.get_position().width * figure.get_figwidth() * 72)


def _route_widths(people: np.ndarray) -> np.ndarray:
    """Line width in A4 points: 1.2 to 6 pt, by the square root of people (area-true)."""
    top = max(float(np.nanmax(people)), 1.0) if len(people) else 1.0
    return np.asarray(1.2 + 4.8 * np.sqrt(np.clip(np.nan_to_num(people), 0, None) / top))


def draw_routes(ax: Axes, page: Page, routes: gpd.GeoDataFrame) -> None:
    """Routes (``people``, ``load_ratio``) as cased lines, width by people, colour by load."""
    if routes.empty:
        return
    widths = page.pt(_route_widths(routes["people"].to_numpy(dtype=float)))
    colours = [carto.load_colour(float(r)) for r in routes["load_ratio"]]
    segments = [np.asarray(g.coords) for g in routes.geometry]
    # White casing under the coloured line keeps routes readable over roads and fills.
    ax.add_collection(
        LineCollection(
            segments, colors="white", linewidths=widths + page.pt(1.4), zorder=6, capstyle="round"
        )
    )
    ax.add_collection(
        LineCollection(
            segments, colors=colours, linewidths=widths, zorder=6.1, capstyle="round", gid="routes"
        )
    )


class _LabelPlacer:
    """Greedy label placement: try four corners, keep the one that overlaps least.

    Works in printed points from the map's lower-left corner. Label sizes are
    estimated from the character count (DejaVu Sans: ~0.6 em per character).
    """

    def __init__(self, ax: Axes) -> None:
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        width_pt = _axes_width_pt(ax)
        self.origin = (x0, y0)
        self.scale = width_pt / (x1 - x0)
        self.size = (width_pt, (y1 - y0) * self.scale)
        self.taken: list[tuple[float, float, float, float]] = []

    def _pt(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.origin[0]) * self.scale, (y - self.origin[1]) * self.scale

    def block(self, x: float, y: float, half: float) -> None:
        """Keep labels off a symbol of half-size ``half`` points at ``(x, y)``."""
        px, py = self._pt(x, y)
        self.taken.append((px - half, py - half, px + half, py + half))

    def _cost(self, box: tuple[float, float, float, float]) -> float:
        w, h = self.size
        outside = box[0] < 0 or box[1] < 0 or box[2] > w or box[3] > h
        overlap = sum(
            max(0.0, min(box[2], b[2]) - max(box[0], b[0]))
            * max(0.0, min(box[3], b[3]) - max(box[1], b[1]))
            for b in self.taken
        )
        return overlap + (1e9 if outside else 0.0)

    def place(self, x: float, y: float, text: str, fontsize: float, gap: float) -> dict[str, Any]:
        """Return ``annotate`` keyword arguments for the best corner around ``(x, y)``."""
        lines = text.split("\n")
        w = max(len(line) for line in lines) * 0.6 * fontsize + 4
        h = len(lines) * 1.25 * fontsize + 4
        px, py = self._pt(x, y)
        best: tuple[float, dict[str, Any], tuple[float, float, float, float]] | None = None
        for sx, sy in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
            left = px + gap if sx > 0 else px - gap - w
            bottom = py + gap if sy > 0 else py - gap - h
            box = (left, bottom, left + w, bottom + h)
            cost = self._cost(box)
            if best is None or cost < best[0]:
                kwargs = {
                    "xytext": (sx * gap, sy * gap),
                    "ha": "left" if sx > 0 else "right",
                    "va": "bottom" if sy > 0 else "top",
                }
                best = (cost, kwargs, box)
            if cost == 0:
                break
        assert best is not None
        self.taken.append(best[2])
        return best[1]


def _zone(ax: Axes, page: Page, zone: gpd.GeoDataFrame, lang: str, placer: _LabelPlacer) -> None:
    for status in carto.ZONE_COLOURS:
        part = zone[zone["status"] == status]
        if part.empty:
            continue
        colour = carto.zone_colour(status)
        add_polygons(ax, part.geometry, facecolor=colour, alpha=0.08, edgecolor="none", zorder=5)
        # Hatch colour follows the edge colour; a zero-width edge keeps only the hatch.
        add_polygons(
            ax,
            part.geometry,
            facecolor="none",
            edgecolor=colour,
            hatch=carto.ZONE_HATCH[status],
            linewidth=0,
            alpha=0.5,
            zorder=5.1,
        )
        add_lines(ax, part.geometry, color=colour, linewidth=page.pt(1.8), zorder=5.2)
    height = ax.get_ylim()[1] - ax.get_ylim()[0]
    for label, status, shape in zip(zone["label"], zone["status"], zone.geometry, strict=True):
        # Label the largest part below its bottom edge: routes leave zones outwards
        # towards the sites, and the inside holds origins and catchments.
        part = max(shapely.get_parts(shape), key=lambda p: p.area)
        minx, miny, maxx, _ = part.bounds
        status_text = zone_status_label(status, lang)
        text = f"{label}\n{status_text}" if label else status_text
        x, y = (minx + maxx) / 2, miny - 0.004 * height
        ax.text(
            x,
            y,
            text,
            ha="center",
            va="top",
            fontsize=page.pt(8),
            fontweight="bold",
            color=carto.zone_colour(status),
            bbox=label_box(),
            zorder=24,
        )
        placer.block(x, y - page.pt(10) / placer.scale, page.pt(12))


def _closures(ax: Axes, page: Page, closures: gpd.GeoDataFrame) -> bool:
    """Closed roads as a black bar on a yellow casing (polygons: their outline)."""
    if closures.empty:
        return False
    geoms = closures.geometry.to_numpy()
    add_lines(ax, geoms, color=carto.CLOSURE_CASING, linewidth=page.pt(5.5), zorder=6.4)
    add_lines(
        ax,
        geoms,
        color=carto.CLOSURE,
        linewidth=page.pt(2.5),
        linestyle=(0, (3, 1.5)),
        zorder=6.5,
        gid="closures",
    )
    return True


def _arrows(ax: Axes, page: Page, routes: gpd.GeoDataFrame) -> None:
    """Direction arrows on the busier route edges, pointing the way people drive."""
    for row in mapgeo.direction_arrows(routes).itertuples():
        # A triangle marker points up at 0 degrees; the angle is from east.
        ax.scatter(
            [row.geometry.x],
            [row.geometry.y],
            s=page.pt(60),
            marker=(3, 0, row.angle_deg - 90),
            color="#222222",
            edgecolor="white",
            linewidth=page.pt(0.5),
            zorder=6.3,
        )


def _points(ax: Axes, page: Page, plan: Plan) -> dict[str, bool]:
    """Kindergartens, single points of failure and safe exits (v2 layers), when present."""
    frames = {
        "kindergartens": plan.kindergartens,
        "single_points": mapgeo.single_points_of_failure(plan),
        "exits": plan.exits,
    }
    shown = {}
    for key, frame in frames.items():
        marker, size, face, edge = carto.PRINT_POINTS[key]
        shown[key] = not frame.empty
        if shown[key]:
            ax.scatter(
                frame.geometry.x,
                frame.geometry.y,
                s=page.pt(size),
                marker=marker,
                color=face,
                edgecolor=edge,
                linewidth=page.pt(0.8),
                zorder=7.5,
                gid=key,
            )
    return shown


def _bottleneck_labels(ax: Axes, page: Page, plan: Plan, lang: str, placer: _LabelPlacer) -> bool:
    """A ring on the very edge each bottleneck was measured on, with name and load."""
    bottlenecks = plan.summary["bottlenecks"][:_MAX_BOTTLENECK_LABELS]
    points = mapgeo.bottleneck_points(plan.routes, bottlenecks)
    for row in points.itertuples():
        x, y = row.geometry.x, row.geometry.y
        ax.scatter(
            [x],
            [y],
            s=page.pt(45),
            color="white",
            edgecolor=carto.BOTTLENECK,
            linewidth=page.pt(1.6),
            zorder=9,
            gid="bottlenecks",
        )
        label = f"{carto.road_label(row.name, row.highway, lang)}\n{row.load_ratio * 100:.0f} %"
        ax.annotate(
            label,
            (x, y),
            textcoords="offset points",
            fontsize=page.pt(7),
            fontweight="bold",
            color=carto.load_colour(float(row.load_ratio)),
            bbox=label_box(),
            **placer.place(x, y, label, page.pt(7), page.pt(9)),
            arrowprops={"arrowstyle": "-", "color": "#555555", "lw": page.pt(0.5)},
            zorder=25,
        )
    return not points.empty


def _street_names(ax: Axes, page: Page, routes: gpd.GeoDataFrame, placer: _LabelPlacer) -> None:
    """Names of the busiest named roads, along the road, where they do not cover a label."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for row in mapgeo.main_road_labels(routes).itertuples():
        x, y = row.geometry.x, row.geometry.y
        if not (x0 < x < x1 and y0 < y < y1):
            continue
        ax.text(
            x,
            y,
            row.name,
            fontsize=page.pt(6.5),
            style="italic",
            color="#222222",
            rotation=row.angle_deg,
            rotation_mode="anchor",
            ha="center",
            va="center",
            bbox=label_box(),
            zorder=23,
        )
        placer.block(x, y, page.pt(8))


def _evacuees(ax: Axes, page: Page, evacuees: gpd.GeoDataFrame) -> None:
    """Origins sized by people.

    Grey if assigned a site, green if going to a safe exit (own arrangements), a
    black cross if without a place or unreachable.
    """
    if evacuees.empty:
        return
    people = evacuees["people"].to_numpy(dtype=float)
    sizes = page.pt(4) + page.pt(40) * np.sqrt(people / max(people.max(), 1.0))
    status = evacuees["status"].astype(str).to_numpy()
    xs, ys = evacuees.geometry.x.to_numpy(), evacuees.geometry.y.to_numpy()
    for value, colour in (("assigned", carto.ORIGIN), ("own_arrangements", carto.EXIT)):
        ok = status == value
        ax.scatter(
            xs[ok],
            ys[ok],
            s=sizes[ok],
            color=colour,
            edgecolor="white",
            linewidth=page.pt(0.4),
            zorder=7,
            gid=f"origins:{value}",
        )
    rest = ~np.isin(status, ["assigned", "own_arrangements"])
    ax.scatter(
        xs[rest],
        ys[rest],
        s=page.pt(30),
        marker="x",
        color="black",
        linewidth=page.pt(1.3),
        zorder=7,
    )


def _crossed_site(
    ax: Axes, page: Page, x: float, y: float, name: str, marker: dict[str, Any]
) -> None:
    """An unavailable site: a grey square with a cross."""
    ax.scatter([x], [y], color="#d9d9d9", edgecolor=carto.UNAVAILABLE, gid=f"site:{name}", **marker)
    ax.scatter(
        [x], [y], s=page.pt(60), marker="x", color="#555555", linewidth=page.pt(1.2), zorder=8.1
    )


def _sites(
    ax: Axes,
    page: Page,
    sites: gpd.GeoDataFrame,
    colours: dict[str, str],
    lang: str,
    placer: _LabelPlacer,
) -> bool:
    """Site squares in their own colours, unavailable ones grey and crossed.

    Returns whether an unavailable site is on the map (for the legend).
    """
    marker = {"s": page.pt(90), "marker": "s", "linewidth": page.pt(0.8), "zorder": 8}
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    inside = sites.geometry.x.between(x0, x1) & sites.geometry.y.between(y0, y1)
    sites = sites.loc[inside]
    for point in sites.geometry:
        placer.block(point.x, point.y, page.pt(6))
    for row in sites.itertuples(index=False):
        x, y = row.geometry.x, row.geometry.y
        if row.available:
            colour = carto.site_colour(colours, row.name)
            ax.scatter([x], [y], color=colour, edgecolor="black", gid=f"site:{row.name}", **marker)
            label, text_colour, style = row.name, "black", "normal"
        else:
            _crossed_site(ax, page, x, y, str(row.name), marker)
            label = f"{row.name}\n({t('site.unavailable', lang)})"
            text_colour, style = "#666666", "italic"
        ax.annotate(
            label,
            (x, y),
            textcoords="offset points",
            fontsize=page.pt(7.5),
            fontweight="bold" if row.available else "normal",
            style=style,
            color=text_colour,
            bbox=label_box(),
            zorder=26,
            **placer.place(x, y, label, page.pt(7.5), page.pt(6)),
        )
    return not sites["available"].astype(bool).all()
