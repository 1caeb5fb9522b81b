"""Renderers turn a Report into text. The registry is a plain dict of lazy loaders."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from refcheck.model import Finding
from refcheck.report import Report


def full_message(finding: Finding) -> str:
    """The message, then the fix and the notes on lines of their own (as the terminal report shows them)."""
    lines = [finding.message]
    if finding.fix:
        lines.append(f"fix: {finding.fix.message}")
    lines.extend(f"note: {note}" for note in finding.notes)
    return "\n".join(lines)


def _json(report: Report, out: TextIO, **options) -> None:
    from refcheck.render import json

    json.render(report, out, **options)


def _text(report: Report, out: TextIO, **options) -> None:
    from refcheck.render import text

    text.render(report, out, **options)


def _sarif(report: Report, out: TextIO, **options) -> None:
    from refcheck.render import sarif

    sarif.render(report, out, **options)


def _github(report: Report, out: TextIO, **options) -> None:
    from refcheck.render import github

    github.render(report, out, **options)


def _html(report: Report, out: TextIO, **options) -> None:
    from refcheck.render import html

    html.render(report, out, **options)


RENDERERS: dict[str, Callable[..., None]] = {"text": _text, "json": _json, "sarif": _sarif, "github": _github, "html": _html}
