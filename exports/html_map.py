"""Standalone interactive map: one HTML file that opens from disk with no internet.

The same map as the app (:func:`exports.web_map.build_map`), with Leaflet, jQuery,
Leaflet.draw and their images embedded (:func:`exports.offline.localize` in inline
mode), so it can be mailed or put on a memory stick and opened anywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
from branca.element import Figure

from exports.map_strings import t
from exports.web_common import esc
from exports.web_map import build_map

if TYPE_CHECKING:
    from geo.region import Region
    from planning.plan import Plan


def to_html(plan: Plan, region: Region, sites: gpd.GeoDataFrame, lang: str = "nb") -> str:
    """Return the plan's interactive map as a self-contained HTML document.

    Parameters
    ----------
    plan
        A ``planning.plan.Plan``.
    region
        The :class:`geo.region.Region` the plan was made for.
    sites
        Reception sites from ``geo.registry.load_sites`` (agreements for popups).
    lang
        ``"nb"`` or ``"en"``.

    Raises
    ------
    geo.errors.OfflineAssetError
        If the vendor files are not installed (``python scripts/install_assets.py``).
    """
    m = build_map(region, sites, plan, lang=lang, assets="inline")
    title = f"{t('map.title', lang)} – {plan.scenario.name}"
    if plan.scenario.exercise:
        title = f"{t('map.exercise', lang)} – {title}"
    root = m.get_root()
    assert isinstance(root, Figure), "a folium map's root is its page"
    # branca puts the title into the page unescaped.
    root.title = esc(title)
    return root.render()
