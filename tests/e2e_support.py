"""Shared parts of the browser tests: a Streamlit server and an offline Chromium.

The server runs ``app.py`` on a free loopback port with the environment the test
gives (e.g. its own ``EVAC_STORE``). Chromium is the Debian build with the same
flags as ``test_e2e_browser.py``; every request to another host is aborted and
recorded, so a test can assert the app stayed offline.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def chromium_or_skip() -> str:
    """Chromium's path; skip without it, but fail under CI (a silent skip hides breakage)."""
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    msg = f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium)."
    if os.environ.get("CI"):
        pytest.fail(msg)
    pytest.skip(msg)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            text = log.read_text(errors="replace")
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{text}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit did not answer at {url} within {timeout:.0f} s")


@contextmanager
def streamlit_server(env: Mapping[str, str], log: Path) -> Iterator[str]:
    """Run ``streamlit run app.py`` on 127.0.0.1 with ``env`` added; yield its URL.

    The server's output goes to the file ``log``: a pipe nobody reads fills up
    under many sessions and then blocks the server.
    """
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, proc, log)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextmanager
def offline_chromium() -> Iterator[tuple[Any, list[str]]]:
    """A headless Chromium and the list of URLs it tried to reach off this machine.

    Open contexts with :func:`new_offline_context` so the blocking applies.
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_or_skip()
    external: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser, external
        finally:
            browser.close()


def new_offline_context(browser: Any, external: list[str], **kwargs: Any) -> Any:
    """A browser context whose requests to other hosts are aborted and added to ``external``."""

    def only_local(route: Any) -> None:
        if urlparse(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    context = browser.new_context(**kwargs)
    context.route("**/*", only_local)
    return context
