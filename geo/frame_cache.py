"""Checked GeoParquet caches in ``.cache/``: networks, repaired boundaries, parsed grids.

Reading a region pack's files (parsing XML and CSV, repairing invalid boundary
polygons) costs seconds on every run; loading the same frames from GeoParquet
costs a fraction of that. A cache folder is keyed by a hash of the source
file's bytes and of the settings that shape the result, so a changed file or
setting never serves a stale frame. Every folder holds the SHA-256 of its files
(``checksums.json``) and is written atomically (temporary folder, then
rename); a damaged folder is detected, removed and rebuilt with a one-line
warning, so it never blocks a rerun.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pyarrow.parquet as pq
import shapely

from geo import settings
from geo.crs import crs_from_json

#: The manifest holding the SHA-256 digests of a cache folder's files.
_MANIFEST = "checksums.json"
#: Bump when the layout or the reading logic of cached layers changes.
LAYER_SCHEMA = 2

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """Cache folder: ``$EVAC_CACHE`` or ``.cache/`` in the project root."""
    return Path(os.environ.get(settings.CACHE_ENV_VAR, settings.DEFAULT_CACHE_DIR))


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_frames(frames: dict[str, gpd.GeoDataFrame], folder: Path, *, what: str = "Cache") -> None:
    """Write GeoParquet files (``<name>.parquet``) and their checksums into ``folder``.

    Written to a temporary folder, then renamed: a crash never leaves half a
    cache. A cache that cannot be written (read-only or full disk, a column
    GeoParquet cannot hold) only costs speed: it is logged and rebuilt next run.
    """
    tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        for name, frame in frames.items():
            frame.to_parquet(tmp / f"{name}.parquet")
        digests = {f"{n}.parquet": file_digest(tmp / f"{n}.parquet") for n in frames}
        (tmp / _MANIFEST).write_text(json.dumps(digests, sort_keys=True), encoding="utf-8")
        tmp.rename(folder)
    except (
        Exception
    ) as exc:  # a cache that cannot be written (disk, odd column types) only costs speed
        if not folder.is_dir():  # not merely another process winning the race
            log.warning("%s not saved in %s (%s); it is rebuilt next run.", what, folder, exc)
        shutil.rmtree(tmp, ignore_errors=True)


def read_frames(
    folder: Path, names: tuple[str, ...], *, what: str = "Cache"
) -> dict[str, gpd.GeoDataFrame] | None:
    """The frames :func:`write_frames` stored, or None if absent or damaged.

    The stored SHA-256 of each file is checked before it is read, so a
    truncated, emptied or bit-flipped file is found; a damaged folder is
    removed (one-line warning) so the caller rebuilds it.
    """
    if not folder.is_dir():
        return None
    files = [f"{n}.parquet" for n in names]
    try:
        expected = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        damaged = [n for n in files if expected.get(n) != file_digest(folder / n)]
        if not damaged:
            return {n: read_geoparquet(folder / f) for n, f in zip(names, files, strict=True)}
        reason = f"{', '.join(damaged)} changed since it was written"
    except Exception as exc:  # any failure to read a cache means: rebuild it
        reason = f"{type(exc).__name__}: {str(exc)[:120]}"
    log.warning("%s %s is damaged (%s); rebuilding it.", what, folder.name, reason)
    shutil.rmtree(folder, ignore_errors=True)
    return None


def read_geoparquet(path: Path) -> gpd.GeoDataFrame:
    """A GeoParquet file :func:`write_frames` wrote, as ``gpd.read_parquet`` reads it.

    Faster on every plan: ``gpd.read_parquet`` builds a CRS from the file's
    PROJJSON for each file (about 25 ms each); here a CRS with an authority id
    (``EPSG:25832``) is built from that id once per process. Columns, index,
    dtypes and ``attrs`` are the same (``tests/test_frame_cache_read.py`` compares).

    Raises
    ------
    ValueError
        If the file is not GeoParquet with a WKB primary geometry column.
    """
    table = pq.ParquetFile(path).read()
    meta = table.schema.metadata or {}
    if b"geo" not in meta:
        raise ValueError(f"{path.name} holds no GeoParquet metadata")
    geo = json.loads(meta[b"geo"])
    column = geo["primary_column"]
    spec = geo["columns"][column]
    if spec.get("encoding") != "WKB":
        raise ValueError(f"{path.name}: geometry encoding {spec.get('encoding')!r}, not WKB")
    frame = table.to_pandas()
    # Replaced in place, so the column keeps its position among the others.
    frame[column] = shapely.from_wkb(table[column].to_numpy(zero_copy_only=False))
    # GeoParquet: a missing "crs" means OGC:CRS84, null means no CRS.
    crs = crs_from_json(json.dumps(spec.get("crs", "OGC:CRS84"), sort_keys=True))
    gdf = gpd.GeoDataFrame(frame, geometry=column, crs=crs)
    if b"PANDAS_ATTRS" in meta:  # where geopandas keeps the frame's attrs
        gdf.attrs = json.loads(meta[b"PANDAS_ATTRS"])
    return gdf


def cached_layer(
    source: Path, kind: str, build: Callable[[], gpd.GeoDataFrame], *, params: object = None
) -> gpd.GeoDataFrame:
    """``build()``'s frame for ``source``, from the cache when the file is unchanged.

    Parameters
    ----------
    source
        The file the frame is read from (its bytes are part of the key).
    kind
        Cache folder prefix (``municipalities``, ``population``, ...).
    build
        Reads and validates the file; its errors propagate and nothing is cached.
    params
        JSON-serialisable settings that change the result (also part of the key).

    The frame's ``attrs`` (e.g. a grid's vintage) travel in the GeoParquet metadata.
    """
    config = json.dumps(
        {"schema": LAYER_SCHEMA, "kind": kind, "crs": settings.WORK_CRS, "params": params},
        sort_keys=True,
    )
    digest = hashlib.sha256((file_digest(source) + config).encode()).hexdigest()
    folder = cache_dir() / "layers" / f"{kind}-{digest[:24]}"
    frames = read_frames(folder, ("layer",), what="Layer cache")
    if frames is not None:
        return frames["layer"]
    gdf = build()
    write_frames({"layer": gdf}, folder, what="Layer cache")
    return gdf
