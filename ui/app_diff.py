"""Version comparison in words: :func:`store.diff.scenario_diff` as a readable table.

The store gives dotted field paths (``zones[0].status``, ``sites.Telenor
Arena.capacity``, ``clearance_minutes.p90``) with raw values; a planner sees
one row per change: what changed, in words, and the old and new value as they
would read it (status names, yes/no, "2 stengte veier", "endret" for an outline).
"""

from __future__ import annotations

import re
from typing import Any, Final

import pandas as pd

from planning.i18n import format_number, zone_status_label
from ui.app_strings import tr

#: Result keys a comparison shows: the key figures, not every table of the plan.
DIFF_RESULTS: Final = (
    "evacuees_total",
    "assigned",
    "unassigned",
    "unreachable",
    "own_arrangements",
    "clearance_minutes",
)
_ZONE: Final = re.compile(r"zones\[(\d+)\](?:\.(\w+))?")


def _zone_label(diff: dict[str, Any], index: int) -> str:
    """The zone's name in the newer version (or the older one if it was removed)."""
    names = diff.get("zone_labels", [])
    label = names[index] if index < len(names) else ""
    for side in ("new", "old"):
        whole = diff["zones"].get(f"zones[{index}]", {}).get(side)
        part = diff["zones"].get(f"zones[{index}].label", {}).get(side)
        label = label or (whole or {}).get("label", "") or (part or "")
    return label


def field_label(path: str, diff: dict[str, Any], lang: str) -> str:
    """A dotted field path in words."""
    zone = _ZONE.fullmatch(path)
    if zone:
        n, attr = int(zone[1]), zone[2]
        what = tr(f"diff.zone_field.{attr}", lang) if attr else tr("diff.zone_whole", lang)
        label = _zone_label(diff, n)
        return tr("diff.zone_row", lang, n=n + 1, label=label, what=what)
    head, _, rest = path.partition(".")
    if head == "sites" and rest:
        site, _, attr = rest.rpartition(".")
        if attr in ("active", "capacity"):
            return tr(f"diff.site_field.{attr}", lang, site=site)
        return tr("diff.site_field.whole", lang, site=rest)
    if head in ("assigned",) and rest:
        return tr("diff.assigned_to", lang, site=rest)
    if head == "clearance_minutes" and rest:
        return tr("diff.clearance", lang, which=rest.replace("_", " "))
    try:
        return tr(f"diff.param.{path}", lang)
    except KeyError:
        try:
            return tr(f"assumption.{path}", lang)
        except KeyError:
            return path


def value_text(path: str, v: Any, lang: str) -> str:
    """A changed value in words."""
    if v is None:
        return "–"
    if path.endswith("geometry"):
        return tr("diff.outline", lang)
    if path.endswith(".status") or path == "status":
        return zone_status_label(v, lang) if isinstance(v, str) else str(v)
    if path == "mode":
        return tr(f"mode.{v}", lang)
    if path == "closures":
        return tr("diff.closures_n", lang, n=len(v))
    if path.startswith("sites.") and isinstance(v, dict):
        cap = v.get("capacity")
        return tr(
            "diff.site_value",
            lang,
            active=value_text("", bool(v.get("active", True)), lang),
            capacity=tr("diff.registry", lang) if cap is None else value_text("", cap, lang),
        )
    if path == "added_sites":
        return ", ".join(s.get("name", "") for s in v) or "–"
    if _ZONE.fullmatch(path) and isinstance(v, dict):
        status = zone_status_label(v.get("status", "evakueringsordre"), lang)
        return f"{v.get('label', '')} ({status})"
    return _plain_value_text(v, lang)


def _plain_value_text(v: Any, lang: str) -> str:
    """A value in words by its type alone (yes/no, a number, a mapping, a list)."""
    if isinstance(v, bool):
        return tr("value.yes" if v else "value.no", lang)
    if isinstance(v, int | float):
        return (
            format_number(v, lang)
            if float(v).is_integer()
            else f"{v:g}".replace(".", "," if lang == "nb" else ".")
        )
    if isinstance(v, dict):
        return "; ".join(f"{k}: {value_text('', x, lang)}" for k, x in v.items())
    if isinstance(v, list | tuple):
        return ", ".join(value_text("", x, lang) for x in v)
    return str(v)


def diff_table(
    diff: dict[str, Any], lang: str, zone_labels: list[str] | None = None
) -> pd.DataFrame:
    """One row per change: section, what changed, value in each version.

    ``zone_labels`` names the zones by position (the diff holds only changed fields).
    """
    diff = {**diff, "zone_labels": zone_labels or []}
    old_col = tr("diff.version", lang, version=diff["from"])
    new_col = tr("diff.version", lang, version=diff["to"])
    rows = []
    for section in ("zones", "parameters", "results"):
        for path, change in diff[section].items():
            if section == "results" and path.split(".")[0] not in DIFF_RESULTS:
                continue
            rows.append(
                {
                    tr("diff.section", lang): tr(f"diff.{section}", lang),
                    tr("diff.what", lang): field_label(path, diff, lang),
                    old_col: value_text(path, change["old"], lang),
                    new_col: value_text(path, change["new"], lang),
                }
            )
    return pd.DataFrame(rows)
