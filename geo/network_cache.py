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
from pathlib import Path

from geo import settings
from geo.frame_cache import cache_dir, file_digest, read_frames, write_frames
from geo.network import RoadNetwork, build_network, parse_osm

#: Bump when the cached layout or the build logic changes.
CACHE_SCHEMA = 5


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
    write_frames({"nodes": net.nodes, "edges": net.edges}, folder, what="Network cache")


def _read_checked(folder: Path, mode: str, *, source: str) -> RoadNetwork | None:
    """The cached network, or None (and the folder removed) if it is damaged."""
    frames = read_frames(folder, ("nodes", "edges"), what="Network cache")
    if frames is None:
        return None
    return RoadNetwork(mode=mode, nodes=frames["nodes"], edges=frames["edges"], source=source)
