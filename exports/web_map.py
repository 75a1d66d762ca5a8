"""The interactive map in folium: a base map built once, plan layers on top.

:func:`build_base_map` draws what does not depend on a plan (vector land,
boundaries, roads, the road data's coverage, place names, points of interest,
reception sites, legend, attribution), framed on the road data's coverage.
:func:`plan_groups` turns a plan into :class:`folium.FeatureGroup` layers for
streamlit-folium's ``feature_group_to_add``, so the app never rebuilds the base
map; the first group carries the plan's legend rows, the ØVELSE banner and the
plan's framing. :func:`build_map` puts both into one map (standalone HTML,
situation view).

Everything arrives in EPSG:25832 and is converted to lon/lat at the map edge.
Colours come from :mod:`exports.cartography`, positions from
:mod:`planning.map_geometry`, the same as on the printed map. The map shows a
vector basemap from the region's own data, so it is useful with no tile server;
OpenStreetMap tiles are a second base layer. :func:`exports.offline.localize`
makes sure no asset comes from a CDN.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final

import folium
import geopandas as gpd
from branca.element import MacroElement
from folium.plugins import Draw
from folium.template import Template

from exports import cartography as carto
from exports import web_layers as base
from exports import web_plan_layers as planl
from exports.map_strings import DRAW_LOCAL_NB, t
from exports.offline import AssetMode, localize
from exports.web_common import (
    SIMPLIFY_M,
    Legend,
    MetricScale,
    esc,
    geojson_layer,
    js_string,
    latlon_corners,
    to_map_crs,
)
from geo.place_names import load_place_names
from geo.registry import Actor, Agreement, load_actors, load_agreements
from geo.settings import ATTRIBUTION
from planning import map_geometry as geom

if TYPE_CHECKING:
    from geo.region import Region
    from planning.plan import Plan

#: Base layers, bottom to top (drawn without a plan).
BASE_LAYERS: Final = (
    "population",
    "actors",
    "boundaries",
    "roads",
    "coverage",
    "place_names",
    "shelters",
    "hospitals",
    "fire_stations",
    "sites",
)
#: Plan layers, bottom to top; they go on top of the base layers.
PLAN_LAYERS: Final = (
    "catchments",
    "zone",
    "routes",
    "closures",
    "kindergartens",
    "single_points",
    "exits",
    "evacuees",
    "bottlenecks",
    "sites",
)
#: Every layer key :func:`build_map` accepts.
LAYERS: Final = tuple(dict.fromkeys(BASE_LAYERS + PLAN_LAYERS))
#: Layers drawn but switched off until the user ticks them (busy or specialist).
HIDDEN_LAYERS: Final = frozenset({"population", "actors", "shelters", "evacuees"})
#: Kept for callers that frame plans themselves (see planning.map_geometry).
FIT_PAD_SHARE: Final = geom.FIT_PAD_SHARE
FIT_PAD_MIN_M: Final = geom.FIT_PAD_MIN_M
#: Maps smaller than this (px) start with the legend folded, so it does not cover the zone.
LEGEND_OPEN_MIN_PX: Final = {"width": 700, "height": 700}
UNAVAILABLE: Final = carto.UNAVAILABLE


_STYLE = """
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
  .evac-label { background: #fff; border: 1px solid {{ this.bottleneck }};
    color: {{ this.bottleneck }}; font: bold 11px sans-serif; padding: 1px 4px;
    border-radius: 3px; white-space: nowrap; display: inline-block; }
  .evac-coverage { color: {{ this.coverage }}; font: italic bold 12px sans-serif;
    white-space: nowrap; text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
  .evac-place { color: {{ this.place }}; font: 12px sans-serif; white-space: nowrap;
    text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
  .evac-place-1 { font: bold 15px sans-serif; text-transform: uppercase; }
  .evac-place-3 { font-size: 11px; font-style: italic; }
  .evac-place-4 { font-size: 10px; font-style: italic; color: #666; }
  .evac-arrow { color: #222; font-size: 14px; line-height: 14px;
    text-shadow: 0 0 2px #fff, 0 0 2px #fff; }
  .evac-street { color: #222; font: italic 600 11px sans-serif; white-space: nowrap;
    text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; }
"""


class MapFurniture(MacroElement):
    """Legend, attribution and map styling, as Leaflet controls.

    Written as a script macro so streamlit-folium, which rebuilds the map from
    each element's script, shows it too.
    """

    _template = Template(
        "{% macro header(this, kwargs) %}<style>"
        + _STYLE
        + """</style>{% endmacro %}
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
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, legend_html: str, attribution: str) -> None:
        # branca's MacroElement.__init__ has no type hints.
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MapFurniture"
        self.sea = carto.SEA
        self.bottleneck = carto.BOTTLENECK
        self.coverage = carto.COVERAGE
        self.place = carto.PLACE_NAME
        self.legend = js_string(legend_html)
        self.open_min = LEGEND_OPEN_MIN_PX
        self.attribution = js_string(esc(attribution))


class PlanOverlay(MacroElement):
    """While its layer is on the map: the plan's legend rows, the ØVELSE banner, the framing.

    Added to the first plan group (and to the pending group); streamlit-folium
    removes the groups when the next plan arrives, which takes their rows and
    the banner away again. Each overlay adds its own rows, so several can show.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(layer) {
          var banner = null, rows = null;
          function show() {
            var map = layer._map;
            var slot = map.getContainer().querySelector(".evac-legend-plan");
            if (slot) {
              rows = L.DomUtil.create("div", "", slot);
              rows.innerHTML = {{ this.legend }};
            }
            {% if this.banner %}
            banner = L.DomUtil.create("div", "evac-banner", map.getContainer());
            banner.innerHTML = {{ this.banner }};
            {% endif %}
            {% if this.bounds %}map.fitBounds({{ this.bounds }});{% endif %}
          }
          function hide() {
            if (rows) { L.DomUtil.remove(rows); rows = null; }
            if (banner) { L.DomUtil.remove(banner); banner = null; }
          }
          layer.on("add", show);
          layer.on("remove", hide);
          if (layer._map) { show(); }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self, legend_rows: str, bounds: list[list[float]] | None, banner_html: str = ""
    ) -> None:
        # branca's MacroElement.__init__ has no type hints.
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "PlanOverlay"
        self.legend = js_string(legend_rows)
        self.bounds = bounds
        self.banner = js_string(banner_html) if banner_html else ""


class DrawStrings(MacroElement):
    """Leaflet.draw's toolbar and hints in bokmål; must come before the Draw control."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(local) {
          function merge(into, from) {
            for (var key in from) {
              if (typeof from[key] === "object") {
                into[key] = into[key] || {};
                merge(into[key], from[key]);
              } else { into[key] = from[key]; }
            }
          }
          merge(L.drawLocal, local);
        })({{ this.strings }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        # branca's MacroElement.__init__ has no type hints.
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "DrawStrings"
        # An object literal; "</" escaped so no string can close the <script>.
        self.strings = json.dumps(DRAW_LOCAL_NB, ensure_ascii=False).replace("</", "<\\/")


def _check_layers(layers: Sequence[str] | None) -> set[str]:
    wanted = set(LAYERS if layers is None else layers)
    unknown = wanted - set(LAYERS)
    if unknown:
        msg = f"Unknown map layer(s) {', '.join(sorted(unknown))}: use {', '.join(LAYERS)}."
        raise ValueError(msg)
    return wanted


def build_base_map(
    region: Region,
    sites: gpd.GeoDataFrame,
    *,
    lang: str = "nb",
    layers: Sequence[str] | None = None,
    assets: AssetMode = "served",
    basemap: str = "vector",
    actors: list[Actor] | None = None,
    agreements: list[Agreement] | None = None,
    draw: bool = True,
    place_names: gpd.GeoDataFrame | None = None,
    layer_control: bool = True,
) -> folium.Map:
    """The map without a plan, framed on the road data's coverage; build it once.

    Parameters
    ----------
    region
        A :class:`geo.region.Region`.
    sites
        Reception sites from ``geo.registry.load_sites`` (EPSG:25832).
    lang
        ``"nb"`` or ``"en"``.
    layers
        Keys from :data:`BASE_LAYERS` to draw; default all.
    assets
        ``"served"`` for the Streamlit app, ``"inline"`` for a standalone file.
    basemap
        ``"vector"`` (offline) or ``"osm"`` (tiles, needs the internet).
    actors, agreements
        The registry's actors and agreements; loaded from ``data/shapes`` if omitted.
    draw
        Add the Draw control (polygon, rectangle, circle, polyline; edit, delete).
    place_names
        Place-name points (``name``, ``rank`` 1–4, EPSG:25832); default
        :func:`geo.place_names.load_place_names`.
    layer_control
        Add a layer control. The app passes its own to ``st_folium`` instead, so
        the control also lists the plan groups.

    Raises
    ------
    ValueError
        For an unknown layer key or basemap.
    """
    m = _base_map(
        region, sites, lang, _check_layers(layers), basemap, actors, agreements, draw, place_names
    )
    if layer_control:
        folium.LayerControl(collapsed=True, position="topright").add_to(m)
    localize(m, assets)
    return m


def _base_map(
    region: Region,
    sites: gpd.GeoDataFrame,
    lang: str,
    wanted: set[str],
    basemap: str,
    actors: list[Actor] | None,
    agreements: list[Agreement] | None,
    draw: bool,
    place_names: gpd.GeoDataFrame | None,
) -> folium.Map:
    if basemap not in ("vector", "osm"):
        msg = f"Unknown basemap {basemap!r}: use 'vector' or 'osm'."
        raise ValueError(msg)
    actors = load_actors() if actors is None else actors
    agreements = load_agreements() if agreements is None else agreements
    names = load_place_names() if place_names is None else place_names
    m = folium.Map(tiles=None, zoom_start=12, location=[59.9, 10.55])
    m.add_child(MetricScale())
    add_basemaps(m, region, lang, basemap)
    legend = Legend(lang)
    if draw:
        legend.section()
        legend.note(t("legend.draw", lang))
    colours = carto.site_colours(sites)
    hidden = {k: k not in HIDDEN_LAYERS for k in BASE_LAYERS}
    builders: dict[str, Callable[[], Any]] = {
        "population": lambda: base.population_layer(region, lang, legend, hidden["population"]),
        "actors": lambda: base.actor_layers(region, actors, lang, legend, hidden["actors"]),
        "boundaries": lambda: base.boundary_layer(region, lang, legend),
        "roads": lambda: base.road_layer(region, lang, legend),
        "coverage": lambda: base.coverage_layer(region, lang, legend),
        "place_names": lambda: base.place_name_layer(names, lang) if names is not None else None,
        "shelters": lambda: base.shelter_layer(region, lang, legend, hidden["shelters"]),
        "hospitals": lambda: base.poi_layer(
            region.hospitals, "hospitals", carto.HOSPITAL, lang, legend
        ),
        "fire_stations": lambda: base.poi_layer(
            region.fire_stations, "fire_stations", carto.FIRE_STATION, lang, legend
        ),
        "sites": lambda: base.site_layer(sites, colours, agreements, lang, legend),
    }
    for group in _build(BASE_LAYERS, wanted, builders, legend):
        group.add_to(m)
    if draw:
        _add_draw(m, lang)
    MapFurniture(legend.html(), ATTRIBUTION).add_to(m)
    m.fit_bounds(latlon_corners(geom.to_lonlat_bounds(region.coverage.bounds)))
    return m


def _build(
    order: Sequence[str],
    wanted: set[str],
    builders: dict[str, Callable[[], Any]],
    legend: Legend,
) -> list[folium.FeatureGroup]:
    """Run the wanted builders in drawing order; each gets its own legend section."""
    groups: list[folium.FeatureGroup] = []
    for key in order:
        if key in wanted:
            legend.section()
            made = builders[key]()
            groups.extend(made if isinstance(made, list) else [made] if made else [])
    return groups


def plan_groups(
    plan: Plan,
    region: Region,
    sites: gpd.GeoDataFrame,
    *,
    lang: str = "nb",
    layers: Sequence[str] | None = None,
    agreements: list[Agreement] | None = None,
) -> list[folium.FeatureGroup]:
    """The plan's layers as feature groups, bottom to top, for ``feature_group_to_add``.

    Parameters
    ----------
    plan
        A ``planning.plan.Plan``.
    region
        The region (kept for symmetry with :func:`build_base_map`; unused today).
    sites
        The registry's sites (agreements for popups).

    Returns
    -------
    list of folium.FeatureGroup
        First an unlisted group with the plan's legend, banner and framing
        (:class:`PlanOverlay`), then one named group per non-empty plan layer.
    """
    del region
    wanted = _check_layers(layers)
    agreements = load_agreements() if agreements is None else agreements
    legend = Legend(lang)
    colours = carto.site_colours(plan.sites, plan.scenario)
    closures = geom.plan_closures(plan)
    builders = _plan_builders(plan, sites, colours, closures, agreements, lang, legend)
    groups = _build(PLAN_LAYERS, wanted, builders, legend)
    overlay = folium.FeatureGroup(name="plan", control=False)
    bounds = latlon_corners(plan_bounds(plan))
    PlanOverlay(legend.rows(), bounds, _banner(plan, lang)).add_to(overlay)
    return [overlay, *groups]


def _plan_builders(
    plan: Plan,
    sites: gpd.GeoDataFrame,
    colours: dict[str, str],
    closures: gpd.GeoDataFrame,
    agreements: list[Agreement],
    lang: str,
    legend: Legend,
) -> dict[str, Callable[[], Any]]:
    points = planl.point_layer
    return {
        "catchments": lambda: planl.catchment_layer(plan, colours, lang, legend),
        "zone": lambda: planl.zone_layer(plan, lang, legend),
        "routes": lambda: planl.route_layer(plan, lang, legend),
        "closures": lambda: planl.closure_layer(closures, lang, legend),
        "kindergartens": lambda: points(
            plan.kindergartens,
            "kindergarten",
            carto.KINDERGARTEN,
            lang,
            legend,
            (("capacity", "popup.capacity_places"), ("address", "popup.address")),
        ),
        "single_points": lambda: points(
            geom.single_points_of_failure(plan),
            "single_point",
            carto.SINGLE_POINT,
            lang,
            legend,
            (("people", "popup.people"),),
        ),
        "exits": lambda: points(
            plan.exits,
            "exit",
            carto.EXIT,
            lang,
            legend,
            (("people", "popup.people"),),
        ),
        "evacuees": lambda: planl.evacuee_layer(
            plan, colours, lang, legend, "evacuees" not in HIDDEN_LAYERS
        ),
        "bottlenecks": lambda: planl.bottleneck_layer(plan, lang, legend),
        "sites": lambda: base.site_layer(
            plan.sites, colours, agreements, lang, legend, plan=plan, registry=sites
        ),
    }


def pending_group(
    zones: list[tuple[str, dict[str, Any]]],
    closures: list[dict[str, Any]],
    lang: str = "nb",
) -> folium.FeatureGroup | None:
    """Zones and closures added since the last plan, marked "ikke beregnet".

    Parameters
    ----------
    zones
        ``(label, GeoJSON Polygon/MultiPolygon)`` in lon/lat.
    closures
        GeoJSON LineString/Polygon geometries in lon/lat.

    Returns
    -------
    folium.FeatureGroup or None
        One layer with both (and its legend rows), or ``None`` when there is nothing.
    """
    if not zones and not closures:
        return None
    legend = Legend(lang)
    legend.section()
    children: list[folium.Element] = []
    if zones:
        children.append(planl.pending_zone_layer(zones, lang, legend))
    if closures:
        frame = geom.closures_from_geojson(closures, computed=False)
        # closure_layer gives None only for no closures, and there are some here.
        if (layer := planl.closure_layer(frame, lang, legend)) is not None:
            children.append(layer)
    fg = folium.FeatureGroup(name=t("layer.pending", lang))
    for child in children:
        child.add_to(fg)
    PlanOverlay(legend.rows(), None).add_to(fg)
    return fg


def _banner(plan: Plan, lang: str) -> str:
    if not plan.scenario.exercise:
        return ""
    return f"{esc(t('map.exercise', lang))}<small>{esc(t('map.exercise_note', lang))}</small>"


def build_map(
    region: Region,
    sites: gpd.GeoDataFrame,
    plan: Plan | None = None,
    *,
    lang: str = "nb",
    layers: Sequence[str] | None = None,
    assets: AssetMode = "served",
    basemap: str = "vector",
    actors: list[Actor] | None = None,
    agreements: list[Agreement] | None = None,
    draw: bool = True,
    place_names: gpd.GeoDataFrame | None = None,
) -> folium.Map:
    """One complete map: the base map and, with a plan, its layers (standalone, situation).

    Parameters are those of :func:`build_base_map` and :func:`plan_groups`;
    ``layers`` may name keys of both. With a plan, the reception sites are
    drawn with the plan's availability and load instead of as registered.

    Raises
    ------
    ValueError
        For an unknown layer key or basemap.
    """
    wanted = _check_layers(layers)
    base_wanted = wanted - {"sites"} if plan is not None else wanted
    agreements = load_agreements() if agreements is None else agreements
    m = _base_map(region, sites, lang, base_wanted, basemap, actors, agreements, draw, place_names)
    if plan is not None:
        for fg in plan_groups(
            plan, region, sites, lang=lang, layers=sorted(wanted), agreements=agreements
        ):
            fg.add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    localize(m, assets)
    return m


def plan_bounds(plan: Plan) -> tuple[float, float, float, float]:
    """Lon/lat bounds (west, south, east, north) that frame a plan, with a margin."""
    return geom.to_lonlat_bounds(geom.padded(geom.plan_extent(plan)))


def _add_draw(m: folium.Map, lang: str) -> None:
    if lang == "nb":
        DrawStrings().add_to(m)
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


def add_basemaps(m: folium.Map, region: Region, lang: str, basemap: str) -> None:
    """Offline vector land polygons, and OSM tiles as the alternative base layer."""
    land = to_map_crs(region.neighbours[["geometry"]], SIMPLIFY_M["boundaries"])
    land["style"] = [{"stroke": False, "fillColor": carto.LAND, "fillOpacity": 1.0}] * len(land)
    fg = folium.FeatureGroup(name=t("layer.basemap", lang), overlay=False, show=basemap == "vector")
    geojson_layer(land, "land", interactive=False).add_to(fg)
    fg.add_to(m)
    folium.TileLayer(
        "OpenStreetMap",
        name=t("layer.osm", lang),
        overlay=False,
        show=basemap == "osm",
        attr="© OpenStreetMap contributors",
    ).add_to(m)
