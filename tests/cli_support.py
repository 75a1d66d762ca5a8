"""Run the ``evac`` command in-process against the shared region pack."""

from __future__ import annotations

import contextlib
import io

import cli
from geo.settings import DEFAULT_DATA_DIR


def run_cli(*argv: str) -> tuple[int, str, str]:
    """Run ``evac --data <pack> *argv``; return the exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(["--data", str(DEFAULT_DATA_DIR), *argv])
    return status, out.getvalue(), err.getvalue()
