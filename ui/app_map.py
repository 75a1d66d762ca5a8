"""The planner's map: a base map built once, plan layers added as feature groups.

The base map (land, boundaries, roads, the road-data coverage outline, place
names, sites) does not depend on the plan, so it is built once per language and
network option and shared by every session. The plan's layers and the edits
not yet computed ("ikke beregnet") go to streamlit-folium's
``feature_group_to_add``: the browser keeps the map and swaps only those
groups, so a new plan shows without reloading the whole map.
"""

from __future__ import annotations

import copy
from typing import Any, Final

import folium
import geopandas as gpd
import streamlit as st
import streamlit_folium

from exports import web_map
from planning.plan import Plan

MAP_HEIGHT: Final = 600


@st.cache_resource(show_spinner=False, max_entries=4)
def base_map(lang: str, construction: bool, _region: Any, _sites: gpd.GeoDataFrame) -> folium.Map:
    """The map before any plan (shared by every session); never pass it to st_folium itself."""
    return web_map.build_base_map(_region, _sites, lang=lang, draw=True, layer_control=False)


@st.cache_resource(show_spinner=False, max_entries=16)
def plan_layers(
    key: str, lang: str, _plan: Plan, _region: Any, _sites: gpd.GeoDataFrame
) -> list[folium.FeatureGroup]:
    """The feature groups of a plan (``key`` identifies the plan)."""
    return web_map.plan_groups(_plan, _region, _sites, lang=lang)


def map_groups(
    plan: Plan | None,
    plan_key: str,
    pending: tuple[list[tuple[str, dict[str, Any]]], list[dict[str, Any]]],
    region: Any,
    sites: gpd.GeoDataFrame,
    lang: str,
) -> list[folium.FeatureGroup] | None:
    """Fresh copies of the plan's groups plus a group of the edits not yet computed."""
    groups = []
    if plan is not None:
        groups = copy.deepcopy(plan_layers(plan_key, lang, plan, region, sites))
    zones, closures = pending
    if zones or closures:
        groups.append(web_map.pending_group(zones, closures, lang))
    return groups or None


def show_map(
    base: folium.Map, groups: list[folium.FeatureGroup] | None, key: str, clicks: bool
) -> dict[str, Any]:
    """Draw the map; return what the browser reports (drawings, and clicks if asked for).

    st_folium renames a map's elements in place, so it always gets a copy.
    """
    returned = ["all_drawings", "last_clicked"] if clicks else ["all_drawings"]
    out = streamlit_folium.st_folium(
        copy.deepcopy(base),
        key=key,
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=returned,
        feature_group_to_add=groups,
        layer_control=folium.LayerControl(collapsed=True, position="topright"),
    )
    return out if isinstance(out, dict) else {}
