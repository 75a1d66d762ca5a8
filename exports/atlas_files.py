"""Atlas and criticality output files: GeoPackage, JSON, CSV and the printed maps."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from exports.atlas_maps import render_criticality, render_overview, render_zone_book
from geo import settings
from planning.scenario import Scenario, scenario_to_dict


def _json_value(value: Any) -> Any:
    return (
        None if value is None or (not isinstance(value, list | dict) and pd.isna(value)) else value
    )


def atlas_json(
    atlas: gpd.GeoDataFrame,
    results: list[dict[str, Any]],
    base: Scenario,
    options: Mapping[str, Any],
) -> dict[str, Any]:
    """Everything in the atlas as one JSON-ready object (no geometry: cells rebuild it)."""
    zones = []
    for row, result in zip(atlas.itertuples(), results, strict=True):
        zone = {
            "zone_id": row.zone_id,
            "name": row.name,
            "corridor": row.corridor,
            "residents_cells": int(row.residents),
            "area_km2": float(row.area_km2),
            "cells": row.cells.split(","),
            "error": result["error"],
        }
        zone |= {k: _json_value(v) for k, v in result["figures"].items()}
        zones.append(zone)
    return {
        "format": "evac-atlas/1",
        "options": dict(options),
        "scenario_base": scenario_to_dict(base),
        "zones": zones,
        "attribution": settings.ATTRIBUTION,
    }


def write_atlas(
    out: Path,
    atlas: gpd.GeoDataFrame,
    results: list[dict[str, Any]],
    base: Scenario,
    options: Mapping[str, Any],
    layers: Mapping[str, Any],
    sites: gpd.GeoDataFrame,
    lang: str = "nb",
) -> list[Path]:
    """Write atlas.gpkg, atlas.json, atlas_overview.pdf/.png and zone_book.pdf to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [
        out / n
        for n in (
            "atlas.gpkg",
            "atlas.json",
            "atlas_overview.pdf",
            "atlas_overview.png",
            "zone_book.pdf",
        )
    ]
    paths[0].unlink(missing_ok=True)
    atlas.to_file(paths[0], layer="zones", driver="GPKG")
    text = json.dumps(atlas_json(atlas, results, base, options), ensure_ascii=False, indent=2)
    paths[1].write_text(text, encoding="utf-8")
    paths[2].write_bytes(render_overview(atlas, layers, lang=lang, fmt="pdf"))
    paths[3].write_bytes(render_overview(atlas, layers, lang=lang, fmt="png", dpi=150))
    paths[4].write_bytes(render_zone_book(atlas, results, layers, sites, lang=lang))
    return paths


def write_criticality(
    out: Path,
    ranked: gpd.GeoDataFrame,
    name: str,
    before: Mapping[str, Any],
    layers: Mapping[str, Any],
    lang: str = "nb",
) -> list[Path]:
    """Write criticality.gpkg (layer ``links``), .csv, .json and the .png map to ``out``.

    ``name`` names the scenario (or the atlas); ``before`` holds its ``p90`` and
    ``unreachable`` with no extra closure (None for an atlas: each zone has its own).
    """
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"criticality.{ext}" for ext in ("gpkg", "csv", "json", "png")]
    paths[0].unlink(missing_ok=True)
    ranked.to_file(paths[0], layer="links", driver="GPKG")
    table = pd.DataFrame(ranked.drop(columns="geometry"))
    table.to_csv(paths[1], index=False)
    records = [{k: _json_value(v) for k, v in r.items()} for r in table.to_dict("records")]
    doc = {
        "scenario": name,
        "p90_before": before.get("p90"),
        "unreachable_before": before.get("unreachable"),
        "links": records,
    }
    paths[2].write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=str), "utf-8")
    p90 = before.get("p90")
    paths[3].write_bytes(render_criticality(ranked, name, p90, layers, lang=lang))
    return paths
