"""SARIF 2.1.0, the format GitHub code scanning (and most CI dashboards) read.

One run: the rules that ran as ``tool.driver.rules`` (code as ``id``, kebab-case name as
``name``, the docstring as help), one result per finding with its span as the region, the
fix as a SARIF ``fix`` where the finding proposes a replacement, and the report's notes as
tool execution notifications. Columns count code points (``columnKind``), as refcheck's do;
``endColumn`` is exclusive in both.

``partialFingerprints["refcheck/v1"]`` lets code scanning follow an alert across runs. It is
a hash of the rule's code, the file's path, the text the finding marks, and the finding's
rank among findings with those same three (1 for the first in the file, 2 for the next...).
It leaves out line numbers, and also the message: messages name other lines ("the other
entry 15 is on line 128"), so a line inserted above would change them. The same input
gives byte-identical output (no timestamps, no absolute paths but those given).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import PurePath, PureWindowsPath
from typing import TextIO
from urllib.parse import quote

import refcheck
from refcheck.model import Finding, Severity, Span
from refcheck.render import full_message
from refcheck.report import Report
from refcheck.rule import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
REPOSITORY = "https://github.com/refcheck-manuscript/refcheck"
RULES_DOC = f"{REPOSITORY}/blob/main/docs/rules.md"
FINGERPRINT = "refcheck/v1"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_location(path: str) -> dict:
    """``{"uri": "paper/review.md", "uriBaseId": "%SRCROOT%"}``; an absolute path is a file: URI."""
    if PureWindowsPath(path).is_absolute() and not path.startswith("/"):
        return {"uri": PureWindowsPath(path).as_uri()}
    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        return {"uri": PurePath(posix).as_uri()}
    while posix.startswith("./"):
        posix = posix[2:]
    return {"uri": quote(posix, safe="/"), "uriBaseId": "%SRCROOT%"}


def region(span: Span) -> dict:
    """Lines and columns of the text read (a PDF's: its extracted text, with the page and the line
    on the page as properties)."""
    out = {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line, "endColumn": span.end_column}
    if span.page:
        out["properties"] = {"page": span.page, "pageLine": span.page_line}
    return out


def _paragraphs(doc: str) -> list[str]:
    return [" ".join(p.split()) for p in doc.split("\n\n") if p.strip()]


def rule_descriptor(rule: Rule) -> dict:
    paragraphs = _paragraphs(rule.doc) or [rule.name]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": " ".join(paragraphs[:2])},
        "help": {"text": rule.doc or rule.name, "markdown": rule.doc or rule.name},
        "helpUri": f"{RULES_DOC}#{rule.code.lower()}",
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
    }


def fingerprints(findings, texts: dict[str, str]) -> list[str]:
    """One fingerprint per finding (in report order): code, path, marked text, and rank among equals."""
    seen: Counter = Counter()
    out = []
    for f in findings:
        marked = texts.get(f.span.path, "")[f.span.start : f.span.end]
        key = (f.code, f.span.path.replace("\\", "/"), marked)
        seen[key] += 1
        digest = hashlib.sha256("\0".join((*key, str(seen[key]))).encode("utf-8", "surrogatepass"))
        out.append(digest.hexdigest()[:32])
    return out


def _fix(finding: Finding) -> list[dict]:
    fix = finding.fix
    if fix is None or fix.replacement is None or fix.span is None:
        return []
    return [{
        "description": {"text": fix.message},
        "artifactChanges": [{
            "artifactLocation": artifact_location(fix.span.path),
            "replacements": [{"deletedRegion": region(fix.span), "insertedContent": {"text": fix.replacement}}],
        }],
    }]


def _rules(report: Report) -> list[Rule]:
    """The rules that ran, in code order, plus any rule a finding names that is not among them."""
    from refcheck.rules import BY_CODE

    rules = {r.code: r for r in report.rules}
    for f in report.findings:
        if f.code not in rules and f.code in BY_CODE:
            rules[f.code] = BY_CODE[f.code]
    return sorted(rules.values(), key=lambda r: r.code)


def to_dict(report: Report) -> dict:
    """The SARIF log as plain data."""
    rules = _rules(report)
    index = {r.code: i for i, r in enumerate(rules)}
    texts = {s.path: s.text for m in report.manuscripts for s in (m.source, *m.sources)}
    results = []
    for f, fingerprint in zip(report.findings, fingerprints(report.findings, texts)):
        result = {"ruleId": f.code}
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        result |= {
            "level": LEVEL[f.severity],
            "message": {"text": full_message(f)},
            "locations": [{"physicalLocation": {"artifactLocation": artifact_location(f.span.path), "region": region(f.span)}}],
            "partialFingerprints": {FINGERPRINT: fingerprint},
        }
        fixes = _fix(f)
        if fixes:
            result["fixes"] = fixes
        results.append(result)
    invocation = {"executionSuccessful": True}
    if report.notes:
        invocation["toolExecutionNotifications"] = [{"level": "note", "message": {"text": note}} for note in report.notes]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "refcheck",
                "version": refcheck.__version__,
                "semanticVersion": refcheck.__version__,
                "informationUri": REPOSITORY,
                "rules": [rule_descriptor(r) for r in rules],
            }},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def render(report: Report, out: TextIO, **_options) -> None:
    out.write(json.dumps(to_dict(report), indent=2, ensure_ascii=False))
    out.write("\n")
