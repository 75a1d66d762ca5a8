"""The planner's sidebar: zones, hazard templates, assumptions, sites and files.

Every widget here is a view of :mod:`ui.app_state`'s model: it has a stable
key, gets its value from the model (seeded at the top of the run) and never a
translated label as its value, so switching language keeps every choice.
Choice widgets show translated labels through ``format_func`` only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geopandas as gpd
import streamlit as st

from planning.i18n import zone_status_label
from planning.scenario import (
    ADHOC_SITE_KINDS,
    MODES,
    POPULATION_VINTAGES,
    ZONE_STATUSES,
    ZoneSpec,
)
from store.exercise_log import md_escape
from ui import app_state as S
from ui.app_messages import show
from ui.app_strings import tr
from ui.builtin_texts import UPLOAD_MB

State = Any


def zone_caption(spec: ZoneSpec, source: str, lg: str) -> str:
    """What kind of zone this is and where it came from, in words."""
    if spec.kind == "circle":
        return tr("zones.kind.circle", lg, radius=f"{spec.radius_m:.0f}")
    if spec.kind == "plume":
        return tr(
            "zones.kind.plume", lg, wind=f"{spec.wind_from_deg:.0f}", length=f"{spec.length_m:.0f}"
        )
    if source.startswith("file:"):
        return tr("zones.kind.file", lg, file=source.removeprefix("file:"))
    if source == "map":
        return tr("zones.kind.polygon", lg)
    return tr("zones.kind.area", lg)


def _zone_rows(state: State, lg: str) -> None:
    for i, entry in enumerate(state[S.ZONES]):
        st.text_input(tr("zones.label", lg, n=i + 1), key=S.zone_label_key(entry.uid))
        st.selectbox(
            tr("zones.status", lg),
            ZONE_STATUSES,
            format_func=lambda s: zone_status_label(s, lg),
            key=S.zone_status_key(entry.uid),
        )
        kind_col, remove_col = st.columns([3, 2], vertical_alignment="center")
        kind_col.caption(md_escape(zone_caption(entry.spec, entry.source, lg)))
        remove_col.button(
            tr("zones.remove", lg),
            key=f"zone_remove::{entry.uid}",
            on_click=S.remove_zone,
            args=(state,),
            kwargs={"uid": entry.uid},
            type="tertiary",
            icon=":material/delete:",
        )


def _clear_block(state: State, lg: str) -> None:
    """Remove all zones: a first click asks, the second one does it (and it can be undone)."""
    if not state.get(S.CONFIRM_CLEAR):
        st.button(tr("zones.clear", lg), key="zones_clear", on_click=S.ask_clear, args=(state,))
        return
    st.warning(tr("zones.clear_confirm", lg), icon=":material/warning:")
    yes_col, no_col = st.columns(2)
    yes_col.button(
        tr("zones.clear_yes", lg), key="zones_clear_yes", on_click=S.clear_zones, args=(state,)
    )
    no_col.button(
        tr("zones.clear_no", lg), key="zones_clear_no", on_click=S.cancel_clear, args=(state,)
    )


def sidebar_zones(state: State, lg: str, on_zone_file: Callable[[], None]) -> None:
    """Zone list with label and status, closures, undo, remove-all and the zone upload."""
    with st.expander(tr("zones.header", lg), expanded=True):
        if not state[S.ZONES]:
            st.caption(tr("zones.none", lg))
        _zone_rows(state, lg)
        if state[S.CLOSURES]:
            st.caption(tr("zones.closures", lg, n=len(state[S.CLOSURES])))
        if S.can_undo(state):
            st.button(
                tr("zones.undo", lg),
                key="zones_undo",
                on_click=S.undo,
                args=(state,),
                icon=":material/undo:",
            )
        if state[S.ZONES] or state[S.CLOSURES]:
            _clear_block(state, lg)
        st.file_uploader(
            tr("zones.upload", lg),
            type=["geojson", "json", "gpkg", "kml"],
            key=S.ZONE_FILE,
            max_upload_size=UPLOAD_MB,
            on_change=on_zone_file,
        )
        st.caption(tr("zones.draw_hint", lg))


def sidebar_hazard(lg: str, on_add: Callable[[], None]) -> None:
    """Circle or plume zone from a template."""
    with st.expander(tr("hazard.header", lg)):
        kind = st.radio(
            tr("hazard.kind", lg),
            ["circle", "plume"],
            format_func=lambda k: tr(f"hazard.{k}", lg),
            key=S.HZ_KIND,
            horizontal=True,
        )
        lat_col, lon_col = st.columns(2)
        lat_col.number_input(tr("hazard.lat", lg), format="%.4f", key=S.HZ_LAT)
        lon_col.number_input(tr("hazard.lon", lg), format="%.4f", key=S.HZ_LON)
        if kind == "circle":
            st.number_input(tr("hazard.radius", lg), 50.0, 50_000.0, step=100.0, key=S.HZ_RADIUS)
        else:
            st.number_input(tr("hazard.wind", lg), 0.0, 360.0, step=10.0, key=S.HZ_WIND)
            st.number_input(tr("hazard.length", lg), 100.0, 50_000.0, step=100.0, key=S.HZ_LENGTH)
            st.number_input(tr("hazard.angle", lg), 5.0, 180.0, step=5.0, key=S.HZ_ANGLE)
        st.button(tr("hazard.add", lg), on_click=on_add, key="hz_add")


def _population_inputs(lg: str) -> None:
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
    st.radio(
        tr("params.vintage", lg),
        POPULATION_VINTAGES,
        format_func=lambda v: tr(f"vintage.{v}", lg),
        key=S.VINTAGE,
        horizontal=True,
        help=tr("params.vintage_help", lg),
    )


def _travel_inputs(lg: str) -> None:
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
        tr("params.mobilisation", lg), key=S.MOBILISATION, help=tr("params.mobilisation_help", lg)
    )


def _v2_inputs(lg: str) -> None:
    """Reception share, exit safety distance and the capacity range (model v2)."""
    # Baker (1991), "Hurricane evacuation behavior": 5-15 % of evacuees use public
    # shelters; the rest stay with friends, family or in hotels.
    st.slider(
        tr("params.reception_share", lg),
        min_value=0.0,
        max_value=1.0,
        step=0.01,
        key=S.RECEPTION_SHARE,
        help=tr("params.reception_share_help", lg),
    )
    st.number_input(
        tr("params.exit_buffer", lg),
        min_value=0.0,
        max_value=20_000.0,
        step=100.0,
        key=S.EXIT_BUFFER,
        help=tr("params.exit_buffer_help", lg),
    )
    st.caption(tr("params.capacity_range", lg))
    low, central, high = st.columns(3)
    low.number_input(tr("range.low", lg), 0.1, 3.0, step=0.05, key=S.CAP_LOW)
    central.number_input(tr("range.central", lg), 0.1, 3.0, step=0.05, key=S.CAP_CENTRAL)
    high.number_input(tr("range.high", lg), 0.1, 3.0, step=0.05, key=S.CAP_HIGH)


def sidebar_assumptions(lg: str) -> None:
    """Scenario parameters, each labelled as an assumption."""
    with st.expander(tr("params.header", lg), expanded=True):
        st.caption(tr("params.note", lg))
        _population_inputs(lg)
        _travel_inputs(lg)
        _v2_inputs(lg)
        st.checkbox(tr("params.construction", lg), key=S.CONSTRUCTION)


def sidebar_sites(state: State, lg: str, sites: gpd.GeoDataFrame) -> None:
    """Availability and capacity per reception site; registry capacities marked assumed."""
    with st.expander(tr("sites.header", lg), expanded=True):
        st.caption(tr("sites.note", lg))
        for row in sites.itertuples():
            cap_key = S.site_capacity_key(row.name)
            assumed = bool(row.capacity_assumed) and S.value(state, cap_key) == int(row.capacity)
            st.checkbox(
                f"**{md_escape(row.name)}**",
                key=S.site_active_key(row.name),
                help=tr("sites.active_help", lg),
            )
            st.number_input(
                tr("sites.capacity_assumed" if assumed else "sites.capacity", lg),
                min_value=0,
                max_value=1_000_000,
                step=50,
                key=cap_key,
                disabled=not S.value(state, S.site_active_key(row.name)),
            )
        sidebar_added_sites(state, lg)


def sidebar_added_sites(state: State, lg: str) -> None:
    """Reception sites the planner adds for this scenario by clicking on the map."""
    st.markdown(f"**{tr('added.header', lg)}**")
    for i, site in enumerate(state[S.ADDED_SITES]):
        text_col, remove_col = st.columns([3, 2], vertical_alignment="center")
        text_col.caption(
            md_escape(
                tr(
                    "added.row",
                    lg,
                    name=site.name,
                    capacity=site.capacity,
                    kind=tr(f"site_kind.{site.kind}", lg),
                )
            )
        )
        remove_col.button(
            tr("zones.remove", lg),
            key=f"added_remove::{i}",
            on_click=S.remove_site,
            args=(state, i),
            type="tertiary",
            icon=":material/delete:",
        )
    picking = st.toggle(tr("added.pick", lg), key=S.SITE_PICK)
    if not picking:
        return
    point = state.get(S.PICKED_POINT)
    if point is None:
        st.caption(tr("added.click_hint", lg))
    else:
        st.caption(tr("added.point", lg, lon=f"{point[0]:.5f}", lat=f"{point[1]:.5f}"))
    st.text_input(tr("added.name", lg), key=S.NEW_SITE_NAME)
    st.number_input(tr("added.capacity", lg), 0, 100_000, step=50, key=S.NEW_SITE_CAPACITY)
    st.selectbox(
        tr("added.kind", lg),
        ADHOC_SITE_KINDS,
        format_func=lambda k: tr(f"site_kind.{k}", lg),
        key=S.NEW_SITE_KIND,
    )
    ready = point is not None and bool(str(S.value(state, S.NEW_SITE_NAME, "")).strip())
    st.button(
        tr("added.add", lg),
        key="added_add",
        on_click=S.add_site,
        args=(state,),
        disabled=not ready,
        icon=":material/add_location:",
    )


def sidebar_scenario_file(
    lg: str,
    scenario_json: str | None,
    stem: str,
    error: str | None,
    on_load: Callable[[], None],
    on_save: Callable[..., None],
) -> None:
    """Load a scenario file, and save the current scenario (or say why it cannot be saved)."""
    with st.expander(tr("file.header", lg)):
        st.file_uploader(
            tr("file.load", lg),
            type=["json"],
            key=S.SCENARIO_FILE,
            on_change=on_load,
            max_upload_size=UPLOAD_MB,
        )
        st.download_button(
            tr("file.save", lg),
            data=scenario_json or "",
            file_name=f"{stem}.json",
            mime="application/json",
            disabled=scenario_json is None,
            on_click=on_save,
            args=(tr("file.save", lg), lg),
            key="save_scenario",
            icon=":material/save:",
        )
        if error:
            show("error", error)
