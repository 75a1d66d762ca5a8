"""The authored place names (data/shapes/place_names.geojson) and their reader."""

from __future__ import annotations

import json

import pytest

from geo.errors import RegistryError
from geo.place_names import load_place_names


def test_place_names_cover_the_peninsula_and_its_neighbours_with_sources():
    names = load_place_names()
    assert {"Snarøya", "Fornebu", "Lysaker", "Stabekk", "Høvik", "Sandvika"} <= set(names["name"])
    assert names.crs.to_epsg() == 25832
    assert names["source"].str.len().min() > 10
    snaroya = names.set_index("name").geometry["Snarøya"]
    fornebu = names.set_index("name").geometry["Fornebu"]
    assert snaroya.y < fornebu.y, "Snarøya lies south of Fornebu"


@pytest.mark.parametrize(
    ("props", "coords", "match"),
    [
        ({"rank": 1, "source": "x"}, [10.6, 59.9], "no name"),
        ({"name": "A", "rank": 9, "source": "x"}, [10.6, 59.9], "rank"),
        ({"name": "A", "rank": 1}, [10.6, 59.9], "source"),
        ({"name": "A", "rank": 1, "source": "x"}, [59.9, 10.6], "lon/lat"),
    ],
)
def test_a_bad_place_name_is_refused_with_the_field_named(tmp_path, props, coords, match):
    path = tmp_path / "p.geojson"
    feature = {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Point", "coordinates": coords},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(RegistryError, match=match):
        load_place_names(path)
