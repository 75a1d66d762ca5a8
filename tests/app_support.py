"""Shared parts of the ``AppTest`` tests: a stand-in for the folium map.

``AppTest`` cannot look inside the ``st_folium`` component, so most app tests
replace the map builders with an empty map and ``st_folium`` with a function
returning what the browser would (drawings, clicks). The app's map caches are
cleared around each use so no stand-in map outlives its test; the real map is
checked in the browser tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import folium
import pytest
import streamlit_folium

from exports import web_map
from ui import app_map, app_plan


def _clear() -> None:
    for cached in (
        app_map.base_map,
        app_map.base_component,
        app_map.plan_scripts,
        app_map.layer_control_script,
    ):
        cached.clear()


@contextmanager
def fake_map(mp: pytest.MonkeyPatch, returns: dict[str, Any] | None = None) -> Iterator[list]:
    """Empty maps instead of the real ones; ``st_folium`` returns ``returns``.

    Yields the list of keyword arguments each ``st_folium`` call got.
    """
    calls: list[dict[str, Any]] = []

    def fake_st_folium(*args: Any, **kwargs: Any) -> dict[str, Any] | None:
        calls.append(kwargs)
        return returns

    _clear()
    mp.setattr(web_map, "build_base_map", lambda *a, **k: folium.Map(), raising=False)
    mp.setattr(
        web_map, "plan_groups", lambda *a, **k: [folium.FeatureGroup(name="plan")], raising=False
    )
    mp.setattr(
        web_map, "pending_group", lambda *a, **k: folium.FeatureGroup(name="pending"), raising=False
    )
    mp.setattr(web_map, "build_map", lambda *a, **k: folium.Map())
    mp.setattr(streamlit_folium, "st_folium", fake_st_folium)
    mp.setattr(streamlit_folium, "_component_func", fake_st_folium)
    # No background plans: a thread outliving the test could cache a stand-in map layer.
    mp.setattr(app_plan, "prefetch", lambda *a, **k: None)
    try:
        yield calls
    finally:
        _clear()
