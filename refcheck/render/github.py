"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

    ::error file=review.md,line=130,endLine=130,col=5,endColumn=219,title=RC201 duplicate-reference-number::number 15 is used twice...

Values are escaped as GitHub's toolkit does (``escapeData`` for the message, ``escapeProperty``
for property values), so no text from a manuscript can end the line or start another
command: a citation reading ``::error::`` stays inside its message. Columns are given only
when the finding starts and ends on one line (GitHub ignores them otherwise). The fix and
notes follow the message on lines of their own; the report's notes come after the
annotations as ``::notice::`` lines, then a plain summary line.

GitHub shows at most 10 error and 10 warning annotations per step (50 per job) on the pull
request; the rest are in the log. For every finding in the Security tab, upload SARIF instead.
"""

from __future__ import annotations

from typing import TextIO

from refcheck.model import Finding, Severity
from refcheck.render import full_message
from refcheck.report import Report

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    """The toolkit's ``escapeData``: ``%``, CR and LF (in that order)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """The toolkit's ``escapeProperty``: ``escapeData`` plus ``:`` and ``,``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, properties: dict[str, object] | None = None) -> str:
    """One workflow command line: ``::name key=value,key=value::message``."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in (properties or {}).items())
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def annotation(finding: Finding) -> str:
    span = finding.span
    if span.page:
        # a PDF has no lines GitHub can show: the annotation is on the file, the place in the message
        properties: dict[str, object] = {"file": span.path.replace("\\", "/"), "title": f"{finding.code} {finding.rule}"}
        return command(COMMAND[finding.severity], f"{span.where}: {full_message(finding)}", properties)
    properties = {"file": span.path.replace("\\", "/"), "line": span.line, "endLine": span.end_line}
    if span.end_line == span.line:
        properties |= {"col": span.column, "endColumn": span.end_column}
    properties["title"] = f"{finding.code} {finding.rule}"
    return command(COMMAND[finding.severity], full_message(finding), properties)


def render(report: Report, out: TextIO, **_options) -> None:
    for finding in report.findings:
        out.write(annotation(finding) + "\n")
    for note in report.notes:
        out.write(command("notice", note) + "\n")
    counts = report.counts()
    citations, references = report.checked()
    summary = (f"refcheck: {counts.get('error', 0)} error(s), {counts.get('warning', 0)} warning(s), "
               f"{counts.get('info', 0)} info in {len(report.manuscripts)} file(s): "
               f"{citations} citations, {references} references checked")
    if report.suppressed:
        summary += f"; {report.suppressed} suppressed"
    out.write(summary + "\n")
