"""A script payload in scenario and zone names stays inert in every export."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from plan_support import plan_for

from exports import KINDS
from exports.bundle import make_export
from geo.registry import load_sites
from planning.presets import load_preset

XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def hostile_plan(region):
    scenario = copy.deepcopy(load_preset("snaroya"))
    scenario.name = f"Øvelse {XSS}"
    scenario.zones[0].label = f"Sone {XSS}"
    return plan_for(region, scenario)


@pytest.mark.parametrize("kind", ["html", "kml", "cap"])
def test_markup_exports_carry_the_payload_only_escaped(region, hostile_plan, kind):
    data = make_export(kind, hostile_plan, region, load_sites()).data.decode()
    assert XSS not in data
    assert "&lt;script&gt;" in data or "\\u003cscript" in data or "&amp;lt;script" in data
    if kind != "html":
        ET.fromstring(data.encode())  # still well-formed XML


def test_geojson_and_scenario_keep_the_payload_as_plain_json_data(region, hostile_plan):
    for kind in ("geojson", "scenario"):
        doc = json.loads(make_export(kind, hostile_plan, region, load_sites()).data)
        assert XSS in json.dumps(doc, ensure_ascii=False)  # data, byte-exact, never markup


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_pdf_prints_the_payload_as_literal_text(region, hostile_plan, tmp_path):
    pdf = tmp_path / "map.pdf"
    pdf.write_bytes(make_export("pdf_a4", hostile_plan, region, load_sites()).data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "alert(1)" in text
    assert b"/JavaScript" not in pdf.read_bytes() and b"/JS" not in pdf.read_bytes()


def test_every_export_kind_is_covered_here():
    covered = {"html", "kml", "cap", "geojson", "scenario", "pdf_a4"}
    # PNG and A3 share the PDF/PNG renderer: text drawn as pixels or glyphs, never run.
    assert set(KINDS) - covered == {"pdf_a3", "png_a4", "png_a3", "gpkg"}
