"""Repaired boundaries and parsed population grids are cached per source file, checked.

Uses tiny files written to a temporary folder and a temporary cache folder.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geo import settings
from geo.frame_cache import cache_dir, cached_layer
from geo.layers import read_boundaries
from geo.population import PopulationSource, read_population
from geo.region import Region

#: A self-intersecting "bow tie" (invalid) and a plain square, in lon/lat.
BOW_TIE = [[10.50, 59.90], [10.52, 59.92], [10.52, 59.90], [10.50, 59.92], [10.50, 59.90]]
SQUARE = [[10.55, 59.90], [10.57, 59.90], [10.57, 59.92], [10.55, 59.92], [10.55, 59.90]]


def write_counties(path: Path, names: tuple[str, str] = ("Viken", "Oslo")) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": {"fylkesnummer": nr, "fylkesnavn": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }
        for nr, name, ring in (("30", names[0], BOW_TIE), ("03", names[1], SQUARE))
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(settings.CACHE_ENV_VAR, str(tmp_path / "cache"))
    return tmp_path / "cache"


def read(path: Path) -> gpd.GeoDataFrame:
    return read_boundaries(path, ("fylkesnummer", "fylkesnavn"), what="Counties")


def cached_files(cache: Path, kind: str) -> list[Path]:
    return sorted((cache / "layers").glob(f"{kind}-*/layer.parquet"))


def test_boundaries_are_repaired_once_then_read_from_the_cache(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_counties(tmp_path / "fylker.geojson")
    first = read(path)
    assert first.geometry.is_valid.all() and str(first.crs) == settings.WORK_CRS
    assert len(cached_files(cache, "boundaries")) == 1
    # From here on the GeoJSON is not read: a reader that fails proves it.
    monkeypatch.setattr("geo.layers.gpd.read_file", lambda *a, **k: 1 / 0)
    again = read(path)
    assert list(again["fylkesnavn"]) == ["Viken", "Oslo"]
    assert shapely.equals(again.geometry.to_numpy(), first.geometry.to_numpy()).all()
    assert again.geometry.is_valid.all()


def test_a_changed_file_is_read_again(tmp_path: Path, cache: Path) -> None:
    path = write_counties(tmp_path / "fylker.geojson")
    read(path)
    write_counties(path, names=("Akershus", "Oslo"))
    assert list(read(path)["fylkesnavn"]) == ["Akershus", "Oslo"]
    assert len(cached_files(cache, "boundaries")) == 2


def test_a_damaged_cache_is_rebuilt_with_a_notice(
    tmp_path: Path, cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write_counties(tmp_path / "fylker.geojson")
    read(path)
    (victim,) = cached_files(cache, "boundaries")
    victim.write_bytes(victim.read_bytes()[:100])
    with caplog.at_level(logging.WARNING, logger="geo"):
        again = read(path)
    assert list(again["fylkesnavn"]) == ["Viken", "Oslo"]
    assert any(
        "Layer cache" in r.getMessage() and "damaged" in r.getMessage() for r in caplog.records
    )
    assert len(cached_files(cache, "boundaries")) == 1


def test_population_grid_keeps_its_vintage_through_the_cache(tmp_path: Path, cache: Path) -> None:
    csv = tmp_path / "ssb_ru250m_2023.csv"
    csv.write_text("ru250m;pop_tot\n22597506649000;12\n22597506649250;7\n", "utf-8")
    region = Region(tmp_path)
    region.__dict__["context_bounds"] = (0.0, 0.0, 1e7, 1e7)  # no boundaries in this pack
    region.__dict__["population_sources"] = [PopulationSource("2023", csv)]
    direct = read_population(csv, region.context_bounds)
    first = region.population_grid("2023")
    region._grids.clear()
    again = region.population_grid("2023")
    assert len(cached_files(cache, "population")) == 1
    assert again.attrs["vintage"] == direct.attrs["vintage"] == "2023"
    assert list(again["population"]) == list(direct["population"]) == list(first["population"])
    assert cache_dir() == cache


def test_a_frame_that_cannot_be_cached_is_still_returned(
    tmp_path: Path, cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write_counties(tmp_path / "fylker.geojson")
    mixed = gpd.GeoDataFrame(
        {"value": [1, "a"]}, geometry=[shapely.Point(0, 0)] * 2, crs=settings.WORK_CRS
    )
    with caplog.at_level(logging.WARNING, logger="geo"):
        got = cached_layer(path, "odd", lambda: mixed)
    assert got is mixed
    assert any("not saved" in r.getMessage() for r in caplog.records)
    assert not list((cache / "layers").glob("odd-*"))
