"""Evacuation planner for Bærum kommune: the Streamlit front end.

UI only: page flow and callbacks. All session state goes through
:mod:`ui.app_state` (language-neutral values; widgets are views of them), the
sidebar is :mod:`ui.app_sidebar`, plans come from :mod:`ui.app_plan` (cached
on a hash of the scenario), the map from :mod:`ui.app_map` (a base map built
once plus the plan's layers), the result tables from :mod:`ui.app_results` and
the files from :mod:`ui.app_exports`. Saving, versions and the archive live in
:mod:`ui.app_store`, the exercise log in :mod:`ui.app_log`, and the read-only
situation view (``?view=situation&scenario=<id>``) in :mod:`ui.app_situation`.
Run with ``streamlit run app.py``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import streamlit as st

from geo.errors import EvacError, UploadError
from geo.region import Region, load_region
from geo.zone_files import MAX_BYTES, too_large
from planning.presets import list_presets, load_preset
from planning.scenario import Scenario, scenario_from_json, scenario_to_json
from ui import app_log as AL
from ui import app_map as AM
from ui import app_sidebar as SB
from ui import app_state as S
from ui import app_store as AS
from ui.access import require_access
from ui.app_atlas import atlas_view, open_atlas_button
from ui.app_exports import export_panel, file_stem
from ui.app_messages import error_text, flash, flash_error, show_error, show_flashes
from ui.app_plan import cached_plan, plan_registry, prefetch
from ui.app_results import key_figures, results_tabs
from ui.app_simulation import simulation_panel
from ui.app_situation import situation_view
from ui.app_strings import LANG_NAMES, tr
from ui.builtin_texts import show_builtin_texts
from ui.exercise_strings import tx

if TYPE_CHECKING:
    import geopandas as gpd

    from geo.registry import Agreement
    from planning.plan import Plan
    from planning.presets import PresetInfo

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
div[data-testid="stTable"] td {white-space: normal; word-break: break-word;}
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
def get_registry() -> tuple[gpd.GeoDataFrame, list[Agreement], list[PresetInfo]]:
    """Reception sites, agreements and presets from ``data/shapes``."""
    registry = plan_registry()
    return registry.sites, registry.agreements, list_presets()


def banner_html(lg: str) -> str:
    """The ØVELSE banner: fixed text only, the one HTML the page writes itself."""
    return f'<div class="evac-banner">{tr("app.exercise_banner", lg)}</div>'


def loaded(scenario: Scenario, *, keep_typed_name: bool) -> None:
    """Put a loaded scenario into the state and forget the plan and the open stored one."""
    typed = S.value(state, S.NAME) if keep_typed_name and state.get(S.NAME_TYPED) else None
    S.apply_scenario(state, scenario, get_registry()[0])
    if typed is not None:
        S.put(state, S.NAME, typed)
    else:
        state[S.NAME_TYPED] = False
    S.drop_plan(state)
    AS.forget_open()


# -- callbacks: they run before the script, so they may set widget values ------------------


def on_preset() -> None:
    """Load the chosen preset scenario into the widgets (the name follows unless typed)."""
    S.harvest(state)
    name = S.value(state, S.PRESET)
    if not name:
        return
    try:
        loaded(load_preset(name), keep_typed_name=True)
    except EvacError as exc:
        flash_error(exc, S.lang(state))


def _read_scenario_file(f: Any) -> Scenario:
    if f.size > MAX_BYTES:
        raise UploadError(too_large(f.name, f.size))
    try:
        text = f.getvalue().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError(f"{f.name} is not UTF-8 text: save it as UTF-8 JSON.") from None
    return scenario_from_json(text, f.name).validate()


def on_scenario_file() -> None:
    """Load an uploaded scenario JSON into the widgets (its own name included)."""
    f = state.get(S.SCENARIO_FILE)
    if f is None:
        return
    lg = S.lang(state)
    try:
        scenario = _read_scenario_file(f)
    except EvacError as exc:
        flash_error(exc, lg)
        return
    loaded(scenario, keep_typed_name=False)
    presets = {p.name for p in get_registry()[2]}
    S.put(state, S.PRESET, scenario.preset if scenario.preset in presets else "")
    flash("success", tr("file.loaded", lg, name=scenario.name))


def on_zone_file() -> None:
    """Add the zones (polygons) and closures (lines) of an uploaded file."""
    f = state.get(S.ZONE_FILE)
    if f is None:
        return
    lg = S.lang(state)
    try:
        n_zones, n_closures = S.add_upload(state, f.getvalue(), f.name)
    except EvacError as exc:
        flash_error(exc, lg)
        return
    flash("success", tr("zones.added", lg, zones=n_zones, closures=n_closures, source=f.name))


def on_add_hazard() -> None:
    """Add a circle or plume zone from the template inputs."""
    S.harvest(state)
    lg = S.lang(state)
    circle, plume = tr("hazard.label_circle", lg), tr("hazard.label_plume", lg)
    try:
        spec = S.checked_zone(S.hazard_spec(state, circle, plume))
    except EvacError as exc:
        flash_error(exc, lg)
        return
    S.add_zones(state, [spec], "template")


def on_name() -> None:
    """The planner typed a scenario name: it no longer follows presets and files."""
    S.name_typed(state)


# -- page parts -------------------------------------------------------------------------------


def language_radio() -> None:
    """The language switch (its labels are the same in both languages)."""
    st.radio(
        tr("app.language", S.lang(state)),
        list(LANG_NAMES),
        format_func=LANG_NAMES.get,
        key=S.LANG,
        horizontal=True,
    )


def scenario_head(lg: str, presets: list[PresetInfo]) -> bool:
    """Preset, name, exercise toggle and the run button; returns whether it was pressed."""
    st.header(tr("side.scenario", lg), divider="red")
    titles = {p.name: p.title_nb if lg == "nb" else p.title_en for p in presets}
    st.selectbox(
        tr("side.preset", lg),
        ["", *titles],
        format_func=lambda n: titles.get(n) or tr("side.preset_none", lg),
        key=S.PRESET,
        on_change=on_preset,
    )
    chosen = next((p for p in presets if p.name == S.value(state, S.PRESET)), None)
    if chosen is not None:
        st.caption(chosen.description_nb if lg == "nb" else chosen.description)
    st.text_input(tr("side.name", lg), key=S.NAME, on_change=on_name)
    st.toggle(tr("side.exercise", lg), key=S.EXERCISE)
    return st.button(
        tr("side.run", lg), type="primary", width="stretch", icon=":material/route:", key="run"
    )


def compute(region: Region, sites: gpd.GeoDataFrame, lg: str) -> None:
    """Compute (or fetch from the cache) the plan of the scenario the widgets describe."""
    try:
        scenario = S.build_scenario(state, sites).validate()
        text = scenario_to_json(scenario)
        with st.spinner(tr("app.running", lg)):
            t0 = time.perf_counter()
            key = S.scenario_key(text, region.include_construction)
            cached = cached_plan(key, text, region)
        seconds, ahead = S.plan_time(cached.seconds, time.perf_counter() - t0)
        S.store_plan(state, cached.plan, text, seconds, ahead=ahead)
        AL.log_plan_run(cached.plan.summary, lg)
    except EvacError as exc:
        show_error(exc, lg)


def prefetch_plan(scenario_json: str, region: Region, sites: gpd.GeoDataFrame, lg: str) -> None:
    """Compute the edited scenario's plan and map layers ahead of the button press."""
    key = S.scenario_key(scenario_json, region.include_construction)
    if S.should_prefetch(state, key):

        def layers(plan: Plan) -> None:
            AM.plan_scripts(key, lg, plan, region, sites)

        prefetch(key, scenario_json, region, layers)


def plan_map(region: Region, sites: gpd.GeoDataFrame, plan: Plan | None, lg: str) -> None:
    """The map with the plan's layers and the edits not computed yet; imports new drawings."""
    computed = plan.scenario if plan is not None else None
    pending = S.pending_edits(state, computed)
    construction = bool(region.include_construction)
    base = AM.base_component(lg, construction, region, sites)
    plan_key = S.scenario_key(state.get(S.PLAN_JSON, ""), construction)
    scripts, names = AM.map_scripts(plan, plan_key, pending, region, sites, lg)
    picking = bool(S.value(state, S.SITE_PICK))
    mount = S.map_mount(state, (lg, construction))
    out = AM.show_map((lg, construction), base, scripts, names, clicks=picking, mount=mount)
    S.map_drawn(state)
    if pending[0] or pending[1]:
        st.caption(tr("map.pending_note", lg))
    clicked = picking and S.take_click(state, out.get("last_clicked"))
    added = S.import_drawings(state, out.get("all_drawings"), tr("zones.drawn_label", lg))
    if any(added):
        source = tr("zones.from_map", lg)
        flash("success", tr("zones.added", lg, zones=added[0], closures=added[1], source=source))
    if clicked or any(added):
        st.rerun()


def results(
    plan: Plan, region: Region, sites: gpd.GeoDataFrame, agreements: list[Agreement], lg: str
) -> None:
    """Timing line, result tabs and the export buttons."""
    done = "app.plan_ahead" if state.get(S.PLAN_AHEAD) else "app.plan_done"
    st.caption(tr(done, lg, seconds=S.seconds_text(state[S.PLAN_SECONDS], lg)))
    vintage = plan.summary["population_vintage"]
    export_tab = results_tabs(plan.summary, agreements, vintage, lg)
    with export_tab:
        export_panel(plan, region, sites, lg, state[S.EXPORTS], on_download=AL.log_export)
        simulation_panel(plan, region, lg)


def log_and_archive(sites: gpd.GeoDataFrame, lg: str) -> None:
    """The exercise log and the archive of saved scenarios."""
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


def current_scenario(sites: gpd.GeoDataFrame) -> tuple[Scenario | None, str | None, str | None]:
    """The scenario the widgets describe now, its JSON, or why it cannot be built."""
    try:
        scenario = S.build_scenario(state, sites)
        return scenario, scenario_to_json(scenario), None
    except EvacError as exc:
        return None, None, error_text(exc, S.lang(state))


def planner_page(
    sites: gpd.GeoDataFrame, agreements: list[Agreement], presets: list[PresetInfo]
) -> None:
    """The planner: sidebar, key figures, map, results, log and archive."""
    lg = S.lang(state)
    S.begin_page(state)
    try:
        with st.spinner(tr("app.loading_region", lg)):
            region = get_region(bool(S.value(state, S.CONSTRUCTION)))
    except EvacError as exc:
        show_error(exc, lg)
        st.stop()
    AL.track_changes(sites, lg)
    current, current_json, current_error = current_scenario(sites)
    with st.sidebar:
        run = scenario_head(lg, presets)
        save_slot = st.container()  # filled after the run, when freshness is known
        open_atlas_button(lg)
        SB.sidebar_zones(state, lg, on_zone_file)
        SB.sidebar_hazard(lg, on_add_hazard)
        SB.sidebar_assumptions(lg)
        SB.sidebar_sites(state, lg, sites)
        stem = file_stem(current) if current is not None else "scenario"
        SB.sidebar_scenario_file(
            lg, current_json, stem, current_error, on_scenario_file, AL.log_export
        )
    if S.value(state, S.EXERCISE):
        st.markdown(banner_html(lg), unsafe_allow_html=True)
    st.title(tr("app.title", lg), anchor=False)
    st.caption(tr("app.subtitle", lg))
    show_flashes()
    AS.conflict_block(sites, lg)
    if run:
        compute(region, sites, lg)
        current_json = state.get(S.PLAN_JSON, current_json)
    fresh = S.plan_fresh(state, current_json)
    if not fresh and current is not None and current_json is not None and current.zones:
        prefetch_plan(current_json, region, sites, lg)
    with save_slot:
        AS.save_panel(sites, lg, fresh)
    plan = state.get(S.PLAN)
    if plan is None:
        st.info(tr("app.start_hint", lg), icon=":material/info:")
    else:
        if not fresh:
            st.warning(tr("app.stale", lg), icon=":material/update:")
        key_figures(plan.summary, lg)
    plan_map(region, sites, plan, lg)
    if plan is not None:
        results(plan, region, sites, agreements, lg)
    log_and_archive(sites, lg)


# -- page -------------------------------------------------------------------------------------


def main() -> None:
    """Situation view or planner, behind the optional login."""
    situation = st.query_params.get("view") == "situation"
    try:
        sites, agreements, presets = get_registry()
    except EvacError as exc:
        show_error(exc, "nb")
        st.stop()
    if situation:
        lg = st.query_params.get("lang", "nb")
        lg = lg if lg in LANG_NAMES else "nb"
    else:
        S.init_state(state, sites)
        S.sync_widgets(state)
        with st.sidebar:
            language_radio()
        lg = S.lang(state)
    # Streamlit's own texts in the UI language, in every view and from the first run on
    # (fixed texts from the string tables only: no user input in this CSS).
    show_builtin_texts(lg)
    user = require_access(lambda key: tr(key, lg))
    if user:
        state[S.USER] = user
    if st.query_params.get("view") == "atlas":
        atlas_view(get_region(False), sites, lg)
        return
    if not situation:
        planner_page(sites, agreements, presets)
        return
    try:
        region = get_region(False)
        store = AS.current_store()
    except EvacError as exc:
        show_error(exc, lg)
        st.stop()
    situation_view(store, region, sites, lg, banner_html(lg))


main()
