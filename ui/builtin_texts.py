"""Streamlit's own English texts, shown in the UI language (Streamlit 1.67 has no locale).

Two ways, by where Streamlit writes the text:

- Texts drawn on the page (the uploader's button and hint, "Press Enter to apply",
  "Stop"): CSS sizes the English to nothing and draws the translation after it
  (:func:`builtin_texts_css`), from the first paint on.
- Texts only in attributes (``aria-label``, ``title``, ``placeholder``) and hover
  tooltips: the table toolbar's "Download as CSV", "Search", "Fullscreen", a number
  field's "Increment", a help icon's "Help for …", "Collapse sidebar". CSS cannot
  reach those (tooltips are drawn in a portal, away from their button), so a small
  script in a hidden component frame (same origin as the page) watches the page and
  swaps them; it swaps them back when the planner switches to English.

Only the fixed texts of the string tables are drawn or swapped, never user input.
"""

from __future__ import annotations

import json
from typing import Final

import streamlit as st
import streamlit.components.v1 as components

from geo.zone_files import MAX_BYTES
from ui.app_strings import tr

#: The upload limit the uploader shows, in MB.
UPLOAD_MB: Final = MAX_BYTES // 2**20

#: Where Streamlit (1.67) draws its own English texts, which it cannot localise, and the
#: string key drawn in their place. Each English text is sized to nothing and the
#: translation shown after it (``::after``), so bokmål mode has no English left.
_UPLOADER: Final = '[data-testid="stFileUploaderDropzone"]'
_RUNNING: Final = '[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]'
_BUILTIN_TEXTS: Final = (
    (f'{_UPLOADER} button [data-testid="stMarkdownContainer"] p', "upload.button", "0.875rem"),
    ('[data-testid="stFileUploaderDropzoneInstructions"] span', "upload.limit", "0.875rem"),
    # The overlay while a file is dragged over the uploader: the dropzone's only
    # child <div> without a test id, holding a single <span>.
    (f"{_UPLOADER} > div:not([data-testid]) > span:only-child", "upload.drop", "0.875rem"),
    # A select box's list when what was typed matches no option ("No results").
    ('[role="listbox"][data-empty="true"] > [role="option"] > span', "select.none", "0.875rem"),
    # "Press Enter to apply" under a text or number field being edited.
    ('[data-testid="InputInstructions"] > span:first-child', "input.apply", "0.75rem"),
    (
        '[data-testid="stForm"] [data-testid="InputInstructions"] > span:first-child',
        "input.submit",
        "0.75rem",
    ),
    # The "Stop" button beside the running icon while a plan is computed.
    (f"{_RUNNING} ~ * button", "status.stop", "0.875rem"),
    (f"{_RUNNING} ~ * button:disabled", "status.stopping", "0.875rem"),
)


def builtin_texts_css(lg: str) -> str:
    """CSS that shows Streamlit's own texts (file uploader, input hints, Stop) in ``lg``."""
    rules = []
    for selector, key, size in _BUILTIN_TEXTS:
        text = tr(key, lg, mb=UPLOAD_MB) if key == "upload.limit" else tr(key, lg)
        rules.append(
            f'{selector} {{font-size: 0;}}\n{selector}::after {{content: "{text}"; '
            f"font-size: {size};}}"
        )
    # Streamlit's main menu (Rerun, Clear cache, Print, Record screen, theme) has only
    # English items, for developers. Hidden by CSS, not client.toolbarMode="minimal":
    # that would also hide the running indicator and its Stop button.
    rules.append('[data-testid="stMainMenu"] {display: none;}')
    # The zero-height frame of the label script would still take a row's gap;
    # hidden, its script runs all the same. (Only that container: the situation view
    # and the atlas show their maps in st.iframe too.)
    rules.append(f'[data-testid="stLayoutWrapper"]:has(> .st-key-{LABELS_KEY}) {{display: none;}}')
    return "<style>\n" + "\n".join(rules) + "\n</style>"


#: Key of the container holding the script's frame (its CSS class is ``st-key-`` + key).
LABELS_KEY: Final = "evac-builtin-labels"

#: Streamlit's English text -> bokmål. Exact texts; ``Help for `` is a prefix.
NB_TEXTS: Final = {
    "Collapse sidebar": "Skjul sidepanelet",
    "Expand sidebar": "Vis sidepanelet",
    "Sidebar": "Sidepanel",
    "Main menu": "Hovedmeny",
    "Increment": "Øk",
    "Decrement": "Reduser",
    "Open": "Åpne",
    "Clear all": "Tøm alt",
    "Clear value": "Tøm verdien",
    "Choose an option": "Velg et alternativ",
    "file upload": "filopplasting",
    "Download as CSV": "Last ned som CSV",
    "Search": "Søk",
    "Fullscreen": "Fullskjerm",
    "Close fullscreen": "Lukk fullskjerm",
    "Show/hide columns": "Vis/skjul kolonner",
    "Help for ": "Hjelp til ",
}

#: The script: installs one observer on the page (kept across reruns) and applies the
#: table of the current language (``[[English, shown], ...]``, empty for English). A
#: swapped attribute keeps its English original, so switching back restores exactly
#: what Streamlit wrote; tooltips are drawn anew on every hover.
_SCRIPT: Final = """<script>
(() => {
  const page = window.parent;
  const attrs = ["aria-label", "title", "placeholder"];
  page.__evacTexts = %s;
  const swap = (text) => {
    for (const [from, to] of page.__evacTexts) {
      if (text === from) return to;
      if (from.endsWith(" ") && text.startsWith(from)) return to + text.slice(from.length);
    }
    return text;
  };
  const originals = page.__evacOriginals || (page.__evacOriginals = new WeakMap());
  const fixAttributes = (el) => {
    const kept = originals.get(el) || {};
    for (const a of attrs) {
      const v = el.getAttribute(a);
      if (!v) continue;
      const en = kept[a] && kept[a].shown === v ? kept[a].en : v;
      const shown = swap(en);
      if (shown !== en) kept[a] = {en, shown}; else delete kept[a];
      if (shown !== v) el.setAttribute(a, shown);
    }
    originals.set(el, kept);
  };
  const fixTooltip = (el) => {
    for (const t of el.childNodes) {
      if (t.nodeType === 3 && t.data.trim() && swap(t.data) !== t.data) t.data = swap(t.data);
    }
  };
  page.__evacFix = (root) => {
    for (const el of [root, ...root.querySelectorAll("*")]) {
      fixAttributes(el);
      if (el.closest('[data-baseweb="tooltip"], [role="tooltip"]')) fixTooltip(el);
    }
  };
  if (!page.__evacObserver) {
    page.__evacObserver = new page.MutationObserver((records) => {
      for (const r of records) {
        const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
        if (el) page.__evacFix(el);
        for (const n of r.addedNodes) if (n.nodeType === 1) page.__evacFix(n);
      }
    });
    page.__evacObserver.observe(page.document.body, {
      subtree: true, childList: true, characterData: true, attributes: true,
      attributeFilter: attrs,
    });
  }
  page.__evacFix(page.document.body);
})();
</script>"""


def builtin_labels_script(lg: str) -> str:
    """The HTML of the component frame that shows Streamlit's labels in ``lg`` (nb or en)."""
    table = list(NB_TEXTS.items()) if lg == "nb" else []
    return _SCRIPT % json.dumps(table, ensure_ascii=False)


def show_builtin_texts(lg: str) -> None:
    """Draw Streamlit's own texts in ``lg`` on this page: the CSS and the label script."""
    st.markdown(builtin_texts_css(lg), unsafe_allow_html=True)
    with st.container(key=LABELS_KEY):  # hidden by builtin_texts_css
        components.html(builtin_labels_script(lg), height=0)
