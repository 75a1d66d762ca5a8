"""The exercise log in the planner app: automatic entries, notes, CSV and after-action report.

Zone and site edits are logged by comparing what the widgets hold now with a
snapshot taken on the previous run (:func:`track_changes`), so every way of
making a change (a select box, the map, a file, a template, a remove button) is
caught in one place. Loading a scenario drops the snapshot, so a load is not
logged as a burst of edits. Entries go to the open stored scenario through
:func:`ui.app_store.record`; before the first save there is nothing to log to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.errors import EvacError
from planning.i18n import format_number, zone_status_label
from store.exercise_log import after_action_markdown, log_to_csv, md_escape, plan_run_data
from ui import app_state as S
from ui import app_store as AS
from ui.app_exports import file_stem
from ui.exercise_strings import event_kind_label, local_time, tx

if TYPE_CHECKING:
    from planning.summary_model import PlanSummary

Change = tuple[str, str, dict[str, Any]]
NOTE = "log_note_text"
#: Row height of Streamlit's data grid, and the tallest the log table grows before it scrolls.
ROW_PX = 35
MAX_LOG_PX = 420


def snapshot(state: S.StateView, sites: gpd.GeoDataFrame) -> dict[str, Any]:
    """The logged part of the planner's state: zone labels and statuses, closures, sites."""
    return {
        "zones": {
            e.uid: (
                S.value(state, S.zone_label_key(e.uid), e.spec.label),
                S.value(state, S.zone_status_key(e.uid), e.spec.status),
            )
            for e in state[S.ZONES]
        },
        "closures": len(state[S.CLOSURES]),
        "sites": {
            row.name: (
                bool(S.value(state, S.site_active_key(row.name), True)),
                int(S.value(state, S.site_capacity_key(row.name), row.capacity)),
            )
            for row in sites.itertuples()
        },
    }


def changes(old: Mapping[str, Any], new: Mapping[str, Any], lang: str) -> list[Change]:
    """Log entries ``(kind, text, data)`` for what changed between two snapshots."""
    out: list[Change] = []
    zones_old, zones_new = old["zones"], new["zones"]
    for uid, (label, status) in zones_new.items():
        if uid not in zones_old:
            text = tx("log.zone_added", lang, zone=label, status=zone_status_label(status, lang))
            out.append(("zone_edit", text, {"zone": label, "added": True, "status": status}))
            continue
        old_label, old_status = zones_old[uid]
        if label != old_label:
            text = tx("log.zone_renamed", lang, old=old_label, new=label)
            out.append(("zone_edit", text, {"zone": label, "old_label": old_label}))
        if status != old_status:
            text = tx(
                "log.status",
                lang,
                zone=label,
                old=zone_status_label(old_status, lang),
                new=zone_status_label(status, lang),
            )
            out.append(("status_change", text, {"zone": label, "old": old_status, "new": status}))
    for uid, (label, _) in zones_old.items():
        if uid not in zones_new:
            text = tx("log.zone_removed", lang, zone=label)
            out.append(("zone_edit", text, {"zone": label, "removed": True}))
    if old["closures"] != new["closures"]:
        text = tx("log.closures", lang, old=old["closures"], new=new["closures"])
        out.append(("zone_edit", text, {"closures": new["closures"]}))
    for name, (active, capacity) in new["sites"].items():
        was_active, was_capacity = old["sites"].get(name, (active, capacity))
        if active != was_active:
            text = tx("log.site_on" if active else "log.site_off", lang, site=name)
            out.append(("site_toggle", text, {"site": name, "active": active}))
        if capacity != was_capacity:
            text = tx(
                "log.site_capacity",
                lang,
                site=name,
                old=format_number(was_capacity, lang),
                new=format_number(capacity, lang),
            )
            out.append(("site_toggle", text, {"site": name, "capacity": capacity}))
    return out


def track_changes(sites: gpd.GeoDataFrame, lang: str) -> None:
    """Log what changed in zones and sites since the previous run."""
    state = st.session_state
    new = snapshot(state, sites)
    old = state.get(AS.SNAPSHOT)
    state[AS.SNAPSHOT] = new
    if old is not None:
        for kind, text, data in changes(old, new, lang):
            AS.record(kind, text, data)


def plan_run_text(summary: PlanSummary, lang: str) -> str:
    """One line with a plan's key figures."""
    figures = plan_run_data(summary)

    def num(key: str) -> str:
        value = figures[key]
        return "–" if value is None else format_number(value, lang)

    return tx(
        "log.plan_run",
        lang,
        evacuees=num("evacuees_total"),
        assigned=num("assigned"),
        unassigned=num("unassigned"),
        unreachable=num("unreachable"),
        p90=num("clearance_p90_min"),
    )


def log_plan_run(summary: PlanSummary, lang: str) -> None:
    """Log a plan run with its key figures."""
    AS.record("plan_run", plan_run_text(summary, lang), plan_run_data(summary))


def log_export(what: str, lang: str) -> None:
    """Log a download (a download button's ``on_click``)."""
    AS.record("export", tx("log.export", lang, what=what), {"file": what})


def _add_note(lang: str) -> None:
    text = str(st.session_state.get(NOTE, "")).strip()
    if text:
        AS.record("note", text)


def events_frame(events: list[Any], lang: str, *, date: bool = True) -> pd.DataFrame:
    """The log as a table, newest first (plain text cells: nothing is rendered as markup)."""
    return pd.DataFrame(
        {
            tx("col.time", lang): [local_time(e.created, date=date) for e in events],
            tx("col.kind", lang): [event_kind_label(e.kind, lang) for e in events],
            tx("col.user", lang): [e.user for e in events],
            tx("col.text", lang): [e.text for e in events],
        }
    ).iloc[::-1]


def log_panel(lang: str) -> None:
    """The open scenario's log, a note form and the CSV / after-action downloads."""
    state = st.session_state
    sid = state.get(AS.SID)
    if not AS.user_name():
        st.info(tx("store.need_user", lang), icon=":material/person:")
        return
    if not sid:
        st.info(tx("log.need_saved", lang), icon=":material/edit_note:")
        return
    store = AS.current_store()
    with st.form("log_note_form", clear_on_submit=True, border=False):
        text_col, add_col = st.columns([5, 1], vertical_alignment="bottom")
        text_col.text_input(tx("log.note", lang), key=NOTE)
        add_col.form_submit_button(
            tx("log.add", lang), on_click=_add_note, args=(lang,), width="stretch"
        )
    try:
        events = store.events(sid)
        scenario = store.load(sid).scenario()
    except EvacError as exc:
        st.error(md_escape(str(exc)))
        return
    st.caption(tx("log.auto", lang))
    if events:
        st.dataframe(
            events_frame(events, lang),
            hide_index=True,
            width="stretch",
            height=min(ROW_PX * (len(events) + 1) + 3, MAX_LOG_PX),
        )
    else:
        st.caption(tx("log.empty", lang))
    stem = file_stem(scenario)
    csv_col, md_col, _ = st.columns([1, 1, 2])
    csv_label, md_label = tx("log.csv", lang), tx("log.markdown", lang)
    csv_col.download_button(
        csv_label,
        data=log_to_csv(events).encode("utf-8-sig"),
        file_name=f"{stem}-logg.csv",
        mime="text/csv",
        key="log_csv",
        on_click=log_export,
        args=(csv_label, lang),
        icon=":material/download:",
        width="stretch",
    )
    md_col.download_button(
        md_label,
        data=after_action_markdown(scenario, events, scenario_id=sid, lang=lang),
        file_name=f"{stem}-etterevaluering.md",
        mime="text/markdown",
        key="log_markdown",
        on_click=log_export,
        args=(md_label, lang),
        icon=":material/download:",
        width="stretch",
    )
