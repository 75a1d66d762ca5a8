"""The one place the app computes a plan: cached on a hash of the scenario.

A plan depends only on the scenario, the road-network option and the
registry, so the same scenario is never computed twice in a server process
(a language switch, a rerun, the situation view of a saved version, a second
planner with the same scenario). The plan object is shared, read only.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import streamlit as st

from planning.plan import Plan, make_plan
from planning.scenario import scenario_from_json


@st.cache_resource(show_spinner=False, max_entries=32)
def cached_plan(key: str, scenario_json: str, _region: Any, _sites: gpd.GeoDataFrame) -> Plan:
    """The plan of ``scenario_json`` (``key`` hashes it with the network option).

    Raises
    ------
    EvacError
        For unusable zones and parameters (not cached: Streamlit caches only returns).
    """
    scenario = scenario_from_json(scenario_json)
    return make_plan(_region, scenario, registry_sites=_sites)
