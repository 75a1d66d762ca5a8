"""The action card: the pages after the route map, with every action and every actor.

Who does what, under which agreement (from the rules that fired), then all
responsible actors with their role and why they are responsible. Text flows
down two columns per page and onto further pages, so nothing is cut to
"+ 4 til"; every page carries the title band, the ØVELSE marker and the
attribution.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any, Final

from matplotlib.axes import Axes

from exports.map_strings import t
from exports.print_page import FOOTER_H, HEADER_H, MARGIN, PAPER_MM, PT_TO_MM, Page, header
from geo.errors import EvacError
from geo.registry import load_agreements
from planning.i18n import render

if TYPE_CHECKING:
    from planning.plan import Plan
    from planning.summary_model import ActorEntry

#: Two columns of text per page, this far apart (A4 millimetres).
COLUMNS: Final = 2
COLUMN_GAP: Final = 10.0
BODY_PT: Final = 7.5
HEAD_PT: Final = 11.0
#: Indent of a block's continuation lines (millimetres).
INDENT: Final = 4.0


def agreement_titles(lang: str) -> dict[str, str]:
    """Agreement id -> title in ``lang``; ids stay as they are if the registry is unreadable."""
    try:
        agreements = load_agreements()
    except EvacError:
        return {}
    return {a.id: a.title_nb if lang == "nb" else a.title_en for a in agreements}


class _Flow:
    """Writes blocks of lines down the columns of as many pages as it needs."""

    def __init__(self, plan: Plan, paper: str, lang: str) -> None:
        self.plan, self.paper, self.lang = plan, paper, lang
        self.pages: list[Page] = []
        a4_w, a4_h = PAPER_MM["A4"]
        self.col_w = (a4_w - 2 * MARGIN - (COLUMNS - 1) * COLUMN_GAP) / COLUMNS
        self.col_h = a4_h - 2 * MARGIN - HEADER_H - FOOTER_H
        self.columns: list[Axes] = []
        self.y = 0.0
        self._next_column()

    def _next_column(self) -> None:
        if len(self.columns) % COLUMNS == 0:
            page = Page(self.paper)
            header(page, self.plan, self.lang, t("actions.title", self.lang))
            self.pages.append(page)
        page = self.pages[-1]
        x = MARGIN + (len(self.columns) % COLUMNS) * (self.col_w + COLUMN_GAP)
        ax = page.axes(x, MARGIN + FOOTER_H, self.col_w, self.col_h)
        ax.set_xlim(0, self.col_w)
        ax.set_ylim(0, self.col_h)
        ax.axis("off")
        self.columns.append(ax)
        self.y = self.col_h

    def wrap(self, text: str, size: float, indent: float = 0.0) -> list[str]:
        """``text`` in lines that fit the column (DejaVu Sans: ~0.55 em per character)."""
        chars = int((self.col_w - indent) / (size * PT_TO_MM * 0.55))
        return textwrap.wrap(text, chars) or [""]

    def block(self, lines: list[tuple[str, dict[str, Any]]], size: float) -> None:
        """Lines kept together in one column; a block too tall starts a new column.

        The first line starts at the column's edge, the others are indented.
        """
        step = size * PT_TO_MM * 1.4
        if self.y - step * len(lines) < 0 and self.y < self.col_h:
            self._next_column()
        ax, page = self.columns[-1], self.pages[-1]
        for i, (text, style) in enumerate(lines):
            self.y -= step
            x = INDENT if i else 0.0
            ax.text(x, self.y, text, fontsize=page.pt(size), va="baseline", **style)
        self.y -= step * 0.5

    def heading(self, text: str) -> None:
        """A section heading with a rule under it."""
        self.block([(text, {"fontweight": "bold"})], HEAD_PT)
        ax = self.columns[-1]
        ax.plot([0, self.col_w], [self.y + 1.0] * 2, color="#333333", lw=self.pages[-1].pt(0.5))
        self.y -= 2.0


def action_card_pages(plan: Plan, paper: str, lang: str) -> list[Page]:
    """The action card pages of ``plan`` (at least one, even without actions)."""
    summary = plan.summary
    flow = _Flow(plan, paper, lang)
    titles = agreement_titles(lang)
    flow.heading(t("actions.heading", lang))
    actions = summary["actions"]
    if not actions:
        flow.block([(t("actions.none", lang), {"style": "italic"})], BODY_PT)
    for i, action in enumerate(actions, start=1):
        who = action["who_name"] or action["who"]
        agreement = action["agreement"] or ""
        lines = [(f"{i}. {who}", {"fontweight": "bold"})]
        lines += [(line, {}) for line in flow.wrap(render(action["what"], lang), BODY_PT, INDENT)]
        if agreement:
            text = f"{t('actions.agreement', lang)}: {titles.get(agreement, agreement)}"
            lines += [
                (s, {"style": "italic", "color": "#444444"})
                for s in flow.wrap(text, BODY_PT, INDENT)
            ]
        flow.block(lines, BODY_PT)
    _actors(flow, summary["responsible_actors"], lang)
    return flow.pages


def _actors(flow: _Flow, actors: list[ActorEntry], lang: str) -> None:
    if not actors:
        return
    flow.heading(t("actions.all_actors", lang))
    for actor in actors:
        role, why = render(actor["role"], lang), render(actor["why"], lang)
        lines = [(f"• {actor['name']}", {"fontweight": "bold"})]
        lines += [(s, {}) for s in flow.wrap(role, BODY_PT, INDENT)] if role else []
        lines += [
            (s, {"style": "italic", "color": "#444444"}) for s in flow.wrap(why, BODY_PT, INDENT)
        ]
        flow.block(lines, BODY_PT)
