"""Streamlit's own English labels and tooltips, shown in the UI language.

Streamlit writes some texts only into attributes (``aria-label``, ``title``,
``placeholder``) and hover tooltips: the table toolbar's "Download as CSV",
"Search", "Fullscreen", a number field's "Increment", a help icon's
"Help for …", "Collapse sidebar". CSS cannot reach attribute texts or the
tooltips (they are drawn in a portal, away from their button), so a small script
in a zero-height component frame (same origin as the page) watches the page and
swaps these texts; it swaps them back when the planner switches to English.

Only the fixed texts below are swapped, never user input.
"""

from __future__ import annotations

import json
from typing import Final

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
