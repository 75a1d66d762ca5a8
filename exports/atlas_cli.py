"""``evac atlas`` and ``evac criticality``: many plans, serial or on a Dask cluster."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.errors import ScenarioError

if TYPE_CHECKING:
    from planning.batch import Shared


def add_atlas_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``atlas`` and ``criticality`` subcommands."""
    from cli import _add_scenario_args

    p = sub.add_parser("atlas", help="pre-plan every zone of the covered area (zone book)")
    area = p.add_mutually_exclusive_group()
    area.add_argument("--within-preset", metavar="NAME", help="only the area of this preset")
    area.add_argument("--area", metavar="FILE", help="only this area (GeoJSON/GPKG/KML polygon)")
    p.add_argument("--target-people", type=float, help="residents per zone (default 1500)")
    p.add_argument("--max-km2", type=float, help="largest zone area in km² (default 1.0)")
    p.add_argument("--mode", choices=["walk", "drive", "mixed"], help="travel mode of the plans")
    _add_run_args(p)
    p.set_defaults(handler=cmd_atlas)

    p = sub.add_parser("criticality", help="rank road links by the harm their closure does")
    _add_scenario_args(p)
    _add_run_args(p)
    p.set_defaults(handler=cmd_criticality)

    p = sub.add_parser(
        "atlas-criticality", help="criticality of the road links of every zone of an atlas"
    )
    p.add_argument("--atlas", required=True, metavar="DIR", help="output folder of `evac atlas`")
    _add_run_args(p)
    p.set_defaults(handler=cmd_atlas_criticality)


def _add_run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--lang", choices=["nb", "en"], default="nb")
    p.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes of the local Dask cluster (default: one per core; "
        "1: no Dask, plan here one after another)",
    )
    p.add_argument("--scheduler", metavar="tcp://HOST:8786", help="run on this Dask cluster")


def progress_bar(what: str) -> Callable[[int, int], None]:
    """A one-line text progress bar on stderr: ``[#####.....] 12/31 zones``."""
    start = time.perf_counter()

    def show(done: int, total: int) -> None:
        filled = round(30 * done / max(total, 1))
        seconds = time.perf_counter() - start
        end = "\n" if done == total else ""
        print(
            f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} {what} ({seconds:.0f} s)",
            end=end,
            file=sys.stderr,
            flush=True,
        )

    return show


def _shared(args: argparse.Namespace) -> Shared:
    from cli import _region
    from geo.registry import load_registry
    from planning.batch import Shared, prepared_region

    return Shared(prepared_region(_region(args)), load_registry())


def _area(args: argparse.Namespace) -> Any:
    import shapely

    from geo.zone_files import read_geometries, zone_features
    from planning.presets import preset_zone
    from planning.zones import to_work

    if args.within_preset:
        return preset_zone(args.within_preset)
    if args.area:
        try:
            data = Path(args.area).read_bytes()
        except OSError as exc:
            raise ScenarioError(f"Cannot read {args.area}: {exc.strerror}.") from None
        feats = zone_features(read_geometries(data, args.area), args.area)
        return shapely.union_all([to_work(shapely.geometry.shape(f["geometry"])) for f in feats])
    return None


def cmd_atlas(args: argparse.Namespace) -> int:
    """Partition, plan every zone, write the atlas files."""
    from exports.atlas_files import write_atlas
    from exports.bundle import basemap_layers
    from planning.atlas import AtlasOptions, partition
    from planning.atlas_figures import atlas_table
    from planning.batch import run_atlas
    from planning.scenario import Scenario

    shared = _shared(args)
    region = shared.region
    defaults = AtlasOptions()
    options = AtlasOptions(
        args.target_people or defaults.target_people, args.max_km2 or defaults.max_km2
    )
    zones = partition(
        region.population, region.coverage, region.network("drive"), options, _area(args)
    )
    base = Scenario(name="atlas", mode=args.mode) if args.mode else Scenario(name="atlas")
    print(f"{len(zones)} zones, {int(zones['residents'].sum()):,} residents", file=sys.stderr)
    results = run_atlas(
        zones,
        base,
        shared,
        workers=args.workers,
        scheduler=args.scheduler,
        progress=progress_bar("zones"),
    )
    atlas = atlas_table(zones, results)
    meta = {
        "target_people": options.target_people,
        "max_km2": options.max_km2,
        "population_vintage": region.population_vintage,
    }
    paths = write_atlas(
        Path(args.out),
        atlas,
        results,
        base,
        meta,
        basemap_layers(region),
        shared.registry.sites,
        args.lang,
    )
    for r, name in zip(results, zones["name"], strict=True):
        if r["error"]:
            print(f"warning: zone {name}: {r['error']}", file=sys.stderr)
    for path in paths:
        print(path)
    return 0


def cmd_criticality(args: argparse.Namespace) -> int:
    """Close every loaded road link in turn, re-plan, rank, write the files."""
    import pandas as pd

    from cli import scenario_from_args
    from exports.atlas_files import write_criticality
    from exports.bundle import basemap_layers
    from planning.batch import run_criticality
    from planning.criticality import rank_links

    shared = _shared(args)
    scenario = scenario_from_args(args)
    before, segments, after = run_criticality(
        scenario,
        shared,
        workers=args.workers,
        scheduler=args.scheduler,
        progress=progress_bar("links"),
    )
    ranked = rank_links(segments, before, after)
    paths = write_criticality(
        Path(args.out), ranked, scenario.name, before, basemap_layers(shared.region), args.lang
    )
    for row in ranked.head(5).itertuples():
        p90_after = "-" if pd.isna(row.p90_after) else row.p90_after
        print(
            f"{row.rank:3}. {row.name}: cuts off {row.people_cut_off:,}, "
            f"p90 {row.p90_before} -> {p90_after} min"
        )
    for path in paths:
        print(path)
    return 0


def read_atlas(folder: str) -> tuple[Any, Any]:
    """The zones (atlas.gpkg) and base scenario (atlas.json) an ``evac atlas`` run wrote."""
    import geopandas as gpd
    from pyogrio.errors import DataSourceError

    from planning.scenario import scenario_from_dict

    path = Path(folder)
    try:
        zones = gpd.read_file(path / "atlas.gpkg", layer="zones")
        doc = json.loads((path / "atlas.json").read_text("utf-8"))
    except (OSError, ValueError, KeyError, DataSourceError) as exc:
        raise ScenarioError(
            f"Cannot read the atlas in {folder} ({exc}): run `evac atlas --out {folder}` first."
        ) from None
    return zones, scenario_from_dict(doc["scenario_base"])


def cmd_atlas_criticality(args: argparse.Namespace) -> int:
    """Criticality for every atlas zone, ranked over all zones."""
    from exports.atlas_files import write_criticality
    from exports.bundle import basemap_layers
    from planning.atlas_figures import zone_scenario
    from planning.batch import run_zone_criticality
    from planning.criticality import combine_rankings, rank_links

    zones, base = read_atlas(args.atlas)
    shared = _shared(args)
    scenarios = [
        zone_scenario(n, g, base) for n, g in zip(zones["name"], zones.geometry, strict=True)
    ]
    results = run_zone_criticality(
        scenarios,
        shared,
        workers=args.workers,
        scheduler=args.scheduler,
        progress=progress_bar("plans"),
    )
    per_zone = []
    for zid, name, (before, segments, after) in zip(
        zones["zone_id"], zones["name"], results, strict=True
    ):
        if before["error"]:
            print(f"warning: zone {name}: {before['error']}", file=sys.stderr)
        elif segments is not None and len(segments):
            per_zone.append((zid, name, rank_links(segments, before, after)))
    ranked = combine_rankings(per_zone)
    paths = write_criticality(
        Path(args.out),
        ranked,
        f"atlas ({len(zones)})",
        {},
        basemap_layers(shared.region),
        args.lang,
    )
    for path in paths:
        print(path)
    return 0
