"""Golden results: a fresh plan for each preset against ``tests/data/golden``.

When a change to routing or the data moves a figure on purpose, run
``python scripts/update_golden.py`` and review the diff of the golden files.
"""

from __future__ import annotations

import copy

import geopandas as gpd
import pytest
from geopandas.testing import assert_geodataframe_equal
from golden import PRESETS, differences, exits_frame, exits_path, figures, read_golden

from planning.plan import Plan


@pytest.mark.parametrize("preset", PRESETS)
def test_preset_figures_match_the_golden_file(preset_plans: dict[str, Plan], preset: str) -> None:
    moved = differences(read_golden(preset), figures(preset_plans[preset]))
    if moved:
        pytest.fail(
            f"{preset}: {len(moved)} figures moved (if intended, run "
            "scripts/update_golden.py and review the diff):\n  " + "\n  ".join(moved),
            pytrace=False,
        )


@pytest.mark.parametrize("preset", PRESETS)
def test_preset_exits_layer_matches_the_golden_geojson(
    preset_plans: dict[str, Plan], preset: str
) -> None:
    golden = gpd.read_file(exits_path(preset))
    assert_geodataframe_equal(
        exits_frame(preset_plans[preset]),
        golden,
        check_dtype=False,  # GeoJSON keeps no integer width
        check_less_precise=True,  # 0.5e-6 degrees: a few centimetres
    )


def test_figures_within_tolerance_are_no_difference(preset_plans: dict[str, Plan]) -> None:
    golden = figures(preset_plans["snaroya"])
    now = copy.deepcopy(golden)
    now["clearance_minutes"]["p90"] += 0.9  # under max(1 min, 3 %)
    now["bottlenecks"][0]["load_ratio"] += 0.04
    assert differences(golden, now) == []


def test_differences_name_every_moved_figure(preset_plans: dict[str, Plan]) -> None:
    golden = figures(preset_plans["snaroya"])
    now = copy.deepcopy(golden)
    p100 = golden["clearance_minutes"]["p100"]
    now["clearance_minutes"]["p100"] = p100 * 1.05
    now["bottlenecks"][0]["load_ratio"] += 0.06
    now["unassigned"] += 1
    now["single_points_of_failure"] = now["single_points_of_failure"][:1]
    now["layers"]["exits"]["rows"] += 1
    moved = "\n".join(differences(golden, now))
    assert f"clearance_minutes.p100: golden {p100}" in moved
    assert "bottlenecks[0].load_ratio" in moved
    assert "unassigned: golden 0, now 1" in moved
    assert "single_points_of_failure[len]: golden 2, now 1" in moved
    assert "single_points_of_failure[1]: golden 'Snarøyveien', now '<missing>'" in moved
    assert "layers.exits.rows" in moved
