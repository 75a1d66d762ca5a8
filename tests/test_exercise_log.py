"""Exercise-log exports: CSV without formula injection, Markdown with user text escaped."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from planning.scenario import Scenario, scenario_to_json
from store import LogEvent
from store.exercise_log import (
    CSV_COLUMNS,
    EXERCISE_BANNER,
    after_action_markdown,
    log_to_csv,
    md_escape,
    plan_run_data,
)
from store.sqlite import SqliteStore

XSS = "<script>alert(1)</script>"


def _event(i: int, kind: str, text: str, user: str = "ola", data: dict | None = None) -> LogEvent:
    return LogEvent(i, "abc123", f"2025-03-01T10:{i:02d}:00.000+00:00", kind, text, user, data)


SUMMARY_1 = {
    "evacuees_total": 7850,
    "assigned": {"Telenor Arena": 6000, "Quality Hotel Expo": 1000},
    "unassigned": 850,
    "unreachable": 0,
    "clearance_minutes": {"leave_p90": 30, "leave_p100": 60, "p90": 52.4, "p100": 95.0},
}
SUMMARY_2 = {**SUMMARY_1, "unassigned": 0, "clearance_minutes": {"p90": 48.0, "p100": 88.0}}


@pytest.fixture
def events() -> list[LogEvent]:
    return [
        _event(1, "status_change", "Evakueringsordre for Snarøya", "politiet"),
        _event(2, "plan_run", "Første beregning", data=plan_run_data(SUMMARY_1)),
        _event(3, "note", XSS + " | [klikk](javascript:alert(1)) **fet**", XSS),
        _event(4, "site_toggle", "=cmd|' /C calc'!A0", "@SUM(1+1)"),
        _event(5, "plan_run", "Arena åpnet", data=plan_run_data(SUMMARY_2)),
    ]


def test_plan_run_data_keeps_key_figures_of_a_plan_summary() -> None:
    assert plan_run_data(SUMMARY_1) == {
        "evacuees_total": 7850,
        "assigned": 7000,
        "unassigned": 850,
        "unreachable": 0,
        "clearance_p90_min": 52.4,
        "clearance_p100_min": 95.0,
    }
    nobody_travels = {**SUMMARY_1, "clearance_minutes": {"p90": None, "p100": None}}
    assert plan_run_data(nobody_travels)["clearance_p90_min"] is None


def test_csv_has_one_row_per_event_and_neutralises_formulas(events: list[LogEvent]) -> None:
    rows = list(csv.reader(io.StringIO(log_to_csv(events))))

    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + len(events)
    assert rows[4][3] == "'=cmd|' /C calc'!A0"
    assert rows[4][2] == "'@SUM(1+1)"
    assert rows[3][3] == XSS + " | [klikk](javascript:alert(1)) **fet**"  # CSV is not HTML
    assert json.loads(rows[2][4])["assigned"] == 7000
    assert rows[1][4] == ""
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_markdown_escapes_script_links_and_table_breaking_user_text(
    events: list[LogEvent],
) -> None:
    scenario = Scenario(name=XSS + " Snarøya")

    md = after_action_markdown(scenario, events, scenario_id="abc123")

    assert "<script>" not in md and "</script>" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Snarøya" in md
    assert "[klikk](" not in md and "\\[klikk\\](javascript" in md
    assert "\\*\\*fet\\*\\*" in md
    assert "=cmd\\|' /C calc'!A0" in md  # quotes stay readable, no entities
    timeline = [line for line in md.splitlines() if line.startswith("| 2025-03-01T10:03")]
    assert len(timeline) == 1
    # The user's "|" is escaped, so the row still has exactly four cells.
    assert timeline[0].replace("\\|", "").count("|") == 5


def test_markdown_shows_timeline_and_key_figures_over_time(events: list[LogEvent]) -> None:
    md = after_action_markdown(Scenario(name="Snarøya"), events)

    assert "## Tidslinje" in md and "## Nøkkeltall over tid" in md
    assert "| 2025-03-01T10:01:00.000+00:00 | Statusendring | politiet |" in md
    runs = [line for line in md.splitlines() if "| 7850 |" in line]
    assert runs == [
        "| 2025-03-01T10:02:00.000+00:00 | 7850 | 7000 | 850 | 0 | 52.4 | 95 |",
        "| 2025-03-01T10:05:00.000+00:00 | 7850 | 7000 | 0 | 0 | 48 | 88 |",
    ]


def test_exercise_banner_only_on_exercises_and_english_on_request(
    events: list[LogEvent],
) -> None:
    exercise = after_action_markdown(Scenario(name="S", exercise=True), events, lang="en")
    real = after_action_markdown(Scenario(name="S", exercise=False), [])

    assert exercise.startswith(f"> **{EXERCISE_BANNER}**")
    assert exercise.count(EXERCISE_BANNER) == 2
    assert "## Timeline" in exercise and "Clearance p90 (min)" in exercise
    assert EXERCISE_BANNER not in real
    assert "Ingen hendelser logget." in real and "Ingen planberegninger logget." in real


def test_md_escape_keeps_plain_norwegian_text_readable() -> None:
    assert md_escape("Evakuer Snarøya nå, 12.5 km") == "Evakuer Snarøya nå, 12.5 km"
    assert md_escape("linje 1\nlinje 2") == "linje 1 linje 2"
    assert md_escape("a & b") == "a &amp; b"


def test_store_round_trip_keeps_payload_and_exports_escape_it(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    sid = store.save(None, scenario_to_json(Scenario(name=XSS)), user=XSS).scenario_id
    store.log_event(sid, "note", XSS, XSS)

    loaded = store.load(sid).scenario()
    logged = store.events(sid)
    md = after_action_markdown(loaded, logged)

    assert loaded.name == XSS and logged[0].text == XSS and logged[0].user == XSS
    assert XSS not in md and md.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3
