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
