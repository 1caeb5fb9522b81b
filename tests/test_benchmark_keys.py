"""Unit tests of the key-citation benchmark's scoring helpers (benchmarks/keys.py).

Synthetic rows and findings only: no corpus, no refcheck run.
"""

from __future__ import annotations

import doctest
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import keys  # noqa: E402
from refcheck.model import Finding, Severity, Span  # noqa: E402


def span(path: str = "a.tex", line: int = 1, start: int = 0, end: int = 1) -> Span:
    return Span(path, line, 1, line, 2, start, end)


def finding(rule: str, severity: Severity, message: str, at: Span | None = None) -> Finding:
    return Finding("RC000", rule, severity, at or span(), message)


def test_doctests():
    assert doctest.testmod(keys).failed == 0


def test_multiset_match_counts_repeats():
    matched, gold_only, pred_only = keys.multiset_match(["a", "a", "b"], ["a", "c"])
    assert (matched, gold_only, pred_only) == (1, ["a", "b"], ["c"])


def test_by_line_matches_file_line_and_key_list_one_to_one():
    gold = [keys.Row("intro.tex", 3, ("x",)), keys.Row("intro.tex", 3, ("x",)), keys.Row("intro.tex", 5, ("y", "z"))]
    pred = [keys.Row("intro.tex", 3, ("x",)), keys.Row("intro.tex", 5, ("z", "y")), keys.Row("other.tex", 3, ("x",))]
    pairs, missed, extra = keys.by_line(gold, pred)
    assert len(pairs) == 1
    assert [r.line for r in missed] == [3, 5]  # the second \cite{x} on line 3; key order matters
    assert [(r.file, r.line) for r in extra] == [("intro.tex", 5), ("other.tex", 3)]


def test_by_overlap_prefers_same_keys_and_reports_differences():
    gold = [keys.Row("p.md", 1, ("a",), start=10, end=20), keys.Row("p.md", 2, ("b",), start=30, end=40),
            keys.Row("p.md", 3, ("c",), start=50, end=55)]
    pred = [keys.Row("p.md", 1, ("zz",), start=8, end=12), keys.Row("p.md", 1, ("a",), start=15, end=25),
            keys.Row("p.md", 2, ("doi",), start=31, end=39), keys.Row("q.md", 3, ("c",), start=50, end=55)]
    same, differ, missed, extra = keys.by_overlap(gold, pred)
    assert [(g.keys, p.keys) for g, p in same] == [(("a",), ("a",))]
    assert [(g.keys, p.keys) for g, p in differ] == [(("b",), ("doi",))]
    assert [g.keys for g in missed] == [("c",)]  # same offsets, other file
    assert sorted(p.keys for p in extra) == [("c",), ("zz",)]


def test_overlap_is_strict():
    assert keys.overlaps(0, 5, 4, 9) and not keys.overlaps(0, 5, 5, 9)


def test_cite_macros():
    tex = (r"\newcommand{\inlinecite}[1]{\footnotesize\citen{#1}}" "\n"
           r"\newcommand\foo{bar}" "\n"
           r"\def\mycite#1{\citep{#1}}" "\n"
           r"\let\pc=\parencite" "\n"
           r"\renewcommand*{\emph}[1]{\textit{#1}}")
    assert keys.cite_macros(tex) == {"inlinecite", "mycite", "pc"}


def test_command_of():
    assert keys.command_of(r"\inlinecite{a}") == r"\inlinecite"
    assert keys.command_of(r"\citep*[p.~3]{a}") == r"\citep"
    assert keys.command_of("[@a]") == ""


def test_concatenate_and_locate_round_trip():
    texts = [("00.md", "one\n"), ("01.md", "two [@x]\n"), ("02.md", "three")]
    text, starts = keys.concatenate(texts)
    offset = text.index("[@x]")
    name, local = keys.locate(offset, starts)
    assert (name, local) == ("01.md", 4)
    assert dict(texts)[name][local:local + 4] == "[@x]"
    assert keys.locate(text.index("three"), starts) == ("02.md", 0)


def test_line_at():
    assert keys.line_at("a\nb\nc", 4) == 3


def test_alias_groups_only_keep_different_spellings():
    rows = [
        {"input_id": "doi:10.1098/rsif.2017.0387", "standard_id": "doi:10.1098/rsif.2017.0387"},
        {"input_id": "doi:10/gddkhn", "standard_id": "doi:10.1098/rsif.2017.0387"},
        {"input_id": "tag:x", "standard_id": "url:http://a/"},
        {"input_id": "doi:10.7554/eLife.1", "standard_id": "doi:10.7554/elife.1"},
    ]
    assert keys.alias_groups(rows) == [("doi:10.1098/rsif.2017.0387", "doi:10/gddkhn")]


def test_mentions_needs_the_whole_key():
    message = "@doi:10/gddkhn and @doi:10.1098/rsif.2017.0387 (line 10) are the same work"
    assert keys.mentions(message, "doi:10/gddkhn")
    assert keys.mentions(message, "DOI:10.1098/RSIF.2017.0387")
    assert not keys.mentions(message, "doi:10.1098/rsif.2017.038")
    assert not keys.mentions(message, "doi:10/gdd")


def test_judge_sorts_findings_into_defects_and_other():
    cite = span("/x/features.tex", 67, 100, 111)
    case = span("/x/numerics.tex", 91, 200, 204)
    entry = span("/x/paper.bib", 2, 0, 50)
    unused = span("/x/paper.bib", 9, 60, 90)
    stray = span("/x/paper.bib", 20, 300, 330)
    key_at = {("/x/features.tex", 100): "Hunter:2007", ("/x/numerics.tex", 200): "GMPY"}
    entry_at = {("/x/paper.bib", 60): "trager1984", ("/x/paper.bib", 300): "cited1999"}
    expected = keys.Expected(missing={"Hunter:2007"}, case={"GMPY"}, empty={("paper.bib", 2)}, unused={"trager1984", "never2000"})
    findings = [
        finding("undefined-citation-key", Severity.ERROR, "the key 'Hunter:2007' is not defined in the bibliography", cite),
        finding("undefined-citation-key", Severity.WARNING, "the key 'GMPY' matches 'gmpy' only when case is ignored", case),
        finding("bibtex-syntax-error", Severity.ERROR, "this @manual entry has no key", entry),
        finding("unused-bib-entry", Severity.INFO, "the .bib entry 'trager1984' is never cited", unused),
        finding("unused-bib-entry", Severity.INFO, "the .bib entry 'cited1999' is never cited", stray),
        finding("missing-required-field", Severity.INFO, "@book{x} lacks publisher"),
        finding("unreadable-input", Severity.WARNING, "authors.tex cannot be read"),
    ]
    judged = keys.judge(findings, expected, key_at, entry_at)
    assert judged.missing == {"Hunter:2007"}
    assert judged.case == {"GMPY"}
    assert judged.empty == {("paper.bib", 2)}
    assert judged.unused == {"trager1984", "cited1999"}  # cited1999: a false positive, but info, not "other"
    assert [f.rule for f in judged.other] == ["unreadable-input"]
    assert judged.by_rule[("unused-bib-entry", "info")] == 2


def test_judge_wrong_severity_or_unexpected_key_is_other():
    expected = keys.Expected(missing={"a"}, case={"b"})
    findings = [
        finding("undefined-citation-key", Severity.WARNING, "the key 'a' is not defined in the bibliography"),
        finding("undefined-citation-key", Severity.ERROR, "the key 'b' matches 'B' only when case is ignored"),
        finding("undefined-citation-key", Severity.ERROR, "the key 'c' is not defined in the bibliography"),
        finding("bibtex-syntax-error", Severity.ERROR, "unbalanced braces", span("/x/refs.bib", 5)),
    ]
    judged = keys.judge(findings, expected, {}, {})  # keys read from the messages
    assert judged.missing == set() and judged.case == set()
    assert len(judged.other) == 4


def test_judge_alias_pair_from_message_or_span():
    group = ("doi:10.1098/rsif.2017.0387", "doi:10/gddkhn")
    expected = keys.Expected(aliases=[group])
    by_message = finding("duplicate-reference", Severity.WARNING,
                         "@doi:10/gddkhn and @doi:10.1098/rsif.2017.0387 (line 10) are the same work")
    judged = keys.judge([by_message], expected, {}, {})
    assert judged.aliases == [group] and judged.other == []

    at = span("m.md", 4, 40, 55)
    by_span = finding("duplicate-reference", Severity.WARNING, "this repeats @doi:10.1098/rsif.2017.0387", at)
    judged = keys.judge([by_span], expected, {("m.md", 40): "doi:10/gddkhn"}, {})
    assert judged.aliases == [group]

    unrelated = finding("duplicate-reference", Severity.WARNING, "@doi:10.1/a and @tag:b are the same work")
    judged = keys.judge([unrelated], expected, {}, {})
    assert judged.aliases == [] and len(judged.other) == 1


def test_latex_expected_drops_the_empty_key_from_unused():
    gold = {"missing_keys": ["m"], "case_mismatch_keys": ["C"], "unused_bib_keys": ["", "u"],
            "bib_entries": [{"key": "", "line": 2, "file": "sub/paper.bib"}, {"key": "u", "line": 9, "file": "sub/paper.bib"}]}
    expected = keys.latex_expected(gold)
    assert expected.missing == {"m"} and expected.case == {"C"}
    assert expected.unused == {"u"}
    assert expected.empty == {("paper.bib", 2)}


def test_md_expected_derives_defects_from_citations_and_entries():
    gold = {"citations": [{"keys": ["a", "B"]}, {"keys": ["zz"]}],
            "bib_entries": [{"key": "a", "line": 1}, {"key": "b", "line": 5}, {"key": "c", "line": 9}]}
    expected = keys.md_expected(gold)
    assert expected.missing == {"zz"}
    assert expected.case == {"B"}
    assert expected.unused == {"b", "c"}  # "b" is cited only as "B": biber and pandoc do not accept it


def test_classify_extra():
    texts = {"02.md": "See @tbl:platforms.\n\n[@tag:x]: doi:10.1/a\n"}
    crossref = keys.Row("02.md", 1, ("tbl:platforms",), start=4, end=18)
    definition = keys.Row("02.md", 3, ("tag:x",), start=21, end=29)
    other = keys.Row("02.md", 1, ("doi:10.1/a",), start=0, end=3)
    assert keys.classify_extra(crossref, texts).startswith("pandoc-crossref")
    assert keys.classify_extra(definition, texts).startswith("tag definitions")
    assert keys.classify_extra(other, texts) == "other"


def test_table_rows():
    assert keys.score_row("x", 4, 5, 3) == "| x | 4 | 5 | 3 | 0.600 | 0.750 |  |"
    assert keys.set_row("y", set(), set()) == "| y | 0 | 0 | 0 | – | – |  |"
    assert keys.set_differences("k", {"a", "b"}, {"b", "c"}) == [
        "- k in the gold, not reported (1): `a`", "- k reported, not in the gold (1): `c`"]
