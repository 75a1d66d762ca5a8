"""Evacuation planner for Bærum kommune: the Streamlit front end.

UI only: layout, widgets and session state. Scenarios are built from the
widgets in :mod:`ui.app_state`, plans by :func:`planning.plan.make_plan`, the map
by :mod:`exports.web_map`, the result tables in :mod:`ui.app_results` and the
files in :mod:`ui.app_exports`. Saving, versions and the archive live in
:mod:`ui.app_store`, the exercise log in :mod:`ui.app_log`, and the read-only
situation view (``?view=situation&scenario=<id>``) in :mod:`ui.app_situation`.
Run with ``streamlit run app.py``.
"""

from __future__ import annotations

import copy
import time
from typing import Any

import folium
import streamlit as st
from streamlit_folium import st_folium

from exports.web_map import build_map
from geo.errors import EvacError, UploadError
from geo.region import Region, load_region
from geo.registry import Registry, load_registry
from geo.zone_files import MAX_BYTES, too_large
from planning.i18n import zone_status_label
from planning.plan import make_plan
from planning.presets import list_presets, load_preset
from planning.scenario import MODES, ZONE_STATUSES, ZoneSpec, scenario_from_json, scenario_to_json
from store.exercise_log import md_escape
from ui import app_log as AL
from ui import app_state as S
from ui import app_store as AS
from ui.access import require_access
from ui.app_atlas import atlas_view, open_atlas_button
from ui.app_exports import export_panel, file_stem
from ui.app_messages import flash, show, show_flashes
from ui.app_results import key_figures, results_tabs
from ui.app_simulation import simulation_panel
from ui.app_situation import situation_view
from ui.app_strings import LANG_NAMES, tr
from ui.exercise_strings import tx

MAP_HEIGHT = 600
UPLOAD_MB = MAX_BYTES // 2**20
# Default hazard point: central Fornebu.
HAZARD_LAT, HAZARD_LON = 59.8965, 10.6190

st.set_page_config(
    page_title="Evakueringsplanlegger – Bærum",
    layout="wide",
    initial_sidebar_state="expanded",
)

# Compact, sober styling; the exercise banner must be impossible to miss.
st.markdown(
    """
<style>
.block-container {padding: 3.2rem 2.5rem 1rem 2.5rem;}
h1 {font-size: 1.9rem !important; padding: 0 !important;}
.stAppDeployButton {display: none;}
section[data-testid="stSidebar"] {min-width: 22rem;}
div[data-testid="stMetric"] {background: #fafafa; min-height: 6.4rem;}
div[data-testid="stMetricValue"] {font-size: 1.5rem;}
.evac-banner {background: #c62828; color: #fff; font-weight: 700; letter-spacing: .08em;
  text-align: center; padding: .35rem; border-radius: .3rem; margin-bottom: .4rem;}
</style>
""",
    unsafe_allow_html=True,
)

state = st.session_state


@st.cache_resource(show_spinner=False)
def get_region(include_construction: bool = False) -> Region:
    """The region pack with both networks loaded (once per server process and option)."""
    region = load_region(include_construction=include_construction)
    for mode in ("drive", "walk"):
        region.network(mode)
    _ = region.population, region.coverage  # warm the cached layers too
    return region


@st.cache_resource(show_spinner=False)
def get_plan_registry() -> Registry:
    """Sites, actors, agreements, rules and preset areas from ``data/shapes``, loaded once."""
    return load_registry()


@st.cache_resource(show_spinner=False)
def get_registry() -> tuple[Any, Any, Any]:
    """Reception sites, agreements and presets from ``data/shapes``."""
    registry = get_plan_registry()
    return registry.sites, registry.agreements, list_presets()


@st.cache_resource(show_spinner=False, max_entries=4)
def base_map(lang: str) -> folium.Map:
    """The map before any plan (shared by every session)."""
    return build_map(get_region(), get_registry()[0], None, lang=lang)


def lang() -> str:
    """The chosen UI language."""
    return state.get("lang", "nb")


def banner_html(lg: str) -> str:
    """The ØVELSE banner: fixed text only, the one HTML the page writes itself."""
    return f'<div class="evac-banner">{tr("app.exercise_banner", lg)}</div>'


def drop_plan() -> None:
    """Forget the plan and the stored scenario it belonged to (a new scenario was loaded)."""
    state.pop("plan", None)
    AS.forget_open()


# -- callbacks: they run before the script, so they may set widget values ------------------


def on_preset() -> None:
    """Load the chosen preset scenario into the widgets."""
    name = state[S.PRESET]
    if not name:
        return
    try:
        S.apply_scenario(state, load_preset(name), get_registry()[0])
        drop_plan()
    except EvacError as exc:
        flash("error", str(exc))


def on_scenario_file() -> None:
    """Load an uploaded scenario JSON into the widgets."""
    f = state.get("scenario_file")
    if f is None:
        return
    try:
        if f.size > MAX_BYTES:
            raise UploadError(too_large(f.name, f.size))
        try:
            text = f.getvalue().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UploadError(f"{f.name} is not UTF-8 text: save it as UTF-8 JSON.") from None
        scenario = scenario_from_json(text, f.name).validate()
        S.apply_scenario(state, scenario, get_registry()[0])
    except EvacError as exc:
        flash("error", str(exc))
        return
    presets = {p.name for p in get_registry()[2]}
    state[S.PRESET] = scenario.preset if scenario.preset in presets else ""
    drop_plan()
    flash("success", tr("file.loaded", lang(), name=scenario.name))


def on_zone_file() -> None:
    """Add the zones (polygons) and closures (lines) of an uploaded file."""
    f = state.get("zone_file")
    if f is None:
        return
    try:
        zones, closures = S.upload_specs(f.getvalue(), f.name)
    except EvacError as exc:
        flash("error", str(exc))
        return
    S.add_zones(state, zones)
    state[S.CLOSURES].extend(closures)
    flash(
        "success",
        tr("zones.added", lang(), zones=len(zones), closures=len(closures), source=f.name),
    )


def on_add_hazard() -> None:
    """Add a circle or plume zone from the template inputs."""
    center = (float(state["hz_lon"]), float(state["hz_lat"]))
    if state["hz_kind"] == "circle":
        radius = float(state["hz_radius"])
        spec = ZoneSpec(
            kind="circle",
            label=tr("hazard.label_circle", lang(), radius=f"{radius:.0f}"),
            center=center,
            radius_m=radius,
        )
    else:
        wind = float(state["hz_wind"])
        spec = ZoneSpec(
            kind="plume",
            label=tr("hazard.label_plume", lang(), wind=f"{wind:.0f}"),
            center=center,
            wind_from_deg=wind,
            length_m=float(state["hz_length"]),
            angle_deg=float(state["hz_angle"]),
        )
    try:
        S.add_zones(state, [S.checked_zone(spec)])
    except EvacError as exc:
        flash("error", str(exc))


# -- sidebar ----------------------------------------------------------------------------------


def zone_caption(spec: ZoneSpec, lg: str) -> str:
    """What kind of zone this is, in words."""
    if spec.kind == "circle":
        return tr("zones.kind.circle", lg, radius=f"{spec.radius_m:.0f}")
    if spec.kind == "plume":
        return tr(
            "zones.kind.plume", lg, wind=f"{spec.wind_from_deg:.0f}", length=f"{spec.length_m:.0f}"
        )
    return tr("zones.kind.polygon", lg)


def sidebar_zones(lg: str) -> None:
    """Zone list with label and status, closures, upload and hazard templates."""
    with st.expander(tr("zones.header", lg), expanded=True):
        if not state[S.ZONES]:
            st.caption(tr("zones.none", lg))
        for i, entry in enumerate(state[S.ZONES]):
            st.text_input(tr("zones.label", lg, n=i + 1), key=S.zone_label_key(entry.uid))
            st.selectbox(
                tr("zones.status", lg),
                ZONE_STATUSES,
                format_func=lambda s: zone_status_label(s, lg),
                key=S.zone_status_key(entry.uid),
            )
            kind_col, remove_col = st.columns([3, 2], vertical_alignment="center")
            kind_col.caption(zone_caption(entry.spec, lg))
            remove_col.button(
                tr("zones.remove", lg),
                key=f"zone_remove::{entry.uid}",
                on_click=S.remove_zone,
                args=(state, entry.uid),
                type="tertiary",
                icon=":material/delete:",
            )
        if state[S.CLOSURES]:
            st.caption(tr("zones.closures", lg, n=len(state[S.CLOSURES])))
        if state[S.ZONES] or state[S.CLOSURES]:
            st.button(tr("zones.clear", lg), on_click=S.clear_zones, args=(state,))
        st.file_uploader(
            tr("zones.upload", lg),
            type=["geojson", "json", "gpkg", "kml"],
            key="zone_file",
            max_upload_size=UPLOAD_MB,
            on_change=on_zone_file,
        )
        st.caption(tr("zones.draw_hint", lg))
    with st.expander(tr("hazard.header", lg)):
        kind = st.radio(
            tr("hazard.kind", lg),
            ["circle", "plume"],
            format_func=lambda k: tr(f"hazard.{k}", lg),
            key="hz_kind",
            horizontal=True,
        )
        lat_col, lon_col = st.columns(2)
        lat_col.number_input(tr("hazard.lat", lg), value=HAZARD_LAT, format="%.4f", key="hz_lat")
        lon_col.number_input(tr("hazard.lon", lg), value=HAZARD_LON, format="%.4f", key="hz_lon")
        if kind == "circle":
            st.number_input(
                tr("hazard.radius", lg), 50.0, 50_000.0, 1000.0, step=100.0, key="hz_radius"
            )
        else:
            st.number_input(tr("hazard.wind", lg), 0.0, 360.0, 200.0, step=10.0, key="hz_wind")
            st.number_input(
                tr("hazard.length", lg), 100.0, 50_000.0, 1500.0, step=100.0, key="hz_length"
            )
            st.number_input(tr("hazard.angle", lg), 5.0, 180.0, 40.0, step=5.0, key="hz_angle")
        st.button(tr("hazard.add", lg), on_click=on_add_hazard, key="hz_add")


def sidebar_assumptions(lg: str) -> None:
    """Scenario parameters, each labelled as an assumption."""
    with st.expander(tr("params.header", lg), expanded=True):
        st.caption(tr("params.note", lg))
        st.number_input(
            tr("params.scale", lg),
            min_value=0.0,
            max_value=10.0,
            step=0.05,
            key=S.SCALE,
            help=tr("params.scale_help", lg),
        )
        st.number_input(
            tr("params.override", lg),
            min_value=0,
            max_value=2_000_000,
            step=100,
            key=S.OVERRIDE,
            help=tr("params.override_help", lg),
        )
        mode = st.radio(
            tr("params.mode", lg),
            MODES,
            format_func=lambda m: tr(f"mode.{m}", lg),
            key=S.MODE,
            horizontal=True,
        )
        st.slider(
            tr("params.car_share", lg),
            min_value=0.0,
            max_value=1.0,
            step=0.05,
            key=S.CAR_SHARE,
            disabled=mode != "mixed",
        )
        st.number_input(
            tr("params.persons_per_car", lg),
            min_value=1.0,
            max_value=9.0,
            step=0.1,
            key=S.PERSONS_PER_CAR,
            disabled=mode == "walk",
        )
        st.text_input(
            tr("params.mobilisation", lg),
            key=S.MOBILISATION,
            help=tr("params.mobilisation_help", lg),
        )
        st.checkbox(tr("params.construction", lg), key="include_construction")


def sidebar_sites(lg: str, sites: Any) -> None:
    """Availability and capacity per reception site; registry capacities marked assumed."""
    with st.expander(tr("sites.header", lg), expanded=True):
        st.caption(tr("sites.note", lg))
        for row in sites.itertuples():
            cap_key = S.site_capacity_key(row.name)
            from_registry = bool(row.capacity_assumed) and state.get(cap_key) == int(row.capacity)
            st.checkbox(
                f"**{md_escape(row.name)}**",
                key=S.site_active_key(row.name),
                help=tr("sites.active_help", lg),
            )
            st.number_input(
                tr("sites.capacity_assumed" if from_registry else "sites.capacity", lg),
                min_value=0,
                max_value=1_000_000,
                step=50,
                key=cap_key,
                disabled=not state[S.site_active_key(row.name)],
            )


def sidebar_scenario_file(lg: str, scenario_json: str | None, stem: str, error: str | None) -> None:
    """Load a scenario file, and save the current scenario (or say why it cannot be saved)."""
    with st.expander(tr("file.header", lg)):
        st.file_uploader(
            tr("file.load", lg),
            type=["json"],
            key="scenario_file",
            on_change=on_scenario_file,
            max_upload_size=UPLOAD_MB,
        )
        st.download_button(
            tr("file.save", lg),
            data=scenario_json or "",
            file_name=f"{stem}.json",
            mime="application/json",
            disabled=scenario_json is None,
            on_click=AL.log_export,
            args=(tr("file.save", lg), lg),
            key="save_scenario",
            icon=":material/save:",
        )
        if error:
            show("error", error)


# -- page -------------------------------------------------------------------------------------

# The situation view (a staff-room screen) is read only: no sidebar, no widgets.
situation = st.query_params.get("view") == "situation"
if situation:
    lg = st.query_params.get("lang", "nb")
    lg = lg if lg in LANG_NAMES else "nb"
else:
    with st.sidebar:
        st.radio(
            tr("app.language", lang()),
            list(LANG_NAMES),
            format_func=LANG_NAMES.get,
            key="lang",
            horizontal=True,
        )
    lg = lang()
user = require_access(lambda key: tr(key, lg))
if user:
    state[AS.USER] = user

try:
    with st.spinner(tr("app.loading_region", lg)):
        region = get_region(bool(state.get("include_construction", False)))
    sites, agreements, presets = get_registry()
    store = AS.current_store()
except EvacError as exc:
    show("error", str(exc))
    st.stop()

if situation:
    situation_view(store, region, get_plan_registry(), lg, banner_html(lg))
    st.stop()
if st.query_params.get("view") == "atlas":
    atlas_view(region, sites, lg)
    st.stop()

S.init_state(state, sites)
AL.track_changes(sites, lg)
state.setdefault(S.PRESET, "")
state.setdefault("plan_token", 0)

# The scenario the widgets describe now (before this run's widgets change it).
try:
    current = S.build_scenario(state, sites)
    current_json: str | None = scenario_to_json(current)
    current_error = None
except EvacError as exc:
    current, current_json, current_error = None, None, str(exc)

with st.sidebar:
    st.header(tr("side.scenario", lg), divider="red")
    titles = {p.name: p.title_nb if lg == "nb" else p.title_en for p in presets}
    st.selectbox(
        tr("side.preset", lg),
        ["", *titles],
        format_func=lambda n: titles.get(n) or tr("side.preset_none", lg),
        key=S.PRESET,
        on_change=on_preset,
    )
    chosen = next((p for p in presets if p.name == state[S.PRESET]), None)
    if chosen is not None:
        st.caption(chosen.description_nb if lg == "nb" else chosen.description)
    st.text_input(tr("side.name", lg), key=S.NAME)
    st.toggle(tr("side.exercise", lg), key=S.EXERCISE)
    run = st.button(
        tr("side.run", lg), type="primary", width="stretch", icon=":material/route:", key="run"
    )
    # Filled after the plan run below, so it knows whether the plan is up to date.
    save_slot = st.container()
    open_atlas_button(lg)
    sidebar_zones(lg)
    sidebar_assumptions(lg)
    sidebar_sites(lg, sites)
    stem = file_stem(current) if current is not None else "scenario"
    sidebar_scenario_file(lg, current_json, stem, current_error)

if state[S.EXERCISE]:
    st.markdown(banner_html(lg), unsafe_allow_html=True)
st.title(tr("app.title", lg), anchor=False)
st.caption(tr("app.subtitle", lg))
show_flashes()
AS.conflict_block(sites, lg)

if run:
    try:
        scenario = S.build_scenario(state, sites)
        with st.spinner(tr("app.running", lg)):
            t0 = time.perf_counter()
            plan = make_plan(scenario, region, get_plan_registry())
        state["plan"] = plan
        state["plan_json"] = scenario_to_json(scenario)
        state["plan_seconds"] = time.perf_counter() - t0
        state["plan_token"] += 1
        state["exports"] = {}
        current_json = state["plan_json"]
        AL.log_plan_run(plan.summary, lg)
    except EvacError as exc:
        show("error", str(exc))

with save_slot:
    plan_fresh = state.get("plan") is not None and current_json == state.get("plan_json")
    AS.save_panel(sites, lg, plan_fresh)

plan = state.get("plan")
if plan is None:
    if not run:
        st.info(tr("app.start_hint", lg), icon=":material/info:")
else:
    if current_json != state["plan_json"]:
        st.warning(tr("app.stale", lg), icon=":material/update:")
    key_figures(plan.summary, lg)

if plan is None:
    fmap = base_map(lg)
else:
    cache_key = (state["plan_token"], lg)
    if state.get("map_key") != cache_key:
        state["map"] = build_map(region, sites, plan, lang=lg)
        state["map_key"] = cache_key
    fmap = state["map"]
# st_folium renames the map's elements in place, so a map object shown twice
# breaks (undefined layer variables in the browser): show a fresh copy each run.
out = st_folium(
    copy.deepcopy(fmap),
    key="map",
    height=MAP_HEIGHT,
    use_container_width=True,
    returned_objects=["all_drawings"],
)
added = S.import_drawings(state, (out or {}).get("all_drawings"), tr("zones.drawn_label", lg))
if any(added):
    flash(
        "success",
        tr("zones.added", lg, zones=added[0], closures=added[1], source=tr("zones.from_map", lg)),
    )
    st.rerun()

if plan is not None:
    seconds = f"{state['plan_seconds']:.1f}"
    st.caption(
        tr("app.plan_done", lg, seconds=seconds.replace(".", ",") if lg == "nb" else seconds)
    )
    vintage = plan.summary.get("population_vintage", region.population_vintage)  # popdata
    export_tab = results_tabs(plan.summary, agreements, vintage, lg)
    with export_tab:
        export_panel(plan, region, sites, lg, state["exports"], on_download=AL.log_export)
    simulation_panel(plan, region, lg)

st.divider()
log_tab, archive_tab = st.tabs(
    [
        f":material/edit_note: {tx('section.log', lg)}",
        f":material/inventory_2: {tx('section.archive', lg)}",
    ]
)
with log_tab:
    AL.log_panel(lg)
with archive_tab:
    AS.archive_panel(sites, lg)
