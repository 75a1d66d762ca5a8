"""Cache of built road networks, keyed by a hash of the source OSM file.

Parsing and building the networks from XML takes seconds; loading the cached
GeoParquet files takes a fraction of that. The key covers the source file's
bytes, the mode, the construction option and the speed/capacity settings, so
a changed file or setting never serves a stale network. A damaged cache
(truncated, emptied or altered files) is detected by its stored checksums,
removed and rebuilt with a one-line warning, so it never blocks a rerun.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

import geopandas as gpd

from geo import settings
from geo.network import RoadNetwork, build_network, parse_osm

#: Bump when the cached layout or the build logic changes.
CACHE_SCHEMA = 4
#: Files of one cached network, and the manifest holding their SHA-256 digests.
_FILES: tuple[str, ...] = ("nodes.parquet", "edges.parquet")
_MANIFEST = "checksums.json"

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """Cache folder: ``$EVAC_CACHE`` or ``.cache/`` in the project root."""
    return Path(os.environ.get(settings.CACHE_ENV_VAR, settings.DEFAULT_CACHE_DIR))


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cache_key(osm_path: Path, mode: str, *, include_construction: bool) -> str:
    """Key for one built network."""
    config = json.dumps(
        {
            "schema": CACHE_SCHEMA,
            "mode": mode,
            "construction": include_construction,
            "speeds": settings.DRIVE_SPEED_KPH,
            "walk": settings.WALK_SPEED_KPH,
            "lanes": settings.LANE_CAPACITY_VPH,
            "default_lanes": settings.DEFAULT_LANES,
            "walk_capacity": [settings.WALK_FLOW_PPH_PER_M, settings.WALK_PATH_WIDTH_M],
        },
        sort_keys=True,
    )
    digest = hashlib.sha256((file_digest(osm_path) + config).encode()).hexdigest()
    return f"{mode}-{digest[:24]}"


def load_networks(
    osm_path: Path,
    modes: tuple[str, ...] = ("drive", "walk"),
    *,
    include_construction: bool = False,
    use_cache: bool = True,
) -> dict[str, RoadNetwork]:
    """Load networks for ``modes`` from cache, building (and caching) missing ones.

    Parameters
    ----------
    osm_path
        Source OSM XML file.
    modes
        Travel modes to return.
    include_construction
        Keep ``highway=construction`` ways.
    use_cache
        False forces a cold build (benchmarks) and does not write the cache.
    """
    out: dict[str, RoadNetwork] = {}
    raw = None
    for mode in modes:
        key = cache_key(osm_path, mode, include_construction=include_construction)
        folder = cache_dir() / "networks" / key
        if use_cache and folder.is_dir():
            cached = _read_checked(folder, mode, source=f"{osm_path.name} ({key}, cached)")
            if cached is not None:
                out[mode] = cached
                continue
        if raw is None:
            raw = parse_osm(osm_path)
        net = build_network(raw, mode, include_construction=include_construction)
        net.source = f"{osm_path.name} ({key})"
        if use_cache:
            _write(net, folder)
        out[mode] = net
    return out


def _write(net: RoadNetwork, folder: Path) -> None:
    # Write to a temporary folder, then rename: a crash never leaves half a cache.
    # A cache that cannot be written (read-only or full disk) only costs speed.
    tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        net.nodes.to_parquet(tmp / "nodes.parquet")
        net.edges.to_parquet(tmp / "edges.parquet")
        digests = {name: file_digest(tmp / name) for name in _FILES}
        (tmp / _MANIFEST).write_text(json.dumps(digests, sort_keys=True), encoding="utf-8")
        tmp.rename(folder)
    except OSError as exc:
        if not folder.is_dir():  # not merely another process winning the race
            log.warning("Network cache not saved in %s (%s); it is rebuilt next run.", folder, exc)
        shutil.rmtree(tmp, ignore_errors=True)


def _read_checked(folder: Path, mode: str, *, source: str) -> RoadNetwork | None:
    """The cached network, or None (and the folder removed) if it is damaged.

    The SHA-256 of each file is stored beside it (``checksums.json``), so a
    truncated, emptied or bit-flipped file is found before it is read.
    """
    try:
        expected = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        damaged = [n for n in _FILES if expected.get(n) != file_digest(folder / n)]
        if not damaged:
            nodes = gpd.read_parquet(folder / "nodes.parquet")
            edges = gpd.read_parquet(folder / "edges.parquet")
            return RoadNetwork(mode=mode, nodes=nodes, edges=edges, source=source)
        reason = f"{', '.join(damaged)} changed since it was written"
    except Exception as exc:  # any failure to read a cache means: rebuild it
        reason = f"{type(exc).__name__}: {str(exc)[:120]}"
    log.warning("Network cache %s is damaged (%s); rebuilding it.", folder.name, reason)
    shutil.rmtree(folder, ignore_errors=True)
    return None
