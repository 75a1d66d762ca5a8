"""Versioned scenario storage: SQLite by default, PostgreSQL + PostGIS when shared.

Use :func:`open_store`; see :class:`~store.base.ScenarioStore` for the
operations and the conflict policy.
"""

from __future__ import annotations

import os
from pathlib import Path

from store.base import (
    EVENT_KINDS,
    LogEvent,
    ScenarioInfo,
    ScenarioStore,
    StoredVersion,
    VersionInfo,
)
from store.sqlite import STORE_ENV_VAR, SqliteStore

__all__ = [
    "EVENT_KINDS",
    "LogEvent",
    "ScenarioInfo",
    "ScenarioStore",
    "StoredVersion",
    "VersionInfo",
    "open_store",
]

_PG_SCHEMES = ("postgresql://", "postgres://")


def open_store(url_or_path: str | Path | None = None, source: str | None = None) -> ScenarioStore:
    """Open the scenario store.

    Parameters
    ----------
    url_or_path
        ``postgresql://...`` opens :class:`~store.postgis.PostgisStore`;
        anything else is a SQLite file (or folder). Default: ``$EVAC_STORE``,
        else ``.evac-data/store.sqlite`` under the project root.
    source
        Where ``url_or_path`` came from (e.g. ``"--store"``), named in error
        messages; default the ``EVAC_STORE`` variable when it is used.
    """
    target = url_or_path or os.environ.get(STORE_ENV_VAR)
    if source is None:
        source = "the store setting" if url_or_path else STORE_ENV_VAR
    if isinstance(target, str) and target.startswith(_PG_SCHEMES):
        # Imported here so SQLite users never load psycopg.
        from store.postgis import PostgisStore

        return PostgisStore(target, source=source)
    return SqliteStore(target, source=source if url_or_path else None)
