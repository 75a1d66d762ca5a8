#!/usr/bin/env bash
# Install (if needed) and start the planner app on the Bærum region pack.
# Usage: bash scripts/run_app.sh [--data DIR] [streamlit options...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "${1:-}" = "--data" ]; then export EVAC_DATA="$2"; shift 2; fi
exec .venv/bin/streamlit run app.py "$@"
