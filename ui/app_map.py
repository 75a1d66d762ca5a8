"""The planner's map: a base map rendered once, plan layers added as feature groups.

The base map (land, boundaries, roads, the road-data coverage outline, place
names, sites) does not depend on the plan, so it is built and turned into the
browser's script once per language and network option and shared by every
session. The plan's layers and the edits not yet computed ("ikke beregnet") go
to streamlit-folium's ``feature_group_to_add``: the browser keeps the map and
swaps only those groups, so a new plan shows without reloading the whole map.

``st_folium`` itself renders the whole base map again on every rerun (about
0.5 s here), so :func:`show_map` calls its component with the base map's
script rendered once (:func:`base_component`) and only the groups' script made
per plan. This uses streamlit-folium's helpers for feature groups and the
layer control exactly as ``st_folium`` does (checked with streamlit-folium
0.27; the browser journey test covers it).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import folium
import geopandas as gpd
import streamlit as st
import streamlit_folium

from exports import web_map
from planning.plan import Plan

if TYPE_CHECKING:
    from geo.region import Region

MAP_HEIGHT: Final = 600
#: The base map's id in the browser (streamlit-folium renames the map to it).
_MAP_ID: Final = "div"


@dataclass(frozen=True)
class BaseComponent:
    """The component arguments of a rendered base map, and the renamed map itself."""

    args: dict[str, Any]
    renamed: folium.Map


@st.cache_resource(show_spinner=False, max_entries=4)
def base_map(
    lang: str, construction: bool, _region: Region, _sites: gpd.GeoDataFrame
) -> folium.Map:
    """The map before any plan (shared by every session); never pass it to st_folium itself."""
    return web_map.build_base_map(_region, _sites, lang=lang, draw=True, layer_control=False)


@st.cache_resource(show_spinner=False, max_entries=4)
def base_component(
    lang: str, construction: bool, _region: Region, _sites: gpd.GeoDataFrame
) -> BaseComponent:
    """Render the base map once the way ``st_folium`` does, and keep its component arguments."""
    m = copy.deepcopy(base_map(lang, construction, _region, _sites))
    captured: dict[str, Any] = {}
    real = streamlit_folium._component_func
    streamlit_folium._component_func = lambda **kwargs: captured.update(kwargs)
    try:
        streamlit_folium.st_folium(m, height=MAP_HEIGHT, use_container_width=True)
    finally:
        streamlit_folium._component_func = real
    for per_call in ("on_change", "feature_group", "layer_control", "returned_objects", "default"):
        captured.pop(per_call, None)
    return BaseComponent(captured, m)


def group_script(group: folium.FeatureGroup, idx: int) -> str:
    """The browser script of one feature group, as ``st_folium`` makes it."""
    stub = folium.Map(tiles=None)
    stub._id = _MAP_ID
    # streamlit-folium has no type hints: its script is a str.
    return str(streamlit_folium._get_feature_group_string(copy.deepcopy(group), stub, idx))


@st.cache_resource(show_spinner=False, max_entries=16)
def plan_scripts(
    key: str, lang: str, _plan: Plan, _region: Region, _sites: gpd.GeoDataFrame
) -> tuple[list[str], list[str]]:
    """The script of each of a plan's feature groups, and its name in the layer control.

    The name is "" for a group kept out of the control; ``key`` names the plan (the
    cache key).
    """
    groups = web_map.plan_groups(_plan, _region, _sites, lang=lang)
    return [group_script(g, i) for i, g in enumerate(groups)], [_control_name(g) for g in groups]


def _control_name(group: folium.FeatureGroup) -> str:
    return group.layer_name if group.control else ""


@st.cache_resource(show_spinner=False, max_entries=32)
def layer_control_script(base_key: tuple[str, bool], names: tuple[str, ...], _base: Any) -> str:
    """The layer control over the base map's layers and the named groups (by position)."""
    m = copy.deepcopy(_base.renamed)
    for idx, name in enumerate(names):
        group = folium.FeatureGroup(name=name, control=bool(name))
        group._id = f"feature_group_{idx}"
        group.add_to(m)
    control = folium.LayerControl(collapsed=True, position="topright")
    return str(streamlit_folium._get_layer_control_string(control, m))


def map_scripts(
    plan: Plan | None,
    plan_key: str,
    pending: tuple[list[tuple[str, dict[str, Any]]], list[dict[str, Any]]],
    region: Region,
    sites: gpd.GeoDataFrame,
    lang: str,
) -> tuple[list[str], list[str]]:
    """Scripts and names of the plan's groups plus a group of the edits not yet computed."""
    scripts, names = [], []
    if plan is not None:
        scripts, names = (list(x) for x in plan_scripts(plan_key, lang, plan, region, sites))
    group = web_map.pending_group(pending[0], pending[1], lang)
    if group is not None:
        scripts.append(group_script(group, len(scripts)))
        names.append(_control_name(group))
    return scripts, names


def show_map(
    base_key: tuple[str, bool],
    base: BaseComponent,
    scripts: Sequence[str],
    names: Sequence[str],
    clicks: bool,
    mount: int,
) -> dict[str, Any]:
    """Draw the map; return what the browser reports (drawings, and clicks if asked for).

    ``mount`` (see :func:`ui.app_state.map_mount`) is part of the component's key.
    """
    returned = ["all_drawings", "last_clicked"] if clicks else ["all_drawings"]
    args = {**base.args, "key": f"{base.args.get('key', 'map')}-{mount}"}
    out = streamlit_folium._component_func(
        **args,
        feature_group="".join(scripts) or None,
        layer_control=layer_control_script(base_key, tuple(names), base),
        returned_objects=returned,
        default=dict.fromkeys(returned),
    )
    return out if isinstance(out, dict) else {}
