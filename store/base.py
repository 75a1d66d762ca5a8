"""The scenario store interface: versioned scenarios, soft delete and an exercise log.

Every save creates a new, immutable version; nothing is ever overwritten.
Backends (:mod:`store.sqlite`, :mod:`store.postgis`) only
implement a few storage primitives (SQL statements on an open transaction);
validation, the version and conflict logic of a save, conflict messages, diff,
restore and duplicate live here so both behave alike.

Concurrency choice
------------------
Saves use optimistic concurrency: the caller passes the version it started
from (``base_version``). If someone else saved a newer version in between,
the save is **still kept** as a new version marked ``conflict_of=N`` (N being
the latest version the writer had not seen) and :class:`ConflictError` is
raised afterwards, so the second writer learns about the clash and nothing
either writer did is lost. They then compare the two versions with
:meth:`ScenarioStore.diff` and :meth:`ScenarioStore.restore` the one to keep.
"""

from __future__ import annotations

import json
import uuid
from abc import ABC, abstractmethod
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from geo.errors import ConflictError, StoreError
from planning.scenario import Scenario, scenario_from_json, scenario_to_json
from planning.summary_model import PlanSummary, SummaryFormatError, read_summary
from store.diff import scenario_diff

#: Kinds of exercise-log events.
EVENT_KINDS: tuple[str, ...] = (
    "status_change",
    "zone_edit",
    "site_toggle",
    "plan_run",
    "export",
    "save",
    "note",
)


@dataclass(frozen=True)
class VersionInfo:
    """Metadata of one saved version.

    Attributes
    ----------
    scenario_id
        Stable id of the scenario (all its versions share it).
    version
        1, 2, 3... in save order.
    user
        Who saved it.
    created
        UTC time of the save, ISO 8601.
    comment
        Free text given with the save.
    name
        Scenario name in this version.
    conflict_of
        Latest version the writer had not seen when saving, or ``None``.
    """

    scenario_id: str
    version: int
    user: str
    created: str
    comment: str
    name: str
    conflict_of: int | None = None


@dataclass(frozen=True)
class ScenarioInfo:
    """One row of :meth:`ScenarioStore.list_scenarios` (state of the latest version)."""

    scenario_id: str
    name: str
    latest_version: int
    updated: str
    user: str
    deleted: bool


@dataclass(frozen=True)
class StoredVersion:
    """A loaded version: metadata, the scenario JSON exactly as saved, and results."""

    info: VersionInfo
    scenario_json: str
    results_summary: dict[str, Any] | None

    def summary(self) -> PlanSummary | None:
        """:attr:`results_summary` in today's typed shape, whichever evac version saved it.

        Raises
        ------
        SummaryFormatError
            If the saved results are not a plan summary.
        """
        return None if self.results_summary is None else read_summary(self.results_summary)

    def scenario(self) -> Scenario:
        """Parse :attr:`scenario_json` into a :class:`Scenario`."""
        return scenario_from_json(self.scenario_json)


@dataclass(frozen=True)
class LogEvent:
    """One exercise-log entry.

    Attributes
    ----------
    event_id
        Increasing number; orders events saved within the same millisecond.
    created
        UTC time, ISO 8601.
    kind
        One of :data:`EVENT_KINDS`.
    text
        Free text exactly as entered (escape it wherever it is rendered).
    data
        Optional JSON-ready details, e.g. key figures of a plan run.
    """

    event_id: int
    scenario_id: str
    created: str
    kind: str
    text: str
    user: str
    data: dict[str, Any] | None


@dataclass(frozen=True)
class NewVersion:
    """A checked version ready for a backend to write."""

    scenario: Scenario
    scenario_json: str
    results_json: str | None
    user: str
    comment: str
    created: str


def utc_now() -> str:
    """Current UTC time as ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def new_scenario_id() -> str:
    """Random id: short enough to type, long enough never to collide in practice."""
    return uuid.uuid4().hex[:12]


def _comparable_results(version: StoredVersion) -> Mapping[str, Any] | None:
    """A version's results for a diff: plan summaries of any evac version in today's shape.

    Results that are no plan summary (``evac scenario save --results`` keeps any JSON
    object) are compared as saved.
    """
    try:
        return version.summary()
    except SummaryFormatError:
        return version.results_summary


def dump_json(value: Mapping[str, Any] | None, what: str) -> str | None:
    """Serialise ``value`` for storage; raise :class:`StoreError` if it is not JSON-ready."""
    if value is None:
        return None
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise StoreError(
            f"{what} cannot be stored: {exc}. Convert it to plain numbers, text, lists "
            "and dicts (no NaN) first."
        ) from None


def check_base_version(scenario_id: str, base_version: int | None, latest: int) -> bool:
    """Return True when a save from ``base_version`` conflicts with ``latest``.

    ``None`` means the caller did not load a version first (e.g. a file import):
    the save simply becomes the newest version.
    """
    if base_version is None:
        return False
    if not 1 <= base_version <= latest:
        raise StoreError(
            f"Scenario {scenario_id} has no version {base_version} to save on top of "
            f"(latest is {latest}): reload the scenario and save again."
        )
    return base_version < latest


def missing_scenario(scenario_id: str) -> StoreError:
    """The error for an unknown scenario id."""
    return StoreError(
        f"No scenario with id {scenario_id!r}: list them with `evac scenario list --all`."
    )


def deleted_scenario(scenario_id: str) -> StoreError:
    """The error for writing to a soft-deleted scenario."""
    return StoreError(f"Scenario {scenario_id} is deleted: undelete it first to save new versions.")


def missing_version(scenario_id: str, version: int, latest: int) -> StoreError:
    """The error for an unknown version number."""
    return StoreError(
        f"Scenario {scenario_id} has no version {version} (versions 1-{latest} exist): "
        f"see `evac scenario show {scenario_id}`."
    )


class ScenarioStore(ABC):
    """Versioned scenario storage with soft delete and a per-scenario exercise log."""

    # -- primitives each backend implements: SQL statements on an open connection ------
    # ``con`` is the backend's connection inside a transaction from _write_tx/_read_tx.

    @abstractmethod
    def _write_tx(self) -> AbstractContextManager[Any]:
        """One write transaction (committed on success, rolled back on error): the connection."""

    @abstractmethod
    def _read_tx(self) -> AbstractContextManager[Any]:
        """One read transaction (a consistent view): the connection."""

    @abstractmethod
    def _scenario_row(self, con: Any, scenario_id: str, lock: bool = False) -> tuple[int, Any]:
        """``(latest_version, deleted_at)`` of a scenario, row-locked when ``lock``.

        Raises :func:`missing_scenario` when there is no such scenario.
        """

    @abstractmethod
    def _put_scenario(self, con: Any, scenario_id: str, name: str, version: int) -> None:
        """Create the scenario row (``version`` 1) or point it at its new latest version."""

    @abstractmethod
    def _insert_version(self, con: Any, info: VersionInfo, new: NewVersion) -> None:
        """Insert the version row described by ``info`` with ``new``'s JSON."""

    @abstractmethod
    def _mark_deleted(self, con: Any, scenario_id: str, user: str, deleted: bool) -> None:
        """Set (or clear) the scenario's deletion time and user."""

    @abstractmethod
    def _append_event(
        self, con: Any, scenario_id: str, kind: str, text: str, user: str, data_json: str | None
    ) -> LogEvent:
        """Insert one exercise-log event, stamped now."""

    @abstractmethod
    def _version_rows(self, con: Any, scenario_id: str) -> list[VersionInfo]:
        """Every version's metadata, oldest first."""

    @abstractmethod
    def _stored_version(self, con: Any, scenario_id: str, version: int) -> StoredVersion | None:
        """One version with its JSON, or None if there is no such version."""

    @abstractmethod
    def _event_rows(self, con: Any, scenario_id: str) -> list[LogEvent]:
        """The scenario's exercise-log events, oldest first."""

    @abstractmethod
    def list_scenarios(self, include_deleted: bool = False) -> list[ScenarioInfo]:
        """All scenarios, most recently updated first."""

    # -- shared behaviour --------------------------------------------------------------

    def _write_version(
        self, scenario_id: str | None, new: NewVersion, base_version: int | None
    ) -> tuple[VersionInfo, VersionInfo | None]:
        """Insert ``new`` as the next version (a new scenario when id is None).

        Returns the saved version's info and, when :func:`check_base_version`
        reports a conflict, the info of the latest version the writer had not
        seen (the new version is then marked ``conflict_of`` that version). One
        transaction, the scenario row locked, so concurrent saves queue up and each
        sees the version the previous one wrote.
        """
        conflict = None
        with self._write_tx() as con:
            if scenario_id is None:
                scenario_id, version = new_scenario_id(), 1
            else:
                latest, deleted_at = self._scenario_row(con, scenario_id, lock=True)
                if deleted_at is not None:
                    raise deleted_scenario(scenario_id)
                if check_base_version(scenario_id, base_version, latest):
                    seen = self._stored_version(con, scenario_id, latest)
                    conflict = seen.info if seen is not None else None
                version = latest + 1
            self._put_scenario(con, scenario_id, new.scenario.name, version)
            info = VersionInfo(
                scenario_id=scenario_id,
                version=version,
                user=new.user,
                created=new.created,
                comment=new.comment,
                name=new.scenario.name,
                conflict_of=conflict.version if conflict else None,
            )
            self._insert_version(con, info, new)
        return info, conflict

    def versions(self, scenario_id: str) -> list[VersionInfo]:
        """Every version of a scenario, oldest first."""
        with self._read_tx() as con:
            self._scenario_row(con, scenario_id)
            return self._version_rows(con, scenario_id)

    def load(self, scenario_id: str, version: int | None = None) -> StoredVersion:
        """Load one version (the latest when ``version`` is None)."""
        with self._read_tx() as con:
            latest, _ = self._scenario_row(con, scenario_id)
            wanted = latest if version is None else version
            stored = self._stored_version(con, scenario_id, wanted)
        if stored is None:
            raise missing_version(scenario_id, wanted, latest)
        return stored

    def events(self, scenario_id: str) -> list[LogEvent]:
        """The scenario's exercise log, oldest first."""
        with self._read_tx() as con:
            self._scenario_row(con, scenario_id)
            return self._event_rows(con, scenario_id)

    def save(
        self,
        scenario_id: str | None,
        scenario_json: str,
        *,
        user: str,
        comment: str = "",
        base_version: int | None = None,
        results_summary: Mapping[str, Any] | None = None,
    ) -> VersionInfo:
        """Save a new version of a scenario (a new scenario when ``scenario_id`` is None).

        Parameters
        ----------
        scenario_id
            Id of an existing scenario, or ``None`` to create one.
        scenario_json
            Scenario as :func:`~planning.scenario.scenario_to_json` text; stored
            byte for byte.
        user, comment
            Who saves and why.
        base_version
            The version the change started from; ``None`` skips the check.
        results_summary
            The plan summary computed from this scenario, if any.

        Raises
        ------
        ConflictError
            Someone else saved after ``base_version``. The save was still kept:
            the error's ``saved`` attribute holds its :class:`VersionInfo`.
        ScenarioError
            The JSON is not a valid scenario.
        StoreError
            The scenario is unknown or deleted, or the store cannot be written.
        """
        if scenario_id is None and base_version is not None:
            raise StoreError("base_version only applies to an existing scenario: drop it.")
        scenario = scenario_from_json(scenario_json).validate()
        new = NewVersion(
            scenario=scenario,
            scenario_json=scenario_json,
            results_json=dump_json(results_summary, "results_summary"),
            user=_check_user(user),
            comment=comment,
            created=utc_now(),
        )
        saved, conflict = self._write_version(scenario_id, new, base_version)
        if conflict is not None:
            err = ConflictError(
                f"{conflict.user} saved version {conflict.version} of scenario "
                f"{conflict.name!r} ({saved.scenario_id}) at {conflict.created}, after you "
                f"opened version {base_version}. Your change was kept as version "
                f"{saved.version}, so nothing is lost: compare the two with "
                f"`evac scenario show {saved.scenario_id} --diff {conflict.version} "
                f"{saved.version}` and restore the one to keep."
            )
            err.saved = saved  # type: ignore[attr-defined]
            raise err
        return saved

    def diff(self, scenario_id: str, v1: int, v2: int) -> dict[str, Any]:
        """What changed from version ``v1`` to ``v2``.

        Returns
        -------
        dict
            ``{"scenario_id", "from", "to", "zones", "parameters", "results"}``;
            the last three map a dotted key (``zones[0].geometry``,
            ``sites.Telenor Arena.capacity``, ``clearance_minutes.p90``) to
            ``{"old": ..., "new": ...}``. Empty dicts mean no change.
        """
        old = self.load(scenario_id, v1)
        new = self.load(scenario_id, v2)
        changes = scenario_diff(
            json.loads(old.scenario_json),
            json.loads(new.scenario_json),
            _comparable_results(old),
            _comparable_results(new),
        )
        return {"scenario_id": scenario_id, "from": v1, "to": v2, **changes}

    def restore(self, scenario_id: str, version: int, user: str) -> VersionInfo:
        """Save a new version identical to ``version`` (history is kept)."""
        old = self.load(scenario_id, version)
        return self.save(
            scenario_id,
            old.scenario_json,
            user=user,
            comment=f"Restored version {version}",
            results_summary=old.results_summary,
        )

    def duplicate(self, scenario_id: str, new_name: str, user: str) -> VersionInfo:
        """Create a new scenario from the latest version of ``scenario_id``."""
        old = self.load(scenario_id)
        scenario = old.scenario()
        scenario.name = new_name
        return self.save(
            None,
            scenario_to_json(scenario),
            user=user,
            comment=f"Duplicate of {old.info.name!r} ({scenario_id} v{old.info.version})",
            results_summary=old.results_summary,
        )

    def delete(self, scenario_id: str, user: str) -> None:
        """Soft-delete: hide from :meth:`list_scenarios`; :meth:`undelete` brings it back."""
        self._set_deleted(scenario_id, _check_user(user), True)

    def undelete(self, scenario_id: str, user: str) -> None:
        """Recover a soft-deleted scenario."""
        self._set_deleted(scenario_id, _check_user(user), False)

    def _set_deleted(self, scenario_id: str, user: str, deleted: bool) -> None:
        with self._write_tx() as con:
            self._scenario_row(con, scenario_id, lock=True)
            self._mark_deleted(con, scenario_id, user, deleted)

    def log_event(
        self,
        scenario_id: str,
        kind: str,
        text: str,
        user: str,
        data: dict[str, Any] | None = None,
    ) -> LogEvent:
        """Append a timestamped entry to the scenario's exercise log."""
        if kind not in EVENT_KINDS:
            raise StoreError(f"Unknown log event kind {kind!r}: use {', '.join(EVENT_KINDS)}.")
        user = _check_user(user)
        data_json = dump_json(data, "Log event data")
        with self._write_tx() as con:
            self._scenario_row(con, scenario_id)
            return self._append_event(con, scenario_id, kind, text, user, data_json)


def _check_user(user: str) -> str:
    if not user or not user.strip():
        raise StoreError("No user given: every save and log entry records who made it.")
    return user
