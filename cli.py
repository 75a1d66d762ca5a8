"""The ``evac`` command line: a thin shell over ``geo`` and ``planning``.

Every user error is an :class:`geo.errors.EvacError`; it is printed as one
clear line and the command exits with status 2, never with a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from geo.errors import EvacError

if TYPE_CHECKING:
    from geo.region import Region
    from geo.registry import Registry
    from planning.plan import Plan
    from planning.scenario import AdhocSite, Scenario

Handler = Callable[[argparse.Namespace], int]


def _add_region_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("region", help="summarise the region pack")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=_cmd_region)

    p = sub.add_parser("fetch", help="download a region online (OSM roads, boundary, POIs)")
    p.add_argument("place", help='place name, e.g. "Bærum, Norway"')
    p.add_argument("--out", help="region directory to write (default: the cache)")
    p.add_argument(
        "--population",
        metavar="CSV",
        help="SSB 250 m population grid (ru250m;pop_tot) to copy into the region",
    )
    p.set_defaults(handler=_cmd_fetch)


def region_summary(
    data: str | None, home: str = "3201", *, include_construction: bool = False
) -> dict[str, Any]:
    """Facts about the region pack for ``evac region``."""
    from geo.region import load_region
    from geo.registry import load_actors, load_sites

    region = load_region(data, home=home, include_construction=include_construction)
    row = region.home_row
    nets = {m: region.network(m) for m in ("drive", "walk")}
    return {
        "data_dir": str(region.path),
        "municipality": {"number": row["kommunenummer"], "name": row["kommunenavn"]},
        "network": {m: {"nodes": n.n_nodes, "edges": n.n_edges} for m, n in nets.items()},
        "population_total": round(region.population_total()),
        "population_vintage": region.population_vintage,
        "sites": load_sites()["name"].tolist(),
        "actors": [a.name for a in load_actors()],
        "pois": {
            "fire_stations": len(region.fire_stations),
            "shelters": len(region.shelters),
            "hospitals": len(region.hospitals),
        },
    }


def _cmd_region(args: argparse.Namespace) -> int:
    s = region_summary(args.data, args.home, include_construction=args.include_construction)
    if args.json:
        print(json.dumps(s, ensure_ascii=False, indent=2))
        return 0
    m = s["municipality"]
    print(f"Region pack:  {s['data_dir']}")
    print(f"Municipality: {m['name']} ({m['number']})")
    for mode, n in s["network"].items():
        print(f"Network {mode + ':':6} {n['nodes']:,} nodes, {n['edges']:,} edges")
    print(f"Population:   {s['population_total']:,} (SSB grid {s['population_vintage']})")
    print(f"Sites:        {', '.join(s['sites'])}")
    print(f"Actors:       {len(s['actors'])}: {', '.join(s['actors'])}")
    return 0


def _cmd_fetch(args: argparse.Namespace) -> int:
    from geo.fetch import fetch_region

    out = fetch_region(args.place, out=args.out, population_csv=args.population)
    hint = f"Use it with --data {out}" if args.population else "Add population/ (see its README)"
    print(f"Region for {args.place!r} written to {out}. {hint}")
    return 0


def _add_plan_commands(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("presets", help="list the preset scenarios").set_defaults(handler=_cmd_presets)
    p = sub.add_parser("plan", help="compute an evacuation plan")
    _add_scenario_args(p)
    p.add_argument("--out", required=True, help="output folder for plan.gpkg and summary.json")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(handler=_cmd_plan)

    from exports import KINDS

    p = sub.add_parser("export", help="plan and write route maps, GIS files, CAP, HTML")
    _add_scenario_args(p)
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--lang", choices=["nb", "en"], default="nb")
    p.add_argument(
        "--kind", action="append", choices=KINDS, help="export kind (repeat; default: all)"
    )
    p.set_defaults(handler=_cmd_export)


def _add_scenario_args(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--preset", help="preset name (see `evac presets`)")
    src.add_argument("--zone", help="zone file: GeoJSON, GeoPackage or KML")
    src.add_argument("--scenario", help="saved scenario JSON file")
    p.add_argument("--name", help="scenario name")
    p.add_argument("--mode", choices=["walk", "drive", "mixed"])
    p.add_argument("--scale", type=float, help="population factor on SSB 2015 (e.g. 1.3)")
    p.add_argument("--override", type=int, help="total residents instead of SSB 2015")
    p.add_argument("--car-share", type=float, help="share leaving by car (mixed mode)")
    p.add_argument("--persons-per-car", type=float)
    p.add_argument(
        "--capacity", action="append", default=[], metavar="SITE=N", help="site capacity"
    )
    p.add_argument("--disable-site", action="append", default=[], metavar="SITE")
    p.add_argument(
        "--closure",
        action="append",
        default=[],
        metavar="FILE",
        help="closed roads (lines or polygons)",
    )
    p.add_argument(
        "--site",
        action="append",
        default=[],
        metavar="NAME@LAT,LON=CAPACITY",
        help="add a reception site, e.g. 'Stabekk skole@59.9085,10.6075=300' (repeatable)",
    )
    p.add_argument(
        "--reception-share",
        type=float,
        help="share of evacuees who seek a reception place (default 0.15, Baker 1991)",
    )
    p.add_argument(
        "--exit-buffer", type=float, help="metres beyond the zone where a safe exit is (500)"
    )
    p.add_argument(
        "--capacity-range",
        metavar="LOW,CENTRAL,HIGH",
        help="factors on road capacities for the clearance range (default 0.75,1,1.25)",
    )


def _cmd_presets(args: argparse.Namespace) -> int:
    from planning.presets import list_presets

    for info in list_presets():
        print(f"{info.name:14} {info.title_nb} / {info.title_en}")
    return 0


def scenario_from_args(args: argparse.Namespace) -> Scenario:
    """Build the scenario an ``evac plan``/``evac export`` command line describes."""
    from pathlib import Path

    from geo.errors import ScenarioError
    from geo.zone_files import line_features, read_geometries, zone_features
    from planning.presets import load_preset
    from planning.scenario import Scenario, SiteOverride, ZoneSpec, scenario_from_json

    def read(path: str) -> bytes:
        try:
            return Path(path).read_bytes()
        except OSError as exc:
            raise ScenarioError(f"Cannot read {path}: {exc.strerror}.") from None

    if args.preset:
        s = load_preset(args.preset)
    elif args.scenario:
        s = scenario_from_json(read(args.scenario).decode("utf-8", "replace"))
    else:
        feats = zone_features(read_geometries(read(args.zone), args.zone), args.zone)
        s = Scenario(
            name=Path(args.zone).stem,
            zones=[
                ZoneSpec(kind="polygon", label=f["label"], geometry=f["geometry"]) for f in feats
            ],
        )
    for path in args.closure:
        s.closures += line_features(read_geometries(read(path), path))
    for key, attr in (
        ("name", "name"),
        ("mode", "mode"),
        ("scale", "population_scale"),
        ("override", "population_override"),
        ("car_share", "car_share"),
        ("persons_per_car", "persons_per_car"),
    ):
        if getattr(args, key) is not None:
            setattr(s, attr, getattr(args, key))
    for item in args.capacity:
        name, sep, value = item.rpartition("=")
        if not sep or not value.strip().lstrip("-").isdigit():
            raise ScenarioError(
                f"--capacity {item!r}: write SITE=NUMBER, e.g. 'Telenor Arena=9000'."
            )
        s.sites.setdefault(name.strip(), SiteOverride()).capacity = int(value)
    for name in args.disable_site:
        s.sites.setdefault(name, SiteOverride()).active = False
    s.added_sites += [parse_site(item) for item in args.site]
    if args.reception_share is not None:
        s.reception_share = _finite(args.reception_share, "--reception-share")
    if args.exit_buffer is not None:
        s.exit_buffer_m = _finite(args.exit_buffer, "--exit-buffer")
    if args.capacity_range is not None:
        s.capacity_range = parse_capacity_range(args.capacity_range)
    return s.validate()


def _finite(value: float, option: str) -> float:
    import math

    from geo.errors import ScenarioError

    if not math.isfinite(value):
        raise ScenarioError(f"{option} {value}: give a finite number.")
    return value


#: Mainland Norway for ``--site`` coordinates (lat, lon degrees).
NORWAY_LAT = (57.0, 72.0)
NORWAY_LON = (4.0, 32.0)


def parse_site(text: str) -> AdhocSite:
    """``NAME@LAT,LON=CAPACITY`` -> an ad-hoc reception site (``--site``).

    Raises
    ------
    ScenarioError
        Naming what is wrong: the syntax, a non-finite or negative number, or
        coordinates outside Norway (and whether they look swapped).
    """
    import math
    import re

    from geo.errors import ScenarioError
    from planning.scenario import AdhocSite

    example = "e.g. --site 'Stabekk skole@59.9085,10.6075=300'"
    m = re.fullmatch(r"\s*(.+?)\s*@\s*([^,=]+?)\s*,\s*([^,=]+?)\s*=\s*(\S+)\s*", text)
    if not m:
        raise ScenarioError(f"--site {text!r}: write NAME@LAT,LON=CAPACITY, {example}.")
    name, lat_s, lon_s, cap_s = m.groups()
    try:
        lat, lon = float(lat_s), float(lon_s)
    except ValueError:
        raise ScenarioError(f"--site {text!r}: LAT and LON must be numbers, {example}.") from None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ScenarioError(f"--site {text!r}: LAT and LON must be finite numbers.")
    if not cap_s.isdigit():
        raise ScenarioError(
            f"--site {text!r}: CAPACITY must be a whole number of people >= 0, got {cap_s!r}."
        )
    in_norway = NORWAY_LAT[0] <= lat <= NORWAY_LAT[1] and NORWAY_LON[0] <= lon <= NORWAY_LON[1]
    if not in_norway:
        swapped = NORWAY_LAT[0] <= lon <= NORWAY_LAT[1] and NORWAY_LON[0] <= lat <= NORWAY_LON[1]
        hint = f" They look swapped: write LAT,LON = {lon},{lat}." if swapped else ""
        raise ScenarioError(
            f"--site {text!r}: {lat},{lon} is not in Norway (lat 57–72, lon 4–32).{hint}"
        )
    return AdhocSite(name=name, lon=lon, lat=lat, capacity=int(cap_s))


def parse_capacity_range(text: str) -> tuple[float, float, float]:
    """``LOW,CENTRAL,HIGH`` road-capacity factors (``--capacity-range``), checked."""
    import math

    from geo.errors import ScenarioError

    parts = text.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 3 or not all(math.isfinite(v) for v in values):
        raise ScenarioError(
            f"--capacity-range {text!r}: write three numbers LOW,CENTRAL,HIGH, e.g. 0.75,1,1.25."
        )
    low, central, high = values
    if not 0.1 <= low <= central <= high <= 3.0:
        raise ScenarioError(f"--capacity-range {text!r}: need 0.1 <= LOW <= CENTRAL <= HIGH <= 3.")
    return low, central, high


def _region(args: argparse.Namespace) -> Region:
    """The region pack the global options name."""
    from geo.region import load_region

    return load_region(args.data, home=args.home, include_construction=args.include_construction)


def _plan(args: argparse.Namespace) -> tuple[Plan, Region, Registry]:
    """The plan the command line describes, with the region and registry it used."""
    from geo.registry import load_registry
    from planning.plan import make_plan

    scenario = scenario_from_args(args)
    region, registry = _region(args), load_registry()
    return make_plan(scenario, region, registry), region, registry


def _cmd_plan(args: argparse.Namespace) -> int:
    from pathlib import Path

    from exports.data_files import to_geopackage

    plan, _, _ = _plan(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    to_geopackage(plan, out / "plan.gpkg")
    text = json.dumps(plan.summary, ensure_ascii=False, indent=2)
    (out / "summary.json").write_text(text, encoding="utf-8")
    if args.json:
        print(text)
    else:
        _print_summary(plan.summary)
        print(f"Wrote {out / 'plan.gpkg'} and {out / 'summary.json'}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from exports import KINDS
    from exports.bundle import write_exports

    plan, region, registry = _plan(args)
    kinds = args.kind or KINDS
    paths = write_exports(plan, region, registry.sites, Path(args.out), kinds, args.lang)
    for path in paths:
        print(path)
    return 0


def _print_summary(s: dict[str, Any]) -> None:
    c = s["clearance_minutes"]
    print(f"Scenario: {s['scenario']}{'  [ØVELSE / EXERCISE]' if s['exercise'] else ''}")
    print(f"Evacuees: {s['evacuees_total']:,}")
    for site, people in s["assigned"].items():
        print(f"  -> {site}: {people:,}")
    print(
        f"Own arrangements: {s.get('own_arrangements', 0):,}   "
        f"Unassigned (sought a place, none free): {s['unassigned']:,}   "
        f"Unreachable: {s['unreachable']:,}"
    )
    for reason, people in s["unreachable_reasons"].items():
        print(f"    {people:,}: {reason}")
    for e in s.get("exits", []):
        print(f"  exit {e['name']}: {e['people']:,}")
    low = s.get("clearance_range_minutes", {}).get("low", {})
    high = s.get("clearance_range_minutes", {}).get("high", {})
    print(
        f"Clearance (min, capacity range in brackets): leave zone p50 {c.get('leave_p50')} / "
        f"p90 {c['leave_p90']} [{high.get('leave_p90')}–{low.get('leave_p90')}] / "
        f"p100 {c['leave_p100']}; arrive p50 {c.get('p50')} / "
        f"p90 {c['p90']} [{high.get('p90')}–{low.get('p90')}] / p100 {c['p100']}"
    )
    for f in s.get("single_points_of_failure", []):
        print(f"  single point of failure {f['name']}: {f['people_cut_off']:,} people cut off")
    for b in s["bottlenecks"]:
        print(
            f"  bottleneck {b['name']}: {b['vehicles'] or b['people']:.0f} on "
            f"{b['capacity_vph']:.0f}/h ({b['hours_at_capacity']} h at capacity)"
        )
    print("Responsible: " + ", ".join(a["name"] for a in s["responsible_actors"]))
    for a in s["actions"]:
        print(f"  action ({a['who_name']}): {a['what_en']}")
    for w in s["warnings"]:
        print(f"  warning: {w}")


def build_parser() -> argparse.ArgumentParser:
    """The ``evac`` argument parser with every subcommand."""
    from store.cli import add_scenario_commands

    parser = argparse.ArgumentParser(
        prog="evac", description="Evacuation planning for Bærum kommune (Snarøya/Fornebu)."
    )
    parser.add_argument(
        "--data", help="region pack directory (default: $EVAC_DATA or ../shared/geodata)"
    )
    parser.add_argument(
        "--home", default="3201", help="municipality number to plan for (default 3201 Bærum)"
    )
    parser.add_argument(
        "--include-construction",
        action="store_true",
        help="route over roads tagged highway=construction (e.g. Snarøyveien during the "
        "Fornebubanen works); excluded by default",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    _add_region_commands(sub)
    _add_plan_commands(sub)
    add_scenario_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except EvacError as exc:
        print(f"evac: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        # A bug, not bad input: still one line for the user, the traceback on request.
        if os.environ.get("EVAC_DEBUG"):
            raise
        print(
            f"evac: internal error: {type(exc).__name__}: {exc}. Please report it; "
            "set EVAC_DEBUG=1 to see the traceback.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
