"""Regenerate the golden preset results in ``tests/data/golden``.

Run after a deliberate change to routing, assignment or the data, then review
``git diff tests/data/golden`` like any other change: it shows which figures of
which preset moved. ``tests/test_golden_presets.py`` compares fresh plans
against these files.

Usage::

    python scripts/update_golden.py              # all presets
    python scripts/update_golden.py fornebu      # one preset
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from golden import PRESETS, differences, figures, figures_path, read_golden, write_golden  # noqa: E402
from plan_support import plan_for  # noqa: E402

from geo import settings  # noqa: E402
from geo.region import load_region  # noqa: E402
from planning.presets import load_preset  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Write the golden files of the chosen presets and print what moved."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("presets", nargs="*", help=f"any of {', '.join(PRESETS)} (default all)")
    args = parser.parse_args(argv)
    if unknown := sorted(set(args.presets) - set(PRESETS)):
        parser.error(f"unknown preset(s) {', '.join(unknown)}; choose from {', '.join(PRESETS)}")
    region = load_region(settings.DEFAULT_DATA_DIR)
    for preset in args.presets or PRESETS:
        plan = plan_for(region, load_preset(preset))
        moved = (
            differences(read_golden(preset), figures(plan)) if figures_path(preset).exists() else []
        )
        write_golden(preset, plan)
        print(f"{preset}: written" + "".join(f"\n  {line}" for line in moved))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
