"""The planner app's scenario store panels: save with versions, the archive, conflicts.

The store is :func:`store.open_store` at ``$EVAC_STORE`` (default a
SQLite file under ``.evac-data/``), one per server process. The session keeps
the open scenario's id and the newest version the planner had seen when opening
or saving it (``base_version``); a save from an older base is still kept by the
store, and the page then says who saved in between and offers to open or
compare the two versions (see :class:`store.base.ScenarioStore`).

Every write records the user's name, asked for once per session when no login
provides it. Store operations run in button callbacks, before the script draws
the widgets, so they may load a scenario into them.
"""

from __future__ import annotations

import os
from typing import Any, Final

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.errors import ConflictError, EvacError
from planning.scenario import scenario_to_json
from store import ScenarioInfo, ScenarioStore, VersionInfo, open_store
from store.exercise_log import md_escape
from store.sqlite import STORE_ENV_VAR
from ui import app_state as S
from ui.app_diff import diff_table
from ui.app_messages import flash
from ui.exercise_strings import local_time, tx

# Session keys.
SID: Final = "store_sid"
BASE_VERSION: Final = "store_base_version"
OPEN_NAME: Final = "store_name"
USER: Final = S.USER
USER_INPUT: Final = "user_name_input"
COMMENT: Final = "store_comment"
CONFLICT: Final = "store_conflict"
CONFLICT_DIFF: Final = "store_conflict_diff"
#: The zone/site state last logged (see :mod:`ui.app_log`); dropped when a scenario is loaded.
SNAPSHOT: Final = "log_snapshot"
PLAN: Final = S.PLAN
#: Row height of Streamlit's data grid, and the tallest the scenario list grows.
ROW_PX: Final = 35
MAX_ARCHIVE_PX: Final = 250


@st.cache_resource(show_spinner=False)
def get_store(target: str) -> ScenarioStore:
    """The store at ``target`` ("" = default), opened once per server process."""
    return open_store(target or None)


def current_store() -> ScenarioStore:
    """The store named by ``$EVAC_STORE`` (read on every call so tests can point it elsewhere)."""
    return get_store(os.environ.get(STORE_ENV_VAR, ""))


def user_name() -> str:
    """The planner's name, or "" when not given yet."""
    return str(st.session_state.get(USER, ""))


def situation_url(scenario_id: str, lang: str) -> str:
    """Relative link to the read-only situation view of a stored scenario."""
    url = f"?view=situation&scenario={scenario_id}"
    return url + "&lang=en" if lang == "en" else url


def record(kind: str, text: str, data: dict[str, Any] | None = None) -> None:
    """Add an entry to the open scenario's exercise log (nothing when none is open)."""
    state = st.session_state
    sid, user = state.get(SID), user_name()
    if not sid or not user:
        return
    try:
        current_store().log_event(sid, kind, text, user, data)
    except EvacError as exc:
        flash("error", str(exc))


def _set_user() -> None:
    name = " ".join(str(st.session_state.get(USER_INPUT, "")).split())
    if name:
        st.session_state[USER] = name


def _opened(info: VersionInfo, latest: int) -> None:
    """Remember the open scenario; ``latest`` is the newest version the planner has seen."""
    state = st.session_state
    state[SID] = info.scenario_id
    state[BASE_VERSION] = latest
    state[OPEN_NAME] = info.name


# -- callbacks ------------------------------------------------------------------------------


def open_version(
    scenario_id: str, version: int, sites: gpd.GeoDataFrame, lang: str, quiet: bool = False
) -> None:
    """Load a stored version into the widgets.

    The base for the next save is the newest version existing now, not the one
    opened: the planner has seen that the newer ones exist, so saving an older
    version on top of them is a decision, not a clash to warn about.
    """
    state = st.session_state
    store = current_store()
    try:
        stored = store.load(scenario_id, version)
        latest = store.versions(scenario_id)[-1].version
        S.apply_scenario(state, stored.scenario(), sites)
    except EvacError as exc:
        flash("error", str(exc))
        return
    S.put(state, S.PRESET, "")
    S.drop_plan(state)
    for key in (SNAPSHOT, CONFLICT, CONFLICT_DIFF):
        state.pop(key, None)
    _opened(stored.info, latest)
    if not quiet:
        flash("success", tx("store.opened", lang, version=version, name=stored.info.name))


def forget_open() -> None:
    """Detach the widgets from the stored scenario (a preset or a file was loaded)."""
    for key in (SID, BASE_VERSION, OPEN_NAME, SNAPSHOT, CONFLICT, CONFLICT_DIFF):
        st.session_state.pop(key, None)


def save(sites: gpd.GeoDataFrame, lang: str) -> None:
    """Save the widgets' scenario as a new version (a new scenario when none is open)."""
    state = st.session_state
    store = current_store()
    try:
        text = scenario_to_json(S.build_scenario(state, sites))
    except EvacError as exc:
        flash("error", str(exc))
        return
    plan = state.get(PLAN)
    results = plan.summary if plan is not None and state.get(S.PLAN_JSON) == text else None
    comment = str(state.get(COMMENT, "")).strip()
    base = state.get(BASE_VERSION) if state.get(SID) else None
    try:
        info = store.save(
            state.get(SID),
            text,
            user=user_name(),
            comment=comment,
            base_version=base,
            results_summary=results,
        )
    except ConflictError as exc:
        info = exc.saved  # type: ignore[attr-defined]
    except EvacError as exc:
        flash("error", str(exc))
        return
    _opened(info, info.version)
    state[COMMENT] = ""
    key = "log.saved_comment" if comment else "log.saved"
    record(
        "save",
        tx(key, lang, version=info.version, comment=comment),
        {"saved_version": info.version},
    )
    if info.conflict_of is None:
        state.pop(CONFLICT, None)
        flash("success", tx("store.saved", lang, version=info.version, name=info.name))
        return
    theirs = next(v for v in store.versions(info.scenario_id) if v.version == info.conflict_of)
    state[CONFLICT] = {
        "sid": info.scenario_id,
        "base": base,
        "mine": info.version,
        "theirs": theirs.version,
        "user": theirs.user,
        "created": theirs.created,
    }
    state.pop(CONFLICT_DIFF, None)


def restore(scenario_id: str, version: int, sites: gpd.GeoDataFrame, lang: str) -> None:
    """Save ``version`` again as the newest version and open it."""
    try:
        info = current_store().restore(scenario_id, version, user_name())
    except EvacError as exc:
        flash("error", str(exc))
        return
    open_version(scenario_id, info.version, sites, lang, quiet=True)
    record("save", tx("log.restored", lang, old=version, new=info.version), {"restored": version})
    flash("success", tx("archive.restored", lang, old=version, new=info.version))


def duplicate(scenario_id: str, name_key: str, sites: gpd.GeoDataFrame, lang: str) -> None:
    """Copy the scenario's latest version to a new scenario and open the copy."""
    name = str(st.session_state.get(name_key, "")).strip()
    try:
        info = current_store().duplicate(scenario_id, name, user_name())
    except EvacError as exc:
        flash("error", str(exc))
        return
    open_version(info.scenario_id, info.version, sites, lang, quiet=True)
    flash("success", tx("archive.duplicated", lang, name=name))


def set_deleted(scenario_id: str, name: str, deleted: bool, lang: str) -> None:
    """Soft-delete or recover a scenario."""
    store = current_store()
    try:
        if deleted:
            store.delete(scenario_id, user_name())
        else:
            store.undelete(scenario_id, user_name())
    except EvacError as exc:
        flash("error", str(exc))
        return
    flash("success", tx("archive.deleted" if deleted else "archive.undeleted", lang, name=name))


# -- panels -----------------------------------------------------------------------------------


def ask_user(lang: str) -> str:
    """The planner's name; asks for it (once per session) when no login gave one."""
    name = user_name()
    if name:
        st.caption(md_escape(tx("store.user_is", lang, user=name)))
    else:
        st.text_input(
            tx("store.user", lang),
            key=USER_INPUT,
            on_change=_set_user,
            help=tx("store.user_help", lang),
            icon=":material/person:",
        )
    return name


def save_panel(sites: gpd.GeoDataFrame, lang: str, plan_fresh: bool) -> None:
    """Sidebar panel: name, comment, save a version, and the situation-view link."""
    state = st.session_state
    with st.expander(tx("store.header", lang), expanded=True):
        if not ask_user(lang):
            st.caption(tx("store.need_user", lang))
            return
        sid = state.get(SID)
        if sid:
            status = tx(
                "store.open_status",
                lang,
                version=state[BASE_VERSION],
                name=state.get(OPEN_NAME, ""),
                sid=sid,
            )
            st.caption(md_escape(status))
        else:
            st.caption(tx("store.not_saved", lang))
        st.text_input(tx("store.comment", lang), key=COMMENT)
        st.caption(tx("store.with_results" if plan_fresh else "store.without_results", lang))
        st.button(
            tx("store.save" if sid else "store.save_new", lang),
            key="store_save",
            on_click=save,
            args=(sites, lang),
            icon=":material/cloud_upload:",
            width="stretch",
        )
        if sid:
            st.link_button(
                tx("store.situation_link", lang),
                situation_url(sid, lang),
                help=tx("store.situation_help", lang),
                icon=":material/tv:",
                width="stretch",
            )


def _show_conflict_diff() -> None:
    st.session_state[CONFLICT_DIFF] = True


def _dismiss_conflict() -> None:
    for key in (CONFLICT, CONFLICT_DIFF):
        st.session_state.pop(key, None)


def conflict_block(sites: gpd.GeoDataFrame, lang: str) -> None:
    """After a conflicting save: who saved in between, open theirs or compare the two."""
    state = st.session_state
    c = state.get(CONFLICT)
    if not c:
        return
    text = tx(
        "store.conflict",
        lang,
        user=c["user"],
        theirs=c["theirs"],
        time=local_time(c["created"]),
        base=c["base"],
        mine=c["mine"],
    )
    st.error(md_escape(text), icon=":material/call_split:")
    cols = st.columns(3)
    cols[0].button(
        tx("store.conflict_open", lang, version=c["theirs"]),
        key="conflict_open",
        on_click=open_version,
        args=(c["sid"], c["theirs"], sites, lang),
    )
    cols[1].button(
        tx("store.conflict_compare", lang, a=c["theirs"], b=c["mine"]),
        key="conflict_compare",
        on_click=_show_conflict_diff,
    )
    cols[2].button(
        tx("store.conflict_keep", lang),
        key="conflict_keep",
        on_click=_dismiss_conflict,
    )
    if state.get(CONFLICT_DIFF):
        diff_view(current_store(), c["sid"], c["theirs"], c["mine"], lang)


def diff_view(store: ScenarioStore, scenario_id: str, v1: int, v2: int, lang: str) -> None:
    """What changed between two versions: zones, parameters and results."""
    if v1 == v2:
        st.caption(tx("diff.same", lang))
        return
    try:
        zones = store.load(scenario_id, v2).scenario().zones
        table = diff_table(store.diff(scenario_id, v1, v2), lang, [z.label for z in zones])
    except EvacError as exc:
        st.error(md_escape(str(exc)))
        return
    if table.empty:
        st.info(tx("diff.none", lang))
        return
    # A static table: values wrap, and user text (labels) stays plain text.
    st.table(table, hide_index=True)


def archive_key(widget: str, scenario_id: str, lang: str) -> str:
    """Key of an archive select box.

    Its options are shown with language-dependent labels, which Streamlit cannot read
    back after a language switch, so each language has its own widget (the choice falls
    back to the default instead of breaking).
    """
    return f"arc_{widget}::{scenario_id}::{lang}"


def _version_label(v: VersionInfo, lang: str) -> str:
    label = tx(
        "archive.version_label",
        lang,
        version=v.version,
        time=local_time(v.created, date=True),
        user=v.user,
    )
    return f"{label} · {v.comment}" if v.comment else label


def archive_panel(sites: gpd.GeoDataFrame, lang: str) -> None:
    """Saved scenarios: open a version, compare, restore, duplicate, delete and undelete."""
    store = current_store()
    if not user_name():
        st.info(tx("store.need_user", lang), icon=":material/person:")
        return
    show_deleted = st.toggle(tx("archive.show_deleted", lang), key="arc_show_deleted")
    try:
        scenarios = store.list_scenarios(include_deleted=show_deleted)
    except EvacError as exc:
        st.error(md_escape(str(exc)))
        return
    if not scenarios:
        st.caption(tx("archive.none", lang))
        return
    _archive_table(scenarios, lang)
    chosen = _pick_scenario(scenarios, lang)
    sid = chosen.scenario_id
    versions = store.versions(sid)
    numbers = [v.version for v in reversed(versions)]
    labels = {v.version: _version_label(v, lang) for v in versions}
    _version_row(chosen, numbers, labels, sites, lang)
    _copy_delete_row(chosen, sites, lang)
    if len(numbers) > 1:
        st.markdown(f"**{tx('archive.compare', lang)}**")
        a_col, b_col = st.columns(2)
        v1 = a_col.selectbox(
            tx("archive.from", lang),
            numbers,
            index=1,
            format_func=labels.__getitem__,
            key=archive_key("from", sid, lang),
        )
        v2 = b_col.selectbox(
            tx("archive.to", lang),
            numbers,
            index=0,
            format_func=labels.__getitem__,
            key=archive_key("to", sid, lang),
        )
        diff_view(store, sid, v1, v2, lang)


def _archive_table(scenarios: list[ScenarioInfo], lang: str) -> None:
    st.dataframe(
        pd.DataFrame(
            {
                tx("col.name", lang): [s.name for s in scenarios],
                tx("col.latest", lang): [s.latest_version for s in scenarios],
                tx("col.updated", lang): [local_time(s.updated, date=True) for s in scenarios],
                tx("col.user", lang): [s.user for s in scenarios],
                tx("col.deleted", lang): [s.deleted for s in scenarios],
                tx("col.id", lang): [s.scenario_id for s in scenarios],
            }
        ),
        hide_index=True,
        width="stretch",
        height=min(ROW_PX * (len(scenarios) + 1) + 3, MAX_ARCHIVE_PX),
    )


def _pick_scenario(scenarios: list[ScenarioInfo], lang: str) -> ScenarioInfo:
    """The scenario chosen in the archive (the open one first, deleted ones marked)."""
    by_id = {s.scenario_id: s for s in scenarios}
    ids = list(by_id)
    current = st.session_state.get(SID)
    sid = st.selectbox(
        tx("archive.scenario", lang),
        ids,
        index=ids.index(current) if current in by_id else 0,
        format_func=lambda i: (
            tx("archive.deleted_mark", lang, name=by_id[i].name)
            if by_id[i].deleted
            else by_id[i].name
        ),
        key=archive_key("sid", "", lang),
    )
    return by_id[sid]


def _version_row(
    chosen: ScenarioInfo,
    numbers: list[int],
    labels: dict[int, str],
    sites: gpd.GeoDataFrame,
    lang: str,
) -> None:
    """Version choice with its open and restore buttons."""
    sid = chosen.scenario_id
    pick_col, open_col, restore_col = st.columns([4, 1, 2], vertical_alignment="bottom")
    version = pick_col.selectbox(
        tx("archive.version", lang),
        numbers,
        format_func=labels.__getitem__,
        key=archive_key("version", sid, lang),
    )
    open_col.button(
        tx("archive.open", lang),
        key="arc_open",
        on_click=open_version,
        args=(sid, version, sites, lang),
        icon=":material/file_open:",
        width="stretch",
    )
    restore_col.button(
        tx("archive.restore", lang),
        key="arc_restore",
        on_click=restore,
        args=(sid, version, sites, lang),
        disabled=chosen.deleted or version == chosen.latest_version,
        icon=":material/history:",
        width="stretch",
    )


def _copy_delete_row(chosen: ScenarioInfo, sites: gpd.GeoDataFrame, lang: str) -> None:
    """Duplicate under a new name; delete or undelete."""
    sid = chosen.scenario_id
    name_col, dup_col, del_col = st.columns([4, 1, 2], vertical_alignment="bottom")
    name_key = f"arc_dup_name::{sid}"
    name_col.text_input(
        tx("archive.duplicate_name", lang), value=f"{chosen.name} (2)", key=name_key
    )
    dup_col.button(
        tx("archive.duplicate", lang),
        key="arc_duplicate",
        on_click=duplicate,
        args=(sid, name_key, sites, lang),
        icon=":material/content_copy:",
        width="stretch",
    )
    del_col.button(
        tx("archive.undelete" if chosen.deleted else "archive.delete", lang),
        key="arc_delete",
        on_click=set_deleted,
        args=(sid, chosen.name, not chosen.deleted, lang),
        icon=":material/restore_from_trash:" if chosen.deleted else ":material/delete:",
        width="stretch",
    )
