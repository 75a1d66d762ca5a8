"""Run SUMO's mesoscopic model on a trips file and collect its output files.

Mesoscopic SUMO (``--mesosim``) moves vehicles between edge segments with
queues whose capacity follows from headways and jam density (Eissfeldt 2004,
"Vehicle-based modelling of traffic"; SUMO manual, "Simulation/Meso"), with
junction control (right of way and traffic lights) switched on. Each trip is
routed by SUMO's own fastest path when it departs, with the travel times of
that moment (SUMO equips trips with a routing device; SUMO manual, "Demand/
Automatic Routing"); optionally that device also reroutes cars on the way. No end time is set: SUMO
stops when every car has arrived or been discarded, and a car stuck in a jam
is teleported after SUMO's default 300 s (counted and reported).
"""

from __future__ import annotations

import io
import re
import subprocess
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from geo import settings
from geo.errors import EvacError
from sim.binaries import find_binary

#: Fixed random seed: the same plan always gives the same simulation.
SEED = 42
#: Rerouting period (s) when rerouting is on (SUMO manual, "Rerouting device").
REROUTE_PERIOD_S = 120
#: Longest a run may compute (s) before it is stopped (assumption: an app user waits
#: at most this long; a jammed network can otherwise take hours).
MAX_WALL_S = 20 * 60.0
#: SUMO's default mesoscopic net headways (s) (``sumo --save-template``, 1.2x releases).
DEFAULT_TAU_S = {"tauff": 1.13, "taufj": 1.13, "taujf": 1.73, "taujj": 1.4}
#: SUMO's default passenger car: 5 m long with a 2.5 m minimum gap.
CAR_LENGTH_WITH_GAP_M = 7.5
_STEP_RE = re.compile(rb"Step #(\d+(?:\.\d+)?)")

#: Called with the simulated time (s) as SUMO advances.
StepProgress = Callable[[float], None]


class SimulationError(EvacError, RuntimeError):
    """SUMO stopped with an error."""


@dataclass(frozen=True)
class SumoOutputs:
    """Files one SUMO run wrote."""

    tripinfo: Path
    vehroute: Path
    statistics: Path
    log: Path


def meso_types_xml() -> str:
    """Meso headways per road class that give the planner's lane capacities.

    A meso car's headway is the net headway ``tau`` plus its length with gap over
    the speed (SUMO manual, "Simulation/Meso"). SUMO's default net headways
    (:data:`DEFAULT_TAU_S`) are scaled so the gross free-flow headway is
    ``3600 / capacity`` s per lane, with :data:`geo.settings.LANE_CAPACITY_VPH` as
    the capacity and the class's default speed. This isolates what the capacity
    assumption explains from what the queue model does.
    """
    root = ET.Element("additional")
    for hwy, capacity in settings.LANE_CAPACITY_VPH.items():
        speed_ms = settings.DRIVE_SPEED_KPH.get(hwy, settings.DRIVE_SPEED_FALLBACK_KPH) / 3.6
        net_s = max(3600.0 / capacity - CAR_LENGTH_WITH_GAP_M / speed_ms, 0.1)
        scale = net_s / DEFAULT_TAU_S["tauff"]
        meso = {k: f"{v * scale:.2f}" for k, v in DEFAULT_TAU_S.items()}
        ET.SubElement(ET.SubElement(root, "type", id=f"highway.{hwy}"), "meso", meso)
    return ET.tostring(root, encoding="unicode")


def sumo_command(
    net: Path, trips: Path, out: Path, *, reroute: bool, planner_capacities: bool
) -> list[str]:
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
    if planner_capacities:
        (out / "meso_types.add.xml").write_text(meso_types_xml(), encoding="utf-8")
        cmd += ["--additional-files", str(out / "meso_types.add.xml")]
    return cmd


def run_sumo(
    net: Path,
    trips: Path,
    out: Path,
    *,
    reroute: bool = False,
    planner_capacities: bool = False,
    progress: StepProgress | None = None,
    max_wall_s: float = MAX_WALL_S,
) -> SumoOutputs:
    """Run SUMO; ``progress`` gets the simulated time (s) as the run advances.

    ``planner_capacities`` replaces SUMO's own road capacities by the planner's
    (:func:`meso_types_xml`), a sensitivity run.

    Raises
    ------
    SimulationError
        If SUMO exits with an error (its last log lines are in the message), or
        runs longer than ``max_wall_s`` seconds of computing time.
    """
    out.mkdir(parents=True, exist_ok=True)
    cmd = sumo_command(net, trips, out, reroute=reroute, planner_capacities=planner_capacities)
    end = time.monotonic() + max_wall_s
    # stderr goes to a file: a pipe nobody reads could fill up and block SUMO.
    with (
        (out / "sumo.err").open("wb") as err_file,
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err_file) as proc,
    ):
        stdout = proc.stdout
        # A pipe with the default buffering: read1 returns what SUMO has written so far.
        assert isinstance(stdout, io.BufferedReader)
        # SUMO redraws its step log with carriage returns: read in chunks, keep the last step.
        while chunk := stdout.read1(4096):
            steps = _STEP_RE.findall(chunk)
            if steps and progress is not None:
                progress(float(steps[-1]))
            if time.monotonic() > end:
                proc.kill()
                raise SimulationError(
                    f"SUMO ran longer than {max_wall_s / 60:.0f} minutes and was stopped: "
                    "the network is probably jammed. Try without --planner-capacities, "
                    "with --reroute, or with fewer cars."
                )
    if proc.returncode != 0:
        err = (out / "sumo.err").read_text(encoding="utf-8", errors="replace")
        tail = " ".join(err.strip().splitlines()[-3:])
        raise SimulationError(f"SUMO stopped with status {proc.returncode}: {tail}")
    return SumoOutputs(
        out / "tripinfo.xml", out / "vehroutes.xml", out / "statistics.xml", out / "sumo.log"
    )
