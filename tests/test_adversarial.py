"""1 MB adversarial inputs through every reader, and the regular-expression rewrites they led to.

Each input of ``fuzz_targets.ADVERSARIAL`` is built to make a backtracking pattern or a quadratic
loop show itself ("(" or "`" repeated, "[1,1,1,...", "Smith, " repeated, "\\cite{" repeated,
nested braces, "&#x" runs, groups of one 600-letter word...). Each is written to a file and read
the way the command line reads it (``refcheck.readers.load``), checked offline with every rule and
rendered as JSON. No test here compares a time with a fixed number of seconds (tests/timing.py
says why): each input is built at 125 KB and at 1 MB, both well-formed, and the larger may take
at most 20x the time of the smaller (linear is 8x, quadratic 64x); inputs that are not *volume*
inputs must also stay within ADVERSARIAL_SECONDS *reference* seconds, a budget scaled by this
machine's measured speed. Before the rewrites below, several took minutes. *Volume* inputs (a
valid citation every few characters, tens of thousands of entries) cost the pipeline's price per
citation and are held to linear growth only. The absolute times, and the machine's calibration,
are reported by ``benchmarks/robustness.py``.

Timing tests are skipped with REFCHECK_SKIP_ADVERSARIAL=1; they run by default. The equivalence
properties at the end always run: every rewritten pattern or scan gives exactly the matches of the
pattern it replaced (kept here for the comparison).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import regex as re
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import fuzz_targets as ft
from tests import timing
from tests.conftest import ROOT

timed = pytest.mark.skipif(os.environ.get("REFCHECK_SKIP_ADVERSARIAL") == "1", reason="REFCHECK_SKIP_ADVERSARIAL=1")


def _write(tmp_path, adversarial: ft.Adversarial, data):
    path = tmp_path / f"adversarial{ft.EXTENSIONS[adversarial.reader]}"
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def _seconds(adversarial: ft.Adversarial, size: int, tmp_path) -> float:
    """CPU seconds to read, check offline and render the input built at ``size`` bytes."""
    data = adversarial.build(size)
    path = _write(tmp_path, adversarial, data)
    return timing.seconds(lambda: ft.run(adversarial.reader, data, path=path, twice=False, other_formats=False))


@pytest.fixture(scope="module", autouse=True)
def _warm():
    """Imports and pattern compilation happen once, before anything is timed."""
    for reader in ft.READERS:
        if not ft.unavailable(reader):
            ft.run(reader, b"" if reader in ft.BINARY_READERS else "", twice=False)


def _cases():
    """The inputs; of those a known defect makes slow, one per defect (each costs minutes)."""
    cases, known = [], set()
    for a in ft.ADVERSARIAL:
        if a.known in known:
            continue
        if a.known:
            known.add(a.known)
        marks = [pytest.mark.xfail(strict=True, reason=a.known)] if a.known else []
        cases.append(pytest.param(a, marks=marks, id=a.name))
    return cases


@timed
@pytest.mark.parametrize("adversarial", _cases())
def test_adversarial_input_costs_linear_time(tmp_path, adversarial):
    reason = ft.unavailable(adversarial.reader)
    if reason:
        pytest.skip(reason)
    full = len(adversarial.build(ft.MB))
    assert full > 0.9 * ft.MB, "an adversarial input is about 1 MB"
    assert len(adversarial.build(ft.MB // 8)) < full / 5, "it is built to the size asked for"
    _, large = timing.assert_linear(lambda size: _seconds(adversarial, size, tmp_path), adversarial.timed_at,
                                    what=f"{adversarial.name} ({adversarial.why})", budget=None if adversarial.volume else ft.ADVERSARIAL_SECONDS)
    if adversarial.timed_at < ft.MB:  # judged at a smaller size only where that is still far above the floor
        assert large > 2 * timing.FLOOR * timing.speed_factor(), f"{adversarial.name}: time it at a larger size"


# ----------------------------------------------------------------------------- through the command line

CLI_CASES = {  # per reader, one of its slowest adversarial inputs
    "markdown": "md-group-commas", "text": "txt-headers", "latex": "tex-braces-nested", "bibtex": "bib-fields",
    "jats": "jats-nested", "docx": "docx-group-capitals", "pdf": "pdf-long-line",
}


@timed
@pytest.mark.parametrize("reader", ft.READERS)
def test_command_line_costs_linear_time(tmp_path, reader):
    """The whole ``refcheck FILE --offline --format json``, start-up included, at 125 KB and 1 MB."""
    reason = ft.unavailable(reader)
    if reason:
        pytest.skip(reason)
    adversarial = next(a for a in ft.ADVERSARIAL if a.name == CLI_CASES[reader])
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}

    def seconds(size: int) -> float:
        path = _write(tmp_path, adversarial, adversarial.build(size))
        started = timing.cpu_time()  # the child's CPU time, once it is waited for
        proc = subprocess.run([sys.executable, "-m", "refcheck", str(path), "--offline", "--format", "json"], capture_output=True,
                              text=True, env=env, timeout=600)  # a hang guard only: pytest-timeout's 300 s per test comes first
        elapsed = timing.cpu_time() - started
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
        assert "Traceback" not in proc.stderr
        return elapsed

    timing.assert_linear(seconds, ft.MB, what=f"refcheck {adversarial.name}", budget=ft.ADVERSARIAL_SECONDS)


# ----------------------------------------------------------------------------- the rewrites are exact

EQUIVALENCE = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))


def tokens(*pieces: str, max_size: int = 25) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


def spans(pattern, text: str, *args) -> list:
    return [m.span() for m in pattern.finditer(text, *args)]


# The patterns as they were before the rewrites (with the rules added since: a run glued to a word of
# two letters, not before a letter, a digit or a link destination; "(" and ")" inside a superscript).
_NUM = r"\d{1,5}"
OLD_NUMLIST = rf"{_NUM}(?:\s*[-–—]\s*{_NUM})?(?:\s*[,;]\s*{_NUM}(?:\s*[-–—]\s*{_NUM})?)*"


def _old_bracket_run():
    from refcheck.readers import citations as c

    return re.compile(rf"(?:(?<![!\]\w\\])|(?<=\p{{L}}\p{{L}}))\[\s*{OLD_NUMLIST}\s*\](?:\s*(?:[-–—]|[,;]\s*)?\s*\[\s*{OLD_NUMLIST}\s*\])*"
                      rf"(?![:\[\d\p{{L}}]|{c._LINK_DESTINATION.pattern})")


OLD_SUP = re.compile(rf"<sup>\s*(?:[\[(]\s*)?({OLD_NUMLIST})(?:\s*[\])])?\s*,?\s*</sup>(?:\s*[-–—,]\s*<sup>\s*({OLD_NUMLIST})\s*</sup>)*")
OLD_SUP_SEPARATOR = r"<sup>[\s()\[\]]*[-–—,;][\s()\[\]\-–—,;]*</sup>"
OLD_SPLIT_SUP = re.compile(
    rf"<sup>\s*[(\[]\s*</sup>(?P<enclosed>\d{{1,3}}(?:{OLD_SUP_SEPARATOR}\d{{1,3}})*)(?!\d)<sup>\s*[)\]]\s*</sup>"
    rf"|(?<!\d|\d[.,])(?P<bare>\d{{1,3}}(?:{OLD_SUP_SEPARATOR}\d{{1,3}})+)(?!\d)(?:<sup>\s*[)\]]\s*</sup>)?"
)
OLD_PAREN_NUM = re.compile(rf"\(\s*({OLD_NUMLIST})\s*\)")
OLD_WORD = r"(?:(?:(?<![\p{L}\p{M}])[dDlL]['’])?\p{Lu}[\p{L}\p{M}'’]*(?:[-‐‑–][\p{L}\p{M}'’]+)*(?:(?<=[-‐\s]Jr|[-‐\s]Sr)\.)?)"


def _old_authors():
    from refcheck.readers import citations as c

    # a name starts with a particle only where no letter precedes it ("ruficapilla" holds no "la")
    # an organisation's name may start with a number that is no year, where no digit, letter, "." or "," precedes it
    number = r"(?<![\d\p{L}.,\-–/])(?!(?:1[5-9]|20)\d\d\b)\d{1,4}\s(?=\p{Lu})"
    surname = rf"(?:(?:(?<![\p{{L}}\p{{M}}]){c._PARTICLE}{{1,3}}|{number})?{OLD_WORD}(?:\s{c._PARTICLE}{{0,2}}{OLD_WORD}){{0,3}})"
    lower = r"(?:\p{Ll}[\p{Ll}\p{M}'’-]+(?=\s+et\s*al))"
    s = rf"{surname}{c._INITIALS}?"
    return rf"(?P<authors>(?:{s}|{lower})(?:(?:\s*,\s*{s}){{0,4}}\s*,?\s+(?:{c._AND})\s+{s})?{c._ETAL}?)"


def test_numeric_citation_patterns_match_as_before():
    from refcheck.readers import citations as c

    old_bracket_run = _old_bracket_run()

    @EQUIVALENCE
    @given(tokens("[", "]", "1", "12", "12345", "123456", ",", ";", "-", "–", " ", ":", "(", ")", "!", "a", "ab", "\n", "<sup>", "</sup>",
                  "<", ">", '"', "[1]", "](", "(x)"))
    def check(text):
        assert [m.span() for m in old_bracket_run.finditer(text)] == list(c._bracket_runs(text)), text
        assert [m.group(0, 1, 2) for m in OLD_SUP.finditer(text)] == [m.group(0, 1, 2) for m in c._SUP.finditer(text)], text
        assert [m.group(0, 1) for m in OLD_PAREN_NUM.finditer(text)] == [m.group(0, 1) for m in c._PAREN_NUM.finditer(text)], text

    @EQUIVALENCE
    @given(tokens("1", "12", "1234", "<sup>(</sup>", "<sup>)</sup>", "<sup>-</sup>", "<sup>,</sup>", "<sup>),(</sup>", "<sup>a</sup>",
                  "<sup>", "</sup>", "(", ",", ".", " ", "a", "A"))
    def check_split(text):
        assert [m.group(0, 1, 2) for m in OLD_SPLIT_SUP.finditer(text)] == [m.group(0, 1, 2) for m in c._SPLIT_SUP.finditer(text)], text

    check()
    check_split()


def test_pandoc_key_pattern_is_the_manual_definition():
    """PANDOC_KEY reads what a plain scan of pandoc's definition reads: a letter, digit, "_" or "*",
    then letters, digits and "_", and ":.#$%&-+?<>~/" when a letter, digit or "_" follows (":" or
    "/" also when "/" follows)."""
    from refcheck.readers import citations as c

    def regular(ch: str) -> bool:
        return ch.isalnum() or ch == "_"

    def scan(text: str) -> int | None:
        if not text or not (regular(text[0]) or text[0] == "*"):
            return None
        i = 1
        while i < len(text):
            ch, nxt = text[i], text[i + 1 : i + 2]
            if regular(ch) or (ch in ":.#$%&-+?<>~/" and nxt and regular(nxt)) or (ch in ":/" and nxt == "/"):
                i += 1
            else:
                break
        return i

    @EQUIVALENCE
    @given(tokens("a", "Z", "0", "_", "é", "*", ":", ".", "/", "//", "-", "#", "$", "%", "&", "+", "?", "<", ">", "~", " ", "@", "\u0301", "²"))
    def check(text):
        m = c.PANDOC_KEY.match(text)
        assert (m.end() if m else None) == scan(text), text

    check()


def test_author_year_items_match_as_before():
    """Atomic words, possessive word lists and the item start rule change no match: the optimised
    patterns find what a plain formulation of the same grammar finds."""
    from refcheck.readers import citations as c

    authors = _old_authors()
    old_item = re.compile(rf"{authors}(?P<sep>\s*,(?:\s*,)?\s*|\s+){c.YEARS}")
    old_narrative = re.compile(rf"(?:(?<![\p{{L}}\d@])|(?<=(?<!\p{{L}})(?:{c._GLUED_BEFORE})))(?:{authors})"
                               rf"(?:(?<=\p{{Ll}}['’]s|\p{{Ll}}s['’])(?P<owned>(?:\s+\p{{Ll}}[\p{{Ll}}\-]*){{1,3}}))?(?P<sep>\s*,?\s*)(?P<open>[(\[])\s*{c._NARRATIVE_YEARS}"
                               r"(?P<locator>\s*[,:]\s*(?:pp?\.|chap\.|ch\.|cap\.|s/p|s\.\s?p\.|fl?\.|v\.|vol\.)[^()\[\]\n]{0,80}?)?\s*[)\]]")
    old_close = re.compile(rf"{authors}(?P<sep>\s*,\s*){c.YEARS}\s*\)")

    def groups(pattern, text, *args):
        return [m.group(0, "authors", "years") for m in pattern.finditer(text, *args)]

    @settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
    @given(tokens("A", "B", "b", "x", "Smith", "Lee", " ", ",", ", ", "-", "’", "'", "d", "d’", "l'", "van ", "Van ", "de ", "La ", "der ",
                  "et al", " et al.", " and ", "&", "2019", "2019a", " in press", "in pressx", "forthcoming", "n.d.", "é", "\u0301",
                  "(", ")", "[", "]", ";", "\n", "al-", "AB", "Ł", ", b",
                  "1000 ", "7", ".", "–", ", C.", " J.", "Jr.", " e "))
    def check(text):
        assert groups(old_item, text) == groups(c._PAREN_ITEM, text), text
        assert groups(old_narrative, text) == groups(c._NARRATIVE, text), text
        for lo in range(0, len(text), 4):
            assert groups(old_close, text, lo) == groups(c._PAREN_ITEM_CLOSE, text, lo), (text, lo)

    check()


def test_the_group_pattern_matches_as_its_plain_formulation():
    """A parenthesis body without brackets tried first as one run of characters changes no match:
    the same groups (span and body) as the body written as one alternation per character."""
    import re as stdre

    from refcheck.readers import citations as c

    plain = stdre.compile(
        r"(?<!\])\((?P<body>(?:[^()\[\]\n]|\[[A-Za-z][A-Za-z0-9&/-]{1,11}\]){2,600}(?:\n(?!\s*\n)[^()\[\]\n]{0,600}){0,4})\)"
        r"|\[(?P<bbody>[^\[\]()\n]{2,600})\](?!\()"
        r"|(?<=\|)(?P<cell>[^|()\[\]\n]{2,600})(?=\|)"
    )

    def groups(pattern, text):
        return [(m.span(), m.groupdict()) for m in pattern.finditer(text)]

    @settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
    @given(tokens("(", ")", "[", "]", "\n", "\n\n", " ", "a", "Smith", "2019", "[CNPq]", "[1]", "|", "[A]", "[Ab1&]", ";", ","))
    def check(text):
        assert groups(plain, text) == groups(c._GROUP, text), text

    check()
    long = "(" + "a [CNPq] b " * 55 + ")"  # 605 characters, 330 units: a group only counted in units
    assert groups(plain, long) == groups(c._GROUP, long) != []


def test_markdown_masks_match_as_before():
    from refcheck.readers import markdown as md

    @EQUIVALENCE
    @given(tokens("`", "``", "```", "a", " ", "\n", "]", "^", "[", "[^", "<sub>", "</sub>", "\u2003", "\t"))
    def check(text):
        assert spans(md._INLINE_CODE, text) == list(md._inline_code(text)), text
        assert spans(md._FOOTNOTE_REF, text) == list(md._footnote_refs(text)), text
        assert spans(md._SUBSCRIPT, text) == list(md._subscripts(text)), text

    check()


def test_code_fences_match_as_before():
    import re as stdre

    from refcheck.readers import markdown as md

    old = stdre.compile(r"^[ \t]{0,3}(```+|~~~+)[^\n]*\n.*?(?:^[ \t]{0,3}\1[ \t]*$|\Z)", stdre.M | stdre.S)

    @EQUIVALENCE
    @given(tokens("```", "`", "~~~", "~", " ", "\t", "\n", "a", "    "))
    def check(text):
        assert [m.group(0, 1) for m in old.finditer(text)] == [m.group(0, 1) for m in md._FENCE.finditer(text)], text

    check()


def test_title_matches_as_before():
    from refcheck.readers import metadata

    @settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
    @given(tokens("title:", "#", " ", "  ", "\t", "\n", "'", '"', "a", "b c", "##", "\u3000", "\x0b", "\r", "*", "x#", "\u2028", max_size=14))
    def check(text):
        m = metadata._TITLE.search(text)
        assert (m.group("yaml") or m.group("h1") if m else None) == metadata._title(text), text

    check()


def test_white_space_is_the_regex_module_s():
    """metadata._WHITE is what the regex module's \\s matches (Unicode's White_Space: none above U+3000)."""
    from refcheck.readers import metadata

    assert sorted(metadata._WHITE) == [chr(c) for c in range(0x3001) if re.match(r"\s", chr(c))]
    assert not any(re.match(r"\s", chr(c)) for c in range(0x3001, 0x110000, 7))


def test_trailing_identifiers_match_as_before():
    from refcheck.readers import references

    @EQUIVALENCE
    @given(tokens("1234567", "12345", "1234567890", " ", ".", ". ", "PMID", "PMID:", "PMID: ", "MR12345", " [INSPIRE]", "[INSPIRE]",
                  ")", "]", "a", "\n", "\u3000", "9", "٣"))
    def check(text):
        m = references._TRAILING_IDS.search(text)
        assert (m.start() if m else None) == references._trailing_ids(text), text

    check()


def test_long_author_lists_read_as_before(tmp_path):
    """Runs of more names than the scanner keeps: the first MAX_NAMES, as one name at a time gave."""
    from refcheck.model import Source
    from refcheck.readers import references

    for size in (references.MAX_NAMES - 1, references.MAX_NAMES, references.MAX_NAMES + 1, 2 * references.MAX_NAMES):
        for name, end in (("Smith J", " (2019). T."), ("Smith, J. A.", " (2019). T.")):
            text = ", ".join([name] * size) + end
            ref = references.parse_reference(Source("x", text), 0, len(text), id="r1", label=None)
            assert len(ref.authors) == min(size, references.MAX_NAMES)
            assert ref.authors[-1].family == "Smith"


def test_bibtex_helpers_match_as_before():
    import re as stdre

    from refcheck.readers import bibtex

    old_ifmmode = stdre.compile(r"\\ifmmode\b.*?\\else\b\s*(.*?)\\fi\b(?:\{\})?", stdre.S)
    old_et_al = stdre.compile(r"[\s,]+et\.?\s*al\.?\s*$", stdre.I)
    old_and = stdre.compile(r"\s+and\s+", stdre.I)

    @EQUIVALENCE
    @given(tokens("\\ifmmode", "\\else", "\\fi", "{}", " ", "a", "x", "\\ifmmodex", "\\fix", "_", "\n"))
    def ifmmode(text):
        assert old_ifmmode.sub(r"\1", text) == bibtex._strip_ifmmode(text), text

    @EQUIVALENCE
    @given(tokens(" ", ",", "\n", "et", "et.", "al", "al.", "Et Al", "a", "and", "AND", " and ", "\t", "b"))
    def names(text):
        old, new = old_et_al.search(text), bibtex._ET_AL.search(text)
        assert (old.start() if old else None) == (new.start() if new else None), text
        assert old_and.split(text) == bibtex._AND.split(text), text

    ifmmode()
    names()


def test_latex_argument_patterns_match_as_before():
    """The atomic blank-and-line-break (_SP) changes no match of the patterns built on it."""
    import re as stdre

    from refcheck.readers import latex

    old_sp = r"[ \t]*(?:\n[ \t]*)?"
    names = ("_OPTIONAL", "_PARENS", "_KEYS", "_GROUP_START", "_PATH", "_ENV_NAME", "_BIBITEM", "_NEWCOMMAND", "_DEF", "_LET",
             "_USES_ARGUMENT")
    pairs = []
    for name in names:
        new = getattr(latex, name)
        assert latex._SP in new.pattern, name
        pairs.append((name, stdre.compile(new.pattern.replace(latex._SP, old_sp), new.flags), new))

    @settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
    @given(tokens(" ", "  ", "\t", "\n", "\n\n", "[", "]", "{", "}", "(", ")", "#1", "2", "a", "\\x", "\\cite", "\\bibitem", "\\newcommand",
                  "\\def", "\\let", "=", "*", "thebibliography", "%"))
    def check(text):
        for name, old, new in pairs:
            for pos in range(len(text) + 1):
                a, b = old.match(text, pos), new.match(text, pos)
                assert (a and a.group(0)) == (b and b.group(0)) and (a and a.groupdict()) == (b and b.groupdict()), (name, text, pos)

    check()


def test_printed_doi_pattern_matches_as_before():
    from refcheck.rules import identifiers

    old = re.compile(r"(?:\bdoi\s*[:.]?\s*|doi\.org/)(?P<doi>\d[^\s<>\])]*)", re.I)

    @EQUIVALENCE
    @given(tokens("doi", "DOI", "doi.org/", " ", "\n", ":", ".", "1", "10.1/x", "a", "<", ")", "xdoi"))
    def check(text):
        assert [m.group(0, "doi") for m in old.finditer(text)] == [m.group(0, "doi") for m in identifiers._PRINTED_DOI.finditer(text)], text

    check()
