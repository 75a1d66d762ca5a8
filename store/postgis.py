"""Scenario store on PostgreSQL + PostGIS (psycopg 3), for shared multi-user setups.

Same behaviour as :mod:`store.sqlite`. The version check runs under
``SELECT ... FOR UPDATE`` on the scenario row, so concurrent saves of one
scenario queue up and each sees the version the previous one wrote.

Each version also carries its affected area as ``zone_geom`` (a PostGIS
geometry in EPSG:4326) so GIS users can open ``evac_scenario_versions`` in
e.g. QGIS. It is a display copy: the scenario JSON stays authoritative, and an
outline that cannot be built (bad GeoJSON) is stored as NULL instead of
failing the save.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any, Final

import psycopg
import shapely
from psycopg.conninfo import conninfo_to_dict

from geo.errors import EvacError, StoreError
from planning.scenario import Scenario, ZoneSpec
from planning.zones import to_map, zone_geometry
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

#: Environment variable holding the PostgreSQL connection string.
DSN_ENV_VAR: Final = "EVAC_PG_DSN"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS evac_scenarios (
    id text PRIMARY KEY,
    name text NOT NULL,
    latest_version integer NOT NULL,
    deleted_at timestamptz,
    deleted_by text
);
CREATE TABLE IF NOT EXISTS evac_scenario_versions (
    scenario_id text NOT NULL REFERENCES evac_scenarios (id),
    version integer NOT NULL,
    username text NOT NULL,
    created timestamptz NOT NULL,
    comment text NOT NULL,
    name text NOT NULL,
    conflict_of integer,
    scenario_json text NOT NULL,
    results_json jsonb,
    zone_geom geometry(Geometry, 4326),
    PRIMARY KEY (scenario_id, version)
);
CREATE TABLE IF NOT EXISTS evac_exercise_log (
    id bigserial PRIMARY KEY,
    scenario_id text NOT NULL REFERENCES evac_scenarios (id),
    created timestamptz NOT NULL,
    kind text NOT NULL,
    text text NOT NULL,
    username text NOT NULL,
    data jsonb
);
CREATE INDEX IF NOT EXISTS evac_exercise_log_by_scenario ON evac_exercise_log (scenario_id, id);
"""

_VERSION_COLS = "scenario_id, version, username, created, comment, name, conflict_of"


class PostgisStore(ScenarioStore):
    """Scenario store in a PostgreSQL database with the PostGIS extension.

    Parameters
    ----------
    dsn
        ``postgresql://user:password@host:port/db``; default ``$EVAC_PG_DSN``.
        Tables are created on first use in the first schema of the search path.
    source
        Where the URL came from (``--store``, ``EVAC_STORE``), named in messages.
    """

    def __init__(self, dsn: str | None = None, source: str | None = None) -> None:
        self.source = source or ("the store setting" if dsn else DSN_ENV_VAR)
        dsn = dsn or os.environ.get(DSN_ENV_VAR)
        if not dsn:
            raise StoreError(
                f"No PostgreSQL connection string: set {DSN_ENV_VAR}="
                "postgresql://user:password@host:5432/db (for tests: bash .ci/postgres.sh)."
            )
        self.dsn = dsn
        _check_dsn(dsn, self.source)
        self._init_schema()

    def __repr__(self) -> str:
        """Store kind and where it keeps its data (no password)."""
        return f"PostgisStore({self._where()!r})"

    def _where(self) -> str:
        """Host, port and database of the DSN, without the password."""
        try:
            p = conninfo_to_dict(self.dsn)
        except psycopg.Error:
            return "an unparseable DSN"
        return f"{p.get('host', 'localhost')}:{p.get('port', 5432)}/{p.get('dbname', '')}"

    def _connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.dsn, connect_timeout=10)

    @contextmanager
    def _tx(self) -> Iterator[psycopg.Connection[Any]]:
        """One transaction: commit on success, roll back on any error."""
        try:
            con = self._connect()
        except psycopg.OperationalError as exc:
            raise StoreError(
                f"Cannot connect to PostgreSQL at {self._where()}: {_one_line(exc)}. "
                f"Start the server or fix {self.source}."
            ) from None
        try:
            with con:
                yield con
        except psycopg.Error as exc:
            where = self._where()
            raise StoreError(f"PostgreSQL store at {where} failed: {_one_line(exc)}.") from None

    def _init_schema(self) -> None:
        with self._tx() as con:
            # Serialise concurrent first uses: CREATE ... IF NOT EXISTS races otherwise.
            con.execute("SELECT pg_advisory_xact_lock(hashtext('evac_store_schema'))")
            if con.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
                con.execute(_SCHEMA)
                return
        try:
            with self._tx() as con:
                con.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        except StoreError as exc:
            raise StoreError(
                f"PostGIS is not enabled in {self._where()} and this user may not enable "
                f"it ({exc}): run `CREATE EXTENSION postgis;` there as a superuser."
            ) from None
        self._init_schema()

    def _write_tx(self) -> AbstractContextManager[psycopg.Connection[Any]]:
        return self._tx()

    def _read_tx(self) -> AbstractContextManager[psycopg.Connection[Any]]:
        return self._tx()

    def _scenario_row(
        self, con: psycopg.Connection[Any], scenario_id: str, lock: bool = False
    ) -> tuple[int, Any]:
        row = con.execute(
            "SELECT latest_version, deleted_at FROM evac_scenarios WHERE id = %s"
            + (" FOR UPDATE" if lock else ""),
            (scenario_id,),
        ).fetchone()
        if row is None:
            raise missing_scenario(scenario_id)
        return int(row[0]), row[1]

    def _put_scenario(
        self, con: psycopg.Connection[Any], scenario_id: str, name: str, version: int
    ) -> None:
        if version == 1:
            con.execute(
                "INSERT INTO evac_scenarios (id, name, latest_version) VALUES (%s, %s, 1)",
                (scenario_id, name),
            )
        else:
            con.execute(
                "UPDATE evac_scenarios SET name = %s, latest_version = %s WHERE id = %s",
                (name, version, scenario_id),
            )

    def _insert_version(
        self, con: psycopg.Connection[Any], info: VersionInfo, new: NewVersion
    ) -> None:
        con.execute(
            f"INSERT INTO evac_scenario_versions ({_VERSION_COLS}, scenario_json, "
            "results_json, zone_geom) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, "
            "%s::jsonb, ST_GeomFromWKB(%s, 4326))",
            (
                info.scenario_id,
                info.version,
                info.user,
                datetime.fromisoformat(info.created),
                info.comment,
                info.name,
                info.conflict_of,
                new.scenario_json,
                new.results_json,
                zones_wkb(new.scenario),
            ),
        )

    def _mark_deleted(
        self, con: psycopg.Connection[Any], scenario_id: str, user: str, deleted: bool
    ) -> None:
        con.execute(
            "UPDATE evac_scenarios SET deleted_at = %s, deleted_by = %s WHERE id = %s",
            (datetime.now(UTC) if deleted else None, user if deleted else None, scenario_id),
        )

    def _append_event(
        self,
        con: psycopg.Connection[Any],
        scenario_id: str,
        kind: str,
        text: str,
        user: str,
        data_json: str | None,
    ) -> LogEvent:
        created = utc_now()
        row = con.execute(
            "INSERT INTO evac_exercise_log (scenario_id, created, kind, text, username, "
            "data) VALUES (%s, %s, %s, %s, %s, %s::jsonb) RETURNING id, data",
            (scenario_id, datetime.fromisoformat(created), kind, text, user, data_json),
        ).fetchone()
        if row is None:  # INSERT ... RETURNING gives one row; say so if the database did not
            msg = "The database returned no row for the new exercise-log event."
            raise RuntimeError(msg)
        return LogEvent(row[0], scenario_id, created, kind, text, user, row[1])

    def _version_rows(self, con: psycopg.Connection[Any], scenario_id: str) -> list[VersionInfo]:
        rows = con.execute(
            f"SELECT {_VERSION_COLS} FROM evac_scenario_versions "
            "WHERE scenario_id = %s ORDER BY version",
            (scenario_id,),
        ).fetchall()
        return [_version_info(r) for r in rows]

    def _stored_version(
        self, con: psycopg.Connection[Any], scenario_id: str, version: int
    ) -> StoredVersion | None:
        row = con.execute(
            f"SELECT {_VERSION_COLS}, scenario_json, results_json "
            "FROM evac_scenario_versions WHERE scenario_id = %s AND version = %s",
            (scenario_id, version),
        ).fetchone()
        return None if row is None else StoredVersion(_version_info(row[:7]), row[7], row[8])

    def _event_rows(self, con: psycopg.Connection[Any], scenario_id: str) -> list[LogEvent]:
        rows = con.execute(
            "SELECT id, scenario_id, created, kind, text, username, data "
            "FROM evac_exercise_log WHERE scenario_id = %s ORDER BY id",
            (scenario_id,),
        ).fetchall()
        return [LogEvent(r[0], r[1], _iso(r[2]), *r[3:]) for r in rows]

    def list_scenarios(self, include_deleted: bool = False) -> list[ScenarioInfo]:
        """See :meth:`store.base.ScenarioStore.list_scenarios`."""
        with self._tx() as con:
            rows = con.execute(
                "SELECT s.id, s.name, s.latest_version, v.created, v.username, "
                "s.deleted_at IS NOT NULL FROM evac_scenarios s "
                "JOIN evac_scenario_versions v "
                "ON v.scenario_id = s.id AND v.version = s.latest_version "
                "WHERE %s OR s.deleted_at IS NULL ORDER BY v.created DESC, s.id",
                (include_deleted,),
            ).fetchall()
        return [ScenarioInfo(r[0], r[1], r[2], _iso(r[3]), r[4], r[5]) for r in rows]


def _iso(ts: datetime) -> str:
    return ts.astimezone(UTC).isoformat(timespec="milliseconds")


def _one_line(exc: Exception) -> str:
    """A driver message on one line, without its closing punctuation."""
    return " ".join(str(exc).split()).rstrip(".?!") or type(exc).__name__


def _check_dsn(dsn: str, source: str) -> None:
    """Reject a malformed connection URL before connecting, naming where it came from."""
    example = "postgresql://user:password@host:5432/db"
    try:
        parts = conninfo_to_dict(dsn)
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable"
        raise StoreError(
            f"The PostgreSQL URL in {source} is malformed ({reason}): write it as {example}."
        ) from None
    for port in str(parts.get("port", "5432")).split(","):
        if not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
            raise StoreError(
                f"The PostgreSQL URL in {source} has port {port!r}; a port is a number "
                f"1-65535, e.g. {example}."
            )


def _version_info(row: tuple[Any, ...]) -> VersionInfo:
    sid, version, user, created, comment, name, conflict_of = row
    return VersionInfo(sid, version, user, _iso(created), comment, name, conflict_of)


def zones_wkb(scenario: Scenario) -> bytes | None:
    """Union of the scenario's zone outlines as WKB (lon/lat), or None if there is none."""
    parts = [p for p in map(_zone_outline, scenario.zones) if p is not None]
    if not parts:
        return None
    return shapely.to_wkb(shapely.union_all([shapely.make_valid(p) for p in parts]))


def _zone_outline(zone: ZoneSpec) -> shapely.Geometry | None:
    """Outline of one zone in lon/lat, built by the planning layer's zone builder.

    The scenario JSON is the record; an outline that cannot be built is stored
    as empty rather than failing the save.
    """
    try:
        return to_map(zone_geometry(zone))
    except EvacError:
        return None
