"""The plan summary's types, and the reader that accepts every saved shape.

A summary is JSON-native (it is stored with scenario versions, written as
``summary.json`` and printed by ``evac plan --json``) and language-neutral: text the
planner generates is a message (``{"key", "params"}``, :class:`planning.i18n.MessageJSON`),
text authored in two languages (rules, actor roles) a ``{"nb", "en"}`` pair
(:class:`planning.i18n.LocalText`). Renderers turn either into words with
:func:`planning.i18n.render` in their language.

:func:`read_summary` reads today's shape (:data:`SUMMARY_FORMAT`), the v0.2.0 one
(English text with ``*_nb`` twins) and the v1 one (before exits, closures and the
capacity range), so stored versions and old ``summary.json`` files still load.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final, TypedDict, cast

from geo.errors import EvacError
from planning.i18n import STRINGS, LocalText, MessageJSON, Text, bilingual, render

__all__ = [
    "SUMMARY_FORMAT",
    "LocalText",
    "MessageJSON",
    "PlanSummary",
    "SummaryFormatError",
    "Text",
    "read_summary",
    "summary_texts",
    "with_texts",
]

#: Marks a summary in the typed, language-neutral shape.
SUMMARY_FORMAT: Final = "evac-summary/2"
#: Clearance keys: leaving the zone, then arriving at the destination.
CLEARANCE_KEYS: Final = ("leave_p50", "leave_p90", "leave_p100", "p50", "p90", "p100")


class SummaryFormatError(EvacError):
    """A stored plan summary that no reader understands."""


class UnreachableReason(TypedDict):
    """People who cannot reach any safe exit, for one reason."""

    reason: Text
    people: int


class SiteEntry(TypedDict):
    """A reception site in this plan; ``reason`` is None when it is available."""

    name: str
    kind: str
    added: bool
    capacity: int
    capacity_assumed: bool
    available: bool
    reason: Text | None
    assigned: int
    off_network_m: float


class ExitEntry(TypedDict):
    """A safe exit used by the plan: ``name`` as in the exits layer, ``label`` in words."""

    name: str
    label: LocalText
    people: int


class ClosureEntry(TypedDict):
    """A road closure: the roads it cuts and their length."""

    label: str
    roads_cut: list[str]
    length_m: float


class FailurePointEntry(TypedDict):
    """A road that is the only way out for ``people_cut_off`` people."""

    name: str
    mode: str
    people_cut_off: int


#: ``leave_p50`` ... ``p100`` (:data:`CLEARANCE_KEYS`) in minutes; None when nobody travels.
ClearanceMinutes = dict[str, float | None]


class BottleneckEntry(TypedDict):
    """One of the most loaded roads relative to its capacity."""

    name: str
    mode: str
    people: float
    vehicles: float
    capacity_vph: float
    load_ratio: float
    hours_at_capacity: float


class ActorEntry(TypedDict):
    """A responsible actor, its role and why it is involved."""

    id: str
    name: str
    kind: str
    role: LocalText
    why: LocalText


class RuleEntry(TypedDict):
    """A rule of the emergency plan that fired, with its explanation."""

    id: str
    explain: LocalText


class ActionEntry(TypedDict):
    """Who does what, under which agreement."""

    rule: str
    who: str
    who_name: str
    what: Text
    agreement: str | None


class KindergartenEntry(TypedDict):
    """A kindergarten in the zone."""

    name: str
    capacity: int
    address: str


class DataSource(TypedDict):
    """The region pack a plan was made from and its attribution."""

    region: str
    attribution: str


class PeopleFigures(TypedDict):
    """Summary keys counting people: in total, per status, per site and why unreachable."""

    evacuees_total: int
    reception_seekers: int
    assigned: dict[str, int]
    own_arrangements: int
    unassigned: int
    unreachable: int
    unreachable_reasons: list[UnreachableReason]


class RoadFigures(TypedDict):
    """Summary keys about roads: exits used, closures and single points of failure."""

    exits: list[ExitEntry]
    closures: list[ClosureEntry]
    single_points_of_failure: list[FailurePointEntry]


class PlanSummary(PeopleFigures, RoadFigures):
    """The plan summary (ARCHITECTURE.md, ``Plan.summary``): figures and neutral texts.

    With the keys of :class:`PeopleFigures` and :class:`RoadFigures`.
    """

    format: str
    scenario: str
    preset: str | None
    exercise: bool
    created: str
    zone_area_km2: float
    population_vintage: str
    sites: list[SiteEntry]
    clearance_minutes: ClearanceMinutes
    clearance_range_minutes: dict[str, ClearanceMinutes]
    bottlenecks: list[BottleneckEntry]
    municipalities: list[dict[str, str]]
    counties: list[dict[str, str]]
    responsible_actors: list[ActorEntry]
    rules_fired: list[RuleEntry]
    actions: list[ActionEntry]
    kindergartens: list[KindergartenEntry]
    warnings: list[Text]
    assumptions: dict[str, Any]
    data: DataSource


# -- reading ------------------------------------------------------------------------


def read_summary(data: Mapping[str, Any]) -> PlanSummary:
    """A stored plan summary in today's typed shape, whichever shape it was saved in.

    Parameters
    ----------
    data
        A parsed summary: today's (``format`` is :data:`SUMMARY_FORMAT`; rendered
        ``text`` fields that ``evac plan --json`` adds are dropped), v0.2.0's
        (English text with ``warnings_nb``, ``reason_nb``, ``why_nb``/``why_en``
        ... twins, read as ``{"nb", "en"}`` pairs) or v1's (fewer keys; the
        missing ones are filled empty: no exits, closures or capacity range).

    Raises
    ------
    SummaryFormatError
        If ``data`` is not a JSON object, has a newer format, or lacks the keys
        every summary has had.
    """
    if not isinstance(data, Mapping):
        msg = f"A plan summary must be a JSON object, not {type(data).__name__}."
        raise SummaryFormatError(msg)
    fmt = data.get("format")
    if fmt == SUMMARY_FORMAT:
        return cast(PlanSummary, _strip_texts(dict(data)))
    if fmt is not None:
        msg = f"Plan summary format {fmt!r} is not {SUMMARY_FORMAT!r}: update evac to read it."
        raise SummaryFormatError(msg)
    missing = [k for k in ("scenario", "evacuees_total", "assigned", "unassigned") if k not in data]
    if missing:
        msg = f"This is not a plan summary: it lacks {', '.join(missing)}."
        raise SummaryFormatError(msg)
    try:
        return _from_v0(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        msg = f"This plan summary of an older evac cannot be read: {exc!r} is wrong or missing."
        raise SummaryFormatError(msg) from None


def _from_v0(old: Mapping[str, Any]) -> PlanSummary:
    """v0.2.0 / v1 shape -> today's: English/bokmål twins become pairs, gaps are filled."""
    assigned = {str(k): int(v) for k, v in (old.get("assigned") or {}).items()}
    unassigned = int(old.get("unassigned") or 0)
    return {
        "format": SUMMARY_FORMAT,
        "scenario": str(old["scenario"]),
        "preset": old.get("preset"),
        "exercise": bool(old.get("exercise", False)),
        "created": str(old.get("created", "")),
        "zone_area_km2": float(old.get("zone_area_km2") or 0.0),
        "population_vintage": str(old.get("population_vintage") or ""),
        "evacuees_total": int(old["evacuees_total"]),
        "reception_seekers": int(old.get("reception_seekers", sum(assigned.values()) + unassigned)),
        "assigned": assigned,
        "own_arrangements": int(old.get("own_arrangements") or 0),
        "unassigned": unassigned,
        "unreachable": int(old.get("unreachable") or 0),
        "unreachable_reasons": _old_reasons(old),
        "sites": [_old_site(s) for s in old.get("sites") or []],
        "exits": [
            {
                "name": str(e["name"]),
                "label": _pair(e, "name", "name_en"),
                "people": int(e["people"]),
            }
            for e in old.get("exits") or []
        ],
        "closures": list(old.get("closures") or []),
        "single_points_of_failure": list(old.get("single_points_of_failure") or []),
        "clearance_minutes": _old_clearance(old.get("clearance_minutes")),
        # v1 had no capacity range: both ends unknown (None), never invented.
        "clearance_range_minutes": {
            k: _old_clearance((old.get("clearance_range_minutes") or {}).get(k))
            for k in ("low", "high")
        },
        "bottlenecks": list(old.get("bottlenecks") or []),
        "municipalities": list(old.get("municipalities") or []),
        "counties": list(old.get("counties") or []),
        "responsible_actors": [_old_actor(a) for a in old.get("responsible_actors") or []],
        "rules_fired": [
            {"id": str(r["id"]), "explain": _pair(r, "explain_nb", "explain_en")}
            for r in old.get("rules_fired") or []
        ],
        "actions": [_old_action(a) for a in old.get("actions") or []],
        "kindergartens": list(old.get("kindergartens") or []),
        "warnings": _old_texts(old.get("warnings"), old.get("warnings_nb")),
        "assumptions": dict(old.get("assumptions") or {}),
        "data": {
            "region": str((old.get("data") or {}).get("region", "")),
            "attribution": str((old.get("data") or {}).get("attribution", "")),
        },
    }


def _pair(entry: Mapping[str, Any], nb_key: str, en_key: str) -> LocalText:
    """A bilingual pair from twin keys; a missing half falls back to the other one."""
    nb, en = entry.get(nb_key), entry.get(en_key)
    return bilingual(str(nb if nb is not None else en or ""), str(en if en is not None else nb))


def _old_texts(en: list[str] | None, nb: list[str] | None) -> list[Text]:
    """Parallel English and bokmål lists; a summary without bokmål shows English."""
    en = list(en or [])
    nb = list(nb) if nb is not None and len(nb) == len(en) else en
    return [bilingual(n, e) for n, e in zip(nb, en, strict=True)]


def _old_reasons(old: Mapping[str, Any]) -> list[UnreachableReason]:
    """``{english: people}`` and ``{bokmål: people}`` in the same (sorted) order."""
    en = list((old.get("unreachable_reasons") or {}).items())
    nb = list((old.get("unreachable_reasons_nb") or {}).keys())
    names = nb if len(nb) == len(en) else [e for e, _ in en]
    return [
        {"reason": bilingual(n, e), "people": int(people)}
        for n, (e, people) in zip(names, en, strict=True)
    ]


def _old_site(s: Mapping[str, Any]) -> SiteEntry:
    """A v0.2.0 site: ``reason`` in English ("" when available) and its ``reason_nb``."""
    reason = str(s.get("reason") or "")
    return {
        "name": str(s["name"]),
        "kind": str(s.get("kind", "")),
        "added": bool(s.get("added", False)),
        "capacity": int(s.get("capacity") or 0),
        "capacity_assumed": bool(s.get("capacity_assumed", False)),
        "available": bool(s.get("available", True)),
        "reason": bilingual(str(s.get("reason_nb") or reason), reason) if reason else None,
        "assigned": int(s.get("assigned") or 0),
        "off_network_m": float(s.get("off_network_m") or 0.0),
    }


def _old_clearance(value: Mapping[str, Any] | None) -> ClearanceMinutes:
    return {k: (value or {}).get(k) for k in CLEARANCE_KEYS}


def _old_actor(a: Mapping[str, Any]) -> ActorEntry:
    return {
        "id": str(a.get("id", "")),
        "name": str(a.get("name", "")),
        "kind": str(a.get("kind", "")),
        "role": _pair(a, "role", "role_en"),
        "why": _pair(a, "why_nb", "why_en"),
    }


def _old_action(a: Mapping[str, Any]) -> ActionEntry:
    return {
        "rule": str(a.get("rule", "")),
        "who": str(a.get("who", "")),
        "who_name": str(a.get("who_name", a.get("who", ""))),
        "what": _pair(a, "what_nb", "what_en"),
        "agreement": a.get("agreement"),
    }


# -- texts ------------------------------------------------------------------------


def summary_texts(summary: PlanSummary) -> Iterator[Text]:
    """Every text of ``summary`` (warnings, reasons, actors, rules, actions), in order."""
    yield from summary["warnings"]
    yield from (r["reason"] for r in summary["unreachable_reasons"])
    yield from (s["reason"] for s in summary["sites"] if s["reason"] is not None)
    for a in summary["responsible_actors"]:
        yield a["role"]
        yield a["why"]
    yield from (r["explain"] for r in summary["rules_fired"])
    yield from (a["what"] for a in summary["actions"])


def with_texts(summary: PlanSummary, lang: str) -> dict[str, Any]:
    """A copy of ``summary`` whose every message also holds its ``text`` in ``lang``.

    For JSON meant to be read by people (``evac plan --json``, ``summary.json``):
    still neutral (:func:`read_summary` drops the ``text`` again), but readable and
    searchable without the string table.
    """
    return cast(dict[str, Any], _map_texts(summary, lambda m: {**m, "text": render(m, lang)}))


def _strip_texts(value: Any) -> Any:
    return _map_texts(value, lambda m: {k: v for k, v in m.items() if k != "text"})


def _map_texts(value: Any, change: Any) -> Any:
    """``value`` rebuilt with ``change`` applied to every message (a dict with a ``key``)."""
    if isinstance(value, dict):
        if isinstance(value.get("key"), str) and isinstance(value.get("params"), dict):
            return change(value)
        return {k: _map_texts(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_map_texts(v, change) for v in value]
    return value


def layer_reasons(summary: PlanSummary, lang: str) -> dict[str, str]:
    """The plan layers' reasons (layers keep English) -> the same reason in ``lang``.

    From the summary's reasons (with their parameters) and every reason without
    parameters (unassigned people's reasons are in the layers only). Maps and data
    files show a layer's ``reason`` through this, in the reader's language.
    """
    texts: list[Text] = [r["reason"] for r in summary["unreachable_reasons"]]
    texts += [s["reason"] for s in summary["sites"] if s["reason"] is not None]
    texts += [
        {"key": k, "params": {}}
        for k, v in STRINGS.items()
        if k.startswith("reason.") and "{" not in v["en"]
    ]
    return {render(x, "en"): render(x, lang) for x in texts}
