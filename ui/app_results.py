"""The planner app's results panel: key figures and the tables behind them.

Reads only ``Plan.summary`` and ``Plan.sites`` (see ARCHITECTURE.md): what the
panel shows is exactly what the CLI and the exports report.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

import pandas as pd
import streamlit as st

from exports.cartography import minutes_text, road_label
from geo.registry import Agreement
from planning.i18n import format_number, render, zone_status_label
from ui.app_strings import tr

if TYPE_CHECKING:
    from planning.summary_model import PlanSummary


def clearance_text(summary: PlanSummary, field: str, lang: str) -> str:
    """A clearance time with its capacity range: ``"57 min (45–70)"`` (v2 plans)."""
    # The range is empty in a summary from before it existed (v1, see read_summary).
    ranges = summary["clearance_range_minutes"]
    central = summary["clearance_minutes"].get(field)
    low = ranges.get("low", {}).get(field)
    high = ranges.get("high", {}).get(field)
    return minutes_text(central, lang, low, high)


def _count_metric(col: Any, label: str, n: int, share: Any, lang: str, bad: bool) -> None:
    col.metric(
        label,
        format_number(n, lang),
        share(n) if share and n else None,
        delta_color="inverse" if bad and n else "off",
        delta_arrow="off",
        border=True,
    )


def key_figures(summary: PlanSummary, lang: str) -> None:
    """One row of metrics.

    Evacuees, assigned, own arrangements (v2), unassigned, unreachable, and the 90 %
    times out of the zone and at the sites with their range.
    """
    total = summary["evacuees_total"]
    share = (lambda n: tr("results.share", lang, share=round(100 * n / total))) if total else None
    counts = [
        ("results.assigned_total", sum(summary["assigned"].values()), False),
        ("results.own_arrangements", summary["own_arrangements"], False),
        ("figures.unassigned", summary["unassigned"], True),
    ]
    counts += [("figures.unreachable", summary["unreachable"], True)]
    cols = st.columns([1] * (len(counts) + 1) + [1.4, 1.4])
    cols[0].metric(tr("figures.evacuees", lang), format_number(total, lang), border=True)
    for col, (label, n, bad) in zip(cols[1:], counts, strict=False):
        _count_metric(col, tr(label, lang), n, share, lang, bad)
    help_text = tr("results.clearance_help", lang)
    for col, label, field in (
        (cols[-2], "results.leave90", "leave_p90"),
        (cols[-1], "results.arrive90", "p90"),
    ):
        col.metric(
            tr(label, lang), clearance_text(summary, field, lang), help=help_text, border=True
        )


def v2_tables(summary: PlanSummary, lang: str) -> dict[str, pd.DataFrame]:
    """Exits, closures, single points of failure and kindergartens of a v2 plan.

    Only the sections with rows (a plan from before the v2 engine has none: its
    summary's lists are empty, see :func:`planning.summary_model.read_summary`).
    """
    sections: dict[str, pd.DataFrame] = {}
    if exits := summary["exits"]:
        sections["exits"] = pd.DataFrame(
            {
                tr("col.exit", lang): [render(e["label"], lang) for e in exits],
                tr("col.people", lang): [format_number(e["people"], lang) for e in exits],
            }
        )
    if closures := summary["closures"]:
        sections["closures"] = pd.DataFrame(
            {
                tr("col.closure", lang): [c["label"] or "–" for c in closures],
                tr("col.roads_cut", lang): [", ".join(c["roads_cut"]) or "–" for c in closures],
                tr("col.length", lang): [format_number(c["length_m"], lang) for c in closures],
            }
        )
    if points := summary["single_points_of_failure"]:
        sections["single_points"] = pd.DataFrame(
            {tr("col.road", lang): [road_label(p["name"], lang=lang) for p in points]}
        )
    if kindergartens := summary["kindergartens"]:
        sections["kindergartens"] = pd.DataFrame(
            {
                tr("col.kindergarten", lang): [k["name"] for k in kindergartens],
                tr("col.children", lang): [
                    format_number(k["capacity"], lang) for k in kindergartens
                ],
                tr("col.address", lang): [k["address"] or "–" for k in kindergartens],
            }
        )
    return sections


def site_table(summary: PlanSummary, lang: str) -> pd.DataFrame:
    """Assigned people per site against its capacity, with availability."""
    rows = []
    for s in summary["sites"]:
        cap = f"{format_number(s['capacity'], lang)}"
        if s["capacity_assumed"]:
            cap += f" ({tr('site.assumed', lang)})"
        status = tr("status.available", lang)
        if not s["available"]:
            why = render(s["reason"], lang) if s["reason"] else tr("site.unavailable", lang)
            status = tr("site.unavailable_reason", lang, reason=why) if s["reason"] else why
        use = 100.0 * s["assigned"] / s["capacity"] if s["capacity"] else 0.0
        rows.append(
            {
                tr("col.site", lang): s["name"],
                tr("col.assigned", lang): s["assigned"],
                tr("col.capacity", lang): cap,
                tr("col.use", lang): min(use, 100.0),
                tr("col.status", lang): status,
            }
        )
    return pd.DataFrame(rows)


def bottleneck_table(summary: PlanSummary, lang: str) -> pd.DataFrame:
    """The most loaded roads relative to their capacity."""
    rows = [
        {
            # Unnamed roads come as "(tertiary)": shown as "kommunal vei", like the maps.
            tr("col.road", lang): road_label(b["name"], lang=lang),
            tr("col.mode", lang): tr(f"mode.{b['mode']}", lang),
            tr("col.people", lang): round(b["people"]),
            tr("col.vehicles", lang): round(b["vehicles"]),
            tr("col.capacity_vph", lang): round(b["capacity_vph"]),
            tr("col.load", lang): _percent(b["load_ratio"], lang),
            tr("col.hours", lang): _num(b["hours_at_capacity"], lang),
        }
        for b in summary["bottlenecks"]
    ]
    return pd.DataFrame(rows)


def problem_table(summary: PlanSummary, lang: str) -> pd.DataFrame:
    """People without a place or without a road, by reason."""
    rows = [
        {
            tr("col.status", lang): tr("figures.unreachable", lang),
            tr("col.reason", lang): render(r["reason"], lang),
            tr("col.people", lang): r["people"],
        }
        for r in summary["unreachable_reasons"]
    ]
    if summary["unassigned"]:
        rows.insert(
            0,
            {
                tr("col.status", lang): tr("figures.unassigned", lang),
                tr("col.reason", lang): tr("reason.no_free_capacity", lang),
                tr("col.people", lang): summary["unassigned"],
            },
        )
    return pd.DataFrame(rows)


def actor_table(summary: PlanSummary, lang: str) -> pd.DataFrame:
    """Responsible actors with their role and why they are involved."""
    rows = [
        {
            tr("col.actor", lang): a["name"],
            tr("col.role", lang): render(a["role"], lang),
            tr("col.why", lang): render(a["why"], lang),
        }
        for a in summary["responsible_actors"]
    ]
    return pd.DataFrame(rows)


def action_table(summary: PlanSummary, agreements: list[Agreement], lang: str) -> pd.DataFrame:
    """Who to notify and what they do, with the agreement to activate."""
    titles = {a.id: a.title_nb if lang == "nb" else a.title_en for a in agreements}
    rows = [
        {
            tr("col.who", lang): a["who_name"],
            tr("col.what", lang): render(a["what"], lang),
            tr("col.agreement", lang): titles.get(a["agreement"] or "", a["agreement"] or ""),
        }
        for a in summary["actions"]
    ]
    return pd.DataFrame(rows)


#: Assumption values that are codes or English model descriptions, shown in words.
_VALUE_KEYS: Final = {"clearance_model", "clearance_covers", "reception_share_source"}


def _assumption_value(key: str, v: Any, lang: str) -> str:
    """One assumption's value in words (codes and flags translated, lists joined)."""
    if v is None:
        return "–"
    if key in _VALUE_KEYS:
        return tr(f"assumption_value.{key}", lang)
    if key == "population_source":
        year = re.search(r"\d{4}", str(v))
        return tr("assumption_value.population_source", lang, vintage=year[0] if year else v)
    if key == "mode":
        return tr(f"mode.{v}", lang)
    if key == "population_vintage":
        return tr(f"vintage.{v}", lang)
    if key == "evacuated_statuses":
        return ", ".join(zone_status_label(s, lang) for s in v)
    if key == "mobilisation_curve":
        return "; ".join(f"{_num(t, lang)} min: {_num(100 * f, lang)} %" for t, f in v)
    if isinstance(v, bool):
        return tr("value.yes" if v else "value.no", lang)
    if isinstance(v, list | tuple):
        return ", ".join(_assumption_value("", x, lang) for x in v) or "–"
    if isinstance(v, float):
        return _num(v, lang)
    return str(v)


def _percent(share: float, lang: str) -> str:
    """``1.59`` -> ``"159 %"`` (bokmål puts a space before %) / ``"159%"``."""
    return f"{share:.0%}".replace("%", "\u00a0%") if lang == "nb" else f"{share:.0%}"


def _num(x: float, lang: str) -> str:
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "nb" else text


def assumption_table(summary: PlanSummary, lang: str) -> pd.DataFrame:
    """Every assumption the plan rests on, with a readable label and value."""
    items = summary["assumptions"].items()
    return pd.DataFrame(
        {
            tr("col.key", lang): [assumption_label(k, lang) for k, _ in items],
            tr("col.value", lang): [_assumption_value(k, v, lang) for k, v in items],
        }
    )


def assumption_label(key: str, lang: str) -> str:
    """The label of an assumption key; a key without a label is shown as it is."""
    try:
        return tr(f"assumption.{key}", lang)
    except KeyError:
        return key


def _table(df: pd.DataFrame, **kwargs: Any) -> None:
    """A sortable data grid, for numbers."""
    st.dataframe(df, hide_index=True, width="stretch", **kwargs)


def text_table(df: pd.DataFrame) -> None:
    """A static table whose cells wrap, for sentences (actions, reasons, assumptions)."""
    st.table(df, hide_index=True)


def results_tabs(
    summary: PlanSummary,
    agreements: list[Agreement],
    population_vintage: str,
    lang: str,
) -> Any:
    """Tables of the plan in tabs; returns the export tab for the caller to fill."""
    tabs = st.tabs(
        [
            tr("tab.sites", lang),
            tr("tab.bottlenecks", lang),
            tr("tab.problems", lang),
            tr("tab.actors", lang),
            tr("tab.warnings", lang, n=len(summary["warnings"])),
            tr("tab.exits", lang),
            tr("tab.assumptions", lang),
            tr("tab.exports", lang),
        ]
    )
    with tabs[0]:
        _sites_tab(summary, lang)
    with tabs[1]:
        if summary["bottlenecks"]:
            _table(bottleneck_table(summary, lang))
            st.caption(tr("results.bottleneck_note", lang))
        else:
            st.info(tr("results.no_bottlenecks", lang))
    with tabs[2]:
        problems = problem_table(summary, lang)
        if problems.empty:
            st.success(tr("results.all_placed", lang))
        else:
            text_table(problems)
    with tabs[3]:
        st.markdown(f"**{tr('actors.title', lang)}**")
        text_table(actor_table(summary, lang))
        st.markdown(f"**{tr('results.actions', lang)}**")
        text_table(action_table(summary, agreements, lang))
    with tabs[4]:
        if not summary["warnings"]:
            st.info(tr("results.no_warnings", lang))
        for w in summary["warnings"]:
            st.warning(render(w, lang))
    with tabs[5]:
        sections = v2_tables(summary, lang)
        if not sections:
            st.info(tr("results.no_v2", lang))
        for name, df in sections.items():
            st.markdown(f"**{tr(f'v2.{name}', lang)}**")
            text_table(df)
    with tabs[6]:
        _assumptions_tab(summary, population_vintage, lang)
    return tabs[7]


def _sites_tab(summary: PlanSummary, lang: str) -> None:
    """Sites with their use, and a note on people left without a place."""
    _table(
        site_table(summary, lang),
        column_config={
            tr("col.use", lang): st.column_config.ProgressColumn(
                tr("col.use", lang), format="%.0f %%", min_value=0.0, max_value=100.0
            )
        },
    )
    if summary["unassigned"]:
        people = format_number(summary["unassigned"], lang)
        st.warning(tr("results.unassigned_note", lang, people=people))


def _assumptions_tab(summary: PlanSummary, population_vintage: str, lang: str) -> None:
    """The plan's assumptions and where its data come from."""
    text_table(assumption_table(summary, lang))
    st.markdown(f"**{tr('data.header', lang)}**")
    st.markdown(
        "\n".join(
            [
                f"- {tr('data.population', lang, vintage=population_vintage)}",
                f"- {tr('data.attribution', lang, text=summary['data']['attribution'])}",
                f"- {tr('data.region', lang, path=summary['data']['region'])}",
            ]
        )
    )
