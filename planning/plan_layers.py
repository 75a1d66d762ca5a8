"""The plan's per-row layers: evacuees by status, loaded roads, and one path per trip.

Destination column ``j`` of a flow matrix is reception site ``j``; the last
column is the safe-exit destination (see :func:`planning.plan.route_mode`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo import settings
from planning.clearance import inside_zone_nodes
from planning.destinations import exit_label, tree_roots
from planning.flow_routing import FlowRoutes, ODPath, route_flows
from planning.i18n import Message
from planning.layer_frame import layer_frame
from planning.path_geometry import edge_chains, path_lines
from planning.routing import SiteTrees
from planning.scenario import Scenario

if TYPE_CHECKING:
    from planning.plan import Demand, ModeRoutes

#: Columns of the evacuees layer (see ARCHITECTURE.md).
EVACUEE_COLUMNS: Final = (
    "origin_id",
    "mode",
    "source",
    "people",
    "site",
    "exit",
    "status",
    "reason",
    "travel_min",
    "leave_min",
    "geometry",
)
ROUTE_COLUMNS: Final = (
    "mode",
    "name",
    "highway",
    "capacity_vph",
    "people",
    "vehicles",
    "load_ratio",
    "geometry",
    "single_point_of_failure",
)
PATH_COLUMNS: Final = (
    "origin_id",
    "mode",
    "destination",
    "site",
    "exit",
    "people",
    "travel_min",
    "off_network_m",
    "geometry",
)


def units_per_person(mode: str, scenario: Scenario) -> float:
    """Vehicles per person on the road (cars), or 1 for people on foot."""
    return 1.0 / scenario.persons_per_car if mode == "drive" else 1.0


def leave_seconds(
    trees: SiteTrees, zone: BaseGeometry, dests: np.ndarray | None = None
) -> np.ndarray:
    """Free-flow seconds from each node until the trip has left the zone, per destination.

    Shape (k, n), or one row per entry of ``dests`` (destination indices) when
    given; inf where a destination is unreachable. A trip has left once it
    passes the last zone node on its path (the same rule as the clearance model).
    """
    rows = np.arange(trees.next_node.shape[0]) if dests is None else np.asarray(dests)
    k, n = len(rows), trees.next_node.shape[1]
    here = np.arange(k * n)
    # Flat positions destination * n + node: one-dimensional takes are the fast kind.
    nxt = trees.next_node[rows].ravel()
    ptr = np.where(nxt >= 0, nxt + here // n * n, here)
    last, root = _last_inside(ptr, np.tile(inside_zone_nodes(trees, zone), k))
    # Out of the zone right after the last zone node, or at once; a way ending
    # inside the zone ends at its destination.
    end = np.where(last < 0, here, np.where(last == root, root, ptr[np.maximum(last, 0)]))
    time_s = trees.time_s[rows].ravel()
    end_s = time_s[end]
    left = np.where(np.isfinite(time_s), time_s - np.where(np.isfinite(end_s), end_s, 0), np.inf)
    return left.reshape(k, n)


def _last_inside(ptr: np.ndarray, inside: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per position: the last ``inside`` position on its way (-1: none), and the way's end.

    ``ptr``: the next position on the way (itself at the end). Pointer
    doubling: after round ``i`` each position knows the last inside one among
    its next ``2**i``.
    """
    here = np.arange(len(ptr))
    # The last inside position in [p, ptr(p)): p itself, unless its way ends at p.
    last = np.where(inside & (ptr != here), here, -1)
    while True:
        ahead = last[ptr]
        last = np.where(ahead >= 0, ahead, last)
        hop = ptr[ptr]
        if np.array_equal(hop, ptr):
            return np.where(inside[ptr], ptr, last), ptr
        ptr = hop


@dataclass
class ExitTrips:
    """Where one mode's exit-goers leave: one entry per routed path to the exits."""

    row: np.ndarray  # demand row
    node: np.ndarray  # exit node the path ends at
    people: np.ndarray


def path_ends(mf: ModeFlow, paths: list[ODPath]) -> np.ndarray:
    """The node each routed path ends at (its origin's node when it has no edges)."""
    last = np.array([p.edges[-1] if len(p.edges) else -1 for p in paths], dtype=np.int64)
    rows = np.fromiter((p.row for p in paths), np.int64, len(paths))
    at_end = mf.routes.trees.network.edge_v[np.maximum(last, 0)]
    return np.where(last >= 0, at_end, mf.routes.origin_node[rows]).astype(np.int64)


def exit_trips(
    traffic: dict[str, ModeFlow], od: dict[str, list[ODPath]], k: int
) -> dict[str, ExitTrips]:
    """The exit-bound paths of every mode (destination column ``k``), by end node.

    Capacity-aware routing may send part of a group to another exit than its
    free-flow quickest one; the exits layer counts where people really go.
    """
    out = {}
    for mode, mf in traffic.items():
        paths = [p for p in od[mode] if p.dest == k]
        out[mode] = ExitTrips(
            np.array([mf.rows[p.row] for p in paths], dtype=np.int64),
            path_ends(mf, paths),
            np.array([p.units / mf.units_per_person for p in paths], dtype=float),
        )
    return out


def _most_used_exit(trips: ExitTrips) -> dict[int, int]:
    """Demand row -> the exit node most of its people use."""
    if not len(trips.row):
        return {}
    pairs, which = np.unique(np.column_stack([trips.row, trips.node]), axis=0, return_inverse=True)
    people = np.bincount(which.ravel(), weights=trips.people, minlength=len(pairs))
    # Per row the pair with the most people; a tie goes to the higher node number.
    order = np.lexsort((pairs[:, 1], people, pairs[:, 0]))
    last = np.append(pairs[order[1:], 0] != pairs[order[:-1], 0], True)
    return {int(r): int(v) for r, v in pairs[order[last]]}


def exits_for(
    demand: Demand,
    routes: dict[str, ModeRoutes],
    trips: dict[str, ExitTrips],
    zone: BaseGeometry,
) -> np.ndarray:
    """Name of the exit each demand row mostly uses ("" where unreachable).

    Rows nobody of takes an exit get their free-flow quickest exit.
    """
    names = np.full(len(demand.people), "", dtype=object)
    centre = zone.centroid
    for mode, mr in routes.items():
        rows = np.flatnonzero(demand.mode == mode)
        node = mr.attach.node[demand.origin[rows]]
        ok = node >= 0
        root = tree_roots(mr.trees.next_node[-1])[node[ok]]
        net = mr.trees.network
        if mode in trips:
            majority = _most_used_exit(trips[mode])
            root = np.array([majority.get(r, v) for r, v in zip(rows[ok], root, strict=True)])
        label = {int(v): exit_label(net, int(v), centre) for v in np.unique(root)}
        names[rows[ok]] = [label[int(v)] for v in root]
    return names


def _unassigned_reason(k: int, cost_row: np.ndarray) -> Message:
    if k == 0:
        return Message("reason.no_site_available")
    if not np.isfinite(cost_row).any():
        return Message("reason.no_site_reachable")
    return Message("reason.no_free_capacity")


@dataclass
class _Trips:
    """The evacuee layer's records: one per demand row and destination, as arrays."""

    row: np.ndarray  # demand row
    dest: np.ndarray  # destination column (sites, then the exits); -1 when unreachable
    people: np.ndarray
    status: np.ndarray  # index into _STATUSES


_STATUSES = ("assigned", "unassigned", "own_arrangements", "unreachable")
_ASSIGNED, _UNASSIGNED, _OWN, _UNREACHABLE = range(len(_STATUSES))


def _trip_table(demand: Demand, node: np.ndarray, flows: np.ndarray, k: int) -> _Trips:
    """Every row's trips in row order: its sites, the unassigned seekers, its own arrangements.

    A row whose origin reaches no exit (``node`` < 0) is one unreachable record.
    """
    reach = node >= 0
    site_row, site = np.nonzero((flows[:, :k] != 0) & reach[:, None])
    left = demand.seekers - flows[:, :k].sum(axis=1)
    own = demand.people - demand.seekers
    extra = [np.flatnonzero(reach & (n != 0)) for n in (left, own)]
    gone = np.flatnonzero(~reach)
    row = np.concatenate([site_row, *extra, gone])
    dest = np.concatenate([site, np.full(len(extra[0]) + len(extra[1]), k), np.full(len(gone), -1)])
    sizes = [len(site_row), len(extra[0]), len(extra[1]), len(gone)]
    status = np.repeat([_ASSIGNED, _UNASSIGNED, _OWN, _UNREACHABLE], sizes)
    people = np.concatenate(
        [flows[site_row, site], left[extra[0]], own[extra[1]], demand.people[gone]]
    )
    order = np.lexsort((status, dest, row))  # a row's sites, then unassigned, then own
    return _Trips(row[order], dest[order], people[order].astype(np.int64), status[order])


def _minutes(seconds: np.ndarray) -> list[float]:
    """Seconds as minutes rounded to 0.1 (Python's correctly rounded ``round``; NaN stays)."""
    return [round(s / 60.0, 1) for s in seconds.tolist()]


def _free_flow_minutes(
    trips: _Trips,
    demand: Demand,
    node: np.ndarray,
    routes: dict[str, ModeRoutes],
    zone: BaseGeometry,
) -> tuple[list[float], list[float]]:
    """Free-flow minutes of each trip to its destination and until out of the zone.

    NaN for unreachable rows.
    """
    travel = np.full(len(trips.row), np.nan)
    left = np.full(len(trips.row), np.nan)
    mode = demand.mode[trips.row]
    for m, mr in routes.items():
        at = np.flatnonzero((mode == m) & (trips.dest >= 0))
        if len(at):
            dest, origin = trips.dest[at], node[trips.row[at]]
            travel[at] = mr.trees.time_s[dest, origin]
            used = np.unique(dest)  # only the destinations somebody goes to
            left[at] = leave_seconds(mr.trees, zone, used)[np.searchsorted(used, dest), origin]
    return _minutes(travel), _minutes(left)


def evacuee_layer(
    groups: gpd.GeoDataFrame,
    demand: Demand,
    routes: dict[str, ModeRoutes],
    cost: np.ndarray,
    flows: np.ndarray,
    site_names: np.ndarray,
    exit_names: np.ndarray,
    zone: BaseGeometry,
) -> tuple[gpd.GeoDataFrame, dict[Message, int]]:
    """Origin groups split by status and destination; unreachable people per reason.

    ``travel_min`` and ``leave_min`` are free-flow minutes (no queues) to the
    destination and until out of the zone; queues are in the clearance times.
    """
    k = len(site_names)
    node = np.full(len(demand.people), -1)
    for m, mr in routes.items():
        rows = np.flatnonzero(demand.mode == m)
        node[rows] = mr.attach.node[demand.origin[rows]]
    trips = _trip_table(demand, node, flows, k)
    reasons, unreachable = _reasons(trips, demand, routes, cost, k)
    if not len(trips.row):
        empty = gpd.GeoDataFrame(
            [], columns=list(EVACUEE_COLUMNS), geometry="geometry", crs=settings.WORK_CRS
        )
        return empty.astype({"people": np.int64}), unreachable
    origin = demand.origin[trips.row]
    to_exit = (trips.status == _UNASSIGNED) | (trips.status == _OWN)
    travel, left = _free_flow_minutes(trips, demand, node, routes, zone)
    # Column by column from arrays: the frame then reads each column once.
    columns = {
        "origin_id": groups["origin_id"].to_numpy()[origin],
        "mode": demand.mode[trips.row],
        "source": groups["source"].to_numpy()[origin],
        "people": trips.people,
        "site": np.append(np.asarray(site_names, dtype=object), "")[
            np.where(trips.status == _ASSIGNED, trips.dest, k)
        ],
        "exit": np.where(to_exit, np.asarray(exit_names, dtype=object)[trips.row], ""),
        "status": np.array(_STATUSES, dtype=object)[trips.status],
        "reason": reasons,
        "travel_min": travel,
        "leave_min": left,
        "geometry": groups.geometry.to_numpy()[origin],
    }
    return layer_frame(columns, ("mode", "source", "site", "exit", "status", "reason")), unreachable


def _reasons(
    trips: _Trips, demand: Demand, routes: dict[str, ModeRoutes], cost: np.ndarray, k: int
) -> tuple[np.ndarray, dict[Message, int]]:
    """Per trip: why it has no place ("" if it has one); unreachable people per reason."""
    reasons = np.full(len(trips.row), "", dtype=object)
    unreachable: dict[Message, int] = {}
    for t in np.flatnonzero(trips.status == _UNASSIGNED).tolist():
        reasons[t] = _unassigned_reason(k, cost[trips.row[t]]).text("en")
    for t in np.flatnonzero(trips.status == _UNREACHABLE).tolist():
        r = int(trips.row[t])
        i = int(demand.origin[r])
        reason = routes[demand.mode[r]].attach.reason[i] or Message("reason.no_exit_reachable")
        unreachable[reason] = unreachable.get(reason, 0) + int(demand.people[r])
        reasons[t] = reason.text("en")
    return reasons, unreachable


@dataclass
class ModeFlow:
    """Capacity-aware routes of one travel mode's reachable demand rows."""

    rows: np.ndarray  # demand row per flow row
    routes: FlowRoutes
    inside: np.ndarray  # nodes inside the zone
    units_per_person: float


def mode_flows(
    demand: Demand,
    routes: dict[str, ModeRoutes],
    flows: np.ndarray,
    zone: BaseGeometry,
    scenario: Scenario,
) -> dict[str, ModeFlow]:
    """Route every mode's trips (to sites and exits) around queues, at central capacity.

    :func:`planning.flow_routing.route_flows` splits traffic over several paths
    when queues build up; modes nobody of travels are left out.
    """
    out = {}
    central = scenario.capacity_range[1]
    for mode, mr in routes.items():
        rows = np.flatnonzero(demand.mode == mode)
        node = mr.attach.node[demand.origin[rows]]
        ok = node >= 0
        if not ok.any():
            continue
        upp = units_per_person(mode, scenario)
        inside = inside_zone_nodes(mr.trees, zone)
        routed = route_flows(
            mr.trees,
            node[ok],
            flows[rows[ok]].astype(float) * upp,
            scenario.mobilisation,
            capacity_factor=central,
            inside=inside,
        )
        out[mode] = ModeFlow(rows[ok], routed, inside, upp)
    return out


def route_people(flows: dict[str, ModeFlow]) -> dict[str, np.ndarray]:
    """People per edge of every travelling mode (to sites and exits)."""
    return {mode: mf.routes.edge_units / mf.units_per_person for mode, mf in flows.items()}


def routes_layer(
    flows: dict[str, ModeFlow], failure_edges: dict[str, np.ndarray]
) -> gpd.GeoDataFrame:
    """Loaded road edges (to sites and exits) of every mode.

    ``failure_edges``: per mode, the edges of its single points of failure
    (flagged in ``single_point_of_failure``).
    """
    parts = []
    for mode, edge_people in route_people(flows).items():
        mf = flows[mode]
        net = mf.routes.trees.network
        used = np.flatnonzero(edge_people > 1e-9)
        highway = net.edge_highway[used]
        # Unnamed roads are labelled by class, so maps can name every bottleneck.
        names = zip(net.edge_name[used], highway, strict=True)
        name = np.array([n or f"({h})" for n, h in names], dtype=object)
        units = mf.routes.edge_units[used]
        failing = failure_edges.get(mode, np.zeros(0, np.int64))
        parts.append(
            {
                "mode": np.full(len(used), mode, dtype=object),
                "name": name,
                "highway": highway,
                "capacity_vph": net.capacity[used],
                "people": np.round(edge_people[used], 1),
                "vehicles": np.round(units, 1) if mode == "drive" else np.zeros(len(used)),
                "load_ratio": np.round(units / mf.routes.capacity_vph[used], 3),
                "geometry": net.edge_geometry[used],
                "single_point_of_failure": np.isin(used, failing),
            }
        )
    if not parts:
        empty = gpd.GeoDataFrame(
            columns=list(ROUTE_COLUMNS), geometry="geometry", crs=settings.WORK_CRS
        )
        return empty.astype({"single_point_of_failure": bool})
    columns = {c: np.concatenate([p[c] for p in parts]) for c in ROUTE_COLUMNS}
    return layer_frame(columns, ("mode", "name", "highway"))


def paths_layer(
    groups: gpd.GeoDataFrame,
    demand: Demand,
    flows: dict[str, ModeFlow],
    od: dict[str, list[ODPath]],
    site_names: np.ndarray,
    zone: BaseGeometry,
) -> gpd.GeoDataFrame:
    """One line per origin group, mode, destination and route taken.

    Traffic split around queues gives a trip several lines, each with its share
    of the people; an exit path is named after the exit it ends at.
    """
    origin_id = groups["origin_id"].to_numpy()[demand.origin]
    parts = [
        _mode_paths(mode, mf, od[mode], site_names, zone.centroid) for mode, mf in flows.items()
    ]
    parts = [p for p in parts if len(p["row"])]
    if not parts:
        return gpd.GeoDataFrame(
            [], columns=list(PATH_COLUMNS), geometry="geometry", crs=settings.WORK_CRS
        )
    # Column by column from arrays: the frame then reads each column once.
    columns = {c: np.concatenate([p[c] for p in parts]) for c in ("row", *PATH_COLUMNS[1:])}
    columns = {"origin_id": origin_id[columns.pop("row")], **columns}
    return layer_frame(columns, ("mode", "destination", "site", "exit"))


def _mode_paths(
    mode: str,
    mf: ModeFlow,
    paths: list[ODPath],
    site_names: np.ndarray,
    centre: shapely.Point,
) -> dict[str, np.ndarray]:
    """The columns of one mode's paths (``row``: the demand row instead of ``origin_id``)."""
    k = len(site_names)
    net = mf.routes.trees.network
    dest = np.fromiter((p.dest for p in paths), np.int64, len(paths))
    end = path_ends(mf, paths)
    exits = dest == k
    label = {v: exit_label(net, v, centre) for v in np.unique(end[exits]).tolist()}
    people = [p.units / mf.units_per_person for p in paths]
    chains = net.derived("edge_chains", lambda: edge_chains(net.edge_geometry))
    return {
        "row": mf.rows[np.fromiter((p.row for p in paths), np.int64, len(paths))],
        "mode": np.full(len(paths), mode, dtype=object),
        "destination": np.where(exits, "exit", "site").astype(object),
        "site": np.append(np.asarray(site_names, dtype=object), "")[dest],
        "exit": np.array(
            [label[v] if x else "" for v, x in zip(end.tolist(), exits, strict=True)], object
        ),
        # Python's round (correctly rounded), as the layer always had.
        "people": np.array([round(x, 1) for x in people], dtype=float),
        "travel_min": np.array([round(p.travel_s / 60.0, 1) for p in paths], dtype=float),
        "off_network_m": mf.routes.base.offnet_m[dest].astype(float),
        "geometry": path_lines(net.edge_geometry, [p.edges for p in paths], chains),
    }
