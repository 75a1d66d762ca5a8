"""Printable evacuation route map (PDF or PNG) drawn with matplotlib only.

The page is landscape A4 or A3: a title band, the map on the left and a panel
with legend, key figures, zones and responsible actors on the right, attribution
at the foot. The basemap comes from the region's own vector data, so the map
renders offline. Everything is laid out in A4 millimetres and scaled for A3, so
both sizes look the same, only larger.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path
from matplotlib.patheffects import withStroke

from geo.settings import ATTRIBUTION
from planning.exports.map_furniture import (
    draw_north_arrow,
    draw_scale_bar,
    fit_extent,
    scale_denominator,
)
from planning.i18n import format_number, t, zone_status_label

#: Landscape paper sizes (width, height) in millimetres.
PAPER_MM: dict[str, tuple[float, float]] = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
FORMATS = ("pdf", "png")

_MM_PER_INCH = 25.4
_PT_TO_MM = 25.4 / 72
#: Site colours: qualitative, colour-blind friendly, no red (red means the zone).
_SITE_COLOURS = ("#1b9e77", "#7570b3", "#e6ab02", "#1f78b4", "#66a61e", "#a6761d", "#e7298a")
_UNAVAILABLE = "#8c8c8c"
_ZONE = "#d7191c"
_SEA = "#d6e8f2"
_LAND = "#f6f4ee"
_LOAD_CLASSES = (  # (upper load ratio, colour, legend key)
    (0.7, "#2c7bb6", "legend.load_ok"),
    (1.0, "#f39c12", "legend.load_high"),
    (math.inf, "#b2182b", "legend.load_over"),
)
#: Road drawing style per OSM highway class: (line width in pt, colour, z-order).
_ROAD_STYLE = {
    "motorway": (1.6, "#c9a06a", 3.3),
    "trunk": (1.4, "#c9a06a", 3.3),
    "primary": (1.2, "#b5b0a4", 3.2),
    "secondary": (1.0, "#b5b0a4", 3.2),
    "tertiary": (0.8, "#bdb8ad", 3.1),
}
_ROAD_DEFAULT = (0.35, "#cfcac0", 3.0)
_MAX_LEGEND_SITES = 6
_MAX_ACTORS = 8
_MAX_BOTTLENECK_LABELS = 5
#: Half-width in metres of the land corridor drawn under roads (see ``_land``).
_ROAD_LAND_M = 60.0

# Layout in A4 millimetres (origin lower left); scaled for larger paper.
_MARGIN = 10.0
_HEADER_H = 20.0
_FOOTER_H = 11.0
_PANEL_W = 82.0
_GAP = 5.0


def render_route_map(
    plan: Any,
    region_layers: Mapping[str, gpd.GeoDataFrame] | None = None,
    *,
    paper: str = "A4",
    lang: str = "nb",
    fmt: str = "pdf",
    dpi: int = 200,
) -> bytes:
    """Render ``plan`` as a printable landscape route map.

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
        ``"pdf"`` (vector, real text with embedded TrueType fonts) or ``"png"``.
    dpi
        Raster resolution for PNG (and for hatching in the PDF).

    Returns
    -------
    bytes
        The file content.

    Raises
    ------
    ValueError
        If ``paper`` or ``fmt`` is not supported.
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
    with mpl.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans", "hatch.linewidth": 0.6}):
        fig = _compose(plan, region_layers or {}, paper, lang)
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=_metadata(plan, fmt, lang))
    return buffer.getvalue()


def _metadata(plan: Any, fmt: str, lang: str) -> dict[str, str]:
    title = f"{t('map.title', lang)} – {plan.scenario.name}"
    if fmt == "pdf":
        return {"Title": title, "Creator": "evac-baerum"}
    return {"Title": title, "Software": "evac-baerum"}


class _Page:
    """Millimetre layout helper: A4 millimetres in, figure fractions out."""

    def __init__(self, paper: str) -> None:
        self.width, self.height = PAPER_MM[paper]
        self.k = self.width / PAPER_MM["A4"][0]
        self.fig = Figure(figsize=(self.width / _MM_PER_INCH, self.height / _MM_PER_INCH))
        FigureCanvasAgg(self.fig)

    def pt(self, size: float) -> float:
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


def _compose(plan: Any, layers: Mapping[str, gpd.GeoDataFrame], paper: str, lang: str) -> Figure:
    page = _Page(paper)
    a4_w, a4_h = PAPER_MM["A4"]
    colours = _site_colours(plan.sites)
    _header(page, plan, lang, a4_w, a4_h)
    map_w = a4_w - 2 * _MARGIN - _PANEL_W - _GAP
    map_h = a4_h - 2 * _MARGIN - _HEADER_H - _FOOTER_H
    ax = page.axes(_MARGIN, _MARGIN + _FOOTER_H, map_w, map_h)
    _draw_map(ax, page, plan, layers, colours, lang, map_w / map_h)
    denominator = scale_denominator(ax.get_xlim()[1] - ax.get_xlim()[0], map_w)
    panel = page.axes(_MARGIN + map_w + _GAP, _MARGIN + _FOOTER_H, _PANEL_W, map_h)
    _Panel(panel, page, _PANEL_W, map_h).fill(plan, colours, lang)
    _footer(page, lang, denominator, a4_w)
    return page.fig


def _site_colours(sites: gpd.GeoDataFrame) -> dict[str, str]:
    available = [n for n, ok in zip(sites["name"], sites["available"], strict=True) if ok]
    return {name: _SITE_COLOURS[i % len(_SITE_COLOURS)] for i, name in enumerate(available)}


def _created(plan: Any, lang: str) -> str:
    raw = plan.summary.get("created")
    when = datetime.fromisoformat(raw) if raw else datetime.now(ZoneInfo("Europe/Oslo"))
    return when.strftime("%d.%m.%Y kl. %H:%M" if lang == "nb" else "%Y-%m-%d %H:%M")


def _header(page: _Page, plan: Any, lang: str, width: float, height: float) -> None:
    top = height - _MARGIN
    page.text(_MARGIN, top, t("map.title", lang), fontsize=20, fontweight="bold", va="top")
    subtitle = f"{t('map.scenario', lang, name=plan.scenario.name)}   ·   " + t(
        "map.created", lang, when=_created(plan, lang)
    )
    page.text(_MARGIN, top - 10.5, subtitle, fontsize=10, va="top", color="#333333")
    if plan.scenario.exercise:
        page.text(
            width - _MARGIN,
            top - 1,
            t("map.exercise", lang),
            fontsize=20,
            fontweight="bold",
            color=_ZONE,
            ha="right",
            va="top",
            bbox={"boxstyle": "square,pad=0.35", "fc": "white", "ec": _ZONE, "lw": page.pt(2)},
        )
        page.text(
            width - _MARGIN,
            top - 13.5,
            t("map.exercise_note", lang),
            fontsize=7.5,
            color=_ZONE,
            ha="right",
            va="top",
        )
    line = page.axes(_MARGIN, height - _MARGIN - _HEADER_H + 3, width - 2 * _MARGIN, 0.01)
    line.axis("off")
    line.axhline(0.5, color="#333333", linewidth=page.pt(0.8))


def _footer(page: _Page, lang: str, denominator: int, width: float) -> None:
    y = _MARGIN + _FOOTER_H - 4
    scale = f"1 : {format_number(denominator, lang)}"
    page.text(_MARGIN, y, f"{t('map.attribution', lang)}: {ATTRIBUTION}", fontsize=6.5)
    page.text(
        _MARGIN,
        y - 3.6,
        f"{t('map.crs_note', lang)}   ·   {scale}",
        fontsize=6.5,
        color="#444444",
    )
    page.text(
        width - _MARGIN,
        y - 3.6,
        t("map.disclaimer", lang),
        fontsize=6.5,
        color="#444444",
        ha="right",
    )


def _plan_bounds(plan: Any) -> tuple[float, float, float, float]:
    frames = [plan.zone, plan.evacuees, plan.routes, plan.sites, plan.catchments]
    geoms = np.concatenate([f.geometry.to_numpy() for f in frames if len(f)])
    return tuple(shapely.total_bounds(geoms))


def _draw_map(
    ax: Axes,
    page: _Page,
    plan: Any,
    layers: Mapping[str, gpd.GeoDataFrame],
    colours: dict[str, str],
    lang: str,
    aspect: float,
) -> None:
    minx, miny, maxx, maxy = fit_extent(_plan_bounds(plan), aspect)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(page.pt(0.8))
    window = shapely.box(minx, miny, maxx, maxy)
    _basemap(ax, page, layers, window)
    _catchments(ax, page, plan.catchments, colours)
    _zone(ax, page, plan.zone, lang)
    _routes(ax, page, plan)
    _evacuees(ax, page, plan.evacuees)
    _sites(ax, page, plan.sites, colours, lang)
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
            color=_ZONE,
            alpha=0.13,
            rotation=28,
            ha="center",
            va="center",
            zorder=30,
        )


def _halo(page: _Page, width: float = 2.2) -> list[Any]:
    return [withStroke(linewidth=page.pt(width), foreground="white")]


def _add_polygons(ax: Axes, geoms: Any, **kwargs: Any) -> None:
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


def _add_lines(ax: Axes, geoms: Any, **kwargs: Any) -> None:
    """Draw (multi)linestrings, or polygon outlines, as one line collection."""
    geoms = np.asarray(geoms)
    is_polygon = shapely.get_type_id(geoms) >= 3
    geoms = np.where(is_polygon, shapely.boundary(geoms), geoms)
    coords, index = shapely.get_coordinates(shapely.get_parts(geoms), return_index=True)
    if len(coords):
        # One vectorised pass instead of a Python loop over (many) road parts.
        segments = np.split(coords, np.flatnonzero(np.diff(index)) + 1)
        ax.add_collection(LineCollection(segments, **kwargs))


def _basemap(
    ax: Axes, page: _Page, layers: Mapping[str, gpd.GeoDataFrame], window: shapely.Geometry
) -> None:
    municipalities = layers.get("municipalities")
    if municipalities is None or municipalities.empty:
        ax.set_facecolor(_LAND)  # without land polygons we cannot tell sea from land
    else:
        ax.set_facecolor(_SEA)
        land = municipalities.clip(window)
        _add_polygons(
            ax,
            _land(land, layers.get("roads"), window),
            facecolor=_LAND,
            edgecolor="none",
            zorder=1,
        )
        _add_lines(
            ax,
            land.geometry,
            color="#9a9384",
            linewidth=page.pt(0.7),
            linestyle=(0, (6, 2, 1, 2)),
            zorder=2,
        )
        if "kommunenavn" in land:
            _municipality_names(ax, page, land, window)
    roads = layers.get("roads")
    if roads is not None and not roads.empty:
        roads = roads.clip(window)
        highway = roads["highway"].astype(str) if "highway" in roads else None
        minor = ~highway.isin(list(_ROAD_STYLE)) if highway is not None else None
        _add_roads(ax, page, roads if minor is None else roads[minor], _ROAD_DEFAULT)
        if highway is not None:
            for cls, style in _ROAD_STYLE.items():
                _add_roads(ax, page, roads[highway == cls], style)


def _land(
    land: gpd.GeoDataFrame, roads: gpd.GeoDataFrame | None, window: shapely.Geometry
) -> list[shapely.Geometry]:
    """Land area: municipality polygons widened to cover the road network.

    Generalised municipal polygons cut off piers, islets and whole shorelines, so
    roads would run through the sea; the road corridors fill those gaps.
    """
    parts = list(land.geometry)
    if roads is not None and not roads.empty:
        corridors = shapely.buffer(roads.clip(window).geometry.to_numpy(), _ROAD_LAND_M)
        # Closing (grow, then shrink) fills the gaps between nearby corridors.
        closed = shapely.union_all(corridors).buffer(_ROAD_LAND_M).buffer(-_ROAD_LAND_M)
        parts.append(closed)
    return [shapely.union_all(parts)]


def _add_roads(
    ax: Axes, page: _Page, roads: gpd.GeoDataFrame, style: tuple[float, str, float]
) -> None:
    width, colour, z = style
    _add_lines(ax, roads.geometry, color=colour, linewidth=page.pt(width), zorder=z)


def _municipality_names(
    ax: Axes, page: _Page, land: gpd.GeoDataFrame, window: shapely.Geometry
) -> None:
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
    ax: Axes, page: _Page, catchments: gpd.GeoDataFrame, colours: dict[str, str]
) -> None:
    for site, geom in zip(catchments["site"], catchments.geometry, strict=True):
        colour = colours.get(site, _UNAVAILABLE)
        _add_polygons(ax, [geom], facecolor=colour, alpha=0.22, edgecolor="none", zorder=4)
        _add_lines(ax, [geom], color=colour, linewidth=page.pt(0.8), zorder=4.1)


def _zone(ax: Axes, page: _Page, zone: gpd.GeoDataFrame, lang: str) -> None:
    if zone.empty:
        return
    _add_polygons(ax, zone.geometry, facecolor=_ZONE, alpha=0.08, edgecolor="none", zorder=5)
    # Hatch colour follows the edge colour; a zero-width edge keeps only the hatch.
    _add_polygons(
        ax,
        zone.geometry,
        facecolor="none",
        edgecolor=_ZONE,
        hatch="///",
        linewidth=0,
        alpha=0.5,
        zorder=5.1,
    )
    _add_lines(ax, zone.geometry, color=_ZONE, linewidth=page.pt(1.8), zorder=5.2)
    for label, status, geom in zip(zone["label"], zone["status"], zone.geometry, strict=True):
        # Label the largest part, just inside its top edge, so it clears the routes.
        part = max(shapely.get_parts(geom), key=lambda p: p.area)
        minx, _, maxx, maxy = part.bounds
        ax.text(
            (minx + maxx) / 2,
            maxy,
            f"{label}\n{zone_status_label(status, lang)}"
            if label
            else zone_status_label(status, lang),
            ha="center",
            va="bottom",
            fontsize=page.pt(8),
            fontweight="bold",
            color=_ZONE,
            path_effects=_halo(page, 2.5),
            zorder=24,
        )


def _load_colour(ratio: float) -> str:
    return next(colour for upper, colour, _ in _LOAD_CLASSES if ratio < upper)


def _route_widths(people: np.ndarray) -> np.ndarray:
    """Line width in A4 points: 1.2 to 6 pt, by the square root of people (area-true)."""
    top = max(float(np.nanmax(people)), 1.0) if len(people) else 1.0
    return 1.2 + 4.8 * np.sqrt(np.clip(np.nan_to_num(people), 0, None) / top)


def _routes(ax: Axes, page: _Page, plan: Any) -> None:
    routes = plan.routes
    if routes.empty:
        return
    widths = page.pt(_route_widths(routes["people"].to_numpy(dtype=float)))
    colours = [_load_colour(float(r)) for r in routes["load_ratio"]]
    segments = [np.asarray(g.coords) for g in routes.geometry]
    # White casing under the coloured line keeps routes readable over roads and fills.
    ax.add_collection(
        LineCollection(
            segments, colors="white", linewidths=widths + page.pt(1.4), zorder=6, capstyle="round"
        )
    )
    ax.add_collection(
        LineCollection(segments, colors=colours, linewidths=widths, zorder=6.1, capstyle="round")
    )
    _bottleneck_labels(ax, page, plan)


def _bottleneck_labels(ax: Axes, page: _Page, plan: Any) -> None:
    routes = plan.routes
    for item in plan.summary.get("bottlenecks", [])[:_MAX_BOTTLENECK_LABELS]:
        rows = routes[routes["name"] == item["name"]]
        if rows.empty or not item["name"]:
            continue
        worst = rows.loc[rows["load_ratio"].idxmax()]
        point = worst.geometry.interpolate(0.5, normalized=True)
        ax.annotate(
            f"{item['name']}\n{item['load_ratio'] * 100:.0f} %",
            (point.x, point.y),
            xytext=(page.pt(10), page.pt(-4)),
            textcoords="offset points",
            fontsize=page.pt(7),
            fontweight="bold",
            color=_load_colour(float(item["load_ratio"])),
            ha="left",
            va="top",
            path_effects=_halo(page),
            arrowprops={"arrowstyle": "-", "color": "#555555", "lw": page.pt(0.5)},
            zorder=25,
        )


def _evacuees(ax: Axes, page: _Page, evacuees: gpd.GeoDataFrame) -> None:
    if evacuees.empty:
        return
    people = evacuees["people"].to_numpy(dtype=float)
    sizes = page.pt(4) + page.pt(40) * np.sqrt(people / max(people.max(), 1.0))
    ok = (evacuees["status"] == "assigned").to_numpy()
    xs, ys = evacuees.geometry.x.to_numpy(), evacuees.geometry.y.to_numpy()
    ax.scatter(
        xs[ok],
        ys[ok],
        s=sizes[ok],
        color="#333333",
        edgecolor="white",
        linewidth=page.pt(0.4),
        zorder=7,
    )
    ax.scatter(
        xs[~ok], ys[~ok], s=page.pt(30), marker="x", color="black", linewidth=page.pt(1.3), zorder=7
    )


def _label_offset(ax: Axes, x: float, y: float, placed: list[tuple[float, float]]) -> tuple:
    """Pick a label side so labels stay on the map and off their neighbours.

    Returns ``(dx, dy, ha, va)`` in A4 points; ``placed`` holds earlier anchors as
    axes fractions and is extended.
    """
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    fx, fy = (x - x0) / (x1 - x0), (y - y0) / (y1 - y0)
    right = fx < 0.78
    crowded = any(abs(fx - px) < 0.2 and abs(fy - py) < 0.06 for px, py in placed)
    placed.append((fx, fy))
    dx, ha = (7, "left") if right else (-7, "right")
    dy, va = (-5, "top") if crowded else (5, "bottom")
    return dx, dy, ha, va


def _sites(
    ax: Axes, page: _Page, sites: gpd.GeoDataFrame, colours: dict[str, str], lang: str
) -> None:
    placed: list[tuple[float, float]] = []
    for row in sites.sort_values("available", ascending=False).itertuples(index=False):
        x, y = row.geometry.x, row.geometry.y
        marker = {"s": page.pt(90), "marker": "s", "linewidth": page.pt(0.8), "zorder": 8}
        if row.available:
            ax.scatter([x], [y], color=colours[row.name], edgecolor="black", **marker)
            label, colour, style = row.name, "black", "normal"
        else:
            ax.scatter([x], [y], color="#d9d9d9", edgecolor=_UNAVAILABLE, **marker)
            ax.scatter(
                [x],
                [y],
                s=page.pt(60),
                marker="x",
                color="#555555",
                linewidth=page.pt(1.2),
                zorder=8.1,
            )
            label = f"{row.name}\n({t('site.unavailable', lang)})"
            colour, style = "#666666", "italic"
        dx, dy, ha, va = _label_offset(ax, x, y, placed)
        ax.annotate(
            label,
            (x, y),
            xytext=(page.pt(dx), page.pt(dy)),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=page.pt(7.5),
            fontweight="bold" if row.available else "normal",
            style=style,
            color=colour,
            path_effects=_halo(page),
            zorder=26,
        )


class _Panel:
    """Right-hand panel: legend, key figures, zones and actors, top to bottom.

    The panel axes' data units are A4 millimetres, so rows advance by font size.
    """

    def __init__(self, ax: Axes, page: _Page, width: float, height: float) -> None:
        self.ax, self.page, self.width = ax, page, width
        ax.set_xlim(0, width)
        ax.set_ylim(0, height)
        ax.axis("off")
        self.y = height

    def _advance(self, fontsize: float, factor: float = 1.35) -> float:
        self.y -= fontsize * _PT_TO_MM * factor
        return self.y

    def heading(self, text: str) -> None:
        y = self._advance(9.5, 1.2)
        self.ax.text(0, y, text, fontsize=self.page.pt(9.5), fontweight="bold", va="baseline")
        self.ax.plot([0, self.width], [y - 1.3, y - 1.3], color="#333333", lw=self.page.pt(0.5))
        self.y -= 2.8

    def row(self, left: str, right: str = "", *, indent: float = 0, size: float = 7.5) -> None:
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
        # DejaVu Sans averages about 0.55 em per character.
        chars = int((self.width - indent) / (size * _PT_TO_MM * 0.55))
        for line in textwrap.wrap(text, chars) or [""]:
            self.row(line, indent=indent, size=size)

    def symbol_row(self, draw: Any, label: str) -> None:
        y = self._advance(7.5, 1.75)
        draw(self.ax, 0.0, y - 0.6, 8.0, 3.2)
        self.ax.text(10.5, y, label, fontsize=self.page.pt(7.5), va="baseline")

    def gap(self, mm: float = 3.0) -> None:
        self.y -= mm

    def fill(self, plan: Any, colours: dict[str, str], lang: str) -> None:
        self.legend(plan, colours, lang)
        self.gap()
        self.figures(plan, lang)
        self.gap()
        self.zones(plan, lang)
        self.gap()
        self.actors(plan, lang)

    def legend(self, plan: Any, colours: dict[str, str], lang: str) -> None:
        pt = self.page.pt
        self.heading(t("legend.title", lang))

        def box(face: str, edge: str, alpha: float = 1.0, hatch: str | None = None) -> Any:
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
                        lw=pt(1.2),
                    )
                )

            return draw

        def line(colour: str, width: float) -> Any:
            def draw(ax: Axes, x: float, y: float, w: float, h: float) -> None:
                ax.plot(
                    [x, x + w], [y + h / 2] * 2, color=colour, lw=pt(width), solid_capstyle="round"
                )

            return draw

        def marker(
            face: str, edge: str | None, shape: str, size: float = 50, over: str = ""
        ) -> Any:
            def draw(ax: Axes, x: float, y: float, w: float, h: float) -> None:
                ax.scatter(
                    [x + w / 2],
                    [y + h / 2],
                    s=pt(size),
                    marker=shape,
                    color=face,
                    edgecolor=edge,
                    linewidth=pt(0.8 if edge else 1.3),
                )
                if over:
                    ax.scatter(
                        [x + w / 2],
                        [y + h / 2],
                        s=pt(35),
                        marker=over,
                        color="#555555",
                        linewidth=pt(1.1),
                    )

            return draw

        self.symbol_row(box("#fbe3e3", _ZONE, hatch="///"), t("legend.zone", lang))
        for site in list(colours)[:_MAX_LEGEND_SITES]:
            self.symbol_row(
                box(colours[site], colours[site], alpha=0.45),
                t("legend.catchment", lang, site=site),
            )
        if not plan.routes.empty:
            for _, colour, key in _LOAD_CLASSES:
                self.symbol_row(line(colour, 3.0), t(key, lang))
            self.wrapped(t("legend.route_width", lang), indent=10.5, size=6.5)
            self.gap(1.0)
        self.symbol_row(marker("#1b9e77", "black", "s"), t("legend.site", lang))
        self.symbol_row(
            marker("#d9d9d9", _UNAVAILABLE, "s", over="x"), t("legend.site_unavailable", lang)
        )
        self.symbol_row(marker("#333333", "white", "o", 25), t("legend.origin", lang))
        self.symbol_row(marker("black", None, "x", 25), t("legend.not_assigned", lang))

    def figures(self, plan: Any, lang: str) -> None:
        summary = plan.summary
        people = lambda v: format_number(v, lang)  # noqa: E731
        self.heading(t("figures.title", lang))
        self.row(t("figures.evacuees", lang), people(summary.get("evacuees_total", 0)))
        self.row(t("figures.assigned", lang))
        assigned = summary.get("assigned", {})
        for row in plan.sites.itertuples(index=False):
            if not row.available:
                continue
            value = t(
                "figures.site_row",
                lang,
                assigned=people(assigned.get(row.name, 0)),
                capacity=people(row.capacity),
            )
            if row.capacity_assumed:
                value += f" ({t('site.assumed', lang)})"
            self.row(f"{row.name}", value, indent=3)
        self.row(t("figures.unassigned", lang), people(summary.get("unassigned", 0)))
        self.row(t("figures.unreachable", lang), people(summary.get("unreachable", 0)))
        clearance = summary.get("clearance_minutes", {})
        for key, field in (("figures.clearance_p90", "p90"), ("figures.clearance_p100", "p100")):
            value = clearance.get(field)
            shown = (
                t("figures.minutes", lang, value=f"{value:.0f}")
                if value is not None and math.isfinite(value)
                else t("figures.not_available", lang)
            )
            self.row(t(key, lang), shown)

    def zones(self, plan: Any, lang: str) -> None:
        self.heading(t("zones.title", lang))
        for label, status in zip(plan.zone["label"], plan.zone["status"], strict=True):
            self.wrapped(f"{label or '–'}: {zone_status_label(status, lang)}", size=7.5)

    def actors(self, plan: Any, lang: str) -> None:
        self.heading(t("actors.title", lang))
        for actor in plan.summary.get("responsible_actors", [])[:_MAX_ACTORS]:
            self.wrapped(f"• {actor['name']} – {actor.get('role', '')}".rstrip(" –"), size=7.0)
