"""The ``evac`` command line: a thin shell over ``geo`` and ``planning``.

Every user error is an :class:`geo.errors.EvacError`; it is printed as one
clear line and the command exits with status 2, never with a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from geo.errors import EvacError

if TYPE_CHECKING:
    import geopandas as gpd

    from geo.region import Region
    from geo.registry import Registry
    from planning.plan import Plan
    from planning.scenario import AdhocSite, Scenario
    from planning.summary_model import PlanSummary


def _add_region_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
        "population_vintages": _population_vintages(region),
        "sites": load_sites()["name"].tolist(),
        "actors": [a.name for a in load_actors()],
        "pois": {
            "fire_stations": len(region.fire_stations),
            "shelters": len(region.shelters),
            "hospitals": len(region.hospitals),
        },
    }


def _population_vintages(region: Region) -> dict[str, dict[str, Any]]:
    """Per grid vintage: the home municipality's residents and the counties covered."""
    return {
        s.vintage: {
            "population_total": round(region.population_total(vintage=s.vintage)),
            "coverage": ", ".join(s.county_names) or "all counties",
        }
        for s in region.population_sources
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
    for vintage, v in s["population_vintages"].items():
        print(f"  SSB {vintage}:   {v['population_total']:,} (covers {v['coverage']})")
    print(f"Sites:        {', '.join(s['sites'])}")
    print(f"Actors:       {len(s['actors'])}: {', '.join(s['actors'])}")
    return 0


def _cmd_fetch(args: argparse.Namespace) -> int:
    from geo.fetch import fetch_region

    out = fetch_region(args.place, out=args.out, population_csv=args.population)
    hint = f"Use it with --data {out}" if args.population else "Add population/ (see its README)"
    print(f"Region for {args.place!r} written to {out}. {hint}")
    return 0


def _add_plan_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("presets", help="list the preset scenarios").set_defaults(handler=_cmd_presets)
    p = sub.add_parser("plan", help="compute an evacuation plan")
    _add_scenario_args(p)
    p.add_argument("--out", required=True, help="output folder for plan.gpkg and summary.json")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument(
        "--lang",
        choices=["nb", "en"],
        default="en",
        help="language of warnings, reasons and actions (printed, as 'text' in the JSON, "
        "and the reason columns of plan.gpkg)",
    )
    p.set_defaults(handler=_cmd_plan)

    from exports import KINDS

    p = sub.add_parser("export", help="plan and write route maps, GIS files, CAP, HTML")
    _add_scenario_args(p)
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--lang", choices=["nb", "en"], default="nb", help="language of every export")
    p.add_argument(
        "--kind", action="append", choices=KINDS, help="export kind (repeat; default: all)"
    )
    p.add_argument(
        "--not-exercise",
        action="store_true",
        help="this is a real incident, not an exercise: exports carry no ØVELSE marking and "
        "the CAP alert has status Actual (a real public warning)",
    )
    p.set_defaults(handler=_cmd_export)


def _add_simulate_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "simulate", help="cross-check a plan's car traffic with SUMO (needs pip install .[sim])"
    )
    _add_scenario_args(p)
    p.add_argument("--out", default="out/simulation", help="folder for simulation.json")
    p.add_argument("--reroute", action="store_true", help="let SUMO reroute cars every 2 min")
    p.add_argument(
        "--planner-capacities",
        action="store_true",
        help="give SUMO the planner's road capacities (sensitivity run)",
    )
    p.add_argument("--json", action="store_true", help="print simulation.json")
    p.set_defaults(handler=_cmd_simulate)


def _add_scenario_args(p: argparse.ArgumentParser) -> None:
    from planning.scenario import POPULATION_VINTAGES

    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--preset", help="preset name (see `evac presets`)")
    src.add_argument("--zone", help="zone file: GeoJSON, GeoPackage or KML")
    src.add_argument("--scenario", help="saved scenario JSON file")
    p.add_argument("--name", help="scenario name")
    p.add_argument("--mode", choices=["walk", "drive", "mixed"])
    p.add_argument(
        "--population-vintage",
        choices=list(POPULATION_VINTAGES),
        help="SSB grid year; auto = the newest grid covering the zone (the default)",
    )
    p.add_argument(
        "--scale", type=float, help="factor on the SSB grid's population (e.g. 1.1 for +10 %%)"
    )
    p.add_argument("--override", type=int, help="total residents instead of the SSB grid's")
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


def scenario_from_args(args: argparse.Namespace, sites: gpd.GeoDataFrame | None = None) -> Scenario:
    """Build the scenario an ``evac plan``/``evac export`` command line describes.

    ``sites`` are the registry's reception sites (``--capacity``, ``--disable-site``);
    read from the registry when not given.
    """
    from geo.coords import CLOSURE_TYPES
    from geo.zone_files import line_features, read_geometries, unused_features

    s = _base_scenario(args)
    for path in args.closure:
        gdf = read_geometries(_read_input(path), path)
        unused_features(gdf, path, CLOSURE_TYPES)
        s.closures += line_features(gdf, path)
    for key, attr in (
        ("name", "name"),
        ("mode", "mode"),
        ("scale", "population_scale"),
        ("override", "population_override"),
        ("car_share", "car_share"),
        ("persons_per_car", "persons_per_car"),
        ("population_vintage", "population_vintage"),
    ):
        if getattr(args, key) is not None:
            setattr(s, attr, getattr(args, key))
    _apply_site_args(s, args, sites)
    s.added_sites += [parse_site(item) for item in args.site]
    if args.reception_share is not None:
        s.reception_share = _finite(args.reception_share, "--reception-share")
    if args.exit_buffer is not None:
        s.exit_buffer_m = _finite(args.exit_buffer, "--exit-buffer")
    if args.capacity_range is not None:
        s.capacity_range = parse_capacity_range(args.capacity_range)
    if getattr(args, "not_exercise", False):
        s.exercise = False
    return s.validate()


def _read_input(path: str) -> bytes:
    from pathlib import Path

    from geo.errors import ScenarioError

    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ScenarioError(f"Cannot read {path}: {exc.strerror}.") from None


def _base_scenario(args: argparse.Namespace) -> Scenario:
    """The preset, the scenario file, or a zone file's zones and closures."""
    from pathlib import Path

    from geo.errors import ZoneError
    from geo.zone_files import read_geometries, split_upload
    from planning.presets import load_preset
    from planning.scenario import Scenario, ZoneSpec, scenario_from_json

    if args.preset:
        return load_preset(args.preset)
    if args.scenario:
        return scenario_from_json(_read_input(args.scenario), args.scenario)
    zones, closures = split_upload(read_geometries(_read_input(args.zone), args.zone), args.zone)
    if not zones:
        raise ZoneError(f"{args.zone} has only road closures: a zone file needs a polygon.")
    return Scenario(
        name=Path(args.zone).stem,
        zones=[ZoneSpec(kind="polygon", label=f["label"], geometry=f["geometry"]) for f in zones],
        closures=closures,
    )


def _apply_site_args(s: Scenario, args: argparse.Namespace, sites: gpd.GeoDataFrame | None) -> None:
    """Site names (or their alternative names) in ``--capacity`` and ``--disable-site``."""
    from geo.registry import canonical_site_overrides, load_sites, site_name
    from planning.scenario import SiteOverride

    sites = load_sites() if sites is None else sites
    s.sites = canonical_site_overrides(sites, s.sites)
    for item in args.capacity:
        name, capacity = parse_capacity(item)
        s.sites.setdefault(site_name(sites, name), SiteOverride()).capacity = capacity
    for name in args.disable_site:
        s.sites.setdefault(site_name(sites, name), SiteOverride()).active = False


#: Most digits accepted in a --capacity number (up to 9,999,999 people).
_MAX_CAPACITY_DIGITS = 7


def parse_capacity(item: str) -> tuple[str, int]:
    """Split a ``--capacity SITE=N`` value into the site name and a whole number.

    Only ASCII digits count (``"²"`` is not a number), and at most seven of them.

    Raises
    ------
    ScenarioError
        If the value is not ``SITE=NUMBER``.
    """
    from geo.errors import ScenarioError

    name, sep, value = item.rpartition("=")
    value = value.strip()
    digits = value.removeprefix("-")
    example = "write SITE=NUMBER, e.g. 'Telenor Arena=9000'"
    if not sep or not name.strip() or not (digits.isascii() and digits.isdigit()):
        raise ScenarioError(f"--capacity {item!r}: {value!r} is not a whole number; {example}.")
    if len(digits) > _MAX_CAPACITY_DIGITS:
        raise ScenarioError(f"--capacity {item!r}: {value} people is not plausible; {example}.")
    return name.strip(), int(value)


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


def _scenario(args: argparse.Namespace) -> tuple[Scenario, Registry]:
    """The scenario the command line describes and the registry (read once) it names."""
    from geo.registry import load_registry

    registry = load_registry()
    return scenario_from_args(args, registry.sites), registry


def _plan(args: argparse.Namespace, scenario: Scenario, registry: Registry) -> tuple[Plan, Region]:
    """The plan of ``scenario`` in the region the command line names, with that region."""
    from planning.plan import make_plan

    region = _region(args)
    return make_plan(scenario, region, registry), region


def _cmd_plan(args: argparse.Namespace) -> int:
    from exports.data_files import to_geopackage
    from geo.atomic import ensure_folder, write_text
    from planning.summary_model import with_texts

    scenario, registry = _scenario(args)
    out = ensure_folder(args.out)  # before the plan: a bad folder fails fast
    plan, _ = _plan(args, scenario, registry)
    to_geopackage(plan, out / "plan.gpkg", lang=args.lang)
    # The neutral summary, each message also rendered ("text") so people can read and
    # grep it; read_summary drops the texts. allow_nan=False: strict JSON for every reader.
    readable = with_texts(plan.summary, args.lang)
    text = json.dumps(readable, ensure_ascii=False, indent=2, allow_nan=False)
    write_text(out / "summary.json", text)
    if args.json:
        print(text)
    else:
        _print_summary(plan.summary, args.lang)
        print(f"Wrote {out / 'plan.gpkg'} and {out / 'summary.json'}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from exports import KINDS
    from exports.bundle import check_exportable, write_exports
    from geo.atomic import ensure_folder

    scenario, registry = _scenario(args)
    kinds = args.kind or KINDS
    actual = bool(args.not_exercise)
    check_exportable(scenario, kinds, actual=actual)  # before the plan: fail fast
    out = ensure_folder(args.out)
    plan, region = _plan(args, scenario, registry)
    paths = write_exports(plan, region, registry.sites, out, kinds, args.lang, actual=actual)
    for path in paths:
        print(path)
    return 0


def _cmd_simulate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sim.compare import simulate_plan

    plan, region = _plan(args, *_scenario(args))
    data = simulate_plan(
        plan,
        region,
        Path(args.out),
        reroute=args.reroute,
        planner_capacities=args.planner_capacities,
    )
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print_simulation(data)
        print(f"Wrote {Path(args.out) / 'simulation.json'}")
    return 0


def print_simulation(data: dict[str, Any]) -> None:
    """Print the fast estimate next to SUMO's, their ratio and what became of every car."""
    m = data["minutes"]
    print(f"Scenario: {data['scenario']}  ({data['demand']['cars']:,} cars)")
    print(f"{'minutes':12} {'fast':>7} {'SUMO':>7} {'SUMO/fast':>10}")
    for key in m["sumo"]:
        row = (m["fast"][key], m["sumo"][key], m["ratio_sumo_to_fast"][key])
        cells = [f"{'-' if v is None else v:>{w}}" for v, w in zip(row, (7, 7, 10), strict=True)]
        print(f"{key:12} " + " ".join(cells))
    v = data["vehicles"]
    print(
        f"Cars: {v['arrived']:,} arrived, {v['not_arrived']:,} did not arrive, "
        f"{v['not_inserted']:,} could not be routed/inserted, {v['teleports']:,} teleports"
    )
    print(f"SUMO ran {data['timing_s']['sumo']} s")


def _print_summary(s: PlanSummary, lang: str) -> None:
    from planning.i18n import render

    c = s["clearance_minutes"]
    print(f"Scenario: {s['scenario']}{'  [ØVELSE / EXERCISE]' if s['exercise'] else ''}")
    vintage = s["population_vintage"]
    print(f"Evacuees: {s['evacuees_total']:,}" + (f" (SSB {vintage})" if vintage else ""))
    for site, people in s["assigned"].items():
        print(f"  -> {site}: {people:,}")
    print(
        f"Own arrangements: {s['own_arrangements']:,}   "
        f"Unassigned (sought a place, none free): {s['unassigned']:,}   "
        f"Unreachable: {s['unreachable']:,}"
    )
    for r in s["unreachable_reasons"]:
        print(f"    {r['people']:,}: {render(r['reason'], lang)}")
    for e in s["exits"]:
        print(f"  exit {render(e['label'], lang)}: {e['people']:,}")
    # The range is empty in a summary from before it existed (v1, see read_summary).
    low = s["clearance_range_minutes"].get("low", {})
    high = s["clearance_range_minutes"].get("high", {})
    print(
        f"Clearance (min, capacity range in brackets): leave zone p50 {c.get('leave_p50')} / "
        f"p90 {c['leave_p90']} [{high.get('leave_p90')}–{low.get('leave_p90')}] / "
        f"p100 {c['leave_p100']}; arrive p50 {c.get('p50')} / "
        f"p90 {c['p90']} [{high.get('p90')}–{low.get('p90')}] / p100 {c['p100']}"
    )
    for f in s["single_points_of_failure"]:
        print(f"  single point of failure {f['name']}: {f['people_cut_off']:,} people cut off")
    for b in s["bottlenecks"]:
        print(
            f"  bottleneck {b['name']}: {b['vehicles'] or b['people']:.0f} on "
            f"{b['capacity_vph']:.0f}/h ({b['hours_at_capacity']} h at capacity)"
        )
    print("Responsible: " + ", ".join(a["name"] for a in s["responsible_actors"]))
    for a in s["actions"]:
        print(f"  action ({a['who_name']}): {render(a['what'], lang)}")
    for w in s["warnings"]:
        print(f"  warning: {render(w, lang)}")


def build_parser() -> argparse.ArgumentParser:
    """The ``evac`` argument parser with every subcommand."""
    from exports.atlas_cli import add_atlas_commands
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
    _add_simulate_command(sub)
    add_scenario_commands(sub)
    add_atlas_commands(sub)
    return parser


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to the current ``sys.stderr`` (which tests and callers may swap)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def show_notices() -> None:
    """Print the library's one-line notices (e.g. a rebuilt network cache) on stderr."""
    logger = logging.getLogger("geo")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("evac: note: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit status."""
    # No command does dense linear algebra, but OpenBLAS (one copy in numpy, one in
    # scipy) starts a thread per core when it is imported: about 0.1 s of CPU and wall
    # time of every cold `evac` process on the 2-core reference machine
    # (bench/bench_cold_cli.py). Set before numpy is imported; a user's value wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    parser = build_parser()
    args = parser.parse_args(argv)
    show_notices()
    try:
        return int(args.handler(args))
    except EvacError as exc:
        print(f"evac: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        # The machine, not the program: a file or folder named on the command line.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"evac: error: {where}{exc.strerror or exc}.", file=sys.stderr)
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
