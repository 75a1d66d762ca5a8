"""Every export of a plan, in memory: one place the app's downloads and ``evac export`` share."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd

from planning.exports import KINDS
from planning.exports.cap import to_cap_xml
from planning.exports.data_files import scenario_file, to_geojson, to_geopackage, to_kml
from planning.exports.html_map import to_html
from planning.exports.route_map import render_route_map

#: Sender identity in CAP alerts (the municipality requesting a Nødvarsel).
CAP_SENDER = "beredskap@baerum.kommune.no"


@dataclass(frozen=True)
class ExportFile:
    """One export: file name, content and MIME type."""

    filename: str
    data: bytes
    mime: str


def basemap_layers(region: Any) -> dict[str, gpd.GeoDataFrame]:
    """The region's own vector data for printed maps (no tiles, no internet)."""
    return {"municipalities": region.neighbours, "roads": region.network("drive").edges}


def _via_file(write: Callable[[Any, Path], Any], plan: Any, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"plan{suffix}"
        write(plan, path)
        return path.read_bytes()


def slug(name: str) -> str:
    """File-name-safe version of a scenario name."""
    ascii_name = name.lower().translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a"}))
    keep = "".join(c if c.isascii() and c.isalnum() else "-" for c in ascii_name)
    return "-".join(p for p in keep.split("-") if p)[:60] or "plan"


def make_export(kind: str, plan: Any, region: Any, sites: Any, lang: str = "nb") -> ExportFile:
    """Build one export of ``plan``.

    Parameters
    ----------
    kind
        One of :data:`KINDS`.
    """
    base = slug(plan.scenario.name)
    if kind.startswith(("pdf_", "png_")):
        fmt, paper = kind.split("_")
        data = render_route_map(
            plan, basemap_layers(region), paper=paper.upper(), lang=lang, fmt=fmt
        )
        mime = "application/pdf" if fmt == "pdf" else "image/png"
        return ExportFile(f"{base}-{paper}.{fmt}", data, mime)
    if kind == "html":
        return ExportFile(f"{base}.html", to_html(plan, region, sites, lang).encode(), "text/html")
    if kind == "gpkg":
        return ExportFile(
            f"{base}.gpkg",
            _via_file(to_geopackage, plan, ".gpkg"),
            "application/geopackage+sqlite3",
        )
    if kind == "geojson":
        return ExportFile(f"{base}.geojson", to_geojson(plan).encode(), "application/geo+json")
    if kind == "kml":
        return ExportFile(
            f"{base}.kml", _via_file(to_kml, plan, ".kml"), "application/vnd.google-earth.kml+xml"
        )
    if kind == "cap":
        xml = to_cap_xml(plan, sender=CAP_SENDER)
        return ExportFile(f"{base}-cap.xml", xml.encode(), "application/xml")
    if kind == "scenario":
        return ExportFile(f"{base}-scenario.json", scenario_file(plan).encode(), "application/json")
    msg = f"Unknown export {kind!r}: use one of {', '.join(KINDS)}."
    raise ValueError(msg)


def write_exports(
    plan: Any, region: Any, sites: Any, out: Path, kinds: Iterable[str] = KINDS, lang: str = "nb"
) -> list[Path]:
    """Write the chosen exports into ``out``; return the written paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in kinds:
        f = make_export(kind, plan, region, sites, lang)
        path = out / f.filename
        path.write_bytes(f.data)
        written.append(path)
    return written
