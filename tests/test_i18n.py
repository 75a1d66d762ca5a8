"""The shared string table: complete in every language, placeholders consistent."""

import string

import pytest

from planning.i18n import LANGS, STRINGS, format_number, t, zone_status_label
from planning.scenario import ZONE_STATUSES


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_key_has_every_language_with_the_same_placeholders(key):
    entry = STRINGS[key]
    assert set(entry) == set(LANGS)
    assert all(entry[lang].strip() for lang in LANGS)
    assert _placeholders(entry["nb"]) == _placeholders(entry["en"])


def test_t_formats_and_defaults_to_bokmal():
    assert t("map.title") == "Evakueringskart"
    assert t("map.title", "en") == "Evacuation route map"
    assert t("legend.catchment", "en", site="Telenor Arena") == "Catchment: Telenor Arena"


def test_unknown_key_or_language_raises_key_error():
    with pytest.raises(KeyError, match=r"no\.such\.key"):
        t("no.such.key")
    with pytest.raises(KeyError, match="de"):
        t("map.title", "de")


def test_every_scenario_zone_status_has_a_label():
    labels = {zone_status_label(s, "nb") for s in ZONE_STATUSES}
    assert labels == {"Varsel", "Evakueringsordre", "Bli innendørs", "Opphevet"}


def test_exercise_and_assumed_labels():
    assert (t("map.exercise"), t("map.exercise", "en")) == ("ØVELSE", "EXERCISE")
    assert (t("site.assumed"), t("site.assumed", "en")) == ("antatt", "assumed")


def test_format_number_uses_the_language_thousands_separator():
    assert format_number(12345, "nb") == "12\u00a0345"
    assert format_number(12345, "en") == "12,345"
    assert format_number(999.6, "en") == "1,000"
