"""The typed, language-neutral plan summary and the reader of every saved shape.

``tests/data/summary/*_v0.2.0.json`` are real summaries written by evac 0.2.0 (English
text with ``*_nb`` twins), saved before the summary became neutral: they must still
load, keep the contract and render the very texts they held.
"""

from __future__ import annotations

import copy
import json
import string
from pathlib import Path
from typing import Any

import pytest

from geo.errors import EvacError
from planning.i18n import LANGS, STRINGS, Message, message_json, render
from planning.plan import Plan
from planning.plan_contract import summary_problems
from planning.summary_model import (
    SUMMARY_FORMAT,
    SummaryFormatError,
    read_summary,
    summary_texts,
    with_texts,
)
from store.sqlite import SqliteStore

OLD = Path(__file__).parent / "data" / "summary"
OLD_FILES = sorted(OLD.glob("*_v0.2.0.json"))
#: Keys the v1 summary (before the v2 engine) did not have.
V2_KEYS = (
    "population_vintage",
    "reception_seekers",
    "own_arrangements",
    "exits",
    "closures",
    "single_points_of_failure",
    "clearance_range_minutes",
    "kindergartens",
)


def _old(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_the_old_fixtures_are_old_shaped() -> None:
    assert len(OLD_FILES) == 2
    for path in OLD_FILES:
        old = _old(path)
        assert "warnings_nb" in old and "format" not in old
        assert all(isinstance(w, str) for w in old["warnings"])


@pytest.mark.parametrize("path", OLD_FILES, ids=lambda p: p.stem)
def test_a_v020_summary_loads_into_the_contract(path: Path) -> None:
    s = read_summary(_old(path))
    assert s["format"] == SUMMARY_FORMAT
    assert summary_problems(s) == []


@pytest.mark.parametrize("path", OLD_FILES, ids=lambda p: p.stem)
def test_a_v020_summary_renders_the_texts_it_held(path: Path) -> None:
    old, s = _old(path), read_summary(_old(path))
    assert [render(w, "en") for w in s["warnings"]] == old["warnings"]
    assert [render(w, "nb") for w in s["warnings"]] == old["warnings_nb"]
    for lang, key in (("en", "unreachable_reasons"), ("nb", "unreachable_reasons_nb")):
        assert {render(r["reason"], lang): r["people"] for r in s["unreachable_reasons"]} == old[
            key
        ]
    for new, was in zip(s["sites"], old["sites"], strict=True):
        assert (render(new["reason"], "en") if new["reason"] else "") == was["reason"]
        assert (render(new["reason"], "nb") if new["reason"] else "") == was["reason_nb"]
    for new, was in zip(s["responsible_actors"], old["responsible_actors"], strict=True):
        assert (new["role"]["nb"], new["role"]["en"]) == (was["role"], was["role_en"])
        assert (new["why"]["nb"], new["why"]["en"]) == (was["why_nb"], was["why_en"])
    for new, was in zip(s["actions"], old["actions"], strict=True):
        assert (render(new["what"], "nb"), render(new["what"], "en")) == (
            was["what_nb"],
            was["what_en"],
        )
    for new, was in zip(s["rules_fired"], old["rules_fired"], strict=True):
        assert new["explain"] == {"nb": was["explain_nb"], "en": was["explain_en"]}
    assert [e["label"]["en"] for e in s["exits"]] == [e["name_en"] for e in old["exits"]]


def test_the_numbers_of_an_old_summary_are_kept() -> None:
    old = _old(OLD / "snaroya_v0.2.0.json")
    s = read_summary(old)
    for key in ("evacuees_total", "assigned", "clearance_minutes", "bottlenecks", "assumptions"):
        assert s[key] == old[key], key  # type: ignore[literal-required]


def test_a_v1_summary_loads_with_the_v2_figures_empty() -> None:
    v1 = _old(OLD / "snaroya_v0.2.0.json")
    for key in V2_KEYS:
        del v1[key]
    v1["clearance_minutes"] = {k: v1["clearance_minutes"][k] for k in ("p50", "p90", "p100")}
    s = read_summary(v1)
    assert summary_problems(s) == []
    assert s["exits"] == s["closures"] == s["kindergartens"] == []
    assert s["own_arrangements"] == 0 and s["population_vintage"] == ""
    assert s["reception_seekers"] == sum(v1["assigned"].values()) + v1["unassigned"]
    assert s["clearance_minutes"]["p90"] == v1["clearance_minutes"]["p90"]
    assert s["clearance_minutes"]["leave_p90"] is None, "not invented"
    assert s["clearance_range_minutes"]["low"] == dict.fromkeys(s["clearance_minutes"])


def test_a_summary_without_bokmal_shows_english_in_both_languages() -> None:
    old = _old(OLD / "fornebu_gas_v0.2.0.json")
    del old["warnings_nb"], old["unreachable_reasons_nb"]
    for site in old["sites"]:
        del site["reason_nb"]
    s = read_summary(old)
    assert [render(w, "nb") for w in s["warnings"]] == old["warnings"]
    unavailable = [x for x in s["sites"] if x["reason"]]
    assert unavailable and all(render(x["reason"], "nb") == x["reason"]["en"] for x in unavailable)


def test_todays_summary_round_trips_through_json_and_the_readable_texts(
    snaroya_plan: Plan,
) -> None:
    s = snaroya_plan.summary
    assert read_summary(json.loads(json.dumps(s))) == s
    readable = json.loads(json.dumps(with_texts(s, "nb"), ensure_ascii=False))
    assert readable["warnings"][0]["text"] == render(s["warnings"][0], "nb")
    assert readable["actions"][-1]["what"]["text"].startswith("Varsler barnehagene")
    assert read_summary(readable) == s, "the rendered texts are dropped again"
    assert "text" not in s["warnings"][0], "with_texts copies"


def test_no_twin_keys_remain(snaroya_plan: Plan) -> None:
    def keys(value: Any) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    found = keys({k: v for k, v in snaroya_plan.summary.items() if k != "assumptions"})
    assert not {k for k in found if k.endswith(("_nb", "_en"))}


@pytest.mark.parametrize("preset", ["snaroya", "fornebu", "fornebu_gas"])
def test_every_text_of_a_real_plan_renders_in_each_language_without_fallback(
    preset_plans: dict[str, Plan], preset: str
) -> None:
    s = preset_plans[preset].summary
    found = list(summary_texts(s))
    assert len(found) > 20
    for text in found:
        nb, en = render(text, "nb"), render(text, "en")
        assert nb and en and "{" not in nb + en, text
        if "key" in text:  # a message: its key is in the table, translated
            assert text["key"] in STRINGS
            assert nb != en, f"{text['key']} is not translated"


def test_a_message_renders_after_json_as_before(snaroya_plan: Plan) -> None:
    m = Message("warn.site_off_network", {"site": "Thon", "km": 3.6, "factor": 1.3})
    again = json.loads(json.dumps(message_json(m)))
    assert [render(again, lang) for lang in LANGS] == [m.text(lang) for lang in LANGS]
    assert "3,6 km" in render(again, "nb")


def test_message_params_become_plain_json() -> None:
    np = pytest.importorskip("numpy")
    m = message_json(Message("warn.unreachable", {"people": np.int64(78)}))
    assert m == {"key": "warn.unreachable", "params": {"people": 78}}
    assert type(m["params"]["people"]) is int
    with pytest.raises(TypeError, match="not a JSON number or text"):
        message_json(Message("warn.unreachable", {"people": object()}))


def test_render_names_an_unknown_language_or_key() -> None:
    with pytest.raises(KeyError, match="Unknown language 'de'"):
        render({"nb": "ja", "en": "yes"}, "de")
    with pytest.raises(KeyError, match=r"No translation for 'warn\.nope'"):
        render({"key": "warn.nope", "params": {}}, "nb")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([1, 2], "must be a JSON object"),
        ({"format": "evac-summary/9", "scenario": "x"}, "is not 'evac-summary/2'"),
        ({"evacuees_total": 3}, "lacks scenario, assigned, unassigned"),
        (
            {"scenario": "x", "evacuees_total": 3, "assigned": {}, "unassigned": 0, "sites": [{}]},
            "older evac cannot be read: KeyError\\('name'\\)",
        ),
    ],
)
def test_what_no_reader_understands_is_named(data: Any, expected: str) -> None:
    with pytest.raises(SummaryFormatError, match=expected) as err:
        read_summary(data)
    assert isinstance(err.value, EvacError)


def test_the_contract_rejects_twins_unknown_keys_and_bare_strings(snaroya_plan: Plan) -> None:
    s: dict[str, Any] = copy.deepcopy(dict(snaroya_plan.summary))
    s["warnings_nb"] = []
    s["warnings"].append("a bare English sentence")
    s["actions"][0]["what"] = {"key": "warn.nope", "params": {}}
    s["sites"][0]["reason_nb"] = ""
    problems = summary_problems(s)
    assert "summary has the undocumented key 'warnings_nb'" in problems
    assert any("summary['warnings'][" in p and "not a message" in p for p in problems)
    assert "summary['actions'][0]['what'] is missing or of the wrong type" in problems
    assert "summary['sites'][0] has the undocumented field 'reason_nb'" in problems


def test_a_stored_old_summary_reads_as_today_and_diffs_on_numbers(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "store.sqlite")
    old = _old(OLD / "snaroya_v0.2.0.json")
    scenario = (
        Path(__file__).parents[1] / "data" / "shapes" / "presets" / "snaroya.json"
    ).read_text(encoding="utf-8")
    v1 = store.save(None, scenario, user="ola", results_summary=old)
    new = copy.deepcopy(read_summary(old))
    new["unreachable"] += 1
    store.save(v1.scenario_id, scenario, user="kari", results_summary=new, base_version=1)
    loaded = store.load(v1.scenario_id, 1)
    assert loaded.results_summary == old, "kept exactly as saved"
    summary = loaded.summary()
    assert summary is not None and summary["warnings"][0] == {
        "nb": old["warnings_nb"][0],
        "en": old["warnings"][0],
    }
    # Same texts in either shape: only the changed number differs, no shape noise.
    assert store.diff(v1.scenario_id, 1, 2)["results"] == {
        "unreachable": {"old": old["unreachable"], "new": old["unreachable"] + 1}
    }


def test_placeholders_of_summary_messages_are_in_their_params(snaroya_plan: Plan) -> None:
    for text in summary_texts(snaroya_plan.summary):
        if "key" in text:
            template = STRINGS[text["key"]]["en"]
            names = {n for _, n, _, _ in string.Formatter().parse(template) if n}
            assert {n.split("!")[0] for n in names} <= set(text["params"]), text
