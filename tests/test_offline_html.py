"""Maps work with no internet: local assets in the app, embedded assets in saved files."""

from __future__ import annotations

import os
import re
from pathlib import Path

import folium
import pytest
from fixtures_plan import make_plan
from folium.plugins import Draw

from exports import offline
from exports.html_map import to_html
from exports.offline import SERVED_URL, OfflineAssetError, localize
from exports.web_map import build_map
from geo.registry import load_sites

#: Hosts folium and its plugins load from when not localised.
CDN_MARKERS = ("https://cdn", "unpkg", "jsdelivr", "cdnjs", "code.jquery.com", "netdna")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def sites():
    return load_sites()


@pytest.fixture(scope="module")
def served_html(region, sites) -> str:
    return build_map(region, sites, make_plan()).get_root().render()


@pytest.fixture(scope="module")
def standalone_html(region, sites) -> str:
    return to_html(make_plan(label="<script>alert(1)</script>"), region, sites, "nb")


def _linked(page: str) -> list[str]:
    return re.findall(r'<script src="([^"]+)"|<link rel="stylesheet" href="([^"]+)"', page)


def test_served_map_links_only_local_vendor_files(served_html):
    links = [a or b for a, b in _linked(served_html)]
    assert links, "the served map should link Leaflet and friends"
    assert all(link.startswith(f"{SERVED_URL}/") for link in links), links
    for link in links:
        assert (offline.VENDOR_DIR / link.removeprefix(f"{SERVED_URL}/")).is_file(), link
    assert f"{SERVED_URL}/leaflet/leaflet.js" in links
    assert f"{SERVED_URL}/jquery/jquery.min.js" in links
    assert f"{SERVED_URL}/leaflet-draw/leaflet.draw.js" in links


@pytest.mark.parametrize("page", ["served_html", "standalone_html"])
def test_no_cdn_url_anywhere_in_the_page(page, request):
    html = request.getfixturevalue(page).lower()
    assert [m for m in CDN_MARKERS if m in html] == []


def test_standalone_map_embeds_scripts_and_styles_and_links_nothing(standalone_html):
    assert _linked(standalone_html) == []
    assert "/* leaflet */" in standalone_html and "/* jquery */" in standalone_html
    assert "/* leaflet_draw_js */" in standalone_html
    # Leaflet's layer-control and Leaflet.draw's toolbar images are data URIs.
    urls = re.findall(r"url\(([^)]*)\)", standalone_html)
    assert urls and all(u.strip("'\"").startswith(("data:", "#")) for u in urls), urls[:3]
    assert standalone_html.index("/* leaflet */") < standalone_html.index("/* jquery */")
    assert standalone_html.index("/* jquery */") < standalone_html.index("/* leaflet_draw_js */")


def test_standalone_map_has_an_escaped_title(standalone_html):
    assert "<title>ØVELSE – Evakueringskart – Snarøya brann</title>" in standalone_html


def test_asset_without_a_local_copy_is_refused():
    m = folium.Map(tiles=None)
    plugin = Draw()
    plugin.default_js = [("shiny_plugin", "https://cdn.example.org/shiny.js")]
    plugin.add_to(m)
    with pytest.raises(OfflineAssetError, match="shiny_plugin"):
        localize(m)


def test_missing_vendor_files_say_how_to_install_them(tmp_path, monkeypatch):
    monkeypatch.setattr(offline, "VENDOR_DIR", tmp_path)
    with pytest.raises(OfflineAssetError, match=r"install_assets\.py"):
        localize(folium.Map(tiles=None), "served")


def test_standalone_map_refuses_image_markers():
    m = folium.Map(tiles=None)
    folium.Marker([59.9, 10.6]).add_to(m)
    with pytest.raises(OfflineAssetError, match="CircleMarker"):
        localize(m, "inline")


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="asset mode"):
        localize(folium.Map(tiles=None), "cdn")  # type: ignore[arg-type]


@pytest.mark.e2e
def test_standalone_map_draws_in_chromium_with_the_network_blocked(standalone_html, tmp_path):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(
                f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)."
            )
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "plan.html"
    page_file.write_text(standalone_html, encoding="utf-8")
    blocked: list[str] = []
    errors: list[str] = []

    def only_local(route):
        url = route.request.url
        if url.startswith(("file://", "data:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.route("**/*", only_local)
            page.on("pageerror", lambda e: errors.append(str(e)))
            # An alert would mean the hostile zone label ran as script.
            page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
            page.goto(page_file.as_uri())
            page.wait_for_selector(".leaflet-container", timeout=15_000)
            page.wait_for_function(
                "document.querySelectorAll('.leaflet-overlay-pane path').length > 0",
                timeout=15_000,
            )
            paths = page.locator(".leaflet-overlay-pane path").count()
            legend = page.locator(".evac-legend").inner_text()
            banner = page.locator(".evac-banner").inner_text()
            draw_buttons = page.locator(".leaflet-draw-toolbar a").count()
            scale = page.locator(".leaflet-control-scale-line").all_inner_texts()
            page.screenshot(path="/tmp/evac_offline_map.png")
        finally:
            browser.close()
    assert errors == []
    assert blocked == [], f"external requests attempted: {blocked}"
    assert paths > 20
    assert "Tegnforklaring" in legend
    assert "ØVELSE" in banner
    assert draw_buttons >= 6  # polyline, polygon, rectangle, circle, edit, delete
    # One scale bar, in metres or kilometres (Leaflet's default adds miles/feet).
    assert len(scale) == 1 and re.fullmatch(r"\d+ k?m", scale[0]), scale
