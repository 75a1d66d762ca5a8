"""One slug rule for region folders, export file names and population-file matching."""

from exports.bundle import slug
from geo.fetch import slugify as place_slug
from geo.names import ascii_fold, slugify


def test_nordic_letters_and_accents_fold_to_ascii():
    assert ascii_fold("Kjølsås Ærøy Åsgårdstrand Tromsø café") == (
        "kjolsas aeroy asgardstrand tromso cafe"
    )


def test_slug_keeps_letters_and_digits_joined_by_the_separator():
    assert slugify("Bærum, Norway", fallback="x") == "baerum-norway"
    assert slugify("ssb_ru250m_2023 Møre og Romsdal", fallback="", sep="_") == (
        "ssb_ru250m_2023_more_og_romsdal"
    )


def test_empty_slug_falls_back_and_cut_slug_has_no_trailing_separator():
    assert slugify("!!! ---", fallback="plan") == "plan"
    assert slugify("abc def", fallback="x", max_length=4) == "abc"


def test_callers_keep_their_fallbacks_and_length():
    assert place_slug("***") == "region"
    assert slug("***") == "plan"
    assert slug("Øvelse " + "x" * 80) == ("ovelse-" + "x" * 80)[:60]
