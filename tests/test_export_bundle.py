"""Export file names and types come from one place, used by make_export and the app."""

from __future__ import annotations

import pytest
from fixtures_plan import make_plan

from exports import KINDS
from exports.bundle import FORMATS, file_stem, filename, make_export, mime_type
from planning.summary_model import layer_reasons
from ui import app_exports


def test_every_export_kind_has_a_file_ending_and_a_mime_type():
    assert set(FORMATS) == set(KINDS)
    assert len({ending for ending, _ in FORMATS.values()}) == len(KINDS)


@pytest.mark.parametrize("kind", ["geojson", "kml", "gpkg", "cap", "scenario"])
def test_make_export_names_its_file_with_filename(kind):
    plan = make_plan(exercise=False, name="Snarøya brann")
    export = make_export(kind, plan, region=None, sites=None, actual=True)  # a real incident
    assert export.filename == filename(kind, plan)
    assert export.mime == mime_type(kind)
    assert export.filename.startswith("snaroya-brann")
    assert export.data


def test_exercise_files_start_with_ovelse():
    plan = make_plan(exercise=True, name="Snarøya brann")
    assert filename("pdf_a4", plan) == "ovelse-snaroya-brann-a4.pdf"
    assert filename("cap", plan) == "ovelse-snaroya-brann-cap.xml"
    assert (
        make_export("scenario", plan, None, None).filename == "ovelse-snaroya-brann-scenario.json"
    )


def test_unknown_kind_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="pdf_a4"):
        filename("docx", make_plan())
    with pytest.raises(ValueError, match="Unknown export"):
        make_export("docx", make_plan(), None, None)


def test_the_app_uses_the_bundle_names_not_its_own_copy():
    assert not hasattr(app_exports, "SUFFIXES") and not hasattr(app_exports, "MIMES")
    assert app_exports.file_stem is file_stem
    assert app_exports.filename is filename and app_exports.mime_type is mime_type


@pytest.mark.parametrize("kind", ["gpkg", "geojson", "kml"])
def test_gis_exports_from_the_app_carry_reasons_in_the_app_language(kind):
    plan = make_plan()
    nb = layer_reasons(plan.summary, "nb")
    english = {r for r in plan.evacuees["reason"] if r}
    data = make_export(kind, plan, None, None, lang="nb").data
    for reason in english:
        assert nb[reason].encode() in data, reason
        assert reason.encode() not in data, reason
