"""The real app in a real headless Chromium, fully offline.

Starts ``streamlit run app.py`` on a free port, blocks every request that does
not go to this machine (and records it), loads the Snarøya preset, computes the
plan and checks that the Leaflet map inside the ``st_folium`` iframe drew the
zone and the routes, that the page is not blank, and that the PDF route map and
the GeoPackage download. The screenshot goes to ``$EVAC_SCREENSHOTS`` (the
temporary directory by default; ``docs/screenshots`` refreshes the README's).
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import new_offline_context, offline_chromium, plan_preset, streamlit_server

from ui.builtin_texts import LABELS_KEY, NB_TEXTS

pytestmark = pytest.mark.e2e

# Tests never touch tracked files: EVAC_SCREENSHOTS=docs/screenshots refreshes the README's.
SCREENSHOT = Path(os.environ.get("EVAC_SCREENSHOTS", tempfile.gettempdir())) / "app_results.png"
MAX_SCREENSHOT_BYTES = 500_000
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
# Zone, catchments, routes and bottlenecks of the Snarøya plan add well over this many
# interactive paths to those of the map without a plan.
MIN_PLAN_PATHS = 40


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with streamlit_server({}, tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


@pytest.fixture
def browser_page(app_url: str) -> Iterator[tuple[object, list[str]]]:
    """A Chromium page that may only reach this machine, and the URLs it tried elsewhere."""
    with offline_chromium() as (browser, external):
        context = new_offline_context(
            browser, external, viewport={"width": 1600, "height": 1000}, accept_downloads=True
        )
        page = context.new_page()
        page.set_default_timeout(45_000)
        yield page, external


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
    page.get_by_role("button", name="Beregn plan").wait_for()
    maps = page.frame_locator(MAP_IFRAME)
    maps.locator(".leaflet-container").wait_for()
    paths = maps.locator("path.leaflet-interactive")
    before = paths.count()

    plan_preset(page)
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


#: What the page's attributes say (aria-label, title, placeholder), every value once.
ATTRIBUTE_TEXTS_JS = """() => [...new Set([...document.querySelectorAll(
    '[aria-label], [title], [placeholder]')].flatMap(el =>
    ['aria-label', 'title', 'placeholder'].map(a => el.getAttribute(a)).filter(Boolean)))]"""


def _wait_for_label(page, text: str) -> None:
    """Wait until an element's aria-label, title or placeholder is ``text``."""
    page.wait_for_function(f"() => ({ATTRIBUTE_TEXTS_JS})().includes({text!r})", timeout=30_000)


def _toolbar_tooltip(page, label: str) -> str:
    """Hover the first table's toolbar button ``label``; return the tooltip's text.

    Streamlit shows the tooltip after a delay and only on a fresh hover, so the
    mouse leaves first and the hover is tried again if a rerun redrew the table.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    tip = page.locator('[data-testid="stTooltipContent"]').first
    for _ in range(4):
        page.mouse.move(0, 0)
        table = page.locator('[data-testid="stDataFrame"]').first
        table.scroll_into_view_if_needed()
        button = page.locator(f'[data-testid="stElementToolbar"] button[aria-label="{label}"]')
        try:
            table.hover(timeout=5_000)
            button.first.hover(timeout=5_000)
            tip.wait_for(timeout=5_000)
            return tip.inner_text().strip()
        except PlaywrightTimeout:
            continue
    page.screenshot(path=str(Path(tempfile.gettempdir()) / "evac_e2e_tooltip.png"))
    raise AssertionError(f"no tooltip for {label!r}")


def test_streamlit_labels_and_tooltips_follow_the_language(app_url, browser_page):
    page, _ = browser_page
    page.goto(app_url)
    page.get_by_role("button", name="Beregn plan").wait_for()
    plan_preset(page)
    _wait_idle(page)
    _wait_for_label(page, "Last ned som CSV")  # the result tables are drawn
    # The script's frame takes no room on the page (its wrapper would add a row's gap).
    wrapper = f"document.querySelector('.st-key-{LABELS_KEY}').parentElement"
    assert page.evaluate(f"() => getComputedStyle({wrapper}).display") == "none"
    english = tuple(NB_TEXTS)
    texts = page.evaluate(ATTRIBUTE_TEXTS_JS)
    assert not [t for t in texts if t.startswith(english)], "Streamlit English in bokmål"
    assert {"Last ned som CSV", "Søk", "Fullskjerm", "Skjul sidepanelet"} <= set(texts)
    assert "Hjelp til Ute av sonen (90 %)" in texts
    assert _toolbar_tooltip(page, "Last ned som CSV") == "Last ned som CSV"

    page.get_by_text("English", exact=True).click()
    page.get_by_text("Evacuees in total").wait_for()
    _wait_idle(page)
    _wait_for_label(page, "Download as CSV")
    texts = set(page.evaluate(ATTRIBUTE_TEXTS_JS))
    assert {"Download as CSV", "Search", "Fullscreen", "Collapse sidebar"} <= texts
    assert "Help for Out of the zone (90 %)" in texts
    assert not texts & {nb.strip() for nb in NB_TEXTS.values()}, "bokmål left in English"
    assert _toolbar_tooltip(page, "Download as CSV") == "Download as CSV"
