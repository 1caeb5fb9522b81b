r"""Read plain text extracted from a PDF (``.txt``): undo the extraction's artefacts, read the
result as Markdown, and point every Span back into the original file.

What PDF text extraction leaves in a manuscript, and what becomes of it here:

- **Page headers and footers** are dropped: "Page 3 (of 12)" lines; bare numbers that rise by
  one at least a page apart, or sit at a form feed; and lines whose digit-blind form recurs
  ("Smith et al. | Nature ###"), all at page edges when edges are known (form feeds, page
  numbers), else at regular intervals. Nothing is matched by a fixed string.
- **Hard-wrapped lines** are joined with a space; a blank line, or a short line, ends a
  paragraph unless the sentence runs on.
- **Hyphenation at line ends** is undone ("regu-\nlates" -> "regulates"); the hyphen stays
  when the compound is written with it elsewhere, when the next part starts with a capital
  or a digit, when the first part is one letter or an acronym, or when both halves are
  words of the text and the joined form is not. URLs and DOIs broken at a line end are
  rejoined as they were ("10.1111/j.1365-\n2958" -> "10.1111/j.1365-2958").
- **Blank lines and page furniture inside a sentence** (``(Ma et al.,\n\n2021)``,
  ``regulates\n\nmiRNA``) are bridged when the text before does not end a sentence
  (a comma, "and", an open parenthesis...) or the text after continues it (lower case).
- **Reference entries wrapped over lines** become one line each, split by the numbering
  sequence (a "2009." at a line start inside entry 12 is not label 2009), else by blank
  lines, a hanging indent, or entry starts ("Surname, X." or "WHO. 2014." after a line that
  can end an entry, with a year in the entry).
- **Superscript citation numbers flattened into the text** ("shown previously12,13.") are
  read as superscripts only in a document with a numbered list (see ``_superscripts``).

The cleaned copy is read by the Markdown reader; ``refcheck.readers.remap`` moves every span
back, so findings point at the characters of the file as extracted. Every step is linear in
the text's size, and no pattern here can backtrack without bound (matches are anchored, or
searched in a bounded window at a line's end).
"""

from __future__ import annotations

import bisect
import re as stdre
from collections import Counter
from dataclasses import dataclass

import regex as re

from refcheck.model import Manuscript, Source
from refcheck.names import GROUP_TAIL
from refcheck.readers import markdown
from refcheck.readers.remap import OffsetMap, remap_manuscript

# --- page furniture ----------------------------------------------------------------------

MIN_PAGE_LINES = 5  # lines between two page numbers (a page of only a figure still has its caption)
MAX_FURNITURE = 160  # a header or footer line is at most this long
_PAGE_LINE = stdre.compile(r"(?i)(?:page|pg\.?|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?")
_BARE_NUMBER = stdre.compile(r"[-–—]?\s*(\d{1,4})\s*[-–—]?|(\d{1,4})\s*(?:of|/)\s*\d{1,4}")
_DIGIT = stdre.compile(r"[0-9]")
_LETTERS = stdre.compile(r"[^\W\d_]{3}")

# --- joining lines -----------------------------------------------------------------------

_LEADING_WORD = re.compile(r"[\p{L}\p{M}]+")
_RANGE_END = stdre.compile(r"\d[-–]$")
_URL_START = r"(?:https?://|www\.|doi:|\b10\.\d{4,9}/)"
_URL_END = stdre.compile(rf"{_URL_START}\S*[/._\-=&?#:]$", stdre.I)  # a URL broken at a separator
# a URL or DOI broken before a dot or a slash: "https://doi.org/10" / ".18637/jss.v092.i10."
_URL_TAIL = stdre.compile(rf"(?:{_URL_START}|doi\.org/10)\S*$", stdre.I)
# ... or inside a DOI's registrant number: "https://doi.org/10.555" / "5/2627435.2638586"
_DOI_PREFIX_END = stdre.compile(r"(?:doi\.org/|doi:\s?|(?<![\w.]))10\.\d{1,9}$", stdre.I)
_DOI_PREFIX_REST = stdre.compile(r"\d{0,9}/\S")
_TERMINAL = stdre.compile(r"[.!?:][\"'”’)\]]*$")
# a line ending so goes on in the next: a comma, an open bracket, "and", "et al.", an ellipsis in an author list
_RUNS_ON = stdre.compile(
    r"(?:[,;(\[&/–—…]|\.\s?\.\s?\.|(?<![\w.])(?:and|or|of|the|in|by|et|al|with|to|for|a|an|from|on|at|as|that|which|"
    r"is|are|was|were|be|between|into|than|via|vs|see|e\.g|i\.e|cf)\.?)$"
)
RUNS_ON_TAIL = 14  # the longest ending _RUNS_ON matches, and then some
_WORD_TOKEN = stdre.compile(r"\w+(?:-\w+)*")  # "bio19" is one token: a word counted alone is a word alone


def _runs_on_end(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` ends the way a line that goes on ends (searched in its last characters only)."""
    return bool(_RUNS_ON.search(text, max(start, end - RUNS_ON_TAIL), end))


# --- reference entries -------------------------------------------------------------------

_LABEL = stdre.compile(r"(?:\[(?P<b>\d{1,5})\]|(?P<n>\d{1,5})(?P<p>[.)])?)(?:[ \t]+(?=\S)|(?<=[.)\]])$)")
_PARTICLE = r"(?:(?:[Vv]an|[Vv]on|[Dd]e|[Dd]er|[Dd]en|[Dd]el|[Dd]a|[Dd]i|[Dd]u|[Dd]os|[Ll]a|[Ll]e|[Tt]en|[Tt]er|dit)\s+)"  # "Petit dit de la Roche"
_NAME = rf"(?:{_PARTICLE}{{0,3}}(?:[dDlL]['’])?\p{{Lu}}[\p{{L}}\p{{M}}'’\-‐‑]+)"  # "Studier‑Fischer" (a non-breaking hyphen)
_ORG_WORD = r"(?:\p{Lu}[\p{L}\p{M}\p{N}.'’\-/]*|of|and|&|the|for|on|in|de|du|des|für)"  # "GDAL/OGR", "TRAPPIST-1"
# the lower-case words that end a group of people named as an author: "GDAL/OGR contributors", "the
# dc.js Developers", "American Psychological Association and others", "ICON partnership"
_GROUP_TAIL = rf"(?:{GROUP_TAIL}|others)"
_ENTRY_START = re.compile(
    # "Smith, J.", "Smith JA,", "van der Berg, K.", "Nunes da Fonseca R,", "d’Adda di Fagagna F,"
    rf"{_NAME}(?:\s+{_NAME}){{0,2}},?\s+(?:\p{{Lu}}(?![\p{{Ll}}]{{3}})|[\p{{L}}'’\-]+,)"
    # a given name written out (Chicago): "Haining, Robert P., and ...", "Kay, Matthew. 2022.", "Logan, John R, Cici ..."
    rf"|{_NAME},\s+\p{{Lu}}[\p{{Ll}}\p{{M}}'’\-]+(?:\s+(?:\p{{Lu}}[\p{{Ll}}\p{{M}}'’\-]*|\p{{Lu}}{{1,3}})\.?){{0,3}}(?:,|\.|\s+and\s)"  # "Choi, Jung Kyoon, ...", "Ioannidis, John PA."
    # the same authors as the entry before (Chicago's 3-em dash): "———. 2022b."
    rf"|[—–-]{{2,}}\.?\s"
    # a work named by its title, APA's way: "Gymnasium documentation. (2023)."
    rf"|\p{{Lu}}[\p{{L}}\p{{M}}'’\-]*(?:\s+[\p{{L}}\p{{M}}'’\-]+){{0,3}}\.\s+\((?:1[5-9]|20)\d\d[a-z]?\)\."
    # "WHO. 2014.", "R Development Core Team. 2014.", "U.S. Census Bureau (2011)."; not a journal's
    # volume and page ("Cold Spring Harbor Protocols 2009:pdb.emo127", "... on Cancer 1855:50–60")
    rf"|{_ORG_WORD}(?:\s+(?:{_ORG_WORD}|{_GROUP_TAIL})){{0,8}}[.,]?\s+\(?(?:(?:1[5-9]|20)\d\d[a-z]?|n\.\s?d\.)\)?(?:[.,]|:(?!\S))"
    # a group before the people, APA's way: "TRAPPIST-1 JWST Community Initiative, Wit, J. de, Doyon, R., ..."
    rf"|{_ORG_WORD}(?:\s+{_ORG_WORD}){{1,8}},\s+{_NAME},\s+\p{{Lu}}\.[\s,]"
)
# a year as an entry prints it: not a page ("1921–1926"), not inside a DOI or a volume ("2019.01", ":2042"),
# not a volume before its page ("Biochimica Et Biophysica Acta 1855:50–60")
_YEAR = stdre.compile(r"(?<![\d./:–-])(?:1[5-9]|20)\d\d[a-z]?(?![\d–-]|[.:]\d)|n\.\s?d\.|in press|no prelo|en prensa|sous presse|im druck", stdre.I)

# --- flattened superscripts --------------------------------------------------------------

# where a word meets a number (found fast by the digit, then read with _GLUED from the word's start)
_GLUED_AT = re.compile(r"(?<=\p{Ll}[.,;:]?|\p{L}\))\d")
_GLUED = stdre.compile(r"(?P<word>[^\W\d_]+)(?P<close>\))?(?P<punct>[.,;:])?(?P<num>\d{1,3}(?:[,–—-]\d{1,3})*)")
_NOT_CITING_WORDS = frozenset(
    """log ln exp sin cos tan sqrt km cm mm nm um µm μm ml µl μl mg µg μg kg ng pg mol mmol µmol
    min sec ms ns hz khz mhz ghz kb mb gb bp kbp kda da ha ft sq fig figs eq eqs ref refs no vol pp chr
    chromosome exon exons intron day days week weeks month months year years step steps phase stage
    type grade class group groups line lane panel table figure cycle round sample patient version wave
    site trial dose arm cohort mir let cd hla il tlr cyp kir igg igm ifn tnf""".split()
)
_BRACKET_NUMERIC = stdre.compile(r"\[\d{1,3}(?:\s*[,–—-]\s*\d{1,3})*\]")


@dataclass(slots=True)
class _Line:
    start: int  # content start (after leading whitespace)
    end: int  # content end (before trailing whitespace)
    indent: int
    gap: bool = False  # blank or dropped lines between the previous kept line and this one
    page_break: bool = False  # ...among which a page header, footer, number or form feed


def _lines(text: str) -> tuple[list[tuple[int, int, int]], set[int]]:
    """(content start, content end, line start) of every line, and the lines a form feed opens."""
    out = []
    feeds = set()
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            s = pos + line.find(stripped[0])
            out.append((s, s + len(stripped), pos))
        else:
            out.append((pos, pos, pos))
        if "\f" in line:
            feeds.add(len(out) - 1)
        pos += len(line) + 1
    return out, feeds


def _at_feed(feeds: list[int], lines: list[tuple[int, int, int]], i: int) -> bool:
    """Line ``i`` is the first or last non-blank line of a page (a form feed between it and the next text)."""
    lo = _next_nonblank(lines, i, -1) + 1
    hi = _next_nonblank(lines, i, 1)
    k = bisect.bisect_left(feeds, lo)
    return k < len(feeds) and feeds[k] <= hi


def _next_nonblank(lines: list[tuple[int, int, int]], i: int, step: int) -> int:
    j = i + step
    while 0 <= j < len(lines) and lines[j][0] == lines[j][1]:
        j += step
    return j


def _page_numbers(text: str, lines: list[tuple[int, int, int]], feeds: list[int]) -> set[int]:
    """Lines that are page numbers: "Page 3 (of 12)", a bare number at a form feed, or bare
    numbers in an increasing run (3, 4, 5...) at least a page apart."""
    out = set()
    nodes: list[tuple[int, int, int]] = []  # (line, run length, previous node)
    best: dict[int, int] = {}  # value -> node ending the longest run at that value
    for i, (s, e, _) in enumerate(lines):
        if e - s > 20 or s == e:
            continue
        content = text[s:e]
        if _PAGE_LINE.fullmatch(content):
            out.add(i)
            continue
        m = _BARE_NUMBER.fullmatch(content)
        if not m:
            continue
        value = int(m.group(1) or m.group(2))
        prev = best.get(value - 1)
        if prev is not None and i - nodes[prev][0] >= MIN_PAGE_LINES:
            nodes.append((i, nodes[prev][1] + 1, prev))
        else:
            nodes.append((i, 1, -1))
        if value not in best or nodes[-1][1] >= nodes[best[value]][1]:
            best[value] = len(nodes) - 1
        if feeds and _at_feed(feeds, lines, i):
            out.add(i)
    marked = [False] * len(nodes)
    for k in range(len(nodes)):
        if nodes[k][1] >= 3:
            j = k
            while j != -1 and not marked[j]:
                marked[j] = True
                out.add(nodes[j][0])
                j = nodes[j][2]
    if out and nodes:
        # the document's first and last lines are page edges: a bare number there is the first or last page's
        ends = {_next_nonblank(lines, -1, 1), _next_nonblank(lines, len(lines), -1)}
        out.update(node[0] for node in nodes if node[0] in ends)
    return out


def _regular(positions: list[int]) -> bool:
    """Occurrences spread like page furniture: far apart and at roughly even intervals."""
    gaps = sorted(b - a for a, b in zip(positions, positions[1:]))
    median = gaps[len(gaps) // 2]
    return median >= 2 * MIN_PAGE_LINES and sum(1 for g in gaps if g * 2 >= median) * 4 >= len(gaps) * 3


def _furniture(text: str, lines: list[tuple[int, int, int]], feeds: set[int]) -> set[int]:
    """Page headers, footers and numbers: the lines to drop.

    A header or footer is a line whose digit-blind form ("Page # of ##", "Smith et al. |
    Nature ###") recurs. Where page edges are known (form feeds, page numbers), every
    occurrence must be at one (within a few lines); where they are not, the occurrences must
    come at regular intervals, at least three of them, and a line that runs on into the next
    ("..., version 3.1.7 (Faul et al.,") is text, however regularly it is repeated.
    """
    feed_list = sorted(feeds)
    numbers = _page_numbers(text, lines, feed_list)
    blind = _DIGIT.sub("#", text)  # one pass: str.translate is slow on non-ASCII text
    groups: dict[str, list[int]] = {}
    for i, (s, e, _) in enumerate(lines):
        if s == e or e - s > MAX_FURNITURE or i in numbers:
            continue
        key = blind[s:e]
        if "  " in key or "\t" in key:
            key = " ".join(key.split())
        groups.setdefault(key, []).append(i)
    dropped = set(numbers)
    edges = sorted(numbers | feeds)
    if edges:  # the document's first and last lines are page edges too
        edges = sorted({*edges, _next_nonblank(lines, -1, 1), _next_nonblank(lines, len(lines), -1)})

    def at_edge(i: int) -> bool:
        k = bisect.bisect_left(edges, i - 4)
        return k < len(edges) and edges[k] <= i + 4

    for key, positions in groups.items():
        if len(positions) < 2 or not _LETTERS.search(key):
            continue
        if feeds or len(numbers) >= 2:
            # twice is enough for a running title, unless it is mostly numbers (two reference
            # tails "277:1118–1125. doi:10.1111/j.1742-..." are alike once digits are blind)
            if all(at_edge(i) for i in positions) and (len(positions) >= 3 or _wordy(key)):
                dropped.update(positions)
        elif len(positions) >= 3 and _regular(positions) and (key.endswith(("…", "...")) or not _runs_on_end(key, 0, len(key))):
            dropped.update(positions)
    return dropped


def _wordy(key: str) -> bool:
    letters = sum(1 for ch in key if ch.isalpha())
    return letters >= 2 * key.count("#")


# --- joining -----------------------------------------------------------------------------


class _Words:
    """Word counts of the whole text (hyphenation, flattened superscripts): computed once, when first needed."""

    def __init__(self, text: str) -> None:
        self.counts = Counter(_WORD_TOKEN.findall(text.lower()))


def _hyphenated_word(text: str, start: int, end: int) -> str:
    """The word (with any hyphens of its own) before the hyphen that ends ``text[start:end]``, or ""."""
    i = end - 1  # the hyphen
    lo = max(start, i - 80)
    j = i
    while j > lo and (text[j - 1].isalpha() or (text[j - 1] == "-" and j - 2 >= lo and text[j - 2].isalpha() and text[j].isalpha())):
        j -= 1
    word = text[j:i]
    return word if word and word[0].isalpha() and word[-1].isalpha() else ""


def _keep_hyphen(left: str, right_line: str, words: _Words) -> bool:
    """Whether ``left-`` at a line end followed by ``right_line`` is a real hyphen, not hyphenation."""
    if not right_line[:1].islower():
        return True  # "Schmidt-\nSupprian", "IL-\n6", "anti-\nCD3"
    last = left.rsplit("-", 1)[-1]
    if len(last) == 1 or any(ch.isupper() for ch in last[1:]):
        return True  # "X-\nray", "PRC-\nmediated"
    m = _LEADING_WORD.match(right_line)
    right = m.group().lower() if m else ""
    left_l, last_l = left.lower(), last.lower()
    counts = words.counts
    if counts[f"{left_l}-{right}"]:
        return True  # written with the hyphen elsewhere
    if counts[last_l + right]:
        return False  # written as one word elsewhere
    # both halves are words of the text (each seen again, besides here): a compound
    return len(last_l) >= 3 and len(right) >= 3 and counts[last_l] >= 2 and counts[right] >= 2


def _unclosed(tail: str) -> bool:
    """The last opening parenthesis of ``tail`` is not closed by its end."""
    opened = tail.rfind("(")
    return opened != -1 and tail.find(")", opened) == -1


def _runs_on(before: str, after: str, tail: str) -> bool:
    """Whether ``after`` continues the sentence ending in ``before`` (``tail``: the paragraph's last characters)."""
    first = after[:1]
    if first.islower():
        return True
    if _runs_on_end(before, 0, len(before)):
        return True
    if _unclosed(tail):
        return True
    return not _TERMINAL.search(before) and (first.isdigit() or first in ",;:)]%")


# a code span on one line that holds a bracket: what readers.pdf writes for text in a fixed-pitch font
_CODE = stdre.compile(r"((?<!`)`[^`'\n]*\[[^`'\n]*`(?!`))")


class _Builder:
    """The cleaned text and its offset map, written line by line in original order."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.map = OffsetMap(text)
        self._words: _Words | None = None
        self.sups: dict[int, tuple[int, str]] = {}  # digit start -> (digit end, text to insert before <sup>)
        self._sup_starts: list[int] = []

    def set_sups(self, sups: dict[int, tuple[int, str]]) -> None:
        self.sups = sups
        self._sup_starts = sorted(sups)

    @property
    def words(self) -> _Words:
        if self._words is None:
            self._words = _Words(self.text)
        return self._words

    def emit(self, start: int, end: int) -> None:
        """Copy ``text[start:end]``, marking the flattened superscripts in it as ``<sup>``."""
        pos = start
        starts = self._sup_starts
        if starts:
            i = bisect.bisect_left(starts, start)
            while i < len(starts) and starts[i] < end:
                digit_start = starts[i]
                digit_end, before = self.sups[digit_start]
                if digit_end > end:
                    break
                self._copy(pos, digit_start)
                self.map.insert(before + "<sup>", digit_start)
                self._copy(digit_start, digit_end)
                self.map.insert("</sup>", digit_end)
                pos = digit_end
                i += 1
        self._copy(pos, end)

    def _copy(self, start: int, end: int) -> None:
        if start >= end:
            return
        segment = self.text[start:end]
        if "\n" in segment or "`" in segment:  # lines of one run joined; a stray backtick would open a code span
            segment = segment.replace("\n", " ")
            if "`" in segment:  # (code the PDF reader marked, `x[1]`, stays code: its brackets cite nothing)
                pieces = _CODE.split(segment)  # the code spans at odd places
                segment = "".join(piece if k % 2 else piece.replace("`", "'") for k, piece in enumerate(pieces))
            self.map.put(segment, start)
        else:
            self.map.copy(start, end)

    def joint(self, a: _Line, b: _Line) -> str:
        """How line ``b`` attaches to line ``a`` of the same paragraph: dehyphenate, glue or space."""
        text = self.text
        last, first = text[a.end - 1], text[b.start]
        if first.isalnum() and last in "/._-=&?#:" and _URL_END.search(text, max(a.start, a.end - 300), a.end):
            return "glue"  # a URL or DOI broken at the line end, at a hyphen or not
        if first in "./" and text[b.start + 1 : b.start + 2].isalnum() and last.isalnum() and _URL_TAIL.search(text, max(a.start, a.end - 300), a.end):
            return "glue"  # ... or just before a dot or slash ("https://doi.org/10" / ".18637/jss.v092.i10")
        if last.isdigit() and _DOI_PREFIX_END.search(text, max(a.start, a.end - 40), a.end) and _DOI_PREFIX_REST.match(text, b.start, b.end):
            return "glue"  # ... or inside the registrant's number ("https://doi.org/10.555" / "5/2627435.2638586")
        if last == "\u00ad" and first.isalpha():
            return "dehyphenate"  # a soft hyphen is hyphenation by definition
        if last in "-\u2010" and first.isalpha():
            left = _hyphenated_word(text, a.start, a.end)
            if left:
                return "glue" if _keep_hyphen(left, text[b.start : b.start + 40], self.words) else "dehyphenate"
        if last in "-–" and first.isdigit() and _RANGE_END.search(text, max(a.start, a.end - 2), a.end):
            return "glue"  # "250–\n61"
        return "space"

    def block(self, lines: list[_Line], label_end: int | None = None) -> None:
        """Emit lines as one paragraph (or reference entry): joined, hyphenation undone."""
        run_start = lines[0].start
        if label_end is not None:
            self.emit(run_start, label_end)
            self.map.insert(".", label_end)  # "1 Smith J" -> "1. Smith J": a list label
            run_start = label_end
        for k in range(1, len(lines)):
            a, b = lines[k - 1], lines[k]
            kind = self.joint(a, b)
            if kind == "space" and b.start == a.end + 1:
                continue  # the newline becomes the space: one run, copied at once
            if kind == "dehyphenate":
                self.emit(run_start, a.end - 1)
            else:
                self.emit(run_start, a.end)
                if kind == "space":
                    self.map.put(" ", a.end)
            run_start = b.start
        self.emit(run_start, lines[-1].end)


def _paragraph_breaks(text: str, lines: list[_Line], width: int) -> list[bool]:
    """For each line, whether it starts a new paragraph (body text): after a blank line or a
    short line, unless the sentence runs on."""
    breaks = [True] * len(lines)
    short = 0.6 * width
    first = 0  # the current paragraph's first line
    for k in range(1, len(lines)):
        a, b = lines[k - 1], lines[k]
        lead = text[b.start]
        if text[a.end - 1] in "-\u2010\u00ad" and lead.isalpha() and (lead.islower() or not b.gap):
            breaks[k] = False
        elif b.gap or (width and (a.end - a.start) < short):
            before = text[max(a.start, a.end - 300) : a.end]
            tail = text[max(lines[first].start, a.end - 200) : a.end]
            breaks[k] = not _runs_on(before, text[b.start : b.start + 40], tail)
        else:
            breaks[k] = False
        if breaks[k]:
            first = k
    return breaks


def _typical_width(lines: list[_Line]) -> int:
    lengths = sorted(line.end - line.start for line in lines)
    if not lengths:
        return 0
    width = lengths[min(len(lengths) - 1, (len(lengths) * 9) // 10)]
    return width if width >= 20 else 0


# --- the reference section ----------------------------------------------------------------


def _label(text: str, line: _Line):
    m = _LABEL.match(text, line.start, line.end)
    if not m:
        return None
    return int(m.group("b") or m.group("n")), m


def _numbered_entries(text: str, lines: list[_Line]) -> list[tuple[list[int], tuple | None]] | None:
    """Entries by the numbering sequence, or None when the list is not numbered."""
    entries: list[tuple[list[int], tuple | None]] = []
    expected = None
    labelled = 0
    for k, line in enumerate(lines):
        found = _label(text, line)
        new = False
        if found:
            value, m = found
            punctuated = bool(m.group("b") or m.group("p"))
            if expected is None:
                new = value <= 3 or punctuated
            elif value == expected:
                new = punctuated or k == 0 or _ends_entry(text, lines[k - 1])
            elif punctuated and expected - 2 <= value <= expected + 5 and k and _ends_entry(text, lines[k - 1]):
                # ... unless it ends a page range the line before broke ("1995;19:22–" / "29.")
                prev = lines[k - 1]
                new = not _RANGE_END.search(text, max(prev.start, prev.end - 2), prev.end)
        if new:
            entries.append(([k], found))
            expected = found[0] + 1
            labelled += 1
        elif entries:
            entries[-1][0].append(k)
        else:
            entries.append(([k], None))
    if labelled < 2 or labelled * 7 < len(lines):
        return None
    return entries


# a given name's initial and the year: the end of an author list broken over lines ("..., &
# Blumenthal, K." / "M. (2007). Molecular ..."), never an entry's start
_INITIAL_THEN_YEAR = re.compile(r"\p{Lu}\.\s*\(?(?:1[5-9]|20)\d\d")


# a given name and its initial after a comma end the line: Chicago's author list goes on with
# the surname ("..., Erich F. Stocker, Dalia B." / "Kirschbaum, Ramesh Kakar, et al. 2017.")
_GIVEN_AND_INITIAL_END = re.compile(r",\s+\p{Lu}\p{Ll}+(?:\s+\p{Lu}\.)+$")


# two authors with initials open the line ("Gorgolewski, K. J., Auer, T., ..."): no URL goes on so
_TWO_NAMES = re.compile(rf"{_NAME},\s+(?:\p{{Lu}}\.[\s\-]?)+,\s+(?:&\s+)?{_NAME},\s+\p{{Lu}}\.")


def _ends_url(text: str, lines: list[_Line], k: int) -> bool:
    """Whether line ``k`` ends a URL: itself ("https://gymnasium.farama.org/"), or as the last
    piece of one broken after a separator on the line before ("http://github.com/jax-ml/" / "jax")."""
    a = lines[k]
    if _URL_END.search(text, max(a.start, a.end - 300), a.end):
        return True
    if k < 1 or " " in text[a.start : a.end]:
        return False
    p = lines[k - 1]
    return _URL_END.search(text, max(p.start, p.end - 300), p.end) is not None


def _starts_entry(text: str, lines: list[_Line], k: int) -> bool:
    """Line ``k`` looks like the first line of an unnumbered entry after a finished one."""
    a, b = lines[k - 1], lines[k]
    if _GIVEN_AND_INITIAL_END.search(text, max(a.start, a.end - 60), a.end):
        return False
    if not _ends_entry(text, a) and not _ends_url(text, lines, k - 1):
        return False
    if _runs_on_line(text, a):
        # a URL ends the line before, and a name with a year opens this one (or the line after
        # it): a URL runs on only into what cannot start an entry
        following = lines[k + 1] if k + 1 < len(lines) else b
        if not (_ends_url(text, lines, k - 1)
                and (_YEAR.search(text, b.start, b.end) or _YEAR.search(text, following.start, following.end)
                     or _TWO_NAMES.match(text, b.start, b.end))):
            return False
    return bool(_ENTRY_START.match(text, b.start, b.end)) and not _INITIAL_THEN_YEAR.match(text, b.start, b.end)


def _ends_entry(text: str, line: _Line) -> bool:
    """The line can end an entry: a period, a closing bracket, a number or an identifier ("…90288-X") last."""
    if text[line.end - 1] in ".)]>":
        return True
    token = text[max(line.start, line.end - 300) : line.end].rsplit(None, 1)[-1]
    return any(ch.isdigit() or ch in "./" for ch in token)


def _runs_on_line(text: str, line: _Line) -> bool:
    return _runs_on_end(text, line.start, line.end)


_BULLET = stdre.compile(r"[•◦▪‣∙●○■]\s+")  # a list's bullet before an entry ("• Babich A, Li S ...")


def _bullet_end(text: str, line: _Line) -> int | None:
    """Where the entry starts after a bullet that opens the line, or None."""
    m = _BULLET.match(text, line.start, line.end)
    return m.end() if m else None


def _unnumbered_entries(text: str, lines: list[_Line]) -> list[tuple[list[int], None]]:
    n = len(lines)
    if not n:
        return []
    bullets = [k for k in range(n) if _bullet_end(text, lines[k]) is not None]
    if len(bullets) >= 2 and len(bullets) * 7 >= n:
        # a bulleted list: every bullet starts an entry, whatever the lines between say
        entries = [[k] for k in range(bullets[0])] if bullets[0] else []
        for k in range(bullets[0], n):
            if k in bullets or not entries:
                entries.append([k])
            else:
                entries[-1].append(k)
        return [(entry, None) for entry in entries]
    indents = Counter(line.indent for line in lines)
    blank = sum(1 for line in lines[1:] if line.gap and not line.page_break)
    starts = [True] + [False] * (n - 1)
    hanging = None
    if len(indents) >= 2:
        low = min(indents)
        high = sum(c for i, c in indents.items() if i > low)
        if indents[low] * 5 >= n and high * 5 >= n:
            hanging = low
    candidates = [k == 0 or _starts_entry(text, lines, k) for k in range(n)]
    for k in range(1, n):
        line = lines[k]
        if hanging is not None:
            starts[k] = line.indent == hanging and not _runs_on_line(text, lines[k - 1])
        elif blank >= 2 and blank * 2 >= sum(candidates):
            starts[k] = (line.gap and not line.page_break) or (line.page_break and candidates[k])
        else:
            starts[k] = candidates[k]
    entries: list[list[int]] = []
    for k in range(n):
        if starts[k] or not entries:
            entries.append([k])
        else:
            entries[-1].append(k)
    if hanging is None:
        # an "entry" without a year is a journal line or a title's second sentence: it belongs before
        merged: list[list[int]] = []
        for entry in entries:
            has_year = any(_YEAR.search(text, lines[k].start, lines[k].end) for k in entry)
            if merged and not has_year and not (blank >= 2 and lines[entry[0]].gap and not lines[entry[0]].page_break):
                merged[-1].extend(entry)
            else:
                merged.append(entry)
        entries = merged
    return [(entry, None) for entry in entries]


# --- superscripts -------------------------------------------------------------------------


def _superscripts(text: str, body: list[_Line], top: int, entries: dict[int, str], words) -> dict[int, tuple[int, str]]:
    """Flattened superscript citations in body lines: digit start -> (digit end, text to insert before ``<sup>``).

    ``entries``: the text of each numbered entry by its label; ``words()``: the text's word counts.
    Only in a numbered document, and only numbers within its list, glued to:

    - a lower-case word ("previously12,13", "cells1–3"), or "al." ("Frosi et al.43"), that is
      a word of the text on its own too (not "bio1", "bio2"... only ever seen with numbers),
      not a unit or a counted thing ("km2", "log2", "day3"), and not the same glued token
      three times or more (a term, not a citation);
    - a capitalised word ("Jenkins9") only when that word is in the cited entry (an acronym
      ending in a capital, "IIED5", is not read: too many gene and protein names look so);
    - a closing parenthesis after a word ("(AUC)39").

    Taken together, they must cover a good share of the list (a quarter, at least three
    numbers) and outnumber bracketed numbers: a document cited with "[12]" has no flattened
    superscripts, and a stray "mice2" is not evidence enough.
    """
    if top <= 0 or not body:
        return {}
    found: list[tuple[int, int, str, str, str]] = []  # (start, end, key, before, lower-case word)
    glued: Counter = Counter()
    lo, hi = body[0].start, body[-1].end
    brackets = len(_BRACKET_NUMERIC.findall(text, lo, hi))
    starts = [line.start for line in body]
    for hit in _GLUED_AT.finditer(text, lo, hi):
        k = bisect.bisect_right(starts, hit.start()) - 1
        line = body[k]
        if hit.end() > line.end:
            continue  # on a dropped line, or across lines
        i = hit.start() - 1  # the letter, ")" or punctuation before the digit
        while i > line.start and not text[i].isalpha():
            i -= 1
        m = _GLUED.match(text, _word_start(text, i, line.start), line.end)
        if not m or m.start("num") != hit.start():
            continue
        word, close, punct, num = m.group("word"), m.group("close"), m.group("punct"), m.group("num")
        glued[word.lower()] += 1
        if m.start() > line.start and (text[m.start() - 1] in "-_/." or text[m.start() - 1].isdigit()):
            continue  # part of a longer token: "x/y2", "H3.3", "H3K27me3"
        after = text[m.end() : m.end() + 2]
        if after[:1] and not (after[:1].isspace() or (after[:1] in ".,;:)" and (after[1:2].isspace() or not after[1:2]))):
            continue
        numbers = _numbers(num)
        if not numbers or not all(1 <= x <= top for x in numbers):
            continue
        if close:
            if not punct and len(word) >= 2:
                found.append((m.start("num"), m.end("num"), f"){num}", " ", ""))
            continue
        if punct and (punct != "." or not word.islower()) and not after[:1].isspace():
            continue
        if not word.islower():
            if not punct and len(word) >= 3 and word in entries.get(numbers[0], ""):
                found.append((m.start("num"), m.end("num"), f"{word}{num}", "", ""))
            continue
        if word in _NOT_CITING_WORDS or len(word) < (2 if punct == "." else 3):
            continue
        found.append((m.start("num"), m.end("num"), f"{word}{num}", "", word))
    if not found:
        return {}
    repeats = Counter(key for _, _, key, _, _ in found)
    counts = words().counts if any(w for *_, w in found) else Counter()
    kept = [
        (s, e, before) for s, e, key, before, word in found
        if repeats[key] < 3 and (not word or word == "al" or glued[word] < 2 or counts[word] > 0)
    ]
    covered = {x for s, e, _ in kept for x in _numbers(text[s:e])}
    if len(covered) < max(3, top // 4) or brackets >= len(kept):
        return {}
    return {s: (e, before) for s, e, before in kept}


def _word_start(text: str, i: int, lo: int) -> int:
    """Where the word whose last letter is at ``i`` starts (not before ``lo``, at most 60 back)."""
    stop = max(lo, i - 60)
    while i > stop and text[i - 1].isalpha():
        i -= 1
    return i


def _numbers(num: str) -> list[int]:
    out: list[int] = []
    for part in num.split(","):
        bounds = [p for p in stdre.split(r"[–—-]", part) if p]
        if not bounds or not all(p.isdigit() for p in bounds):
            return []
        if len(bounds) == 1:
            out.append(int(bounds[0]))
        elif len(bounds) == 2 and int(bounds[0]) < int(bounds[1]) <= int(bounds[0]) + 50:
            out.extend(range(int(bounds[0]), int(bounds[1]) + 1))
        else:
            return []
    return out


# --- assembly -----------------------------------------------------------------------------


@dataclass
class Cleaned:
    """The cleaned text, its map back to the original, and what was found on the way."""

    map: OffsetMap
    dropped: int  # page furniture lines dropped
    numbered: bool
    top: int

    @property
    def text(self) -> str:
        return self.map.text


HEADING_MAX = 100  # a line longer than this is not a heading


def _reference_section(text: str, kept: list[_Line]) -> tuple[int, int] | None:
    """(heading line, end line) of the reference section among the kept lines, as the Markdown
    reader finds it: the last line that names a reference list, up to the next ``#`` heading.

    The Markdown reader looks at a compact view, one line per kept line (long lines as "x"):
    page furniture cannot be taken for the heading, and the view is small.
    """
    starts = []
    parts = []
    pos = 0
    for line in kept:
        starts.append(pos)
        part = text[line.start : line.end] if line.end - line.start <= HEADING_MAX else "x"
        parts.append(part)
        pos += len(part) + 1
    section = markdown.find_reference_section("\n".join(parts))
    if section is None:
        return None
    heading = bisect.bisect_right(starts, section.heading_start) - 1
    end = bisect.bisect_left(starts, section.end) if section.end < pos - 1 else len(kept)
    return heading, max(end, heading + 1)


HEADLESS_MINIMUM = 3  # entries a list without a heading needs
HEADLESS_SPACING = 6  # lines at most from one entry's start to the next's


def _headless_list(text: str, lines: list[_Line]) -> int | None:
    """Where a reference list that has no heading starts (a JOSS draft's list after its last
    paragraph; a heading set as an image): the document ends with at least three entries,
    each starting a line after one that can end an entry ("Andersson, C., Åkesson, J., &
    Führer, C. (2016). ...", "1. Smith J. ...") with a year in its first two lines, one at most
    six lines after the other, the last of them near the end."""
    n = len(lines)

    def starts_entry(k: int) -> bool:
        line = lines[k]
        opened = _ENTRY_START.match(text, line.start, line.end) or ((found := _label(text, line)) and (found[1].group("b") or found[1].group("p")))
        return bool(opened) and _ends_entry(text, lines[k - 1]) and any(
            _YEAR.search(text, lines[j].start, lines[j].end) for j in range(k, min(n, k + 2)))

    chain: list[int] = []
    k = n - 1
    while k >= 1 and (not chain or chain[-1] - k <= HEADLESS_SPACING) and (chain or n - k <= HEADLESS_SPACING):
        if starts_entry(k):
            chain.append(k)
        k -= 1
    return chain[-1] if len(chain) >= HEADLESS_MINIMUM else None


def clean(text: str) -> Cleaned:
    """The text with page furniture dropped, lines unwrapped, hyphenation and page breaks undone."""
    raw_lines, feeds = _lines(text)
    dropped = _furniture(text, raw_lines, feeds)
    kept: list[_Line] = []
    gap = brk = False
    for i, (s, e, line_start) in enumerate(raw_lines):
        if i in feeds:
            brk = True
        if i in dropped:
            gap = brk = True
            continue
        if s == e:
            gap = True
            continue
        kept.append(_Line(s, e, s - line_start, gap and bool(kept), brk and bool(kept)))
        gap = brk = False
    section = _reference_section(text, kept) if kept else None
    headless = _headless_list(text, kept) if kept and section is None else None
    if headless is not None:  # a list without a heading at the document's end: as if "References" stood before it
        section = (headless - 1, len(kept))
    heading = section[0] if section else None
    body = kept if heading is None else kept[: heading + (headless is not None)]
    refs: list[_Line] = kept[heading + 1 : section[1]] if section else []
    after: list[_Line] = kept[section[1] :] if section else []
    entries = _numbered_entries(text, refs) if refs else None
    numbered = entries is not None
    if entries is None:
        entries = _unnumbered_entries(text, refs)
    top = max((found[0] for _, found in entries if found), default=0) if numbered else 0

    out = _Builder(text)
    if numbered:
        labels = {found[0]: text[refs[entry[0]].start : refs[entry[-1]].end] for entry, found in entries if found}
        out.set_sups(_superscripts(text, body, top, labels, lambda: out.words))
    width = _typical_width(kept)

    def paragraphs(block: list[_Line]) -> None:
        breaks = _paragraph_breaks(text, block, width)
        k = 0
        while k < len(block):
            j = k + 1
            while j < len(block) and not breaks[j]:
                j += 1
            if len(out.map):
                out.map.insert("\n\n", block[k].start)
            out.block(block[k:j])
            k = j

    paragraphs(body)
    if heading is not None:
        out.set_sups({})
        if headless is not None:
            out.map.insert("\n\n## References" if len(out.map) else "## References", refs[0].start)
        else:
            h = kept[heading]
            if len(out.map):
                out.map.insert("\n\n", h.start)
            out.emit(h.start, h.end)
        for entry, found in entries:
            first = refs[entry[0]]
            out.map.insert("\n\n", first.start)
            label_end = None
            if found and not (found[1].group("b") or found[1].group("p")):
                label_end = found[1].end("n")
            elif not found and (bullet := _bullet_end(text, first)) is not None:
                # "• Babich A, ...": the entry starts after its bullet (the line from there on)
                out.block([_Line(bullet, first.end, first.indent), *(refs[k] for k in entry[1:])])
                continue
            out.block([refs[k] for k in entry], label_end)
        paragraphs(after)
    if kept:
        out.map.insert("\n", kept[-1].end)
    return Cleaned(out.map, len(dropped), numbered, top)


def read(source: Source) -> Manuscript:
    """Read PDF-extracted plain text: clean it, read the copy as Markdown, map the spans back."""
    cleaned = clean(source.text)
    manuscript = markdown.read(Source(source.path, cleaned.text, source.format))
    return remap_manuscript(manuscript, source, cleaned.map.start, cleaned.map.end)
