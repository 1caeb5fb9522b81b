"""Fuzz targets for every reader: input generators, the properties every input must keep, and
adversarial inputs. Shared by tests/test_fuzz_properties.py, tests/test_fuzz_corpus.py,
tests/test_adversarial.py, scripts/fuzz.py and benchmarks/robustness.py.

A *target* is one reader (``markdown``, ``latex``, ``bibtex``, ``jats``, ``text``, ``docx``,
``pdf``): an input (text for the text formats, bytes for DOCX and PDF) is read the way refcheck reads a file, checked
offline with every rule, and rendered as JSON; ``run`` does that and asserts what must hold for
any input (``check_invariants``): no exception, nothing swallowed by a reader's safety net, every
span inside its source with line and column agreeing with its offsets, item spans inside their
citation's, and the same input giving byte-identical JSON.

The generators are structure-aware (they write things that look like manuscripts in each format,
then break them) and mixed with raw Unicode, so the fuzzer spends its time where the parsers
branch. The adversarial inputs are 1 MB texts built to make a backtracking regular expression or a
quadratic loop show itself; each must be read and checked in seconds.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
import importlib
import io
import json
import re
import time
import traceback
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fuzz_corpus"
READERS = ("markdown", "latex", "bibtex", "jats", "text", "docx", "pdf")
BINARY_READERS = frozenset({"docx", "pdf"})  # their inputs are bytes
EXTENSIONS = {"markdown": ".md", "latex": ".tex", "bibtex": ".bib", "jats": ".xml", "text": ".txt", "docx": ".docx", "pdf": ".pdf"}
TODAY = dt.date(2026, 11, 29)  # fixed, so that findings about future years do not depend on the clock
SLOW_SECONDS = 2.0  # reference seconds (tests/timing.py): an input under SLOW_SIZE taking longer (read, check, render) is slow
SLOW_SIZE = 100_000
MB = 1_000_000


def unavailable(reader: str) -> str | None:
    """Why a reader cannot be fuzzed here (its module does not import), or None."""
    try:
        importlib.import_module(f"refcheck.readers.{reader}")
    except Exception as err:  # noqa: BLE001 - a reader in progress elsewhere: skip it, say why
        return f"refcheck.readers.{reader} does not import ({type(err).__name__}: {err})"
    return None


# =============================================================================== running one input


class Swallowed(AssertionError):
    """A reader's safety net caught an exception: the input did not crash refcheck, but it hit a bug."""


@contextlib.contextmanager
def swallowed_errors():
    """Record the exceptions that the readers' catch-all handlers turn into "unsure" results.

    ``references.parse_reference`` returns an empty Reference, ``bibtex.read_bib`` a "could not
    be parsed" problem and ``docx.read_bytes`` an unreadable-input problem for any exception: right
    for users, but a fuzzer must see the bug behind them. Yields the list the tracebacks go to.
    """
    from refcheck.readers import bibtex, references

    errors: list[str] = []
    patches: list[tuple[object, str, object]] = []

    def watch(owner, name: str, expected: tuple[type[BaseException], ...] = ()) -> None:
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            try:
                return original(*args, **kwargs)
            except expected:
                raise
            except Exception:
                errors.append(f"{getattr(owner, '__name__', owner)}.{name}: {traceback.format_exc(limit=-6)}")
                raise

        patches.append((owner, name, original))
        setattr(owner, name, wrapper)

    watch(references, "_build")
    watch(bibtex._Reader, "read")
    try:
        import bibtexparser

        watch(bibtexparser, "parse_string")
    except ImportError:  # pragma: no cover - bibtexparser is a dependency
        pass
    try:
        from refcheck.readers import docx

        watch(docx, "_read_parts", (docx.Refused,))
        watch(docx, "_assemble", (docx.Refused,))
    except Exception:  # noqa: BLE001 - the DOCX reader is optional here (see unavailable)
        pass
    try:
        from refcheck.readers import pdf

        watch(pdf, "extract", (pdf.Refused,))
    except Exception:  # noqa: BLE001 - the PDF reader is optional here (see unavailable)
        pass
    try:
        yield errors
    finally:
        for owner, name, original in reversed(patches):
            setattr(owner, name, original)


def self_opener(text: str) -> Callable[[str], object]:
    """An ``open_file`` for LaTeX fuzzing: every included ``name.tex`` holds the main text again,
    so ``\\input`` is followed (and its depth and cycle limits reached) without any file."""
    from refcheck.model import Source

    def open_file(relative: str):
        if not relative.endswith(".tex") or "\x00" in relative:
            return None
        return Source(f"inc/{relative}", text, "latex")

    return open_file


def read(reader: str, data: str | bytes, path: str | None = None, *, follow_inputs: bool = True):
    """An input read as refcheck reads a file of that format (bytes are decoded as ``load`` does)."""
    from refcheck.readers import Unreadable, _unreadable, decode, read_text

    path = path or f"fuzz{EXTENSIONS[reader]}"
    if reader in BINARY_READERS:
        from refcheck.readers import docx, pdf

        read_bytes = docx.read_bytes if reader == "docx" else pdf.read_bytes
        return read_bytes(path, data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    if isinstance(data, bytes):
        try:
            data = decode(data)
        except Unreadable as err:
            return _unreadable(path, str(err))
    opener = self_opener(data) if reader == "latex" and follow_inputs else None
    return read_text(data, path, reader, open_file=opener)


def check_and_render(manuscript, formats=("json",)):
    """The offline check with every rule (and the one off by default), and the report in these formats."""
    from refcheck.api import Config, check
    from refcheck.render import RENDERERS

    report = check(manuscript, Config(today=TODAY, select=("ALL", "et-al-misuse")))
    rendered = {}
    for fmt in formats:
        out = io.StringIO()
        RENDERERS[fmt](report, out)
        rendered[fmt] = out.getvalue()
    return report, rendered


OTHER_FORMATS = ("text", "sarif", "github")  # rendered too (never an exception), but not timed: the CLI writes one


@dataclasses.dataclass
class Outcome:
    manuscript: object
    report: object
    json: str
    seconds: float


def run(reader: str, data: str | bytes, *, path: Path | None = None, invariants: bool = True, twice: bool = True,
        follow_inputs: bool = True, other_formats: bool = True) -> Outcome:
    """Read, check and render one input; assert the invariants (and, with ``twice``, determinism).

    With ``path`` (a file holding ``data``), the file is read by ``refcheck.readers.load``, the
    command line's edge (size limits, decoding, ``\\input`` and .bib files relative to it);
    otherwise ``data`` is read in memory. Raises whatever the pipeline raises, ``Swallowed`` when
    a safety net caught an exception, and AssertionError when an invariant does not hold.
    """

    def read_once():
        if path is None:
            return read(reader, data, follow_inputs=follow_inputs)
        from refcheck.readers import load

        return load(path, fmt=reader)

    collecting = gc.isenabled()
    gc.disable()  # as the command line does (refcheck.cli): hundreds of thousands of acyclic objects
    started = time.perf_counter()
    try:
        with swallowed_errors() as errors:
            manuscript = read_once()
            report, rendered = check_and_render(manuscript)
    finally:
        seconds = time.perf_counter() - started  # what `refcheck FILE --offline --format json` does, but start-up
        if collecting:
            gc.enable()
    with swallowed_errors() as more:
        for fmt in OTHER_FORMATS if other_formats else ():
            from refcheck.render import RENDERERS

            RENDERERS[fmt](report, io.StringIO())
    errors += more
    if errors:
        raise Swallowed("\n".join(errors))
    if invariants:
        check_invariants(reader, data if path is None else None, manuscript, report, rendered["json"])
    if twice:
        again = check_and_render(read_once())[1]["json"]
        assert again == rendered["json"], "the same input gave a different JSON report"
    return Outcome(manuscript, report, rendered["json"], seconds)


# =============================================================================== invariants

# What each reader promises about its spans (module docstrings and the model):
SLICES = frozenset({"markdown", "latex", "docx"})  # Citation.text is the source text under its span
RAW_SLICES = frozenset({"markdown", "latex", "bibtex"})  # Reference.raw is the source text under its span
ORDERED = frozenset({"markdown", "text", "docx", "jats", "pdf"})  # citations in document order, never overlapping (one file)
ITEMS_INSIDE = frozenset(READERS)  # citation items inside their citation's span (JATS: see KNOWN)


class _Lines:
    """Line starts of a text, found independently of Source (which the spans come from)."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


def check_invariants(reader: str, data, manuscript, report, rendered_json: str) -> None:
    """Everything that must hold for any input. ``report`` is the checked (linked) report."""
    linked = report.manuscripts[0]
    sources = {s.path: s for s in (manuscript.source, *manuscript.sources)}
    assert set(sources) == {s.path for s in (linked.source, *linked.sources)}
    lines = {path: _Lines(source.text) for path, source in sources.items()}
    if reader != "docx" and isinstance(data, str):
        assert manuscript.source.text == data, "a text reader must keep the text as given"

    def span_ok(span, what) -> str:
        assert span.path in sources, f"{what}: its path {span.path!r} is not one of the manuscript's sources"
        text = sources[span.path].text
        assert 0 <= span.start <= span.end <= len(text), f"{what}: {span} outside 0..{len(text)}"
        table = lines[span.path]
        assert (span.line, span.column) == table.position(span.start), f"{what}: {span} start line/column"
        assert (span.end_line, span.end_column) == table.position(span.end), f"{what}: {span} end line/column"
        return text

    for m in (manuscript, linked):
        ids = [c.id for c in m.citations]
        assert len(ids) == len(set(ids)), "citation ids repeat"
        for c in m.citations:
            text = span_ok(c.span, f"citation {c.id}")
            assert c.items, f"citation {c.id} has no items"
            if reader in SLICES:
                assert text[c.span.start : c.span.end] == c.text, f"citation {c.id}: text is not what its span covers"
            for k, item in enumerate(c.items):
                item_text = span_ok(item.span, f"citation {c.id} item {k}")
                assert item.span.path == c.span.path, f"citation {c.id} item {k} is in another file"
                if reader in ITEMS_INSIDE:
                    assert c.span.start <= item.span.start <= item.span.end <= c.span.end, f"citation {c.id} item {k} outside the citation"
                if reader in SLICES:
                    assert item_text[item.span.start : item.span.end] == item.text, f"citation {c.id} item {k}: text"
        if reader in ORDERED:
            spans = [(c.span.path, c.span.start, c.span.end) for c in m.citations if c.span.path == m.source.path]
            assert spans == sorted(spans), "citations out of document order"
            for a, b in zip(spans, spans[1:]):
                assert a[2] <= b[1], f"citations overlap: {a} {b}"
        for kind, entries in (("reference", m.references), ("bib entry", m.bib)):
            for ref in entries:
                for r in (ref, *ref.parts):
                    text = span_ok(r.span, f"{kind} {r.id}")
                    assert ref.span.start <= r.span.start <= r.span.end <= ref.span.end, f"{kind} {r.id}: part outside its entry"
                    if reader in RAW_SLICES and (kind == "reference" or reader == "bibtex"):
                        assert text[r.span.start : r.span.end] == r.raw, f"{kind} {r.id}: raw is not what its span covers"
        if m.reference_section is not None:
            span_ok(m.reference_section, "the reference section")
        for p in m.problems:
            span_ok(p.span, f"problem {p.message[:60]!r}")
    reference_ids = {r.id for r in (*linked.references, *linked.bib)} | {p.id for r in (*linked.references, *linked.bib) for p in r.parts}
    items = {c.id: len(c.items) for c in linked.citations}
    for link in linked.links:
        assert link.citation in items, f"a link from unknown citation {link.citation}"
        assert set(link.references) <= reference_ids, f"a link to unknown references {link.references}"
        assert 0 <= link.item < items[link.citation], f"a link to item {link.item} of {link.citation}"
    for f in report.findings:
        span_ok(f.span, f"finding {f.code}")
        assert f.message, f"finding {f.code} without a message"
        if f.fix is not None and f.fix.span is not None:
            span_ok(f.fix.span, f"fix of {f.code}")
    keys = [f.sort_key() for f in report.findings]
    assert keys == sorted(keys), "findings not in report order"
    data_json = json.loads(rendered_json)
    for kind in ("citations", "references", "bib", "findings"):
        for entry in data_json[kind]:
            span = entry["span"]
            assert span["path"] in sources and 0 <= span["start"] <= span["end"] <= len(sources[span["path"]].text)


# =============================================================================== corpus files


def corpus_dir(reader: str) -> Path:
    return CORPUS / reader


def corpus_name(reader: str, data: str | bytes) -> str:
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    return hashlib.sha1(raw).hexdigest()[:16] + EXTENSIONS[reader]


def save(reader: str, data: str | bytes) -> Path:
    """Write an input into tests/fuzz_corpus/<reader>/ (a file per input, named by its hash)."""
    path = corpus_dir(reader) / corpus_name(reader, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    return path


def corpus_files() -> list[tuple[str, Path]]:
    return [(reader, p) for reader in READERS for p in sorted(corpus_dir(reader).glob(f"*{EXTENSIONS[reader]}"))]


# =============================================================================== generators

# Shared pieces: names with particles, diacritics, apostrophes, hyphens, case; years and near-years.
SURNAMES = ["Smith", "Lee", "van der Berg", "Van Dam", "de la Cruz", "O'Brien", "D’Angelo", "Sørensen", "Łukasz", "SMOLINSKÁ",
            "liu", "Müller-Lüdenscheidt", "García", "De Souza", "al-Farabi", "Nguyễn", "李", "Ng", "MacDonald", "dos Santos",
            "Smith-Jones", "von Neumann", "Le Gall", "ibn Sina", "Brown", "Zhang", "Abu Kasim", "Ó Briain", "Ðorđević"]
GIVEN = ["J", "J.", "J. A.", "JA", "J.-P.", "Jean-Paul", "K", "A. B. C.", "Ł.", "Mary Ann", ""]
YEARS = ["2019", "2019a", "2019b", "2020", "1998", "n.d.", "in press", "2031", "1066", "19", "1800", "20199", "2019–2020", "forthcoming"]
WORDS = ["cells", "divide", "and", "the", "see", "e.g.,", "However", "In", "Table", "Fig.", "IL-6", "n = 3", "p. 4", "pp. 3–5",
         "RPMI 1640", "GBD 2010", "et al.", "et al", "&", ";", ",", ".", "(", ")", "[", "]", "—", "–", "-", "…", "\u00a0", "\u200b"]
JOURNALS = ["J Cells", "Nature", "Proc. Natl. Acad. Sci. USA", "J. Am. Chem. Soc.", "eLife", "PLoS ONE", "Journal of Things"]
DOIS = ["10.1000/xyz", "10.1234/abc.", "10.1371/journal.pcbi.1000037", "101371.pcbi.1000037", "10.1002/(SICI)1097-4636(199709)",
        "https://doi.org/10.5555/12345678", "doi:10/gddkhn"]

name = st.sampled_from(SURNAMES)
year = st.sampled_from(YEARS)
word = st.sampled_from(WORDS)
noise = st.text(max_size=6)  # raw Unicode: any code point, control characters included


def joined(*parts, max_size=40) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(*parts), max_size=max_size).map("".join)


@st.composite
def author_year(draw) -> str:
    """(Name et al., 2019a; Name and Name 2020) / Name (2019) / Name et al., (2019) / broken ones."""
    kind = draw(st.sampled_from(["paren", "narrative", "unopened", "bracket", "broken"]))
    items = draw(st.lists(st.tuples(name, name, year, st.sampled_from(["", " et al.", " et al", " and ", " & ", ", "]),
                                    st.sampled_from([", ", " ", ",  ", "\n"])), min_size=1, max_size=4))
    body = "; ".join(f"{a}{(e + b) if e in (' and ', ' & ', ', ') else e}{sep}{y}" for a, b, y, e, sep in items)
    if kind == "paren":
        return f"({draw(st.sampled_from(['', 'see ', 'e.g., ']))}{body})"
    if kind == "narrative":
        a, _, y, e, _ = items[0]
        return f"{a}{e if e.strip() in ('et al.', 'et al') else ''}{draw(st.sampled_from([' ', ', ', '']))}({y}{draw(st.sampled_from(['', ', p. 4', 'a, b']))})"
    if kind == "unopened":
        return f"{body})"
    if kind == "bracket":
        return f"[{body}]"
    return draw(st.sampled_from(["(", "[", ""])) + body[: draw(st.integers(0, len(body)))]


@st.composite
def numeric(draw) -> str:
    nums = draw(st.lists(st.integers(0, 60), min_size=1, max_size=4))
    sep = draw(st.sampled_from([",", ", ", "-", "–", "; ", "—"]))
    inner = sep.join(map(str, nums))
    form = draw(st.sampled_from(["bracket", "runs", "sup", "unicode", "paren"]))
    if form == "bracket":
        return f"[{inner}]"
    if form == "runs":
        return "".join(f"[{n}]" + draw(st.sampled_from(["", "–", ",", "-"])) for n in nums)
    if form == "sup":
        return f"<sup>{inner}</sup>"
    if form == "unicode":
        return "x" + inner.translate(str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))
    return f"({inner})"


key = st.from_regex(r"[A-Za-z][A-Za-z0-9_:./-]{0,10}", fullmatch=True)


@st.composite
def pandoc_key(draw) -> str:
    keys = draw(st.lists(key, min_size=1, max_size=3))
    prefix = draw(st.sampled_from(["", "doi:", "tag:", "fig:", "pmid:"]))
    form = draw(st.sampled_from(["group", "narrative", "suppressed", "broken"]))
    if form == "group":
        return "[" + "; ".join(f"{draw(st.sampled_from(['', 'see ']))}@{prefix}{k}{draw(st.sampled_from(['', ', p. 3']))}" for k in keys) + "]"
    if form == "narrative":
        return f"@{prefix}{keys[0]}"
    if form == "suppressed":
        return f"[-@{keys[0]}]"
    return "[@" + keys[0]


@st.composite
def reference_entry(draw, index: int = 1) -> str:
    """One printed reference in one of the common styles, sometimes damaged."""
    authors = draw(st.lists(st.tuples(name, st.sampled_from(GIVEN)), min_size=0, max_size=5))
    style = draw(st.sampled_from(["apa", "vancouver", "given-first", "fragment", "merged", "group"]))
    y = draw(year)
    title = draw(st.sampled_from(["A title", "Cell division in yeast", "“Quoted title,”", "In: Editors (eds) Book", "Title? Subtitle"]))
    journal = draw(st.sampled_from(JOURNALS))
    extra = draw(st.sampled_from(["", f" doi:{draw(st.sampled_from(DOIS))}", " PMID: 12345678", " https://example.org/x(1)", " Available from: x",
                                  " Art. no. 123", " [Internet]", " 12(3):e100-e110"]))
    if style == "apa":
        who = ", ".join(f"{a}, {g}" for a, g in authors) + (", et al." if draw(st.booleans()) else "")
        text = f"{who} ({y}). {title}. *{journal}*, {index}({index}), 1–10.{extra}"
    elif style == "vancouver":
        who = ", ".join(f"{a} {g.replace('.', '').replace(' ', '')}" for a, g in authors)
        text = f"{who}. {title}. {journal}. {y};{index}:1-10.{extra}"
    elif style == "given-first":
        who = " and ".join(f"{g} {a}" for a, g in authors)
        text = f"{who}. {title}. In {journal}, pages 1--10, {y}.{extra}"
    elif style == "fragment":
        text = f"cells in vitro. {journal}, {index}, 110283.{extra}"
    elif style == "merged":
        text = f"{authors[0][0] if authors else 'Smith'}, J. ({y}). {title}. {journal}. Lee, K. (2020). More. {journal}, 2, 3."
    else:
        text = f"World Health Organization ({y}). {title}.{extra}"
    if draw(st.integers(0, 4)) == 0:  # damage: cut, or noise spliced in
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(noise) + text[cut:] if draw(st.booleans()) else text[:cut]
    return text


# --------------------------------------------------------------------------- Markdown

MD_FRAGMENTS = [
    "**", "*", "_", "__", "`", "``", "```\n", "~~~\n", "<sup>", "</sup>", "<sub>", "</sub>", "¹", "²³", "<!--", "-->",
    "<!-- refcheck: ignore -->", "\n", "\n\n", "# ", "## References\n", "References\n", "**References**\n", "Bibliography:\n",
    "1. ", "[1] ", "- ", "  ", "\t", "[^1]", "](http://x)", "[link](https://doi.org/10.1000/x)", "x@example.org", "| a | (Smith, 2019) |\n",
    "Received: 19.06.2023\n", "Accepted 14 July 2023\n", "Published online: 2023-07-14\n", "doi: 10.1000/xyz\n",
    "---\ntitle: T\nbibliography: refs.bib\n---\n", "[@tag:x]: doi:10.1000/y\n", "\\", "\\[", "|", "#", ">",
]


def markdown_body() -> st.SearchStrategy[str]:
    return joined(st.sampled_from(MD_FRAGMENTS), author_year(), numeric(), pandoc_key(), word, name, year, noise.map(lambda s: s + " "),
                  st.just(" "), max_size=50)


@st.composite
def markdown_text(draw) -> str:
    body = draw(markdown_body())
    if draw(st.integers(0, 3)) == 0:
        return body
    heading = draw(st.sampled_from(["## References", "References", "**References**", "# Bibliography:", "Literature cited", "### Works Cited",
                                    "## 7. References"]))
    label = draw(st.sampled_from(["numbered", "bracketed", "bullet", "plain", "mixed"]))
    entries = []
    for i in range(1, draw(st.integers(0, 8)) + 1):
        prefix = {"numbered": f"{i}. ", "bracketed": f"[{i}] ", "bullet": "- ", "plain": "",
                  "mixed": draw(st.sampled_from([f"{i}. ", "- ", "", f"{i + 1}) "]))}[label]
        entries.append(prefix + draw(reference_entry(i)))
    sep = draw(st.sampled_from(["\n", "\n\n"]))
    tail = draw(st.sampled_from(["", "\n", "\n## Appendix\n\nMore text (Smith, 2019).\n", "\n# Notes\n[^1]: A note (Lee 2020).\n"]))
    return f"{body}\n\n{heading}\n\n{sep.join(entries)}{tail}"


# --------------------------------------------------------------------------- plain text (PDF extraction)


@st.composite
def plain_text(draw) -> str:
    """Text as PDF extraction leaves it: hard-wrapped lines, hyphenation, page furniture, wrapped entries."""
    words = draw(st.lists(st.one_of(word, name, year, author_year(), numeric(), st.sampled_from(["regu-", "lates", "shown12,13.", "cells1–3", "log2",
                                                                                                   "al.4", "(Fig. 2)", "CO2"])), max_size=120))
    width = draw(st.integers(20, 90))
    lines, line = [], ""
    for w in words:
        if len(line) + len(w) + 1 > width:
            lines.append(line)
            line = ""
        line += (" " if line else "") + w
    lines.append(line)
    header = draw(st.sampled_from(["Journal of Things 12 (2020)", "RUNNING TITLE", "", "Smith et al."]))
    every = draw(st.integers(3, 12))
    out = []
    for i, text in enumerate(lines):
        if i and i % every == 0:
            out += ["", draw(st.sampled_from([str(i // every + 1), f"Page {i // every + 1} of 9", f"- {i // every + 1} -", "\f"])), header, ""]
        out.append(text)
    if draw(st.booleans()):
        out += ["", draw(st.sampled_from(["References", "REFERENCES", "Literature Cited", "Bibliography"])), ""]
        for i in range(1, draw(st.integers(0, 6)) + 1):
            entry = draw(reference_entry(i))
            lab = draw(st.sampled_from([f"{i}. ", f"[{i}] ", f"{i} ", ""]))
            cut = draw(st.integers(10, 70))
            pieces = [entry[k : k + cut] for k in range(0, len(entry), cut)] or [""]
            out.append(lab + pieces[0])
            out += [draw(st.sampled_from(["", "   "])) + p for p in pieces[1:]]
    text = "\n".join(out)
    if draw(st.integers(0, 5)) == 0:
        text = text.replace("\n", draw(st.sampled_from(["\r\n", "\n\n", "-\n"])))
    return text


# --------------------------------------------------------------------------- LaTeX

CITE_COMMANDS = ["cite", "citep", "citet", "citealp", "Citet", "citeauthor", "citeyear", "citenum", "parencite", "textcite", "Textcite",
                 "autocite", "footcite", "supercite", "fullcite", "nocite", "cites", "parencites", "textcites", "mycite", "x"]


@st.composite
def latex_cite(draw) -> str:
    cmd = draw(st.sampled_from(CITE_COMMANDS))
    star = draw(st.sampled_from(["", "*"]))
    opts = "".join(draw(st.lists(st.sampled_from(["[]", "[p.~4]", "[see][]", "[{a]b}]", "[", "[x{y}]"]), max_size=2)))
    parens = "".join(draw(st.lists(st.sampled_from(["(pre)", "(post)", "(", "({a})"]), max_size=2))) if cmd.endswith("s") else ""
    keys = ",".join(draw(st.lists(st.one_of(key, st.sampled_from(["*", " a ", "", "a%\n b", "#1", "{a}"])), min_size=0, max_size=3)))
    groups = "".join("{" + keys + "}" for _ in range(draw(st.integers(0, 3 if cmd.endswith("s") else 1))))
    space = draw(st.sampled_from(["", " ", "\n", "\n\n"]))
    return f"\\{cmd}{star}{parens}{space}{opts}{groups}"


LATEX_FRAGMENTS = [
    "% a comment \\cite{hidden}\n", "\\%", "\\\\", "{", "}", "$x^2$", "\\verb|\\cite{v}|", "\\verb", "\\begin{verbatim}\\cite{v}\\end{verbatim}",
    "\\begin{verbatim}", "\\begin{comment}", "\\end{comment}", "\\iffalse \\cite{f}\\fi", "\\iffalse", "\\ifx", "\\fi", "\\else",
    "\\newcommand{\\mycite}[1]{\\citep{#1}}", "\\renewcommand\\x[2][]{\\cite[#1]{#2}}", "\\def\\x#1{\\cite{#1}}", "\\let\\x\\citet",
    "\\let\\mycite=\\relax", "\\input{sec}", "\\input{sec.tex}", "\\include{ch1}", "\\input sec ", "\\input{", "\\input{../up}",
    "\\bibliography{refs,more}", "\\addbibresource{x.bib}", "\\nocite{*}", "\\title{A {\\em Title} with \\'e}", "\\title[s]{",
    "\\end{document}", "\\begin{document}", "\\section{Intro}", "\\emph{", "\\'", "\\\"{o}", "~", "--", "---", "``", "''", "\n\n", "\n",
]


@st.composite
def thebibliography(draw) -> str:
    items = []
    for i in range(draw(st.integers(0, 5))):
        label = draw(st.sampled_from(["", "[1]", "[Smith et al.(2019)]", "[{a]}]", "["]))
        entry = draw(reference_entry(i + 1)).replace("*", "")
        entry = draw(st.sampled_from(["", "\\newblock ", "{\\em ", "\\textit{", "\\'", "M{\\\"u}ller, "])) + entry
        items.append(f"\\bibitem{label}{{{draw(key)}}} {entry}")
    end = draw(st.sampled_from(["\\end{thebibliography}", "", "\\end{thebibliography}\n\\end{document}\ntrailing \\cite{z}"]))
    return "\\begin{thebibliography}{99}\n" + "\n".join(items) + "\n" + end


@st.composite
def latex_text(draw) -> str:
    body = draw(joined(latex_cite(), st.sampled_from(LATEX_FRAGMENTS), word, name, year, noise, st.just(" "), max_size=40))
    if draw(st.booleans()):
        body += "\n" + draw(thebibliography())
    return body


# --------------------------------------------------------------------------- BibTeX

BIB_VALUES = ["{Cell division}", "\"Quoted {with} braces\"", "2020", "jan", "undefinedmacro", "\"A\" # jan # {B}", "{Heged{\\H u}s}",
              "{{DNA} repair}", "{$\\alpha$-helix}", "{\\ifmmode \\acute{n}\\else \\'{n}\\fi{}}", "{a}{b}", "{unclosed", "\"unclosed",
              "{x} year={2000}", "{10.1000/xyz}", "{https://doi.org/10.1000/xyz}", "{\\url{http://x.org/a\\_b}}", "{1--10}", "{}", "#", ""]
BIB_AUTHORS = ["{Smith, J. and Lee, K.}", "{van der Berg, J. and {World Health Organization} and others}", "{M{\\\"u}ller, J.}",
               "{Jean-Paul Sartre and de la Cruz, Maria}", "{Smith, J. et al.}", "{and}", "{, ,}", "{Maga\\~na, A.}", "{{\\'E}mile Zola}",
               "\"Lee, K.\"", "{Smith, Jr., John}", "{ }"]
FIELDS = ["author", "editor", "title", "journal", "journaltitle", "booktitle", "year", "date", "volume", "number", "pages", "doi", "url",
          "eid", "howpublished", "note", "month", "Title", "pmid"]


@st.composite
def bib_entry(draw) -> str:
    kind = draw(st.sampled_from(["article", "book", "inproceedings", "misc", "ARTICLE", "string", "comment", "preamble", "", "article "]))
    open_, close = draw(st.sampled_from([("{", "}"), ("(", ")"), ("{", ""), ("{", ")")]))
    if kind == "string":
        return f"@string{open_}{draw(key)} = {draw(st.sampled_from(BIB_VALUES))}{close}"
    if kind in ("comment", "preamble"):
        return f"@{kind}{open_}{draw(st.sampled_from(BIB_VALUES))}{close}"
    fields = []
    for _ in range(draw(st.integers(0, 6))):
        field = draw(st.sampled_from(FIELDS))
        value = draw(st.sampled_from(BIB_AUTHORS)) if field in ("author", "editor") else draw(st.one_of(st.sampled_from(BIB_VALUES), noise.map(lambda s: "{" + s + "}")))
        fields.append(f"{field} = {value}")
    sep = draw(st.sampled_from([",\n  ", ", ", " ", ",,"]))
    k = draw(st.one_of(key, st.just(""), st.just("dup")))
    return f"@{kind}{open_}{k},\n  {sep.join(fields)}{draw(st.sampled_from(['', ',']))}\n{close}"


@st.composite
def bibtex_text(draw) -> str:
    return draw(joined(bib_entry(), st.sampled_from(["\n", "\n\n", "@", "%", "junk text ", "}", "{"]), noise, max_size=12))


# --------------------------------------------------------------------------- JATS XML

_XML_TEXT = st.one_of(word, name, year, st.sampled_from([" ", "&amp;", "&lt;", "&#x41;", "&#8211;", "&minus;", "&#x;", "(", ")", "[", "]", ", ", "; "]),
                      noise.map(lambda s: escape(s.replace("\x00", ""))))


@st.composite
def xref(draw, ids: list[str]) -> str:
    rids = " ".join(draw(st.lists(st.sampled_from(ids + ["missing", ""]), min_size=0, max_size=3)))
    kind = draw(st.sampled_from(['ref-type="bibr" ', "", 'ref-type="fig" ']))
    text = draw(st.one_of(st.integers(1, 30).map(str), st.sampled_from(["1–3", "2, 4", "Smith et al., 2019", "Lee (2020)", "", "2019a"]),
                          author_year()))
    text = escape(text)
    if draw(st.integers(0, 5)) == 0:
        text = f"<sup>{text}</sup>"
    return f"<xref {kind}rid={quoteattr(rids)}>{text}</xref>"


@st.composite
def jats_ref(draw, ref_id: str, index: int) -> str:
    label = draw(st.sampled_from(["", f"<label>{index}</label>", f"<label>[{index}]</label>", "<label>a.</label>"]))
    kind = draw(st.sampled_from(["element", "mixed", "bare", "two"]))
    people = "".join(f"<name><surname>{escape(draw(name))}</surname><given-names>{escape(draw(st.sampled_from(GIVEN)))}</given-names></name>"
                     for _ in range(draw(st.integers(0, 3))))
    if draw(st.booleans()):
        people += draw(st.sampled_from(["<etal/>", "<collab>WHO</collab>", "<string-name>Smith J</string-name>"]))
    fields = (f"<year>{escape(draw(year))}</year><article-title>{escape(draw(st.sampled_from(['A title', 'T'])))}</article-title>"
              f"<source>{escape(draw(st.sampled_from(JOURNALS)))}</source><volume>{index}</volume><fpage>1</fpage><lpage>10</lpage>"
              + draw(st.sampled_from(["", '<pub-id pub-id-type="doi">10.1000/x</pub-id>', '<pub-id pub-id-type="pmid">123</pub-id>',
                                      '<ext-link xlink:href="https://doi.org/10.1/y">link</ext-link>'])))
    if kind == "element":
        inner = f'<element-citation publication-type="journal"><person-group person-group-type="author">{people}</person-group>{fields}</element-citation>'
    elif kind == "mixed":
        inner = f'<mixed-citation>{people}. {fields}</mixed-citation>'
    elif kind == "bare":
        inner = f"<mixed-citation>{escape(draw(reference_entry(index)))}</mixed-citation>"
    else:
        inner = f"<element-citation>{people}{fields}</element-citation><mixed-citation>{escape(draw(reference_entry(index)))}</mixed-citation>"
    return f'<ref id="{ref_id}">{label}{inner}</ref>'


@st.composite
def jats_text(draw) -> str:
    n = draw(st.integers(0, 6))
    ids = [f"r{i}" for i in range(1, n + 1)]
    paragraphs = []
    for _ in range(draw(st.integers(0, 4))):
        parts = draw(st.lists(st.one_of(_XML_TEXT, xref(ids)), max_size=15))
        paragraphs.append("<p>" + "".join(parts) + "</p>")
    meta = ("<front><article-meta><title-group><article-title>" + escape(draw(st.sampled_from(["A study", "", "T"]))) + "</article-title></title-group>"
            + draw(st.sampled_from(["", '<article-id pub-id-type="doi">10.1000/a</article-id>']))
            + "<history>" + "".join(f'<date date-type="{t}"><day>{d}</day><month>{m}</month><year>{y}</year></date>'
                                    for t, d, m, y in draw(st.lists(st.tuples(st.sampled_from(["received", "accepted", "rev-recd", "x"]),
                                                                              st.integers(0, 40), st.integers(0, 14), st.sampled_from(["2019", "20x9", "0"])),
                                                                    max_size=3)))
            + "</history></article-meta></front>")
    refs = "".join(draw(jats_ref(rid, i)) for i, rid in enumerate(ids, 1))
    nested = draw(st.sampled_from(["", '<sub-article><body><p><xref ref-type="bibr" rid="r1">1</xref></p></body></sub-article>']))
    head = draw(st.sampled_from(['<?xml version="1.0" encoding="UTF-8"?>\n', "", '<?xml version="1.0"?><!DOCTYPE article>',
                                 '<?xml version="1.0"?><!DOCTYPE article [<!ENTITY x "y">]>']))
    xml = (f'{head}<article xmlns:xlink="http://www.w3.org/1999/xlink">{meta}<body><sec>{"".join(paragraphs)}</sec></body>'
           f"<back><ref-list>{refs}</ref-list></back>{nested}</article>")
    if draw(st.integers(0, 6)) == 0:  # broken XML: cut or a stray character
        cut = draw(st.integers(0, len(xml)))
        xml = xml[:cut] + draw(st.sampled_from(["", "<", "&", "</p>", "\x01"])) + xml[cut:]
    return xml


# --------------------------------------------------------------------------- DOCX

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
         "</Relationships>")
_STYLES = (f'<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="{W_NS}">'
           '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>'
           '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
           '<w:style w:type="paragraph" w:styleId="Loop"><w:name w:val="loop"/><w:basedOn w:val="Loop"/></w:style>'
           '<w:style w:type="character" w:styleId="Sup"><w:name w:val="sup"/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'
           "</w:styles>")


def _run(text: str, props: str = "") -> str:
    return f'<w:r>{f"<w:rPr>{props}</w:rPr>" if props else ""}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


@st.composite
def docx_run(draw) -> str:
    kind = draw(st.sampled_from(["text", "sup", "italic", "field", "footnote", "tab", "deleted", "raw"]))
    text = draw(st.one_of(word, name, year, author_year(), numeric(), noise.map(lambda s: "".join(c for c in s if c.isprintable()))))
    if kind == "text":
        return _run(text)
    if kind == "sup":
        return _run(draw(st.sampled_from(["1", "2,3", "1–4", "a"])), '<w:vertAlign w:val="superscript"/>')
    if kind == "italic":
        return _run(text, "<w:i/>")
    if kind == "field":
        item = {"id": 1, "type": "article-journal", "author": [{"family": draw(name), "given": "J"}],
                "issued": {"date-parts": [[draw(st.sampled_from([2019, "2020", None]))]]}, "title": "T", "DOI": draw(st.sampled_from(DOIS))}
        payload = draw(st.sampled_from([json.dumps({"citationItems": [{"id": 1, "itemData": item, "uris": ["http://zotero.org/x/1"]}]}), "{broken",
                                        json.dumps({"citationItems": "x"})]))
        instr = draw(st.sampled_from([f" ADDIN ZOTERO_ITEM CSL_CITATION {payload} ", f" ADDIN CSL_CITATION {payload} ", " ADDIN EN.CITE <EndNote>",
                                      ' ADDIN ZOTERO_BIBL {"uncited":[]} CSL_BIBLIOGRAPHY ', " PAGE "]))
        return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">{escape(instr)}</w:instrText></w:r>'
                f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{_run(text)}'
                + draw(st.sampled_from(['<w:r><w:fldChar w:fldCharType="end"/></w:r>', ""])))
    if kind == "footnote":
        return f'<w:r><w:footnoteReference w:id="{draw(st.integers(-1, 3))}"/></w:r>'
    if kind == "tab":
        return "<w:r><w:tab/><w:br/><w:noBreakHyphen/></w:r>"
    if kind == "deleted":
        return f'<w:del w:id="1"><w:r><w:delText>{escape(text)}</w:delText></w:r></w:del>'
    return draw(st.sampled_from(["<w:r>", "</w:p>", "<w:t>x", "&#x1;", "<w:sym w:font=\"Symbol\" w:char=\"F061\"/>"]))


def docx_package(paragraphs: list[str], *, footnotes: list[str] = (), styles: bool = True, compress: bool = True) -> bytes:
    """A minimal .docx: the paragraphs (WordprocessingML ``<w:p>`` content) as its body.

    Repetitive XML deflates more than 100-fold, which the reader refuses as a ZIP bomb: large
    adversarial documents are stored (``compress=False``), as a real document's text would pass.
    """
    body = "".join(f"<w:p>{p}</w:p>" for p in paragraphs)
    document = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", document)
        if styles:
            z.writestr("word/styles.xml", _STYLES)
        if footnotes:
            notes = "".join(f'<w:footnote w:id="{i}"><w:p>{p}</w:p></w:footnote>' for i, p in enumerate(footnotes, 1))
            z.writestr("word/footnotes.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes xmlns:w="{W_NS}">{notes}</w:footnotes>')
    return out.getvalue()


@st.composite
def docx_bytes(draw) -> bytes:
    paragraphs = []
    for _ in range(draw(st.integers(0, 8))):
        style = draw(st.sampled_from(["", '<w:pPr><w:pStyle w:val="Heading1"/></w:pPr>', '<w:pPr><w:pStyle w:val="Loop"/></w:pPr>',
                                      '<w:pPr><w:outlineLvl w:val="0"/></w:pPr>']))
        runs = draw(st.lists(docx_run(), max_size=6))
        if draw(st.integers(0, 3)) == 0:
            runs = [_run(draw(st.sampled_from(["References", "Bibliography"])))]
        paragraphs.append(style + "".join(runs))
    footnotes = draw(st.lists(st.lists(docx_run(), max_size=3).map("".join), max_size=3))
    data = docx_package(paragraphs, footnotes=footnotes, styles=draw(st.booleans()))
    mutation = draw(st.integers(0, 8))
    if mutation == 0 and data:  # a damaged package: bytes flipped or cut
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    elif mutation == 1:
        data = data[: draw(st.integers(0, len(data)))]
    return data


# --------------------------------------------------------------------------- all readers

_RAW_TEXT = st.text(max_size=400)


def mutated(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """The strategy's texts, sometimes with a slice deleted, repeated or moved (near-valid inputs)."""

    @st.composite
    def mutate(draw) -> str:
        text = draw(strategy)
        if not text or draw(st.integers(0, 2)):
            return text
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, min(len(text), a + 50)))
        op = draw(st.sampled_from(["delete", "repeat", "move"]))
        if op == "delete":
            return text[:a] + text[b:]
        if op == "repeat":
            return text[:b] + text[a:b] * draw(st.integers(2, 20)) + text[b:]
        at = draw(st.integers(0, len(text)))
        return text[:at] + text[a:b] + text[at:]

    return mutate()


def _pdf_runs(lines: list[str], draw) -> list[tuple[float, float, float, str]]:
    """Text lines placed on a page as a typesetter might: mostly in order, some raised and
    smaller (superscripts), some in the margin (line numbers), some at the page's foot."""
    runs = []
    y = 780.0
    for k, line in enumerate(lines):
        kind = draw(st.sampled_from(["body", "body", "body", "sup", "margin", "foot", "anywhere"]))
        if kind == "sup":
            runs.append((72 + 5 * len(line) % 400, y + 3.3, 7.0, line[:12]))
        elif kind == "margin":
            runs += [(40, y, 8, str(k + 1)), (72, y, 10, line)]
        elif kind == "foot":
            runs.append((72, 30, 8, line))
        elif kind == "anywhere":
            runs.append((draw(st.floats(-50, 700)), draw(st.floats(-50, 900)), draw(st.floats(0.5, 40)), line))
        else:
            runs.append((72, y, 10, line))
        y -= 13
    return runs


@st.composite
def pdf_bytes(draw) -> bytes:
    """A PDF built from plain-text lines (tests/pdf_builder.py), whole or broken: truncated,
    bytes flipped, or a raw tail after the header."""
    from tests import pdf_builder  # noqa: PLC0415

    lines = draw(plain_text()).split("\n")
    per_page = draw(st.integers(5, 60))
    pages = [_pdf_runs(lines[k : k + per_page], draw) for k in range(0, max(1, len(lines)), per_page)]
    data = pdf_builder.build(pages)
    damage = draw(st.sampled_from(["none", "none", "truncate", "flip"]))
    if damage == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "flip":
        data = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(data) - 1))
            data[at] = draw(st.integers(0, 255))
        data = bytes(data)
    return data


STRATEGIES: dict[str, st.SearchStrategy] = {
    "markdown": st.one_of(mutated(markdown_text()), _RAW_TEXT),
    "text": st.one_of(mutated(plain_text()), _RAW_TEXT),
    "latex": st.one_of(mutated(latex_text()), _RAW_TEXT),
    "bibtex": st.one_of(mutated(bibtex_text()), _RAW_TEXT),
    "jats": st.one_of(mutated(jats_text()), _RAW_TEXT.map(lambda s: f"<?xml version='1.0'?><article><body><p>{s}</p></body></article>")),
    "docx": st.one_of(docx_bytes(), st.binary(max_size=300), st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b)),
    "pdf": st.one_of(pdf_bytes(), st.binary(max_size=300).map(lambda b: b"%PDF-1.4\n" + b)),
}


# =============================================================================== adversarial inputs


ADVERSARIAL_SECONDS = 5.0  # reference seconds (tests/timing.py): read, check offline and render JSON, for a 1 MB input


def _pdf_pages(size: int) -> bytes:
    from tests import pdf_builder  # noqa: PLC0415

    line = "Cells divide (Smith et al., 2019; Lee and Kim, 2020) and grow [12]."
    count = max(1, size // 85)
    pages = [pdf_builder.lines([line] * min(60, count - k)) + [(72, 30, 8, "Journal of Things 12 (2020)")] for k in range(0, count, 60)]
    return pdf_builder.build(pages)


def _pdf_long_line(size: int) -> bytes:
    from tests import pdf_builder  # noqa: PLC0415

    runs = []
    for k in range(max(1, size // 90)):
        runs += [(72 + 30 * k, 700, 10, "shown here"), (72 + 30 * k + 25, 703.3, 7, str(k % 90 + 1))]
    return pdf_builder.build([runs])


def _pdf_accents(size: int) -> bytes:
    from tests import pdf_builder  # noqa: PLC0415

    count = max(1, size // 56)  # an accent's run takes 55 bytes, its letter one
    runs = [(72, 700, 10, "Rodr" + pdf_builder.DOTLESS_I * count)]
    runs += [(72 + 21.67 + 2.78 * k, 700, 10, pdf_builder.ACUTE) for k in range(count)]
    return pdf_builder.build([runs])


@dataclasses.dataclass(frozen=True)
class Adversarial:
    """A ~1 MB input built to expose super-linear time in one reader; ``build()`` makes it.

    ``volume`` inputs are valid text dense with what refcheck reports on (a citation every few
    characters, tens of thousands of entries or findings): their time is linear but with the
    pipeline's cost per citation, so they are held to linear growth rather than to
    ADVERSARIAL_SECONDS. ``known`` names a defect in a module this work may not edit that still
    makes the input slow. ``timed_at`` is the size the growth test judges (the densest volume
    inputs take seconds a megabyte: half of one is far above the floor and halves the suite's cost).
    """

    name: str
    reader: str
    build: Callable[[int], str | bytes]  # the input at about n bytes (MB in the tests), well-formed at any size
    why: str
    volume: bool = False
    known: str | None = None
    timed_at: int = MB




def rep(unit: str, size: int = MB) -> str:
    """``unit`` repeated to about ``size`` characters (whole units)."""
    return unit * max(1, size // len(unit))


def numbered(unit: Callable[[int], str], size: int = MB) -> str:
    """Units that differ from each other (so no cache sees the same piece twice) up to ``size``."""
    out, total, i = [], 0, 0
    while total < size:
        i += 1
        piece = unit(i)
        out.append(piece)
        total += len(piece)
    return "".join(out)


def reference_list(entry: str, size: int = MB) -> str:
    """A manuscript citing one work, whose reference list is one ``entry`` of about ``size`` characters."""
    return "Text (Smith, 2019).\n\n## References\n\n" + entry + "\n"


def _xml(body: str, refs: str = "") -> str:
    return f'<?xml version="1.0"?>\n<article><body><p>{body}</p></body><back><ref-list>{refs}</ref-list></back></article>'


_XREF = '<xref ref-type="bibr" rid="r1">1</xref>'
_REF = '<ref id="r1"><label>1</label><mixed-citation>Smith J. 2019. T. J 1:1.</mixed-citation></ref>'
_GROUP_LINE = 590  # a parenthesis group's line is read up to 600 characters


def _groups(unit: str, size: int = MB) -> str:
    """Parenthesis groups whose long author-like text matches no citation (each one different)."""
    core = rep(unit, _GROUP_LINE)[: _GROUP_LINE - 12]
    return numbered(lambda i: f"({core} {2100 + i % 800}a, 2019)\n", size)


def _narratives(unit: str, size: int = MB) -> str:
    core = rep(unit, 160)
    return numbered(lambda i: f"{core} ({1900 + i % 100} x) ", size)


ADVERSARIAL: list[Adversarial] = [
    # --- Markdown: masking and the citation grammar
    Adversarial("md-open-parens", "markdown", lambda n: rep("(", n), "1 MB of '('"),
    Adversarial("md-open-brackets", "markdown", lambda n: rep("[", n), "1 MB of '['"),
    Adversarial("md-smith-comma", "markdown", lambda n: rep("Smith, ", n), "'Smith, ' repeated"),
    Adversarial("md-et-al", "markdown", lambda n: rep("et al. ", n), "'et al. ' repeated"),
    Adversarial("md-paren-unclosed-items", "markdown", lambda n: "(" + rep("Smith et al., 2019; ", n), "one unclosed group of items"),
    Adversarial("md-numbers-unclosed", "markdown", lambda n: "[1" + rep(",1", n), "'[1,1,1,...' never closed"),
    Adversarial("md-bracket-runs", "markdown", lambda n: rep("[1]", n) + "(", "'[1][1]...[1](': a run that ends in a link"),
    Adversarial("md-backticks", "markdown", lambda n: rep("`", n), "1 MB of backticks"),
    Adversarial("md-backtick-lengths", "markdown", lambda n: numbered(lambda i: "`" * (i % 50 + 1) + "a", n), "backtick runs of many lengths"),
    Adversarial("md-subscripts", "markdown", lambda n: rep("<sub>", n), "'<sub>' never closed"),
    Adversarial("md-footnote-marks", "markdown", lambda n: rep("[^a", n), "'[^a' repeated, never closed"),
    Adversarial("md-key-unclosed", "markdown", lambda n: "[@" + rep("a", n), "'[@aaaa...' never closed"),
    Adversarial("md-key-groups", "markdown", lambda n: "[" + rep("some words here @a; ", n), "'[some words here @a; ...' never closed"),
    Adversarial("md-key-citations", "markdown", lambda n: "[" + rep("x @a; ", n), "166,000 key citations ('[x @a; x @a; ...')", volume=True, timed_at=MB // 2),
    Adversarial("md-comments", "markdown", lambda n: rep("<!--", n), "'<!--' repeated"),
    # pandoc's reading of key citations (markdown.pandoc_mask, citations.find_pandoc_keys)
    Adversarial("md-pandoc-math-open", "markdown", lambda n: rep("$a b ", n) + "@k", "'$a b ' repeated: inline math never closed"),
    Adversarial("md-pandoc-display-open", "markdown", lambda n: rep("$$a b\n", n) + "@k", "'$$' never closed, no blank line"),
    Adversarial("md-pandoc-tex-open", "markdown", lambda n: rep("\\foo{a ", n) + "@k", "'\\foo{' never closed"),
    Adversarial("md-pandoc-tex-options", "markdown", lambda n: rep("\\foo[a ", n) + "@k", "'\\foo[' never closed"),
    Adversarial("md-pandoc-environments", "markdown", lambda n: rep("\\begin{x} a ", n) + "@k", "'\\begin{x}' never ended"),
    Adversarial("md-pandoc-text-in-math", "markdown", lambda n: "$" + rep("\\text{", n) + "@k", "'\\text{' never closed inside math"),
    Adversarial("md-pandoc-braced-keys", "markdown", lambda n: rep("@{", n), "'@{' repeated: braced keys never closed"),
    Adversarial("md-pandoc-link-dests", "markdown", lambda n: rep("[a](b", n) + "@k", "'[a](b' repeated: destinations never closed"),
    Adversarial("md-pandoc-group-lines", "markdown", lambda n: "[" + rep("see the work of @a;\n", n), "one key group over 40,000 lines, never closed", volume=True),
    Adversarial("md-pandoc-emphasis", "markdown", lambda n: rep("*a*@k ", n), "an emphasis closing before every key"),
    Adversarial("md-pandoc-dots", "markdown", lambda n: rep("." * 50 + "@k ", n), "dot runs before keys"),
    Adversarial("md-pandoc-fences-open", "markdown", lambda n: rep("```a\nb\n", n) + "@k", "fences with an info string, none closed"),
    Adversarial("md-pandoc-list-comments", "markdown", lambda n: "- a\n\n" + rep("  <!-- b\n\n", n) + "@k -->", "comments in list paragraphs, one '-->' at the end"),
    Adversarial("md-pandoc-tags", "markdown", lambda n: rep('<a b="', n) + "@k", "HTML attributes never closed"),
    Adversarial("md-url-parens", "markdown", lambda n: "http://x" + rep("a(", n), "a URL of unbalanced parentheses"),
    Adversarial("md-dois", "markdown", lambda n: rep("10.1000/", n), "'10.1000/' repeated"),
    Adversarial("md-emails", "markdown", lambda n: rep("a.", n) + "@", "an e-mail-like run without a domain"),
    Adversarial("md-stars", "markdown", lambda n: rep("*a", n), "emphasis markers"),
    Adversarial("md-sup-unclosed", "markdown", lambda n: rep("<sup>1", n), "'<sup>1' never closed"),
    Adversarial("md-unicode-sup", "markdown", lambda n: "a" + rep("¹,", n), "superscript digits and commas"),
    Adversarial("md-long-line", "markdown", lambda n: rep("a", n), "one 1 MB line"),
    Adversarial("md-newlines", "markdown", lambda n: rep("\n", n), "1 MB of newlines"),
    Adversarial("md-pipes", "markdown", lambda n: rep("|a", n), "table cells"),
    Adversarial("md-headings", "markdown", lambda n: rep("# References\n", n), "reference headings only"),
    Adversarial("md-years", "markdown", lambda n: "(Smith, 2019" + rep(", 2019", n) + ")", "one group of 140,000 years"),
    Adversarial("md-group-capitals", "markdown", lambda n: _groups("A", n), "groups of one long capitalised word"),
    Adversarial("md-group-hyphens", "markdown", lambda n: _groups("Smith-", n), "groups of one long hyphenated name"),
    Adversarial("md-group-words", "markdown", lambda n: _groups("AB ", n), "groups of short capitalised words"),
    Adversarial("md-group-lowercase", "markdown", lambda n: _groups("etal’", n), "groups of one long lower-case word"),
    Adversarial("md-group-camel", "markdown", lambda n: _groups("Ab", n), "groups of one long camel-case word"),
    Adversarial("md-group-commas", "markdown", lambda n: _groups("A, ", n), "groups of comma-separated capitals"),
    Adversarial("md-narrative-hyphens", "markdown", lambda n: _narratives("Smith-", n), "'Smith-Smith-... (1919 x)' repeated"),
    Adversarial("md-narrative-words", "markdown", lambda n: _narratives("AB ", n), "'AB AB ... (1919 x)' repeated"),
    Adversarial("md-narrative-lowercase", "markdown", lambda n: _narratives("etal’", n), "'etal’etal’... (1919 x)' repeated"),
    Adversarial("md-front-matter", "markdown", lambda n: "---\n" + rep("a: b\n", n), "front matter never closed"),
    Adversarial("md-title-blanks", "markdown", lambda n: "# a" + rep(" ", n) + "x", "a heading of 1 MB of blanks"),
    Adversarial("md-fence-line", "markdown", lambda n: rep("`", n) + "x", "a code fence of 1 MB of backticks"),
    # --- Markdown reference lists: the reference-string parser
    Adversarial("ref-fragments", "markdown", lambda n: "Text (Smith, 2019).\n\n## References\n\n" + numbered(lambda i: f"fragment {i} in vitro. J, {i}, 1.\n", n),
                "a reference list of 20,000 fragments"),
    Adversarial("ref-numbered", "markdown", lambda n: "Text [1].\n\n## References\n\n" + numbered(lambda i: f"{i}. Smith J, Lee K. 2019. T. J 1:1-10.\n", n),
                "24,000 numbered entries, never cited", volume=True),
    Adversarial("ref-authors-vancouver", "markdown", lambda n: reference_list(rep("Smith J, ", n)), "one entry of 100,000 'Smith J' authors"),
    Adversarial("ref-authors-apa", "markdown", lambda n: reference_list(rep("Smith, J. A., ", n)), "one entry of 70,000 'Smith, J. A.' authors"),
    Adversarial("ref-merged-works", "markdown", lambda n: reference_list(rep("Lee, K. (2020). U. ", n)), "one entry of 50,000 works"),
    Adversarial("ref-trailing-pmids", "markdown", lambda n: reference_list("Smith J. 2019. T. J 1:2. " + rep("1234567 ", n)), "an entry ending in 120,000 PMIDs"),
    Adversarial("ref-particles", "markdown", lambda n: reference_list("Smith" + rep(" y", n)), "a name followed by 500,000 particles"),
    Adversarial("ref-sentences", "markdown", lambda n: reference_list("Smith J. 2019. " + rep("Ab. ", n)), "a title of 250,000 sentences"),
    Adversarial("ref-abbreviations", "markdown", lambda n: reference_list("Smith J. 2019. " + rep("J. ", n)), "a title of abbreviations"),
    Adversarial("ref-emphasis", "markdown", lambda n: reference_list("Smith J. " + rep("_a_ ", n)), "an entry of emphasis"),
    Adversarial("ref-escapes", "markdown", lambda n: reference_list("Smith J. " + rep("\\* ", n)), "an entry of Markdown escapes"),
    Adversarial("ref-vancouver-years", "markdown", lambda n: reference_list("Smith J. T. J " + rep("2019 Jan 1-", n)), "Vancouver dates repeated"),
    Adversarial("ref-years-paren", "markdown", lambda n: reference_list(rep("(2019 ", n)), "'(2019 ' repeated"),
    Adversarial("ref-group-author", "markdown", lambda n: reference_list(rep("Department of ", n)), "a group author of 70,000 words"),
    Adversarial("ref-in-editors", "markdown", lambda n: reference_list("Smith, J. (2019). T. In: " + rep("A B, ", n)), "a chapter's editor list"),
    Adversarial("ref-doi-blanks", "markdown", lambda n: reference_list("Smith J. 2019. T. doi" + rep(" ", n) + "x"), "'doi' followed by 1 MB of blanks"),
    Adversarial("md-suppress-newlines", "markdown", lambda n: "refcheck:" + rep("\n", n), "'refcheck:' then 1 MB of newlines"),
    Adversarial("md-suppress-blanks", "markdown", lambda n: "<!-- refcheck: ignore" + rep(" ", n) + "x", "an unclosed suppression comment of blanks"),
    # --- plain text (PDF extraction)
    Adversarial("txt-long-line", "text", lambda n: rep("word ", n), "one 1 MB line"),
    Adversarial("txt-hyphenation", "text", lambda n: rep("regu-\nlates ", n), "every line hyphenated"),
    Adversarial("txt-page-numbers", "text", lambda n: numbered(lambda i: f"Some text of a page here.\n{i}\n", n), "a page number after every line"),
    Adversarial("txt-headers", "text", lambda n: rep("Journal of Things 12 (2020)\ntext line\n", n), "a running header on every other line"),
    Adversarial("txt-superscripts", "text", lambda n: "A (Smith 2019).\n\nReferences\n\n1. Smith J. 2019.\n" + rep("shown12,13. ", n), "flattened superscripts"),
    Adversarial("txt-entries", "text", lambda n: "Text [1].\n\nReferences\n\n" + numbered(lambda i: f"{i}. Smith J, Lee K. A title\nthat wraps. J 1:1.\n", n),
                "20,000 wrapped numbered entries, never cited", volume=True),
    Adversarial("txt-blank-lines", "text", lambda n: rep("(Ma et al.,\n\n", n), "blank lines inside citations"),
    Adversarial("txt-group-capitals", "text", lambda n: _groups("A", n), "groups of one long capitalised word"),
    # --- LaTeX
    Adversarial("tex-cite-open", "latex", lambda n: rep("\\cite{", n), "'\\cite{' repeated"),
    Adversarial("tex-cite-optional", "latex", lambda n: rep("\\cite[", n), "'\\cite[' repeated"),
    Adversarial("tex-cite-many", "latex", lambda n: rep("\\cite{a,b}", n), "100,000 citations", volume=True, timed_at=MB // 2),
    Adversarial("tex-cite-keys", "latex", lambda n: "\\cite{" + rep("a,", n) + "}", "one citation of 500,000 keys"),
    Adversarial("tex-braces-open", "latex", lambda n: rep("{", n), "1 MB of '{'"),
    Adversarial("tex-braces-nested", "latex", lambda n: "\\title{" + rep("{a", n // 2) + rep("}", n // 2), "500,000 nested groups"),
    Adversarial("tex-comments", "latex", lambda n: rep("%", n), "1 MB of '%'"),
    Adversarial("tex-verb", "latex", lambda n: rep("\\verb|", n), "'\\verb|' repeated"),
    Adversarial("tex-verbatim-open", "latex", lambda n: rep("\\begin{verbatim}", n), "verbatim environments never closed"),
    Adversarial("tex-iffalse", "latex", lambda n: rep("\\iffalse", n), "'\\iffalse' repeated"),
    Adversarial("tex-conditionals", "latex", lambda n: "\\iffalse" + rep("\\ifx", n), "conditionals never closed"),
    Adversarial("tex-newcommand", "latex", lambda n: rep("\\newcommand{\\x}[1]{\\cite{#1}}", n), "a macro defined 30,000 times"),
    Adversarial("tex-macro-calls", "latex", lambda n: "\\newcommand{\\x}[2]{\\cite{#2}}" + rep("\\x{a}", n), "macro calls missing an argument"),
    Adversarial("tex-bibitems", "latex", lambda n: "\\begin{thebibliography}{9}" + numbered(lambda i: f"\\bibitem{{k{i}}}Smith J. 2019. T.\n", n),
                "30,000 bibitems, never cited", volume=True),
    Adversarial("tex-bibitem-open", "latex", lambda n: "\\begin{thebibliography}{9}" + rep("\\bibitem[", n), "'\\bibitem[' repeated"),
    Adversarial("tex-input-open", "latex", lambda n: rep("\\input{", n), "'\\input{' repeated"),
    Adversarial("tex-accents", "latex", lambda n: "\\begin{thebibliography}{9}\\bibitem{a}" + rep("\\'", n), "an entry of accent commands"),
    Adversarial("tex-footnotes", "latex", lambda n: "\\begin{thebibliography}{9}\\bibitem{a}" + rep("\\footnote{", n), "an entry of unclosed footnotes"),
    Adversarial("tex-backslashes", "latex", lambda n: rep("\\", n), "1 MB of backslashes"),
    Adversarial("tex-newcommand-blanks", "latex", lambda n: "\\newcommand{\\x}" + rep(" ", n) + "x", "a definition followed by 1 MB of blanks"),
    Adversarial("tex-bibitem-blanks", "latex", lambda n: "\\begin{thebibliography}{9}\\bibitem" + rep(" ", n) + "x", "a bibitem followed by 1 MB of blanks"),
    Adversarial("tex-let-blanks", "latex", lambda n: "\\let\\x" + rep(" ", n) + "x", "\\let followed by 1 MB of blanks"),
    Adversarial("tex-cite-spaced-keys", "latex", lambda n: rep("\\cite{a ,b\n}", n), "citations of keys ending in blanks", volume=True, timed_at=MB // 2),
    Adversarial("tex-cite-key-comments", "latex", lambda n: "\\cite{" + rep("a%\n", n), "a key group of comment lines, never closed"),
    # --- BibTeX
    Adversarial("bib-braces-open", "bibtex", lambda n: "@article{k, title={" + rep("{", n), "a value of 1 MB of '{'"),
    Adversarial("bib-braces-nested", "bibtex", lambda n: "@article{k, title={" + rep("{", n // 2) + rep("}", n // 2) + "}}", "500,000 nested braces"),
    Adversarial("bib-ats", "bibtex", lambda n: rep("@", n), "1 MB of '@'"),
    Adversarial("bib-entry-starts", "bibtex", lambda n: rep("@article{", n), "'@article{' repeated: 111,000 broken entries", volume=True),
    Adversarial("bib-concatenation", "bibtex", lambda n: "@string{a = {x}}\n@article{k, title = a" + rep(" # a", n) + "}", "200,000 '#' concatenations"),
    Adversarial("bib-hashes", "bibtex", lambda n: "@article{k, title = " + rep("#", n) + "}", "a value of bare '#'"),
    Adversarial("bib-authors", "bibtex", lambda n: "@article{k, author = {" + rep("Smith, J. and ", n) + "X}}", "70,000 authors"),
    Adversarial("bib-author-commas", "bibtex", lambda n: "@article{k, author = {" + rep(",", n) + "}}", "an author of 1 MB of commas"),
    Adversarial("bib-author-name-commas", "bibtex", lambda n: "@article{k, author = {" + rep("Smith, John, ", n) + "}}", "one author of 80,000 comma-separated parts"),
    Adversarial("bib-author-jr", "bibtex", lambda n: "@article{k, author = {" + rep("John Smith Jr. and ", n) + "X}}", "50,000 authors written 'First Last Jr.'"),
    Adversarial("bib-author-blanks", "bibtex", lambda n: "@article{k, author = {A" + rep(" ", n) + "B}}", "an author of 1 MB of spaces"),
    Adversarial("bib-ifmmode", "bibtex", lambda n: "@article{k, title = {" + rep("\\ifmmode a\\else ", n) + "}}", "'\\ifmmode' without '\\fi'"),
    Adversarial("bib-accents", "bibtex", lambda n: "@article{k, title = {" + rep('\\"{o}', n) + "}}", "200,000 accents"),
    Adversarial("bib-fields", "bibtex", lambda n: "@article{k," + rep("a=1,", n) + "}", "250,000 fields of one name"),
    Adversarial("bib-entries", "bibtex", lambda n: numbered(lambda i: f"@article{{k{i}, author={{Smith, J.}}, title={{T}}, year=2019}}\n", n), "17,000 entries",
                volume=True),
    Adversarial("bib-strings-open", "bibtex", lambda n: rep("@string{", n), "'@string{' repeated: 125,000 broken blocks", volume=True),
    Adversarial("bib-missing-commas", "bibtex", lambda n: "@article{k, title = {x}" + rep(" year = {2}", n) + "}", "fields without commas"),
    # --- JATS XML
    Adversarial("jats-nested", "jats", lambda n: '<?xml version="1.0"?><article>' + rep("<b>", n // 2) + rep("</b>", n // 2) + "</article>",
                "125,000 nested elements"),
    Adversarial("jats-charrefs", "jats", lambda n: _xml(rep("&#x41;", n)), "170,000 character references"),
    Adversarial("jats-charref-open", "jats", lambda n: _xml(rep("&#x", n)), "'&#x' repeated (malformed)"),
    Adversarial("jats-xrefs", "jats", lambda n: _xml(rep(_XREF + ", ", n), _REF), "25,000 adjacent xrefs in one paragraph"),
    Adversarial("jats-xrefs-dashed", "jats", lambda n: _xml(rep(_XREF + "–", n), _REF), "xrefs joined by dashes"),
    Adversarial("jats-separator", "jats", lambda n: _xml(_XREF + rep(", ", n) + "x" + _XREF, _REF), "two xrefs apart by 1 MB of ', '"),
    Adversarial("jats-xref-rids", "jats", lambda n: _xml('<xref ref-type="bibr" rid="' + rep("r1 ", n) + '">1</xref>', _REF), "one xref naming 330,000 rids",
                volume=True, timed_at=MB // 2),
    Adversarial("jats-author-year", "jats", lambda n: _xml("(" + rep('<xref ref-type="bibr" rid="r1">Smith et al., 2019</xref>; ', n) + ")", _REF),
                "author-year xrefs in one group"),
    Adversarial("jats-refs", "jats", lambda n: _xml(_XREF, rep(_REF, n)), "10,000 references", volume=True),
    Adversarial("jats-ref-string", "jats", lambda n: _xml(_XREF, '<ref id="r1"><mixed-citation>' + rep("Smith J, ", n) + "</mixed-citation></ref>"),
                "a mixed-citation of 100,000 authors"),
    Adversarial("jats-parens", "jats", lambda n: _xml(rep("(", n) + _XREF, _REF), "1 MB of '(' before an xref"),
    Adversarial("jats-text-author-year", "jats", lambda n: _xml(rep("Smith et al. (", n) + _XREF, _REF), "narrative-like text before an xref"),
    # --- DOCX
    Adversarial("docx-long-paragraph", "docx", lambda n: docx_package([_run(rep("(Smith et al., 2019; ", n - 200))], compress=False),
                "one paragraph of 1 MB of an unclosed citation group"),
    Adversarial("docx-paragraphs", "docx", lambda n: docx_package([_run(f"Text (Smith, {1900 + i % 100}).") for i in range(20_000 * n // MB)], compress=False),
                "20,000 paragraphs, a citation each", volume=True),
    Adversarial("docx-runs", "docx", lambda n: docx_package(["".join(_run("a", "<w:i/>") for _ in range(20_000 * n // MB))], compress=False),
                "20,000 italic runs in one paragraph"),
    Adversarial("docx-group-capitals", "docx", lambda n: docx_package([_run(line) for line in _groups("A", n)[: n - n // 10].split("\n")], compress=False),
                "groups of one long capitalised word"),
    Adversarial("docx-backticks", "docx", lambda n: docx_package([_run(rep("`", n - 200))], compress=False), "a paragraph of backticks"),
    Adversarial("pdf-pages", "pdf", lambda n: _pdf_pages(n), "pages of lines dense with citations, a running footer on each", volume=True),
    Adversarial("pdf-long-line", "pdf", lambda n: _pdf_long_line(n), "one printed line of 1 MB: text and superscripts PDFium splits into lines"),
    Adversarial("pdf-accents", "pdf", lambda n: _pdf_accents(n), "a line of dotless i's, each with a TeX accent set apart"),
]


# =============================================================================== regression inputs


@dataclasses.dataclass(frozen=True)
class Regression:
    """An input under 100 KB that once took seconds to minutes, or broke an invariant.

    ``known`` says why it still fails, for a defect in a module this work may not edit; the
    corpus replay expects it to fail until that is fixed (then the test says so).
    """

    reader: str
    name: str
    build: Callable[[int], str | bytes]  # the input at about n bytes (MB in the tests), well-formed at any size
    known: str | None = None



# Written into the corpus by ``scripts/fuzz.py --seed-corpus``; tests/test_fuzz_corpus.py replays them.
REGRESSIONS: list[Regression] = [
    Regression("markdown", "backticks", lambda: rep("`", 20_000)),
    Regression("markdown", "key-unclosed", lambda: "[@" + rep("a", 30_000)),
    Regression("markdown", "key-groups", lambda: "[" + rep("x @a; ", 60_000)),
    Regression("markdown", "footnote-marks", lambda: rep("[^a", 40_000)),
    Regression("markdown", "subscripts", lambda: rep("<sub>", 95_000)),
    Regression("markdown", "numbers-unclosed", lambda: "[1" + rep(",1", 90_000)),
    Regression("markdown", "bracket-runs", lambda: rep("[1]", 90_000) + "("),
    Regression("markdown", "fence-line", lambda: rep("`", 40_000) + "x"),
    Regression("markdown", "title-blanks", lambda: "# a" + rep(" ", 19_990) + "x\n"),
    Regression("markdown", "group-capitals", lambda: _groups("A")[:95_000]),
    Regression("markdown", "narrative-hyphens", lambda: _narratives("Smith-")[:95_000]),
    Regression("markdown", "authors-vancouver", lambda: reference_list(rep("Smith J, ", 90_000))),
    Regression("markdown", "merged-works", lambda: reference_list(rep("Lee, K. (2020). U. ", 30_000))),
    Regression("markdown", "trailing-pmids", lambda: reference_list("Smith J. 2019. T. J 1:2. " + rep("1234567 ", 90_000))),
    Regression("text", "group-capitals", lambda: _groups("A")[:95_000]),
    Regression("markdown", "doi-blanks", lambda: reference_list("Smith J. 2019. T. doi" + rep(" ", 20_000) + "x")),
    Regression("latex", "newcommand-blanks", lambda: "\\newcommand{\\x}" + rep(" ", 2_000) + "x"),
    Regression("latex", "bibitem-blanks", lambda: "\\begin{thebibliography}{9}\\bibitem" + rep(" ", 20_000) + "x"),
    Regression("latex", "let-blanks", lambda: "\\let\\x" + rep(" ", 20_000) + "x"),
    Regression("bibtex", "author-commas", lambda: "@article{k, author = {" + rep(",", 30_000) + "}}"),
    Regression("bibtex", "ifmmode", lambda: "@article{k, title = {" + rep("\\ifmmode a\\else ", 10_000) + "}}"),
    Regression("bibtex", "repeated-fields", lambda: "@article{k," + rep("a=1,", 90_000) + "}"),
    Regression("jats", "xref-with-markup", lambda: '<?xml version="1.0"?><article><body><p>See <xref ref-type="bibr" rid="r1"><sup>1</sup></xref>.</p>'
                                                   '</body><back><ref-list><ref id="r1"><mixed-citation>Smith J. 2019. T.</mixed-citation></ref>'
                                                   "</ref-list></back></article>"),
    Regression("jats", "empty-xref", lambda: '<?xml version="1.0"?><article><body><p>cells<xref ref-type="bibr" rid="r1"><sup></sup></xref>cells</p>'
                                             "</body></article>"),
]
KNOWN = {(r.reader, corpus_name(r.reader, r.build())): r.known for r in REGRESSIONS if r.known}
