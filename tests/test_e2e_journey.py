"""The planner's main loop in a real Chromium, with real mouse clicks on the Leaflet map.

load → preset → plan → draw a polygon (Leaflet.draw tool, vertices clicked on
the map, closed on the first one) → plan → draw a closure line → plan →
English → Norsk → plan → upload a zone file → plan → export PDF and HTML →
save → open the situation view. After every step the page must show no
Streamlit exception box and the browser console no error; every request off
this machine is blocked and must not happen. The time from each action to its
result is printed (no timing is asserted: see ``bench/bench_app_journey.py``
and CHANGELOG 0.2.0 for the measured numbers).
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import (
    Journey,
    new_offline_context,
    offline_chromium,
    streamlit_server,
)

pytestmark = pytest.mark.e2e

# Tests never touch tracked files: EVAC_SCREENSHOTS=docs/screenshots refreshes the README's.
SHOTS = Path(os.environ.get("EVAC_SCREENSHOTS", tempfile.gettempdir()))
MAX_SCREENSHOT_BYTES = 500_000

ZONE_FILE = "Oksenøya vest.geojson"
#: A block on the north side of Fornebu, inside the road data.
UPLOAD = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [10.612, 59.8985],
                        [10.620, 59.8985],
                        [10.620, 59.9020],
                        [10.612, 59.9020],
                        [10.612, 59.8985],
                    ]
                ],
            },
        }
    ],
}
#: Polygon and line vertices, in pixels from the map's centre.
POLYGON = [(-70, -50), (30, -70), (60, 20), (-40, 40)]
LINE = [(-40, 60), (40, 70)]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("journey")
    env = {"EVAC_STORE": str(folder / "store.sqlite")}
    with streamlit_server(env, folder / "streamlit.log") as url:
        yield url


def shot(page: object, name: str) -> int:
    """Save a palette PNG of the page (small enough to commit); return its size."""
    from PIL import Image

    img = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    SHOTS.mkdir(parents=True, exist_ok=True)
    img.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(SHOTS / name, optimize=True)
    return (SHOTS / name).stat().st_size


#: The text a user sees in an element: its own (unless sized to nothing) and its ::after
#: (where Streamlit's English text is sized to nothing and the translation drawn after it).
SEEN_JS = """const seen = (el) => {
    const after = getComputedStyle(el, '::after').content;
    const own = parseFloat(getComputedStyle(el).fontSize) > 0 ? el.innerText : '';
    return (own + (after && after !== 'none' ? JSON.parse(after) : '')).trim();
};"""
#: The first uploader's button and size hint, then the overlay shown while a file is
#: dragged over it (a real dragenter with a file; dragleave afterwards).
UPLOADER_TEXTS_JS = f"""async () => {{
    {SEEN_JS}
    const zone = document.querySelector('[data-testid="stFileUploaderDropzone"]');
    const texts = [
        seen(zone.querySelector('button [data-testid="stMarkdownContainer"] p')),
        seen(zone.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span')),
    ];
    const drag = new DataTransfer();
    drag.items.add(new File(['{{}}'], 'zone.geojson', {{type: 'application/json'}}));
    zone.dispatchEvent(new DragEvent('dragenter', {{bubbles: true, dataTransfer: drag}}));
    let overlay = null;
    for (let i = 0; i < 100 && !overlay; i++) {{
        await new Promise((done) => setTimeout(done, 20));
        overlay = zone.querySelector(':scope > div:not([data-testid]) > span:only-child');
    }}
    texts.push(overlay ? seen(overlay) : 'no drag overlay');
    zone.dispatchEvent(new DragEvent('dragleave', {{bubbles: true, dataTransfer: drag}}));
    return texts;
}}"""
#: The hint under the text field being edited ("Press Enter to apply").
INPUT_HINT_JS = f"""() => {{
    {SEEN_JS}
    const hint = document.querySelector('[data-testid="InputInstructions"] > span');
    return hint ? seen(hint) : 'no hint';
}}"""


def uploader_texts(page: Any) -> list[str]:
    """The texts a user sees on the first file uploader: button, size hint, drop overlay."""
    return list(page.evaluate(UPLOADER_TEXTS_JS))


def journey(j: Journey, url: str, tmp: Path) -> list[float]:
    page = j.page
    start = time.perf_counter()
    page.goto(url)
    page.get_by_role("button", name="Beregn plan").wait_for(timeout=90_000)
    j.map_frame().locator(".leaflet-container").wait_for()
    j.idle(90_000)
    j.timings.append(("load", time.perf_counter() - start))
    j.check("load")

    def pick_preset() -> None:
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="Snarøya – hele halvøya").click()

    j.timed("preset", pick_preset, j.sidebar_text("Sone 1: navn"))
    zone_to_results = [j.plan("plan (preset)")]
    j.timed("draw polygon", lambda: j.draw("polygon", POLYGON, True), j.sidebar_text("Sone 2"))
    shot(page, "journey_pending.png")
    zone_to_results.append(j.plan("plan (drawn zone)"))
    j.timed(
        "draw closure", lambda: j.draw("polyline", LINE, False), j.sidebar_text("Stengte veier: 1")
    )
    zone_to_results.append(j.plan("plan (closure)"))
    page.wait_for_timeout(800)  # let Leaflet finish painting before the picture
    assert shot(page, "app_closure.png") < MAX_SCREENSHOT_BYTES
    sidebar = page.locator('[data-testid="stSidebar"]')
    j.timed(
        "English", lambda: sidebar.get_by_text("English").click(), j.sidebar_text("Compute plan")
    )
    english = ["Upload", "5 MB per file", "Drag and drop a file here"]
    assert uploader_texts(page) == english, "Streamlit's own texts in English"
    j.timed(
        "Norsk", lambda: sidebar.get_by_text("Norsk bokmål").click(), j.sidebar_text("Beregn plan")
    )
    assert "Stengte veier: 1" in sidebar.inner_text(), "closures survive the language switch"
    bokmal = ["Velg fil", "Maks 5 MB per fil", "Slipp filen her"]
    assert uploader_texts(page) == bokmal, "Streamlit's own texts"
    page.wait_for_timeout(1000)
    maps = page.evaluate("() => document.querySelectorAll('iframe[title*=st_folium]').length")
    assert maps == 1, f"{maps} maps on the page a second after the language switch"
    j.plan("plan (same scenario, cached)", changes=False)
    # English and at once Norsk again: the second click cuts the English run short,
    # perhaps after it put other elements where the map was; the page must still end
    # with one map (the map vanished here before the app re-keyed it).
    sidebar.get_by_text("English").click()
    page.wait_for_function(j.sidebar_text("Compute plan"), polling=20)
    j.timed(
        "English, Norsk at once",
        lambda: sidebar.get_by_text("Norsk bokmål").click(),
        j.sidebar_text("Beregn plan"),
    )
    j.map_frame().locator(".leaflet-container").wait_for()

    path = tmp / ZONE_FILE
    path.write_text(json.dumps(UPLOAD), encoding="utf-8")
    uploader = page.locator('[data-testid="stFileUploader"]', has_text="Last opp sonefil")
    j.timed(
        "upload zone file",
        lambda: uploader.locator('input[type="file"]').set_input_files(str(path)),
        j.sidebar_text("fra filen " + ZONE_FILE),
    )
    zone_to_results.append(j.plan("plan (uploaded zone)"))
    export(j, tmp)
    save_and_situation(j)
    return zone_to_results


def export(j: Journey, tmp: Path) -> None:
    """PDF and HTML downloads arrive and are what they claim to be."""
    page = j.page
    page.get_by_role("tab", name="Eksport").click()
    start = time.perf_counter()
    pdf = j.download("Rutekart A4 (PDF)")
    j.timings.append(("export PDF", time.perf_counter() - start))
    assert pdf.startswith(b"%PDF")
    (tmp / "map.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(tmp / "map.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Oksenøya vest" in text, "the scenario name follows the uploaded file"
    start = time.perf_counter()
    html = j.download("Interaktivt kart (HTML)").decode("utf-8")
    j.timings.append(("export HTML", time.perf_counter() - start))
    assert "OpenStreetMap contributors" in html
    j.check("export")


def save_and_situation(j: Journey) -> None:
    """Save with a name, then open the situation view from the save panel's link."""
    page = j.page
    name_box = page.locator('[data-testid="stSidebar"] input[aria-label="Ditt navn"]')
    name_box.fill("Ola")
    page.locator('[data-testid="InputInstructions"]').first.wait_for()
    assert page.evaluate(INPUT_HINT_JS) == "Trykk Enter for å bruke", "Streamlit's input hint"
    name_box.press("Enter")
    page.wait_for_function(j.sidebar_text("Bruker: Ola"), polling=50)
    j.idle()
    save = page.get_by_role("button", name="Lagre i arkivet")
    j.timed("save", save.click, j.sidebar_text("Situasjonsbilde"))
    with page.context.expect_page() as info:
        page.get_by_role("link", name="Situasjonsbilde").click()
    view = info.value
    start = time.perf_counter()
    view.get_by_text("Situasjonsbilde: Oksenøya vest").wait_for(timeout=90_000)
    view.locator("iframe:visible").first.wait_for()  # the map (the label script's is hidden)
    j.timings.append(("situation view", time.perf_counter() - start))
    assert view.locator('[data-testid="stException"]').count() == 0


def test_plan_close_a_road_replan_switch_language_upload_export_save(app_url, record_property):
    with offline_chromium() as (browser, external):
        context = new_offline_context(
            browser, external, viewport={"width": 1600, "height": 1100}, accept_downloads=True
        )
        page = context.new_page()
        page.set_default_timeout(60_000)
        j = Journey(page, app_url)
        started = time.monotonic()
        with tempfile.TemporaryDirectory() as tmp:
            try:
                zone_to_results = journey(j, app_url, Path(tmp))
            except Exception:
                shot = Path(tempfile.gettempdir()) / "evac_journey_failure.png"
                page.screenshot(path=str(shot), full_page=True)
                maps = page.evaluate(
                    "() => Array.from(document.querySelectorAll('iframe'), f => f.title + ' '"
                    " + f.getAttribute('height') + ' ' + f.getBoundingClientRect().height)"
                )
                print(f"failure screenshot: {shot}\n{j.report()}\nproblems: {j.problems}")
                print(f"iframes: {maps}")
                print("console (last 40):\n" + "\n".join(j.console[-40:]))
                raise
        report = (
            f"{j.report()}\n"
            f"median zone-to-results: {statistics.median(zone_to_results):.2f} s\n"
            f"journey: {time.monotonic() - started:.0f} s"
        )
        print("\n" + report)
        # Shown in the run's closing summary (tests/conftest.py), also under xdist.
        record_property("timings", report)
        assert external == [], f"requests to other hosts: {external}"
        assert not j.problems, j.problems
