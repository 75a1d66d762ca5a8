"""Every written file is complete or absent; failures name the folder and the cause.

Run as root in CI, a chmod'ed folder is still writable, so "read-only" is
simulated by the permission check and by writers raising ``PermissionError``;
a full disk by writers raising ``OSError(ENOSPC)`` (and GDAL's own "database
or disk is full" error for the GeoPackage).
"""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

import pyogrio
import pytest

from exports.bundle import write_exports
from exports.data_files import to_geopackage, to_kml
from geo.atomic import atomic_write, ensure_folder, write_text
from geo.errors import OutputError
from planning.presets import PRESETS_DIR
from tests.cli_support import run_cli

GDAL_FULL = (
    "sqlite3_exec(INSERT INTO gpkg_contents (table_name, data_type, identifier, "
    + "x" * 5000
    + ") failed: database or disk is full"
)


def raise_enospc(*_args: Any, **_kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_atomic_write_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    write_text(target, "old")
    write_text(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    write_text(target, "old")

    def half_then_full(tmp: Path) -> None:
        tmp.write_text("half")
        raise_enospc()

    with pytest.raises(OutputError) as err:
        atomic_write(target, half_then_full)
    assert "the disk is full (ENOSPC)" in str(err.value)
    assert str(tmp_path) in str(err.value)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_permission_denied_names_the_folder(tmp_path: Path) -> None:
    def denied(_tmp: Path) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    with pytest.raises(OutputError, match="permission denied") as err:
        atomic_write(tmp_path / "b.json", denied)
    assert f"in {tmp_path}" in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_read_only_folder_is_refused_up_front(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("geo.atomic.os.access", lambda *_a, **_k: False)
    with pytest.raises(OutputError, match="permission denied"):
        ensure_folder(tmp_path)
    status, _, err = run_cli("plan", "--preset", "snaroya", "--out", str(tmp_path / "o"))
    assert status == 2 and "permission denied" in err and "internal error" not in err


def test_out_pointing_at_a_file_is_a_clear_error(tmp_path: Path) -> None:
    a_file = tmp_path / "plan.txt"
    a_file.write_text("x")
    for argv in (
        ["plan", "--preset", "snaroya", "--out", str(a_file)],
        ["export", "--preset", "snaroya", "--kind", "scenario", "--out", str(a_file)],
        ["plan", "--preset", "snaroya", "--out", str(a_file / "sub")],
    ):
        status, _, err = run_cli(*argv)
        assert status == 2, err
        assert err.startswith("evac: error: ") and "internal error" not in err
        assert "not a folder" in err or "is a file" in err
    assert a_file.read_text() == "x"


@pytest.fixture
def quick_plan(monkeypatch: pytest.MonkeyPatch, snaroya_plan: Any) -> Any:
    """``evac plan``/``export`` reuse the session's Snarøya plan instead of computing one."""
    monkeypatch.setattr("planning.plan.make_plan", lambda *_a, **_k: snaroya_plan)
    return snaroya_plan


@pytest.mark.usefixtures("quick_plan")
def test_disk_full_during_plan_is_short_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_a: Any, **_k: Any) -> None:
        raise pyogrio.errors.DataSourceError(GDAL_FULL)

    monkeypatch.setattr(pyogrio, "write_dataframe", full)
    out = tmp_path / "out"
    status, _, err = run_cli("plan", "--preset", "snaroya", "--out", str(out))
    assert status == 2
    assert "disk is full" in err and str(out) in err
    assert len(err) < 300 and "INSERT" not in err
    assert list(out.iterdir()) == []


@pytest.mark.usefixtures("quick_plan")
def test_plan_writes_valid_files(tmp_path: Path) -> None:
    status, _, err = run_cli("plan", "--preset", "snaroya", "--out", str(tmp_path))
    assert status == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.gpkg", "summary.json"]
    json.loads((tmp_path / "summary.json").read_text(), parse_constant=pytest.fail)


@pytest.mark.usefixtures("quick_plan")
def test_disk_full_during_summary_and_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write_text, real_write_bytes = Path.write_text, Path.write_bytes

    def guard(real: Any) -> Any:
        def write(self: Path, *args: Any, **kwargs: Any) -> Any:
            if ".tmp" in self.name:
                raise_enospc()
            return real(self, *args, **kwargs)

        return write

    monkeypatch.setattr(Path, "write_text", guard(real_write_text))
    monkeypatch.setattr(Path, "write_bytes", guard(real_write_bytes))
    status, _, err = run_cli("plan", "--preset", "snaroya", "--out", str(tmp_path / "p"))
    assert status == 2 and "summary.json" in err and "ENOSPC" in err
    assert [p.name for p in (tmp_path / "p").iterdir()] == ["plan.gpkg"]
    out = tmp_path / "e"
    status, _, err = run_cli(
        "export", "--preset", "snaroya", "--kind", "geojson", "--kind", "cap", "--out", str(out)
    )
    assert status == 2 and "disk is full" in err and str(out) in err
    assert list(out.iterdir()) == []


def test_geopackage_and_kml_are_replaced_atomically(snaroya_plan: Any, tmp_path: Path) -> None:
    gpkg = to_geopackage(snaroya_plan, tmp_path / "plan.gpkg")
    kml = to_kml(snaroya_plan, tmp_path / "plan.kml")
    assert set(pyogrio.list_layers(gpkg)[:, 0]) >= {"zone", "routes", "sites"}
    assert kml.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    before = gpkg.read_bytes()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pyogrio, "write_dataframe", raise_enospc)
        with pytest.raises(OutputError, match="ENOSPC"):
            to_geopackage(snaroya_plan, gpkg)
    assert gpkg.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.gpkg", "plan.kml"]


def test_write_exports_into_a_file_path_is_refused(snaroya_plan: Any, tmp_path: Path) -> None:
    a_file = tmp_path / "f"
    a_file.write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        write_exports(snaroya_plan, None, None, a_file, ["scenario"])


def test_store_export_to_a_bad_path_is_a_clear_error(tmp_path: Path) -> None:
    store = str(tmp_path / "s.sqlite")
    scen = tmp_path / "s.json"
    scen.write_text((PRESETS_DIR / "snaroya.json").read_text(encoding="utf-8"))
    status, out, err = run_cli("scenario", "save", str(scen), "--store", store)
    assert status == 0, err
    scenario_id = out.split()[1]
    target = tmp_path / "s.json" / "x.json"  # s.json is a file
    status, _, err = run_cli("scenario", "export", scenario_id, "--store", store, "-o", str(target))
    assert status == 2 and "not a folder" in err and "internal error" not in err


def test_upload_with_a_full_temp_disk_is_an_upload_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from geo.errors import UploadError
    from geo.zone_files import read_geometries

    monkeypatch.setattr(Path, "write_bytes", raise_enospc)
    with pytest.raises(UploadError, match=r"sone\.gpkg cannot be read: .*ENOSPC"):
        read_geometries(b"SQLite format 3\x00" + b"\x00" * 100, "sone.gpkg")
