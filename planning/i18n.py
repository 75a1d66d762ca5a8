"""Translated user-facing strings (Norwegian bokmål first, English available).

One flat table keyed by dotted names, shared by exports, the CLI and the UI, so a
label reads the same everywhere. Every key must exist in every language in
:data:`LANGS`; a missing key is a bug and raises :class:`KeyError`.

Examples
--------
>>> t("map.title")
'Evakueringskart'
>>> t("figures.site_row", "en", assigned=120, capacity=500)
'120 of 500'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final, TypedDict

#: Supported UI languages, default first.
LANGS: Final = ("nb", "en")
#: Default language.
DEFAULT_LANG: Final = "nb"

STRINGS: Final[dict[str, dict[str, str]]] = {
    # Titles and page furniture
    "map.title": {"nb": "Evakueringskart", "en": "Evacuation route map"},
    "map.scenario": {"nb": "Scenario: {name}", "en": "Scenario: {name}"},
    "map.created": {"nb": "Laget {when}", "en": "Created {when}"},
    "map.exercise": {"nb": "ØVELSE", "en": "EXERCISE"},
    "map.exercise_note": {
        "nb": "Øvelse – ikke en reell hendelse",
        "en": "Exercise – not a real incident",
    },
    "map.north": {"nb": "N", "en": "N"},
    "map.attribution": {"nb": "Kartdata", "en": "Map data"},
    "map.crs_note": {
        "nb": "Projeksjon EUREF89 UTM sone 32N (EPSG:25832)",
        "en": "Projection EUREF89 UTM zone 32N (EPSG:25832)",
    },
    "map.disclaimer": {
        "nb": "Planleggingsgrunnlag. Tall bygger på antakelser og må kvalitetssikres.",
        "en": "Planning aid. Figures rest on assumptions and must be checked.",
    },
    # Legend
    "legend.title": {"nb": "Tegnforklaring", "en": "Legend"},
    "legend.zone": {"nb": "Berørt sone", "en": "Affected zone"},
    "legend.zone_status": {"nb": "Sone: {status}", "en": "Zone: {status}"},
    "legend.catchment": {"nb": "Nedslagsfelt: {site}", "en": "Catchment: {site}"},
    "legend.route": {"nb": "Evakueringsrute", "en": "Evacuation route"},
    "legend.route_width": {
        "nb": "Linjebredde etter antall personer",
        "en": "Line width by number of people",
    },
    "legend.load_ok": {"nb": "Belastning under 70 %", "en": "Load below 70 %"},
    "legend.load_high": {"nb": "Belastning 70–100 %", "en": "Load 70–100 %"},
    "legend.load_over": {"nb": "Overbelastet (over 100 %)", "en": "Overloaded (above 100 %)"},
    "legend.site": {"nb": "Mottakssted", "en": "Reception site"},
    "legend.site_unavailable": {
        "nb": "Mottakssted utilgjengelig",
        "en": "Reception site unavailable",
    },
    "legend.origin": {"nb": "Evakuerte (utgangspunkt)", "en": "Evacuees (origin)"},
    "legend.not_assigned": {
        "nb": "Uten plass eller ikke nåbare",
        "en": "Unassigned or unreachable",
    },
    "legend.roads": {"nb": "Veier", "en": "Roads"},
    "legend.bottleneck": {"nb": "Flaskehals", "en": "Bottleneck"},
    # Zone statuses (keys match planning.scenario.ZONE_STATUSES)
    "zone_status.varsel": {"nb": "Varsel", "en": "Warning"},
    "zone_status.evakueringsordre": {"nb": "Evakueringsordre", "en": "Evacuation order"},
    "zone_status.bli_innendors": {"nb": "Bli innendørs", "en": "Stay indoors"},
    "zone_status.opphevet": {"nb": "Opphevet", "en": "Lifted"},
    # Sites
    "site.unavailable": {"nb": "utilgjengelig", "en": "unavailable"},
    "site.unavailable_reason": {
        "nb": "utilgjengelig: {reason}",
        "en": "unavailable: {reason}",
    },
    "site.assumed": {"nb": "antatt", "en": "assumed"},
    "site.off_network": {
        "nb": "{metres} m utenfor veinettet (anslått)",
        "en": "{metres} m off the road network (estimated)",
    },
    # Key figures
    "figures.title": {"nb": "Nøkkeltall", "en": "Key figures"},
    "figures.evacuees": {"nb": "Evakuerte totalt", "en": "Evacuees in total"},
    "figures.assigned": {"nb": "Tildelt per mottakssted", "en": "Assigned per reception site"},
    "figures.site_row": {"nb": "{assigned} av {capacity}", "en": "{assigned} of {capacity}"},
    "figures.unassigned": {"nb": "Uten plass", "en": "Unassigned"},
    "figures.unreachable": {"nb": "Ikke nåbare", "en": "Unreachable"},
    "figures.clearance_p90": {"nb": "Rømningstid 90 %", "en": "Clearance time 90 %"},
    "figures.clearance_p100": {"nb": "Rømningstid 100 %", "en": "Clearance time 100 %"},
    "figures.minutes": {"nb": "{value} min", "en": "{value} min"},
    "figures.people": {"nb": "{value} pers.", "en": "{value} people"},
    "figures.not_available": {"nb": "–", "en": "–"},
    # Actors and zones panel
    "panel.more": {"nb": "+ {n} til", "en": "+ {n} more"},
    "actors.title": {"nb": "Ansvarlige aktører", "en": "Responsible actors"},
    "zones.title": {"nb": "Soner", "en": "Zones"},
    # CAP alert texts
    "cap.event": {"nb": "Evakuering", "en": "Evacuation"},
    "cap.headline": {
        "nb": "{status}: {area}",
        "en": "{status}: {area}",
    },
    "cap.description": {
        "nb": "{status} for {area}. Omtrent {people} personer er berørt.",
        "en": "{status} for {area}. About {people} people are affected.",
    },
    "cap.instruction.evakueringsordre": {
        "nb": "Forlat området nå. Møt opp ved mottakssted: {sites}. Følg anvisninger fra "
        "politi og redningsmannskaper.",
        "en": "Leave the area now. Report to a reception site: {sites}. Follow instructions "
        "from the police and rescue services.",
    },
    "cap.instruction.varsel": {
        "nb": "Gjør deg klar til å evakuere. Mottakssted ved evakuering: {sites}. Følg med "
        "på lokale medier.",
        "en": "Get ready to evacuate. Reception site if evacuated: {sites}. Follow local media.",
    },
    "cap.instruction.bli_innendors": {
        "nb": "Bli innendørs, lukk vinduer og dører og slå av ventilasjon. Følg med på "
        "lokale medier.",
        "en": "Stay indoors, close windows and doors and turn off ventilation. Follow local media.",
    },
    "cap.instruction.opphevet": {
        "nb": "Faren er over. Du kan vende tilbake.",
        "en": "The danger is over. You may return.",
    },
    "cap.no_sites": {"nb": "opplyses av politiet", "en": "given by the police"},
    "cap.exercise_prefix": {"nb": "ØVELSE – ", "en": "EXERCISE – "},
    # Plan warnings (planning.plan, planning.evacuees): summary "warnings" / "warnings_nb"
    "warn.zone_outside_data": {
        "nb": "{percent} % av sonen ligger utenfor veidataene; personer der regnes som "
        "ikke nåbare.",
        "en": "{percent}% of the zone lies outside the road data; people there are reported "
        "as unreachable.",
    },
    "warn.site_inside_zone": {
        "nb": "{site} ligger inne i sonen og kan ikke brukes som mottakssted.",
        "en": "{site} lies inside the zone and cannot be used as a site.",
    },
    "warn.site_no_capacity": {
        "nb": "{site} har kapasitet 0 og tar ikke imot noen.",
        "en": "{site} has capacity 0 and receives nobody.",
    },
    "warn.extra_outside_zone": {
        "nb": "Ekstra befolkning «{label}» ({people} personer) ligger utenfor sonen og "
        "evakueres ikke: flytt punktet eller utvid sonen.",
        "en": "Extra population {label!r} ({people} people) lies outside the zone and is not "
        "evacuated: move the point or enlarge the zone.",
    },
    "warn.nobody_lives": {
        "nb": "Ingen bor i sonen ifølge SSB {vintage}: legg inn ekstra befolkning eller "
        "kontroller sonen.",
        "en": "Nobody lives in the zone according to SSB {vintage}: add extra population or "
        "check the zone.",
    },
    "warn.site_off_network": {
        "nb": "{site} ligger utenfor veinettet: de siste {km} km er anslått (luftlinje x "
        "{factor}) og merket.",
        "en": "{site} lies off the road network: the last {km} km is estimated (straight "
        "line x {factor}) and flagged.",
    },
    "warn.unassigned": {
        "nb": "{people} personer som trenger mottaksplass får ikke plass innenfor "
        "tilgjengelig kapasitet (de forlater sonen via sikre utganger): øk kapasiteten eller "
        "ta i bruk flere mottakssteder.",
        "en": "{people} people seeking a reception place exceed the available site capacity "
        "and are unassigned (they leave via safe exits): raise capacities or activate more "
        "sites.",
    },
    "warn.unreachable": {
        "nb": "{people} personer kan ikke nå noen sikker utgang; se årsakene under «ikke nåbare».",
        "en": "{people} people cannot reach any safe exit; see unreachable_reasons.",
    },
    # --- popdata ---
    "warn.population_vintage_fallback": {
        "nb": "Sonen går utenfor {coverage}, som SSB {newer} dekker: bosatte telles med "
        "SSB {vintage} for hele sonen.",
        "en": "The zone reaches beyond {coverage}, which SSB {newer} covers: residents are "
        "counted with SSB {vintage} for the whole zone.",
    },
    "warn.population_vintage_partial": {
        "nb": "SSB {vintage} dekker bare {coverage}; {percent} % av sonen ligger utenfor, og "
        "bosatte der telles ikke. Velg befolkningsår «auto» for et år som dekker hele sonen.",
        "en": "SSB {vintage} covers only {coverage}; {percent}% of the zone lies outside it "
        "and residents there are not counted. Choose population vintage 'auto' for a year "
        "that covers the whole zone.",
    },
    "warn.kindergartens_without_coordinates": {
        "nb": "Barnehager uten koordinater i Udir-dataene kan ligge i sonen (omtrentlig "
        "område) – navn (plasser, adresse): {names}. Sjekk om de må evakueres.",
        "en": "Kindergartens without coordinates in the Udir data may lie in the zone "
        "(approximate area) – name (places, address): {names}. Check whether they must be "
        "evacuated.",
    },
    "action.kindergartens_in_zone": {
        "nb": "Varsler barnehagene i sonen (antall: {n}; {children} barn etter kapasitet): "
        "barna hentes av foreldre eller trenger transport. Sørg for transport for barn som "
        "ikke blir hentet.",
        "en": "Notifies the kindergartens in the zone (number: {n}; {children} children by "
        "capacity): the children are fetched by parents or need transport. Arrange "
        "transport for children who are not fetched.",
    },
    # --- end popdata ---
    # Reasons: a site is unavailable, an evacuee unassigned or unreachable
    "reason.site_deactivated": {
        "nb": "deaktivert i scenarioet",
        "en": "deactivated in the scenario",
    },
    "reason.site_inside_zone": {"nb": "ligger inne i faresonen", "en": "inside the hazard zone"},
    "reason.site_no_capacity": {"nb": "kapasitet 0", "en": "capacity is 0"},
    "reason.no_free_capacity": {
        "nb": "ingen ledig plass på mottakssteder som kan nås",
        "en": "no free capacity at any reachable site",
    },
    "reason.no_site_reachable": {
        "nb": "ingen mottakssteder kan nås (veier stengt eller uten forbindelse)",
        "en": "no reception site reachable (roads closed or disconnected)",
    },
    "reason.no_site_on_network": {
        "nb": "ingen sikker utgang kan nås på veinettet",
        "en": "no safe exit reachable on the road network",
    },
    "reason.roads_closed": {
        "nb": "alle veier ut er stengt (stengninger i scenarioet)",
        "en": "every road out is closed (road closures in the scenario)",
    },
    "reason.cut_off": {
        "nb": "nærmeste vei har ingen forbindelse ut av sonen",
        "en": "nearest road has no connection out of the zone (disconnected piece)",
    },
    "reason.no_road_near": {
        "nb": "ingen vei innen {metres} m (utenfor veidataene)",
        "en": "no road within {metres} m (outside the road data)",
    },
    # Road classes in words (keys from ROAD_CLASS_KEYS).
    "road_class.motorway": {"nb": "motorvei", "en": "motorway"},
    "road_class.ramp": {"nb": "rampe", "en": "slip road"},
    "road_class.trunk": {"nb": "riksvei (hovedvei)", "en": "trunk road"},
    "road_class.primary": {"nb": "riksvei", "en": "national road"},
    "road_class.secondary": {"nb": "fylkesvei", "en": "county road"},
    "road_class.municipal": {"nb": "kommunal vei", "en": "municipal road"},
    "road_class.residential": {"nb": "boliggate", "en": "residential street"},
    "road_class.living_street": {"nb": "gatetun", "en": "living street"},
    "road_class.private": {"nb": "privat vei", "en": "private road"},
    "road_class.track": {"nb": "traktorvei", "en": "track"},
    "road_class.other": {"nb": "vei uten navn", "en": "unnamed road"},
    # --- engine-A ---
    # Evacuation model v2: statuses, exits, closures, single points of failure.
    "status.assigned": {"nb": "Tildelt mottaksplass", "en": "Reception place"},
    "status.own_arrangements": {"nb": "Egne ordninger", "en": "Own arrangements"},
    "status.unassigned": {"nb": "Uten mottaksplass", "en": "No reception place"},
    "status.unreachable": {"nb": "Ikke nåbare", "en": "Unreachable"},
    "figures.own_arrangements": {"nb": "Egne ordninger", "en": "Own arrangements"},
    "figures.exits": {"nb": "Sikre utganger", "en": "Safe exits"},
    "direction.n": {"nb": "nord", "en": "north"},
    "direction.ne": {"nb": "nordøst", "en": "north-east"},
    "direction.e": {"nb": "øst", "en": "east"},
    "direction.se": {"nb": "sørøst", "en": "south-east"},
    "direction.s": {"nb": "sør", "en": "south"},
    "direction.sw": {"nb": "sørvest", "en": "south-west"},
    "direction.w": {"nb": "vest", "en": "west"},
    "direction.nw": {"nb": "nordvest", "en": "north-west"},
    "warn.zone_at_sea": {
        "nb": "Ingen bor her og sonen berører ingen kommune (sjø eller utenfor kartet): "
        "kontroller sonen.",
        "en": "Nobody lives here and no municipality is touched (sea or off the map): "
        "check the zone.",
    },
    "warn.no_site_available": {
        "nb": "Ingen mottakssteder er tilgjengelige: de {people} som trenger mottaksplass står "
        "uten plass (de forlater likevel sonen via sikre utganger). Aktiver eller legg til et "
        "mottakssted.",
        "en": "No reception site is available: the {people} people seeking a reception place "
        "are unassigned (they still leave via safe exits). Activate or add a site.",
    },
    "warn.closure_cuts_nothing": {
        "nb": "Stengningen «{label}» treffer ingen vei i veidataene og har ingen virkning: "
        "kontroller hvor den er tegnet.",
        "en": "Closure {label!r} cuts no road in the road data and has no effect: check "
        "where it is drawn.",
    },
    "warn.single_point_of_failure": {
        "nb": "{road} er eneste vei ut for {people} personer: stenges strekningen "
        "evakueringstrafikken bruker, er de avskåret. Sikre veien (trafikkstyring, "
        "beredskap) eller planlegg et alternativ.",
        "en": "{road} is the only way out for {people} people: if the stretch the "
        "evacuation traffic uses is blocked, they are cut off. Secure the road (traffic "
        "control, standby) or plan an alternative.",
    },
    "warn.outside_region": {
        "nb": "Sonen ligger utenfor veidataene i denne regionpakken ({extent}). Flytt sonen "
        "eller last en regionpakke som dekker den.",
        "en": "The zone lies outside the road data of this region pack ({extent}). Move the "
        "zone or load a region pack that covers it.",
    },
    "reason.no_exit_reachable": {
        "nb": "ingen sikker utgang kan nås (veier stengt eller uten forbindelse)",
        "en": "no safe exit reachable (roads closed or disconnected)",
    },
    "reason.no_site_available": {
        "nb": "ingen mottakssteder tilgjengelige",
        "en": "no reception site available",
    },
    "closure.label": {"nb": "Stengning {n}", "en": "Closure {n}"},
}


#: OSM ``highway`` value -> key of its Norwegian road class name. Source: the
#: Norwegian OSM tagging guidelines (wiki.openstreetmap.org/wiki/No:Veiklassifisering):
#: secondary = fylkesvei, tertiary/unclassified = kommunal vei, service = privat vei.
ROAD_CLASS_KEYS: Final[dict[str, str]] = {
    "motorway": "road_class.motorway",
    "motorway_link": "road_class.ramp",
    "trunk": "road_class.trunk",
    "trunk_link": "road_class.ramp",
    "primary": "road_class.primary",
    "primary_link": "road_class.ramp",
    "secondary": "road_class.secondary",
    "secondary_link": "road_class.ramp",
    "tertiary": "road_class.municipal",
    "tertiary_link": "road_class.municipal",
    "unclassified": "road_class.municipal",
    "residential": "road_class.residential",
    "living_street": "road_class.living_street",
    "service": "road_class.private",
    "track": "road_class.track",
}


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """Return the string for ``key`` in ``lang``, formatted with ``fmt``.

    Parameters
    ----------
    key
        Dotted key in :data:`STRINGS`, e.g. ``"map.title"``.
    lang
        One of :data:`LANGS`.
    **fmt
        Values for ``{placeholders}`` in the string.

    Raises
    ------
    KeyError
        If the key or the language is unknown.
    """
    if lang not in LANGS:
        msg = f"Unknown language {lang!r}: use one of {', '.join(LANGS)}."
        raise KeyError(msg)
    try:
        text = STRINGS[key][lang]
    except KeyError:
        msg = f"No translation for {key!r} in {lang!r}: add it to planning.i18n.STRINGS."
        raise KeyError(msg) from None
    return text.format(**fmt) if fmt else text


def lookup(
    table: Mapping[str, Mapping[str, str]],
    key: str,
    lang: str,
    fallback: Callable[..., str],
    **fmt: object,
) -> str:
    """``key`` from a layered string ``table``; keys it lacks go to ``fallback``.

    The UI modules layer their own tables over this module's one with it, so a
    shared label is defined once and every layer checks the language the same way.
    """
    if key not in table:
        return fallback(key, lang, **fmt)
    if lang not in LANGS:
        msg = f"Unknown language {lang!r}: use one of {', '.join(LANGS)}."
        raise KeyError(msg)
    text = table[key][lang]
    return text.format(**fmt) if fmt else text


@dataclass(frozen=True)
class Message:
    """A translatable message: a key in :data:`STRINGS` and its placeholder values.

    The planner records warnings and reasons as messages and renders them in
    every language from this one table, so no sentence is written twice.

    Examples
    --------
    >>> m = Message("reason.no_road_near", {"metres": 500})
    >>> m.text("en"), m.text("nb")
    ('no road within 500 m (outside the road data)', 'ingen vei innen 500 m (utenfor veidataene)')
    """

    key: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    def text(self, lang: str = DEFAULT_LANG) -> str:
        """The message in ``lang``; decimals use the language's separator (3,6 / 3.6)."""
        params = self.params.items()
        values = {k: _decimal(v, lang) if isinstance(v, float) else v for k, v in params}
        return t(self.key, lang, **values)


# --- summary ---
#: A message parameter as JSON holds it.
Param = str | int | float | bool | None


class MessageJSON(TypedDict):
    """A :class:`Message` as JSON: ``{"key": "warn.unreachable", "params": {"people": 78}}``."""

    key: str
    params: dict[str, Param]


class LocalText(TypedDict):
    """A text in both languages: ``{"nb": ..., "en": ...}``.

    Authored so in YAML (rules, actor roles), or saved as text by an older plan.
    """

    nb: str
    en: str


#: Any user-facing text in a plan summary: a message to render, or a bilingual pair.
Text = MessageJSON | LocalText


def message_json(message: Message) -> MessageJSON:
    """``message`` as JSON; numpy scalars become plain numbers."""
    return {"key": message.key, "params": {k: _param(v) for k, v in message.params.items()}}


def _param(value: object) -> Param:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        plain = item()
        if isinstance(plain, str | int | float | bool):
            return plain
    msg = f"Message parameter {value!r} is not a JSON number or text."
    raise TypeError(msg)


def bilingual(nb: str, en: str) -> LocalText:
    """A text authored in both languages."""
    return {"nb": nb, "en": en}


def render(text: Mapping[str, object], lang: str = DEFAULT_LANG) -> str:
    """A summary text (:data:`Text`) in ``lang``: a message rendered, or its ``lang`` half.

    Raises
    ------
    KeyError
        If the language is unknown, or a message's key has no translation.
    """
    if lang not in LANGS:
        msg = f"Unknown language {lang!r}: use one of {', '.join(LANGS)}."
        raise KeyError(msg)
    if "key" in text:
        params = text.get("params") or {}
        if not isinstance(params, Mapping):
            msg = f"Message {text['key']!r} has params {params!r}, not a JSON object."
            raise TypeError(msg)
        return Message(str(text["key"]), dict(params)).text(lang)
    return str(text[lang])


# --- end summary ---


def _decimal(value: float, lang: str) -> str:
    return str(value).replace(".", ",") if lang == "nb" else str(value)


def zone_status_label(status: str, lang: str = DEFAULT_LANG) -> str:
    """Return the display label of a zone status such as ``"bli_innendors"``."""
    return t(f"zone_status.{status}", lang)


def format_number(value: float, lang: str = DEFAULT_LANG) -> str:
    """Format a whole number with the language's thousands separator.

    Norwegian uses a (non-breaking) space, English a comma: ``12 345`` / ``12,345``.
    """
    text = f"{round(value):,}"
    return text.replace(",", "\u00a0") if lang == "nb" else text


def road_class_name(highway: str, lang: str = DEFAULT_LANG) -> str:
    """An OSM road class in words (``tertiary`` -> ``kommunal vei``), for unnamed roads."""
    return t(ROAD_CLASS_KEYS.get(highway, "road_class.other"), lang)
