"""The one-line harness: ``lint(md)`` -> [(rule name, line), ...] for a Markdown manuscript."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import settings

from refcheck.api import Config, check
from refcheck.readers import read_text

ROOT = Path(__file__).resolve().parent.parent


def _shared() -> Path:
    """``../shared`` (corpora, facts, fixtures): beside this checkout, or beside the repository it
    was cloned from (a fresh clone in a temporary directory), or wherever REFCHECK_SHARED says."""
    import os
    import subprocess

    if os.environ.get("REFCHECK_SHARED"):
        return Path(os.environ["REFCHECK_SHARED"])
    beside = ROOT.parent / "shared"
    if beside.is_dir():
        return beside
    try:
        origin = subprocess.run(["git", "-C", str(ROOT), "config", "--get", "remote.origin.url"],
                                capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        origin = ""
    if origin and Path(origin).is_dir():
        return Path(origin).resolve().parent / "shared"
    return beside


SHARED = _shared()

# Hypothesis's default 200 ms deadline per example is a wall-clock bound: on a slower or busy
# machine an ordinary example passes it and the test fails. No deadline anywhere (tests/timing.py);
# pytest-timeout's limit per test still catches a hang.
settings.register_profile("refcheck", deadline=None)
settings.load_profile("refcheck")
TODAY = dt.date(2026, 11, 29)  # fixed so that future-year findings do not depend on the clock


def tree(root: Path, files: dict[str, str]) -> Path:
    """``root`` with each of ``files`` (relative name: text) written below it, folders made."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run(md: str, *, path: str = "paper.md", **config):
    """Check Markdown text; returns the Report."""
    config.setdefault("today", TODAY)
    return check(read_text(md, path), Config(**config))


def lint(md: str, **config) -> list[tuple[str, int]]:
    """Check Markdown text; returns (rule name, line) of every finding, in report order."""
    return [(f.rule, f.span.line) for f in run(md, **config).findings]


def rules_of(md: str, **config) -> set[str]:
    return {rule for rule, _ in lint(md, **config)}


@pytest.fixture(scope="session")
def review_path() -> Path:
    return ROOT / "review.md"


# --- no test reaches the live network -------------------------------------------------------

_LOCAL = ("127.0.0.1", "::1", "localhost")


@pytest.fixture(autouse=True)
def no_live_network(monkeypatch, tmp_path_factory):
    """Crossref points at a closed local port and the cache at a temporary file, for the CLI run
    in subprocesses too; in this process, any connection to a non-local address fails loudly.
    Recorded traffic (vcrpy) and the local fake server still work."""
    import os
    import socket

    if os.environ.get("REFCHECK_RECORD") == "1":  # re-recording the cassettes for real (cassettes/README.md)
        return
    monkeypatch.setenv("REFCHECK_CROSSREF_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("REFCHECK_DOI_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("REFCHECK_CACHE", str(tmp_path_factory.getbasetemp() / "crossref-cache.sqlite"))
    real_connect = socket.socket.connect

    def connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in _LOCAL and not host.startswith("/"):
            raise OSError(f"test tried to reach the live network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
