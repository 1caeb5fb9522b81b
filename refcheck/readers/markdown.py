"""Read a Markdown manuscript: body citations, the reference section, document metadata.

The reader never changes offsets: it builds a *masked* copy of the text (same length, markup
blanked) and runs the citation grammar on that, so every Span points into the original file.
"""

from __future__ import annotations

import re as stdre
from dataclasses import dataclass

import regex as re

from refcheck import background
from refcheck.model import Manuscript, Source
from refcheck.readers import citations as grammar
from refcheck.readers.metadata import read_metadata
from refcheck.readers.references import dump_references, load_references, parse_references

# From this many entries on, the list is parsed in a forked child while the body is scanned:
# on two cores a 10,000-entry manuscript takes about 0.4 s less (benchmarks/speed.py).
BACKGROUND_ENTRIES = 2000

# Which engine compiles a pattern is measured, not assumed: the stdlib engine scans the fence
# and section patterns faster over megabytes of text; the regex module wins for the others.
# The fence and the rest of its line are taken whole (atomic, possessive): giving back only matters
# when the line has no newline, and then nothing matches; 1 MB of backticks on one line made the
# former pattern retry every split of it (quadratic: minutes).
_FENCE = stdre.compile(r"^[ \t]{0,3}((?>```+|~~~+))[^\n]*+\n.*?(?:^[ \t]{0,3}\1[ \t]*$|\Z)", stdre.M | stdre.S)
_INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1", re.S)  # what _inline_code matches (kept for the tests' comparison)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_DIV_FENCE = stdre.compile(r"^[ \t]{0,3}:{3,}[^\n]*+$", stdre.M)  # pandoc fenced divs (`::: {#refs}`): markup, not text
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_LINK_TARGET = re.compile(r"(?<=\])\([^()\s]*(?:\s+\"[^\"]*\")?\)|(?<=\]):\s*\S+")
# URLs and DOIs may hold balanced parentheses, but a ")" they do not open closes the citation around them
_URLISH = r"[^\s<>\[\]()]+(?:\([^\s()]*\)[^\s<>\[\]()]*)*"
_URLS = tuple(  # one pattern each: combined into one alternation they scan several times slower
    re.compile(p)
    for p in (rf"\b(?:https?|ftp)://{_URLISH}", rf"\bwww\.{_URLISH}", rf"\b10\.\d{{4,9}}/{_URLISH}", r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
)
_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]")  # what _footnote_refs matches
_SUBSCRIPT = re.compile(r"<sub>.*?</sub>", re.S)  # what _subscripts matches
_TAG = re.compile(r"</?(?!sup\b|/sup\b)[A-Za-z][^<>\n]{0,200}>")
_EMPHASIS = re.compile(r"\*+|(?<![\p{L}\d])_+|_+(?![\p{L}\d])|\\(?=[\[\]()*_`@])")

_SECTION_NAMES = (
    "references|reference list|references cited|literature cited|literature|bibliography|"
    "works cited|cited literature|citations|sources|references and notes|notes and references"
)
_SECTION = stdre.compile(
    rf"^[ \t]{{0,3}}(?P<hashes>#{{1,6}}[ \t]+)?(?:[*_]{{1,3}})?[ \t]*(?:\d+\.?[ \t]+)?(?:{_SECTION_NAMES})[ \t]*:?[ \t]*(?:[*_]{{1,3}})?[ \t]*:?[ \t]*(?:\{{[^{{}}\n]*+\}}[ \t]*)?$",
    stdre.I | stdre.M,
)
_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+\S", re.M)
_LABEL = re.compile(r"^[ \t]{0,3}(?:[-*+][ \t]+)?(?:\*\*|__)?[ \t]*(?:\[(?P<b>\d{1,5})\]|(?P<n>\d{1,5})[.)])(?:\*\*|__)?[ \t]+(?=\S)", re.M)
_BULLET = re.compile(r"^[ \t]{0,3}[-*+][ \t]+(?=\S)", re.M)
_ENTRY_START = re.compile(r"^(?:\*\*|__|\*)?\p{Lu}[\p{L}'’\-]+,?\s+(?:\p{Lu}|[\p{L}'’\-]+,)")
_YEARISH = re.compile(r"(?<!\d)(?:1[5-9]|20)\d\d(?!\d)|n\.\s?d\.")


def _blank(match: re.Match) -> str:
    """Spaces for every character of a match, keeping its newlines (so lines stay where they were)."""
    return _blank_text(match.group(0))


def _blank_text(text: str) -> str:
    if "\n" not in text:
        return " " * len(text)
    return "\n".join(" " * len(part) for part in text.split("\n"))


# Three masks are scans instead of patterns. Each gives exactly the matches ``finditer`` of the
# pattern above it would, but in linear time: the patterns retry every start in a stretch that
# cannot match (1 MB of backticks, of "<sub>" or of "[^a" took minutes).

_BACKTICKS = stdre.compile("`+")


def _inline_code(text: str):
    r"""(start, end) of each match of _INLINE_CODE, ``(`+)(?!`).+?(?<!`)\1``.

    A match opens with the rest of a backtick run (from where the search stands to the run's
    end) and closes at the first later run at least as long, taking as many backticks as it
    opened with. When no later run is that long, the pattern's next starts inside the run open
    with fewer backticks: the opening is as long as the longest later run allows.
    """
    runs = [(m.start(), m.end() - m.start()) for m in _BACKTICKS.finditer(text)]
    count = len(runs)
    longest_after = [0] * (count + 1)  # longest_after[k]: the longest of runs[k:]
    for k in range(count - 1, -1, -1):
        longest_after[k] = max(runs[k][1], longest_after[k + 1])
    k = 0
    rest = None  # what a closing run leaves over: the next opening, before runs[k]
    while True:
        if rest is not None:
            start, length = rest
            rest = None
        elif k < count:
            start, length = runs[k]
            k += 1
        else:
            return
        width = min(length, longest_after[k])
        if width == 0:
            return  # no run after this one: nothing closes it
        close = k
        while runs[close][1] < width:
            close += 1
        close_start, close_length = runs[close]
        yield start + length - width, close_start + width
        if close_length > width:
            rest = (close_start + width, close_length - width)
        k = close + 1


_FOOTNOTE_STOP = re.compile(r"[\]\s]")


def _footnote_refs(text: str):
    r"""(start, end) of each match of _FOOTNOTE_REF, ``\[\^[^\]\s]+\]``.

    A ``[^`` reads up to the first ``]`` or space (its stop); when that is no ``]``, every ``[^``
    before the stop meets the same stop and fails too, so the search goes on after it.
    """
    pos = 0
    while True:
        start = text.find("[^", pos)
        if start == -1:
            return
        stop = _FOOTNOTE_STOP.search(text, start + 2)
        if stop is None:
            return
        at = stop.start()
        if text[at] == "]" and at > start + 2:
            yield start, at + 1
            pos = at + 1
        else:
            pos = start + 1 if at == start + 2 else at


def _subscripts(text: str):
    """(start, end) of each match of _SUBSCRIPT, ``<sub>.*?</sub>``: with no ``</sub>`` after one
    ``<sub>``, there is none after any later one either."""
    pos = 0
    while True:
        start = text.find("<sub>", pos)
        if start == -1:
            return
        end = text.find("</sub>", start + 5)
        if end == -1:
            return
        yield start, end + 6
        pos = end + 6


def _blank_spans(spans):
    """A mask from a function giving the (start, end) of what to blank."""

    def apply(text: str) -> str:
        pieces: list[str] = []
        pos = 0
        for start, end in spans(text):
            pieces.append(text[pos:start])
            pieces.append(_blank_text(text[start:end]))
            pos = end
        if not pieces:
            return text
        pieces.append(text[pos:])
        return "".join(pieces)

    return apply


# Each pattern with the strings one of which every match contains: a pattern whose strings are
# all absent is not run (most manuscripts have no code fences, links or subscripts).
_MASKS = (
    (_FRONT_MATTER, ("---",)),
    (_FENCE, ("```", "~~~")),
    (_COMMENT, ("<!--",)),
    (_DIV_FENCE, (":::",)),
    (_blank_spans(_inline_code), ("`",)),
    (_LINK_TARGET, ("](", "]:")),
    (_URLS[0], ("://",)),
    (_URLS[1], ("www.",)),
    (_URLS[2], ("10.",)),
    (_URLS[3], ("@",)),
    (_blank_spans(_footnote_refs), ("[^",)),
    (_blank_spans(_subscripts), ("<sub>",)),
    (_TAG, ("<",)),
    (_EMPHASIS, ("*", "_", "\\")),
)


def mask(text: str) -> str:
    """Blank out what is not prose, keeping length and newlines: code, comments, URLs, markup."""
    for pattern, markers in _MASKS:
        if any(marker in text for marker in markers):
            text = pattern(text) if callable(pattern) else pattern.sub(_blank, text)
    return text


@dataclass(frozen=True)
class Section:
    heading_start: int
    start: int
    end: int


def find_reference_section(masked: str) -> Section | None:
    """The last heading or line that names a reference list, up to the next heading of its level."""
    candidates = list(_SECTION.finditer(masked))
    for m in reversed(candidates):
        start = m.end() + 1 if m.end() < len(masked) else m.end()
        if not masked[start:].strip():
            continue
        level = len(m.group("hashes").strip()) if m.group("hashes") else 7
        end = len(masked)
        for h in _HEADING.finditer(masked, start):
            if len(h.group(1)) <= level or level == 7:
                end = h.start()
                break
        return Section(m.start(), min(start, len(masked)), end)
    return None


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each line in [start, end), end excluding the newline."""
    out = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        out.append((pos, stop))
        pos = stop + 1
    return out


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_entries(text: str, section: Section) -> list[tuple[int, int, str | None]]:
    """The entries of a reference section as (start, end, printed label)."""
    lines = [(s, e) for s, e in _lines(text, section.start, section.end)]
    nonblank = [(s, e) for s, e in lines if text[s:e].strip()]
    if not nonblank:
        return []
    labelled = [_LABEL.match(text, s, e) for s, e in nonblank]
    numbered = sum(1 for m in labelled if m) * 2 >= len(nonblank) or (
        sum(1 for m in labelled if m) >= 3 and sum(1 for m in labelled if m) * 4 >= len(nonblank)
    )
    entries: list[list] = []  # [start, end, label]
    if numbered:
        for (s, e), m in zip(nonblank, labelled):
            if m:
                entries.append([m.end(), e, m.group("b") or m.group("n")])
            elif entries:
                entries[-1][1] = e
        return [(*_trimmed(text, s, e), label) for s, e, label in entries]
    # Unnumbered: one entry per bullet or paragraph; a paragraph whose every line starts like an
    # entry ("Surname, X." or "Surname AB") and carries a year holds one entry per line.
    paragraph: list[tuple[int, int]] = []

    def flush() -> None:
        if not paragraph:
            return
        if len(paragraph) > 1 and all(
            _ENTRY_START.match(text[s:e].lstrip(" -*+")) and _YEARISH.search(text, s, e) for s, e in paragraph
        ):
            entries.extend([s, e, None] for s, e in paragraph)
        else:
            entries.append([paragraph[0][0], paragraph[-1][1], None])
        paragraph.clear()

    for s, e in lines:
        if not text[s:e].strip():
            flush()
            continue
        bullet = _BULLET.match(text, s, e)
        if bullet:
            flush()
            paragraph.append((bullet.end(), e))
        else:
            paragraph.append((s, e))
    flush()
    return [(*_trimmed(text, s, e), label) for s, e, label in entries]


_BIBLIOGRAPHY = stdre.compile(r"^bibliography:[ \t]*(?P<inline>\S.*)?\n?(?P<items>(?:[ \t]+-[ \t]*\S.*\n?)*)", stdre.M)


def bibliography_files(text: str) -> tuple[str, ...]:
    r"""The ``bibliography:`` of YAML front matter (pandoc): one path, a ``[a, b]`` list or a ``- a`` list.

    >>> bibliography_files("---\ntitle: X\nbibliography: refs.bib\n---\nText")
    ('refs.bib',)
    >>> bibliography_files("---\nbibliography:\n  - a.bib\n  - 'b.bib'\n---\n")
    ('a.bib', 'b.bib')
    """
    front = _FRONT_MATTER.match(text)
    if not front:
        return ()
    m = _BIBLIOGRAPHY.search(front.group())
    if not m:
        return ()
    inline = (m.group("inline") or "").strip()
    values = inline.strip("[]").split(",") if inline else [line.strip()[1:] for line in m.group("items").splitlines()]
    return tuple(v.strip().strip("'\"") for v in values if v.strip().strip("'\""))


# Manubot tag definitions, Markdown link-reference style: "[@tag:avasthi-preprints]: doi:10.7554/eLife.38532"
_TAG_DEFINITION = stdre.compile(r"^[ \t]{0,3}\[@(tag:[^\]\s]+)\]:[ \t]*(\S+)", stdre.M)


def tag_definitions(text: str) -> dict[int, tuple[str, str]]:
    """Offset of each ``[@tag:name]: target`` definition -> (``tag:name``, target)."""
    if "[@tag:" not in text:
        return {}
    return {m.start(): (m.group(1), m.group(2)) for m in _TAG_DEFINITION.finditer(text)}


def citations_in(source: Source, masked: str, body_end: int, numbered: bool, top: int, skip: frozenset[int] = frozenset()):
    """The body's citations; ``numbered`` and ``top`` (the highest label) describe the list.

    ``skip``: offsets where something that looks like a citation is a definition (Manubot tags).
    """
    found = [f for f in grammar.find_keys(masked, 0, body_end, source.text) if f.start not in skip]
    numeric = grammar.find_numeric(masked, 0, body_end)
    if numbered and not numeric:
        # "(1, 2)" cites only in documents that cite no other way, and only within the list:
        # "(18,400)" and "(1975)" are quantities.
        numeric = [
            f for f in grammar.find_numeric(masked, 0, body_end, parentheses=True)
            if all(n <= top for _, _, fields in f.items for n in fields["numbers"])
        ]
    if not numbered:
        # Without a numbered list, superscripts are exponents or footnote marks, not citations.
        numeric = [f for f in numeric if "superscript" not in f.form and "parentheses" not in f.form]
    if numbered:
        # "[140, 160]" in a list of 59 is an interval; "[27]" in a list of 24 is a citation error.
        numeric = [f for f in numeric if all(n <= 2 * top for _, _, fields in f.items for n in fields["numbers"])]
    found += numeric
    found += grammar.find_author_year(masked, 0, body_end)
    return grammar.to_citations(source, found)


def read(source: Source) -> Manuscript:
    """Read one Markdown manuscript into citations, references and metadata (links come later)."""
    text = source.text
    masked = mask(text)
    section = find_reference_section(masked)
    body_end = section.heading_start if section else len(text)

    entries = split_entries(text, section) if section else []
    numbered = any(label for *_, label in entries)
    top = max((int(label) for *_, label in entries if label and label.isdecimal()), default=0)
    pending = None
    if len(entries) >= BACKGROUND_ENTRIES and background.usable():
        pending = background.start(lambda: dump_references(parse_references(source, entries)))
    tags = tag_definitions(text)
    try:
        citations = citations_in(source, masked, body_end, numbered, top, frozenset(tags))
        metadata = read_metadata(text, masked, body_end)
    finally:  # the child is always waited for, even if scanning the body fails
        data = pending() if pending else None
    references = load_references(data) if data is not None else parse_references(source, entries)
    return Manuscript(
        source=source,
        citations=citations,
        references=tuple(references),
        title=metadata.title,
        doi=metadata.doi,
        dates=metadata.dates,
        reference_section=source.span(section.heading_start, section.end) if section else None,
        bib_files=bibliography_files(text) if text.startswith("---") else (),
        aliases=tuple(sorted(tags.values())),
    )
