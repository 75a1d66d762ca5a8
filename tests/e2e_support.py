"""Shared parts of the browser tests: a Streamlit server and an offline Chromium.

The server runs ``app.py`` on a free loopback port with the environment the test
gives (e.g. its own ``EVAC_STORE``). Chromium is the Debian build with the same
flags as ``test_e2e_browser.py``; every request to another host is aborted and
recorded, so a test can assert the app stayed offline.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def chromium_or_skip() -> str:
    """Chromium's path; skip without it, but fail under CI (a silent skip hides breakage)."""
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    msg = f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium)."
    if os.environ.get("CI"):
        pytest.fail(msg)
    pytest.skip(msg)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            text = log.read_text(errors="replace")
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{text}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit did not answer at {url} within {timeout:.0f} s")


@contextmanager
def streamlit_server(env: Mapping[str, str], log: Path) -> Iterator[str]:
    """Run ``streamlit run app.py`` on 127.0.0.1 with ``env`` added; yield its URL.

    The server's output goes to the file ``log``: a pipe nobody reads fills up
    under many sessions and then blocks the server.
    """
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, proc, log)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextmanager
def offline_chromium() -> Iterator[tuple[Any, list[str]]]:
    """A headless Chromium and the list of URLs it tried to reach off this machine.

    Open contexts with :func:`new_offline_context` so the blocking applies.
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_or_skip()
    external: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser, external
        finally:
            browser.close()


def new_offline_context(browser: Any, external: list[str], **kwargs: Any) -> Any:
    """A browser context whose requests to other hosts are aborted and added to ``external``."""

    def only_local(route: Any) -> None:
        if urlparse(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    context = browser.new_context(**kwargs)
    context.route("**/*", only_local)
    return context


# -- driving the planner page with real clicks -------------------------------------------------

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: JavaScript: the number of interactive Leaflet paths inside the map (0 before it is drawn).
MAP_PATHS_JS = f"""() => {{
    const f = document.querySelector('{MAP_IFRAME}');
    const d = f && f.contentDocument;
    return d ? d.querySelectorAll('path.leaflet-interactive').length : 0;
}}"""
#: JavaScript: a plan is shown and up to date (in either language).
PLAN_READY_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const text = main ? main.innerText : '';
    return (text.includes('Plan beregnet') || text.includes('Plan computed'))
        && !text.includes('Scenarioet er endret') && !text.includes('The scenario changed');
}"""
#: JavaScript: the page is idle and shows one map. Idle is Streamlit's own script state
#: (``notRunning``): the status widget's Stop button shows only after a delay, so a run
#: could still be going (and be cut short by the next click) while no button is seen.
IDLE_JS = f"""() => document.querySelector('[data-testid="stApp"]')
        ?.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stStatusWidget"] button')
    && document.querySelectorAll('{MAP_IFRAME}').length === 1"""


def plan_preset(page: Any, preset: str = "Snarøya – hele halvøya") -> None:
    """Pick a preset in the bokmål sidebar, press "Beregn plan" and wait for the figures."""
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=preset).click()
    page.get_by_label("Sone 1: navn").wait_for()
    page.get_by_role("button", name="Beregn plan").click()
    page.get_by_text("Evakuerte totalt").wait_for()


class Journey:
    """A planner's page in Chromium with helpers that click like a user and time each step.

    ``problems`` collects console errors, uncaught page errors and Streamlit
    exception boxes; ``timings`` the seconds from each action to its result.
    """

    def __init__(self, page: Any, url: str) -> None:
        self.page = page
        self.url = url
        self.problems: list[str] = []
        self.timings: list[tuple[str, float]] = []
        #: Every console line (type: text), printed when a journey fails.
        self.console: list[str] = []
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text[:300]}"))
        page.on("console", lambda m: self.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))

    # -- waiting ---------------------------------------------------------------------------
    def idle(self, timeout: float = 60_000) -> None:
        """Wait until Streamlit has finished its run (polled every 50 ms)."""
        self.page.wait_for_timeout(150)  # let the click reach the server first
        self.page.wait_for_function(IDLE_JS, timeout=timeout, polling=50)

    def check(self, step: str) -> None:
        """No exception box on the page and no console error so far."""
        boxes = self.page.locator('[data-testid="stException"]')
        if boxes.count():
            self.problems.append(f"{step}: {boxes.first.inner_text()[:500]}")
        assert not self.problems, self.problems

    def timed(self, name: str, action: Any, done_js: str, timeout: float = 60_000) -> float:
        """Run ``action`` and time it until ``done_js`` is true (the result is visible);
        then wait for the page to be idle (not timed) and check it."""
        start = time.perf_counter()
        action()
        self.page.wait_for_function(done_js, timeout=timeout, polling=20)
        seconds = time.perf_counter() - start
        self.timings.append((name, seconds))
        self.idle(timeout)
        self.check(name)
        return seconds

    # -- the map ---------------------------------------------------------------------------
    def map_frame(self) -> Any:
        """The map's frame, once the page holds exactly one map (a rebuilt map briefly
        sits next to the old one)."""
        self.page.wait_for_function(
            f"() => document.querySelectorAll('{MAP_IFRAME}').length === 1", polling=50
        )
        return self.page.frame_locator(MAP_IFRAME)

    def map_box(self) -> dict[str, float]:
        """The map canvas's box on the page (absolute pixels)."""
        # Playwright gives boxes inside frames in page coordinates already.
        return self.map_frame().locator(".leaflet-container").bounding_box()

    def click_map(self, dx: float, dy: float) -> None:
        """A real mouse click ``(dx, dy)`` pixels from the map's centre."""
        box = self.map_box()
        x = box["x"] + box["width"] / 2 + dx
        y = box["y"] + box["height"] / 2 + dy
        self.page.mouse.move(x, y)
        self.page.mouse.down()
        self.page.mouse.up()
        self.page.wait_for_timeout(120)

    def draw(self, tool: str, points: list[tuple[float, float]], close: bool) -> None:
        """Pick a Leaflet.draw tool and click its vertices; ``close`` clicks the first again,
        otherwise the last point is clicked again (how Leaflet.draw finishes a line)."""
        self.map_frame().locator(f"a.leaflet-draw-draw-{tool}").click()
        self.page.wait_for_timeout(200)
        for dx, dy in points:
            self.click_map(dx, dy)
        self.click_map(*(points[0] if close else points[-1]))

    def mark_map(self) -> None:
        """Mark the map's iframe, so :meth:`remounted_js` can tell a rebuilt map from it."""
        self.page.evaluate(f"() => document.querySelector('{MAP_IFRAME}').dataset.old = '1'")

    def remounted_js(self, legend: str) -> str:
        """JavaScript: the marked map is gone and its replacement, whose legend button reads
        ``legend`` (the map's language), has drawn its layers."""
        return f"""() => {{
            const maps = document.querySelectorAll('{MAP_IFRAME}');
            const doc = maps.length === 1 && !maps[0].dataset.old && maps[0].contentDocument;
            return !!doc && doc.body.innerText.includes({json.dumps(legend)})
                && ({MAP_PATHS_JS})() > 0;
        }}"""

    # -- the page --------------------------------------------------------------------------
    def sidebar_text(self, text: str) -> str:
        """JavaScript: the sidebar shows ``text``."""
        return f"""() => {{
            const s = document.querySelector('[data-testid="stSidebar"]');
            return !!s && s.innerText.includes({json.dumps(text)});
        }}"""

    def page_text(self, text: str, present: bool = True) -> str:
        """JavaScript: the main area shows (or no longer shows) ``text``."""
        op = "" if present else "!"
        return f"""() => {op}document.querySelector('section.main, [data-testid="stMain"]')
            .innerText.includes({json.dumps(text)})"""

    def download(self, label: str) -> bytes:
        """Click a download button; return the file's bytes."""
        with self.page.expect_download(timeout=90_000) as info:
            self.page.get_by_role("button", name=label).click()
        return Path(info.value.path()).read_bytes()

    def plan(self, name: str, *, changes: bool = True) -> float:
        """Press "Beregn plan" and wait for the results on the map; return the seconds.

        ``changes``: the scenario changed since the last plan, so the map's layers change.
        """
        before = self.page.evaluate(MAP_PATHS_JS)
        run = self.page.locator('[data-testid="stSidebar"] button', has_text="plan").first
        changed = f"&& ({MAP_PATHS_JS})() !== {before}" if changes else ""
        done = f"() => ({PLAN_READY_JS})() && ({MAP_PATHS_JS})() > 0 {changed}"
        return self.timed(name, run.click, done)

    def report(self) -> str:
        """The timings as lines ``step: seconds``."""
        return "\n".join(f"{name:<40} {seconds:6.2f} s" for name, seconds in self.timings)
