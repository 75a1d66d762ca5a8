"""Install the offline front-end assets: npm packages -> ``static/vendor``.

Runs ``npm ci`` (or ``npm install`` when there is no lock file) in the project
root with install scripts disabled, then copies the files listed in
``exports.offline.VENDOR_FILES`` into ``static/vendor`` (git-ignored). Needs npm and
the npm registry once; afterwards the app and the saved maps work offline.

Usage::

    python scripts/install_assets.py            # install and copy
    python scripts/install_assets.py --check    # only verify static/vendor, exit 1 if incomplete
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exports.offline import VENDOR_DIR, VENDOR_FILES  # noqa: E402


def run_npm() -> None:
    """Install the pinned npm packages into ``node_modules``."""
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm not found: install Node.js and npm (Debian: apt-get install npm).")
    command = "ci" if (ROOT / "package-lock.json").is_file() else "install"
    # --ignore-scripts: these packages are plain files; run no third-party code.
    subprocess.run(
        [npm, command, "--ignore-scripts", "--no-audit", "--no-fund"], cwd=ROOT, check=True
    )


def copy_assets() -> int:
    """Copy :data:`VENDOR_FILES` from ``node_modules``; return the number of files."""
    modules = ROOT / "node_modules"
    count = 0
    for src_rel, dst_rel in VENDOR_FILES:
        src, dst = modules / src_rel, VENDOR_DIR / dst_rel
        if src_rel.endswith("/"):
            shutil.copytree(src, dst, dirs_exist_ok=True)
            count += sum(1 for p in src.rglob("*") if p.is_file())
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
            count += 1
    return count


def missing_assets() -> list[Path]:
    """Vendor files (or folders) that are not installed."""
    return [VENDOR_DIR / dst for _, dst in VENDOR_FILES if not (VENDOR_DIR / dst).exists()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only verify static/vendor")
    args = parser.parse_args(argv)
    if not args.check:
        run_npm()
        print(f"copied {copy_assets()} files into {VENDOR_DIR.relative_to(ROOT)}")
    missing = missing_assets()
    for path in missing:
        print(f"missing: {path.relative_to(ROOT)}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
