"""Exercise log: CSV export and an after-action summary in Markdown.

Events are written and read through the scenario store
(:meth:`~store.base.ScenarioStore.log_event` /
:meth:`~store.base.ScenarioStore.events`). Everything here is a pure
function of those events, so the UI, the CLI and the tests render the same.

User text is untrusted: Markdown output HTML-escapes it (a ``<script>`` in a
note shows as text when the Markdown is rendered to HTML) and escapes the
Markdown characters that would create links, emphasis or break a table; CSV
output neutralises spreadsheet formulas (``=cmd|...``) with a leading quote.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from planning.scenario import Scenario
from store.base import LogEvent, utc_now

if TYPE_CHECKING:
    from planning.summary_model import PlanSummary

#: Columns of :func:`log_to_csv`.
CSV_COLUMNS: Final = ("time_utc", "kind", "user", "text", "data")
#: Banner on every exercise export.
EXERCISE_BANNER: Final = "ØVELSE – ØVELSE – ØVELSE"

# Spreadsheets run a cell starting with these as a formula (OWASP CSV injection).
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
# Markdown characters that would turn user text into markup inside a table cell.
_MD_SPECIAL: Final = re.compile(r"([\\`*_\[\]|~#])")

#: Key figures of a plan run: (key in the event data, Norwegian, English column).
KEY_FIGURES: Final = (
    ("evacuees_total", "Evakuerte", "Evacuees"),
    ("assigned", "Tildelt plass", "Assigned"),
    ("unassigned", "Uten plass", "Unassigned"),
    ("unreachable", "Ikke nåbare", "Unreachable"),
    ("clearance_p90_min", "Rydding p90 (min)", "Clearance p90 (min)"),
    ("clearance_p100_min", "Rydding p100 (min)", "Clearance p100 (min)"),
)

#: Report labels and event-kind names (nb/en); the app uses them too, so both agree.
LABELS: Final[dict[str, dict[str, str]]] = {
    "nb": {
        "title": "Etterevaluering",
        "scenario_id": "Scenario-ID",
        "generated": "Generert",
        "timeline": "Tidslinje",
        "time": "Tid (UTC)",
        "kind": "Type",
        "user": "Bruker",
        "text": "Hendelse",
        "no_events": "Ingen hendelser logget.",
        "figures": "Nøkkeltall over tid",
        "no_runs": "Ingen planberegninger logget.",
        "status_change": "Statusendring",
        "zone_edit": "Sone endret",
        "site_toggle": "Mottakssted endret",
        "save": "Lagret",
        "plan_run": "Planberegning",
        "export": "Eksport",
        "note": "Notat",
    },
    "en": {
        "title": "After-action summary",
        "scenario_id": "Scenario id",
        "generated": "Generated",
        "timeline": "Timeline",
        "time": "Time (UTC)",
        "kind": "Kind",
        "user": "User",
        "text": "Event",
        "no_events": "No events logged.",
        "figures": "Key figures over time",
        "no_runs": "No plan runs logged.",
        "status_change": "Status change",
        "zone_edit": "Zone edited",
        "site_toggle": "Site changed",
        "save": "Saved",
        "plan_run": "Plan run",
        "export": "Export",
        "note": "Note",
    },
}


def plan_run_data(summary: PlanSummary) -> dict[str, Any]:
    """Key figures of a plan summary, to log as a ``plan_run`` event's ``data``.

    Parameters
    ----------
    summary
        ``Plan.summary`` (see ARCHITECTURE.md); a clearance time is ``None`` when
        nobody travels (or, in a v1 summary, was not computed).
    """
    clearance = summary["clearance_minutes"]
    return {
        "evacuees_total": summary["evacuees_total"],
        "assigned": sum(summary["assigned"].values()),
        "unassigned": summary["unassigned"],
        "unreachable": summary["unreachable"],
        "clearance_p90_min": clearance.get("p90"),
        "clearance_p100_min": clearance.get("p100"),
    }


def csv_safe(value: str) -> str:
    """Prefix a quote to text a spreadsheet would run as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def md_escape(text: str) -> str:
    """Make user text inert inside Markdown (and the HTML it renders to), on one line."""
    one_line = " ".join(text.split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def log_to_csv(events: Sequence[LogEvent]) -> str:
    """The exercise log as CSV text (one row per event, oldest first).

    ``data`` is a JSON cell. Write the text with ``encoding="utf-8-sig"`` so
    spreadsheet programs read æ, ø and å correctly.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in events:
        data = json.dumps(e.data, ensure_ascii=False, sort_keys=True) if e.data else ""
        writer.writerow([csv_safe(v) for v in (e.created, e.kind, e.user, e.text, data)])
    return buf.getvalue()


def after_action_markdown(
    scenario: Scenario,
    events: Sequence[LogEvent],
    *,
    scenario_id: str = "",
    lang: str = "nb",
) -> str:
    """After-action summary: timeline and key figures over time, in Markdown.

    Parameters
    ----------
    scenario
        The scenario (its name heads the report; ``exercise`` adds the banner).
    events
        The scenario's exercise log, oldest first.
    scenario_id
        Shown under the title when given.
    lang
        ``"nb"`` (default) or ``"en"``.
    """
    t = LABELS["en" if lang == "en" else "nb"]
    lines: list[str] = []
    if scenario.exercise:
        lines += [f"> **{EXERCISE_BANNER}**", ""]
    lines += [f"# {t['title']}: {md_escape(scenario.name)}", ""]
    if scenario_id:
        lines.append(f"{t['scenario_id']}: `{md_escape(scenario_id)}`  ")
    lines += [f"{t['generated']}: {utc_now()}", "", f"## {t['timeline']}", ""]
    if events:
        lines += _table(
            [t["time"], t["kind"], t["user"], t["text"]],
            [[e.created, t.get(e.kind, e.kind), e.user, e.text] for e in events],
        )
    else:
        lines.append(t["no_events"])
    lines += ["", f"## {t['figures']}", ""]
    runs = [e for e in events if e.kind == "plan_run"]
    if runs:
        col = 1 if lang != "en" else 2
        lines += _table(
            [t["time"], *(k[col] for k in KEY_FIGURES)],
            [[e.created, *(_figure((e.data or {}).get(k[0])) for k in KEY_FIGURES)] for e in runs],
        )
    else:
        lines.append(t["no_runs"])
    if scenario.exercise:
        lines += ["", f"> **{EXERCISE_BANNER}**"]
    return "\n".join(lines) + "\n"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(md_escape(str(c)) for c in row) + " |" for row in rows]
    return out


def _figure(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() or abs(value) >= 100 else f"{value:.1f}"
    return str(value)
