"""CAP 1.2 alert: valid, exercise-marked, bilingual, lat,lon rings, escaped text."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
import shapely
from fixtures_plan import make_plan

from exports.cap import CAP_NS, to_cap_xml, validate_cap
from geo.errors import ExportError

NS = {"cap": CAP_NS}
SENDER = "beredskap@baerum.kommune.no"
SENT = datetime(2026, 3, 15, 10, 30)


def cap(plan=None, **kwargs):
    return to_cap_xml(plan or make_plan(), sender=SENDER, sent=SENT, **kwargs)


def polygons(xml):
    root = ET.fromstring(xml)
    return [p.text for p in root.findall(".//cap:info/cap:area/cap:polygon", NS)]


def pairs(text):
    return [tuple(map(float, token.split(","))) for token in text.split()]


def test_alert_validates_and_has_the_required_header():
    xml = cap()
    assert validate_cap(xml) == []
    root = ET.fromstring(xml)
    assert root.tag == f"{{{CAP_NS}}}alert"
    assert root.findtext("cap:sender", namespaces=NS) == SENDER
    assert root.findtext("cap:sent", namespaces=NS) == "2026-03-15T10:30:00+01:00"
    assert root.findtext("cap:msgType", namespaces=NS) == "Alert"
    assert root.findtext("cap:scope", namespaces=NS) == "Public"
    assert root.findtext("cap:identifier", namespaces=NS).startswith(SENDER + ".")


def test_status_is_exercise_for_an_exercise_and_actual_otherwise():
    assert ET.fromstring(cap()).findtext("cap:status", namespaces=NS) == "Exercise"
    with pytest.raises(ExportError, match="--not-exercise"):
        cap(make_plan(exercise=False))  # a real alert must be confirmed
    real = cap(make_plan(exercise=False), actual=True)
    assert ET.fromstring(real).findtext("cap:status", namespaces=NS) == "Actual"
    assert "ØVELSE" not in real and "EXERCISE" not in real


def test_one_info_block_per_language_with_translated_texts():
    infos = ET.fromstring(cap()).findall("cap:info", NS)
    assert [i.findtext("cap:language", namespaces=NS) for i in infos] == ["no-NO", "en-US"]
    nb, en = infos
    assert nb.findtext("cap:category", namespaces=NS) == "Safety"
    assert nb.findtext("cap:event", namespaces=NS) == "Evakuering"
    assert en.findtext("cap:event", namespaces=NS) == "Evacuation"
    assert nb.findtext("cap:responseType", namespaces=NS) == "Evacuate"
    assert nb.findtext("cap:urgency", namespaces=NS) == "Immediate"
    assert nb.findtext("cap:headline", namespaces=NS).startswith("ØVELSE")
    assert en.findtext("cap:headline", namespaces=NS).startswith("EXERCISE")


def test_instruction_names_the_assigned_sites_only():
    for info in ET.fromstring(cap()).findall("cap:info", NS):
        text = info.findtext("cap:instruction", namespaces=NS)
        assert "Telenor Arena (Widerøeveien 1, 1360 Fornebu)" in text
        assert "Quality Hotel Expo" in text
        assert "Thon Hotel" not in text  # deactivated site
        assert "Snarøya skole" not in text  # added site inside the zone


def test_polygons_are_closed_lat_lon_rings_one_per_zone_part():
    texts = polygons(cap())
    assert len(texts) == 4  # two zone parts x two languages
    for text in texts:
        ring = pairs(text)
        assert ring[0] == ring[-1]
        assert len(ring) >= 4
        for lat, lon in ring:
            assert 59.85 < lat < 59.95 and 10.5 < lon < 10.7  # lat first


def test_polygon_vertices_are_the_zone_vertices():
    plan = make_plan()
    zone = plan.zone.to_crs(4326).geometry.iloc[0]
    ring = shapely.Polygon([(lon, lat) for lat, lon in pairs(polygons(cap(plan))[0])])
    assert ring.symmetric_difference(zone.geoms[0]).area < 1e-8


def test_detailed_zone_is_simplified_to_at_most_max_points():
    plan = make_plan()
    centre = plan.zone.geometry.iloc[0].geoms[0].centroid
    plan.zone.loc[0, "geometry"] = centre.buffer(800, quad_segs=256)  # 1025 points
    xml = cap(plan, max_points=100)
    assert validate_cap(xml) == []
    ring = pairs(polygons(xml)[0])
    assert 4 <= len(ring) <= 100
    area = shapely.Polygon([(lon, lat) for lat, lon in ring]).area
    assert area > 0


def test_hostile_labels_are_escaped_not_executed():
    hostile = "<script>alert(1)</script>"
    xml = cap(make_plan(label=hostile, name=hostile))
    assert "<script>" not in xml
    assert "&lt;script&gt;" in xml
    assert validate_cap(xml) == []
    area = ET.fromstring(xml).find(".//cap:areaDesc", NS).text
    assert area.startswith(hostile)  # text survives a parse unchanged


def test_lifted_zones_are_left_out_while_others_are_active():
    plan = make_plan()
    lifted = plan.zone.iloc[[0]].copy()
    lifted["label"], lifted["status"] = "Fornebu", "opphevet"
    lifted.geometry = lifted.geometry.translate(0, 3000)
    plan.zone = type(plan.zone)(
        [*plan.zone.to_dict("records"), *lifted.to_dict("records")], crs=plan.zone.crs
    )
    xml = cap(plan)
    assert "Fornebu (Opphevet)" not in xml
    assert len(polygons(xml)) == 4


def test_utc_time_is_written_as_minus_zero_offset():
    xml = to_cap_xml(make_plan(), sender=SENDER, sent=datetime(2026, 3, 15, 9, 30, tzinfo=UTC))
    assert "<sent>2026-03-15T09:30:00-00:00</sent>" in xml


def test_bad_sender_or_language_is_refused():
    with pytest.raises(ValueError, match="spaces"):
        to_cap_xml(make_plan(), sender="Bærum kommune")
    with pytest.raises(ValueError, match="de"):
        to_cap_xml(make_plan(), sender=SENDER, lang_pair=("no", "de"))


def _replace_first_polygon(xml, text):
    start = xml.index("<polygon>") + len("<polygon>")
    return xml[:start] + text + xml[xml.index("</polygon>", start) :]


def test_validator_reports_swapped_order_open_rings_and_missing_elements():
    xml = cap()
    ring = pairs(polygons(xml)[0])
    swapped = " ".join(f"{lon},{lat}" for lat, lon in ring)
    assert any("order lon,lat" in p for p in validate_cap(_replace_first_polygon(xml, swapped)))
    opened = " ".join(f"{lat},{lon}" for lat, lon in ring[:-1])
    assert any("not closed" in p for p in validate_cap(_replace_first_polygon(xml, opened)))
    bowtie = "59.88,10.60 59.89,10.61 59.88,10.61 59.89,10.60 59.88,10.60"
    assert any("itself" in p for p in validate_cap(_replace_first_polygon(xml, bowtie)))
    no_status = xml.replace("<status>Exercise</status>", "")
    assert any("status" in p for p in validate_cap(no_status))
    bad_urgency = xml.replace("<urgency>Immediate</urgency>", "<urgency>Now</urgency>", 1)
    assert any("urgency" in p for p in validate_cap(bad_urgency))
    assert validate_cap("<alert>")[0].startswith("Not well-formed XML")
    assert "namespace" in validate_cap("<alert/>")[0]
