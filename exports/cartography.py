"""One cartography for every map: palette, symbols and labels of screen, paper and HTML.

The web map (:mod:`exports.web_map`), the standalone HTML (same builder) and the
print map (:mod:`exports.route_map`) take every colour from here, so a site, a
load class or a zone status looks the same on screen and on paper, and each
legend shows the colour its markers use. Where things go is decided in
:mod:`planning.map_geometry`; this module only says how they look and read.

Colour choices: zone statuses and load classes are a traffic-light scheme (red
is danger and overload, amber a warning). Site colours avoid red, amber, green
and purple, which mean zone, load, safe exit and public shelter here; they are
from ColorBrewer's qualitative "Paired"/"Dark2" sets (Brewer, colorbrewer2.org).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any, Final

from exports.map_strings import t
from planning.i18n import road_class_name
from planning.map_geometry import site_order

if TYPE_CHECKING:
    import geopandas as gpd

    from planning.scenario import Scenario
    from planning.summary_model import PlanSummary

LAND: Final = "#f2efe9"
SEA: Final = "#c4dbe8"
UNAVAILABLE: Final = "#9e9e9e"
#: Reception sites, in :func:`planning.map_geometry.site_order` order.
SITE_PALETTE: Final = ("#1f78b4", "#8c510a", "#17becf", "#e7298a", "#1b2a6b", "#6b6b00")
ZONE_COLOURS: Final[dict[str, str]] = {
    "evakueringsordre": "#d7191c",
    "varsel": "#e66101",
    "bli_innendors": "#7b3294",
    "opphevet": "#777777",
}
ZONE_FALLBACK: Final = "#d7191c"
#: Zones added in the app but not yet taken into a plan (dashed outline).
ZONE_PENDING: Final = "#d7191c"
#: Paper hatching per zone status (a screen shows the colour only).
ZONE_HATCH: Final[dict[str, str]] = {
    "evakueringsordre": "///",
    "bli_innendors": "\\\\\\",
    "varsel": "..",
    "opphevet": "",
}
#: Route load classes: (upper bound of load ratio, colour, legend key).
LOAD_CLASSES: Final = (
    (0.7, "#1a9641", "legend.load_ok"),
    (1.0, "#f4a30b", "legend.load_high"),
    (math.inf, "#b2182b", "legend.load_over"),
)
BOTTLENECK: Final = "#b2182b"
#: Closed roads: a black bar on a yellow casing, like a road barrier.
CLOSURE: Final = "#111111"
CLOSURE_CASING: Final = "#ffd400"
#: Closures drawn in the app but not yet taken into a plan.
CLOSURE_PENDING: Final = "#7f7f7f"
EXIT: Final = "#006d2c"
KINDERGARTEN: Final = "#f0e442"
SINGLE_POINT: Final = "#000000"
ORIGIN: Final = "#333333"
#: Origins that did not get a site; assigned origins take their site's colour on screen.
EVACUEE_COLOURS: Final[dict[str, str]] = {
    "unreachable": "#000000",
    "unassigned": "#fb9a99",
    "own_arrangements": EXIT,
}
SHELTER: Final = "#6a3d9a"
HOSPITAL: Final = "#e31a1c"
FIRE_STATION: Final = "#ff7f00"
COVERAGE: Final = "#3c3c3c"
PLACE_NAME: Final = "#4a4a4a"

#: Paper point symbols: layer key -> (matplotlib marker, size in pt², face, edge).
#: The map and its legend both draw from here, so the legend shows the marker.
PRINT_POINTS: Final[dict[str, tuple[str, float, str, str]]] = {
    "kindergartens": ("p", 60, KINDERGARTEN, "black"),
    "single_points": ("D", 50, SINGLE_POINT, "white"),
    "exits": ("^", 75, EXIT, "white"),
}

_CLASS_IN_PARENS = re.compile(r"^\((?P<highway>[a-z_]+)\)$")


def road_label(name: object, highway: object = "", lang: str = "nb") -> str:
    """A road's name, or its class in words when it has none.

    The planner labels unnamed roads ``"(tertiary)"``; people reading the map
    know "kommunal vei", not OSM tags.
    """
    text = "" if name is None or (isinstance(name, float) and math.isnan(name)) else str(name)
    match = _CLASS_IN_PARENS.match(text)
    if text and not match:
        return text
    cls = match["highway"] if match else str(highway or "")
    return road_class_name(cls, lang)


def load_colour(ratio: float) -> str:
    """Colour of a route edge with this load ratio (vehicles per hour / capacity)."""
    return next(colour for bound, colour, _ in LOAD_CLASSES if ratio < bound)


def zone_colour(status: str) -> str:
    """Colour of a zone status."""
    return ZONE_COLOURS.get(str(status), ZONE_FALLBACK)


def site_colours(sites: gpd.GeoDataFrame, scenario: Scenario | None = None) -> dict[str, str]:
    """A colour per site that depends on the site alone, not on which sites are active.

    Parameters
    ----------
    sites
        A frame with a ``name`` column: the registry, or a plan's ``sites``.
    scenario
        The plan's scenario; its ``added_sites`` come after the registry sites.
    """
    added = [s.name for s in getattr(scenario, "added_sites", []) or []]
    order = site_order(sites, added)
    return {name: SITE_PALETTE[i % len(SITE_PALETTE)] for i, name in enumerate(order)}


def site_colour(colours: dict[str, str], name: object, available: bool = True) -> str:
    """Fill of a site marker: its own colour, grey when unavailable."""
    return colours.get(str(name), SITE_PALETTE[0]) if available else UNAVAILABLE


def closure_label(label: object, index: int, lang: str) -> str:
    """A closure's label, or "Stengt vei 2" when it has none."""
    text = "" if label is None else str(label)
    return text or t("closure.default_label", lang, n=index + 1)


def minutes_text(value: Any, lang: str, low: Any = None, high: Any = None) -> str:
    """``"57 min"``, with the capacity range when known: ``"57 min (45–70)"``."""
    if value is None or not math.isfinite(float(value)):
        return t("figures.not_available", lang)
    text = t("figures.minutes", lang, value=f"{float(value):.0f}")
    if low is not None and high is not None and math.isfinite(low) and math.isfinite(high):
        lo, hi = sorted((float(low), float(high)))
        text += f" ({lo:.0f}–{hi:.0f})"
    return text


def clearance_rows(summary: PlanSummary, lang: str) -> list[tuple[str, str]]:
    """Key-figure rows for leaving the zone and reaching the sites (p90, all).

    "Ute av sonen" (out of the zone) is the number the app shows; "fremme"
    (arrived) comes after the drive to the site. The capacity range comes from
    ``clearance_range_minutes`` when the plan has it.
    """
    central = summary["clearance_minutes"]
    # Empty in summaries saved before the capacity range (v1, filled by read_summary).
    ranges = summary["clearance_range_minutes"]
    low, high = ranges.get("low", {}), ranges.get("high", {})
    rows = []
    for key, field in (
        ("mapfig.leave_p90", "leave_p90"),
        ("mapfig.leave_p100", "leave_p100"),
        ("mapfig.arrive_p90", "p90"),
        ("mapfig.arrive_p100", "p100"),
    ):
        # A lower capacity factor gives the longer time, so sort the pair.
        rows.append(
            (t(key, lang), minutes_text(central.get(field), lang, low.get(field), high.get(field)))
        )
    return rows
