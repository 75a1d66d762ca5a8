"""One line per routed path, joined from its road edges as GEOS's line merger would.

A path whose edges chain end to start and that passes no point twice is joined
by concatenating its coordinates in path order without repeated points: what
``shapely.line_merge`` returns for such a chain (it keeps the direction most
of the edges run in: all of them here). Any other path goes through
``shapely.line_merge`` itself. The per-edge tables (:class:`EdgeChains`)
depend on the network alone and are kept per network, so a plan only gathers
coordinates: reading them from every edge of every path cost most of the time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely


@dataclass(frozen=True)
class EdgeChains:
    """Every edge's points, arranged to join edges without comparing coordinates.

    Attributes
    ----------
    coords
        Each edge's coordinates without a point equal to the one before it,
        edge after edge, shape (c, 2).
    start
        Per edge and one more: where its points begin in ``coords`` (CSR-style).
    start_id, end_id
        Per edge: id of its first and last point; equal ids mean equal points.
    positive
        Per edge: its length is above zero (the merger drops zero-length edges).
    """

    coords: np.ndarray
    start: np.ndarray
    start_id: np.ndarray
    end_id: np.ndarray
    positive: np.ndarray


def edge_chains(edge_geoms: np.ndarray) -> EdgeChains:
    """The :class:`EdgeChains` of ``edge_geoms`` (LineStrings, one per edge)."""
    n = len(edge_geoms)
    coords, part = shapely.get_coordinates(edge_geoms, return_index=True)
    count = np.bincount(part, minlength=n)
    first = np.cumsum(count) - count
    has = count > 0
    same = (coords[1:, 0] == coords[:-1, 0]) & (coords[1:, 1] == coords[:-1, 1])
    keep = np.flatnonzero(np.r_[True, (part[1:] != part[:-1]) | ~same])
    ends = np.vstack([coords[first[has]], coords[(first + count - 1)[has]]])
    ids = np.full((2, n), -1, dtype=np.int64)  # an empty edge has no points
    ids[:, has] = _point_ids(ends).reshape(2, -1)
    return EdgeChains(
        np.ascontiguousarray(coords[keep]),
        np.searchsorted(part[keep], np.arange(n + 1)),
        ids[0],
        ids[1],
        np.asarray(shapely.length(edge_geoms) > 0),
    )


def _point_ids(points: np.ndarray) -> np.ndarray:
    """An id per point, shape (p, 2): equal ids exactly where the points are equal (==)."""
    order = np.lexsort((points[:, 1], points[:, 0]))
    p = points[order]
    new = np.r_[True, (p[1:, 0] != p[:-1, 0]) | (p[1:, 1] != p[:-1, 1])]
    ids = np.empty(len(points), dtype=np.int64)
    ids[order] = np.cumsum(new) - 1
    return ids


def path_lines(
    edge_geoms: np.ndarray, paths: list[np.ndarray], chains: EdgeChains | None = None
) -> np.ndarray:
    """One merged line per path of edge indices (None for a path without edges).

    ``chains``: the :class:`EdgeChains` of ``edge_geoms`` when the caller keeps
    them (e.g. per network); built here otherwise.
    """
    out = np.full(len(paths), None, dtype=object)
    sizes = np.array([len(p) for p in paths], dtype=np.int64)
    has = np.flatnonzero(sizes)
    if not len(has):
        return out
    chains = edge_chains(edge_geoms) if chains is None else chains
    edges = np.concatenate([paths[i] for i in has])
    which = np.repeat(np.arange(len(has)), sizes[has])
    chain = _simple_chains(chains, edges, which)
    if chain.any():
        keep = chain[which]
        index, line = _chain_points(chains, edges[keep], which[keep])
        rank = np.cumsum(chain) - 1
        # np.take along an axis gathers rows several times faster than fancy indexing.
        points = np.take(chains.coords, index, axis=0)
        out[has[chain]] = shapely.linestrings(points, indices=rank[line])
    if not chain.all():
        rest = ~chain[which]
        lines = shapely.multilinestrings(
            edge_geoms[edges[rest]], indices=np.cumsum(~chain)[which[rest]] - 1
        )
        out[has[~chain]] = shapely.line_merge(lines)
    return out


def _simple_chains(chains: EdgeChains, edges: np.ndarray, which: np.ndarray) -> np.ndarray:
    """Per path: its edges chain end to start and it passes no point twice.

    ``edges``: the edges of all paths, path after path; ``which``: the path of each.
    """
    n = int(which[-1]) + 1
    ok = chains.positive[edges].copy()
    cont = which[1:] == which[:-1]
    ok[1:] &= ~cont | (chains.start_id[edges[1:]] == chains.end_id[edges[:-1]])
    # The points the path passes: its start, then every edge's end.
    start = np.r_[True, ~cont]
    points = np.r_[chains.start_id[edges[start]], chains.end_id[edges]]
    owner = np.r_[which[start], which]
    key = np.sort(owner * (int(points.max()) + 2) + points + 1)
    twice = key[1:] == key[:-1]
    repeated = np.zeros(n, dtype=bool)
    repeated[key[1:][twice] // (int(points.max()) + 2)] = True
    return np.asarray(np.bincount(which, weights=~ok, minlength=n) == 0) & ~repeated


def _chain_points(
    chains: EdgeChains, edges: np.ndarray, which: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Indices in ``chains.coords`` of the points of chained paths, and the path of each.

    A path's points are its first edge's points, then every further edge's
    points after its first (the previous edge's last point).
    """
    later = np.r_[False, which[1:] == which[:-1]]
    begin = chains.start[edges] + later
    size = chains.start[edges + 1] - begin
    offset = np.cumsum(size) - size
    index = np.repeat(begin - offset, size) + np.arange(int(size.sum()))
    return index, np.repeat(which, size)
