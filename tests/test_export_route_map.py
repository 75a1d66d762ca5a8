"""Printable route map: a real PDF with extractable text, A4/A3 landscape, PNG not blank."""

import io
import re
import shutil
import subprocess

import numpy as np
import pytest
from fixtures_plan import make_plan
from mini_region import mini_region
from PIL import Image
from pyproj import Transformer

from exports import cartography as carto
from exports.bundle import basemap_layers
from exports.map_furniture import (
    fit_extent,
    grid_convergence_deg,
    nice_length,
    scale_denominator,
)
from exports.print_panel import _name_lines
from exports.route_map import render_route_map
from geo.settings import ATTRIBUTION

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed"
)


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True, timeout=30
    )
    # Normalise whitespace: labels may wrap or use non-breaking spaces.
    return " ".join(out.stdout.decode("utf-8").split())


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def media_box(pdf: bytes) -> tuple[float, float]:
    match = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert match, "PDF has no MediaBox"
    return float(match[1]), float(match[2])


@pytest.fixture(scope="module")
def layers():
    return basemap_layers(mini_region())


@pytest.fixture(scope="module")
def pdf_nb(layers):
    return render_route_map(make_plan(exercise=True), layers, paper="A4", lang="nb")


@pytest.fixture(scope="module")
def pdf_en(layers):
    return render_route_map(make_plan(exercise=True), layers, paper="A4", lang="en")


def test_pdf_opens_as_pdf_with_embedded_truetype_text(pdf_nb):
    assert pdf_nb.startswith(b"%PDF")
    # Type 42 (TrueType) fonts, not Type 3 glyph drawings: text stays selectable.
    assert b"/FontType 3" not in pdf_nb
    assert b"/Subtype /CIDFontType2" in pdf_nb or b"/Subtype /TrueType" in pdf_nb


def site_figures(plan) -> list[str]:
    """Key figure per receiving site: assigned of capacity, "(antatt)" when assumed."""
    used = plan.sites.loc[plan.sites["assigned"] > 0]
    return [
        f"{r.assigned} av {r.capacity}" + (" (antatt)" if r.capacity_assumed else "")
        for r in used.itertuples()
    ]


def bottleneck_label(plan) -> str:
    """The most loaded road as the map labels it: name and load in per cent."""
    top = plan.routes.loc[plan.routes["load_ratio"].idxmax()]
    return f"{top['name']} {round(top['load_ratio'] * 100)} %"


@needs_pdftotext
def test_pdf_text_has_title_legend_figures_attribution_and_exercise_marker(pdf_nb):
    text = pdf_text(pdf_nb)
    plan = make_plan()
    figures = site_figures(plan)
    assert figures == ["250 av 250 (antatt)", "100 av 100"]  # Quality Hotel Expo, Telenor Arena
    for label, value in carto.clearance_rows(plan.summary, "nb"):
        assert label in text and value in text, (label, value)
    assert bottleneck_label(plan) == "Snarøyveien 169 %"  # the neck, overloaded
    for expected in (
        "Evakueringskart",
        "Snarøya brann",
        "Tegnforklaring",
        "Sone: Evakueringsordre",
        "Nedslagsfelt: Telenor Arena",
        "Nøkkeltall",
        *figures,
        "Ute av sonen, 90 %",
        "Fremme, 90 %",
        "Ansvarlige aktører",
        "Oslo politidistrikt",
        "Snarøya sør: Evakueringsordre",
        bottleneck_label(plan),
        "Snarøya skole (utilgjengelig)",
        "Stengning 1: Forneburingen",
        "Stengt vei",
        "Trygg utgang",
        "Barnehage",
        "Sårbart punkt",
        "Kjøreretning",
        "Tiltakskort",
        "ØVELSE",
        " ".join(ATTRIBUTION.split()),
    ):
        assert expected in text, expected


@needs_pdftotext
def test_english_switch_gives_english_labels(pdf_en):
    text = pdf_text(pdf_en)
    for expected in ("Evacuation route map", "Legend", "Key figures", "EXERCISE", "assumed"):
        assert expected in text, expected
    for norwegian in ("Tegnforklaring", "Nøkkeltall", "ØVELSE"):
        assert norwegian not in text


@needs_pdftotext
def test_no_exercise_marker_for_a_real_incident(layers):
    pdf = render_route_map(make_plan(exercise=False), layers)
    text = pdf_text(pdf)
    assert "ØVELSE" not in text
    assert "Evakueringskart" in text


def test_a4_and_a3_are_landscape_and_a3_is_larger(layers, pdf_nb):
    a3 = render_route_map(make_plan(), layers, paper="A3")
    a4_w, a4_h = media_box(pdf_nb)
    a3_w, a3_h = media_box(a3)
    assert (round(a4_w), round(a4_h)) == (842, 595)  # 297 x 210 mm in points
    assert (round(a3_w), round(a3_h)) == (1191, 842)  # 420 x 297 mm
    assert a3_w > a4_w and a3_h > a4_h


def test_png_has_paper_aspect_ratio_and_is_not_blank(layers):
    png = render_route_map(make_plan(), layers, fmt="png", dpi=80)
    assert png.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(png))
    width, height = image.size
    assert width > height
    assert abs(width / height - 297 / 210) < 0.01
    pixels = np.asarray(image.convert("L"), dtype=float)
    assert pixels.std() > 20  # a blank or single-colour page has ~0


def test_map_renders_without_basemap_layers():
    png = render_route_map(make_plan(), None, fmt="png", dpi=50)
    assert np.asarray(Image.open(io.BytesIO(png)).convert("L")).std() > 10


def test_unknown_paper_format_or_language_is_refused(layers):
    with pytest.raises(ValueError, match="A5"):
        render_route_map(make_plan(), layers, paper="A5")
    with pytest.raises(ValueError, match="svg"):
        render_route_map(make_plan(), layers, fmt="svg")
    with pytest.raises(KeyError, match="de"):
        render_route_map(make_plan(), layers, lang="de")


def test_nice_length_picks_1_2_5_steps():
    assert [nice_length(x) for x in (0.9e3, 1.9e3, 4.99e3, 730.0, 12.0)] == [
        500.0,
        1000.0,
        2000.0,
        500.0,
        10.0,
    ]


def test_scale_denominator_from_metres_on_paper():
    # 3.8 km across 190 mm of paper is 1:20 000.
    assert scale_denominator(3800.0, 190.0) == 20_000


def test_fit_extent_matches_axes_aspect_and_contains_bounds():
    bounds = (595_000.0, 6_640_000.0, 597_000.0, 6_641_000.0)
    minx, miny, maxx, maxy = fit_extent(bounds, aspect=1.5)
    assert (maxx - minx) / (maxy - miny) == pytest.approx(1.5)
    assert minx < bounds[0] and miny < bounds[1] and maxx > bounds[2] and maxy > bounds[3]


def test_north_arrow_leans_left_east_of_the_utm32_central_meridian():
    x, y = Transformer.from_crs(4326, 25832, always_xy=True).transform(10.62, 59.90)
    # Meridian convergence ~ (lon - 9) * sin(lat) = 1.4 degrees.
    assert grid_convergence_deg(x, y) == pytest.approx(-1.40, abs=0.05)


@needs_pdftotext
def test_user_text_prints_as_typed_without_math_or_markup(layers):
    name = "Øvelse $x$ <b>&amp;"
    text = pdf_text(render_route_map(make_plan(name=name, label="Sone $1"), layers))
    assert name in text
    assert "Sone $1" in text


@needs_pdftotext
def test_key_figures_show_people_going_to_their_own_arrangements(pdf_nb):
    plan = make_plan()
    own = int(plan.evacuees.loc[plan.evacuees["status"] == "own_arrangements", "people"].sum())
    assert own > 1000  # printed with a thousands space
    text = pdf_text(pdf_nb)
    assert "Egne ordninger" in text and f"{own:,}".replace(",", " ") in text


@needs_pdftotext
def test_unavailable_site_on_the_map_is_labelled_and_in_the_legend(layers, pdf_nb):
    # The fixture's deactivated Thon Hotel lies outside the frame: neither drawn nor listed.
    assert "Thon Hotel Oslofjord" not in pdf_text(pdf_nb).split("Tiltakskort")[0]
    plan = make_plan()
    expo = plan.sites["name"] == "Quality Hotel Expo"
    plan.sites.loc[expo, ["available", "reason"]] = [False, "inside the hazard zone"]
    text = pdf_text(render_route_map(plan, layers))
    assert "Quality Hotel Expo (utilgjengelig)" in text
    assert "Mottakssted utilgjengelig" in text


def pdf_page_text(pdf: bytes, page: int) -> str:
    out = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=30,
    )
    return " ".join(out.stdout.decode("utf-8").split())


@needs_pdftotext
def test_second_page_is_the_full_action_card_with_attribution_on_every_page(pdf_nb):
    # The real rules fire 14 actions and name 16 actors: the card takes two pages.
    pages = page_count(pdf_nb)
    assert pages == 3
    card = pdf_page_text(pdf_nb, 2)
    for expected in (
        "Tiltakskort",
        "1. Oslo politidistrikt",
        "Vurderer å opprette LRS og iverksetter og organiserer redningsinnsatsen",
        "2. Bærum kommunes beredskapsansvarlig",
        "Avtale: Avtale om etablering av EPS ved Quality Hotel Expo",
        "Varsler barnehagene i sonen (antall: 1; 36 barn etter kapasitet)",
        "Alle ansvarlige aktører",
        "Asker og Bærum brann og redning",
        "Brann- og redningsvesen (nødetat) for Asker og Bærum.",
        "Side 2 av 3",
        "ØVELSE",
    ):
        assert expected in card, expected
    assert "Tiltakskort" in pdf_page_text(pdf_nb, 3)
    for page in range(1, pages + 1):
        assert " ".join(ATTRIBUTION.split()) in pdf_page_text(pdf_nb, page)
        assert f"Side {page} av {pages}" in pdf_page_text(pdf_nb, page)


@needs_pdftotext
def test_action_card_in_english_and_as_a_png_page(layers, pdf_en):
    card = pdf_page_text(pdf_en, 2)
    assert "Action card" in card and "Considers establishing the LRS" in card
    png = render_route_map(make_plan(), layers, fmt="png", dpi=40, page=2)
    assert np.asarray(Image.open(io.BytesIO(png)).convert("L")).std() > 5
    beyond = page_count(pdf_en) + 1
    with pytest.raises(ValueError, match=f"Page {beyond}"):
        render_route_map(make_plan(), layers, fmt="png", dpi=40, page=beyond)


@needs_pdftotext
def test_unnamed_bottleneck_reads_as_its_road_class(layers):
    plan = make_plan()
    label = bottleneck_label(plan)
    top = plan.routes["load_ratio"] == plan.routes["load_ratio"].max()
    plan.routes.loc[top, "name"] = "(tertiary)"
    plan.summary["bottlenecks"][0]["name"] = "(tertiary)"
    text = pdf_page_text(render_route_map(plan, layers), 1)
    unnamed = label.replace("Snarøyveien", "kommunal vei")
    assert unnamed in text and "(tertiary)" not in text


def map_page_text(pdf: bytes) -> str:
    """The text of the map page (page 1) only: the action card repeats every actor."""
    out = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=30,
    )
    return " ".join(out.stdout.decode("utf-8").split())


def test_actor_names_fill_the_lines_left_then_point_to_the_card():
    names = ["Lokal redningssentral (LRS) Oslo", "Oslo politidistrikt", "Bærum kommune"]
    assert _name_lines(names, 55, 2, "nb") == [
        "Lokal redningssentral (LRS) Oslo, Oslo politidistrikt,",
        "Bærum kommune",
    ]
    more = ["Lokal redningssentral (LRS) Oslo", "Statsforvalteren i Oslo og Akershus", *names[1:]]
    assert _name_lines(more, 40, 2, "en") == [
        "Lokal redningssentral (LRS) Oslo,",
        "+\u00a03\u00a0more\u00a0(see\u00a0the\u00a0action\u00a0card)",
    ]
    assert _name_lines(names, 55, 1, "nb") == ["+\u00a03\u00a0til\u00a0(se\u00a0tiltakskortet)"]
    assert _name_lines(names, 55, 0, "nb") == []


@needs_pdftotext
def test_map_page_names_actors_where_there_is_room_and_never_over_the_footer(layers, pdf_nb):
    actors = [a["name"] for a in make_plan().summary["responsible_actors"]]
    # With closures, exits and kindergartens in the legend: one line to the card,
    # above the footer note (the page's last text).
    a4 = map_page_text(pdf_nb)
    pointer = f"Ansvarlige aktører ({len(actors)}): se tiltakskortet"
    assert pointer in a4
    assert a4.index(pointer) < a4.index("Planleggingsgrunnlag.")
    # Without the closure rows there is room for a heading and the first names.
    plan = make_plan()
    plan.closures = plan.closures.iloc[0:0]
    roomy = map_page_text(render_route_map(plan, layers, paper="A4"))
    assert "Ansvarlige aktører" in roomy and pointer not in roomy
    assert actors[0] in roomy
    rest = re.search(r"\+ (\d+) til \(se tiltakskortet\)", roomy)
    assert rest, "the actors left off are counted"
    n_shown = len(actors) - int(rest[1])
    assert n_shown >= 3
    assert all(name in roomy for name in actors[:n_shown])
