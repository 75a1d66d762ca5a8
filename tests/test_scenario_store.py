"""One behaviour suite for every scenario-store backend (SQLite always, PostGIS with a DSN).

The PostGIS run needs ``EVAC_PG_DSN`` (``export EVAC_PG_DSN=$(bash .ci/postgres.sh)``);
each test gets its own PostgreSQL schema. Under ``CI`` a missing DSN fails the
run instead of skipping, so CI cannot silently stop testing PostGIS.
"""

from __future__ import annotations

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.errors import ConflictError, ScenarioError, StoreError
from planning.scenario import Scenario, ZoneSpec, scenario_to_json
from store import ScenarioStore, open_store
from store.sqlite import SqliteStore

PG_DSN = os.environ.get("EVAC_PG_DSN")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
XSS = "<script>alert(1)</script>"
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[10.60, 59.88], [10.62, 59.88], [10.62, 59.89], [10.60, 59.89], [10.60, 59.88]]
    ],
}


def _pg_schema_url() -> Iterator[str]:
    """A DSN whose search path starts with a fresh schema, dropped afterwards."""
    if not PG_DSN:
        if os.environ.get("CI"):
            pytest.fail(
                "CI is set but EVAC_PG_DSN is not: run `export EVAC_PG_DSN=$(bash "
                ".ci/postgres.sh)` before pytest so the PostGIS store is tested."
            )
        pytest.skip("EVAC_PG_DSN not set: start PostGIS with `bash .ci/postgres.sh`")
    import psycopg
    from psycopg import sql

    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_DSN, autocommit=True) as con:
        con.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    sep = "&" if "?" in PG_DSN else "?"
    yield f"{PG_DSN}{sep}options=-c%20search_path%3D{schema}%2Cpublic"
    with psycopg.connect(PG_DSN, autocommit=True) as con:
        con.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture(params=["sqlite", pytest.param("postgis", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "store.sqlite")
    else:
        yield from _pg_schema_url()


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from _pg_schema_url()


@pytest.fixture
def store(store_url: str) -> ScenarioStore:
    return open_store(store_url)


def _json(name: str = "Snarøya", **changes: object) -> str:
    s = Scenario(name=name, zones=[ZoneSpec(kind="polygon", label="Indre", geometry=SQUARE)])
    for key, value in changes.items():
        setattr(s, key, value)
    return scenario_to_json(s)


def test_save_then_load_returns_scenario_json_and_results_unchanged(store: ScenarioStore) -> None:
    text = _json(XSS)
    results = {"evacuees_total": 812, "clearance_minutes": {"p90": 41.5}, "note": XSS}
    info = store.save(None, text, user=XSS, comment=XSS, results_summary=results)

    loaded = store.load(info.scenario_id)

    assert loaded.scenario_json == text  # byte for byte, payload included
    assert loaded.results_summary == results
    assert loaded.info == info
    assert (info.version, info.name, info.user, info.comment) == (1, XSS, XSS, XSS)
    assert info.created.endswith("+00:00")
    assert loaded.scenario().name == XSS


def test_versions_count_up_and_list_shows_latest_state(store: ScenarioStore) -> None:
    first = store.save(None, _json("Første"), user="ola", comment="start")
    store.save(first.scenario_id, _json("Andre"), user="kari", comment="større", base_version=1)
    other = store.save(None, _json("Fornebu"), user="per")

    versions = store.versions(first.scenario_id)
    listed = {s.scenario_id: s for s in store.list_scenarios()}

    assert [(v.version, v.user, v.name, v.comment) for v in versions] == [
        (1, "ola", "Første", "start"),
        (2, "kari", "Andre", "større"),
    ]
    assert (listed[first.scenario_id].latest_version, listed[first.scenario_id].name) == (
        2,
        "Andre",
    )
    assert listed[first.scenario_id].user == "kari"
    assert listed[other.scenario_id].latest_version == 1
    assert store.load(first.scenario_id, 1).scenario().name == "Første"


def test_diff_names_changed_zone_geometry_parameters_and_results(store: ScenarioStore) -> None:
    v1 = store.save(None, _json(), user="ola", results_summary={"evacuees_total": 100})
    moved = json.loads(json.dumps(SQUARE))
    moved["coordinates"][0][1] = [10.63, 59.88]
    zones = [ZoneSpec(kind="polygon", label="Indre", geometry=moved)]
    store.save(
        v1.scenario_id,
        _json(zones=zones, population_scale=1.3, mode="walk"),
        user="kari",
        results_summary={"evacuees_total": 130, "clearance_minutes": {"p90": 40}},
    )

    d = store.diff(v1.scenario_id, 1, 2)

    assert (d["from"], d["to"]) == (1, 2)
    assert list(d["zones"]) == ["zones[0].geometry"]
    assert d["zones"]["zones[0].geometry"]["new"] == moved
    assert d["parameters"] == {
        "mode": {"old": "drive", "new": "walk"},
        "population_scale": {"old": 1.0, "new": 1.3},
    }
    assert d["results"] == {
        "clearance_minutes": {"old": None, "new": {"p90": 40}},  # new subtree: whole
        "evacuees_total": {"old": 100, "new": 130},
    }
    assert store.diff(v1.scenario_id, 2, 2) == {
        "scenario_id": v1.scenario_id,
        "from": 2,
        "to": 2,
        "zones": {},
        "parameters": {},
        "results": {},
    }


def test_restore_saves_old_version_as_newest_and_keeps_history(store: ScenarioStore) -> None:
    v1 = store.save(None, _json("Original"), user="ola", results_summary={"evacuees_total": 5})
    store.save(v1.scenario_id, _json("Endret"), user="kari")

    restored = store.restore(v1.scenario_id, 1, user="per")

    assert restored.version == 3 and restored.user == "per"
    assert "version 1" in restored.comment
    latest = store.load(v1.scenario_id)
    assert latest.scenario_json == store.load(v1.scenario_id, 1).scenario_json
    assert latest.results_summary == {"evacuees_total": 5}
    assert len(store.versions(v1.scenario_id)) == 3


def test_duplicate_makes_independent_scenario_with_new_name(store: ScenarioStore) -> None:
    src = store.save(None, _json("Kilde", population_scale=1.4), user="ola")

    dup = store.duplicate(src.scenario_id, "Kopi", user="kari")
    store.save(src.scenario_id, _json("Kilde endret"), user="ola")

    assert dup.scenario_id != src.scenario_id and dup.version == 1
    copy = store.load(dup.scenario_id).scenario()
    assert (copy.name, copy.population_scale) == ("Kopi", 1.4)
    assert len(store.versions(dup.scenario_id)) == 1


def test_delete_hides_scenario_and_undelete_recovers_it(store: ScenarioStore) -> None:
    keep = store.save(None, _json("Behold"), user="ola")
    gone = store.save(None, _json("Slett"), user="ola")

    store.delete(gone.scenario_id, user="kari")

    assert [s.scenario_id for s in store.list_scenarios()] == [keep.scenario_id]
    hidden = {s.scenario_id: s.deleted for s in store.list_scenarios(include_deleted=True)}
    assert hidden == {keep.scenario_id: False, gone.scenario_id: True}
    assert store.load(gone.scenario_id).scenario().name == "Slett"
    with pytest.raises(StoreError, match="undelete"):
        store.save(gone.scenario_id, _json("Slett 2"), user="ola")

    store.undelete(gone.scenario_id, user="kari")

    assert {s.scenario_id for s in store.list_scenarios()} == {keep.scenario_id, gone.scenario_id}
    assert store.save(gone.scenario_id, _json("Slett 2"), user="ola").version == 2


def test_second_writer_from_same_base_keeps_both_versions_and_is_told(
    store: ScenarioStore,
) -> None:
    v1 = store.save(None, _json("Felles"), user="ola")
    kari = _json("Felles", population_scale=1.2)
    per = _json("Felles", population_scale=2.0)

    first = store.save(v1.scenario_id, kari, user="kari", base_version=1)
    with pytest.raises(ConflictError) as caught:
        store.save(v1.scenario_id, per, user="per", base_version=1)

    message = str(caught.value)
    assert "kari saved version 2" in message
    assert "kept as version 3" in message
    assert caught.value.saved.version == 3 and caught.value.saved.conflict_of == 2
    assert first.conflict_of is None
    assert store.load(v1.scenario_id, 2).scenario_json == kari
    assert store.load(v1.scenario_id, 3).scenario_json == per
    assert [v.conflict_of for v in store.versions(v1.scenario_id)] == [None, None, 2]


def test_simultaneous_writers_from_same_base_lose_nothing(store: ScenarioStore) -> None:
    v1 = store.save(None, _json("Samtidig"), user="ola")
    writers = 6
    texts = [_json("Samtidig", population_scale=1.0 + i / 10) for i in range(1, writers + 1)]
    barrier = threading.Barrier(writers)
    outcomes: list[str] = []

    def write(i: int) -> None:
        barrier.wait()
        try:
            store.save(v1.scenario_id, texts[i], user=f"u{i}", base_version=1)
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(outcomes) == ["conflict"] * (writers - 1) + ["ok"]
    versions = store.versions(v1.scenario_id)
    assert [v.version for v in versions] == list(range(1, writers + 2))
    stored = {store.load(v1.scenario_id, v.version).scenario_json for v in versions[1:]}
    assert stored == set(texts)


def test_unknown_ids_versions_and_bad_input_raise_clear_errors(store: ScenarioStore) -> None:
    v1 = store.save(None, _json(), user="ola")

    with pytest.raises(StoreError, match="No scenario with id 'nope'"):
        store.load("nope")
    with pytest.raises(StoreError, match="no version 7"):
        store.load(v1.scenario_id, 7)
    with pytest.raises(StoreError, match="no version 4 to save on top of"):
        store.save(v1.scenario_id, _json(), user="ola", base_version=4)
    with pytest.raises(StoreError, match="No user"):
        store.save(v1.scenario_id, _json(), user=" ")
    with pytest.raises(StoreError, match="no NaN"):
        store.save(v1.scenario_id, _json(), user="ola", results_summary={"p90": math.nan})
    with pytest.raises(ScenarioError, match="population_scale"):
        store.save(v1.scenario_id, _json(population_scale=-1.0), user="ola")
    with pytest.raises(StoreError, match="Unknown log event kind"):
        store.log_event(v1.scenario_id, "gossip", "x", "ola")
    assert len(store.versions(v1.scenario_id)) == 1  # nothing half-written


def test_log_events_come_back_in_order_and_byte_identical(store: ScenarioStore) -> None:
    sid = store.save(None, _json(), user="ola").scenario_id
    store.log_event(sid, "status_change", "Evakueringsordre gitt", "ola")
    store.log_event(sid, "note", XSS + "\n=cmd|' /C calc'!A0", XSS, data={"text": XSS})
    store.log_event(sid, "plan_run", "Plan", "kari", data={"evacuees_total": 7850})

    events = store.events(sid)

    assert [e.kind for e in events] == ["status_change", "note", "plan_run"]
    assert events[1].text == XSS + "\n=cmd|' /C calc'!A0"
    assert (events[1].user, events[1].data) == (XSS, {"text": XSS})
    assert events[2].data == {"evacuees_total": 7850}
    assert events[0].event_id < events[1].event_id < events[2].event_id
    assert all(e.created.endswith("+00:00") for e in events)


# -- crash safety -------------------------------------------------------------------------

# Runs a save in a child process; "pause" stops it right after the version row is
# inserted (transaction still open) so the parent can SIGKILL it mid-write.
_CHILD = r"""
import sys, time
url, sid, path, mode = sys.argv[1:5]
if mode == "pause":
    if url.startswith("postgresql"):
        import psycopg

        class Paused(psycopg.Connection):
            def execute(self, query, params=None, **kw):
                cur = super().execute(query, params, **kw)
                if "INSERT INTO evac_scenario_versions" in str(query):
                    print("MID-WRITE", flush=True)
                    time.sleep(120)
                return cur

        psycopg.connect = Paused.connect
    else:
        import sqlite3

        class Paused(sqlite3.Connection):
            def execute(self, sql, *args):
                cur = super().execute(sql, *args)
                if sql.startswith("INSERT INTO versions"):
                    print("MID-WRITE", flush=True)
                    time.sleep(120)
                return cur

        _connect = sqlite3.connect
        sqlite3.connect = lambda *a, **k: _connect(*a, factory=Paused, **k)
from store import open_store

store = open_store(url)
text = open(path, encoding="utf-8").read()
i = 0
while True:
    store.save(sid, text, user="child", comment=str(i))
    print("SAVED", i, flush=True)
    i += 1
"""


def _start_child(url: str, sid: str, text_path: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, url, sid, str(text_path), mode],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill(proc: subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL


def test_save_killed_mid_transaction_leaves_previous_version_intact(
    store_url: str, tmp_path: Path
) -> None:
    store = open_store(store_url)
    original = _json("Før krasj")
    v1 = store.save(None, original, user="ola")
    text_path = tmp_path / "next.json"
    text_path.write_text(_json("Aldri lagret"), encoding="utf-8")

    child = _start_child(store_url, v1.scenario_id, text_path, "pause")
    line = child.stdout.readline() if child.stdout else ""
    assert line.strip() == "MID-WRITE", child.stderr.read() if child.stderr else ""
    # Readers are not blocked by the open write transaction and see only v1.
    assert [v.version for v in store.versions(v1.scenario_id)] == [1]
    _kill(child)

    reopened = open_store(store_url)
    assert [v.version for v in reopened.versions(v1.scenario_id)] == [1]
    assert reopened.load(v1.scenario_id).scenario_json == original
    after = reopened.save(v1.scenario_id, _json("Etter"), user="kari", base_version=1)
    assert (after.version, after.conflict_of) == (2, None)


def test_sqlite_killed_during_save_loop_stays_consistent(tmp_path: Path) -> None:
    url = str(tmp_path / "store.sqlite")
    store = SqliteStore(url)
    closures = [
        {"type": "LineString", "coordinates": [[10.6 + i * 1e-5, 59.88], [10.61, 59.89]]}
        for i in range(3000)
    ]
    text = _json("Stor", closures=closures)  # ~ 300 kB per version: writes take a while
    sid = store.save(None, text, user="ola").scenario_id
    text_path = tmp_path / "big.json"
    text_path.write_text(text, encoding="utf-8")

    child = _start_child(url, sid, text_path, "loop")
    for _ in range(5):
        assert child.stdout and child.stdout.readline().startswith("SAVED")
    time.sleep(0.013)  # land somewhere inside a later save
    _kill(child)

    con = sqlite3.connect(url)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    versions = [v.version for v in store.versions(sid)]
    assert len(versions) >= 6
    assert versions == list(range(1, len(versions) + 1))
    assert all(store.load(sid, v).scenario_json == text for v in versions)
    assert store.save(sid, text, user="ola").version == len(versions) + 1


# -- backend specifics --------------------------------------------------------------------


def test_open_store_uses_sqlite_for_paths_and_folders(tmp_path: Path) -> None:
    as_file = open_store(tmp_path / "a.sqlite")
    as_folder = open_store(tmp_path)

    assert isinstance(as_file, SqliteStore) and as_file.path == tmp_path / "a.sqlite"
    assert isinstance(as_folder, SqliteStore) and as_folder.path == tmp_path / "store.sqlite"
    assert as_folder.path.exists()


def test_open_store_reads_evac_store_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVAC_STORE", str(tmp_path / "env" / "s.sqlite"))

    store = open_store()

    assert isinstance(store, SqliteStore) and store.path == tmp_path / "env" / "s.sqlite"
    assert store.path.exists()


@pytest.mark.postgres
def test_postgis_keeps_zone_outline_as_4326_geometry(pg_url: str) -> None:
    import psycopg

    store = open_store(pg_url)
    circle = ZoneSpec(kind="circle", center=(10.62, 59.89), radius_m=500.0)
    plume = ZoneSpec(
        kind="plume", center=(10.60, 59.88), wind_from_deg=270.0, length_m=2000.0, angle_deg=30.0
    )
    a = store.save(None, scenario_to_json(Scenario(name="Sirkel", zones=[circle])), user="ola")
    b = store.save(None, scenario_to_json(Scenario(name="Røyk", zones=[plume])), user="ola")
    with psycopg.connect(pg_url) as con:
        rows = {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT scenario_id, ST_SRID(zone_geom), ST_Area(zone_geom::geography), "
                "ST_X(ST_Centroid(zone_geom)) FROM evac_scenario_versions"
            ).fetchall()
        }

    srid, area, _ = rows[a.scenario_id]
    assert srid == 4326
    assert area == pytest.approx(math.pi * 500.0**2, rel=0.01)
    srid, area, centroid_lon = rows[b.scenario_id]
    # 30° sector of radius 2 km, spreading east (wind from the west), plus the
    # 150 m circle the zone builder always adds around the release point.
    near = math.pi * 150.0**2
    assert area == pytest.approx(math.pi * 2000.0**2 * 30 / 360 + near * 330 / 360, rel=0.02)
    assert centroid_lon > 10.60
