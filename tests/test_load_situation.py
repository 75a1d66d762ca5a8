"""Many situation screens on one server while a planner saves: nothing lost, all follow.

One app server on 127.0.0.1 with its own store and :data:`VIEWERS` situation-view
sessions. Each session is a small websocket client that speaks Streamlit's
protocol as the browser front end does (ask for a script run with the page's
query string, rerun the auto-refresh fragment at the interval the server asks
for), so the server does exactly the work of twenty real screens while this
2-core test machine does not also have to draw twenty Leaflet maps; the drawn
map and the browser-side latency are checked in ``test_e2e_exercise.py``.

A planner saves :data:`SAVES` new versions through the store API, each changing
Telenor Arena's capacity, and waits for every screen to receive a version
before saving the next. Every save must be kept (versions 1..n), every screen
must get each new version within :data:`BOUND_S` of its save, and all screens
must end on the same key figures. The latency distribution is printed.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets
from e2e_support import streamlit_server
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from planning.presets import load_preset
from planning.scenario import SiteOverride, scenario_to_json
from store import open_store

pytestmark = pytest.mark.e2e

VIEWERS = 24
SAVES = 3
BOUND_S = 15.0
FIRST_LOAD_S = 60.0
ARENA = "Telenor Arena"
CAPACITIES = (15_000, 2_000, 1_000, 500)  # version 1, then the three saves
VERSION = re.compile(r"Versjon (\d+) ·")


class Viewer:
    """One situation screen: a Streamlit session driven over its websocket.

    ``seen`` maps a version number to the wall-clock time its caption arrived;
    ``unassigned`` holds the last "Uten plass" figure received.
    """

    def __init__(self, url: str, query: str) -> None:
        self.ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.origin = url
        self.query = query
        self.seen: dict[int, float] = {}
        self.unassigned = ""
        self.page_hash = ""
        self.timers: dict[str, asyncio.Task] = {}

    def _rerun(self, fragment_id: str = "") -> bytes:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        if fragment_id:
            state.fragment_id = fragment_id
            state.is_auto_rerun = True
        return msg.SerializeToString()

    async def _every(self, ws, seconds: float, fragment_id: str) -> None:
        # What the front end does with an auto_rerun message: rerun the fragment on a timer.
        while True:
            await asyncio.sleep(seconds)
            await ws.send(self._rerun(fragment_id))

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "markdown":
            m = VERSION.search(element.markdown.body)
            if m:
                self.seen.setdefault(int(m.group(1)), time.time())
        elif kind == "metric" and element.metric.label == "Uten plass":
            self.unassigned = element.metric.body

    async def run(self, stop: threading.Event) -> None:
        async with websockets.connect(
            self.ws_url, subprotocols=["streamlit"], origin=self.origin, max_size=None
        ) as ws:
            await ws.send(self._rerun())
            while not stop.is_set():
                try:
                    data = await asyncio.wait_for(ws.recv(), 0.5)
                except TimeoutError:
                    continue
                msg = ForwardMsg()
                msg.ParseFromString(data)
                kind = msg.WhichOneof("type")
                if kind == "new_session":
                    self.page_hash = msg.new_session.page_script_hash
                elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    self._element(msg.delta.new_element)
                elif kind == "auto_rerun" and msg.auto_rerun.fragment_id not in self.timers:
                    fid = msg.auto_rerun.fragment_id
                    self.timers[fid] = asyncio.create_task(
                        self._every(ws, msg.auto_rerun.interval, fid)
                    )
            for task in self.timers.values():
                task.cancel()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("server")
    store = folder / "store.sqlite"
    with streamlit_server({"EVAC_STORE": str(store)}, folder / "streamlit.log") as url:
        yield url, store


def scenario_json(capacity: int) -> str:
    scenario = load_preset("snaroya")
    scenario.reception_share = 1.0  # everybody seeks a place, so each capacity shows
    scenario.sites[ARENA] = SiteOverride(active=True, capacity=capacity)
    return scenario_to_json(scenario)


def wait_all(viewers: list[Viewer], version: int, timeout_s: float, errors: list) -> None:
    end = time.monotonic() + timeout_s
    while not all(version in v.seen for v in viewers):
        if errors:
            raise errors[0]
        if time.monotonic() > end:
            missing = [i for i, v in enumerate(viewers) if version not in v.seen]
            pytest.fail(
                f"{len(missing)} of {len(viewers)} situation screens did not get version "
                f"{version} within {timeout_s:.0f} s: screens {missing}"
            )
        time.sleep(0.05)


def test_twenty_situation_screens_follow_three_saves_and_no_save_is_lost(server):
    url, path = server
    store = open_store(path)
    started = time.monotonic()
    first = store.save(None, scenario_json(CAPACITIES[0]), user="Ola", comment="start")
    sid = first.scenario_id
    viewers = [Viewer(url, f"view=situation&scenario={sid}") for _ in range(VIEWERS)]
    stop, errors = threading.Event(), []

    async def watch_all() -> None:
        results = await asyncio.gather(*(v.run(stop) for v in viewers), return_exceptions=True)
        errors.extend(r for r in results if isinstance(r, BaseException))

    thread = threading.Thread(target=asyncio.run, args=(watch_all(),), daemon=True)
    thread.start()
    latencies: list[float] = []
    try:
        wait_all(viewers, 1, FIRST_LOAD_S, errors)
        loaded = time.monotonic() - started
        for version, capacity in enumerate(CAPACITIES[1:], start=2):
            saved_at = time.time()
            store.save(
                sid,
                scenario_json(capacity),
                user="Ola",
                comment=f"Arena {capacity}",
                base_version=version - 1,
            )
            wait_all(viewers, version, BOUND_S, errors)
            latencies += [v.seen[version] - saved_at for v in viewers]
        time.sleep(1.0)  # the metrics follow the caption within the same script run
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not errors, errors

    versions = store.versions(sid)
    assert [v.version for v in versions] == list(range(1, SAVES + 2)), "every save kept"
    assert all(v.conflict_of is None for v in versions)
    for v, capacity in zip(versions, CAPACITIES, strict=True):
        assert store.load(sid, v.version).scenario_json == scenario_json(capacity)
    figures = {v.unassigned for v in viewers}
    assert len(figures) == 1, f"screens disagree on the final figures: {figures}"
    (unassigned,) = figures
    assert int("".join(c for c in unassigned if c.isdigit()) or 0) > 1000

    q = statistics.quantiles(latencies, n=20)
    print(
        f"\n{VIEWERS} situation screens, {SAVES} saves: refresh latency "
        f"median {statistics.median(latencies):.2f} s, p95 {q[18]:.2f} s, "
        f"max {max(latencies):.2f} s (n={len(latencies)}); all screens loaded in "
        f"{loaded:.1f} s; wall time {time.monotonic() - started:.1f} s"
    )
    assert max(latencies) < BOUND_S
