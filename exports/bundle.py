"""Every export of a plan, in memory: one place the app's downloads and ``evac export`` share."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd

from exports import KINDS
from exports.cap import check_cap_status, to_cap_xml
from exports.data_files import scenario_file, to_geojson, to_geopackage, to_kml
from exports.html_map import to_html
from exports.route_map import render_route_map
from geo.atomic import ensure_folder, output_error, write_bytes
from geo.names import slugify

if TYPE_CHECKING:
    from geo.region import Region
    from planning.plan import Plan
    from planning.scenario import Scenario

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


def basemap_layers(region: Region) -> dict[str, gpd.GeoDataFrame]:
    """The region's own vector data for printed maps (no tiles, no internet)."""
    return {"municipalities": region.neighbours, "roads": region.network("drive").edges}


def _via_file(write: Callable[..., Any], plan: Plan, suffix: str, lang: str) -> bytes:
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"plan{suffix}"
            write(plan, path, lang=lang)
            return path.read_bytes()
    except OSError as exc:
        # The writers report their own folder; here it is the system temp folder.
        raise output_error(Path(tempfile.gettempdir()) / f"plan{suffix}", exc) from None


def slug(name: str) -> str:
    """File-name-safe version of a scenario name."""
    return slugify(name, fallback="plan", max_length=60)


def file_stem(scenario: Scenario) -> str:
    """Stem of a scenario's files; an exercise's files start with ``ovelse``."""
    stem = slug(scenario.name)
    return f"ovelse-{stem}" if scenario.exercise else stem


def _format(kind: str) -> tuple[str, str]:
    try:
        return FORMATS[kind]
    except KeyError:
        msg = f"Unknown export {kind!r}: use one of {', '.join(KINDS)}."
        raise ValueError(msg) from None


def filename(kind: str, plan: Plan) -> str:
    """File name of the ``kind`` export of ``plan``, e.g. ``ovelse-snaroya-a4.pdf``."""
    return file_stem(plan.scenario) + _format(kind)[0]


def mime_type(kind: str) -> str:
    """MIME type of the ``kind`` export."""
    return _format(kind)[1]


def _content(
    kind: str, plan: Plan, region: Region, sites: gpd.GeoDataFrame, lang: str, actual: bool
) -> bytes:
    """The bytes of a known export kind (:func:`filename` rejects unknown ones)."""
    if kind.startswith(("pdf_", "png_")):
        fmt, paper = kind.split("_")
        return render_route_map(
            plan, basemap_layers(region), paper=paper.upper(), lang=lang, fmt=fmt
        )
    if kind == "html":
        return to_html(plan, region, sites, lang).encode()
    if kind == "gpkg":
        return _via_file(to_geopackage, plan, ".gpkg", lang)
    if kind == "geojson":
        return to_geojson(plan, lang=lang).encode()
    if kind == "kml":
        return _via_file(to_kml, plan, ".kml", lang)
    if kind == "cap":
        return to_cap_xml(plan, sender=CAP_SENDER, actual=actual).encode()
    return scenario_file(plan).encode()


def make_export(
    kind: str,
    plan: Plan,
    region: Region,
    sites: gpd.GeoDataFrame,
    lang: str = "nb",
    *,
    actual: bool = False,
) -> ExportFile:
    """Build one export of ``plan``.

    Parameters
    ----------
    kind
        One of :data:`KINDS`.
    actual
        Confirms a real (non-exercise) CAP alert, see :func:`check_exportable`.

    Raises
    ------
    ValueError
        For an unknown kind.
    ExportError
        For a CAP alert of a non-exercise scenario without ``actual``.
    """
    name, mime = filename(kind, plan), mime_type(kind)
    return ExportFile(name, _content(kind, plan, region, sites, lang, actual), mime)


def check_exportable(scenario: Scenario, kinds: Iterable[str], *, actual: bool) -> None:
    """Raise :class:`~geo.errors.ExportError` before any work if a CAP alert would be refused."""
    if "cap" in kinds:
        check_cap_status(scenario, actual=actual)


def write_exports(
    plan: Plan,
    region: Region,
    sites: gpd.GeoDataFrame,
    out: Path,
    kinds: Iterable[str] = KINDS,
    lang: str = "nb",
    *,
    actual: bool = False,
) -> list[Path]:
    """Write the chosen exports into ``out``; return the written paths.

    Each file is written atomically (complete or absent). Checks run before the
    first file is written, so a refused CAP alert leaves the folder untouched.

    Raises
    ------
    OutputError
        If ``out`` is not a writable folder or the disk is full.
    """
    kinds = list(kinds)
    check_exportable(plan.scenario, kinds, actual=actual)
    ensure_folder(out)
    written = []
    for kind in kinds:
        f = make_export(kind, plan, region, sites, lang, actual=actual)
        written.append(write_bytes(out / f.filename, f.data))
    return written
