"""The road network is the same in every process (osmnx merges tags through a set).

Two fresh builds under different hash seeds must agree on every class, name,
capacity and travel time; before the fix, merged edges took whichever tag the
set listed first, so plans (and the golden results) changed between runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FINGERPRINT = """
import hashlib
from geo.region import load_region
e = load_region().network("drive").edges
text = "|".join(e["highway"]) + "|".join(e["name"]) + repr(e["capacity_vph"].round(3).tolist())
print(hashlib.sha256((text + repr(e["travel_time"].round(6).tolist())).encode()).hexdigest())
"""


def _fingerprint(seed: int, cache: Path) -> str:
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "EVAC_CACHE": str(cache)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    out = subprocess.run(
        [sys.executable, "-c", FINGERPRINT],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return out.stdout.strip().splitlines()[-1]


def test_two_builds_under_different_hash_seeds_give_the_same_network(tmp_path: Path) -> None:
    first = _fingerprint(1, tmp_path / "a")
    assert first == _fingerprint(2, tmp_path / "b")
