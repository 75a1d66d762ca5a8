"""Printed atlas maps: the overview (zones by p90 clearance), the zone book and criticality.

Drawn with matplotlib only, on the region's own vector basemap, with the page
(title band, foot with attribution) of :mod:`exports.print_page`, the panel of
:mod:`exports.print_panel`, the frame, basemap and route drawing of
:mod:`exports.route_map`, the colours of :mod:`exports.cartography` and the
scale bar and north arrow of :mod:`exports.map_furniture`.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.collections import LineCollection

from exports import cartography as carto
from exports.map_furniture import draw_north_arrow, draw_scale_bar, fit_extent, scale_denominator
from exports.map_strings import t
from exports.print_page import (
    FOOTER_H,
    MARGIN,
    Page,
    footer,
    label_box,
    map_note,
    title_band,
)
from exports.print_panel import Panel
from exports.route_map import (
    GAP,
    PANEL_W,
    add_lines,
    add_polygons,
    draw_basemap,
    draw_routes,
    map_frame_mm,
)
from geo.settings import LOCAL_TZ
from planning.i18n import format_number, render

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

#: p90 clearance classes (upper bound in minutes, colour): ColorBrewer YlOrRd,
#: sequential and print-safe. Bounds follow the 30/60/90/120-minute marks
#: planners use for evacuation time estimates.
P90_CLASSES: tuple[tuple[float, str], ...] = (
    (30.0, "#ffffb2"),
    (60.0, "#fecc5c"),
    (90.0, "#fd8d3c"),
    (120.0, "#f03b20"),
    (math.inf, "#bd0026"),
)
NO_TIME = "#bdbdbd"
FAILED = "#636363"
#: Criticality colours: cuts people off (the overload/bottleneck red), raises p90,
#: little effect.
_CRIT = (carto.BOTTLENECK, "#ef8a62", "#999999")
_CRIT_LABELS = 8
# Type 42 embeds TrueType fonts (PDF text stays text); user text is never TeX.
_RC: dict[RcKeyType, Any] = {
    "text.parse_math": False,
    "pdf.fonttype": 42,
    "font.family": "DejaVu Sans",
}
#: Artists below this z-order are the basemap (land, roads; see route_map.draw_basemap).
_BASEMAP_TOP = 3.5
#: Zones listed on the overview page (the rest are in atlas.json and the GPKG).
_MAX_LISTED = 45
#: Resolution of the rasterised basemap in PDFs.
_PDF_DPI = 200


def p90_colour(p90: float | None, error: str = "") -> str:
    """Fill colour of a zone with clearance ``p90`` minutes (see :data:`P90_CLASSES`)."""
    if error:
        return FAILED
    if pd.isna(p90):
        return NO_TIME
    return next(colour for upper, colour in P90_CLASSES if p90 < upper)


def p90_legend(lang: str) -> list[tuple[str, str]]:
    """(label, colour) rows of the clearance legend."""
    rows, lower = [], 0.0
    for upper, colour in P90_CLASSES:
        label = f"{lower:.0f}–{upper:.0f}" if math.isfinite(upper) else f"≥ {lower:.0f}"
        rows.append((f"{label} min", colour))
        lower = upper
    return [*rows, (t("atlas.no_time", lang), NO_TIME), (t("atlas.failed", lang), FAILED)]


def _now(lang: str) -> str:
    when = datetime.now(LOCAL_TZ)
    return when.strftime("%d.%m.%Y kl. %H:%M" if lang == "nb" else "%Y-%m-%d %H:%M")


def _minutes(value: Any, lang: str) -> str:
    if pd.isna(value):
        return t("atlas.none", lang)
    return format_number(round(float(value)), lang)


def _map_axes(
    page: Page, bounds: tuple[float, float, float, float], layers: Mapping[str, Any]
) -> tuple[Axes, float]:
    """The map frame left of the panel, with basemap; returns it and its width (mm)."""
    map_w, map_h = map_frame_mm()
    ax = page.axes(MARGIN, MARGIN + FOOTER_H, map_w, map_h)
    minx, miny, maxx, maxy = fit_extent(bounds, map_w / map_h)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    draw_basemap(ax, page, layers, shapely.box(minx, miny, maxx, maxy))
    # The basemap (thousands of road paths) is drawn as an image inside the PDF:
    # a vector basemap makes every page take seconds to write, a zone book minutes.
    ax.set_rasterization_zorder(_BASEMAP_TOP)
    return ax, map_w


def _finish(ax: Axes, page: Page, map_w: float, lang: str) -> None:
    draw_scale_bar(ax, page.pt(6.5))
    draw_north_arrow(ax, t("map.north", lang), page.pt(9))
    denominator = scale_denominator(ax.get_xlim()[1] - ax.get_xlim()[0], map_w)
    footer(page, lang, map_note(lang, denominator))


def _panel(page: Page) -> Panel:
    map_w, map_h = map_frame_mm()
    ax = page.axes(MARGIN + map_w + GAP, MARGIN + FOOTER_H, PANEL_W, map_h)
    return Panel(ax, page, PANEL_W, map_h)


def _save(fig: Any, fmt: str, dpi: int, title: str) -> bytes:
    buffer = io.BytesIO()
    meta = {"Title": title, "Creator" if fmt == "pdf" else "Software": "evac-baerum"}
    fig.savefig(buffer, format=fmt, dpi=dpi, metadata=meta)
    return buffer.getvalue()


def render_overview(
    atlas: gpd.GeoDataFrame,
    layers: Mapping[str, Any],
    *,
    lang: str = "nb",
    fmt: str = "pdf",
    dpi: int = 200,
) -> bytes:
    """The overview map: every zone coloured by p90 clearance, numbered, with a zone list.

    Parameters
    ----------
    atlas
        :func:`planning.atlas.atlas_table` (EPSG:25832).
    layers
        Basemap layers (:func:`exports.bundle.basemap_layers`).
    """
    with mpl.rc_context(_RC):
        page = Page("A4")
        vintage = next((v for v in atlas["population_vintage"] if v), "")
        subtitle = t(
            "atlas.subtitle",
            lang,
            zones=len(atlas),
            residents=format_number(int(atlas["residents"].sum()), lang),
            vintage=vintage,
            when=_now(lang),
        )
        title_band(page, t("atlas.title", lang), subtitle)
        ax, map_w = _map_axes(page, tuple(atlas.total_bounds), layers)
        colours = [p90_colour(p, e) for p, e in zip(atlas["p90"], atlas["error"], strict=True)]
        for geom, colour in zip(atlas.geometry, colours, strict=True):
            add_polygons(ax, [geom], facecolor=colour, alpha=0.8, edgecolor="none", zorder=4)
        add_lines(ax, atlas.geometry, color="#333333", linewidth=page.pt(0.6), zorder=4.2)
        for i, geom in enumerate(atlas.geometry, start=1):
            p = geom.representative_point()
            ax.text(
                p.x,
                p.y,
                str(i),
                fontsize=page.pt(6),
                ha="center",
                va="center",
                bbox=label_box(),
                zorder=25,
            )
        _finish(ax, page, map_w, lang)
        _overview_panel(_panel(page), atlas, lang)
        return _save(page.fig, fmt, dpi, t("atlas.title", lang))


def _overview_panel(panel: Panel, atlas: gpd.GeoDataFrame, lang: str) -> None:
    """The p90 legend and the numbered zone list."""
    panel.heading(t("atlas.legend_p90", lang))
    for label, colour in p90_legend(lang):
        panel.symbol_row(panel.sym.box(colour, "#555555"), label)
    panel.gap()
    panel.heading(t("atlas.zones", lang))
    size = 6.5 if len(atlas) <= 40 else 5.0
    for i, row in enumerate(atlas.head(_MAX_LISTED).itertuples(), start=1):
        panel.row(f"{i}. {row.name}", f"{_minutes(row.p90, lang)} min", size=size)
    if len(atlas) > _MAX_LISTED:
        panel.row(t("atlas.more", lang, n=len(atlas) - _MAX_LISTED), size=size)


def _zone_page(
    row: Any,
    result: dict[str, Any],
    atlas: gpd.GeoDataFrame,
    layers: Mapping[str, Any],
    sites: gpd.GeoDataFrame,
    lang: str,
) -> Any:
    routes = result.get("routes")
    page = Page("A4")
    ident = t("atlas.zone_id", lang, id=row.zone_id, cells=row.n_cells)
    title_band(page, t("atlas.zone_page", lang, name=row.name), ident)
    used = sites[sites["name"].isin(str(row.reception_sites).split("; "))]
    frames = [np.array([row.geometry]), used.geometry.to_numpy()]
    if routes is not None and len(routes):
        frames.append(routes.geometry.to_numpy())
    bounds = tuple(shapely.total_bounds(np.concatenate(frames)))
    ax, map_w = _map_axes(page, bounds, layers)
    add_lines(ax, atlas.geometry, color="#777777", linewidth=page.pt(0.4), zorder=4)
    colour = p90_colour(row.p90, row.error)
    add_polygons(ax, [row.geometry], facecolor=colour, alpha=0.55, edgecolor="none", zorder=4.1)
    outline = carto.zone_colour("evakueringsordre")
    add_lines(ax, [row.geometry], color=outline, linewidth=page.pt(1.6), zorder=4.3)
    if routes is not None and len(routes):
        draw_routes(ax, page, routes)
    # Colours over the whole registry, so a site looks the same on every page and map.
    colours = carto.site_colours(sites)
    for site in used.itertuples():
        ax.scatter(
            [site.geometry.x],
            [site.geometry.y],
            s=page.pt(80),
            marker="s",
            color=carto.site_colour(colours, site.name),
            edgecolor="black",
            zorder=8,
        )
        ax.annotate(
            site.name,
            (site.geometry.x, site.geometry.y),
            xytext=(6, 6),
            textcoords="offset points",
            fontsize=page.pt(7),
            bbox=label_box(),
            zorder=26,
        )
    _finish(ax, page, map_w, lang)
    _zone_panel(_panel(page), row, result["figures"].get("actions") or [], lang)
    return page.fig


def _zone_panel(panel: Panel, row: Any, actions: list[dict[str, Any]], lang: str) -> None:
    none = t("atlas.none", lang)
    panel.heading(t("atlas.figures", lang))
    vintage = row.population_vintage or ""
    panel.row(t("atlas.residents", lang, vintage=vintage), format_number(int(row.residents), lang))
    if not pd.isna(row.kindergartens):
        panel.row(t("atlas.kindergartens", lang), str(int(row.kindergartens)))
    for key, a, b in (
        ("atlas.leave", row.leave_p50, row.leave_p90),
        ("atlas.arrive", row.p50, row.p90),
    ):
        panel.row(t(key, lang), t("atlas.minutes", lang, a=_minutes(a, lang), b=_minutes(b, lang)))
    if not pd.isna(row.p90_slow):
        value = t(
            "atlas.range_value",
            lang,
            slow=_minutes(row.p90_slow, lang),
            fast=_minutes(row.p90_fast, lang),
        )
        panel.row(t("atlas.range", lang), value)
    panel.row(t("atlas.unreachable", lang), format_number(int(row.unreachable), lang))
    panel.row(t("atlas.corridor", lang), str(row.corridor))
    panel.row(t("atlas.bottleneck", lang), str(row.bottleneck or none))
    for key, text in (("atlas.reception", row.reception_sites), ("atlas.exits", row.exits)):
        if text:
            panel.row(t(key, lang))
            panel.wrapped(str(text), indent=3)
    if row.error:
        panel.wrapped(t("atlas.error", lang, error=row.error))
    panel.gap()
    panel.heading(t("atlas.action_card", lang))
    for action in actions:
        what = render(action["what"], lang) if action.get("what") else ""
        panel.wrapped(f"{action.get('who_name', '')}: {what}", size=6.5)
    if row.rules_fired:
        panel.gap(2)
        panel.wrapped(f"{t('atlas.rules', lang)}: {row.rules_fired}", size=6.0)


def render_zone_book(
    atlas: gpd.GeoDataFrame,
    results: list[dict[str, Any]],
    layers: Mapping[str, Any],
    sites: gpd.GeoDataFrame,
    *,
    lang: str = "nb",
) -> bytes:
    """The zone book: one A4 page per zone (map, key figures, action card), as a PDF.

    ``results`` are the zones' job results (:func:`planning.batch.atlas_task`:
    figures with ``actions``, and ``routes``), in the order of ``atlas``.
    """
    buffer = io.BytesIO()
    with mpl.rc_context(_RC), PdfPages(buffer, metadata={"Title": t("atlas.title", lang)}) as pdf:
        for row, result in zip(atlas.itertuples(), results, strict=True):
            pdf.savefig(_zone_page(row, result, atlas, layers, sites, lang), dpi=_PDF_DPI)
    return buffer.getvalue()


def crit_colour(row: Any) -> str:
    """Red when a closure cuts people off, orange when it raises p90, grey otherwise."""
    if row.people_cut_off > 0:
        return _CRIT[0]
    rise = row.p90_increase
    return _CRIT[1] if not pd.isna(rise) and rise > 0 else _CRIT[2]


def render_criticality(
    ranked: gpd.GeoDataFrame,
    scenario_name: str,
    p90_before: float | None,
    layers: Mapping[str, Any],
    *,
    lang: str = "nb",
    fmt: str = "png",
    dpi: int = 150,
) -> bytes:
    """Map of the ranked links (see :func:`planning.criticality.rank_links`), top ones labelled."""
    with mpl.rc_context(_RC):
        page = Page("A4")
        subtitle = t("crit.subtitle", lang, name=scenario_name, p90=_minutes(p90_before, lang))
        title_band(page, t("crit.title", lang), subtitle)
        ax, map_w = _map_axes(page, tuple(ranked.total_bounds), layers)
        colours = [crit_colour(r) for r in ranked.itertuples()]
        widths = [page.pt(4.0 if c == _CRIT[0] else 2.5 if c == _CRIT[1] else 1.2) for c in colours]
        for geom, colour, width in list(zip(ranked.geometry, colours, widths, strict=True))[::-1]:
            parts = [np.asarray(g.coords) for g in shapely.get_parts(geom)]
            ax.add_collection(LineCollection(parts, colors=colour, linewidths=width, zorder=6))
        for row in ranked.head(_CRIT_LABELS).itertuples():
            p = shapely.line_interpolate_point(row.geometry, 0.5, normalized=True)
            ax.annotate(
                f"{row.rank}",
                (p.x, p.y),
                fontsize=page.pt(7),
                fontweight="bold",
                bbox=label_box(),
                zorder=26,
                ha="center",
                va="center",
            )
        _finish(ax, page, map_w, lang)
        panel = _panel(page)
        panel.heading(t("legend.title", lang))
        for key, colour in zip(
            ("crit.legend_cut", "crit.legend_rise", "crit.legend_other"), _CRIT, strict=True
        ):
            panel.symbol_row(panel.sym.box(colour, "#555555"), t(key, lang))
        panel.gap()
        panel.heading(t("crit.ranking", lang))
        for row in ranked.head(20).itertuples():
            if row.people_cut_off > 0:
                effect = t("crit.cut_off", lang, people=format_number(row.people_cut_off, lang))
            else:
                effect = t("crit.rise", lang, minutes=_minutes(row.p90_increase, lang))
            panel.row(f"{row.rank}. {carto.road_label(row.name, lang=lang)}", effect, size=6.5)
        return _save(page.fig, fmt, dpi, t("crit.title", lang))
