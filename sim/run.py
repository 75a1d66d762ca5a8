"""Run SUMO's mesoscopic model on a trips file and collect its output files.

Mesoscopic SUMO (``--mesosim``) moves vehicles between edge segments with
queues whose capacity follows from headways and jam density (Eissfeldt 2004,
"Vehicle-based modelling of traffic"; SUMO manual, "Simulation/Meso"), with
junction control (right of way and traffic lights) switched on. Each trip is
routed by SUMO's own fastest path at insertion; optionally a rerouting device
lets cars change route with the current travel times. No end time is set: SUMO
stops when every car has arrived or been discarded, and a car stuck in a jam
is teleported after SUMO's default 300 s (counted and reported).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from geo.errors import EvacError
from sim.binaries import find_binary

#: Fixed random seed: the same plan always gives the same simulation.
SEED = 42
#: Rerouting period (s) when rerouting is on (SUMO manual, "Rerouting device").
REROUTE_PERIOD_S = 120
_STEP_RE = re.compile(rb"Step #(\d+(?:\.\d+)?)")

Progress = Callable[[float], None]


class SimulationError(EvacError, RuntimeError):
    """SUMO stopped with an error."""


@dataclass(frozen=True)
class SumoOutputs:
    """Files one SUMO run wrote."""

    tripinfo: Path
    vehroute: Path
    statistics: Path
    log: Path


def sumo_command(net: Path, trips: Path, out: Path, *, reroute: bool) -> list[str]:
    """The ``sumo`` command line for one run, writing into folder ``out``."""
    cmd = [
        str(find_binary("sumo")),
        "--net-file", str(net),
        "--route-files", str(trips),
        "--mesosim", "true",
        "--meso-junction-control", "true",
        "--seed", str(SEED),
        "--ignore-route-errors", "true",
        "--tripinfo-output", str(out / "tripinfo.xml"),
        "--vehroute-output", str(out / "vehroutes.xml"),
        "--vehroute-output.exit-times", "true",
        "--vehroute-output.write-unfinished", "true",
        "--statistic-output", str(out / "statistics.xml"),
        "--log", str(out / "sumo.log"),
        "--step-log.period", "60",
        "--no-warnings", "true",
    ]  # fmt: skip
    if reroute:
        cmd += [
            "--device.rerouting.probability", "1",
            "--device.rerouting.period", str(REROUTE_PERIOD_S),
        ]  # fmt: skip
    return cmd


def run_sumo(
    net: Path,
    trips: Path,
    out: Path,
    *,
    reroute: bool = False,
    progress: Progress | None = None,
) -> SumoOutputs:
    """Run SUMO; ``progress`` gets the simulated time (s) as the run advances.

    Raises
    ------
    SimulationError
        If SUMO exits with an error (its last log lines are in the message).
    """
    out.mkdir(parents=True, exist_ok=True)
    cmd = sumo_command(net, trips, out, reroute=reroute)
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        # SUMO redraws its step log with carriage returns: read in chunks, keep the last step.
        while chunk := proc.stdout.read1(4096):
            steps = _STEP_RE.findall(chunk)
            if steps and progress is not None:
                progress(float(steps[-1]))
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode != 0:
        tail = " ".join(err.strip().splitlines()[-3:])
        raise SimulationError(f"SUMO stopped with status {proc.returncode}: {tail}")
    return SumoOutputs(
        out / "tripinfo.xml", out / "vehroutes.xml", out / "statistics.xml", out / "sumo.log"
    )
