"""The interactive map: region layers, reception sites, actors and a plan, in folium.

Everything arrives in EPSG:25832 and is converted to lon/lat here, at the map
edge, after simplifying and rounding so the HTML stays small. Each layer is a
GeoJSON layer whose features carry their own ``style`` and pre-escaped
``popup``/``tip`` HTML: user text (zone labels, names, reasons) is escaped once,
in :func:`esc`, before it reaches the page.

The map shows a vector basemap drawn from the region's own data, so it is
useful with no tile server; OpenStreetMap tiles are a second base layer that a
user can switch on when the internet is reachable. :func:`build_map` finishes
with :func:`exports.offline.localize`, so no asset comes from a CDN.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, Protocol

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.plugins import Draw
from folium.template import Template
from folium.utilities import JsCode

from exports.map_strings import t
from exports.offline import AssetMode, localize
from geo.registry import Actor, Agreement, load_actors, load_agreements
from geo.settings import ATTRIBUTION, MAP_CRS
from planning.i18n import format_number, zone_status_label
from planning.responsibility import actors_at_point

#: Every layer :func:`build_map` can draw, bottom to top. Plan layers need a plan.
LAYERS: Final = (
    "population",
    "actors",
    "boundaries",
    "roads",
    "catchments",
    "zone",
    "routes",
    "evacuees",
    "bottlenecks",
    "shelters",
    "hospitals",
    "fire_stations",
    "sites",
)
PLAN_LAYERS: Final = frozenset({"zone", "catchments", "routes", "evacuees", "bottlenecks"})
#: Layers drawn but switched off until the user ticks them (busy or specialist).
HIDDEN_LAYERS: Final = frozenset({"population", "actors", "shelters", "evacuees"})

#: Simplification tolerance per layer in metres (EPSG:25832), before reprojection.
SIMPLIFY_M: Final[dict[str, float]] = {"boundaries": 25.0, "roads": 8.0, "plan": 2.0}
#: Decimal places of lon/lat in the HTML: 5 places is about 1 m.
COORD_DECIMALS: Final = 5
#: Margin around a framed plan: this share of its larger side, and at least FIT_PAD_MIN_M.
FIT_PAD_SHARE: Final = 0.12
FIT_PAD_MIN_M: Final = 300.0
#: Maps smaller than this (px) start with the legend folded, so it does not cover the zone.
LEGEND_OPEN_MIN_PX: Final = {"width": 700, "height": 700}

LAND: Final = "#f2efe9"
SEA: Final = "#b9d3e0"
UNAVAILABLE: Final = "#9e9e9e"
#: Catchment/site colours (ColorBrewer Set1 without red, which marks danger).
SITE_COLOURS: Final = ("#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf")
ZONE_COLOURS: Final[dict[str, str]] = {
    "evakueringsordre": "#d7191c",
    "varsel": "#fdae61",
    "bli_innendors": "#7b3294",
    "opphevet": "#777777",
}
#: Route load classes: (upper bound of load ratio, colour, legend key).
LOAD_CLASSES: Final = (
    (0.7, "#1a9641", "legend.load_ok"),
    (1.0, "#fdae61", "legend.load_high"),
    (math.inf, "#d7191c", "legend.load_over"),
)
#: Residents per cell: (lower bound, colour), ColorBrewer YlOrRd.
POPULATION_CLASSES: Final = (
    (1, "#ffffb2"),
    (10, "#fecc5c"),
    (50, "#fd8d3c"),
    (100, "#f03b20"),
    (250, "#bd0026"),
)
#: Origins that did not get a site; assigned origins take their site's colour.
EVACUEE_COLOURS: Final[dict[str, str]] = {"unreachable": "#000000", "unassigned": "#ff7f00"}
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
#: OSM highway classes per drawn road class: (classes, colour, weight).
ROAD_CLASSES: Final = (
    ("minor", None, "#c8c8c8", 1.0),
    ("medium", {"secondary", "secondary_link", "tertiary", "tertiary_link"}, "#f2b134", 2.0),
    ("major", {"motorway", "motorway_link", "trunk", "trunk_link", "primary"}, "#e8743b", 3.5),
)

# Binds each feature's own pre-escaped popup and tooltip HTML.
_BIND = JsCode(
    """function(feature, layer) {
        var p = feature.properties;
        if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 360}); }
        if (p.tip) { layer.bindTooltip(p.tip, {sticky: true}); }
    }"""
)


class PlanLike(Protocol):
    """The attributes of ``planning.plan.Plan`` the map reads (see ARCHITECTURE.md)."""

    scenario: Any
    zone: gpd.GeoDataFrame
    evacuees: gpd.GeoDataFrame
    catchments: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    summary: dict[str, Any]


def esc(value: object) -> str:
    """Escape text for HTML, also where folium puts it in a JavaScript template literal."""
    text = html.escape(str(value))
    return text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def _js_string(value: str) -> str:
    """A JavaScript string literal that cannot close the surrounding ``<script>``."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def plan_reasons(summary: dict[str, Any], lang: str) -> dict[str, str]:
    """The plan's English reasons (layers keep English) -> the summary's text in ``lang``.

    A summary without the bokmål texts (an older plan) leaves reasons in English.
    """
    if lang == "en":
        return {}
    pairs = dict(
        zip(
            summary.get("unreachable_reasons", {}),
            summary.get("unreachable_reasons_nb", {}),
            strict=False,
        )
    )
    pairs.update(
        {s["reason"]: s["reason_nb"] for s in summary.get("sites", []) if s.get("reason_nb")}
    )
    pairs[t("reason.no_free_capacity", "en")] = t("reason.no_free_capacity", lang)
    return pairs


def _to_map_crs(gdf: gpd.GeoDataFrame, simplify_m: float = 0.0) -> gpd.GeoDataFrame:
    """Simplify in metres, reproject to lon/lat and round the coordinates."""
    out = gdf.copy()
    if simplify_m:
        out["geometry"] = out.geometry.simplify(simplify_m, preserve_topology=True)
    out = out.to_crs(MAP_CRS)
    out["geometry"] = shapely.transform(
        out.geometry.to_numpy(), lambda xy: np.round(xy, COORD_DECIMALS)
    )
    return out


def _geojson_layer(
    gdf: gpd.GeoDataFrame,
    name: str,
    *,
    show: bool = True,
    points: bool = False,
    interactive: bool = True,
) -> folium.GeoJson:
    """A layer of features that carry ``style``, ``popup`` and ``tip`` properties."""
    keep = [c for c in ("style", "popup", "tip") if c in gdf.columns]
    data = gdf[[*keep, "geometry"]]
    return folium.GeoJson(
        json.loads(data.to_json(drop_id=True)),
        name=name,
        show=show,
        marker=folium.CircleMarker(radius=6, fill=True) if points else None,
        on_each_feature=_BIND if interactive else None,
        interactive=interactive,
    )


def _rows(pairs: Iterable[tuple[str, object]]) -> str:
    """Popup table rows; both label and value are escaped."""
    return "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in pairs)


def _popup(title: str, pairs: Iterable[tuple[str, object]] = ()) -> str:
    return f"<b>{esc(title)}</b><table class='evac-popup'>{_rows(pairs)}</table>"


def site_colours(names: Iterable[str]) -> dict[str, str]:
    """A stable colour per site name (sorted, so the same sites get the same colours)."""
    ordered = sorted({str(n) for n in names if n})
    return {n: SITE_COLOURS[i % len(SITE_COLOURS)] for i, n in enumerate(ordered)}


def _load_colour(ratio: float) -> str:
    return next(colour for bound, colour, _ in LOAD_CLASSES if ratio < bound)


def _population_colour(people: float) -> str:
    colour = POPULATION_CLASSES[0][1]
    for bound, c in POPULATION_CLASSES:
        if people >= bound:
            colour = c
    return colour


class _Legend:
    """Legend rows collected while layers are added, rendered as one Leaflet control."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.sections: list[list[str]] = []

    def section(self) -> None:
        """Start the rows of the next layer."""
        self.sections.append([])

    def add(self, label: str, colour: str, shape: str = "box", dashed: bool = False) -> None:
        border = "dashed" if dashed else "solid"
        styles = {
            "box": f"background:{colour}55;border:2px {border} {colour}",
            "line": f"height:0;border-top:4px {border} {colour};margin-top:7px",
            "dot": f"background:{colour};border-radius:50%;border:1px solid #333",
        }
        swatch = f"<span class='evac-swatch' style='{styles[shape]}'></span>"
        self.sections[-1].append(f"<div class='evac-row'>{swatch}{esc(label)}</div>")

    def note(self, text: str) -> None:
        self.sections[-1].append(f"<div class='evac-note'>{esc(text)}</div>")

    def html(self) -> str:
        title = esc(t("legend.title", self.lang))
        # Layers are added bottom to top; the legend reads top layer first.
        rows = "".join(row for section in reversed(self.sections) for row in section)
        return f"<details open><summary>{title}</summary>{rows}</details>"


class MapFurniture(MacroElement):
    """Legend, attribution, exercise banner and map styling, as Leaflet controls.

    Written as a script macro so streamlit-folium, which rebuilds the map from
    each element's script, shows it too.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
          .leaflet-container { background: {{ this.sea }}; }
          .evac-legend { background: rgba(255,255,255,0.93); padding: 6px 9px;
            border-radius: 5px; font: 12px/1.35 sans-serif; max-height: 45vh;
            overflow-y: auto; max-width: 270px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); }
          .evac-legend summary { font-weight: bold; cursor: pointer; }
          .evac-row { display: flex; align-items: flex-start; gap: 6px; margin: 2px 0; }
          .evac-swatch { display: inline-block; flex: 0 0 16px; width: 16px; height: 12px; }
          .evac-note { color: #555; font-style: italic; margin: 3px 0; }
          .evac-banner { position: absolute; top: 8px; left: 50%; transform: translateX(-50%);
            z-index: 1000; background: #c0392b; color: #fff; padding: 3px 16px;
            font: bold 18px sans-serif; letter-spacing: 2px; border-radius: 4px;
            pointer-events: none; text-align: center; box-shadow: 0 1px 4px rgba(0,0,0,.4); }
          .evac-banner small { display: block; font-size: 11px; letter-spacing: 0;
            font-weight: normal; }
          .evac-popup th { padding-right: 8px; text-align: left; font-weight: 600; }
          .evac-label-icon { background: none; border: none; }
          .evac-label { background: #fff; border: 1px solid #d7191c; color: #d7191c;
            font: bold 11px sans-serif; padding: 1px 4px; border-radius: 3px;
            white-space: nowrap; display: inline-block; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function(map) {
          map.attributionControl.addAttribution({{ this.attribution }});
          var legend = L.control({position: "bottomright"});
          legend.onAdd = function() {
            var div = L.DomUtil.create("div", "evac-legend");
            div.innerHTML = {{ this.legend }};
            // Folded on small maps (the app's), open on a full-page map; a click toggles it.
            var size = map.getSize();
            if (size.x < {{ this.open_min.width }} || size.y < {{ this.open_min.height }}) {
              div.querySelector("details").removeAttribute("open");
            }
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
          };
          legend.addTo(map);
          {% if this.banner %}
          var banner = L.DomUtil.create("div", "evac-banner", map.getContainer());
          banner.innerHTML = {{ this.banner }};
          {% endif %}
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, legend_html: str, attribution: str, banner_html: str = "") -> None:
        super().__init__()
        self._name = "MapFurniture"
        self.sea = SEA
        self.legend = _js_string(legend_html)
        self.open_min = LEGEND_OPEN_MIN_PX
        self.attribution = _js_string(esc(attribution))
        self.banner = _js_string(banner_html) if banner_html else ""


def build_map(
    region: Any,
    sites: gpd.GeoDataFrame,
    plan: PlanLike | None = None,
    *,
    lang: str = "nb",
    layers: Sequence[str] | None = None,
    assets: AssetMode = "served",
    basemap: str = "vector",
    actors: list[Actor] | None = None,
    agreements: list[Agreement] | None = None,
    draw: bool = True,
) -> folium.Map:
    """Build the interactive map with switchable layers, a legend and a Draw control.

    Parameters
    ----------
    region
        A :class:`geo.region.Region` (municipalities, population, POIs, networks).
    sites
        Reception sites from ``geo.registry.load_sites`` (EPSG:25832).
    plan
        A ``planning.plan.Plan``; adds the zone, catchments, routes, bottlenecks
        and evacuees, and site availability, and the ØVELSE banner if the
        scenario is an exercise.
    lang
        ``"nb"`` or ``"en"``.
    layers
        Layer keys from :data:`LAYERS` to draw; default all (plan layers only
        with a plan).
    assets
        ``"served"`` for the Streamlit app, ``"inline"`` for a standalone file
        (see :func:`exports.offline.localize`).
    basemap
        Base layer shown first: ``"vector"`` (offline) or ``"osm"`` (tiles,
        needs the internet).
    actors, agreements
        The registry's actors and agreements; loaded from ``data/shapes`` if omitted.
    draw
        Add the Draw control (polygon, rectangle, circle, polyline; edit, delete).

    Returns
    -------
    folium.Map
        With every asset pointing at local copies.
    """
    wanted = set(LAYERS if layers is None else layers)
    unknown = wanted - set(LAYERS)
    if unknown:
        msg = f"Unknown map layer(s) {', '.join(sorted(unknown))}: use {', '.join(LAYERS)}."
        raise ValueError(msg)
    if basemap not in ("vector", "osm"):
        msg = f"Unknown basemap {basemap!r}: use 'vector' or 'osm'."
        raise ValueError(msg)
    if plan is None:
        wanted -= PLAN_LAYERS
    actors = load_actors() if actors is None else actors
    agreements = load_agreements() if agreements is None else agreements

    m = folium.Map(tiles=None, control_scale=True, zoom_start=12, location=[59.9, 10.55])
    _add_basemaps(m, region, lang, basemap)
    legend = _Legend(lang)
    if draw:
        legend.section()
        legend.note(t("legend.draw", lang))
    colours = site_colours(plan.sites["name"] if plan is not None else sites["name"])
    builders: dict[str, Callable[[], folium.Element | None]] = {
        "population": lambda: _population_layer(region, lang, legend),
        "actors": lambda: _actor_layers(m, region, actors, lang, legend),
        "boundaries": lambda: _boundary_layer(region, lang, legend),
        "roads": lambda: _road_layer(region, lang, legend),
        "catchments": lambda: _catchment_layer(plan, colours, lang, legend),
        "zone": lambda: _zone_layer(plan, lang, legend),
        "routes": lambda: _route_layer(plan, lang, legend),
        "evacuees": lambda: _evacuee_layer(plan, colours, lang, legend),
        "bottlenecks": lambda: _bottleneck_layer(plan, lang, legend),
        "shelters": lambda: _shelter_layer(region, lang, legend),
        "hospitals": lambda: _poi_layer(region.hospitals, "hospitals", "#e31a1c", lang, legend),
        "fire_stations": lambda: _poi_layer(
            region.fire_stations, "fire_stations", "#ff7f00", lang, legend
        ),
        "sites": lambda: _site_layer(sites, plan, colours, agreements, lang, legend),
    }
    for key in LAYERS:
        if key in wanted:
            legend.section()
            layer = builders[key]()
            if layer is not None:
                layer.add_to(m)

    if draw:
        Draw(
            position="topleft",
            show_geometry_on_click=False,
            draw_options={
                "polyline": {"shapeOptions": {"color": "#d7191c"}},
                "polygon": {"allowIntersection": False, "shapeOptions": {"color": "#d7191c"}},
                "rectangle": {"shapeOptions": {"color": "#d7191c"}},
                "circle": {"shapeOptions": {"color": "#d7191c"}},
                "marker": False,
                "circlemarker": False,
            },
            # Leaflet.draw's edit toolbar has edit and delete unless turned off.
            edit_options={"poly": {"allowIntersection": False}},
        ).add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    banner = ""
    if plan is not None and plan.scenario.exercise:
        banner = f"{esc(t('map.exercise', lang))}<small>{esc(t('map.exercise_note', lang))}</small>"
    MapFurniture(legend.html(), ATTRIBUTION, banner).add_to(m)
    _fit(m, region, plan)
    localize(m, assets)
    return m


def plan_bounds(plan: PlanLike) -> tuple[float, float, float, float]:
    """Lon/lat bounds (west, south, east, north) that frame a plan.

    The zone and the sites that receive people, with a margin: an available
    site nobody goes to (a hotel kilometres off the network) would otherwise
    squeeze the zone into a corner.
    """
    receiving = plan.sites.loc[plan.sites["assigned"] > 0]
    parts = [g for g in (plan.zone.geometry, receiving.geometry) if len(g)]
    minx, miny, maxx, maxy = shapely.bounds(
        shapely.union_all([shapely.envelope(shapely.union_all(g.to_numpy())) for g in parts])
    )
    pad = max(FIT_PAD_MIN_M, FIT_PAD_SHARE * max(maxx - minx, maxy - miny))
    frame = shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad)
    west, south, east, north = (
        gpd.GeoSeries([frame], crs=plan.zone.crs).to_crs(MAP_CRS).total_bounds
    )
    return float(west), float(south), float(east), float(north)


def _fit(m: folium.Map, region: Any, plan: PlanLike | None) -> None:
    """Frame the plan (:func:`plan_bounds`), or the home municipality without a plan."""
    if plan is not None and len(plan.zone):
        west, south, east, north = plan_bounds(plan)
    else:
        home = gpd.GeoSeries([region.home_area], crs=region.municipalities.crs)
        west, south, east, north = home.to_crs(MAP_CRS).total_bounds
    m.fit_bounds(np.round([[south, west], [north, east]], COORD_DECIMALS).tolist())


def _add_basemaps(m: folium.Map, region: Any, lang: str, basemap: str) -> None:
    """Offline vector land polygons, and OSM tiles as the alternative base layer."""
    land = _to_map_crs(region.neighbours[["geometry"]], SIMPLIFY_M["boundaries"])
    land["style"] = [{"stroke": False, "fillColor": LAND, "fillOpacity": 1.0}] * len(land)
    group = folium.FeatureGroup(
        name=t("layer.basemap", lang), overlay=False, show=basemap == "vector"
    )
    _geojson_layer(land, "land", interactive=False).add_to(group)
    group.add_to(m)
    folium.TileLayer(
        "OpenStreetMap",
        name=t("layer.osm", lang),
        overlay=False,
        show=basemap == "osm",
        attr="© OpenStreetMap contributors",
    ).add_to(m)


def _boundary_layer(region: Any, lang: str, legend: _Legend) -> folium.GeoJson:
    gdf = _to_map_crs(region.neighbours, SIMPLIFY_M["boundaries"])
    home = gdf["kommunenummer"] == region.home
    gdf["style"] = [
        {"color": "#222", "weight": 3, "fill": False}
        if h
        else {"color": "#666", "weight": 1.5, "dashArray": "6 4", "fill": False}
        for h in home
    ]
    legend.add(t("legend.boundary_home", lang), "#222", "line")
    legend.add(t("legend.boundary_other", lang), "#666", "line", dashed=True)
    return _geojson_layer(gdf, t("layer.boundaries", lang), interactive=False)


def _road_layer(region: Any, lang: str, legend: _Legend) -> folium.GeoJson:
    """Drive edges merged per road class (one direction each), a few features in all."""
    edges = region.network("drive").edges
    pair = np.sort(edges[["u", "v"]].to_numpy(), axis=1)
    edges = edges.loc[~pd.DataFrame(pair).duplicated().to_numpy()]
    highway = edges["highway"].astype(str)
    rows = []
    for key, classes, colour, weight in ROAD_CLASSES:
        if classes is None:
            others = set().union(*(c for _, c, _, _ in ROAD_CLASSES if c))
            mask = ~highway.isin(others)
        else:
            mask = highway.isin(classes)
        if mask.any():
            # Merging connected edges drops the repeated shared end points.
            geom = shapely.line_merge(shapely.multilinestrings(edges.geometry[mask].to_numpy()))
            rows.append(
                {"key": key, "style": {"color": colour, "weight": weight}, "geometry": geom}
            )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=edges.crs)
    legend.add(t("legend.roads", lang), ROAD_CLASSES[-1][2], "line")
    return _geojson_layer(
        _to_map_crs(gdf, SIMPLIFY_M["roads"]), t("layer.roads", lang), interactive=False
    )


def _population_layer(region: Any, lang: str, legend: _Legend) -> folium.GeoJson:
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
    return _geojson_layer(
        _to_map_crs(gdf, SIMPLIFY_M["plan"]),
        t("layer.population", lang, vintage=vintage),
        show="population" not in HIDDEN_LAYERS,
    )


def actor_faces(region: Any, actors: list[Actor]) -> gpd.GeoDataFrame:
    """Split the map into faces with one set of responsible actors each.

    Municipal borders bound the municipality and county areas; polygon areas cut
    the municipalities further. Who is responsible on a face is decided by
    :func:`planning.responsibility.actors_at_point`, as for a clicked point.

    Returns
    -------
    GeoDataFrame
        ``actors`` (list of that function's records) and the face, EPSG:25832,
        clipped to the region's context bounds.
    """
    view = shapely.box(*region.context_bounds)
    faces = [g for g in region.neighbours.geometry.intersection(view) if not g.is_empty]
    for polygon in (a.area.polygon for a in actors if a.area.polygon is not None):
        faces = [
            part
            for face in faces
            for part in (face.intersection(polygon), face.difference(polygon))
            if not part.is_empty
        ]
    rows = [
        {
            "actors": actors_at_point(
                face.representative_point(), region.municipalities, region.counties, actors
            ),
            "geometry": face,
        }
        for face in faces
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=region.municipalities.crs)


def _actor_layers(
    m: folium.Map, region: Any, actors: list[Actor], lang: str, legend: _Legend
) -> None:
    """One layer per actor kind; each face's popup lists every actor responsible there."""
    faces = actor_faces(region, actors)
    faces = faces.loc[faces["actors"].map(len) > 0]
    popups = [_actor_popup(here, lang) for here in faces["actors"]]
    for kind, colour in ACTOR_COLOURS.items():
        mask = np.array([any(a["kind"] == kind for a in here) for here in faces["actors"]])
        if not mask.any():
            continue
        name = t("layer.actors", lang, kind=t(f"actor_kind.{kind}", lang))
        gdf = _to_map_crs(faces.loc[mask, ["geometry"]], SIMPLIFY_M["boundaries"])
        gdf["style"] = [
            {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.15}
        ] * len(gdf)
        gdf["popup"] = [p for p, keep in zip(popups, mask, strict=True) if keep]
        gdf["tip"] = esc(name)
        _geojson_layer(gdf, name, show="actors" not in HIDDEN_LAYERS).add_to(m)
        legend.add(name, colour)


def _actor_popup(here: list[dict[str, str]], lang: str) -> str:
    role, why = ("role", "why_nb") if lang == "nb" else ("role_en", "why_en")
    items = "".join(
        f"<li><b>{esc(a['name'])}</b> ({esc(t('actor_kind.' + a['kind'], lang))}): "
        f"{esc(a[role])} <i>{esc(a[why])}</i></li>"
        for a in here
    )
    return f"<b>{esc(t('popup.responsible_here', lang))}</b><ul>{items}</ul>"


def _poi_layer(
    gdf: gpd.GeoDataFrame, key: str, colour: str, lang: str, legend: _Legend
) -> folium.GeoJson:
    out = _to_map_crs(gdf)
    names = out["name"].fillna("").astype(str)
    out["style"] = [
        {"radius": 6, "color": "#333", "weight": 1, "fillColor": colour, "fillOpacity": 0.95}
    ] * len(out)
    label = t(f"layer.{key}", lang)
    service = out["service"] if "service" in out else pd.Series("", index=out.index)
    out["popup"] = [
        _popup(n or label, [(t("popup.service", lang), s)] if s else [])
        for n, s in zip(names, service.fillna(""), strict=True)
    ]
    out["tip"] = [esc(n or label) for n in names]
    legend.add(t(f"legend.{key.removesuffix('s')}", lang), colour, "dot")
    return _geojson_layer(out, label, show=key not in HIDDEN_LAYERS, points=True)


def _shelter_layer(region: Any, lang: str, legend: _Legend) -> folium.GeoJson:
    out = _to_map_crs(region.shelters)
    out["style"] = [
        {"radius": 4, "color": "#333", "weight": 1, "fillColor": "#6a3d9a", "fillOpacity": 0.9}
    ] * len(out)
    out["popup"] = [
        _popup(a, [(t("popup.places", lang), format_number(p, lang))])
        for a, p in zip(out["address"].fillna(""), out["places"], strict=True)
    ]
    out["tip"] = [esc(a) for a in out["address"].fillna("")]
    legend.add(t("legend.shelter", lang), "#6a3d9a", "dot")
    return _geojson_layer(
        out, t("layer.shelters", lang), show="shelters" not in HIDDEN_LAYERS, points=True
    )


def _site_layer(
    sites: gpd.GeoDataFrame,
    plan: PlanLike | None,
    colours: dict[str, str],
    agreements: list[Agreement],
    lang: str,
    legend: _Legend,
) -> folium.GeoJson:
    """Reception sites; with a plan, its availability and load, unavailable ones grey."""
    titles = {a.id: (a.title_nb if lang == "nb" else a.title_en) for a in agreements}
    agreement_of = dict(zip(sites["name"], sites.get("agreement", ""), strict=True))
    frame = plan.sites if plan is not None else sites
    out = _to_map_crs(frame)
    reasons = plan_reasons(plan.summary, lang) if plan is not None else {}
    styles, popups, tips = [], [], []
    for row in out.itertuples():
        available = bool(getattr(row, "available", True))
        capacity = format_number(row.capacity, lang)
        if bool(row.capacity_assumed):
            capacity = t("popup.capacity_assumed", lang, capacity=capacity)
        agreement = agreement_of.get(row.name, "") or ""
        pairs: list[tuple[str, object]] = [
            (t("popup.address", lang), row.address),
            (t("popup.capacity", lang), capacity),
            (
                t("popup.agreement", lang),
                titles.get(agreement, agreement) or t("popup.no_agreement", lang),
            ),
        ]
        tip = str(row.name)
        if plan is not None:
            pairs.append((t("popup.assigned", lang), format_number(row.assigned, lang)))
        if not available:
            why = reasons.get(row.reason, row.reason)
            reason = t("site.unavailable_reason", lang, reason=why)
            pairs.append((t("popup.status", lang), reason))
            tip = f"{tip} – {reason}"
        colour = colours.get(str(row.name), SITE_COLOURS[0]) if available else UNAVAILABLE
        styles.append(
            {
                "radius": 10,
                "color": "#111" if available else "#666",
                "weight": 2,
                "dashArray": None if available else "3 3",
                "fillColor": colour,
                "fillOpacity": 0.95 if available else 0.6,
            }
        )
        popups.append(_popup(str(row.name), pairs))
        tips.append(esc(tip))
    out["style"], out["popup"], out["tip"] = styles, popups, tips
    legend.add(t("legend.site", lang), SITE_COLOURS[0], "dot")
    if plan is not None and not out["available"].all():
        legend.add(t("legend.site_unavailable", lang), UNAVAILABLE, "dot")
    return _geojson_layer(out, t("layer.sites", lang), points=True)


def _zone_layer(plan: PlanLike, lang: str, legend: _Legend) -> folium.GeoJson:
    out = _to_map_crs(plan.zone, SIMPLIFY_M["plan"])
    statuses = out["status"].astype(str)
    out["style"] = [
        {
            "color": ZONE_COLOURS.get(s, "#d7191c"),
            "weight": 3,
            "dashArray": "8 5",
            "fillColor": ZONE_COLOURS.get(s, "#d7191c"),
            "fillOpacity": 0.12,
        }
        for s in statuses
    ]
    labels = [
        f"{lbl} ({zone_status_label(s, lang)})"
        for lbl, s in zip(out["label"], statuses, strict=True)
    ]
    out["popup"] = [_popup(lbl) for lbl in labels]
    out["tip"] = [esc(lbl) for lbl in labels]
    for status in dict.fromkeys(statuses):
        legend.add(
            f"{t('legend.zone', lang)}: {zone_status_label(status, lang)}",
            ZONE_COLOURS.get(status, "#d7191c"),
            dashed=True,
        )
    return _geojson_layer(out, t("layer.zone", lang))


def _catchment_layer(
    plan: PlanLike, colours: dict[str, str], lang: str, legend: _Legend
) -> folium.GeoJson:
    out = _to_map_crs(plan.catchments, SIMPLIFY_M["plan"])
    out["style"] = [
        {
            "color": colours.get(str(s), "#555"),
            "weight": 1,
            "fillColor": colours.get(str(s), "#555"),
            "fillOpacity": 0.3,
        }
        for s in out["site"]
    ]
    # The contract's ``split`` flag; planning.plan currently writes ``split_cells``.
    split = out["split"] if "split" in out else out.get("split_cells", 0) > 0
    split = pd.Series(split, index=out.index).astype(bool)
    out["popup"] = [
        _popup(
            t("legend.catchment", lang, site=s),
            [(t("popup.people", lang), format_number(p, lang))]
            + ([(t("popup.split", lang), "✓")] if sp else []),
        )
        for s, p, sp in zip(out["site"], out["people"], split, strict=True)
    ]
    out["tip"] = [esc(t("legend.catchment", lang, site=s)) for s in out["site"]]
    for site in dict.fromkeys(out["site"]):
        legend.add(t("legend.catchment", lang, site=site), colours.get(str(site), "#555"))
    return _geojson_layer(out, t("layer.catchments", lang))


def _route_layer(plan: PlanLike, lang: str, legend: _Legend) -> folium.GeoJson:
    """Loaded road edges: colour by load ratio, width by people."""
    out = _to_map_crs(plan.routes)
    most = max(float(out["people"].max()), 1.0) if len(out) else 1.0
    out["style"] = [
        {"color": _load_colour(r), "weight": round(2 + 8 * math.sqrt(p / most), 1), "opacity": 0.9}
        for p, r in zip(out["people"], out["load_ratio"], strict=True)
    ]
    out["popup"] = [
        _popup(
            n or t("popup.unnamed_road", lang),
            [
                (t("popup.people", lang), format_number(p, lang)),
                (t("popup.vehicles", lang), format_number(v, lang)),
                (t("popup.capacity_vph", lang), format_number(c, lang)),
                (t("popup.load", lang), f"{r:.0%}"),
            ],
        )
        for n, p, v, c, r in zip(
            out["name"],
            out["people"],
            out["vehicles"],
            out["capacity_vph"],
            out["load_ratio"],
            strict=True,
        )
    ]
    out["tip"] = [
        esc(f"{n or t('popup.unnamed_road', lang)}: {r:.0%}")
        for n, r in zip(out["name"], out["load_ratio"], strict=True)
    ]
    legend.add(t("legend.route_width", lang), "#555", "line")
    for _, colour, key in LOAD_CLASSES:
        legend.add(t(key, lang), colour, "line")
    return _geojson_layer(out, t("layer.routes", lang))


def _evacuee_layer(
    plan: PlanLike, colours: dict[str, str], lang: str, legend: _Legend
) -> folium.GeoJson:
    out = _to_map_crs(plan.evacuees)
    most = max(float(out["people"].max()), 1.0) if len(out) else 1.0
    reasons = plan_reasons(plan.summary, lang)
    styles, popups, tips = [], [], []
    for row in out.itertuples():
        status = str(row.status)
        colour = EVACUEE_COLOURS.get(status, colours.get(str(row.site), "#555"))
        styles.append(
            {
                "radius": round(3 + 7 * math.sqrt(row.people / most), 1),
                "color": "#222",
                "weight": 1,
                "fillColor": colour,
                "fillOpacity": 0.8,
            }
        )
        pairs: list[tuple[str, object]] = [
            (t("popup.people", lang), format_number(row.people, lang)),
            (t("popup.status", lang), t(f"popup.evacuee_status.{status}", lang)),
        ]
        if row.site:
            pairs.append((t("legend.site", lang), row.site))
        if row.reason:
            pairs.append(("", reasons.get(row.reason, row.reason)))
        if pd.notna(row.travel_min):
            pairs.append(
                (t("popup.travel", lang), t("figures.minutes", lang, value=f"{row.travel_min:.0f}"))
            )
        popups.append(_popup(t("legend.origin", lang), pairs))
        tips.append(
            esc(f"{format_number(row.people, lang)} – {t(f'popup.evacuee_status.{status}', lang)}")
        )
    out["style"], out["popup"], out["tip"] = styles, popups, tips
    legend.add(t("legend.origin", lang), "#555", "dot")
    for status, colour in EVACUEE_COLOURS.items():
        if (out["status"] == status).any():
            legend.add(t(f"legend.{status}_origin", lang), colour, "dot")
    return _geojson_layer(
        out, t("layer.evacuees", lang), show="evacuees" not in HIDDEN_LAYERS, points=True
    )


def _bottleneck_layer(plan: PlanLike, lang: str, legend: _Legend) -> folium.FeatureGroup | None:
    """A marker and a name label on the worst edge of each bottleneck the plan lists."""
    bottlenecks = plan.summary.get("bottlenecks", [])
    if not bottlenecks or not len(plan.routes):
        return None
    routes = plan.routes
    rows = []
    for b in bottlenecks:
        same = routes.loc[routes["name"] == b["name"]]
        if not len(same):
            continue
        worst = same.loc[same["load_ratio"].idxmax()]
        name = b["name"] or t("popup.unnamed_road", lang)
        rows.append(
            {
                "name": name,
                "style": {
                    "radius": 9,
                    "color": "#d7191c",
                    "weight": 3,
                    "fillColor": "#fff",
                    "fillOpacity": 0.9,
                },
                "popup": _popup(
                    name,
                    [
                        (t("popup.vehicles", lang), format_number(b["vehicles"], lang)),
                        (t("popup.capacity_vph", lang), format_number(b["capacity_vph"], lang)),
                        (t("popup.load", lang), f"{b['load_ratio']:.0%}"),
                    ],
                ),
                "tip": esc(f"{t('legend.bottleneck', lang)}: {name} ({b['load_ratio']:.0%})"),
                "geometry": worst.geometry.interpolate(0.5, normalized=True),
            }
        )
    if not rows:
        return None
    out = _to_map_crs(gpd.GeoDataFrame(rows, geometry="geometry", crs=routes.crs))
    group = folium.FeatureGroup(name=t("layer.bottlenecks", lang))
    _geojson_layer(out, "markers", points=True).add_to(group)
    for row in out.itertuples():
        # DivIcon: a permanent name label that needs no image file.
        folium.Marker(
            [row.geometry.y, row.geometry.x],
            icon=folium.DivIcon(
                html=f"<div class='evac-label'>{esc(row.name)}</div>",
                icon_anchor=(-10, 8),
                class_name="evac-label-icon",
            ),
            interactive=False,
        ).add_to(group)
    legend.add(t("legend.bottleneck", lang), "#d7191c", "dot")
    return group
