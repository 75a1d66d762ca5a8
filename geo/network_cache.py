"""Cache of built road networks, keyed by a hash of the source OSM file.

Parsing and building the networks from XML takes seconds; loading the cached
GeoParquet files takes a fraction of that. The key covers the source file's
bytes, the mode, the construction option and the speed/capacity settings, so
a changed file or setting never serves a stale network.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import geopandas as gpd

from geo import settings
from geo.network import RoadNetwork, build_network, parse_osm

#: Bump when the cached layout or the build logic changes.
CACHE_SCHEMA = 3


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
        if use_cache and (folder / "edges.parquet").is_file():
            out[mode] = _read(folder, mode, source=f"{osm_path.name} ({key}, cached)")
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
    tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    net.nodes.to_parquet(tmp / "nodes.parquet")
    net.edges.to_parquet(tmp / "edges.parquet")
    try:
        tmp.rename(folder)
    except OSError:  # another process won the race; its copy is equivalent
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()


def _read(folder: Path, mode: str, *, source: str) -> RoadNetwork:
    nodes = gpd.read_parquet(folder / "nodes.parquet")
    edges = gpd.read_parquet(folder / "edges.parquet")
    return RoadNetwork(mode=mode, nodes=nodes, edges=edges, source=source)
