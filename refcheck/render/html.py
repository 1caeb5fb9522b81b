"""The HTML report: one self-contained page (inline CSS and JS, a strict CSP) to open from file://.

Everything taken from the manuscript reaches the page through jinja2's autoescape or
``markupsafe.escape``; hrefs are built only from ids refcheck generated and from DOIs that
pass :data:`DOI`. The same report always gives the same bytes (no timestamps).
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from markupsafe import Markup, escape

import refcheck
from refcheck.model import Citation, Contrast, Finding, Manuscript, Match, Reference
from refcheck.report import Report

TEMPLATES = Path(__file__).resolve().parent / "templates"
RULES_DOC = "https://github.com/refcheck-manuscript/refcheck/blob/main/docs/rules.md"
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_.:-]")
SEVERITIES = ("error", "warning", "info")
STATUS_ORDER = ("verified", "mismatch", "not-found", "doi-not-found", "other-agency", "elsewhere", "unverified", "incomplete")

# which compared row each ``Match.differences`` field marks
DIFF_ROW = {
    "year": "year",
    "author": "authors",
    "author-spelling": "authors",
    "title": "title",
    "container": "container",
    "volume": "volume",
    "issue": "issue",
    "page": "page",
    "article-number": "page",
}

SCRIPT = """
(function () {
  "use strict";
  document.querySelectorAll("section.findings").forEach(function (section) {
    var table = section.querySelector("table");
    if (!table) { return; }
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var boxes = section.querySelectorAll("input[data-severity]");
    var select = section.querySelector("select.rule-filter");
    var status = section.querySelector(".filter-status");
    function apply() {
      var shown = {};
      boxes.forEach(function (b) { shown[b.getAttribute("data-severity")] = b.checked; });
      var rule = select ? select.value : "";
      var visible = 0;
      rows.forEach(function (row) {
        var ok = shown[row.getAttribute("data-severity")] !== false &&
          (rule === "" || row.getAttribute("data-rule") === rule);
        row.hidden = !ok;
        if (ok) { visible += 1; }
      });
      if (status) { status.textContent = visible + " of " + rows.length + " findings shown"; }
    }
    function value(row, key) {
      return key === "message" ? row.cells[4].textContent : row.getAttribute("data-" + key);
    }
    boxes.forEach(function (b) { b.addEventListener("change", apply); });
    if (select) { select.addEventListener("change", apply); }
    table.querySelectorAll("th button[data-key]").forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.getAttribute("data-key");
        var th = button.parentNode;
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = key === "order" || key === "severity-rank";
        rows.sort(function (a, b) {
          var x = value(a, key), y = value(b, key);
          var c = numeric ? Number(x) - Number(y) : (x < y ? -1 : x > y ? 1 : 0);
          if (c === 0) { c = Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order")); }
          return ascending ? c : -c;
        });
        var fragment = document.createDocumentFragment();
        rows.forEach(function (row) { fragment.appendChild(row); });
        body.appendChild(fragment);
      });
    });
    apply();
  });
}());
"""


def script_hash(script: str = SCRIPT) -> str:
    """The CSP source that allows exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def anchor_id(kind: str, ident: str) -> str:
    """An HTML id (and fragment) from a refcheck-generated id: ``ref-r3``, ``cite-2:c1``."""
    return f"{kind}-{_UNSAFE_ID.sub('_', ident)}"


def doi_url(doi: str | None) -> str | None:
    """``https://doi.org/...`` for a well-formed DOI, None for anything else (never a javascript: URL)."""
    if not doi or not DOI.match(doi):
        return None
    return "https://doi.org/" + quote(doi, safe="/")


def rule_url(code: str) -> str:
    return f"{RULES_DOC}#{_UNSAFE_ID.sub('', code.lower())}"


class _Spans:
    """Non-overlapping spans sorted by start: which one does an offset range overlap? (bisect)."""

    def __init__(self, items: list, span_of) -> None:
        self.items = items
        self.starts = [span_of(x).start for x in items]
        self.ends = [span_of(x).end for x in items]

    def first_overlapping(self, start: int, end: int) -> int | None:
        i = bisect.bisect_right(self.ends, start)  # first item ending after start
        if i < len(self.items) and (self.starts[i] < end or (start == end and self.starts[i] <= start)):
            return i
        return None


def _sorted_disjoint(items, span_of, path: str):
    """The items in ``path``, by start, dropping any that overlaps the one before (returned apart)."""
    kept, dropped, last_end = [], [], -1
    for x in sorted((x for x in items if span_of(x).path == path), key=lambda x: (span_of(x).start, span_of(x).end)):
        if span_of(x).start >= last_end:
            kept.append(x)
            last_end = span_of(x).end
        else:
            dropped.append(x)
    dropped += [x for x in items if span_of(x).path != path]
    return kept, dropped


def _marked(phrase: str, marks: tuple[tuple[int, int], ...]) -> str:
    """The phrase escaped, each marked range in ``<mark>`` (ranges outside the phrase are ignored)."""
    parts, at = [], 0
    for start, end in sorted(marks):
        if not 0 <= at <= start < end <= len(phrase):
            continue
        parts += [str(escape(phrase[at:start])), "<mark>", str(escape(phrase[start:end])), "</mark>"]
        at = end
    parts.append(str(escape(phrase[at:])))
    return "".join(parts)


def contrast_html(contrast: Contrast) -> Markup:
    """The two phrases of a finding side by side, the words that differ marked."""
    cited = {"title": "the cited title", "record": "its Crossref record's title", "abstract": "its abstract"}.get(contrast.source, "the cited work")
    return Markup(f'<span class="contrast">the sentence: “{_marked(contrast.said, contrast.said_marks)}” · '
                  f'{cited}: “{_marked(contrast.cited, contrast.cited_marks)}”</span>')


def _body_html(text: str, end: int, citations: list[Citation], status: dict[str, str], targets: dict[str, str], prefix: str,
               markup: tuple[tuple[int, int, str], ...] = (), references: str | None = None) -> Markup:
    """The text before ``end`` with line anchors and each citation wrapped in a link; one pass.

    ``markup`` ranges (the source's tags) are shown as their replacement, but their newlines
    still count, so that line anchors keep the file's numbering.
    """
    parts: list[str] = []
    line = 1
    pos = 0
    hidden = iter(markup)
    upcoming = next(hidden, None)

    page = 1

    def visible(chunk: str) -> None:
        nonlocal line, page
        pieces = chunk.split("\n")
        parts.append(str(escape(pieces[0])))
        for piece in pieces[1:]:
            line += 1
            parts.append(f'\n<span class="ln" id="{prefix}L{line}"></span>')
            if piece == "\f":  # a PDF's page break: say which page begins
                page += 1
                parts.append(f'<span class="page-break">page {page}</span>')
            else:
                parts.append(str(escape(piece)))

    def plain(upto: int) -> None:
        nonlocal pos, line, upcoming
        while upcoming is not None and upcoming[0] < upto:
            start, stop, shown = upcoming
            if start > pos:
                visible(text[pos:start])
            stop_here = min(stop, upto)
            for _ in range(text.count("\n", max(pos, start), stop_here)):  # hidden lines keep their anchors
                line += 1
                parts.append(f'<span class="ln" id="{prefix}L{line}"></span>')
            if max(pos, start) == start and shown:
                parts.append(str(escape(shown)))
            pos = max(pos, stop_here)
            if stop <= upto:
                upcoming = next(hidden, None)
            else:
                return
        if upto > pos:
            visible(text[pos:upto])
        pos = max(pos, upto)

    parts.append(f'<span class="ln" id="{prefix}L{line}"></span>')
    for c in citations:
        if c.span.end > end:
            break
        plain(c.span.start)
        cid = anchor_id("cite", c.id)
        href = targets.get(c.id, references or f"#{prefix}references")
        label = escape(status[c.id])
        parts.append(f'<a class="cite status-{label}" href="{escape(href)}" id="{escape(cid)}" title="{label}">')
        plain(c.span.end)
        parts.append("</a>")
    plain(end)
    return Markup("".join(parts))


def _fields(ref: Reference) -> dict[str, str]:
    authors = "; ".join(f"{n.family}, {n.given}".rstrip(", ") for n in ref.authors[:3])
    if len(ref.authors) > 3 or ref.authors_truncated:
        authors += " …"
    page = ref.page or ref.article_number or ""
    return {
        "title": ref.title or "",
        "authors": authors,
        "year": ref.year or "",
        "container": ref.container_title or "",
        "volume": ref.volume or "",
        "issue": ref.issue or "",
        "page": page,
    }


def _comparison(ref: Reference, match: Match) -> dict | None:
    work = match.work
    if work is None:
        return None
    printed = _fields(ref)
    record = _fields(Reference("", ref.span, "", authors=work.authors, year=work.year, title=work.title,
                               container_title=work.container_title, volume=work.volume, issue=work.issue,
                               page=work.page, article_number=work.article_number))
    differing = {DIFF_ROW.get(f, f) for f, _, _ in match.differences}
    rows = [{"field": k, "printed": printed[k], "record": record[k], "differs": k in differing} for k in printed]
    return {"status": match.status, "via": match.via, "evidence": match.evidence, "doi": work.doi, "doi_url": doi_url(work.doi), "rows": rows}


TEXT_FORMATS = ("markdown", "latex", "text", "jats", "docx", "pdf")  # a manuscript's own text (not its .bib or YAML)


def _manuscript_view(index: int, manuscript: Manuscript, findings: list[Finding], crossref_rules: bool) -> dict:
    prefix = f"m{index}-" if index else ""
    source = manuscript.source
    section = manuscript.reference_section
    # every file of the text, in reading order: a project's chapters, a LaTeX file's \input files
    texts = [source, *(s for s in manuscript.sources if s.format in TEXT_FORMATS and s.path != source.path and s.text)]
    files = []
    for k, src in enumerate(texts):
        end = section.start if section is not None and section.path == src.path else len(src.text)
        cites, dropped = _sorted_disjoint([c for c in manuscript.citations if c.span.path == src.path], lambda c: c.span, src.path)
        in_body = [c for c in cites if c.span.end <= end]
        files.append({"source": src, "end": end, "prefix": prefix if k == 0 else f"{prefix}s{k}-", "in_body": in_body,
                      "outside": [c for c in cites if c.span.end > end] + dropped, "index": _Spans(in_body, lambda c: c.span)})
    by_path = {f["source"].path: f for f in files}
    other_cites = [c for f in files for c in f["outside"]] + [c for c in manuscript.citations if c.span.path not in by_path]
    other_cites.sort(key=lambda c: (c.span.path != source.path, c.span.path, c.span.start))

    refs, _ = _sorted_disjoint(list(manuscript.references), lambda r: r.span, source.path)
    ref_index = _Spans(refs, lambda r: r.span)
    ref_ids = {r.id for r in manuscript.references}

    # findings -> anchors; citations with a finding over them
    problem_cites: set[str] = set()
    refs_findings: dict[str, list[int]] = {}
    rows = []
    for n, f in enumerate(findings):
        target, where = None, place(f.span)
        here = by_path.get(f.span.path)
        if here is not None:
            i = here["index"].first_overlapping(f.span.start, f.span.end)
            if i is not None:
                problem_cites.add(here["in_body"][i].id)
                target = anchor_id("cite", here["in_body"][i].id)
            if here["source"] is source:
                j = ref_index.first_overlapping(f.span.start, f.span.end)
                if j is not None:
                    refs_findings.setdefault(refs[j].id, []).append(n)
                    target = target or anchor_id("ref", refs[j].id)
            if target is None:
                target = f"{here['prefix']}L{f.span.line}" if f.span.start < here["end"] else f"{prefix}references"
        rows.append({
            "n": n, "id": f"{prefix}f{n + 1}", "finding": f, "severity": str(f.severity), "rank": 4 - int(f.severity),
            "where": where, "target": target, "rule_url": rule_url(f.code),
            "contrast": contrast_html(f.contrast) if f.contrast else None,
        })

    # citation status and where each one points
    links_of: dict[str, list] = {}
    for link in manuscript.links:
        links_of.setdefault(link.citation, []).append(link)
    status, targets, cited_refs = {}, {}, {}
    for c in manuscript.citations:
        links = links_of.get(c.id, [])
        reached = [r for link in links for r in link.references if r in ref_ids]
        cited_refs[c.id] = list(dict.fromkeys(reached))
        if any(not link.references for link in links) or not links:
            status[c.id] = "unlinked"
        elif c.id in problem_cites:
            status[c.id] = "problem"
        else:
            status[c.id] = "linked"
        if reached:
            targets[c.id] = "#" + anchor_id("ref", reached[0])

    bodies = [{"path": f["source"].path, "id": f"{prefix}text-{k}",
               "body": _body_html(f["source"].text, f["end"], f["in_body"], status, targets, f["prefix"], f["source"].markup,
                                 f"#{prefix}references")}
              for k, f in enumerate(files)]

    matches: dict[str, list[Match]] = {}
    for m in manuscript.matches:
        matches.setdefault(m.reference.split(".")[0] if m.reference not in ref_ids else m.reference, []).append(m)
    parts_of = {r.id: r for ref in manuscript.references for r in (ref, *ref.parts)}
    references = []
    for ref in manuscript.references:
        comparisons = []
        for m in matches.get(ref.id, []):
            target = parts_of.get(m.reference, ref)
            comparisons.append({"reference": m.reference, "status": m.status, "evidence": m.evidence,
                                "compare": _comparison(target, m)})
        references.append({
            "ref": ref, "id": anchor_id("ref", ref.id), "doi_url": doi_url(ref.doi),
            "findings": [rows[n] for n in refs_findings.get(ref.id, [])],
            "matches": comparisons,
            "cited_by": [],
        })
    by_ref = {r["ref"].id: r for r in references}
    for c in manuscript.citations:
        for rid in cited_refs[c.id]:
            if rid in by_ref:
                by_ref[rid]["cited_by"].append(anchor_id("cite", c.id))

    severity_counts = Counter(str(f.severity) for f in findings)
    rule_counts = Counter((f.code, f.rule) for f in findings)
    match_counts = Counter(m.status for m in manuscript.matches)
    return {
        "prefix": prefix,
        "manuscript": manuscript,
        "path": manuscript.path,
        "dates": [(k, v) for k, v in manuscript.dates.items() if v],
        "doi_url": doi_url(manuscript.doi),
        "severity_counts": [(s, severity_counts.get(s, 0)) for s in SEVERITIES],
        "rule_counts": [(code, rule, count, rule_url(code)) for (code, rule), count in sorted(rule_counts.items())],
        "rules": sorted({(f.code, f.rule) for f in findings}),
        "match_counts": sorted(match_counts.items(), key=lambda kv: (STATUS_ORDER.index(kv[0]) if kv[0] in STATUS_ORDER else 99, kv[0])),
        "crossref_rules": crossref_rules,
        "bodies": bodies,
        "citations": len(manuscript.citations),
        "other_citations": [{"c": c, "id": anchor_id("cite", c.id), "href": targets.get(c.id, f"#{prefix}references"), "status": status[c.id]}
                            for c in other_cites],
        "references": references,
        "findings": rows,
    }


def place(span) -> str:
    """Where a span is, as a reader finds it: "paper.md:12:5", or in a PDF "paper.pdf, page 3, line 12"."""
    return f"{span.path}, {span.where}" if span.page else f"{span.path}:{span.line}:{span.column}"


@lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals["place"] = place
    return env.get_template("report.html.j2")


def render_string(report: Report) -> str:
    crossref_rules = any("crossref" in r.needs for r in report.rules)
    paths_of = [{s.path for s in (m.source, *m.sources)} for m in report.manuscripts]
    per: list[list[Finding]] = [[] for _ in report.manuscripts]
    orphans: list[Finding] = []
    for f in report.findings:
        for i, paths in enumerate(paths_of):
            if f.span.path in paths:
                per[i].append(f)
                break
        else:
            orphans.append(f)
    views = [_manuscript_view(i, m, per[i], crossref_rules) for i, m in enumerate(report.manuscripts)]
    counts = report.counts()
    return _template().render(
        version=refcheck.__version__,
        csp_script=Markup(script_hash()),  # base64 and quotes only: written as is
        script=Markup(SCRIPT),
        manuscripts=views,
        orphans=[{"finding": f, "severity": str(f.severity), "rule_url": rule_url(f.code)} for f in orphans],
        notes=report.notes,
        totals=[(s, counts.get(s, 0)) for s in SEVERITIES],
        suppressed=report.suppressed,
        severities=SEVERITIES,
    )


def render(report: Report, out: TextIO, **_options) -> None:
    out.write(render_string(report))

