"""Shared pieces of the web map: escaping, reprojection, GeoJSON layers, popups, legend.

User text (zone labels, names, reasons) is escaped once, in :func:`esc`, before
it reaches the page; every layer's features carry their own pre-escaped
``popup``/``tip`` HTML and ``style``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from typing import Any, Final

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from folium.template import Template
from folium.utilities import JsCode

from exports.map_strings import t
from geo.settings import MAP_CRS

#: Simplification tolerance per layer in metres (EPSG:25832), before reprojection.
SIMPLIFY_M: Final[dict[str, float]] = {"boundaries": 25.0, "roads": 8.0, "plan": 2.0}
#: Decimal places of lon/lat in the HTML: 5 places is about 1 m.
COORD_DECIMALS: Final = 5

# Binds each feature's own pre-escaped popup and tooltip HTML.
_BIND = JsCode(
    """function(feature, layer) {
        var p = feature.properties;
        if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 360}); }
        if (p.tip) { layer.bindTooltip(p.tip, {sticky: true}); }
    }"""
)


def esc(value: object) -> str:
    """Escape text for HTML, also where folium puts it in a JavaScript template literal."""
    text = html.escape(str(value))
    return text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def js_string(value: str) -> str:
    """A JavaScript string literal that cannot close the surrounding ``<script>``."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def to_map_crs(gdf: gpd.GeoDataFrame, simplify_m: float = 0.0) -> gpd.GeoDataFrame:
    """Simplify in metres, reproject to lon/lat and round the coordinates."""
    out = gdf.copy()
    if simplify_m:
        out["geometry"] = out.geometry.simplify(simplify_m, preserve_topology=True)
    out = out.to_crs(MAP_CRS)
    out["geometry"] = shapely.transform(
        out.geometry.to_numpy(), lambda xy: np.round(xy, COORD_DECIMALS)
    )
    return out


def latlon_corners(bounds: Sequence[float]) -> list[list[float]]:
    """Leaflet's ``[[south, west], [north, east]]`` from lon/lat (west, south, east, north)."""
    west, south, east, north = bounds
    corners: list[list[float]] = np.round([[south, west], [north, east]], COORD_DECIMALS).tolist()
    return corners


def geojson_layer(
    gdf: gpd.GeoDataFrame,
    name: str,
    *,
    show: bool = True,
    points: bool = False,
    interactive: bool = True,
) -> folium.GeoJson:
    """A layer of features that carry ``style``, ``popup`` and ``tip`` properties."""
    keep = [c for c in ("style", "popup", "tip") if c in gdf.columns]
    data = gdf[[*keep, "geometry"]]
    return folium.GeoJson(
        json.loads(data.to_json(drop_id=True)),
        name=name,
        show=show,
        marker=folium.CircleMarker(radius=6, fill=True) if points else None,
        on_each_feature=_BIND if interactive else None,
        interactive=interactive,
    )


def group(name: str, *children: folium.Element, show: bool = True) -> folium.FeatureGroup:
    """A named, switchable layer holding ``children``; hidden layers start unticked."""
    fg = folium.FeatureGroup(name=name, show=show)
    for child in children:
        child.add_to(fg)
    if not show:
        StartHidden().add_to(fg)
    return fg


def label_marker(
    lat: float,
    lon: float,
    text: str,
    css: str,
    *,
    angle: float = 0.0,
    anchor: tuple[int, int] = (0, 0),
) -> folium.Marker:
    """A permanent text label (a DivIcon: no image file), turned ``angle`` degrees clockwise."""
    style = f" style='transform:rotate({angle:.0f}deg)'" if angle else ""
    return folium.Marker(
        [lat, lon],
        icon=folium.DivIcon(
            html=f"<div class='{css}'{style}>{text}</div>",
            icon_anchor=anchor,
            class_name="evac-label-icon",
        ),
        interactive=False,
    )


def rows_html(pairs: Iterable[tuple[str, object]]) -> str:
    """Popup table rows; both label and value are escaped."""
    return "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in pairs)


def popup(title: str, pairs: Iterable[tuple[str, object]] = ()) -> str:
    """A popup: an escaped bold title over a table of escaped rows."""
    return f"<b>{esc(title)}</b><table class='evac-popup'>{rows_html(pairs)}</table>"


class Legend:
    """Legend rows collected while layers are added, rendered as HTML."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.sections: list[list[str]] = []

    def section(self) -> None:
        """Start the rows of the next layer."""
        self.sections.append([])

    def add(self, label: str, colour: str, shape: str = "box", dashed: bool = False) -> None:
        """A row: a swatch (box, line, dot, ring or casing) in ``colour`` and its label."""
        border = "dashed" if dashed else "solid"
        styles = {
            "box": f"background:{colour}55;border:2px {border} {colour}",
            "line": f"height:0;border-top:4px {border} {colour};margin-top:7px",
            "dot": f"background:{colour};border-radius:50%;border:1px solid #333",
            "ring": f"background:#fff;border-radius:50%;border:3px solid {colour}",
            "casing": f"background:{colour};border:3px solid #ffd400;height:2px;margin-top:4px",
            "arrow": f"color:{colour};font-size:14px;line-height:12px",
        }
        text = "➤" if shape == "arrow" else ""
        swatch = f"<span class='evac-swatch' style='{styles[shape]}'>{text}</span>"
        self.sections[-1].append(f"<div class='evac-row'>{swatch}{esc(label)}</div>")

    def note(self, text: str) -> None:
        """An italic note row."""
        self.sections[-1].append(f"<div class='evac-note'>{esc(text)}</div>")

    def rows(self) -> str:
        """All rows, top layer first (layers are added bottom to top)."""
        return "".join(row for section in reversed(self.sections) for row in section)

    def html(self) -> str:
        """The folding legend box; plan rows go into its empty ``evac-legend-plan`` slot."""
        title = esc(t("legend.title", self.lang))
        slot = "<div class='evac-legend-plan'></div>"
        return f"<details open><summary>{title}</summary>{slot}{self.rows()}</details>"


class MetricScale(MacroElement):
    """Leaflet's scale bar in metres only (its default adds miles and feet).

    A script macro rather than ``folium.Map(control_scale=True)``, whose plain
    ``L.control.scale()`` cannot drop the imperial bar; streamlit-folium also
    rebuilds the map from its elements' scripts, so the app gets the same bar.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        # branca's MacroElement.__init__ has no type hints.
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MetricScale"


class StartHidden(MacroElement):
    """Take a layer off the map right after streamlit-folium adds it.

    streamlit-folium adds every feature group it is given; a layer that should
    start unticked removes itself once, if it was added within a second of being
    created (a standalone map never adds a hidden layer by itself).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(layer) {
          var born = Date.now();
          layer.once("add", function() {
            var map = layer._map;
            if (Date.now() - born < 1000) { setTimeout(function() { map.removeLayer(layer); }, 0); }
          });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        # branca's MacroElement.__init__ has no type hints.
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "StartHidden"


def layer_name(key: str, lang: str, **fmt: Any) -> str:
    """The layer control name of a layer key."""
    return t(f"layer.{key}", lang, **fmt)
