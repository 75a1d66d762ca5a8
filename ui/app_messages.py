"""Messages at the top of the planner page: safe for user text, and in the UI's language.

Callbacks run before the script draws anything, so they queue their message
with :func:`flash` and the page shows it once with :func:`show_flashes`.
Errors from the planning layers are written in English (they are also the
CLI's messages); :func:`error_text` gives the bokmål text of the ones a planner
meets, and for any other a bokmål sentence with the English detail kept apart.
"""

from __future__ import annotations

import re
from typing import Final

import streamlit as st

from geo.errors import EvacError, ScenarioError, UploadError, ZoneError
from store.exercise_log import md_escape
from ui import app_state as S

#: English message pattern -> bokmål text (named groups are filled in).
_NB: Final[tuple[tuple[str, str], ...]] = (
    (
        r"The scenario has no zone",
        "Scenarioet har ingen sone: tegn en på kartet, last opp en fil eller velg et "
        "ferdig scenario.",
    ),
    (
        r"No zone has status evakueringsordre or varsel",
        "Ingen sone har status evakueringsordre eller varsel, så ingen skal evakueres. "
        "Endre statusen på en sone for å planlegge en evakuering.",
    ),
    (
        r"The zone lies outside the road data",
        "Sonen ligger utenfor veidataene i denne regionpakken (de dekker Snarøya, Fornebu, "
        "Lysaker og E18 vestover mot Sandvika). Flytt sonen eller bruk en regionpakke som "
        "dekker den.",
    ),
    (r"Scenario name is empty", "Scenarioet mangler navn: gi det et navn."),
    (
        r"Mobilisation curve: (?P<part>.+) is not 'minutes:share'",
        "Mobiliseringskurven: {part} er ikke «minutter:andel»; skriv f.eks. "
        "«0:0; 15:0,3; 30:0,7; 60:1».",
    ),
    (
        r"Mobilisation curve shares must go from >= 0 up to exactly 1",
        "Mobiliseringskurven må gå fra 0 eller mer opp til nøyaktig 1 (alle har reist).",
    ),
    (
        r"Mobilisation curve",
        "Mobiliseringskurven er ugyldig: minuttene må øke, andelene må ikke synke, og "
        "kurven må ha minst to punkter og slutte på 1.",
    ),
    (
        r"capacity_range .* must be low <= central <= high",
        "Kapasitetsspennet må være lav ≤ sentral ≤ høy.",
    ),
    (r"(?P<file>\S+) is not valid GeoJSON", "{file} er ikke gyldig GeoJSON."),
    (r"(?P<file>\S+) holds no geometry", "{file} inneholder ingen geometri."),
    (r"(?P<file>\S+) is empty\.", "{file} er tom."),
    (
        r"(?P<file>\S+): file type (?P<ext>\S+) is not allowed",
        "{file}: filtypen {ext} er ikke tillatt; bruk GeoJSON, GeoPackage eller KML.",
    ),
    (
        r"(?P<file>\S+) is not UTF-8 text",
        "{file} er ikke UTF-8-tekst: lagre den som UTF-8 JSON.",
    ),
    (r"Unsupported scenario format", "Filen er ikke en scenariofil fra dette verktøyet."),
    (
        r"(?P<what>.+) is empty: draw a zone with at least three corners",
        "{what} er tom: tegn en sone med minst tre hjørner.",
    ),
)
_GENERIC_NB: Final[dict[type[EvacError], str]] = {
    ZoneError: "Sonen eller den stengte veien kan ikke brukes.",
    ScenarioError: "En verdi i scenarioet er ugyldig.",
    UploadError: "Filen kan ikke leses.",
}
_DETAIL_NB: Final = "Teknisk melding (engelsk): "


def error_text(exc: EvacError, lang: str) -> str:
    """The message of ``exc`` in ``lang`` (the English original for ``"en"``)."""
    text = str(exc)
    if lang != "nb":
        return text
    for pattern, nb in _NB:
        found = re.search(pattern, text)
        if found:
            return nb.format(**found.groupdict())
    generic = next((v for cls, v in _GENERIC_NB.items() if isinstance(exc, cls)), "Noe gikk galt.")
    return f"{generic} {_DETAIL_NB}{text}"


def show(level: str, text: str) -> None:
    """Show a message; user text in it cannot turn into Markdown or HTML."""
    getattr(st, level)(md_escape(text))


def show_error(exc: EvacError, lang: str) -> None:
    """Show a planning error in the UI's language."""
    show("error", error_text(exc, lang))


def flash(level: str, text: str) -> None:
    """Queue a message (``"success"``, ``"error"``...) for the top of the next page."""
    st.session_state.setdefault(S.FLASH, []).append((level, text))


def flash_error(exc: EvacError, lang: str) -> None:
    """Queue a planning error in the UI's language."""
    flash("error", error_text(exc, lang))


def show_flashes() -> None:
    """Show the queued messages once."""
    for level, text in st.session_state.pop(S.FLASH, []):
        show(level, text)
