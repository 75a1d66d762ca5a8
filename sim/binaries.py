"""Where the SUMO programs are: the ``eclipse-sumo`` wheel, ``$SUMO_HOME`` or the PATH."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from geo.errors import EvacError


class SumoMissingError(EvacError, FileNotFoundError):
    """SUMO (the optional ``[sim]`` extra) is not installed."""


def sumo_home() -> Path | None:
    """SUMO's home folder (typemaps live under ``data/``), or None if unknown."""
    try:
        import sumo  # the eclipse-sumo wheel

        return Path(sumo.SUMO_HOME)
    except ImportError:
        env = os.environ.get("SUMO_HOME")
        return Path(env) if env else None


def find_binary(name: str) -> Path:
    """Path of SUMO program ``name`` (``sumo`` or ``netconvert``).

    Raises
    ------
    SumoMissingError
        If neither the wheel, ``$SUMO_HOME/bin`` nor the PATH has it.
    """
    home = sumo_home()
    if home is not None and (home / "bin" / name).is_file():
        return home / "bin" / name
    found = shutil.which(name)
    if found:
        return Path(found)
    raise SumoMissingError(
        f"SUMO's {name} was not found. Install the microsimulation extra with "
        "`pip install .[sim]` (eclipse-sumo and sumolib), or put SUMO on the PATH."
    )
