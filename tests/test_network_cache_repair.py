"""A damaged network cache is found by its checksums, rebuilt with a notice, never blocking.

Uses a tiny OSM file (built in well under a second) and a temporary cache folder.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

import cli
from geo import settings
from geo.network_cache import cache_dir, load_networks
from tests.test_region_pack import tiny_osm_xml


@pytest.fixture
def osm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(settings.CACHE_ENV_VAR, str(tmp_path / "cache"))
    path = tmp_path / "tiny.osm"
    path.write_text(tiny_osm_xml(), encoding="utf-8")
    return path


def truncate(p: Path) -> None:
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def empty(p: Path) -> None:
    p.write_bytes(b"")


def flip_bit(p: Path) -> None:
    data = bytearray(p.read_bytes())
    data[len(data) // 2] ^= 0x01
    p.write_bytes(bytes(data))


def remove_manifest(p: Path) -> None:
    (p.parent / "checksums.json").unlink()


@pytest.mark.parametrize("damage", [truncate, empty, flip_bit, remove_manifest])
@pytest.mark.parametrize("victim", ["edges.parquet", "nodes.parquet"])
def test_damaged_cache_is_rebuilt_with_a_notice(
    osm: Path, damage: Callable[[Path], None], victim: str, caplog: pytest.LogCaptureFixture
) -> None:
    first = load_networks(osm, ("drive",))["drive"]
    (folder,) = (cache_dir() / "networks").iterdir()
    damage(folder / victim)
    with caplog.at_level(logging.WARNING, logger="geo.network_cache"):
        again = load_networks(osm, ("drive",))["drive"]
    assert [r.getMessage() for r in caplog.records if "damaged" in r.getMessage()]
    assert again.n_edges == first.n_edges and "cached" not in again.source
    caplog.clear()
    third = load_networks(osm, ("drive",))["drive"]  # the rebuilt cache is used again
    assert "cached" in third.source and not caplog.records


def test_cli_shows_the_rebuild_notice_on_one_line(osm: Path) -> None:
    load_networks(osm, ("drive",))
    (folder,) = (cache_dir() / "networks").iterdir()
    empty(folder / "edges.parquet")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        cli.show_notices()
        load_networks(osm, ("drive",))
    lines = [line for line in err.getvalue().splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("evac: note: Network cache")


def test_unwritable_cache_only_costs_speed(osm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("geopandas.GeoDataFrame.to_parquet", full)
    net = load_networks(osm, ("drive",))["drive"]
    assert net.n_edges > 0
    assert not any((cache_dir() / "networks").iterdir())
