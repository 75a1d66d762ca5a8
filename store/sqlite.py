"""Default scenario store: one SQLite file, created on first use.

The file lives at ``$EVAC_STORE`` or ``.evac-data/store.sqlite`` under the
project root (git-ignored). WAL journaling with ``synchronous=FULL`` and one
``BEGIN IMMEDIATE`` transaction per write make every save atomic and durable:
a process killed mid-save leaves the previous versions untouched and the
half-written one absent.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import astuple
from pathlib import Path
from typing import Any, Final

from geo.errors import StoreError
from geo.settings import PROJECT_ROOT
from store.base import (
    LogEvent,
    NewVersion,
    ScenarioInfo,
    ScenarioStore,
    StoredVersion,
    VersionInfo,
    missing_scenario,
    utc_now,
)

#: Environment variable naming the store file (or a PostgreSQL URL, see open_store).
STORE_ENV_VAR: Final = "EVAC_STORE"
#: Default store file.
DEFAULT_STORE_PATH: Final = PROJECT_ROOT / ".evac-data" / "store.sqlite"
#: Seconds a writer waits for another writer's transaction before giving up.
BUSY_TIMEOUT_S: Final = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scenarios (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    latest_version INTEGER NOT NULL,
    deleted_at TEXT,
    deleted_by TEXT
);
CREATE TABLE IF NOT EXISTS versions (
    scenario_id TEXT NOT NULL REFERENCES scenarios(id),
    version INTEGER NOT NULL,
    username TEXT NOT NULL,
    created TEXT NOT NULL,
    comment TEXT NOT NULL,
    name TEXT NOT NULL,
    conflict_of INTEGER,
    scenario_json TEXT NOT NULL,
    results_json TEXT,
    PRIMARY KEY (scenario_id, version)
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scenario_id TEXT NOT NULL REFERENCES scenarios(id),
    created TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    username TEXT NOT NULL,
    data_json TEXT
);
CREATE INDEX IF NOT EXISTS events_by_scenario ON events (scenario_id, id);
"""

_VERSION_COLS = "scenario_id, version, username, created, comment, name, conflict_of"


def default_store_path() -> Path:
    """``$EVAC_STORE`` if set, else :data:`DEFAULT_STORE_PATH`."""
    return Path(os.environ.get(STORE_ENV_VAR) or DEFAULT_STORE_PATH)


def writable(path: Path) -> bool:
    """Whether ``path`` and its folder (for SQLite's journal files) may be written."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


class SqliteStore(ScenarioStore):
    """Scenario store in a SQLite file.

    Parameters
    ----------
    path
        Store file, or a folder to hold ``store.sqlite``; default
        :func:`default_store_path`. Missing folders are created.
    source
        Where the path came from (``--store``), named in messages; default
        ``EVAC_STORE``.
    """

    def __init__(self, path: str | Path | None = None, source: str | None = None) -> None:
        #: The setting a user changes to use another store file.
        self.source = source or STORE_ENV_VAR
        p = Path(path) if path is not None else default_store_path()
        self.path = p / "store.sqlite" if p.is_dir() else p
        #: True when the file exists but may not be written: it is opened for reading only.
        self.read_only = self.path.is_file() and not writable(self.path)
        if self.read_only:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"Cannot create the store folder {self.path.parent}: {exc}. "
                f"Set {self.source} to a writable file path."
            ) from None
        self._init_schema()

    def __repr__(self) -> str:
        """Store kind and its database file."""
        return f"SqliteStore({str(self.path)!r})"

    def _connect(self) -> sqlite3.Connection:
        # One connection per operation: safe across Streamlit's threads, and
        # isolation_level=None lets us issue BEGIN IMMEDIATE ourselves.
        if self.read_only:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("PRAGMA synchronous = FULL")
        return con

    def _init_schema(self) -> None:
        try:
            con = self._connect()
            try:
                # WAL is a property of the file: readers never block the writer.
                con.execute("PRAGMA journal_mode = WAL")
                con.executescript(_SCHEMA)
            finally:
                con.close()
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def _read_only_error(self) -> StoreError:
        return StoreError(
            f"The scenario store {self.path} is read-only: scenarios can be listed and "
            "opened but not saved. Ask for write access to the file and its folder, or "
            f"set {self.source} to a writable file."
        )

    def _error(self, exc: sqlite3.Error) -> StoreError:
        if "readonly" in str(exc):
            return self._read_only_error()
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            return StoreError(
                f"The scenario store {self.path} stayed busy for {BUSY_TIMEOUT_S:.0f} s "
                "(another save is running): try again."
            )
        return StoreError(
            f"The scenario store {self.path} failed: {exc}. Check that the file is "
            f"writable and not a copy in progress, or point {self.source} elsewhere."
        )

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """One transaction; writers take the write lock up front (BEGIN IMMEDIATE)."""
        if write and self.read_only:
            raise self._read_only_error()
        try:
            con = self._connect()
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        try:
            con.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield con
            con.execute("COMMIT")
        except sqlite3.Error as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise self._error(exc) from None
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        finally:
            con.close()

    def _write_tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._tx(write=True)

    def _read_tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._tx()

    def _scenario_row(
        self, con: sqlite3.Connection, scenario_id: str, lock: bool = False
    ) -> tuple[int, Any]:
        # No row lock needed: a write transaction (BEGIN IMMEDIATE) holds the file's lock.
        row = con.execute(
            "SELECT latest_version, deleted_at FROM scenarios WHERE id = ?", (scenario_id,)
        ).fetchone()
        if row is None:
            raise missing_scenario(scenario_id)
        return int(row[0]), row[1]

    def _put_scenario(
        self, con: sqlite3.Connection, scenario_id: str, name: str, version: int
    ) -> None:
        if version == 1:
            con.execute(
                "INSERT INTO scenarios (id, name, latest_version) VALUES (?, ?, 1)",
                (scenario_id, name),
            )
        else:
            con.execute(
                "UPDATE scenarios SET name = ?, latest_version = ? WHERE id = ?",
                (name, version, scenario_id),
            )

    def _insert_version(self, con: sqlite3.Connection, info: VersionInfo, new: NewVersion) -> None:
        con.execute(
            f"INSERT INTO versions ({_VERSION_COLS}, scenario_json, results_json) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*astuple(info), new.scenario_json, new.results_json),
        )

    def _mark_deleted(
        self, con: sqlite3.Connection, scenario_id: str, user: str, deleted: bool
    ) -> None:
        con.execute(
            "UPDATE scenarios SET deleted_at = ?, deleted_by = ? WHERE id = ?",
            (utc_now() if deleted else None, user if deleted else None, scenario_id),
        )

    def _append_event(
        self,
        con: sqlite3.Connection,
        scenario_id: str,
        kind: str,
        text: str,
        user: str,
        data_json: str | None,
    ) -> LogEvent:
        created = utc_now()
        cur = con.execute(
            "INSERT INTO events (scenario_id, created, kind, text, username, data_json) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (scenario_id, created, kind, text, user, data_json),
        )
        data = json.loads(data_json) if data_json is not None else None
        return LogEvent(int(cur.lastrowid or 0), scenario_id, created, kind, text, user, data)

    def _version_rows(self, con: sqlite3.Connection, scenario_id: str) -> list[VersionInfo]:
        rows = con.execute(
            f"SELECT {_VERSION_COLS} FROM versions WHERE scenario_id = ? ORDER BY version",
            (scenario_id,),
        ).fetchall()
        return [_version_info(r) for r in rows]

    def _stored_version(
        self, con: sqlite3.Connection, scenario_id: str, version: int
    ) -> StoredVersion | None:
        row = con.execute(
            f"SELECT {_VERSION_COLS}, scenario_json, results_json FROM versions "
            "WHERE scenario_id = ? AND version = ?",
            (scenario_id, version),
        ).fetchone()
        if row is None:
            return None
        results = json.loads(row[8]) if row[8] is not None else None
        return StoredVersion(_version_info(row[:7]), row[7], results)

    def _event_rows(self, con: sqlite3.Connection, scenario_id: str) -> list[LogEvent]:
        rows = con.execute(
            "SELECT id, scenario_id, created, kind, text, username, data_json "
            "FROM events WHERE scenario_id = ? ORDER BY id",
            (scenario_id,),
        ).fetchall()
        return [
            LogEvent(i, sid, created, kind, text, user, None if data is None else json.loads(data))
            for i, sid, created, kind, text, user, data in rows
        ]

    def list_scenarios(self, include_deleted: bool = False) -> list[ScenarioInfo]:
        """See :meth:`store.base.ScenarioStore.list_scenarios`."""
        with self._tx() as con:
            rows = con.execute(
                "SELECT s.id, s.name, s.latest_version, v.created, v.username, "
                "s.deleted_at IS NOT NULL FROM scenarios s JOIN versions v "
                "ON v.scenario_id = s.id AND v.version = s.latest_version "
                "WHERE ? OR s.deleted_at IS NULL ORDER BY v.created DESC, s.id",
                (include_deleted,),
            ).fetchall()
        return [ScenarioInfo(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]


def _version_info(row: tuple[Any, ...]) -> VersionInfo:
    return VersionInfo(*row)
