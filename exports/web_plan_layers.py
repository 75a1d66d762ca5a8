"""Plan layers of the web map, each a :class:`folium.FeatureGroup`.

Zone, catchments, routes (with direction arrows and main street names), closed
roads, safe exits, kindergartens, single points of failure, evacuees and
bottlenecks. Where things go comes from :mod:`planning.map_geometry`, how they
look from :mod:`exports.cartography`, the same as on the printed map.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import shape

from exports import cartography as carto
from exports.map_strings import t
from exports.web_common import (
    SIMPLIFY_M,
    Legend,
    esc,
    geojson_layer,
    group,
    label_marker,
    layer_name,
    popup,
    to_map_crs,
)
from geo.settings import WORK_CRS
from planning import map_geometry as geom
from planning.i18n import format_number, zone_status_label
from planning.summary_model import layer_reasons
from planning.zones import to_work

if TYPE_CHECKING:
    from planning.plan import Plan

#: Bottleneck label size in pixels (bold 11 px text, padding and border; see web_map's
#: CSS): a line is about 18 px tall, a character about 7 px wide, padding about 12 px.
LABEL_LINE_PX: Final = 20
LABEL_CHAR_PX: Final = 7.5
LABEL_PAD_PX: Final = 12


def zone_layer(plan: Plan, lang: str, legend: Legend) -> folium.FeatureGroup:
    """The zones, dashed in their status colour, with label and status."""
    out = to_map_crs(plan.zone, SIMPLIFY_M["plan"])
    statuses = out["status"].astype(str)
    out["style"] = [
        {
            "color": carto.zone_colour(s),
            "weight": 3,
            "dashArray": "8 5",
            "fillColor": carto.zone_colour(s),
            "fillOpacity": 0.12,
        }
        for s in statuses
    ]
    labels = [
        f"{lbl} ({zone_status_label(s, lang)})"
        for lbl, s in zip(out["label"], statuses, strict=True)
    ]
    out["popup"] = [popup(lbl) for lbl in labels]
    out["tip"] = [esc(lbl) for lbl in labels]
    for status in dict.fromkeys(statuses):
        legend.add(
            t("legend.zone_status", lang, status=zone_status_label(status, lang)),
            carto.zone_colour(status),
            dashed=True,
        )
    name = layer_name("zone", lang)
    return group(name, geojson_layer(out, name))


def pending_zone_layer(
    zones: list[tuple[str, dict[str, Any]]], lang: str, legend: Legend
) -> folium.GeoJson:
    """Zones drawn or loaded since the last plan: a dashed outline, "ikke beregnet"."""
    frame = gpd.GeoDataFrame(
        {"label": [label for label, _ in zones]},
        geometry=[to_work(shape(g)) for _, g in zones],
        crs=WORK_CRS,
    )
    out = to_map_crs(frame, SIMPLIFY_M["plan"])
    pending = t("legend.pending", lang)
    out["style"] = [
        {
            "color": carto.ZONE_PENDING,
            "weight": 3,
            "dashArray": "2 7",
            "fillColor": carto.ZONE_PENDING,
            "fillOpacity": 0.05,
        }
    ] * len(out)
    labels = [f"{label or t('layer.zone', lang)} ({pending})" for label in out["label"]]
    out["popup"] = [
        popup(label, [(t("popup.status", lang), t("popup.pending", lang))]) for label in labels
    ]
    out["tip"] = [esc(label) for label in labels]
    legend.add(t("legend.zone_pending", lang), carto.ZONE_PENDING, dashed=True)
    return geojson_layer(out, t("layer.pending", lang))


def catchment_layer(
    plan: Plan, colours: dict[str, str], lang: str, legend: Legend
) -> folium.FeatureGroup:
    """Catchments tinted in their site's colour, with people and split cells."""
    out = to_map_crs(plan.catchments, SIMPLIFY_M["plan"])
    out["style"] = [
        {
            "color": carto.site_colour(colours, s),
            "weight": 1,
            "fillColor": carto.site_colour(colours, s),
            "fillOpacity": 0.3,
        }
        for s in out["site"]
    ]
    split = out["split_cells"] > 0
    out["popup"] = [
        popup(
            t("legend.catchment", lang, site=s),
            [(t("popup.people", lang), format_number(p, lang))]
            + ([(t("popup.split", lang), "✓")] if sp else []),
        )
        for s, p, sp in zip(out["site"], out["people"], split, strict=True)
    ]
    out["tip"] = [esc(t("legend.catchment", lang, site=s)) for s in out["site"]]
    for site in dict.fromkeys(out["site"]):
        legend.add(t("legend.catchment", lang, site=site), carto.site_colour(colours, site))
    name = layer_name("catchments", lang)
    return group(name, geojson_layer(out, name))


def route_layer(plan: Plan, lang: str, legend: Legend) -> folium.FeatureGroup:
    """Loaded road edges (colour by load, width by people), arrows and main street names."""
    out = to_map_crs(plan.routes)
    most = max(float(out["people"].max()), 1.0) if len(out) else 1.0
    out["style"] = [
        {
            "color": carto.load_colour(r),
            "weight": round(2 + 8 * math.sqrt(p / most), 1),
            "opacity": 0.9,
        }
        for p, r in zip(out["people"], out["load_ratio"], strict=True)
    ]
    roads = _road_labels(out, lang)
    out["popup"] = [
        popup(
            road,
            [
                (t("popup.people", lang), format_number(p, lang)),
                (t("popup.vehicles", lang), format_number(v, lang)),
                (t("popup.capacity_vph", lang), format_number(c, lang)),
                (t("popup.load", lang), f"{r:.0%}"),
            ],
        )
        for road, p, v, c, r in zip(
            roads,
            out["people"],
            out["vehicles"],
            out["capacity_vph"],
            out["load_ratio"],
            strict=True,
        )
    ]
    out["tip"] = [esc(f"{road}: {r:.0%}") for road, r in zip(roads, out["load_ratio"], strict=True)]
    legend.add(t("legend.route_width", lang), "#555", "line")
    for _, colour, key in carto.LOAD_CLASSES:
        legend.add(t(key, lang), colour, "line")
    legend.add(t("legend.direction", lang), "#222", "arrow")
    name = layer_name("routes", lang)
    return group(name, geojson_layer(out, name), *_arrows(plan.routes), *_street_names(plan.routes))


def _arrows(routes: gpd.GeoDataFrame) -> list[folium.Marker]:
    arrows = to_map_crs(geom.direction_arrows(routes))
    # CSS turns clockwise; the angle is anticlockwise from east.
    return [
        label_marker(p.y, p.x, "➤", "evac-arrow", angle=-a, anchor=(7, 9))
        for a, p in zip(arrows["angle_deg"], arrows.geometry, strict=True)
    ]


def _street_names(routes: gpd.GeoDataFrame) -> list[folium.Marker]:
    names = to_map_crs(geom.main_road_labels(routes))
    return [
        label_marker(p.y, p.x, esc(n), "evac-street", angle=-a, anchor=(40, 16))
        for n, a, p in zip(names["name"], names["angle_deg"], names.geometry, strict=True)
    ]


def closure_layer(
    closures: gpd.GeoDataFrame, lang: str, legend: Legend
) -> folium.FeatureGroup | None:
    """Closed roads: black on yellow (computed) or grey dashed ("ikke beregnet")."""
    if closures.empty:
        return None
    out = to_map_crs(closures)
    styles, popups, tips = [], [], []
    for i, row in enumerate(out.itertuples()):
        label = carto.closure_label(row.label, i, lang)
        colour = carto.CLOSURE if row.computed else carto.CLOSURE_PENDING
        styles.append(
            {
                "color": colour,
                "weight": 5,
                "dashArray": "6 4",
                "fillColor": colour,
                "fillOpacity": 0.15,
            }
        )
        pairs: list[tuple[str, object]] = []
        if row.roads_cut:
            pairs.append((t("popup.roads_cut", lang), row.roads_cut))
        if row.length_m:
            pairs.append((t("popup.length", lang), f"{format_number(row.length_m, lang)} m"))
        if not row.computed:
            pairs.append((t("popup.status", lang), t("popup.pending", lang)))
        popups.append(popup(label, pairs))
        tips.append(esc(label))
    out["style"], out["popup"], out["tip"] = styles, popups, tips
    # A yellow casing under the black bar: the barrier look of the printed map.
    casing = out[["geometry"]].copy()
    casing["style"] = [
        {"color": carto.CLOSURE_CASING, "weight": 9, "opacity": 0.9, "fill": False}
        if c
        else {"color": "#ffffff", "weight": 8, "opacity": 0.7, "fill": False}
        for c in out["computed"]
    ]
    if out["computed"].any():
        legend.add(t("legend.closure", lang), carto.CLOSURE, "casing")
    if not out["computed"].all():
        legend.add(t("legend.closure_pending", lang), carto.CLOSURE_PENDING, "line", dashed=True)
    name = layer_name("closures", lang)
    return group(name, geojson_layer(casing, "casing", interactive=False), geojson_layer(out, name))


def point_layer(
    frame: gpd.GeoDataFrame,
    key: str,
    colour: str,
    lang: str,
    legend: Legend,
    fields: tuple[tuple[str, str], ...],
) -> folium.FeatureGroup | None:
    """Named points (exits, kindergartens, single points of failure) with a few fields."""
    if frame.empty:
        return None
    out = to_map_crs(frame)
    out["style"] = [
        {"radius": 7, "color": "#fff", "weight": 2, "fillColor": colour, "fillOpacity": 0.95}
    ] * len(out)
    legend_text = t(f"legend.{key}", lang)
    names = _road_labels(out, lang)
    out["popup"] = [
        popup(
            name,
            [(legend_text, "")]
            + [(t(label, lang), _value(row, column, lang)) for column, label in fields],
        )
        for name, (_, row) in zip(names, out.iterrows(), strict=True)
    ]
    out["tip"] = [esc(f"{legend_text}: {n}") for n in names]
    legend.add(legend_text, colour, "dot")
    name = layer_name(key + "s", lang)
    return group(name, geojson_layer(out, name, points=True))


def _road_labels(frame: pd.DataFrame, lang: str) -> list[str]:
    """Each row's road name, or its class in words for unnamed roads."""
    return [
        carto.road_label(n, h, lang)
        for n, h in zip(frame["name"], _column(frame, "highway"), strict=True)
    ]


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A text column, or empty strings when the frame has none."""
    if name in frame:
        return frame[name].fillna("").astype(str)
    return pd.Series("", index=frame.index)


def _value(row: pd.Series, column: str, lang: str) -> str:
    value = row.get(column)
    if isinstance(value, int | float) and not pd.isna(value):
        return format_number(value, lang)
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def evacuee_layer(
    plan: Plan, colours: dict[str, str], lang: str, legend: Legend, show: bool
) -> folium.FeatureGroup:
    """Origin groups sized by people, coloured by site (or by status when not assigned)."""
    out = to_map_crs(plan.evacuees)
    most = max(float(out["people"].max()), 1.0) if len(out) else 1.0
    reasons = layer_reasons(plan.summary, lang)
    styles, popups, tips = [], [], []
    for row in out.itertuples():
        status = str(row.status)
        colour = carto.EVACUEE_COLOURS.get(status, carto.site_colour(colours, row.site))
        styles.append(
            {
                "radius": round(3 + 7 * math.sqrt(row.people / most), 1),
                "color": "#222",
                "weight": 1,
                "fillColor": colour,
                "fillOpacity": 0.8,
            }
        )
        status_text = t(f"popup.evacuee_status.{status}", lang)
        pairs: list[tuple[str, object]] = [
            (t("popup.people", lang), format_number(row.people, lang)),
            (t("popup.status", lang), status_text),
        ]
        if row.site:
            pairs.append((t("legend.site", lang), row.site))
        if row.reason:
            pairs.append(("", reasons.get(row.reason, row.reason)))
        if pd.notna(row.travel_min):
            minutes = t("figures.minutes", lang, value=f"{row.travel_min:.0f}")
            pairs.append((t("popup.travel", lang), minutes))
        popups.append(popup(t("legend.origin", lang), pairs))
        tips.append(esc(f"{format_number(row.people, lang)} – {status_text}"))
    out["style"], out["popup"], out["tip"] = styles, popups, tips
    legend.add(t("legend.origin", lang), carto.ORIGIN, "dot")
    for status, colour in carto.EVACUEE_COLOURS.items():
        if (out["status"] == status).any():
            legend.add(t(f"legend.{status}_origin", lang), colour, "dot")
    name = layer_name("evacuees", lang)
    return group(name, geojson_layer(out, name, points=True), show=show)


def bottleneck_layer(plan: Plan, lang: str, legend: Legend) -> folium.FeatureGroup | None:
    """A ring and a name label on the very edge each listed bottleneck was measured on."""
    points = geom.bottleneck_points(plan.routes, plan.summary["bottlenecks"])
    if points.empty:
        return None
    out = to_map_crs(points)
    names = _road_labels(out, lang)
    out["style"] = [
        {
            "radius": 9,
            "color": carto.BOTTLENECK,
            "weight": 3,
            "fillColor": "#fff",
            "fillOpacity": 0.9,
        }
    ] * len(out)
    out["popup"] = [
        popup(
            name,
            [
                (t("popup.vehicles", lang), format_number(row.vehicles, lang)),
                (t("popup.capacity_vph", lang), format_number(row.capacity_vph, lang)),
                (t("popup.load", lang), f"{row.load_ratio:.0%}"),
            ],
        )
        for name, row in zip(names, out.itertuples(), strict=True)
    ]
    out["tip"] = [
        esc(f"{t('legend.bottleneck', lang)}: {n} ({r:.0%})")
        for n, r in zip(names, out["load_ratio"], strict=True)
    ]
    # Labels of nearby bottlenecks move down instead of printing over each other.
    widths = np.array([LABEL_CHAR_PX * len(n) + LABEL_PAD_PX for n in names])
    pushes = geom.label_pushes(points.geometry, widths, geom.plan_extent(plan), LABEL_LINE_PX)
    labels = [
        label_marker(p.y, p.x, esc(n), "evac-label", anchor=(-10, 8 - round(d)))
        for n, p, d in zip(names, out.geometry, pushes, strict=True)
    ]
    legend.add(t("legend.bottleneck", lang), carto.BOTTLENECK, "ring")
    name = layer_name("bottlenecks", lang)
    return group(name, geojson_layer(out, "markers", points=True), *labels)
