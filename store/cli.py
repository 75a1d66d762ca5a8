"""``evac scenario ...`` subcommands: list, show, save, restore, export and log.

Wiring in ``cli.py``::

    sub = parser.add_subparsers(dest="command")
    add_scenario_commands(sub)  # sets args.handler = run_scenario_command
    args = parser.parse_args()
    return args.handler(args)

Store errors are :class:`~geo.errors.EvacError` subclasses and propagate, so
the entry point prints their message like any other user error.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from geo.atomic import write_text
from geo.errors import StoreError
from geo.validate import load_json
from planning.scenario import scenario_from_json
from store import open_store
from store.base import ScenarioStore, VersionInfo
from store.exercise_log import after_action_markdown, log_to_csv

#: Environment variable naming the user recorded on saves (default: login name).
USER_ENV_VAR = "EVAC_USER"


def add_scenario_commands(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add ``scenario`` with its subcommands to an argparse subparsers object."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--store",
        help="SQLite file or postgresql:// URL (default: $EVAC_STORE or .evac-data/store.sqlite)",
    )
    common.add_argument(
        "--user", default=_default_user(), help="who saves (default: $EVAC_USER or login)"
    )
    scenario = subparsers.add_parser("scenario", help="saved scenarios and their versions")
    sub = scenario.add_subparsers(dest="scenario_command", required=True)

    p = sub.add_parser("list", parents=[common], help="list saved scenarios")
    p.add_argument("--all", action="store_true", help="include deleted scenarios")

    p = sub.add_parser("show", parents=[common], help="print a scenario's versions")
    p.add_argument("scenario_id")
    p.add_argument(
        "--diff", nargs=2, type=int, metavar=("V1", "V2"), help="print what changed (JSON)"
    )

    p = sub.add_parser("save", parents=[common], help="save a scenario JSON file")
    p.add_argument("file", type=Path, help="scenario JSON (evac-scenario/1)")
    p.add_argument("--id", dest="scenario_id", help="save as a new version of this scenario")
    p.add_argument("--base-version", type=int, help="version the file was exported from")
    p.add_argument("--comment", default="", help="why this version")
    p.add_argument("--results", type=Path, help="plan summary JSON to keep with the version")

    p = sub.add_parser("restore", parents=[common], help="make an old version the newest")
    p.add_argument("scenario_id")
    p.add_argument("version", type=int)

    p = sub.add_parser("export", parents=[common], help="write the JSON of a version")
    p.add_argument("scenario_id")
    p.add_argument("--version", type=int, help="default: latest")
    p.add_argument("-o", "--output", type=Path, help="file (default: stdout)")

    p = sub.add_parser("log", parents=[common], help="export the exercise log")
    p.add_argument("scenario_id")
    p.add_argument("--format", choices=("csv", "markdown"), default="csv")
    p.add_argument("--lang", choices=("nb", "en"), default="nb")
    p.add_argument("-o", "--output", type=Path, help="file (default: stdout)")

    scenario.set_defaults(handler=run_scenario_command)
    return scenario


def run_scenario_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run a parsed ``evac scenario ...`` command; return the exit code."""
    out = out or sys.stdout
    store = open_store(args.store, source="--store" if args.store else None)
    cmd = args.scenario_command
    if cmd == "list":
        for s in store.list_scenarios(include_deleted=args.all):
            flag = "  (deleted)" if s.deleted else ""
            print(
                f"{s.scenario_id}  v{s.latest_version:<3} {s.updated}  {s.user}  {s.name}{flag}",
                file=out,
            )
    elif cmd == "show":
        _show(store, args, out)
    elif cmd == "save":
        results = _read_json(args.results) if args.results else None
        text = _read_text(args.file)
        scenario_from_json(text, str(args.file))  # errors name the file
        info = store.save(
            args.scenario_id,
            text,
            user=args.user,
            comment=args.comment,
            base_version=args.base_version,
            results_summary=results,
        )
        print(f"Saved {info.scenario_id} version {info.version} ({info.name})", file=out)
    elif cmd == "restore":
        info = store.restore(args.scenario_id, args.version, args.user)
        print(f"Restored version {args.version} as version {info.version}", file=out)
    elif cmd == "export":
        _write(store.load(args.scenario_id, args.version).scenario_json, args.output, out)
    elif cmd == "log":
        events = store.events(args.scenario_id)
        if args.format == "csv":
            text = log_to_csv(events)
        else:
            scenario = store.load(args.scenario_id).scenario()
            text = after_action_markdown(
                scenario, events, scenario_id=args.scenario_id, lang=args.lang
            )
        _write(text, args.output, out, encoding="utf-8-sig" if args.format == "csv" else "utf-8")
    return 0


def _show(store: ScenarioStore, args: argparse.Namespace, out: TextIO) -> None:
    if args.diff:
        diff = store.diff(args.scenario_id, *args.diff)
        print(json.dumps(diff, ensure_ascii=False, indent=2), file=out)
        return
    for v in store.versions(args.scenario_id):
        print(_version_line(v), file=out)


def _version_line(v: VersionInfo) -> str:
    conflict = f"  [conflict with v{v.conflict_of}]" if v.conflict_of else ""
    return f"v{v.version:<3} {v.created}  {v.user}  {v.name}  {v.comment}{conflict}"


def _default_user() -> str:
    try:
        return os.environ.get(USER_ENV_VAR) or getpass.getuser()
    except (KeyError, OSError):
        # No login name (bare container): the store then asks for --user.
        return ""


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"Cannot read {path}: {exc}. Give a UTF-8 JSON file.") from None


def _read_json(path: Path) -> dict[str, Any]:
    data = load_json(_read_text(path), str(path), StoreError)
    if not isinstance(data, dict):
        raise StoreError(f"{path} must hold a JSON object (a plan summary).")
    return data


def _write(text: str, path: Path | None, out: TextIO, encoding: str = "utf-8") -> None:
    if path is None:
        out.write(text)
        return
    # newline="" keeps the CSV's \r\n row ends as written.
    write_text(path, text, encoding=encoding, newline="")
