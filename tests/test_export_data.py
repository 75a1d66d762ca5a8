"""GIS exports: GeoPackage layers in EPSG:25832, RFC 7946 GeoJSON, escaped KML, scenario JSON."""

import html
import json
import xml.etree.ElementTree as ET

import geopandas as gpd
import pyogrio
import pytest
import shapely
from fixtures_plan import make_plan
from pyproj import CRS

from exports.data_files import (
    LAYERS,
    plan_layers,
    scenario_file,
    to_geojson,
    to_geopackage,
    to_kml,
)
from geo.settings import MAP_CRS, WORK_CRS
from planning.scenario import scenario_from_json
from planning.summary_model import layer_reasons

KML_NS = "{http://www.opengis.net/kml/2.2}"
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def plan():
    return make_plan()


def test_geopackage_holds_every_layer_in_utm32(plan, tmp_path):
    path = to_geopackage(plan, tmp_path / "plan.gpkg")
    listed = {name: geom for name, geom in pyogrio.list_layers(path)}
    assert list(listed) == list(LAYERS)
    for name in LAYERS:
        info = pyogrio.read_info(path, layer=name)
        assert CRS(info["crs"]).equals(CRS(WORK_CRS))
        assert info["features"] == len(plan_layers(plan)[name])
    zone = gpd.read_file(path, layer="zone")
    assert zone.geometry.iloc[0].equals_exact(plan.zone.geometry.iloc[0], tolerance=1e-6)


def test_geopackage_replaces_an_old_file_and_keeps_empty_layers(plan, tmp_path):
    path = tmp_path / "plan.gpkg"
    to_geopackage(plan, path)
    plan_no_routes = make_plan()
    plan_no_routes.routes = plan_no_routes.routes.iloc[:0]
    to_geopackage(plan_no_routes, path)
    assert pyogrio.read_info(path, layer="routes")["features"] == 0
    assert pyogrio.read_info(path, layer="sites")["features"] == len(plan.sites) == 4


def _rings(geometry):
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [(poly[0], poly[1:]) for poly in polygons]


def test_geojson_is_rfc7946_lon_lat_without_crs_member(plan):
    data = json.loads(to_geojson(plan))
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data
    assert len(data["features"]) == sum(len(f) for f in plan_layers(plan).values())
    coords = shapely.get_coordinates(
        [shapely.from_geojson(json.dumps(f["geometry"])) for f in data["features"]]
    )
    lon, lat = coords[:, 0], coords[:, 1]
    assert ((lon > 10.5) & (lon < 10.7)).all()  # Fornebu: lon ~10.6 first ...
    assert ((lat > 59.85) & (lat < 59.95)).all()  # ... then lat ~59.9


def test_geojson_polygons_follow_the_right_hand_rule(plan):
    plan = make_plan()
    # Give the zone a hole, so both ring orientations are checked.
    outer = plan.zone.geometry.iloc[0].geoms[0]
    plan.zone.loc[0, "geometry"] = outer.difference(outer.centroid.buffer(200))
    data = json.loads(to_geojson(plan))
    polygons = [f["geometry"] for f in data["features"] if "Polygon" in f["geometry"]["type"]]
    assert polygons
    saw_hole = False
    for geometry in polygons:
        for exterior, holes in _rings(geometry):
            assert shapely.LinearRing(exterior).is_ccw
            for hole in holes:
                saw_hole = True
                assert not shapely.LinearRing(hole).is_ccw
    assert saw_hole


def test_geojson_features_name_their_layer_and_one_layer_can_be_picked(plan):
    every = json.loads(to_geojson(plan))
    assert {f["properties"]["layer"] for f in every["features"]} == set(LAYERS)
    sites = json.loads(to_geojson(plan, layer="sites"))
    assert [f["properties"]["name"] for f in sites["features"]] == list(plan.sites["name"])
    evacuees = json.loads(to_geojson(plan, layer="evacuees"))
    # NaN travel time of an unreachable group becomes JSON null, not invalid NaN.
    minutes = [f["properties"]["travel_min"] for f in evacuees["features"]]
    unreachable = (plan.evacuees["status"] == "unreachable").tolist()
    assert any(unreachable)
    assert [m is None for m in minutes] == unreachable
    with pytest.raises(ValueError, match="roads"):
        to_geojson(plan, layer="roads")


def test_geojson_geometry_matches_the_plan_in_lon_lat(plan):
    data = json.loads(to_geojson(plan, layer="sites"))
    first = shapely.from_geojson(json.dumps(data["features"][0]["geometry"]))
    expected = plan.sites.to_crs(MAP_CRS).geometry.iloc[0]
    assert first.distance(expected) < 1e-6


def test_kml_parses_and_has_a_placemark_per_feature(plan, tmp_path):
    path = to_kml(plan, tmp_path / "plan.kml")
    root = ET.parse(path).getroot()
    placemarks = root.findall(f".//{KML_NS}Placemark")
    assert len(placemarks) == sum(len(f) for f in plan_layers(plan).values())
    names = [p.findtext(f"{KML_NS}name") for p in placemarks]
    assert "Telenor Arena" in names and "Snarøyveien" in names
    folders = [f.findtext(f"{KML_NS}name") for f in root.iter() if f.tag.endswith("Folder")]
    assert "zone" in folders
    first = root.find(f".//{KML_NS}Point/{KML_NS}coordinates").text.split(",")
    assert 10.5 < float(first[0]) < 10.7 and 59.85 < float(first[1]) < 59.95  # lon,lat


def test_kml_escapes_hostile_names_and_descriptions(tmp_path):
    plan = make_plan(label=HOSTILE, name=HOSTILE)
    plan.sites.loc[0, "address"] = HOSTILE
    path = to_kml(plan, tmp_path / "hostile.kml")
    text = path.read_text(encoding="utf-8")
    assert "<script>" not in text
    root = ET.parse(path).getroot()
    zone_name = root.find(f".//{KML_NS}Placemark").findtext(f"{KML_NS}name")
    assert zone_name == "&lt;script&gt;alert(1)&lt;/script&gt;"  # shown as text by viewers


def test_scenario_file_round_trips(plan):
    assert scenario_from_json(scenario_file(plan)) == plan.scenario


def test_closures_from_the_scenario_are_a_layer_with_their_length(plan, tmp_path):
    path = to_geopackage(plan, tmp_path / "plan.gpkg")
    closures = gpd.read_file(path, layer="closures")
    assert len(closures) == 1 and closures.crs.equals(CRS(WORK_CRS))
    # The fixture's closure cuts Forneburingen between two junctions, ~280 m of road.
    assert closures["length_m"].tolist() == plan.closures["length_m"].tolist()
    assert 150 < closures["length_m"].iloc[0] < 350
    assert bool(closures["computed"].iloc[0])
    kml = ET.parse(to_kml(plan, tmp_path / "plan.kml")).getroot()
    # GDAL writes the first layer as a Folder, the appended ones as Documents.
    names = [
        e.findtext(f"{KML_NS}name") for e in kml.iter() if e.tag.endswith(("Folder", "Document"))
    ]
    assert "closures" in names


def test_closures_keep_the_planners_label_and_roads_cut(plan, tmp_path):
    props = json.loads(to_geojson(plan, "closures"))["features"][0]["properties"]
    assert props["label"] == "Stengning 1"  # the planner's label for an unnamed closure
    assert props["roads_cut"] == "Forneburingen"
    kml = ET.parse(to_kml(plan, tmp_path / "plan.kml")).getroot()
    placemarks = {
        p.findtext(f"{KML_NS}name"): p.findtext(f"{KML_NS}description")
        for p in kml.iter(f"{KML_NS}Placemark")
    }
    assert placemarks["Stengning 1"] == "Forneburingen"


def test_exits_and_kindergartens_are_exported_and_empty_layers_keep_their_columns(plan, tmp_path):
    path = to_geopackage(plan, tmp_path / "plan.gpkg")
    assert gpd.read_file(path, layer="exits")["name"].tolist() == ["Snarøyveien nordøst"]
    assert gpd.read_file(path, layer="kindergartens")["capacity"].tolist() == [36]
    quiet = make_plan()
    quiet.exits, quiet.kindergartens = quiet.exits.iloc[:0], quiet.kindergartens.iloc[:0]
    path = to_geopackage(quiet, tmp_path / "quiet.gpkg")
    assert pyogrio.read_info(path, layer="exits")["features"] == 0
    assert "people" in pyogrio.read_info(path, layer="exits")["fields"]
    assert "capacity" in pyogrio.read_info(path, layer="kindergartens")["fields"]


def test_roads_cut_text_from_the_planner_is_kept_whole(plan, tmp_path):
    # The planner's closures layer holds the roads as one text; joining it again
    # letter by letter ("S; n; a; …") garbled every export of a real plan.
    text = plan.closures["roads_cut"].iloc[0]
    path = to_geopackage(plan, tmp_path / "plan.gpkg")
    assert gpd.read_file(path, layer="closures")["roads_cut"].tolist() == [text]
    props = json.loads(to_geojson(plan, "closures"))["features"][0]["properties"]
    assert props["roads_cut"] == text and ";" not in text


def _reasons(frames):
    return {r for f in frames for r in f["reason"] if isinstance(r, str) and r}


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_reasons_in_every_gis_file_are_in_the_export_language(plan, tmp_path, lang):
    # The fixture plan has unassigned and unreachable people and a site inside the zone.
    english = _reasons([plan.evacuees, plan.sites])
    assert len(english) >= 3
    wanted = {layer_reasons(plan.summary, lang)[r] for r in english}
    assert wanted.isdisjoint(english) if lang == "nb" else wanted == english
    gpkg = to_geopackage(plan, tmp_path / "plan.gpkg", lang=lang)
    layers = [gpd.read_file(gpkg, layer=name) for name in ("evacuees", "sites")]
    assert _reasons(layers) == wanted
    features = json.loads(to_geojson(plan, lang=lang))["features"]
    assert {f["properties"].get("reason") for f in features} - {None, ""} == wanted
    kml = to_kml(plan, tmp_path / "plan.kml", lang=lang).read_text(encoding="utf-8")
    for text in english - wanted:  # every English reason, in a bokmål file
        assert html.escape(text, quote=False) not in kml, text
    assert all(html.escape(text, quote=False) in kml for text in wanted)
