"""The layer caches' fast GeoParquet reader and the cached kindergarten layer.

``geo.frame_cache.read_geoparquet`` must give exactly what ``gpd.read_parquet``
gives (columns, dtypes, index, CRS, attrs), only faster; a changed source file
must never be served from a stale cache.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from geo import settings
from geo.crs import crs_from_json, transformer
from geo.frame_cache import file_digest, read_frames, read_geoparquet, write_frames
from geo.kindergartens import read_kindergartens

POINTS = [shapely.Point(598_000, 6_642_000), shapely.Point(598_250, 6_642_500)]


def frames() -> dict[str, gpd.GeoDataFrame]:
    """Frames like the caches hold, each with something the reader must keep."""
    grid = gpd.GeoDataFrame(
        {"cell_id": [1, 2], "population": [12.0, 7.0], "name": ["a", None]},
        geometry=[p.buffer(100) for p in POINTS],
        crs=settings.WORK_CRS,
    )
    grid.attrs = {"vintage": "2023", "source": "SSB test.csv"}
    nodes = gpd.GeoDataFrame(
        {"x": [1.0, 2.0], "y": [3.0, 4.0]},
        geometry=POINTS,
        crs=settings.WORK_CRS,
        index=pd.Index([11, 12], name="osmid"),
    )
    # Geometry not last, a CRS without an authority id, one without any CRS.
    middle = gpd.GeoDataFrame({"a": [1, 2]}, geometry=POINTS, crs="+proj=utm +zone=32 +ellps=GRS80")
    middle = middle[["a", "geometry"]].assign(b=["x", "y"])
    bare = gpd.GeoDataFrame({"a": [1, 2]}, geometry=POINTS)
    lonlat = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(10.6, 59.9)], crs="EPSG:4326")
    empty = gpd.GeoDataFrame(columns=["name", "geometry"], geometry="geometry", crs="EPSG:25832")
    return {
        "grid": grid,
        "nodes": nodes,
        "middle": middle,
        "bare": bare,
        "lonlat": lonlat,
        "empty": empty,
    }


@pytest.mark.parametrize("name", list(frames()))
def test_fast_reader_equals_geopandas(tmp_path: Path, name: str) -> None:
    frame = frames()[name]
    path = tmp_path / f"{name}.parquet"
    frame.to_parquet(path)
    fast, slow = read_geoparquet(path), gpd.read_parquet(path)
    assert_geodataframe_equal(fast, slow, check_crs=True)
    assert list(fast.columns) == list(frame.columns)
    assert fast.attrs == slow.attrs == frame.attrs
    assert (fast.crs is None and frame.crs is None) or fast.crs == frame.crs


def test_a_missing_crs_member_means_ogc_crs84(tmp_path: Path) -> None:
    # GeoParquet: a geometry column without a "crs" member is in OGC:CRS84.
    assert crs_from_json(json.dumps("OGC:CRS84")) == pyproj.CRS("OGC:CRS84")
    assert crs_from_json("null") is None


def test_crs_and_transformers_are_built_once() -> None:
    text = json.dumps(pyproj.CRS(settings.WORK_CRS).to_json_dict())
    assert crs_from_json(text) is crs_from_json(text)
    assert crs_from_json(text) == pyproj.CRS(settings.WORK_CRS)
    assert transformer(settings.MAP_CRS, settings.WORK_CRS) is transformer(
        settings.MAP_CRS, settings.WORK_CRS
    )


def test_a_plain_parquet_file_in_a_cache_is_rebuilt(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "layer"
    write_frames({"layer": frames()["grid"]}, folder)
    assert read_frames(folder, ("layer",)) is not None
    # Same name, valid checksum, but no GeoParquet metadata: damaged, not trusted.
    pd.DataFrame({"a": [1]}).to_parquet(folder / "layer.parquet")
    digest = {"layer.parquet": file_digest(folder / "layer.parquet")}
    (folder / "checksums.json").write_text(json.dumps(digest), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="geo"):
        assert read_frames(folder, ("layer",)) is None
    assert "GeoParquet" in caplog.text and not folder.exists()


def write_kindergartens(pack: Path, names: list[str]) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": {
                "nsrid": i,
                "name": name,
                "capacity": 40,
                "min_age": 1,
                "max_age": 5,
                "operator_type": "public",
                "operator": "Bærum kommune",
                "address": "Snarøyveien 1",
            },
            "geometry": {"type": "Point", "coordinates": [10.6 + i / 1000, 59.9]},
        }
        for i, name in enumerate(names)
    ]
    (pack / "pois").mkdir(parents=True, exist_ok=True)
    path = pack / "pois" / "barnehager_test.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def test_kindergartens_are_cached_and_a_changed_file_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(settings.CACHE_ENV_VAR, str(tmp_path / "cache"))
    pack = tmp_path / "pack"
    write_kindergartens(pack, ["Flåklypa", "Snarøya"])
    first = read_kindergartens(pack)
    assert list((tmp_path / "cache" / "layers").glob("kindergartens-*/layer.parquet"))
    with monkeypatch.context() as m:  # cached: the GeoJSON is not read again
        m.setattr("geo.layers.gpd.read_file", lambda *a, **k: 1 / 0)
        assert_geodataframe_equal(read_kindergartens(pack), first)
    write_kindergartens(pack, ["Flåklypa", "Snarøya", "Oksenøya"])  # stale cache: not used
    again = read_kindergartens(pack)
    assert list(again["name"]) == ["Flåklypa", "Snarøya", "Oksenøya"]
    assert str(again.crs) == settings.WORK_CRS and again["capacity"].dtype.kind == "i"
