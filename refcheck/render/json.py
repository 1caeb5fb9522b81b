"""The JSON report: a versioned contract (see docs/json-schema.md). Byte-identical for the same input."""

from __future__ import annotations

from typing import TextIO

import orjson

import refcheck
from refcheck.report import Report

SCHEMA_VERSION = "1.5"  # 1.1 added "matches" (Crossref), "bib" (.bib entries), references[].type; 1.2 references[].pmid, links how key-mismatch/key-missing; 1.3 references[].other_years; 1.4 span page/page_line (PDF); 1.5 findings[].contrast (citation-context)


def _metadata(manuscript) -> dict:
    dates = manuscript.dates if manuscript else {}
    return {
        "title": manuscript.title if manuscript else None,
        "doi": manuscript.doi if manuscript else None,
        "dates": {k: dates.get(k) for k in ("received", "revised", "accepted", "published")},
    }


def _sections(report: Report) -> dict:
    """The report's top-level keys; the long arrays as lazy iterables of model objects."""
    manuscript = report.manuscripts[0] if report.manuscripts else None
    counts = report.counts()
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "refcheck", "version": refcheck.__version__},
        "files": [{"path": s.path, "format": s.format} for m in report.manuscripts for s in (m.source, *m.sources)],
        "manuscript": _metadata(manuscript),
        "manuscripts": [{"path": m.path, **_metadata(m)} for m in report.manuscripts],
        "citations": [c for m in report.manuscripts for c in m.citations],
        "references": [r for m in report.manuscripts for r in m.references],
        "bib": [r for m in report.manuscripts for r in m.bib],
        "links": [link for m in report.manuscripts for link in m.links],
        "matches": [match for m in report.manuscripts for match in m.matches],
        "findings": list(report.findings),
        "summary": {
            "errors": counts.get("error", 0),
            "warnings": counts.get("warning", 0),
            "info": counts.get("info", 0),
            "suppressed": report.suppressed,
            "rules": [r.code for r in report.rules],
        },
        "notes": list(report.notes),
    }


_OBJECT_ARRAYS = ("citations", "references", "bib", "links", "matches", "findings")


def to_dict(report: Report) -> dict:
    """The whole report as plain data (what `render` writes)."""
    data = _sections(report)
    for key in _OBJECT_ARRAYS:
        data[key] = [obj.to_dict() for obj in data[key]]
    return data


CHUNK = 1000


def _dumps(value) -> str:
    return orjson.dumps(value).decode()


def render(report: Report, out: TextIO, **_options) -> None:
    """One top-level key per line, each value compact.

    Readable with `jq`, encoded by orjson (byte-identical to the standard library's compact
    output with ``ensure_ascii=False``, about six times faster), and streamed: the long
    arrays are turned into dicts and encoded a chunk at a time, so a large report never exists
    as one tree of dicts.
    """
    out.write("{\n")
    for i, (key, value) in enumerate(_sections(report).items()):
        out.write(f",\n{_dumps(key)}: " if i else f"{_dumps(key)}: ")
        if key in _OBJECT_ARRAYS:
            out.write("[")
            for start in range(0, len(value), CHUNK):
                chunk = [obj.to_dict() for obj in value[start : start + CHUNK]]
                out.write(("," if start else "") + _dumps(chunk)[1:-1])
            out.write("]")
        else:
            out.write(_dumps(value))
    out.write("\n}\n")
