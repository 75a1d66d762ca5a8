"""Plan warnings and reasons in both languages, from the one table in planning.i18n.

The summary keeps them as messages (``warnings``, ``unreachable_reasons``, site
``reason``), rendered in either language from the same key and parameters.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from plan_support import plan_for, reasons, texts
from shapely.geometry import LineString, mapping

from geo.region import Region
from geo.settings import PROJECT_ROOT
from planning.i18n import LANGS, STRINGS, Message, message_json, render, t
from planning.plan import Plan
from planning.presets import load_preset
from planning.scenario import ExtraPopulation, SiteOverride

MESSAGE_KEYS = sorted(k for k in STRINGS if k.startswith(("warn.", "reason.", "action.")))
#: Across Snarøyveien south of the Fornebu neck: southern Snarøya is cut off.
SNAROYVEIEN_CUT = LineString([(10.6169, 59.884), (10.6185, 59.884)])


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _keys_used_in_code() -> set[str]:
    pattern = re.compile(r"""Message\(\s*["']([\w.]+)["']""")
    sources = [*Path(PROJECT_ROOT, "planning").rglob("*.py")]
    return {key for path in sources for key in pattern.findall(path.read_text("utf-8"))}


@pytest.mark.parametrize("key", MESSAGE_KEYS)
def test_every_warning_and_reason_key_has_both_languages_and_the_same_placeholders(key):
    entry = STRINGS[key]
    assert set(entry) == set(LANGS)
    assert entry["nb"] != entry["en"]
    assert _placeholders(entry["nb"]) == _placeholders(entry["en"])


def test_every_message_the_planner_raises_is_in_the_table():
    used = _keys_used_in_code()
    assert len(used) >= 10  # the regex found the planner's messages
    assert used <= set(MESSAGE_KEYS), used - set(MESSAGE_KEYS)


def test_message_uses_the_language_decimal_separator():
    m = Message("warn.site_off_network", {"site": "Thon", "km": 3.6, "factor": 1.3})
    assert "3.6 km" in m.text("en") and "x 1.3)" in m.text("en")
    assert "3,6 km" in m.text("nb") and "x 1,3)" in m.text("nb")


def test_snaroya_plan_has_a_bokmal_warning_for_every_warning(snaroya_plan: Plan) -> None:
    s = snaroya_plan.summary
    assert len(s["warnings"]) >= 2  # off-network hotel, unreachable people
    nb, en = texts(s["warnings"], "nb"), texts(s["warnings"], "en")
    assert all(n != e for n, e in zip(nb, en, strict=True))
    off_network = Message(
        "warn.site_off_network", {"site": "Thon Hotel Oslofjord", "km": 3.6, "factor": 1.3}
    )
    assert message_json(off_network) in s["warnings"]
    i = en.index(off_network.text("en"))
    assert nb[i] == off_network.text("nb")


def test_unreachable_reasons_are_messages_in_english_order(region: Region) -> None:
    scenario = load_preset("snaroya")
    scenario.closures = [mapping(SNAROYVEIEN_CUT)]
    s = plan_for(region, scenario).summary
    en, nb = reasons(s, "en"), reasons(s, "nb")
    assert list(en.values()) == list(nb.values())
    assert en[t("reason.roads_closed", "en")] == nb[t("reason.roads_closed", "nb")] > 1_000
    assert list(en) == sorted(en)  # the order the English summary always had
    assert {"key": "reason.roads_closed", "params": {}} in [
        r["reason"] for r in s["unreachable_reasons"]
    ]


def test_site_reasons_and_capacity_warnings_come_in_both_languages(region: Region) -> None:
    scenario = load_preset("snaroya")
    scenario.sites = {"Quality Hotel Expo": SiteOverride(active=False)}
    scenario.sites["Telenor Arena"] = SiteOverride(capacity=0)
    scenario.extra_population = [ExtraPopulation(label="Utenfor", people=40, lon=10.5, lat=59.95)]
    s = plan_for(region, scenario).summary
    by_name = {site["name"]: site for site in s["sites"]}
    expo, arena = by_name["Quality Hotel Expo"], by_name["Telenor Arena"]
    assert expo["reason"] == {"key": "reason.site_deactivated", "params": {}}
    assert [render(expo["reason"], lang) for lang in LANGS] == [
        "deaktivert i scenarioet",
        "deactivated in the scenario",
    ]
    assert arena["reason"] is not None
    assert [render(arena["reason"], lang) for lang in LANGS] == ["kapasitet 0", "capacity is 0"]
    assert by_name["Thon Hotel Oslofjord"]["reason"] is None
    assert "Telenor Arena har kapasitet 0 og tar ikke imot noen." in texts(s["warnings"], "nb")
    assert any("«Utenfor» (40 personer)" in w for w in texts(s["warnings"], "nb"))
    assert any("'Utenfor' (40 people)" in w for w in texts(s["warnings"]))
