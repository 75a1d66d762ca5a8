"""Read-only situation view for the staff-room screen: ``?view=situation&scenario=<id>``.

Shows the latest saved version of one stored scenario: the ØVELSE banner, its
map with the plan, zone statuses, key figures and the latest log entries; no
widget that edits anything. The plan is recomputed from the saved scenario, once
per (store, scenario, version) for all viewers. A fragment polls the store
every :data:`POLL_SECONDS` and reruns the page only when a new version or log
entry has appeared, so a planner's save shows up within a few seconds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import pandas as pd
import streamlit as st

from exports import cartography
from exports import web_map as map_builder
from geo.errors import EvacError
from geo.settings import LOCAL_TZ
from planning.i18n import zone_status_label
from planning.plan import Plan
from planning.scenario import scenario_to_json
from store import ScenarioStore, StoredVersion
from store.exercise_log import md_escape
from ui.app_log import events_frame
from ui.app_plan import cached_plan
from ui.app_results import key_figures
from ui.app_state import scenario_key
from ui.app_store import situation_url
from ui.exercise_strings import local_time, tx

if TYPE_CHECKING:
    from geo.region import Region

#: Seconds between two looks at the store.
POLL_SECONDS: Final = 2.0
#: Log entries shown.
LOG_ROWS: Final = 8
MAP_HEIGHT: Final = 560
#: The layers a planner sees at first; the ones switched off there (population grid,
#: responsibility areas, shelters, origins) would only add weight to every screen.
SCREEN_LAYERS: Final = tuple(k for k in map_builder.LAYERS if k not in map_builder.HIDDEN_LAYERS)
# Session key: the (version, last event id) the page was drawn from.
_SHOWN: Final = "situation_shown"


@st.cache_resource(show_spinner=False, max_entries=16)
def situation_plan(
    store_key: str,
    scenario_id: str,
    version: int,
    _stored: StoredVersion,
    _region: Region,
) -> tuple[Plan | None, str]:
    """The plan of a saved version, or ``(None, why not)``; computed once for every viewer."""
    try:
        text = scenario_to_json(_stored.scenario())
        key = scenario_key(text, _region.include_construction)
        return cached_plan(key, text, _region).plan, ""
    except EvacError as exc:
        return None, str(exc)


@st.cache_resource(show_spinner=False, max_entries=16)
def situation_map(
    store_key: str,
    scenario_id: str,
    version: int,
    lang: str,
    _plan: Plan | None,
    _region: Region,
    _sites: gpd.GeoDataFrame,
) -> str:
    """The map of a saved version's plan, without drawing tools, as one HTML page.

    Rendered once for every viewer: the view only looks at the map, so it needs
    none of ``st_folium``'s round trip, whose per-session rendering would make
    twenty screens wait on each other after every save.
    """
    fmap = map_builder.build_map(
        _region, _sites, _plan, lang=lang, layers=SCREEN_LAYERS, draw=False
    )
    return fmap.get_root().render()


def stamp(store: ScenarioStore, scenario_id: str) -> tuple[int, int]:
    """What the view depends on: the latest version and the last log entry's id."""
    latest = store.versions(scenario_id)[-1].version
    events = store.events(scenario_id)
    return latest, events[-1].event_id if events else 0


def zone_frame(stored: StoredVersion, lang: str) -> pd.DataFrame:
    """Zone names and statuses of a saved version."""
    zones = stored.scenario().zones
    return pd.DataFrame(
        {
            tx("col.zone", lang): [z.label for z in zones],
            tx("col.status", lang): [zone_status_label(z.status, lang) for z in zones],
        }
    )


def _text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (``#rrggbb``)."""
    r, g, b = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    return "#000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#fff"


def _status_colours(df: pd.DataFrame, lang: str) -> Any:
    """The status column coloured as on the map."""
    colours = {zone_status_label(s, lang): c for s, c in cartography.ZONE_COLOURS.items()}

    def style(value: object) -> str:
        bg = colours.get(str(value))
        if bg is None:
            return ""
        return f"background-color: {bg}; color: {_text_colour(bg)}; font-weight: 600"

    return df.style.map(style, subset=[tx("col.status", lang)])


@st.fragment(run_every=POLL_SECONDS)
def _watch(store: ScenarioStore, scenario_id: str, shown: tuple[int, int], lang: str) -> None:
    """Rerun the whole page when the store holds something newer than what is shown."""
    try:
        now = stamp(store, scenario_id)
    except EvacError:
        now = shown  # a store hiccup: keep showing what we have and look again
    if now != shown:
        st.rerun()
    checked = datetime.now(UTC).astimezone(LOCAL_TZ).strftime("%H:%M:%S")
    seconds = f"{POLL_SECONDS:g}"
    st.caption(tx("sit.live", lang, seconds=seconds, time=checked))


def _pick_scenario(store: ScenarioStore, lang: str) -> None:
    """Links to the situation view of each stored scenario."""
    st.markdown(tx("sit.pick", lang))
    lines = [
        f"- [{md_escape(s.name)}]({situation_url(s.scenario_id, lang)})"
        for s in store.list_scenarios()
    ]
    st.markdown("\n".join(lines) or tx("archive.none", lang))


def situation_view(
    store: ScenarioStore, region: Region, sites: gpd.GeoDataFrame, lang: str, banner: str
) -> None:
    """Draw the situation view of ``?scenario=<id>`` (read only).

    Parameters
    ----------
    store
        The scenario store.
    region, sites
        The region pack and the registry's reception sites, as the planner uses them.
    lang
        ``"nb"`` or ``"en"``.
    banner
        HTML of the ØVELSE banner (fixed text, no user input), shown for exercises.
    """
    scenario_id = st.query_params.get("scenario", "")
    if not scenario_id:
        st.title(tx("sit.title", lang), anchor=False)
        _pick_scenario(store, lang)
        return
    try:
        stored = store.load(scenario_id)
        events = store.events(scenario_id)
        deleted = any(
            s.deleted
            for s in store.list_scenarios(include_deleted=True)
            if s.scenario_id == scenario_id
        )
    except EvacError:
        st.title(tx("sit.title", lang), anchor=False)
        st.error(md_escape(tx("sit.unknown", lang, sid=scenario_id)))
        return
    # What this page shows, read before drawing: a save made while drawing still
    # differs from it, so the watcher reruns the page once more.
    shown = (stored.info.version, events[-1].event_id if events else 0)
    scenario = stored.scenario()
    info = stored.info
    if scenario.exercise:
        st.markdown(banner, unsafe_allow_html=True)
    st.title(f"{tx('sit.title', lang)}: {md_escape(info.name)}", anchor=False)
    caption = tx(
        "sit.version", lang, version=info.version, time=local_time(info.created), user=info.user
    )
    st.caption(md_escape(f"{caption} · {info.comment}" if info.comment else caption))
    if deleted:
        st.warning(tx("sit.deleted", lang))

    key = repr(store)
    plan, why = situation_plan(key, scenario_id, info.version, stored, region)
    if plan is not None:
        key_figures(plan.summary, lang)
    else:
        st.info(md_escape(tx("sit.no_plan", lang, reason=why)))
    map_col, side_col = st.columns([3, 2])
    with map_col:
        # The builder escapes every user text in the map (labels, names).
        st.iframe(
            situation_map(key, scenario_id, info.version, lang, plan, region, sites),
            height=MAP_HEIGHT,
        )
    with side_col:
        st.subheader(tx("sit.statuses", lang), anchor=False)
        zones = zone_frame(stored, lang)
        # Static tables: large, plain text (escaped) and without grid controls.
        st.table(_status_colours(zones, lang), hide_index=True)
        st.subheader(tx("sit.log", lang), anchor=False)
        if events:
            st.table(events_frame(events[-LOG_ROWS:], lang, date=False), hide_index=True)
        else:
            st.caption(tx("log.empty", lang))
    _watch(store, scenario_id, shown, lang)
