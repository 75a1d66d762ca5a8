#!/usr/bin/env bash
# Install everything the app needs into .venv/ and static/vendor (idempotent).
# Usage: bash scripts/setup.sh [--dev] [--sim]   (--sim: SUMO for `evac simulate`)
set -euo pipefail
cd "$(dirname "$0")/.."
wanted=()
for arg in "$@"; do
  case "$arg" in
    --dev) wanted+=(dev) ;;
    --sim) wanted+=(sim) ;;
    *) echo "setup.sh: unknown option $arg (use --dev and/or --sim)" >&2; exit 2 ;;
  esac
done
extras=""
if [ "${#wanted[@]}" -gt 0 ]; then extras="[$(IFS=,; echo "${wanted[*]}")]"; fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".${extras}"
if ! .venv/bin/python scripts/install_assets.py --check >/dev/null 2>&1; then
  .venv/bin/python scripts/install_assets.py
fi
