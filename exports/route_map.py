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

from exports.map_furniture import (
    draw_north_arrow,
    draw_scale_bar,
    fit_extent,
    scale_denominator,
)
from geo.settings import ATTRIBUTION
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
#: Zone colour and hatch per status (keys match planning.scenario.ZONE_STATUSES).
_ZONE_COLOURS = {
    "evakueringsordre": _ZONE,
    "bli_innendors": "#7b3294",
    "varsel": "#e66101",
    "opphevet": "#7f7f7f",
}
_ZONE_HATCH = {"evakueringsordre": "///", "bli_innendors": "\\\\\\", "varsel": "..", "opphevet": ""}
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
#: Site names longer than this are cut in the key figures so values stay clear.
_SITE_NAME_CHARS = 24
_MAX_BOTTLENECK_LABELS = 5
#: Half-width in metres of the land drawn under roads (see ``_land_corridors``).
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
    # parse_math off: user text such as "Øvelse $1" must print as typed, not as TeX.
    with mpl.rc_context(
        {
            "text.parse_math": False,
            "pdf.fonttype": 42,
            "font.family": "DejaVu Sans",
            "hatch.linewidth": 0.6,
        }
    ):
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
    oslo = ZoneInfo("Europe/Oslo")
    when = datetime.fromisoformat(raw) if raw else datetime.now(oslo)
    # Printed maps show local time; a plan may record its creation in UTC.
    when = when.astimezone(oslo) if when.tzinfo else when
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
    placer = _LabelPlacer(ax)
    _zone(ax, page, plan.zone, lang, placer)
    _routes(ax, page, plan)
    _evacuees(ax, page, plan.evacuees)
    _sites(ax, page, plan.sites, colours, lang, placer)
    _bottleneck_labels(ax, page, plan, placer)
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


def _label_box() -> dict[str, Any]:
    """White backing for map labels.

    A box rather than a stroked halo: path effects turn PDF text into outlines,
    and the text must stay real text (searchable, extractable).
    """
    return {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8}


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
    roads = layers.get("roads")
    roads = roads.clip(window) if roads is not None and not roads.empty else None
    if municipalities is None or municipalities.empty:
        ax.set_facecolor(_LAND)  # without land polygons we cannot tell sea from land
    else:
        ax.set_facecolor(_SEA)
        land = municipalities.clip(window)
        _add_polygons(ax, land.geometry, facecolor=_LAND, edgecolor="none", zorder=1)
        if roads is not None:
            _land_corridors(ax, roads)
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
    metres_per_point = (ax.get_xlim()[1] - ax.get_xlim()[0]) / (
        ax.get_position().width * ax.figure.get_figwidth() * 72
    )
    _add_lines(
        ax,
        roads.geometry,
        color=_LAND,
        linewidth=2 * _ROAD_LAND_M / metres_per_point,
        capstyle="round",
        joinstyle="round",
        zorder=1.1,
    )


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


def _zone(ax: Axes, page: _Page, zone: gpd.GeoDataFrame, lang: str, placer: _LabelPlacer) -> None:
    for status in _ZONE_COLOURS:
        part = zone[zone["status"] == status]
        if part.empty:
            continue
        colour = _ZONE_COLOURS[status]
        _add_polygons(ax, part.geometry, facecolor=colour, alpha=0.08, edgecolor="none", zorder=5)
        # Hatch colour follows the edge colour; a zero-width edge keeps only the hatch.
        _add_polygons(
            ax,
            part.geometry,
            facecolor="none",
            edgecolor=colour,
            hatch=_ZONE_HATCH[status],
            linewidth=0,
            alpha=0.5,
            zorder=5.1,
        )
        _add_lines(ax, part.geometry, color=colour, linewidth=page.pt(1.8), zorder=5.2)
    height = ax.get_ylim()[1] - ax.get_ylim()[0]
    for label, status, geom in zip(zone["label"], zone["status"], zone.geometry, strict=True):
        # Label the largest part below its bottom edge: routes leave zones outwards
        # towards the sites, and the inside holds origins and catchments.
        part = max(shapely.get_parts(geom), key=lambda p: p.area)
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
            color=_ZONE_COLOURS.get(status, _ZONE),
            bbox=_label_box(),
            zorder=24,
        )
        placer.block(x, y - page.pt(10) / placer.scale, page.pt(12))


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


def _bottleneck_labels(ax: Axes, page: _Page, plan: Any, placer: _LabelPlacer) -> None:
    routes = plan.routes
    for item in plan.summary.get("bottlenecks", [])[:_MAX_BOTTLENECK_LABELS]:
        rows = routes[routes["name"] == item["name"]]
        if rows.empty or not item["name"]:
            continue
        worst = rows.loc[rows["load_ratio"].idxmax()]
        point = worst.geometry.interpolate(0.5, normalized=True)
        label = f"{item['name']}\n{item['load_ratio'] * 100:.0f} %"
        ax.annotate(
            label,
            (point.x, point.y),
            textcoords="offset points",
            fontsize=page.pt(7),
            fontweight="bold",
            color=_load_colour(float(item["load_ratio"])),
            bbox=_label_box(),
            **placer.place(point.x, point.y, label, page.pt(7), page.pt(9)),
            arrowprops={"arrowstyle": "-", "color": "#555555", "lw": page.pt(0.5)},
            zorder=25,
        )


#: Evacuee statuses drawn as ordinary origins; the others (no reception place,
#: unreachable) get the "not assigned" cross.
_ON_THEIR_WAY = ("assigned", "own_arrangements")


def _evacuees(ax: Axes, page: _Page, evacuees: gpd.GeoDataFrame) -> None:
    if evacuees.empty:
        return
    people = evacuees["people"].to_numpy(dtype=float)
    sizes = page.pt(4) + page.pt(40) * np.sqrt(people / max(people.max(), 1.0))
    ok = evacuees["status"].isin(_ON_THEIR_WAY).to_numpy()
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


class _LabelPlacer:
    """Greedy label placement: try four corners, keep the one that overlaps least.

    Works in printed points from the map's lower-left corner. Label sizes are
    estimated from the character count (DejaVu Sans: ~0.6 em per character).
    """

    def __init__(self, ax: Axes) -> None:
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        width_pt = ax.get_position().width * ax.figure.get_figwidth() * 72
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

    def place(self, x: float, y: float, text: str, fontsize: float, gap: float) -> dict:
        """Return ``annotate`` keyword arguments for the best corner around ``(x, y)``."""
        lines = text.split("\n")
        w = max(len(line) for line in lines) * 0.6 * fontsize + 4
        h = len(lines) * 1.25 * fontsize + 4
        px, py = self._pt(x, y)
        best: tuple[float, dict, tuple[float, float, float, float]] | None = None
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


def _sites(
    ax: Axes,
    page: _Page,
    sites: gpd.GeoDataFrame,
    colours: dict[str, str],
    lang: str,
    placer: _LabelPlacer,
) -> None:
    marker = {"s": page.pt(90), "marker": "s", "linewidth": page.pt(0.8), "zorder": 8}
    for geom in sites.geometry:
        placer.block(geom.x, geom.y, page.pt(6))
    for row in sites.itertuples(index=False):
        x, y = row.geometry.x, row.geometry.y
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
        ax.annotate(
            label,
            (x, y),
            textcoords="offset points",
            fontsize=page.pt(7.5),
            fontweight="bold" if row.available else "normal",
            style=style,
            color=colour,
            bbox=_label_box(),
            zorder=26,
            **placer.place(x, y, label, page.pt(7.5), page.pt(6)),
        )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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

        for status in _ZONE_COLOURS:
            if (plan.zone["status"] == status).any():
                colour = _ZONE_COLOURS[status]
                label = t("legend.zone_status", lang, status=zone_status_label(status, lang))
                self.symbol_row(box("#fbeeee", colour, hatch=_ZONE_HATCH[status]), label)
        served = set(plan.catchments["site"])
        for site in [s for s in colours if s in served][:_MAX_LEGEND_SITES]:
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
        if not plan.sites["available"].all():
            self.symbol_row(
                marker("#d9d9d9", _UNAVAILABLE, "s", over="x"), t("legend.site_unavailable", lang)
            )
        self.symbol_row(marker("#333333", "white", "o", 25), t("legend.origin", lang))
        if (~plan.evacuees["status"].isin(_ON_THEIR_WAY)).any():
            self.symbol_row(marker("black", None, "x", 25), t("legend.not_assigned", lang))

    def figures(self, plan: Any, lang: str) -> None:
        summary = plan.summary
        people = lambda v: format_number(v, lang)  # noqa: E731
        self.heading(t("figures.title", lang))
        self.row(t("figures.evacuees", lang), people(summary.get("evacuees_total", 0)))
        self.row(t("figures.assigned", lang))
        assigned = summary.get("assigned", {})
        available = plan.sites[plan.sites["available"].astype(bool)]
        for row in available.head(_MAX_LEGEND_SITES).itertuples(index=False):
            value = t(
                "figures.site_row",
                lang,
                assigned=people(assigned.get(row.name, 0)),
                capacity=people(row.capacity),
            )
            if row.capacity_assumed:
                value += f" ({t('site.assumed', lang)})"
            self.row(_shorten(row.name, _SITE_NAME_CHARS), value, indent=3)
        if len(available) > _MAX_LEGEND_SITES:
            self.row(t("panel.more", lang, n=len(available) - _MAX_LEGEND_SITES), indent=3)
        if "own_arrangements" in summary:
            own = people(summary["own_arrangements"])
            self.row(t("figures.own_arrangements", lang), own)
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
        actors = plan.summary.get("responsible_actors", [])
        if not actors:
            return
        self.heading(t("actors.title", lang))
        # Names only, as many as fit above the footer; roles are in the plan itself.
        size = 7.0
        fits = int(self.y // (size * _PT_TO_MM * 1.35))
        shown = actors if len(actors) <= fits else actors[: max(fits - 1, 0)]
        chars = int(self.width / (size * _PT_TO_MM * 0.55))
        for actor in shown:
            self.row(f"• {_shorten(str(actor['name']), chars)}", size=size)
        if len(shown) < len(actors):
            self.row(t("panel.more", lang, n=len(actors) - len(shown)), size=size)
