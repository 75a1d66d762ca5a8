"""Exercise features of the planner app, driven headless through ``AppTest``.

Saving versions to the scenario store, a second planner's conflicting save,
restore, the automatic exercise log, and the read-only situation view
(``?view=situation``). Each test gets its own SQLite store through
``EVAC_STORE``; two ``AppTest`` instances on the same store play two planners
on one server. The folium map is replaced by an empty one (the real map is
checked in the browser tests), so the tests measure the panels, not Leaflet.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from app_support import fake_map
from streamlit.testing.v1 import AppTest

from store import ScenarioStore, open_store
from store.sqlite import STORE_ENV_VAR
from ui import app_log as AL
from ui import app_state as S
from ui import app_store as AS

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ARENA = "Telenor Arena"
XSS = "<script>alert(1)</script>"


@pytest.fixture
def store(tmp_path, monkeypatch) -> Iterator[ScenarioStore]:
    """A fresh store for the app (through EVAC_STORE) and for the test's own checks."""
    path = tmp_path / "store.sqlite"
    monkeypatch.setenv(STORE_ENV_VAR, str(path))
    with fake_map(monkeypatch):
        yield open_store(path)


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def planner(name: str = "Ola") -> AppTest:
    """A planner's session with a name given."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key=AS.USER_INPUT).input(name).run()
    return ok(at)


def save(at: AppTest, comment: str = "") -> AppTest:
    if comment:
        at.text_input(key=AS.COMMENT).input(comment)
    return at.button(key="store_save").click().run()


def snaroya_saved(name: str = "Ola") -> AppTest:
    """A planner who computed the Snarøya plan and saved it as version 1."""
    at = planner(name)
    at.selectbox(key=S.PRESET).select("snaroya").run()
    at.button(key="run").click().run()
    return ok(save(at, "første situasjonsbilde"))


def situation(scenario_id: str = "") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["view"] = "situation"
    if scenario_id:
        at.query_params["scenario"] = scenario_id
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def set_status(at: AppTest, status: str) -> AppTest:
    return ok(
        at.selectbox(key=S.zone_status_key(at.session_state[S.ZONES][0].uid)).select(status).run()
    )


def test_saving_twice_creates_version_1_then_2_with_user_comment_and_results(store):
    at = snaroya_saved()
    sid = at.session_state[AS.SID]
    assert at.session_state[AS.BASE_VERSION] == 1
    assert any("Lagret versjon 1" in s.value for s in at.success)
    set_status(at, "varsel")
    ok(save(at, "varsel"))
    versions = store.versions(sid)
    assert [(v.version, v.user, v.comment) for v in versions] == [
        (1, "Ola", "første situasjonsbilde"),
        (2, "Ola", "varsel"),
    ]
    assert store.load(sid, 1).results_summary["evacuees_total"] > 2000, "fresh plan saved"
    assert store.load(sid, 2).results_summary is None, "the plan is stale after the change"
    assert store.load(sid, 2).scenario().zones[0].status == "varsel"
    assert at.session_state[AS.BASE_VERSION] == 2


def test_second_planner_saving_from_an_old_base_gets_the_conflict_and_both_versions_are_kept(
    store,
):
    ola = snaroya_saved("Ola")
    sid = ola.session_state[AS.SID]
    kari = planner("Kari")
    kari.button(key="arc_open").click().run()
    assert ok(kari).session_state[AS.SID] == sid
    assert kari.session_state[AS.BASE_VERSION] == 1

    set_status(ola, "varsel")
    ok(save(ola, "Ola: varsel"))
    kari.number_input(key=S.site_capacity_key(ARENA)).set_value(500).run()
    save(kari, "Kari: Arena 500")

    assert not kari.exception
    (message,) = [e.value for e in kari.error]
    assert "Konflikt" in message and "Ola lagret versjon 2" in message
    assert "begge versjonene er tatt vare på" in message
    versions = store.versions(sid)
    assert [(v.version, v.user, v.conflict_of) for v in versions] == [
        (1, "Ola", None),
        (2, "Ola", None),
        (3, "Kari", 2),
    ]
    assert store.load(sid, 2).scenario().zones[0].status == "varsel"
    assert store.load(sid, 3).scenario().sites[ARENA].capacity == 500

    kari.button(key="conflict_compare").click().run()
    what = "Hva er endret"
    # The conflict's comparison comes first (the archive tab below compares too).
    diff = next(t.value for t in kari.table if what in t.value.columns)
    rows = diff.set_index(what)
    assert rows.loc["Sone 1 «Snarøya»: status"].tolist()[1:] == ["Varsel", "Evakueringsordre"]
    assert rows.loc[f"{ARENA}: innstillinger"].tolist()[1:] == ["–", "i bruk: ja, kapasitet: 500"]
    assert not any("zones[" in f or "{" in " ".join(rows.loc[f]) for f in rows.index), rows
    kari.button(key="conflict_open").click().run()
    assert AS.CONFLICT not in ok(kari).session_state, "the conflict is settled"
    assert kari.selectbox(key=S.zone_status_key(kari.session_state[S.ZONES][0].uid)).value == (
        "varsel"
    ), "Ola's version is in Kari's widgets"
    assert kari.session_state[AS.BASE_VERSION] == 3, "Kari has now seen every version"


def test_restore_saves_the_old_version_again_as_the_newest(store):
    at = snaroya_saved()
    sid = at.session_state[AS.SID]
    set_status(at, "opphevet")
    ok(save(at))
    at.selectbox(key=AS.archive_key("version", sid, "nb")).select(1).run()
    ok(at.button(key="arc_restore").click().run())
    versions = store.versions(sid)
    assert [v.version for v in versions] == [1, 2, 3]
    assert versions[2].comment == "Restored version 1"
    assert store.load(sid, 3).scenario_json == store.load(sid, 1).scenario_json
    assert at.session_state[AS.BASE_VERSION] == 3
    uid = at.session_state[S.ZONES][0].uid
    assert at.selectbox(key=S.zone_status_key(uid)).value == "evakueringsordre"


def test_delete_hides_the_scenario_and_undelete_brings_it_back(store):
    at = snaroya_saved()
    sid = at.session_state[AS.SID]
    ok(at.button(key="arc_delete").click().run())
    assert [s.scenario_id for s in store.list_scenarios()] == []
    at.toggle(key="arc_show_deleted").set_value(True).run()
    assert at.button(key="arc_delete").label == "Angre sletting"
    ok(at.button(key="arc_delete").click().run())
    assert [s.scenario_id for s in store.list_scenarios()] == [sid]


def test_duplicate_saves_a_new_scenario_and_opens_it(store):
    at = snaroya_saved()
    sid = at.session_state[AS.SID]
    at.text_input(key=f"arc_dup_name::{sid}").input("Snarøya natt").run()
    ok(at.button(key="arc_duplicate").click().run())
    copy_id = at.session_state[AS.SID]
    assert copy_id != sid
    assert store.load(copy_id).info.name == "Snarøya natt"
    assert at.text_input(key=S.NAME).value == "Snarøya natt"
    assert {s.scenario_id for s in store.list_scenarios()} == {sid, copy_id}


def test_log_records_plan_runs_site_toggles_status_changes_notes_and_downloads(store):
    at = snaroya_saved("Ola")
    sid = at.session_state[AS.SID]
    at.checkbox(key=S.site_active_key(ARENA)).uncheck().run()
    set_status(at, "bli_innendors")
    set_status(at, "evakueringsordre")
    at.checkbox(key=S.site_active_key(ARENA)).check().run()
    ok(at.button(key="run").click().run())
    at.text_input(key=AL.NOTE).input("Inject 3: brann i tunnel, E18 stengt")
    ok(at.get("form_submit_button")[0].click().run())
    (csv_button,) = [b for b in at.get("download_button") if b.proto.label == "Logg (CSV)"]
    csv_button.click().run()

    events = store.events(sid)
    kinds = [e.kind for e in events]
    assert kinds == [
        "save",
        "site_toggle",
        "status_change",
        "status_change",
        "site_toggle",
        "plan_run",
        "note",
        "export",
    ]
    assert {e.user for e in events} == {"Ola"}
    assert events[1].text == f"{ARENA}: tatt ut av bruk"
    assert events[2].data == {"zone": "Snarøya", "old": "evakueringsordre", "new": "bli_innendors"}
    assert events[5].data["evacuees_total"] > 2000 and events[5].data["assigned"] > 300
    assert events[6].text == "Inject 3: brann i tunnel, E18 stengt"
    assert events[7].text == "Lastet ned: Logg (CSV)"
    assert all(e.created for e in events)
    log_table = next(df.value for df in at.dataframe if "Hendelse" in df.value.columns)
    assert log_table["Hendelse"].iloc[0] == "Lastet ned: Logg (CSV)", "newest first"
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"Logg (CSV)", "Etterevaluering (Markdown)"} <= labels


def test_loading_a_scenario_is_not_logged_as_edits(store):
    at = snaroya_saved()
    sid = at.session_state[AS.SID]
    set_status(at, "varsel")
    ok(save(at))
    at.selectbox(key=AS.archive_key("version", sid, "nb")).select(1).run()
    ok(at.button(key="arc_open").click().run())
    assert [e.kind for e in store.events(sid)] == ["save", "status_change", "save"]


def test_situation_view_is_read_only_and_shows_the_latest_statuses_and_figures(store):
    at = snaroya_saved()
    sid = at.session_state[AS.SID]
    set_status(at, "varsel")
    ok(save(at))
    view = situation(sid)
    assert not view.button and not view.get("download_button")
    assert not view.text_input and not view.text_area and not view.number_input
    assert not view.selectbox and not view.checkbox and not view.toggle and not view.radio
    assert not view.get("file_uploader") and not view.sidebar.children
    assert any("ØVELSE" in m.value for m in view.markdown)
    assert "Versjon 2" in view.caption[0].value
    (zones,) = [t.value for t in view.table if "Sone" in t.value.columns]
    assert zones.to_dict("records") == [{"Sone": "Snarøya", "Status": "Varsel"}]
    assert {m.label for m in view.metric} >= {"Evakuerte totalt", "Uten plass"}
    log = next(t.value for t in view.table if "Hendelse" in t.value.columns)
    assert log["Hendelse"].iloc[0] == "Lagret versjon 2"


def test_situation_view_without_a_scenario_links_to_each_saved_one(store):
    at = snaroya_saved()
    sid = at.session_state[AS.SID]
    view = situation()
    assert any(f"?view=situation&scenario={sid})" in m.value for m in view.markdown)
    unknown = situation("nope")
    assert any("nope" in e.value for e in unknown.error)


def _raw_html(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.proto.allow_html]


def test_script_tags_in_user_name_scenario_name_and_notes_render_as_text(store):
    at = planner(XSS)
    at.selectbox(key=S.PRESET).select("snaroya").run()
    at.text_input(key=S.NAME).input(XSS).run()
    ok(save(at, XSS))
    at.text_input(key=AL.NOTE).input(XSS)
    ok(at.get("form_submit_button")[0].click().run())
    sid = at.session_state[AS.SID]
    assert store.load(sid).info.name == XSS, "stored exactly as typed"
    view = situation(sid)
    for page in (at, view):
        assert all("<script" not in html for html in _raw_html(page))
        texts = [m.value for m in page.markdown] + [t.value for t in page.title]
        texts += [c.value for c in page.caption]
        assert all("<script" not in t for t in texts)
    assert any("&lt;script&gt;" in t.value for t in view.title), "the name shows as text"
    log = next(t.value for t in view.table if "Hendelse" in t.value.columns)
    assert XSS in set(log["Hendelse"]), "tables hold plain text"


def test_changes_between_snapshots_become_log_entries():
    old = {
        "zones": {0: ("A", "varsel"), 1: ("B", "varsel")},
        "closures": 0,
        "sites": {ARENA: (True, 15000), "Expo": (True, 250)},
    }
    new = {
        "zones": {0: ("A nord", "evakueringsordre"), 2: ("C", "bli_innendors")},
        "closures": 1,
        "sites": {ARENA: (True, 500), "Expo": (False, 250)},
    }
    got = [(kind, text) for kind, text, _ in AL.changes(old, new, "nb")]
    assert got == [
        ("zone_edit", "Sone omdøpt: A → A nord"),
        ("status_change", "A nord: status Varsel → Evakueringsordre"),
        ("zone_edit", "Sone lagt til: C (Bli innendørs)"),
        ("zone_edit", "Sone fjernet: B"),
        ("zone_edit", "Stengte veier: 0 → 1"),
        ("site_toggle", f"{ARENA}: kapasitet 15\xa0000 → 500"),
        ("site_toggle", "Expo: tatt ut av bruk"),
    ]
    assert AL.changes(new, new, "en") == []


def test_situation_link_points_at_the_open_scenario():
    assert AS.situation_url("abc123", "nb") == "?view=situation&scenario=abc123"
    assert AS.situation_url("abc123", "en").endswith("&lang=en")


@pytest.mark.usefixtures("store")
def test_archive_and_log_survive_a_language_switch():
    at = snaroya_saved()
    save(at, "andre")
    for lang in ("en", "nb"):
        at.radio(key=S.LANG).set_value(lang).run()
        ok(at)
    assert at.selectbox(key=AS.archive_key("version", at.session_state[AS.SID], "nb")).value == 2
