"""CAP 1.2 (OASIS Common Alerting Protocol) alert for a plan's zone, and a validator.

A municipality asks the police to send a public warning (Nødvarsel) with an area
and a message; CAP is the standard way to hand both over. The alert has one
``info`` block per language, each with the same ``area`` list: one area per zone,
one ``polygon`` per zone part. CAP polygons must be simple closed rings of
``lat,lon`` pairs, so zones are simplified to at most ``max_points`` points and
holes are dropped (warning a hole too errs on the safe side).

All text goes through :mod:`xml.etree.ElementTree`, which escapes it.
"""

from __future__ import annotations

import math
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final

import shapely

from geo.crs import transformer
from geo.errors import ExportError
from geo.settings import LOCAL_TZ, MAP_CRS, WORK_CRS
from planning.i18n import format_number, t, zone_status_label

if TYPE_CHECKING:
    import geopandas as gpd

    from planning.plan import Plan
    from planning.scenario import Scenario

CAP_NS: Final = "urn:oasis:names:tc:emergency:cap:1.2"
#: CAP language code -> (i18n language, RFC 3066 code written into ``info``).
CAP_LANGUAGES: Final[dict[str, tuple[str, str]]] = {
    "no": ("nb", "no-NO"),
    "nb": ("nb", "nb-NO"),
    "en": ("en", "en-US"),
}
#: Most severe zone status first; the alert speaks for the most severe one.
_STATUS_ORDER: Final = ("evakueringsordre", "bli_innendors", "varsel", "opphevet")
#: Per zone status: (responseType, urgency, severity, certainty).
_STATUS_CAP: Final[dict[str, tuple[str, str, str, str]]] = {
    "evakueringsordre": ("Evacuate", "Immediate", "Severe", "Observed"),
    "bli_innendors": ("Shelter", "Immediate", "Severe", "Observed"),
    "varsel": ("Prepare", "Expected", "Severe", "Likely"),
    "opphevet": ("AllClear", "Past", "Minor", "Observed"),
}
#: Default box that every alert point must fall in, (lon_min, lat_min, lon_max, lat_max):
#: mainland Norway with its coast. A swapped lon,lat pair falls outside it.
NORWAY_BBOX: Final = (4.0, 57.5, 31.5, 71.5)

_ENUMS: Final[dict[str, tuple[str, ...]]] = {
    "status": ("Actual", "Exercise", "System", "Test", "Draft"),
    "msgType": ("Alert", "Update", "Cancel", "Ack", "Error"),
    "scope": ("Public", "Restricted", "Private"),
    "category": (
        *("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env"),
        *("Transport", "Infra", "CBRNE", "Other"),
    ),
    "urgency": ("Immediate", "Expected", "Future", "Past", "Unknown"),
    "severity": ("Extreme", "Severe", "Moderate", "Minor", "Unknown"),
    "certainty": ("Observed", "Likely", "Possible", "Unlikely", "Unknown"),
}
_ALERT_REQUIRED: Final = ("identifier", "sender", "sent", "status", "msgType", "scope")
_INFO_REQUIRED: Final = ("category", "event", "urgency", "severity", "certainty")
# CAP dateTime: no fractional seconds, explicit offset ("-00:00" for UTC, never "Z").
_DATETIME_RE: Final = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
# Identifiers and senders must not contain spaces, commas or restricted characters.
_TOKEN_RE: Final = re.compile(r"^[^\s,<&]+$")


def to_cap_xml(
    plan: Plan,
    *,
    sender: str,
    lang_pair: tuple[str, ...] = ("no", "en"),
    sender_name: str | None = None,
    identifier: str | None = None,
    sent: datetime | None = None,
    web: str | None = None,
    max_points: int = 100,
    actual: bool = False,
) -> str:
    """Return a CAP 1.2 alert for ``plan`` as an XML string.

    Parameters
    ----------
    plan
        A :class:`planning.plan.Plan`.
    sender
        Sender id without spaces, e.g. ``"beredskap@baerum.kommune.no"``.
    lang_pair
        CAP languages, one ``info`` block each, from :data:`CAP_LANGUAGES`.
    sender_name
        Human-readable sender, e.g. ``"Bærum kommune"``.
    identifier
        Alert id; default ``<sender>.<uuid4>``.
    sent
        Send time; default now in Europe/Oslo. A naive time is taken as Oslo time.
    web
        Optional link to more information.
    max_points
        Largest number of points per polygon (the closing point included).
    actual
        Confirms a real alert: a plan whose scenario is not an exercise gets CAP
        status ``Actual`` only with ``actual=True`` (see :func:`check_cap_status`).

    Raises
    ------
    ExportError
        If the scenario is not an exercise and ``actual`` is False.
    ValueError
        If ``sender``/``identifier`` contain spaces, commas, ``<`` or ``&``, a
        language is unknown, ``max_points < 4`` or the plan has no zone.
    """
    check_cap_status(plan.scenario, actual=actual)
    identifier = identifier or f"{sender}.{uuid.uuid4()}"
    for label, value in (("sender", sender), ("identifier", identifier)):
        if not _TOKEN_RE.match(value):
            msg = f"CAP {label} {value!r} must not contain spaces, commas, '<' or '&'."
            raise ValueError(msg)
    unknown = [code for code in lang_pair if code not in CAP_LANGUAGES]
    if unknown or not lang_pair:
        msg = f"Unknown CAP language(s) {unknown}: use {', '.join(CAP_LANGUAGES)}."
        raise ValueError(msg)
    if max_points < 4:
        msg = "max_points must be at least 4: a CAP polygon needs four points."
        raise ValueError(msg)
    zones = _alert_zones(plan)
    status = min(zones["status"], key=_STATUS_ORDER.index)
    ring_sets = [_cap_rings(geom, max_points) for geom in zones.geometry]

    root = ET.Element(_q("alert"))
    _sub(root, "identifier", identifier)
    _sub(root, "sender", sender)
    _sub(root, "sent", _cap_datetime(sent))
    _sub(root, "status", "Exercise" if plan.scenario.exercise else "Actual")
    _sub(root, "msgType", "Alert")
    _sub(root, "scope", "Public")
    if plan.scenario.exercise:
        _sub(root, "note", f"{t('map.exercise', 'nb')} / {t('map.exercise', 'en')}")
    alert = _Alert(plan, zones, ring_sets, status, sender_name, web)
    for code in lang_pair:
        lang, cap_lang = CAP_LANGUAGES[code]
        _info(root, alert, lang, cap_lang)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode", default_namespace=CAP_NS)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def check_cap_status(scenario: Scenario, *, actual: bool) -> None:
    """Refuse a CAP alert with status ``Actual`` unless the caller confirmed it.

    A scenario that is not an exercise would give a real public warning; that
    must be a deliberate choice (``evac export --not-exercise``), never the
    result of a missing or mistyped ``exercise`` value.

    Raises
    ------
    ExportError
        If ``scenario.exercise`` is not True and ``actual`` is False.
    """
    if scenario.exercise is not True and not actual:
        raise ExportError(
            f"Scenario {scenario.name!r} is not marked as an exercise, so its CAP alert "
            "would have status Actual (a real public warning). Confirm a real incident "
            'with `evac export --not-exercise` (actual=True in code), or set "exercise": '
            "true in the scenario."
        )


def _q(tag: str) -> str:
    return f"{{{CAP_NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, _q(tag))
    element.text = text
    return element


def _cap_datetime(sent: datetime | None) -> str:
    oslo = LOCAL_TZ
    when = sent or datetime.now(oslo)
    if when.tzinfo is None:
        when = when.replace(tzinfo=oslo)
    text = when.replace(microsecond=0).isoformat()
    return text[:-6] + "-00:00" if text.endswith("+00:00") else text


def _alert_zones(plan: Plan) -> gpd.GeoDataFrame:
    """Zones to warn: all but lifted ones, or all when every zone is lifted (all-clear)."""
    zones = plan.zone[~plan.zone.geometry.is_empty]
    if zones.empty:
        msg = "The plan has no zone: draw or choose an affected zone before making an alert."
        raise ValueError(msg)
    active = zones[zones["status"] != "opphevet"]
    return active if not active.empty else zones


def _cap_rings(geom: shapely.Geometry, max_points: int) -> list[list[tuple[float, float]]]:
    """Simple closed lon/lat rings of at most ``max_points`` points, one per polygon part."""
    to_geo = transformer(WORK_CRS, MAP_CRS)
    rings = []
    for part in shapely.get_parts(shapely.make_valid(geom)):
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        shell = shapely.Polygon(part.exterior)
        tolerance = 1.0
        # Grow the tolerance (metres) until the ring is short enough; preserve_topology
        # keeps the ring simple, the ring stays a polygon (never fewer than 4 points).
        while len(shell.exterior.coords) > max_points:
            simpler = shapely.Polygon(part.exterior).simplify(tolerance, preserve_topology=True)
            assert isinstance(simpler, shapely.Polygon), "preserve_topology keeps a polygon"
            shell = simpler
            tolerance *= 1.5
        shell = shapely.orient_polygons(shell, exterior_cw=False)
        lon, lat = to_geo.transform(*shell.exterior.xy)
        rings.append(list(zip(lon, lat, strict=True)))
    return rings


def _polygon_text(ring: list[tuple[float, float]]) -> str:
    return " ".join(f"{lat:.5f},{lon:.5f}" for lon, lat in ring)


def _site_list(plan: Plan, lang: str) -> str:
    assigned = plan.summary["assigned"]
    sites = plan.sites[plan.sites["available"].astype(bool)]
    names = [
        f"{row.name} ({row.address})" if row.address else str(row.name)
        for row in sites.itertuples(index=False)
        if assigned.get(row.name, 0) > 0
    ]
    return ", ".join(names) if names else t("cap.no_sites", lang)


@dataclass(frozen=True)
class _Alert:
    """What the ``info`` blocks (one per language) of one alert share."""

    plan: Plan
    zones: gpd.GeoDataFrame
    ring_sets: list[list[list[tuple[float, float]]]]
    status: str
    sender_name: str | None
    web: str | None


def _info(root: ET.Element, alert: _Alert, lang: str, cap_lang: str) -> None:
    plan, zones, status = alert.plan, alert.zones, alert.status
    sender_name, web = alert.sender_name, alert.web
    response, urgency, severity, certainty = _STATUS_CAP[status]
    prefix = t("cap.exercise_prefix", lang) if plan.scenario.exercise else ""
    area_name = ", ".join(str(label) for label in zones["label"] if label) or plan.scenario.name
    status_text = zone_status_label(status, lang)
    info = ET.SubElement(root, _q("info"))
    _sub(info, "language", cap_lang)
    _sub(info, "category", "Safety")
    _sub(info, "event", t("cap.event", lang))
    _sub(info, "responseType", response)
    _sub(info, "urgency", urgency)
    _sub(info, "severity", severity)
    _sub(info, "certainty", certainty)
    if sender_name:
        _sub(info, "senderName", sender_name)
    _sub(info, "headline", prefix + t("cap.headline", lang, status=status_text, area=area_name))
    # Plain spaces: the non-breaking one is not in the GSM 7-bit alphabet of cell broadcast.
    people = format_number(plan.summary["evacuees_total"], lang).replace("\u00a0", " ")
    _sub(
        info,
        "description",
        prefix + t("cap.description", lang, status=status_text, area=area_name, people=people),
    )
    _sub(info, "instruction", t(f"cap.instruction.{status}", lang, sites=_site_list(plan, lang)))
    if web:
        _sub(info, "web", web)
    for label, zone_status, rings in zip(
        zones["label"], zones["status"], alert.ring_sets, strict=True
    ):
        area = ET.SubElement(info, _q("area"))
        desc = zone_status_label(zone_status, lang)
        _sub(area, "areaDesc", f"{label} ({desc})" if label else desc)
        for ring in rings:
            _sub(area, "polygon", _polygon_text(ring))


def validate_cap(
    xml: str, *, bbox: tuple[float, float, float, float] | None = NORWAY_BBOX
) -> list[str]:
    """Check a CAP 1.2 alert; return a list of problems (empty when valid).

    Checks the namespace, required elements and their allowed values, the
    ``sent`` format, and every polygon: at least four ``lat,lon`` pairs, a closed
    ring, a simple (non-self-intersecting) ring, coordinates in range, and, when
    ``bbox`` is given as ``(lon_min, lat_min, lon_max, lat_max)``, inside it. The
    box is what catches swapped ``lon,lat`` order, since both orders are in range
    for most places.
    """
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        return [f"Not well-formed XML: {exc}."]
    if root.tag != _q("alert"):
        return [f"Root element is {root.tag!r}, expected alert in namespace {CAP_NS}."]
    problems = _check_children(root, _ALERT_REQUIRED, "alert")
    sent = root.findtext(_q("sent"))
    if sent is not None and not _DATETIME_RE.match(sent):
        problems.append(f"sent {sent!r} is not YYYY-MM-DDThh:mm:ss+hh:mm.")
    for tag in ("identifier", "sender"):
        value = root.findtext(_q(tag))
        if value is not None and not _TOKEN_RE.match(value):
            problems.append(f"{tag} {value!r} contains spaces, commas, '<' or '&'.")
    infos = root.findall(_q("info"))
    if not infos:
        problems.append("alert has no info block.")
    for n, info in enumerate(infos, start=1):
        problems += _check_children(info, _INFO_REQUIRED, f"info {n}")
        for m, area in enumerate(info.findall(_q("area")), start=1):
            where = f"info {n} area {m}"
            if not (area.findtext(_q("areaDesc")) or "").strip():
                problems.append(f"{where}: areaDesc is missing.")
            for k, polygon in enumerate(area.findall(_q("polygon")), start=1):
                problems += _check_polygon(polygon.text or "", f"{where} polygon {k}", bbox)
    return problems


def _check_children(parent: ET.Element, required: tuple[str, ...], where: str) -> list[str]:
    problems = []
    for tag in required:
        values = [e.text or "" for e in parent.findall(_q(tag))]
        if not values or not values[0].strip():
            problems.append(f"{where}: required element {tag} is missing or empty.")
            continue
        allowed = _ENUMS.get(tag)
        problems += [
            f"{where}: {tag} {v!r} is not one of {', '.join(allowed)}."
            for v in values
            if allowed and v not in allowed
        ]
    return problems


def _check_polygon(
    text: str, where: str, bbox: tuple[float, float, float, float] | None
) -> list[str]:
    pairs = []
    for token in text.split():
        try:
            lat_s, lon_s = token.split(",")
            pairs.append((float(lat_s), float(lon_s)))
        except ValueError:
            return [f"{where}: {token!r} is not a 'lat,lon' pair."]
    problems = []
    if len(pairs) < 4:
        problems.append(f"{where}: has {len(pairs)} points; a polygon needs at least 4.")
    if pairs and pairs[0] != pairs[-1]:
        problems.append(f"{where}: ring is not closed (first point must equal the last).")
    for lat, lon in pairs:
        if not (math.isfinite(lat) and -90 <= lat <= 90 and -180 <= lon <= 180):
            problems.append(f"{where}: {lat},{lon} is out of range (lat -90..90, lon -180..180).")
            break
        if bbox and not (bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]):
            problems.append(f"{where}: {lat},{lon} is outside {bbox}; is the order lon,lat?")
            break
    if len(pairs) >= 4 and not problems:
        ring = shapely.LinearRing([(lon, lat) for lat, lon in pairs])
        if not ring.is_simple:
            problems.append(f"{where}: ring intersects itself.")
    return problems
