"""The one place the app computes a plan: cached on a hash of the scenario.

A plan depends only on the scenario, the road-network option and the
registry, so the same scenario is never computed twice in a server process
(a language switch, a rerun, the situation view of a saved version, a second
planner with the same scenario). The plan object is shared, read only.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import streamlit as st

from geo.errors import EvacError
from geo.registry import Registry, load_registry
from planning.plan import Plan, make_plan
from planning.scenario import scenario_from_json

if TYPE_CHECKING:
    from geo.region import Region


@st.cache_resource(show_spinner=False)
def plan_registry() -> Registry:
    """Sites, actors, agreements, rules and preset areas from ``data/shapes``, loaded once."""
    return load_registry()


@dataclass(frozen=True)
class CachedPlan:
    """A cached plan and the seconds computing it took (the cache miss's, kept with it)."""

    plan: Plan
    seconds: float


@st.cache_resource(show_spinner=False, max_entries=32)
def cached_plan(key: str, scenario_json: str, _region: Region) -> CachedPlan:
    """The plan of ``scenario_json`` (``key`` hashes it with the network option).

    A press that finds it ready (prefetched, or computed before) can say what
    computing it took instead of the milliseconds of the cache lookup.

    Raises
    ------
    EvacError
        For unusable zones and parameters (not cached: Streamlit caches only returns).
    """
    scenario = scenario_from_json(scenario_json)
    t0 = time.perf_counter()
    plan = make_plan(scenario, _region, plan_registry())
    return CachedPlan(plan, time.perf_counter() - t0)


def prefetch(key: str, scenario_json: str, region: Region, *after: Any) -> None:
    """Start computing a plan in the background, so "Beregn plan" finds it ready.

    The planner edits a zone, looks at it on the map and then presses the button;
    the plan is computed meanwhile (the cache's per-key lock makes a press during
    the computation wait for it instead of computing twice). ``after`` are
    callables run with the plan once it exists (e.g. building its map layers).
    Errors are left for the button press to show.
    """

    def work() -> None:
        try:
            plan = cached_plan(key, scenario_json, region).plan
            for step in after:
                step(plan)
        except EvacError:
            return

    threading.Thread(target=work, name=f"prefetch-{key[:8]}", daemon=True).start()
