"""The SUMO road network: netconvert on the region pack's OSM XML, cached by hash.

The netconvert options mirror :mod:`geo.network`'s drive filter as far as SUMO
allows: only the ``highway`` classes cars may use (service roads included, as in
our network), ``highway=construction`` only when the region includes it, and
default speeds from :data:`geo.settings.DRIVE_SPEED_KPH` where OSM has no
``maxspeed``. Coordinates stay in EPSG:25832 without SUMO's offset, so plan
geometries and SUMO positions are directly comparable.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.errors import RegionDataError
from geo.frame_cache import cache_dir, file_digest
from planning.routing import CLOSURE_BUFFER_M
from sim.binaries import find_binary, sumo_home

#: Bump when the options or the type file below change.
SIM_NET_SCHEMA = 2
#: EPSG:25832 (ETRS89 / UTM 32N) as a PROJ string for netconvert.
UTM32_PROJ = "+proj=utm +zone=32 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"
#: netconvert options (SUMO netconvert manual, "OSM import" recommendations):
#: remove geometry-only nodes, guess motorway ramps, join clustered junctions,
#: guess traffic signals, and keep only edges passenger cars may use.
NETCONVERT_OPTIONS: tuple[str, ...] = (
    "--geometry.remove",
    "--ramps.guess",
    "--junctions.join",
    "--tls.guess-signals",
    "--tls.discard-simple",
    "--tls.join",
    "--roundabouts.guess",
    "--keep-edges.by-vclass",
    "passenger",
    "--remove-edges.isolated",
    "--ignore-errors.edge-type",
    "--offset.disable-normalization",
    "--output.street-names",
    "--no-internal-links",
    "false",
    "--no-turnarounds.except-deadend",
)
#: SUMO's default priority for our classes without one in its OSM typemap.
DEFAULT_PRIORITY = 2


def _base_types() -> dict[str, dict[str, str]]:
    """SUMO's own OSM typemap (``osmNetconvert.typ.xml``) by type id."""
    home = sumo_home()
    path = home / "data" / "typemap" / "osmNetconvert.typ.xml" if home else None
    if path is None or not path.is_file():
        return {}
    return {t.get("id", ""): dict(t.attrib) for t in ET.parse(path).getroot().iter("type")}


def type_file_xml(*, include_construction: bool) -> str:
    """A netconvert type map with exactly our drive classes (others are discarded)."""
    base = _base_types()
    root = ET.Element("types")
    classes = sorted(settings.DRIVE_HIGHWAYS)
    if include_construction:
        classes.append("construction")
    for hwy in classes:
        src = base.get(f"highway.{hwy}", {})
        kph = settings.DRIVE_SPEED_KPH.get(hwy, settings.DRIVE_SPEED_FALLBACK_KPH)
        ET.SubElement(
            root,
            "type",
            id=f"highway.{hwy}",
            numLanes=str(settings.DEFAULT_LANES.get(hwy, 1)),
            speed=f"{kph / 3.6:.2f}",
            priority=src.get("priority", str(DEFAULT_PRIORITY)),
            oneway=src.get("oneway", "false"),
            # Only cars are simulated; OSM access tags narrow this further.
            allow="passenger",
        )
    return ET.tostring(root, encoding="unicode")


def net_cache_key(osm_path: Path, *, include_construction: bool) -> str:
    """Key of one built SUMO network: OSM bytes, options, type map, SUMO version."""
    config = json.dumps(
        {
            "schema": SIM_NET_SCHEMA,
            "options": NETCONVERT_OPTIONS,
            "types": type_file_xml(include_construction=include_construction),
            "sumo": sumo_version(),
        },
        sort_keys=True,
    )
    digest = hashlib.sha256((file_digest(osm_path) + config).encode()).hexdigest()
    return f"sumo-{digest[:24]}"


def build_net(osm_path: Path, *, include_construction: bool = False) -> Path:
    """The cached ``.net.xml`` for ``osm_path``, built with netconvert when missing.

    Raises
    ------
    RegionDataError
        If netconvert cannot build a network from the file.
    """
    key = net_cache_key(osm_path, include_construction=include_construction)
    target = cache_dir() / "sumo" / f"{key}.net.xml"
    if not target.is_file():
        # One type file per process: parallel test workers may build at the same time.
        types = target.with_name(f"{key}.tmp{os.getpid()}.typ.xml")
        types.parent.mkdir(parents=True, exist_ok=True)
        xml = type_file_xml(include_construction=include_construction)
        types.write_text(xml, encoding="utf-8")
        args = ["--osm-files", str(osm_path), "--type-files", str(types)]
        try:
            _netconvert([*args, "--proj", UTM32_PROJ, *NETCONVERT_OPTIONS], target, osm_path)
        finally:
            types.unlink(missing_ok=True)
    return target


def net_without(base: Path, closed: list[str]) -> Path:
    """``base`` without the ``closed`` edges (cached per set of edges)."""
    if not closed:
        return base
    digest = hashlib.sha256((base.name + " ".join(sorted(closed))).encode()).hexdigest()
    target = base.with_name(f"{base.name.removesuffix('.net.xml')}-closed-{digest[:16]}.net.xml")
    if not target.is_file():
        args = ["--sumo-net-file", str(base), "--remove-edges.explicit", ",".join(closed)]
        _netconvert([*args, "--offset.disable-normalization"], target, base)
    return target


def _netconvert(args: list[str], target: Path, source: Path) -> None:
    """Run netconvert writing ``target`` via a temporary file (never half a network)."""
    tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
    cmd = [str(find_binary("netconvert")), *args, "--output-file", str(tmp), "--no-warnings"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not tmp.is_file():
        tmp.unlink(missing_ok=True)
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RegionDataError(
            f"netconvert could not build a SUMO network from {source}: {' '.join(tail)}"
        )
    os.replace(tmp, target)


@lru_cache(maxsize=1)
def sumo_version() -> str:
    """The version line of netconvert (part of the cache key: a new SUMO rebuilds)."""
    cmd = [str(find_binary("netconvert")), "--version"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return (done.stdout.strip().splitlines() or ["unknown"])[0]


@dataclass
class SumoNet:
    """A built SUMO network: its file, the edges cars may use, and a spatial index.

    Attributes
    ----------
    path
        The ``.net.xml`` file.
    edge_ids
        Ids of the edges passenger cars may use.
    lines
        Their shapes (EPSG:25832), indexed by ``tree``.
    from_xy, to_xy
        Coordinates of each edge's start and end junction, by edge id.
    """

    path: Path
    edge_ids: list[str]
    lines: np.ndarray
    tree: shapely.STRtree
    from_xy: dict[str, tuple[float, float]]
    to_xy: dict[str, tuple[float, float]]

    @property
    def n_edges(self) -> int:
        """Number of edges cars may use."""
        return len(self.edge_ids)

    def nearest_edge(self, x: float, y: float, max_m: float) -> str | None:
        """Id of the car edge nearest (x, y) within ``max_m`` metres, or None."""
        hit = self.tree.query_nearest(shapely.Point(x, y), max_distance=max_m, all_matches=False)
        return self.edge_ids[int(hit[0])] if len(hit) else None


@lru_cache(maxsize=4)
def read_net(net_path: Path) -> SumoNet:
    """Read ``net_path`` once per process (sumolib parses it; shapely indexes it)."""
    import sumolib

    net = sumolib.net.readNet(str(net_path), withInternal=False)
    edges = [e for e in net.getEdges() if e.allows("passenger")]
    lines = np.array([shapely.LineString(e.getShape()) for e in edges])
    return SumoNet(
        path=net_path,
        edge_ids=[e.getID() for e in edges],
        lines=lines,
        tree=shapely.STRtree(lines),
        from_xy={e.getID(): e.getFromNode().getCoord()[:2] for e in edges},
        to_xy={e.getID(): e.getToNode().getCoord()[:2] for e in edges},
    )


def closed_edge_ids(net: SumoNet, closures: Sequence[BaseGeometry]) -> list[str]:
    """Ids of the car edges a closure touches (lines buffered as in the planner)."""
    if not closures:
        return []
    areas = [
        g.buffer(CLOSURE_BUFFER_M) if g.geom_type in ("LineString", "MultiLineString") else g
        for g in closures
    ]
    hits = net.tree.query(shapely.union_all(areas), predicate="intersects")
    return sorted(net.edge_ids[int(i)] for i in hits)
