#!/usr/bin/env bash
# Install everything the app needs into .venv/ and static/vendor (idempotent).
# Usage: bash scripts/setup.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."
extras=""
[ "${1:-}" = "--dev" ] && extras="[dev]"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".${extras}"
if ! .venv/bin/python scripts/install_assets.py --check >/dev/null 2>&1; then
  .venv/bin/python scripts/install_assets.py
fi
