"""Shared session fixtures: the real region pack, the Snarøya preset plan and routing.

Loading the pack (boundaries, the SSB grid, both road networks) takes a couple
of seconds, so each test process does it once. Networks come from the default
cache in ``.cache/``; a fresh checkout builds them on first use.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from plan_support import plan_for

from geo import settings
from geo.network_cache import cache_dir
from geo.region import Region, load_region
from planning.flow_routing import FlowRoutes, route_flows
from planning.plan import Plan
from planning.presets import load_preset
from tests.flow_demand import Demand, preset_demand


@pytest.fixture(scope="session", autouse=True)
def _writable_cache() -> Iterator[None]:
    """Use a temporary ``EVAC_CACHE`` only when the default cache is not writable."""
    folder = cache_dir()
    probe = folder if folder.exists() else folder.parent
    if os.access(probe, os.W_OK):
        yield
        return
    with (
        tempfile.TemporaryDirectory(prefix="evac-cache-") as tmp,
        pytest.MonkeyPatch.context() as mp,
    ):
        mp.setenv(settings.CACHE_ENV_VAR, tmp)
        yield


@pytest.fixture(scope="session")
def region(_writable_cache: None) -> Region:
    """The shared Bærum pack (``../shared/geodata``) with both networks loaded."""
    r = load_region(settings.DEFAULT_DATA_DIR)
    r.network("drive")
    r.network("walk")
    return r


@pytest.fixture(scope="session")
def snaroya_plan(region: Region) -> Plan:
    """The plan for the ``snaroya`` preset (whole peninsula, by car)."""
    return plan_for(region, load_preset("snaroya"))


@pytest.fixture(scope="session")
def preset_plans(region: Region, snaroya_plan: Plan) -> dict[str, Plan]:
    """The plans of the three presets (made once per test process)."""
    others = {name: plan_for(region, load_preset(name)) for name in ("fornebu", "fornebu_gas")}
    return {"snaroya": snaroya_plan} | others


@pytest.fixture(scope="session")
def snaroya_demand(region: Region) -> Demand:
    """The ``snaroya`` drive demand to the registry's sites (see ``tests/flow_demand.py``)."""
    return preset_demand(region, "snaroya")


@pytest.fixture(scope="session")
def snaroya_routes(snaroya_demand: Demand) -> FlowRoutes:
    """The capacity-aware flow routing of :func:`snaroya_demand`."""
    d = snaroya_demand
    return route_flows(d.trees, d.origin_node, d.units, d.scenario.mobilisation, inside=d.inside)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the timings that tests recorded (``record_property("timings", ...)``)."""
    for report in terminalreporter.stats.get("passed", []):
        for name, value in getattr(report, "user_properties", []):
            if name == "timings":
                terminalreporter.write_line(f"\n{report.nodeid}\n{value}")
