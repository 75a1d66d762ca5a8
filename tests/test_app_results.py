"""The results panel shows the planner's own bokmål warnings and reasons in nb."""

from __future__ import annotations

from planning.i18n import t
from planning.plan import Plan
from ui.app_results import localised, problem_table, site_table
from ui.app_strings import tr


def test_warnings_are_the_planners_bokmal_ones_in_nb(snaroya_plan: Plan) -> None:
    s = snaroya_plan.summary
    assert localised(s, "warnings", "nb") == s["warnings_nb"]
    assert localised(s, "warnings", "en") == s["warnings"]


def test_unreachable_and_unassigned_reasons_follow_the_language(snaroya_plan: Plan) -> None:
    s = {**snaroya_plan.summary, "unassigned": 12}
    nb = problem_table(s, "nb")[tr("col.reason", "nb")].tolist()
    en = problem_table(s, "en")[tr("col.reason", "en")].tolist()
    assert nb == [t("reason.no_free_capacity", "nb"), *s["unreachable_reasons_nb"]]
    assert en == [t("reason.no_free_capacity", "en"), *s["unreachable_reasons"]]


def test_unavailable_site_reason_is_shown_in_bokmal() -> None:
    site = {
        "name": "Telenor Arena",
        "capacity": 15000,
        "capacity_assumed": True,
        "available": False,
        "reason": "inside the hazard zone",
        "reason_nb": "ligger inne i faresonen",
        "assigned": 0,
    }
    status = site_table({"sites": [site]}, "nb")[tr("col.status", "nb")].iloc[0]
    assert status == "utilgjengelig: ligger inne i faresonen"


def test_a_summary_saved_before_bokmal_texts_falls_back_to_english() -> None:
    old = {"warnings": ["Thon Hotel Oslofjord has capacity 0 and receives nobody."]}
    assert localised(old, "warnings", "nb") == old["warnings"]


def test_clearance_shows_the_capacity_range_when_the_plan_has_it() -> None:
    from ui.app_results import clearance_text

    summary = {
        "clearance_minutes": {"leave_p90": 57.2, "p90": 63.0},
        "clearance_range_minutes": {"low": {"leave_p90": 70.4}, "high": {"leave_p90": 45.1}},
    }
    assert clearance_text(summary, "leave_p90", "nb") == "57 min (45–70)"
    assert clearance_text(summary, "p90", "nb") == "63 min", "no range for this field"
    assert clearance_text({"clearance_minutes": {"p90": None}}, "p90", "nb") == "–"


def test_v2_sections_are_built_from_the_summary_contract() -> None:
    from ui.app_results import v2_tables

    summary = {
        "exits": [{"name": "Lysaker", "people": 1200}],
        "closures": [{"label": "Snarøyveien bru", "roads_cut": ["Snarøyveien"], "length_m": 85}],
        "single_points_of_failure": [{"name": "Snarøyveien"}],
        "kindergartens": [
            {"name": "Snarøya barnehage", "capacity": 19, "address": "Snarøyveien 147"}
        ],
    }
    tables = v2_tables(summary, "nb")
    assert list(tables) == ["exits", "closures", "single_points", "kindergartens"]
    assert tables["exits"].iloc[0].tolist() == ["Lysaker", "1\xa0200"]
    assert tables["closures"].iloc[0].tolist() == ["Snarøyveien bru", "Snarøyveien", "85"]
    assert tables["kindergartens"]["Barn"].tolist() == ["19"]
    assert v2_tables({"evacuees_total": 3}, "nb") == {}, "a pre-v2 summary has no sections"


def test_assumptions_have_readable_labels_and_values(snaroya_plan: Plan) -> None:
    from ui.app_results import assumption_table

    nb = assumption_table(snaroya_plan.summary, "nb")
    labels = nb[tr("col.key", "nb")].tolist()
    values = dict(zip(labels, nb[tr("col.value", "nb")], strict=True))
    assert "Befolkningskilde" in labels and "population_source" not in labels
    assert values["Transportmåte"] == "Bil"
    assert values["Befolkningskilde"].startswith("SSB 250 m-rutenett")
    en = assumption_table(snaroya_plan.summary, "en")
    assert "Travel mode" in en[tr("col.key", "en")].tolist()
