"""Exports of a plan: printable route map, GIS data files, CAP alerts, offline HTML."""

#: Export kinds in the order the UI lists them (see :mod:`exports.bundle`).
KINDS: tuple[str, ...] = (
    "pdf_a4",
    "pdf_a3",
    "png_a4",
    "png_a3",
    "html",
    "gpkg",
    "geojson",
    "kml",
    "cap",
    "scenario",
)
