"""The planner app's SUMO cross-check: a button, a progress indicator, a comparison table.

Runs :func:`sim.compare.simulate_plan` (the same code as ``evac simulate``) on
the plan shown, keeps the result for that plan, and shows the fast estimate
next to SUMO's with their ratio and what became of every car.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pandas as pd
import streamlit as st

from geo.errors import EvacError
from planning.i18n import format_number
from ui.app_strings import tr

if TYPE_CHECKING:
    from geo.region import Region
    from planning.plan import Plan
    from ui.app_state import State

#: Session-state key of the last simulation: {"plan": the plan simulated, "data": ...}.
STATE_KEY: Final = "sumo_simulation"
ROWS: Final = ("leave_p50", "leave_p90", "arrive_p50", "arrive_p90")


def _cell(value: float | None, lang: str, digits: int = 1) -> str:
    """``value`` with ``digits`` decimals (decimal comma in bokmål), or a dash."""
    if value is None:
        return tr("figures.not_available", lang)
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "nb" else text


def comparison_table(data: dict[str, Any], lang: str) -> pd.DataFrame:
    """Fast estimate, SUMO and SUMO / fast per measure (minutes), labelled in ``lang``."""
    m = data["minutes"]
    return pd.DataFrame(
        {
            tr("sim.col_measure", lang): [tr(f"sim.{key}", lang) for key in ROWS],
            tr("sim.col_fast", lang): [_cell(m["fast"].get(k), lang) for k in ROWS],
            tr("sim.col_sumo", lang): [_cell(m["sumo"].get(k), lang) for k in ROWS],
            tr("sim.col_ratio", lang): [
                _cell(m["ratio_sumo_to_fast"].get(k), lang, 2) for k in ROWS
            ],
        }
    )


def vehicles_caption(data: dict[str, Any], lang: str) -> str:
    """Every car accounted for: arrived, not arrived, not routed/inserted, teleports."""
    v = data["vehicles"]
    counts = {k: format_number(v[k], lang) for k in v}
    seconds = _cell(data["timing_s"]["total"], lang, 0)
    return tr("sim.vehicles", lang, seconds=seconds, **counts)


def _run(plan: Plan, region: Region, lang: str) -> dict[str, Any] | None:
    """Run SUMO under a status box with a progress bar; None (and an error shown) on failure."""
    from sim.compare import simulate_plan

    with st.status(tr("sim.running", lang), expanded=True) as status:
        bar = st.progress(0.0, text=tr("sim.stage.network", lang))

        def progress(stage: str, share: float) -> None:
            bar.progress(min(max(share, 0.0), 1.0), text=tr(f"sim.stage.{stage}", lang))

        try:
            # SUMO's files are only needed while reading them; the result is kept in memory.
            with tempfile.TemporaryDirectory(prefix="evac-sim-") as tmp:
                data = simulate_plan(plan, region, Path(tmp), progress=progress)
        except EvacError as exc:
            status.update(label=tr("sim.failed", lang), state="error")
            st.error(str(exc))
            return None
        status.update(label=tr("sim.done", lang), state="complete", expanded=False)
    return data


def simulation_panel(plan: Plan, region: Region, lang: str, state: State | None = None) -> None:
    """The cross-check button and, once run for this plan, the comparison."""
    state = st.session_state if state is None else state
    st.subheader(tr("sim.header", lang), anchor=False)
    st.caption(tr("sim.explain", lang))
    if st.button(tr("sim.button", lang), icon=":material/traffic:", key="sumo_simulate"):
        data = _run(plan, region, lang)
        if data is not None:
            state[STATE_KEY] = {"plan": plan, "data": data}
    done = state.get(STATE_KEY)
    if not done or done["plan"] is not plan:
        return
    data = done["data"]
    st.dataframe(comparison_table(data, lang), hide_index=True)
    st.caption(vehicles_caption(data, lang))
    st.download_button(
        tr("sim.download", lang),
        data=json.dumps(data, ensure_ascii=False, indent=2),
        file_name="simulation.json",
        mime="application/json",
        key="sumo_download",
        icon=":material/download:",
    )
