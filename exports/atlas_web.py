"""The interactive atlas map: zones coloured by p90 clearance (folium, offline assets).

Built from the pieces of :mod:`exports.web_map` (offline basemap, layer helpers,
legend and map furniture), with the colour classes of :mod:`exports.atlas_maps`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import folium
import geopandas as gpd
import pandas as pd

from exports.atlas_maps import p90_colour, p90_legend
from exports.map_strings import t
from exports.offline import AssetMode, localize
from exports.web_common import (
    Legend,
    MetricScale,
    esc,
    geojson_layer,
    latlon_corners,
    popup,
    to_map_crs,
)
from exports.web_map import MapFurniture, add_basemaps
from geo.settings import ATTRIBUTION
from planning.i18n import format_number

if TYPE_CHECKING:
    from geo.region import Region


def _minutes(value: float | None, lang: str) -> str:
    return t("atlas.none", lang) if pd.isna(value) else f"{format_number(value, lang)} min"


def build_atlas_map(
    region: Region, atlas: gpd.GeoDataFrame, *, lang: str = "nb", assets: AssetMode = "served"
) -> folium.Map:
    """Atlas zones (:func:`planning.atlas.atlas_table`) on the offline basemap.

    Every zone has a tooltip (number and name) and a popup with its figures;
    user-visible text is escaped.
    """
    m = folium.Map(tiles=None, zoom_start=13, location=[59.9, 10.6])
    m.add_child(MetricScale())
    add_basemaps(m, region, lang, "vector")
    gdf = to_map_crs(atlas[["name", "p90", "leave_p90", "residents", "error", "geometry"]])
    gdf["style"] = [
        {"color": "#333", "weight": 1, "fillColor": p90_colour(p, e), "fillOpacity": 0.75}
        for p, e in zip(gdf["p90"], gdf["error"], strict=True)
    ]
    gdf["tip"] = [esc(f"{i}. {n}") for i, n in enumerate(gdf["name"], start=1)]
    gdf["popup"] = [
        popup(
            f"{i}. {row.name}",
            [
                (t("atlas.residents", lang, vintage=""), format_number(row.residents, lang)),
                (t("atlas.leave", lang), _minutes(row.leave_p90, lang)),
                (t("atlas.arrive", lang), _minutes(row.p90, lang)),
            ],
        )
        for i, row in enumerate(gdf.itertuples(), start=1)
    ]
    geojson_layer(gdf, t("atlas.zones", lang)).add_to(m)
    legend = Legend(lang)
    legend.section()
    for label, colour in p90_legend(lang):
        legend.add(label, colour)
    legend.note(t("atlas.legend_p90", lang))
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    MapFurniture(legend.html(), ATTRIBUTION).add_to(m)
    m.fit_bounds(latlon_corners(gdf.total_bounds))
    localize(m, assets)
    return m
