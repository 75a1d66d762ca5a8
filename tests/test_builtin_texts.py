"""Streamlit's own English texts are drawn in the UI language by ``builtin_texts_css``.

The browser journey (``test_e2e_journey.py``) checks what a user sees on the file
uploader, its drag-and-drop overlay and the input hint; this checks the CSS itself
for every replaced text, in both languages.
"""

from __future__ import annotations

import re

import pytest

from ui.app_strings import tr
from ui.builtin_texts import _BUILTIN_TEXTS, builtin_texts_css

#: Streamlit 1.67's texts that the CSS replaces (with ``upload.limit``'s size hint).
STREAMLIT_ENGLISH = (
    "Upload",
    "Drag and drop a file here",
    "No results",
    "Press Enter to apply",
    "Press Enter to submit form",
    "Stop",
    "Stopping...",
)


def _contents(css: str) -> list[str]:
    return re.findall(r'content: "([^"]*)"', css)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_replaced_text_is_drawn_in_the_language(lang):
    css = builtin_texts_css(lang)
    expected = [
        tr(key, lang, mb=5) if key == "upload.limit" else tr(key, lang)
        for _, key, _ in _BUILTIN_TEXTS
    ]
    assert _contents(css) == expected
    for selector, _, size in _BUILTIN_TEXTS:
        assert f"{selector} {{font-size: 0;}}" in css  # the English original is hidden
        assert f"{selector}::after" in css and f"font-size: {size};" in css
    assert '[data-testid="stMainMenu"] {display: none;}' in css  # English-only menu


def test_bokmal_css_draws_no_english():
    drawn = _contents(builtin_texts_css("nb"))
    assert drawn == [
        "Velg fil",
        "Maks 5 MB per fil",
        "Slipp filen her",
        "Ingen treff",
        "Trykk Enter for å bruke",
        "Trykk Enter for å sende",
        "Stopp",
        "Stopper …",
    ]
    assert not set(drawn) & set(STREAMLIT_ENGLISH)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_css_texts_cannot_break_out_of_the_style_block(lang):
    for text in _contents(builtin_texts_css(lang)):
        assert not re.search(r'["\\<>{};]', text), text
