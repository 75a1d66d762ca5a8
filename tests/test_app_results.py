"""The results panel shows the planner's own bokmål warnings and reasons in nb."""

from __future__ import annotations

from planning.i18n import render, t
from planning.plan import Plan
from planning.summary_model import read_summary
from ui.app_results import action_table, actor_table, problem_table, site_table
from ui.app_strings import tr


def test_actors_and_actions_follow_the_language(snaroya_plan: Plan) -> None:
    s = snaroya_plan.summary
    for lang in ("nb", "en"):
        actors = actor_table(s, lang)
        assert actors[tr("col.why", lang)].tolist() == [
            render(a["why"], lang) for a in s["responsible_actors"]
        ]
        what = action_table(s, [], lang)[tr("col.what", lang)].tolist()
        assert what[-1] == render(s["actions"][-1]["what"], lang)
    nb, en = (action_table(s, [], lang)[tr("col.what", lang)].iloc[-1] for lang in ("nb", "en"))
    assert nb.startswith("Varsler barnehagene") and en.startswith("Notifies the kindergartens")


def test_unreachable_and_unassigned_reasons_follow_the_language(snaroya_plan: Plan) -> None:
    s = {**snaroya_plan.summary, "unassigned": 12}
    nb = problem_table(s, "nb")[tr("col.reason", "nb")].tolist()
    en = problem_table(s, "en")[tr("col.reason", "en")].tolist()
    reasons = s["unreachable_reasons"]
    assert nb == [t("reason.no_free_capacity", "nb"), *(render(r["reason"], "nb") for r in reasons)]
    assert en == [t("reason.no_free_capacity", "en"), *(render(r["reason"], "en") for r in reasons)]
    assert nb[1] == "nærmeste vei har ingen forbindelse ut av sonen"


def test_unavailable_site_reason_is_shown_in_bokmal() -> None:
    site = {
        "name": "Telenor Arena",
        "capacity": 15000,
        "capacity_assumed": True,
        "available": False,
        "reason": {"key": "reason.site_inside_zone", "params": {}},
        "assigned": 0,
    }
    status = site_table({"sites": [site]}, "nb")[tr("col.status", "nb")].iloc[0]
    assert status == "utilgjengelig: ligger inne i faresonen"
    status = site_table({"sites": [site]}, "en")[tr("col.status", "en")].iloc[0]
    assert status == "unavailable: inside the hazard zone"


def test_a_summary_saved_before_bokmal_texts_falls_back_to_english() -> None:
    old = {
        "scenario": "old",
        "evacuees_total": 10,
        "assigned": {},
        "unassigned": 0,
        "warnings": ["Thon Hotel Oslofjord has capacity 0 and receives nobody."],
    }
    (warning,) = read_summary(old)["warnings"]
    assert render(warning, "nb") == render(warning, "en") == old["warnings"][0]


def test_clearance_shows_the_capacity_range_when_the_plan_has_it() -> None:
    from ui.app_results import clearance_text

    summary = {
        "clearance_minutes": {"leave_p90": 57.2, "p90": 63.0},
        "clearance_range_minutes": {"low": {"leave_p90": 70.4}, "high": {"leave_p90": 45.1}},
    }
    assert clearance_text(summary, "leave_p90", "nb") == "57 min (45–70)"
    assert clearance_text(summary, "p90", "nb") == "63 min", "no range for this field"
    nobody = {"clearance_minutes": {"p90": None}, "clearance_range_minutes": {}}
    assert clearance_text(nobody, "p90", "nb") == "–"


def test_v2_sections_are_built_from_the_summary_contract() -> None:
    from ui.app_results import v2_tables

    summary = {
        "exits": [
            {
                "name": "Lysaker nord",
                "label": {"nb": "Lysaker nord", "en": "Lysaker north"},
                "people": 1200,
            }
        ],
        "closures": [{"label": "Snarøyveien bru", "roads_cut": ["Snarøyveien"], "length_m": 85}],
        "single_points_of_failure": [{"name": "Snarøyveien"}],
        "kindergartens": [
            {"name": "Snarøya barnehage", "capacity": 19, "address": "Snarøyveien 147"}
        ],
    }
    tables = v2_tables(summary, "nb")
    assert list(tables) == ["exits", "closures", "single_points", "kindergartens"]
    assert tables["exits"].iloc[0].tolist() == ["Lysaker nord", "1\xa0200"]
    assert v2_tables(summary, "en")["exits"].iloc[0].tolist() == ["Lysaker north", "1,200"]
    assert tables["closures"].iloc[0].tolist() == ["Snarøyveien bru", "Snarøyveien", "85"]
    assert tables["kindergartens"]["Barn"].tolist() == ["19"]
    v1 = read_summary({"scenario": "x", "evacuees_total": 3, "assigned": {}, "unassigned": 0})
    assert v2_tables(v1, "nb") == {}, "a pre-v2 summary has no sections"


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
