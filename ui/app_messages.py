"""Messages at the top of the planner page, safe for user text.

Callbacks run before the script draws anything, so they queue their message
with :func:`flash` and the page shows it once with :func:`show_flashes`.
"""

from __future__ import annotations

import streamlit as st

from store.exercise_log import md_escape

_FLASH = "flash"


def show(level: str, text: str) -> None:
    """Show a message; user text in it cannot turn into Markdown or HTML."""
    getattr(st, level)(md_escape(text))


def flash(level: str, text: str) -> None:
    """Queue a message (``"success"``, ``"error"``...) for the top of the next page."""
    st.session_state.setdefault(_FLASH, []).append((level, text))


def show_flashes() -> None:
    """Show the queued messages once."""
    for level, text in st.session_state.pop(_FLASH, []):
        show(level, text)
