"""The real app in a real headless Chromium, fully offline.

Starts ``streamlit run app.py`` on a free port, blocks every request that does
not go to this machine (and records it), loads the Snarøya preset, computes the
plan and checks that the Leaflet map inside the ``st_folium`` iframe drew the
zone and the routes, that the page is not blank, and that the PDF route map and
the GeoPackage download. The screenshot is kept in ``docs/screenshots`` for the
README; on failure one goes to the temporary directory.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.e2e

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
# Tests never touch tracked files: EVAC_SCREENSHOTS=docs/screenshots refreshes the README's.
SCREENSHOT = Path(os.environ.get("EVAC_SCREENSHOTS", tempfile.gettempdir())) / "app_results.png"
MAX_SCREENSHOT_BYTES = 500_000
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
# Zone, catchments, routes and bottlenecks of the Snarøya plan add well over this many
# interactive paths to those of the map without a plan.
MIN_PLAN_PATHS = 40


def _chromium_or_skip() -> str:
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


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{proc.stdout.read()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit did not answer at {url} within {timeout:.0f} s")


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
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
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def browser_page(app_url: str) -> Iterator[tuple[object, list[str]]]:
    """A Chromium page that may only reach this machine, and the URLs it tried elsewhere."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = _chromium_or_skip()
    external: list[str] = []

    def only_local(route) -> None:
        if urlparse(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 1600, "height": 1000}, accept_downloads=True
        )
        page = context.new_page()
        page.set_default_timeout(45_000)
        page.route("**/*", only_local)
        try:
            yield page, external
        finally:
            browser.close()


def _wait_idle(page) -> None:
    """Wait until the script run is over and only one map is on the page."""
    page.wait_for_function(
        f"""() => !document.querySelector('[data-testid="stStatusWidget"] button')
              && document.querySelectorAll('{MAP_IFRAME}').length === 1""",
        timeout=45_000,
    )


def _save_screenshot(png: bytes) -> int:
    """Save a palette PNG (small enough to commit); return its size in bytes."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    img.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(SCREENSHOT, optimize=True)
    return SCREENSHOT.stat().st_size


def _pixel_spread(png: bytes) -> float:
    """Standard deviation of the grey values: about 0 for a blank page."""
    from PIL import Image, ImageStat

    return ImageStat.Stat(Image.open(io.BytesIO(png)).convert("L")).stddev[0]


def _download(page, label: str) -> bytes:
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=label).click()
    path = info.value.path()
    return Path(path).read_bytes()


def _plan_and_check(page, app_url: str, external: list[str]) -> None:
    page.goto(app_url)
    run = page.get_by_role("button", name="Beregn plan")
    run.wait_for()
    maps = page.frame_locator(MAP_IFRAME)
    maps.locator(".leaflet-container").wait_for()
    paths = maps.locator("path.leaflet-interactive")
    before = paths.count()

    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="Snarøya – hele halvøya").click()
    page.get_by_label("Sone 1: navn").wait_for()
    run.click()
    page.get_by_text("Evakuerte totalt").wait_for()
    _wait_idle(page)
    page.wait_for_function(
        f"""() => {{
            const f = document.querySelector('{MAP_IFRAME}');
            const d = f && f.contentDocument;
            const n = d && d.querySelectorAll('path.leaflet-interactive').length;
            return n > {before + MIN_PLAN_PATHS};
        }}""",
        timeout=45_000,
    )
    assert maps.locator(".leaflet-container").count() == 1
    assert paths.count() > before + MIN_PLAN_PATHS
    page.wait_for_timeout(1500)  # let tiles of vector layers finish painting
    png = page.screenshot()
    assert _pixel_spread(png) > 20, "the page looks blank"
    size = _save_screenshot(png)
    assert size < MAX_SCREENSHOT_BYTES

    page.get_by_role("tab", name="Eksport").click()
    pdf = _download(page, "Rutekart A4 (PDF)")
    assert pdf.startswith(b"%PDF")
    gpkg = _download(page, "Kartlag (GeoPackage)")
    assert gpkg.startswith(b"SQLite format 3\x00")
    assert gpkg[68:72] == b"GPKG", "GeoPackage application id"
    assert external == [], f"requests to other hosts: {external}"


def test_offline_plan_shows_map_and_downloads_pdf_and_geopackage(app_url, browser_page):
    page, external = browser_page
    started = time.monotonic()
    try:
        _plan_and_check(page, app_url, external)
    except Exception:
        shot = Path(tempfile.gettempdir()) / "evac_e2e_failure.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"failure screenshot: {shot}")
        raise
    assert time.monotonic() - started < 90
