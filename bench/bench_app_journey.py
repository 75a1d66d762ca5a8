"""Zone-to-results time in the running app, in a real headless Chromium.

Starts the app (``streamlit run app.py``) and an offline Chromium, loads the
``snaroya`` preset and computes it, then ``ROUNDS`` times draws a new polygon on
the map with the Leaflet.draw tool and presses "Beregn plan", timing the click
until the new plan is on the map and the page is idle (zone-to-results).

Baseline, measured in the same run: the same plan shown by a *full* remount of
the map (a language switch rebuilds the base map in the browser, as the app
did for every plan before the base map was kept and only the plan's layers
swapped). The ratio below 1 is the gain; absolute times depend on the load of
the machine.

Run: ``PYTHONPATH=. .venv/bin/python bench/bench_app_journey.py``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from e2e_support import (
    PLAN_READY_JS,
    Journey,
    new_offline_context,
    offline_chromium,
    streamlit_server,
)

ROUNDS = 5


def remount(j: Journey, language: str, check_text: str, legend: str) -> float:
    """Switch language: the browser builds the whole map again, plan included."""
    sidebar = j.page.locator('[data-testid="stSidebar"]')
    j.mark_map()
    done = f"""() => ({j.sidebar_text(check_text)})() && ({PLAN_READY_JS})()
        && ({j.remounted_js(legend)})()"""
    return j.timed(f"remount ({language})", lambda: sidebar.get_by_text(language).click(), done)


def run(j: Journey) -> tuple[list[float], list[float]]:
    """Zone-to-results times and full-remount times."""
    page = j.page
    page.goto(j.url)
    page.get_by_role("button", name="Beregn plan").wait_for(timeout=120_000)
    j.map_frame().locator(".leaflet-container").wait_for()
    j.idle(120_000)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="Snarøya – hele halvøya").click()
    j.idle()
    j.plan("warm-up plan")
    # Each round draws (in the language of the moment), plans, then switches language.
    zone_times, remounts = [], []
    for i in range(ROUNDS):
        dx = -120 + 60 * i
        polygon = [(dx, -40), (dx + 40, -40), (dx + 40, 0), (dx, 0)]
        j.timed(
            f"draw {i + 1}",
            lambda p=polygon: j.draw("polygon", p, True),
            j.sidebar_text(f"{'Sone' if i % 2 == 0 else 'Zone'} {i + 2}:"),
        )
        zone_times.append(j.plan(f"zone-to-results {i + 1}"))
        switch = ("English", "Compute plan", "Legend")
        if i % 2:
            switch = ("Norsk bokmål", "Beregn", "Tegnforklaring")
        remounts.append(remount(j, *switch))
    return zone_times, remounts


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {"EVAC_STORE": str(Path(tmp) / "store.sqlite")}
        with (
            streamlit_server(env, Path(tmp) / "streamlit.log") as url,
            offline_chromium() as (
                browser,
                external,
            ),
        ):
            context = new_offline_context(
                browser, external, viewport={"width": 1600, "height": 1100}
            )
            page = context.new_page()
            page.set_default_timeout(120_000)
            j = Journey(page, url)
            started = time.perf_counter()
            zone_times, remounts = run(j)
    print(j.report())
    zone, base = statistics.median(zone_times), statistics.median(remounts)
    print(f"zone-to-results median: {zone:.2f} s over {ROUNDS} plans")
    print(f"baseline (full map remount with the plan) median: {base:.2f} s")
    print(f"ratio zone-to-results / full remount: {zone / base:.2f}")
    print(f"bench took {time.perf_counter() - started:.0f} s; problems: {j.problems or 'none'}")


if __name__ == "__main__":
    main()
