#!/usr/bin/env bash
# Install everything the tests need (Python deps, offline assets, Chromium,
# PostgreSQL + PostGIS), run the static checks (ruff, import layers, mypy) and the
# whole test suite.
# Usage: bash scripts/test.sh [pytest options...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev --sim
if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils fonts-dejavu-core >/dev/null
  else
    echo "note: run as root (or install chromium and poppler-utils) for the browser and PDF tests" >&2
  fi
fi
if [ -z "${EVAC_PG_DSN:-}" ] && [ "$(id -u)" = 0 ]; then
  EVAC_PG_DSN="$(bash .ci/postgres.sh)"
  export EVAC_PG_DSN
fi
# Static checks before the tests; `set -e` makes any failure fail the run (and CI).
echo "== ruff check" && .venv/bin/ruff check .
echo "== ruff format --check" && .venv/bin/ruff format --check .
echo "== lint-imports (layers point down)" && .venv/bin/lint-imports
echo "== mypy (strict; the files listed in pyproject.toml)" && .venv/bin/mypy
# Build the network cache once, so parallel workers do not race to build it.
.venv/bin/python -c "from geo.region import load_region as l; r = l(); r.network('drive'); r.network('walk')"
exec .venv/bin/python -m pytest -n 2 --dist loadfile -q "$@"
