"""Refresh the README's route map pictures from the Snarøya preset.

Writes ``docs/screenshots/route_map_a4.png`` (the map page) and
``docs/screenshots/route_map_actions.png`` (the first action card page) at
110 dpi, the resolution the README shows them at.

Usage: ``PYTHONPATH=. .venv/bin/python scripts/route_map_screenshots.py [OUT_DIR]``
"""

from __future__ import annotations

import sys
from pathlib import Path

from exports.bundle import basemap_layers
from exports.route_map import render_route_map
from geo.region import Region, load_region
from geo.registry import load_registry
from planning.plan import Plan, make_plan
from planning.presets import load_preset

DPI = 110
PAGES = {1: "route_map_a4.png", 2: "route_map_actions.png"}


def snaroya_plan() -> tuple[Region, Plan]:
    """The region pack and the Snarøya preset's plan (also used by ``bench/``)."""
    region = load_region()
    return region, make_plan(load_preset("snaroya"), region, load_registry())


def main(out: Path) -> None:
    """Render both pages of the Snarøya plan as PNG files into ``out``."""
    region, plan = snaroya_plan()
    layers = basemap_layers(region)
    out.mkdir(parents=True, exist_ok=True)
    for page, name in PAGES.items():
        png = render_route_map(plan, layers, fmt="png", dpi=DPI, page=page)
        (out / name).write_bytes(png)
        print(f"Wrote {out / name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
