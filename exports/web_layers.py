"""Base layers of the web map: what the map shows before any plan.

Boundaries, roads, the road data's coverage, place names, population, actor
areas, points of interest and the reception sites as registered. Each builder
returns a :class:`folium.FeatureGroup` (or a list of them) and adds its rows to
the legend. Colours come from :mod:`exports.cartography`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

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
from geo.registry import Actor, Agreement
from planning.i18n import format_number, render
from planning.map_geometry import actor_faces
from planning.summary_model import ActorEntry, layer_reasons

if TYPE_CHECKING:
    from geo.region import Region
    from planning.plan import Plan

#: OSM highway classes per drawn road class: (key, classes, colour, weight).
ROAD_CLASSES: Final = (
    ("minor", None, "#c8c8c8", 1.0),
    ("medium", {"secondary", "secondary_link", "tertiary", "tertiary_link"}, "#f2b134", 2.0),
    ("major", {"motorway", "motorway_link", "trunk", "trunk_link", "primary"}, "#e8743b", 3.5),
)
#: Residents per cell: (lower bound, colour), ColorBrewer YlOrRd.
POPULATION_CLASSES: Final = (
    (1, "#ffffb2"),
    (10, "#fecc5c"),
    (50, "#fd8d3c"),
    (100, "#f03b20"),
    (250, "#bd0026"),
)
ACTOR_COLOURS: Final[dict[str, str]] = {
    "police": "#1f3a93",
    "fire": "#c0392b",
    "health": "#16a085",
    "county_governor": "#8e44ad",
    "municipality": "#d35400",
    "volunteer": "#e84393",
    "utility": "#f1c40f",
    "site": "#2980b9",
    "rescue_centre": "#2c3e50",
}


def boundary_layer(region: Region, lang: str, legend: Legend) -> folium.FeatureGroup:
    """Municipal borders: the home municipality bold, neighbours dashed."""
    gdf = to_map_crs(region.neighbours, SIMPLIFY_M["boundaries"])
    home = gdf["kommunenummer"] == region.home
    gdf["style"] = [
        {"color": "#222", "weight": 3, "fill": False}
        if h
        else {"color": "#666", "weight": 1.5, "dashArray": "6 4", "fill": False}
        for h in home
    ]
    legend.add(t("legend.boundary_home", lang), "#222", "line")
    legend.add(t("legend.boundary_other", lang), "#666", "line", dashed=True)
    name = layer_name("boundaries", lang)
    return group(name, geojson_layer(gdf, name, interactive=False))


def road_layer(region: Region, lang: str, legend: Legend) -> folium.FeatureGroup:
    """Drive edges merged per road class (one direction each), a few features in all."""
    edges = region.network("drive").edges
    pair = np.sort(edges[["u", "v"]].to_numpy(), axis=1)
    edges = edges.loc[~pd.DataFrame(pair).duplicated().to_numpy()]
    highway = edges["highway"].astype(str)
    others = set().union(*(c for _, c, _, _ in ROAD_CLASSES if c))
    rows = []
    for key, classes, colour, weight in ROAD_CLASSES:
        mask = ~highway.isin(others) if classes is None else highway.isin(classes)
        if mask.any():
            # Merging connected edges drops the repeated shared end points.
            geom = shapely.line_merge(shapely.multilinestrings(edges.geometry[mask].to_numpy()))
            rows.append(
                {"key": key, "style": {"color": colour, "weight": weight}, "geometry": geom}
            )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=edges.crs)
    legend.add(t("legend.roads", lang), ROAD_CLASSES[-1][2], "line")
    name = layer_name("roads", lang)
    return group(name, geojson_layer(to_map_crs(gdf, SIMPLIFY_M["roads"]), name, interactive=False))


def coverage_layer(region: Region, lang: str, legend: Legend) -> folium.FeatureGroup:
    """The area the road data covers, outlined and labelled at its top."""
    area = gpd.GeoDataFrame(geometry=[region.coverage], crs=region.municipalities.crs)
    gdf = to_map_crs(area, SIMPLIFY_M["boundaries"])
    gdf["style"] = [{"color": carto.COVERAGE, "weight": 2, "dashArray": "10 6", "fill": False}]
    text = t("legend.coverage", lang)
    legend.add(text, carto.COVERAGE, "line", dashed=True)
    top = gdf.geometry.iloc[0]
    minx, _, maxx, maxy = top.bounds
    name = layer_name("coverage", lang)
    label = label_marker(maxy, (minx + maxx) / 2, esc(text), "evac-coverage", anchor=(80, 22))
    return group(name, geojson_layer(gdf, name, interactive=False), label)


def place_name_layer(names: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    """Permanent place-name labels, bigger for a lower ``rank`` (1 town … 4 neighbourhood)."""
    gdf = to_map_crs(names)
    rank = gdf["rank"] if "rank" in gdf else pd.Series(2, index=gdf.index)
    labels = [
        label_marker(
            p.y, p.x, esc(n), f"evac-place evac-place-{min(max(int(r), 1), 4)}", anchor=(40, 8)
        )
        for n, p, r in zip(gdf["name"].astype(str), gdf.geometry, rank.fillna(2), strict=True)
    ]
    return group(layer_name("place_names", lang), *labels)


def poi_layer(
    gdf: gpd.GeoDataFrame, key: str, colour: str, lang: str, legend: Legend, show: bool = True
) -> folium.FeatureGroup:
    """Points of interest (hospitals, fire stations) as coloured dots with name popups."""
    out = to_map_crs(gdf)
    names = out["name"].fillna("").astype(str)
    out["style"] = [
        {"radius": 6, "color": "#333", "weight": 1, "fillColor": colour, "fillOpacity": 0.95}
    ] * len(out)
    label = layer_name(key, lang)
    service = out["service"] if "service" in out else pd.Series("", index=out.index)
    out["popup"] = [
        popup(n or label, [(t("popup.service", lang), s)] if s else [])
        for n, s in zip(names, service.fillna(""), strict=True)
    ]
    out["tip"] = [esc(n or label) for n in names]
    legend.add(t(f"legend.{key.removesuffix('s')}", lang), colour, "dot")
    return group(label, geojson_layer(out, label, points=True), show=show)


def shelter_layer(region: Region, lang: str, legend: Legend, show: bool) -> folium.FeatureGroup:
    """Public shelters with their number of places."""
    out = to_map_crs(region.shelters)
    out["style"] = [
        {"radius": 4, "color": "#333", "weight": 1, "fillColor": carto.SHELTER, "fillOpacity": 0.9}
    ] * len(out)
    out["popup"] = [
        popup(a, [(t("popup.places", lang), format_number(p, lang))])
        for a, p in zip(out["address"].fillna(""), out["places"], strict=True)
    ]
    out["tip"] = [esc(a) for a in out["address"].fillna("")]
    legend.add(t("legend.shelter", lang), carto.SHELTER, "dot")
    name = layer_name("shelters", lang)
    return group(name, geojson_layer(out, name, points=True), show=show)


def population_layer(region: Region, lang: str, legend: Legend, show: bool) -> folium.FeatureGroup:
    """Populated SSB cells in the home municipality, dissolved per class.

    One polygon per class instead of one per cell keeps the page small
    (thousands of cells would be several hundred kB).
    """
    cells = region.population
    vintage = region.population_vintage
    inside = cells.geometry.centroid.within(region.home_area) & (cells["population"] > 0)
    cells = cells.loc[inside]
    bounds = [b for b, _ in POPULATION_CLASSES]
    classes = np.digitize(cells["population"].to_numpy(), bounds) - 1
    rows = []
    legend.note(t("legend.population", lang, vintage=vintage))
    for i, (low, colour) in enumerate(POPULATION_CLASSES):
        label = f"{low}–{bounds[i + 1] - 1}" if i + 1 < len(bounds) else f"{low}+"
        legend.add(label, colour)
        members = cells.geometry[classes == i]
        if len(members):
            rows.append(
                {
                    "style": {"stroke": False, "fillColor": colour, "fillOpacity": 0.65},
                    "tip": esc(f"{label} · {t('legend.population', lang, vintage=vintage)}"),
                    # Cells come from UTM 33: their shared edges are slightly off a
                    # straight line in UTM 32, which a 2 m simplification removes.
                    "geometry": shapely.union_all(members.buffer(0.05).to_numpy()),
                }
            )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=cells.crs)
    name = layer_name("population", lang, vintage=vintage)
    return group(name, geojson_layer(to_map_crs(gdf, SIMPLIFY_M["plan"]), name), show=show)


def actor_layers(
    region: Region, actors: list[Actor], lang: str, legend: Legend, show: bool
) -> list[folium.FeatureGroup]:
    """One layer per actor kind; each face's popup lists every actor responsible there."""
    faces = actor_faces(region, actors)
    faces = faces.loc[faces["actors"].map(len) > 0]
    popups = [_actor_popup(here, lang) for here in faces["actors"]]
    groups = []
    for kind, colour in ACTOR_COLOURS.items():
        mask = np.array([any(a["kind"] == kind for a in here) for here in faces["actors"]])
        if not mask.any():
            continue
        name = t("layer.actors", lang, kind=t(f"actor_kind.{kind}", lang))
        gdf = to_map_crs(faces.loc[mask, ["geometry"]], SIMPLIFY_M["boundaries"])
        gdf["style"] = [
            {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.15}
        ] * len(gdf)
        gdf["popup"] = [p for p, keep in zip(popups, mask, strict=True) if keep]
        gdf["tip"] = esc(name)
        groups.append(group(name, geojson_layer(gdf, name), show=show))
        legend.add(name, colour)
    return groups


def _actor_popup(here: list[ActorEntry], lang: str) -> str:
    items = "".join(
        f"<li><b>{esc(a['name'])}</b> ({esc(t('actor_kind.' + a['kind'], lang))}): "
        f"{esc(render(a['role'], lang))} <i>{esc(render(a['why'], lang))}</i></li>"
        for a in here
    )
    return f"<b>{esc(t('popup.responsible_here', lang))}</b><ul>{items}</ul>"


def site_layer(
    frame: gpd.GeoDataFrame,
    colours: dict[str, str],
    agreements: list[Agreement],
    lang: str,
    legend: Legend,
    plan: Plan | None = None,
    registry: gpd.GeoDataFrame | None = None,
) -> folium.FeatureGroup:
    """Reception sites; with a plan, its availability and load, unavailable ones grey."""
    titles = {a.id: (a.title_nb if lang == "nb" else a.title_en) for a in agreements}
    source = registry if registry is not None else frame
    agreement_of = dict(zip(source["name"], source.get("agreement", ""), strict=True))
    out = to_map_crs(frame)
    reasons = layer_reasons(plan.summary, lang) if plan is not None else {}
    styles, popups, tips = [], [], []
    for row in out.itertuples():
        available = bool(getattr(row, "available", True))
        pairs = _site_pairs(row, titles, agreement_of.get(row.name, "") or "", lang)
        tip = str(row.name)
        if plan is not None:
            pairs.append((t("popup.assigned", lang), format_number(row.assigned, lang)))
        if not available:
            reason = t("site.unavailable_reason", lang, reason=reasons.get(row.reason, row.reason))
            pairs.append((t("popup.status", lang), reason))
            tip = f"{tip} – {reason}"
        styles.append(site_style(colours, row.name, available))
        popups.append(popup(str(row.name), pairs))
        tips.append(esc(tip))
    out["style"], out["popup"], out["tip"] = styles, popups, tips
    ok = out["available"].astype(bool) if "available" in out else pd.Series(True, out.index)
    available_names = set(out.loc[ok, "name"].astype(str))
    for name in colours:
        if name in available_names:
            legend.add(f"{t('legend.site', lang)}: {name}", colours[name], "dot")
    if plan is not None and not out["available"].all():
        legend.add(t("legend.site_unavailable", lang), carto.UNAVAILABLE, "dot")
    # With a plan the layer sits next to the registry's in the app: say which is which.
    name = layer_name("plan_sites" if plan is not None else "sites", lang)
    return group(name, geojson_layer(out, name, points=True))


def site_style(colours: dict[str, str], name: object, available: bool) -> dict[str, Any]:
    """Marker style of a site: its own colour, grey and dashed when unavailable."""
    return {
        "radius": 10,
        "color": "#111" if available else "#666",
        "weight": 2,
        "dashArray": None if available else "3 3",
        "fillColor": carto.site_colour(colours, name, available),
        "fillOpacity": 0.95 if available else 0.6,
    }


def _site_pairs(
    row: Any, titles: dict[str, str], agreement: str, lang: str
) -> list[tuple[str, object]]:
    capacity = format_number(row.capacity, lang)
    if bool(row.capacity_assumed):
        capacity = t("popup.capacity_assumed", lang, capacity=capacity)
    return [
        (t("popup.address", lang), row.address),
        (t("popup.capacity", lang), capacity),
        (
            t("popup.agreement", lang),
            titles.get(agreement, agreement) or t("popup.no_agreement", lang),
        ),
    ]
