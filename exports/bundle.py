"""Every export of a plan, in memory: one place the app's downloads and ``evac export`` share."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd

from exports import KINDS
from exports.cap import to_cap_xml
from exports.data_files import scenario_file, to_geojson, to_geopackage, to_kml
from exports.html_map import to_html
from exports.route_map import render_route_map

#: Sender identity in CAP alerts (the municipality requesting a Nødvarsel).
CAP_SENDER = "beredskap@baerum.kommune.no"
#: File name ending and MIME type per export kind (every kind in :data:`KINDS`).
FORMATS: dict[str, tuple[str, str]] = {
    "pdf_a4": ("-a4.pdf", "application/pdf"),
    "pdf_a3": ("-a3.pdf", "application/pdf"),
    "png_a4": ("-a4.png", "image/png"),
    "png_a3": ("-a3.png", "image/png"),
    "html": (".html", "text/html"),
    "gpkg": (".gpkg", "application/geopackage+sqlite3"),
    "geojson": (".geojson", "application/geo+json"),
    "kml": (".kml", "application/vnd.google-earth.kml+xml"),
    "cap": ("-cap.xml", "application/xml"),
    "scenario": ("-scenario.json", "application/json"),
}


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


def file_stem(scenario: Any) -> str:
    """Stem of a scenario's files; an exercise's files start with ``ovelse``."""
    stem = slug(scenario.name)
    return f"ovelse-{stem}" if scenario.exercise else stem


def _format(kind: str) -> tuple[str, str]:
    try:
        return FORMATS[kind]
    except KeyError:
        msg = f"Unknown export {kind!r}: use one of {', '.join(KINDS)}."
        raise ValueError(msg) from None


def filename(kind: str, plan: Any) -> str:
    """File name of the ``kind`` export of ``plan``, e.g. ``ovelse-snaroya-a4.pdf``."""
    return file_stem(plan.scenario) + _format(kind)[0]


def mime_type(kind: str) -> str:
    """MIME type of the ``kind`` export."""
    return _format(kind)[1]


def _content(kind: str, plan: Any, region: Any, sites: Any, lang: str) -> bytes:
    """The bytes of a known export kind (:func:`filename` rejects unknown ones)."""
    if kind.startswith(("pdf_", "png_")):
        fmt, paper = kind.split("_")
        return render_route_map(
            plan, basemap_layers(region), paper=paper.upper(), lang=lang, fmt=fmt
        )
    if kind == "html":
        return to_html(plan, region, sites, lang).encode()
    if kind == "gpkg":
        return _via_file(to_geopackage, plan, ".gpkg")
    if kind == "geojson":
        return to_geojson(plan).encode()
    if kind == "kml":
        return _via_file(to_kml, plan, ".kml")
    if kind == "cap":
        return to_cap_xml(plan, sender=CAP_SENDER).encode()
    return scenario_file(plan).encode()


def make_export(kind: str, plan: Any, region: Any, sites: Any, lang: str = "nb") -> ExportFile:
    """Build one export of ``plan``.

    Parameters
    ----------
    kind
        One of :data:`KINDS`.

    Raises
    ------
    ValueError
        For an unknown kind.
    """
    name, mime = filename(kind, plan), mime_type(kind)
    return ExportFile(name, _content(kind, plan, region, sites, lang), mime)


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
