"""The terminal report: grouped by file, severity coloured, the source line with the span marked."""

from __future__ import annotations

import os
from typing import TextIO

from rich.console import Console
from rich.text import Text

from refcheck.model import Finding, Severity
from refcheck.report import Report

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
MAX_LINE = 160


def _excerpt(line: str, column: int, end_column: int) -> tuple[str, int, int]:
    """Cut a long source line around the span; returns text and the span's columns in it (0-based)."""
    start, end = column - 1, max(column, end_column - 1)
    if len(line) <= MAX_LINE:
        return line, start, end
    left = max(0, start - 40)
    right = min(len(line), left + MAX_LINE)
    prefix = "…" if left else ""
    suffix = "…" if right < len(line) else ""
    return prefix + line[left:right] + suffix, start - left + len(prefix), min(end, right) - left + len(prefix)


def _finding(f: Finding, sources: dict, console: Console) -> None:
    head = Text()
    if f.span.page:  # a PDF: the page and the line on it, as a reader of the PDF counts them
        head.append(f"{f.span.path} (page {f.span.page}, line {f.span.page_line}): ", style="bold")
    else:
        head.append(f"{f.span.path}:{f.span.line}:{f.span.column}: ", style="bold")
    head.append(f"{f.code} ", style=STYLE[f.severity])
    head.append(f"[{f.severity}] ", style=STYLE[f.severity])
    head.append(f.message)
    head.append(f"  ({f.rule})", style="dim")
    console.print(head)
    source = sources.get(f.span.path)
    if source is not None and source.text:
        line = source.line_text(f.span.line)
        end_col = f.span.end_column if f.span.end_line == f.span.line else len(line) + 1
        # cut the line first: a one-line file (JATS, a minified .bib) must not be copied per finding
        shown, a, b = _excerpt(line, f.span.column, end_col)
        shown = shown.expandtabs(1)
        gutter = f"{f'p{f.span.page}:{f.span.page_line}' if f.span.page else f.span.line:>5} | "
        console.print(Text(gutter, style="dim") + Text(shown))
        console.print(Text(" " * len(gutter) + " " * a + "^" * max(1, b - a), style=STYLE[f.severity]))
    if f.fix:
        console.print(Text(f"      fix: {f.fix.message}", style="green"))
    for note in f.notes:
        console.print(Text(f"      note: {note}", style="dim"))


def render(report: Report, out: TextIO, *, color: bool | None = None, **_options) -> None:
    no_color = color is False or (color is None and ("NO_COLOR" in os.environ))
    console = Console(
        file=out,
        no_color=no_color,
        force_terminal=True if color else None,
        highlight=False,
        soft_wrap=True,
        emoji=False,
        markup=False,
    )
    sources = {s.path: s for m in report.manuscripts for s in (m.source, *m.sources)}
    for path in dict.fromkeys(f.span.path for f in report.findings):
        console.print(Text(path, style="bold underline"))
        for f in report.findings:
            if f.span.path == path:
                _finding(f, sources, console)
        console.print()
    for note in report.notes:
        console.print(Text(f"note: {note}", style="dim"))
    counts = report.counts()
    citations, references = report.checked()
    summary = Text()
    parts = [f"{counts.get('error', 0)} error(s)", f"{counts.get('warning', 0)} warning(s)", f"{counts.get('info', 0)} info"]
    summary.append(", ".join(parts), style="bold")
    summary.append(f" in {len(report.manuscripts)} file(s): {citations} citations, {references} references checked")
    if report.suppressed:
        summary.append(f"; {report.suppressed} suppressed")
    console.print(summary)
