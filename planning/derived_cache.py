"""Values derived from one region or registry object, computed once per object.

The planner is called many times with the same :class:`geo.region.Region` and
:class:`geo.registry.Registry`; what depends on their layers alone (preset
polygons, name lookups) need not be rebuilt for every plan. Keys are object
identities, as for :meth:`geo.network.RoadNetwork.derived`: the region's and
registry's frames and lists are treated as read-only once loaded. Nothing that
depends on a scenario may be kept here.

Not :meth:`~geo.network.RoadNetwork.derived` (a store on an object of ours) nor
:func:`functools.cache` (needs hashable arguments): the objects here are pandas
frames and lists, which are unhashable and not ours to attach values to.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Final, TypeVar, cast

_T = TypeVar("_T")

#: Entries kept; the oldest goes first (a long-running app may load new packs).
MAX_ENTRIES: Final = 64

# (id(obj), key) -> (obj, value). Holding ``obj`` keeps its id from being reused.
_CACHE: OrderedDict[tuple[int, Hashable], tuple[object, Any]] = OrderedDict()


def per_object(obj: object, key: Hashable, build: Callable[[], _T]) -> _T:
    """``build()``, computed once per ``obj`` (by identity) and ``key``, then kept.

    Parameters
    ----------
    obj
        The region or registry object (or one of its frames) the value depends on.
    key
        Names the value.
    build
        Computes the value from ``obj`` alone.
    """
    slot = (id(obj), key)
    hit = _CACHE.get(slot)
    if hit is not None and hit[0] is obj:
        _CACHE.move_to_end(slot)
        return cast(_T, hit[1])
    value = build()
    _CACHE[slot] = (obj, value)
    if len(_CACHE) > MAX_ENTRIES:
        _CACHE.popitem(last=False)
    return value
