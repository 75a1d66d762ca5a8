"""A tiny synthetic region around Snarøya/Fornebu: a real ``geo.region.Region`` in milliseconds.

The region pack files in ``tests/data/mini_region`` (a few KB, read by the real
readers) hold Bærum (3201, Akershus 32: the mainland and an islet) and a piece
of Oslo (0301, county 03), one SSB 2023 grid of eleven populated cells and two
kindergartens (Udir Barnehagefakta rows of the real pack: Flåklypa on Snarøya,
Hundsund just north of the neck). The drive network is built here, from arrays
(:func:`geo.network.network_from_arrays`), with the speeds and capacities of
``geo.settings.ROAD_CLASSES``:

* Snarøya: a loop of residential streets (one unnamed) around Snarøyveien;
* the neck: Snarøyveien is the only road north, a single point of failure;
* Fornebu: Snarøyveien (primary) to Lysaker, where it leaves the data (a
  data-edge exit), and a tertiary loop (Forneburingen, Widerøeveien) past
  Telenor Arena and Quality Hotel Expo;
* an islet with one road of its own, connected to nothing.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
from pyproj import Transformer

from geo import settings
from geo.network import RoadNetwork, network_from_arrays
from geo.region import Region

#: The pack files of the synthetic region.
MINI_REGION_DIR = Path(__file__).parent / "data" / "mini_region"

#: Road nodes (lon, lat), by name.
NODES: dict[str, tuple[float, float]] = {
    "snaroya_south": (10.6104, 59.8790),
    "snaroya_mid": (10.6135, 59.8830),
    "snaroya_north": (10.6185, 59.8866),
    "neck": (10.6215, 59.8895),
    "neck_north": (10.6220, 59.8930),
    "west_south": (10.6030, 59.8795),
    "west_mid": (10.6040, 59.8835),
    "west_north": (10.6100, 59.8866),
    "east_south": (10.6230, 59.8800),
    "east_mid": (10.6255, 59.8850),
    "fornebu_south": (10.6240, 59.8975),
    "quality_expo": (10.6275, 59.9015),
    "fornebu_north": (10.6280, 59.9060),
    "lysaker": (10.6285, 59.9100),
    "ring_south": (10.6150, 59.8960),
    "ring_mid": (10.6155, 59.8985),
    "ring_north": (10.6170, 59.9010),
    "arena": (10.6225, 59.9030),
    "islet_west": (10.5870, 59.8808),
    "islet_east": (10.5910, 59.8822),
}

#: Two-way roads: (from, to, name, OSM class).
ROADS: tuple[tuple[str, str, str, str], ...] = (
    ("snaroya_south", "snaroya_mid", "Snarøyveien", "tertiary"),
    ("snaroya_mid", "snaroya_north", "Snarøyveien", "tertiary"),
    ("snaroya_north", "neck", "Snarøyveien", "tertiary"),
    ("neck", "neck_north", "Snarøyveien", "tertiary"),
    ("snaroya_south", "west_south", "Bruksveien", "residential"),
    ("west_south", "west_mid", "Hundsundveien", "residential"),
    ("west_mid", "snaroya_mid", "", "residential"),
    ("west_mid", "west_north", "Langoddveien", "residential"),
    ("west_north", "snaroya_north", "Langoddveien", "residential"),
    ("snaroya_south", "east_south", "Strømstangveien", "residential"),
    ("east_south", "east_mid", "Haldenveien", "residential"),
    ("east_mid", "snaroya_north", "Haldenveien", "residential"),
    ("neck_north", "fornebu_south", "Snarøyveien", "primary"),
    ("fornebu_south", "quality_expo", "Snarøyveien", "primary"),
    ("quality_expo", "fornebu_north", "Snarøyveien", "primary"),
    ("fornebu_north", "lysaker", "Snarøyveien", "primary"),
    ("neck_north", "ring_south", "Forneburingen", "tertiary"),
    ("ring_south", "ring_mid", "Forneburingen", "tertiary"),
    ("ring_mid", "ring_north", "Forneburingen", "tertiary"),
    ("ring_north", "arena", "Widerøeveien", "tertiary"),
    ("arena", "quality_expo", "Widerøeveien", "tertiary"),
    ("islet_west", "islet_east", "Holmenveien", "residential"),
)


def drive_network() -> RoadNetwork:
    """The synthetic drive network (EPSG:25832), both directions of every road."""
    names = list(NODES)
    lon, lat = np.array(list(NODES.values())).T
    x, y = Transformer.from_crs(settings.MAP_CRS, settings.WORK_CRS, always_xy=True).transform(
        lon, lat
    )
    u = np.array([names.index(a) for a, *_ in ROADS])
    v = np.array([names.index(b) for _, b, *_ in ROADS])
    highway = [h for *_, h in ROADS] * 2
    return network_from_arrays(
        np.column_stack([x, y]),
        np.concatenate([u, v]),
        np.concatenate([v, u]),
        speed_kph=np.array([settings.DRIVE_SPEED_KPH[h] for h in highway]),
        capacity_vph=np.array([settings.LANE_CAPACITY_VPH[h] for h in highway]),
        name=[n for *_, n, _ in ROADS] * 2,
        highway=highway,
    )


@functools.cache
def mini_region() -> Region:
    """The synthetic region, made once per process (its layers are read on first use)."""
    return Region(MINI_REGION_DIR, _networks={"drive": drive_network()})
