"""The one-line harness: ``lint(md)`` -> [(rule name, line), ...] for a Markdown manuscript."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from refcheck.api import Config, check
from refcheck.readers import read_text

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TODAY = dt.date(2026, 11, 29)  # fixed so that future-year findings do not depend on the clock


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
