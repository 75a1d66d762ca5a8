"""Catchments: each zone piece drawn once, in the site that takes most of its people."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from planning.catchments import catchments


def test_pieces_go_to_their_major_site_ties_to_the_first_and_splits_are_counted():
    pieces = [box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)]
    groups = gpd.GeoDataFrame({"origin_id": [1, 2, 3], "piece": pieces})
    flows = pd.DataFrame(
        {
            "origin_id": [1, 1, 2, 3, 3, 3],
            "site": ["A", "B", "B", "B", "A", "B"],
            "people": [5.0, 5.0, 10.0, 1.0, 7.0, 2.0],
        }
    )
    out = catchments(groups, flows).set_index("site")
    assert list(out.index) == ["A", "B"]
    assert out.loc["A", "people"] == 12 and out.loc["B", "people"] == 18
    # Origins 1 (a 5/5 tie, drawn in A) and 3 split; origin 2 goes to B alone.
    assert out.loc["A", "split_cells"] == 2 and out.loc["B", "split_cells"] == 2
    assert out.loc["A", "geometry"].equals(box(0, 0, 1, 1).union(box(2, 0, 3, 1)))
    assert out.loc["B", "geometry"].equals(box(1, 0, 2, 1))
    assert str(out["people"].dtype) == "int64"


def test_no_assigned_people_give_an_empty_layer_with_its_columns():
    groups = gpd.GeoDataFrame({"origin_id": [1], "piece": [box(0, 0, 1, 1)]})
    empty = pd.DataFrame({"origin_id": [], "site": [], "people": []})
    out = catchments(groups, empty)
    assert out.empty and list(out.columns) == ["site", "people", "split_cells", "geometry"]
