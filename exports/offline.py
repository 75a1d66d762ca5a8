"""Make folium maps work with no internet: local Leaflet, jQuery, plugins.

folium and its plugins load their JavaScript and CSS from public CDNs; offline
the map stays blank. :func:`localize` rewrites every asset of a finished map to
the copies ``scripts/install_assets.py`` puts in ``static/vendor`` (from the npm
packages in ``package.json``):

- ``"served"``: the assets are URLs under ``/app/static/vendor`` (Streamlit's
  static file serving, ``[server] enableStaticServing = true``).
- ``"inline"``: the JavaScript and CSS text is embedded in the HTML, and the
  images the CSS refers to become data URIs, so a saved file opens from
  ``file://`` with no network at all.

An asset this module does not know raises :class:`OfflineAssetError`, so a new
plugin cannot quietly bring a CDN link back.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Final, Literal, Protocol

import folium
from branca.element import Element, Figure

from geo.errors import OfflineAssetError
from geo.settings import PROJECT_ROOT

AssetMode = Literal["served", "inline"]

#: Folder the set-up command fills from ``node_modules`` (git-ignored).
VENDOR_DIR: Final = PROJECT_ROOT / "static" / "vendor"
#: URL of :data:`VENDOR_DIR` in the Streamlit app (``static/`` next to app.py).
SERVED_URL: Final = "/app/static/vendor"

#: Files copied from ``node_modules`` into :data:`VENDOR_DIR`: (npm path, vendor path).
#: A path ending in ``/`` copies the whole folder. Licences travel with the code.
VENDOR_FILES: Final[tuple[tuple[str, str], ...]] = (
    ("leaflet/dist/leaflet.js", "leaflet/leaflet.js"),
    ("leaflet/dist/leaflet.css", "leaflet/leaflet.css"),
    ("leaflet/dist/images/", "leaflet/images/"),
    ("leaflet/LICENSE", "leaflet/LICENSE"),
    ("leaflet-draw/dist/leaflet.draw.js", "leaflet-draw/leaflet.draw.js"),
    ("leaflet-draw/dist/leaflet.draw.css", "leaflet-draw/leaflet.draw.css"),
    ("leaflet-draw/dist/images/", "leaflet-draw/images/"),
    ("jquery/dist/jquery.min.js", "jquery/jquery.min.js"),
    ("jquery/LICENSE.txt", "jquery/LICENSE"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"),
    ("bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"),
    ("bootstrap/LICENSE", "bootstrap/LICENSE"),
    ("@fortawesome/fontawesome-free/css/all.min.css", "fontawesome/css/all.min.css"),
    ("@fortawesome/fontawesome-free/webfonts/", "fontawesome/webfonts/"),
    ("@fortawesome/fontawesome-free/LICENSE.txt", "fontawesome/LICENSE"),
    ("leaflet.awesome-markers/dist/leaflet.awesome-markers.js", "awesome-markers/am.js"),
    ("leaflet.awesome-markers/dist/leaflet.awesome-markers.css", "awesome-markers/am.css"),
    ("leaflet.awesome-markers/dist/images/", "awesome-markers/images/"),
    ("leaflet.awesome-markers/LICENSE", "awesome-markers/LICENSE"),
)

#: folium asset name -> vendor path. ``None`` drops the asset: the Bootstrap 3
#: glyph font and folium's rotated-icon CSS serve only ``folium.Icon`` options
#: this project never uses, and neither is on npm in the version folium links.
FOLIUM_ASSETS: Final[dict[str, str | None]] = {
    "leaflet": "leaflet/leaflet.js",
    "leaflet_css": "leaflet/leaflet.css",
    "jquery": "jquery/jquery.min.js",
    "bootstrap": "bootstrap/bootstrap.bundle.min.js",
    "bootstrap_css": "bootstrap/bootstrap.min.css",
    "awesome_markers": "awesome-markers/am.js",
    "awesome_markers_css": "awesome-markers/am.css",
    "awesome_markers_font_css": "fontawesome/css/all.min.css",
    "glyphicons_css": None,
    "awesome_rotate_css": None,
    "leaflet_draw_js": "leaflet-draw/leaflet.draw.js",
    "leaflet_draw_css": "leaflet-draw/leaflet.draw.css",
}

#: Assets a standalone file embeds. Bootstrap and the icon fonts (about 1 MB with
#: fonts) only serve ``folium.Icon`` markers, which inline maps refuse instead.
INLINE_ASSETS: Final = frozenset(
    {"leaflet", "leaflet_css", "jquery", "leaflet_draw_js", "leaflet_draw_css"}
)
# Leaflet first: everything else extends ``L``; jQuery before folium's popups use ``$``.
_JS_ORDER: Final = ("leaflet", "jquery")
_CSS_URL_RE: Final = re.compile(r"url\((['\"]?)(?!data:|#)([^)'\"]+)\1\)")
_SOURCE_MAP_RE: Final = re.compile(r"^[/][/*]# sourceMappingURL=.*$", re.MULTILINE)


def _missing_message(path: Path) -> str:
    return (
        f"Offline map asset {path} is missing: run `python scripts/install_assets.py` "
        "(needs npm and the npm registry once) to copy Leaflet and friends into static/vendor."
    )


def asset_path(name: str) -> Path | None:
    """Return the vendor file of folium asset ``name``, ``None`` if it is dropped.

    Raises
    ------
    OfflineAssetError
        If the asset has no local copy configured, or the file is not installed.
    """
    if name not in FOLIUM_ASSETS:
        msg = (
            f"folium asset {name!r} has no offline copy: add its npm package to "
            "package.json and its file to exports.offline.VENDOR_FILES and FOLIUM_ASSETS."
        )
        raise OfflineAssetError(msg)
    rel = FOLIUM_ASSETS[name]
    if rel is None:
        return None
    path = VENDOR_DIR / rel
    if not path.is_file():
        raise OfflineAssetError(_missing_message(path))
    return path


class _AssetElement(Protocol):
    """A map element with JS/CSS assets (folium's ``JSCSSMixin`` and look-alikes)."""

    default_js: list[tuple[str, str]]
    default_css: list[tuple[str, str]]


def _asset_elements(m: folium.Map) -> Iterator[_AssetElement]:
    """Every element in the map's tree that declares default JS or CSS."""
    stack: list[object] = [m]
    while stack:
        element = stack.pop()
        if hasattr(element, "default_js") or hasattr(element, "default_css"):
            # hasattr does not narrow ``object`` to the protocol.
            yield element  # type: ignore[misc]
        stack.extend(getattr(element, "_children", {}).values())


def _check_inline_markers(m: folium.Map) -> None:
    """Refuse icon markers, which need icon fonts or image files a file cannot load."""
    stack: list[object] = [m]
    while stack:
        element = stack.pop()
        if isinstance(element, folium.Icon) or (
            isinstance(element, folium.Marker)
            and not any(isinstance(c, folium.DivIcon) for c in element._children.values())
        ):
            msg = (
                f"{type(element).__name__} needs image or font files that a standalone "
                "offline map cannot load: use CircleMarker or DivIcon instead."
            )
            raise OfflineAssetError(msg)
        stack.extend(getattr(element, "_children", {}).values())


def _collect(m: folium.Map) -> tuple[list[str], list[str]]:
    """Names of all JS and CSS assets in the map, in load order, and clear them."""
    js: list[str] = []
    css: list[str] = []
    for element in _asset_elements(m):
        js.extend(name for name, _ in getattr(element, "default_js", []))
        css.extend(name for name, _ in getattr(element, "default_css", []))
        # Instance attributes shadow the class lists: no CDN link is rendered.
        element.default_js = []
        element.default_css = []
    js = list(dict.fromkeys(js))
    js = [n for n in _JS_ORDER if n in js] + [n for n in js if n not in _JS_ORDER]
    return js, list(dict.fromkeys(css))


def localize(m: folium.Map, mode: AssetMode = "served", *, base_url: str = SERVED_URL) -> None:
    """Point every JS/CSS asset of ``m`` at the local copies (in place).

    Call it last, after all layers and plugins are added: elements added later
    keep their CDN links.

    Parameters
    ----------
    m
        A finished folium map.
    mode
        ``"served"`` links to ``base_url`` (the Streamlit app); ``"inline"`` embeds
        the files so the saved HTML works from ``file://`` with no network.
    base_url
        URL the vendor folder is served at (served mode only).

    Raises
    ------
    OfflineAssetError
        If an asset has no local copy, a file is not installed, or (inline) the
        map uses icon markers.
    """
    if mode not in ("served", "inline"):
        msg = f"Unknown asset mode {mode!r}: use 'served' or 'inline'."
        raise ValueError(msg)
    if mode == "inline":
        _check_inline_markers(m)
    js, css = _collect(m)
    if mode == "served":
        _link(m, js, css, base_url.rstrip("/"))
    else:
        _embed(m, js, css)


def _link(m: folium.Map, js: list[str], css: list[str], base_url: str) -> None:
    def urls(names: list[str]) -> list[tuple[str, str]]:
        pairs = []
        for name in names:
            path = asset_path(name)
            if path is not None:
                pairs.append((name, f"{base_url}/{path.relative_to(VENDOR_DIR).as_posix()}"))
        return pairs

    # The map carries them all: folium renders them into the page header and
    # streamlit-folium reads the same lists to load them in its iframe.
    m.default_js = urls(js)
    m.default_css = urls(css)


def _embed(m: folium.Map, js: list[str], css: list[str]) -> None:
    blocks: list[str] = []
    for name in css:
        if name in INLINE_ASSETS and (path := asset_path(name)) is not None:
            blocks.append(f"<style>/* {name} */\n{_inline_css(path)}\n</style>")
    for name in js:
        if name in INLINE_ASSETS and (path := asset_path(name)) is not None:
            blocks.append(f"<script>/* {name} */\n{_inline_js(path)}\n</script>")
    root = m.get_root()
    assert isinstance(root, Figure), "a folium map's root is its page"
    root.header.add_child(Element("\n".join(blocks)), name="offline_assets", index=0)


def _inline_js(path: Path) -> str:
    text = _SOURCE_MAP_RE.sub("", path.read_text(encoding="utf-8"))
    if "</script" in text.lower():
        msg = f"{path} contains '</script' and cannot be embedded in an HTML page."
        raise OfflineAssetError(msg)
    return text


def _inline_css(path: Path) -> str:
    """CSS text with every relative ``url(...)`` replaced by a data URI."""

    def to_data_uri(match: re.Match[str]) -> str:
        target = (path.parent / match.group(2).split("?")[0].split("#")[0]).resolve()
        if not target.is_file():
            raise OfflineAssetError(_missing_message(target))
        mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        data = base64.b64encode(target.read_bytes()).decode("ascii")
        return f'url("data:{mime};base64,{data}")'

    text = _SOURCE_MAP_RE.sub("", path.read_text(encoding="utf-8"))
    return _CSS_URL_RE.sub(to_data_uri, text)
