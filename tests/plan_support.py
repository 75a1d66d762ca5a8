"""Planning on the real pack in tests: the registry is loaded once per test process.

Every plan made here is checked against the Plan contract
(:func:`planning.plan_contract.validate_plan`), so any engine test catches a
layer or summary that drifts from ARCHITECTURE.md.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from geo.region import Region
from geo.registry import Registry, load_registry
from planning.i18n import render
from planning.plan import Plan, make_plan
from planning.plan_contract import validate_plan
from planning.scenario import Scenario


@functools.cache
def shared_registry() -> Registry:
    """``data/shapes`` loaded once (sites, actors, rules, preset areas)."""
    return load_registry()


def plan_for(region: Region, scenario: Scenario) -> Plan:
    """``make_plan`` with the shared registry, checked against the Plan contract."""
    plan = make_plan(scenario, region, shared_registry())
    validate_plan(plan)
    return plan


def texts(items: Iterable[Mapping[str, object]], lang: str = "en") -> list[str]:
    """Summary texts (messages or ``{nb, en}`` pairs) in ``lang``."""
    return [render(x, lang) for x in items]


def reasons(summary: Mapping[str, Any], lang: str = "en") -> dict[str, int]:
    """The summary's unreachable people per reason, the reasons in ``lang``."""
    return {render(r["reason"], lang): r["people"] for r in summary["unreachable_reasons"]}
