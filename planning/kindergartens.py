"""Kindergartens in the evacuated zone: a layer, a summary list, an action and warnings.

Children in a kindergarten are not at home: during opening hours they are
fetched by their parents or need transport. The emergency-plan excerpt says
nothing about kindergartens; giving the action to Bærum kommune (owner of the
public kindergartens and local kindergarten authority) is an assumption
(*antatt*) of this tool. The plan lists every kindergarten of the pack inside
the zone (Udir Barnehagefakta; capacity is the number of places, so "children"
is an upper bound), and names every kindergarten without coordinates whose
approximate area the zone touches (:mod:`geo.kindergartens`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import geopandas as gpd
import numpy as np
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.crs import crs
from geo.errors import RegistryError
from geo.kindergartens import UnlocatedKindergarten
from geo.registry import Actor
from planning.derived_cache import per_object
from planning.i18n import Message, message_json
from planning.summary_model import ActionEntry, KindergartenEntry

#: Columns of the plan's ``kindergartens`` layer.
LAYER_COLUMNS: Final = ("name", "capacity", "address", "operator", "geometry")
#: Actor (id in actors.yaml) that notifies the kindergartens and arranges transport.
RESPONSIBLE_ACTOR: Final = "baerum_kommune"
#: Rule id of the action in the summary's ``actions``.
ACTION_RULE: Final = "kindergartens_in_zone"


@dataclass
class KindergartenCheck:
    """Result of :func:`kindergartens_in_zone`.

    Attributes
    ----------
    layer
        Kindergartens inside the zone (:data:`LAYER_COLUMNS`, EPSG:25832).
    summary
        ``{name, capacity, address}`` per kindergarten, JSON-ready.
    actions
        The action for :data:`RESPONSIBLE_ACTOR` (empty if none is in the zone),
        shaped like the rule actions of :mod:`planning.responsibility`.
    warnings
        Kindergartens without coordinates that may lie in the zone.
    """

    layer: gpd.GeoDataFrame
    summary: list[KindergartenEntry] = field(default_factory=list)
    actions: list[ActionEntry] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)


def empty_layer() -> gpd.GeoDataFrame:
    """A ``kindergartens`` layer without rows."""
    return gpd.GeoDataFrame(
        columns=list(LAYER_COLUMNS), geometry="geometry", crs=crs(settings.WORK_CRS)
    )


def kindergartens_in_zone(
    kindergartens: gpd.GeoDataFrame,
    zone: BaseGeometry,
    unlocated: list[UnlocatedKindergarten],
    actors: list[Actor],
) -> KindergartenCheck:
    """The kindergartens an evacuation of ``zone`` (EPSG:25832) affects.

    Parameters
    ----------
    kindergartens
        The pack's layer (:func:`geo.kindergartens.read_kindergartens`).
    zone
        The evacuated area.
    unlocated
        Kindergartens without coordinates (approximate areas); those whose name
        is in ``kindergartens`` have coordinates by now and are not repeated.
    actors
        The registry's actors, to name :data:`RESPONSIBLE_ACTOR`.

    Raises
    ------
    RegistryError
        If the actors lack :data:`RESPONSIBLE_ACTOR`.
    """
    columns = _inside(kindergartens, zone)
    capacity = columns["capacity"].tolist()
    check = KindergartenCheck(
        layer=gpd.GeoDataFrame(columns, geometry="geometry", crs=crs(settings.WORK_CRS)),
        summary=[
            {"name": str(n), "capacity": int(c), "address": str(a)}
            for n, c, a in zip(
                columns["name"].tolist(), capacity, columns["address"].tolist(), strict=True
            )
        ],
    )
    if capacity:
        check.actions.append(_action(len(capacity), int(sum(capacity)), actors))
    located = per_object(kindergartens, "names", lambda: frozenset(kindergartens["name"]))
    touched = [k for k in unlocated if k.name not in located and k.area.intersects(zone)]
    if touched:
        names = "; ".join(f"{k.name} ({k.capacity}, {k.address})" for k in touched)
        check.warnings.append(Message("warn.kindergartens_without_coordinates", {"names": names}))
    return check


def _inside(kindergartens: gpd.GeoDataFrame, zone: BaseGeometry) -> dict[str, Any]:
    """The :data:`LAYER_COLUMNS` (arrays) of the kindergartens in ``zone``, sorted by name.

    Taken column by column: selecting rows and columns of the pack's frame costs
    more than the whole check.
    """
    rows = kindergartens.sindex.query(zone, predicate="intersects")
    names = kindergartens["name"].array.take(rows)
    # Stable, missing names last: the order ``sort_values("name")`` gives.
    order = rows[np.asarray(names.argsort(kind="stable", na_position="last"), dtype=np.intp)]
    return {c: kindergartens[c].array.take(order) for c in LAYER_COLUMNS}


def _action(n: int, children: int, actors: list[Actor]) -> ActionEntry:
    names = {a.id: a.name for a in actors}
    if RESPONSIBLE_ACTOR not in names:
        msg = f"actors.yaml has no actor {RESPONSIBLE_ACTOR!r}, who notifies kindergartens."
        raise RegistryError(msg)
    return {
        "rule": ACTION_RULE,
        "who": RESPONSIBLE_ACTOR,
        "who_name": names[RESPONSIBLE_ACTOR],
        "what": message_json(
            Message("action.kindergartens_in_zone", {"n": n, "children": children})
        ),
        "agreement": None,
    }
