"""``evac scenario ...`` subcommands drive the store end to end (SQLite file in tmp)."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

import pytest

from geo.errors import ConflictError, StoreError
from planning.scenario import Scenario, scenario_to_json
from store import open_store
from store.cli import add_scenario_commands


def _run(*argv: str) -> str:
    parser = argparse.ArgumentParser(prog="evac")
    add_scenario_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["scenario", *argv])
    out = io.StringIO()
    assert args.handler(args, out=out) == 0
    return out.getvalue()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.sqlite")


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "snaroya.json"
    path.write_text(scenario_to_json(Scenario(name="Snarøya øvelse")), encoding="utf-8")
    return path


def test_save_list_show_export_restore_round_trip(
    db: str, scenario_file: Path, tmp_path: Path
) -> None:
    saved = _run("save", str(scenario_file), "--store", db, "--user", "ola", "--comment", "start")
    sid = saved.split()[1]
    changed = tmp_path / "changed.json"
    changed.write_text(scenario_to_json(Scenario(name="Snarøya v2")), encoding="utf-8")
    _run("save", str(changed), "--id", sid, "--base-version", "1", "--store", db, "--user", "kari")

    listing = _run("list", "--store", db)
    shown = _run("show", sid, "--store", db)
    exported = tmp_path / "v1.json"
    _run("export", sid, "--version", "1", "-o", str(exported), "--store", db)
    restored = _run("restore", sid, "1", "--store", db, "--user", "per")
    diff = json.loads(_run("show", sid, "--diff", "1", "2", "--store", db))

    assert saved == f"Saved {sid} version 1 (Snarøya øvelse)\n"
    assert sid in listing and "v2" in listing and "Snarøya v2" in listing
    assert [line.split()[0] for line in shown.splitlines()] == ["v1", "v2"]
    assert "start" in shown.splitlines()[0]
    assert exported.read_text(encoding="utf-8") == scenario_file.read_text(encoding="utf-8")
    assert restored == "Restored version 1 as version 3\n"
    assert _run("export", sid, "--store", db) == scenario_file.read_text(encoding="utf-8")
    assert diff["parameters"] == {"name": {"old": "Snarøya øvelse", "new": "Snarøya v2"}}


def test_save_from_stale_base_reports_conflict_but_keeps_the_file(
    db: str, scenario_file: Path
) -> None:
    sid = _run("save", str(scenario_file), "--store", db, "--user", "ola").split()[1]
    _run("save", str(scenario_file), "--id", sid, "--base-version", "1", "--store", db)

    with pytest.raises(ConflictError, match="kept as version 3"):
        _run("save", str(scenario_file), "--id", sid, "--base-version", "1", "--store", db)

    assert "[conflict with v2]" in _run("show", sid, "--store", db).splitlines()[2]


def test_log_exports_csv_and_after_action_markdown(db: str, scenario_file: Path) -> None:
    sid = _run("save", str(scenario_file), "--store", db, "--user", "ola").split()[1]
    open_store(db).log_event(sid, "note", '=HYPERLINK("x")', "ola")

    rows = list(csv.reader(io.StringIO(_run("log", sid, "--store", db))))
    md = _run("log", sid, "--format", "markdown", "--lang", "en", "--store", db)

    assert rows[0][:4] == ["time_utc", "kind", "user", "text"]
    assert rows[1][3] == '\'=HYPERLINK("x")'
    assert md.startswith("> **ØVELSE") and f"Scenario id: `{sid}`" in md


def test_log_file_is_written_with_bom_for_spreadsheets(
    db: str, scenario_file: Path, tmp_path: Path
) -> None:
    sid = _run("save", str(scenario_file), "--store", db, "--user", "ola").split()[1]
    open_store(db).log_event(sid, "note", "Bærum", "ola")
    out = tmp_path / "log.csv"

    _run("log", sid, "-o", str(out), "--store", db)

    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "Bærum".encode() in raw and b"\r\n" in raw


def test_save_of_missing_file_is_a_store_error(db: str, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="Cannot read"):
        _run("save", str(tmp_path / "nope.json"), "--store", db, "--user", "ola")
