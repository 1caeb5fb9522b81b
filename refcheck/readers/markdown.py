"""Read a Markdown manuscript: body citations, the reference section, document metadata.

The reader never changes offsets: it builds a *masked* copy of the text (same length, markup
blanked) and runs the citation grammar on that, so every Span points into the original file.
"""

from __future__ import annotations

import bisect
import re as stdre
from dataclasses import dataclass

import regex as re

from refcheck.lazyre import lazy

from refcheck import background
from refcheck.model import Manuscript, Source
from refcheck.readers import citations as grammar
from refcheck.readers.metadata import front_matter, front_matter_date, read_metadata
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
_INLINE_CODE = lazy(r"(`+)(?!`).+?(?<!`)\1", re.S)  # what _inline_code matches (kept for the tests' comparison)
_COMMENT = lazy(r"<!--.*?(?:-->|\Z)", re.S)
_REFS_DIV = stdre.compile(r"""<div\b[^>\n]*\bid\s*=\s*["']?refs\b|^[ \t]{0,3}:{3,}[ \t]*\{[^}\n]*#refs\b""", stdre.M)
_DIV_FENCE = stdre.compile(r"^[ \t]{0,3}:{3,}[^\n]*+$", stdre.M)  # pandoc fenced divs (`::: {#refs}`): markup, not text
_FRONT_MATTER = lazy(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_LINK_TARGET = lazy(r"(?<=\])\([^()\s]*(?:\s+\"[^\"]*\")?\)|(?<=\]):\s*\S+")
# URLs and DOIs may hold balanced parentheses, but a ")" they do not open closes the citation around them
_URLISH = r"[^\s<>\[\]()]+(?:\([^\s()]*\)[^\s<>\[\]()]*)*"
_URLS = tuple(  # one pattern each: combined into one alternation they scan several times slower
    re.compile(p)
    for p in (rf"\b(?:https?|ftp)://{_URLISH}", rf"\bwww\.{_URLISH}", rf"\b10\.\d{{4,9}}/{_URLISH}", r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
)
_FOOTNOTE_REF = lazy(r"\[\^[^\]\s]+\]")  # what _footnote_refs matches
_SUBSCRIPT = lazy(r"<sub>.*?</sub>", re.S)  # what _subscripts matches
_TAG = lazy(r"</?(?!sup\b|/sup\b)[A-Za-z][^<>\n]{0,200}>")
_EMPHASIS = lazy(r"\*+|(?<![\p{L}\d])_+|_+(?![\p{L}\d])|\\(?=[\[\]()*_`@])")

_SECTION_NAMES = (
    "references|reference list|references cited|literature cited|literature|bibliography|"
    "works cited|cited literature|citations|sources|references and notes|notes and references|"
    # Portuguese, Spanish, French, German, Italian
    "referências|referências bibliográficas|referencias|referencias bibliográficas|bibliografia|bibliografía|"
    "références|références bibliographiques|bibliographie|literatur|literaturverzeichnis|riferimenti bibliografici"
)
_SECTION = stdre.compile(
    rf"^[ \t]{{0,3}}(?P<hashes>#{{1,6}}[ \t]+)?(?:[*_]{{1,3}})?[ \t]*(?:\d+\.?[ \t]+)?(?:{_SECTION_NAMES})[ \t]*:?[ \t]*(?:[*_]{{1,3}})?[ \t]*:?[ \t]*(?:\{{[^{{}}\n]*+\}}[ \t]*)?$",
    stdre.I | stdre.M,
)
_HEADING = lazy(r"^[ \t]{0,3}(#{1,6})[ \t]+\S", re.M)
# a narrative key citation as pandoc reads one (@key, -@key, @{key}): "@" after a blank or an
# opening bracket, not inside a word (an e-mail address) or a path
_NARRATIVE_KEY = lazy(r"(?:^|(?<=[\s(\[]))-?@(?:\{|[A-Za-z0-9_])", re.M)
_LABEL = lazy(r"^[ \t]{0,3}(?:[-*+][ \t]+)?(?:\*\*|__)?[ \t]*(?:\[(?P<b>\d{1,5})\]|(?P<n>\d{1,5})[.)])(?:\*\*|__)?[ \t]+(?=\S)", re.M)
_BULLET = lazy(r"^[ \t]{0,3}[-*+][ \t]+(?=\S)", re.M)
_ENTRY_START = lazy(r"^(?:\*\*|__|\*)?\p{Lu}[\p{L}'’\-]+,?\s+(?:\p{Lu}|[\p{L}'’\-]+,)")
_YEARISH = lazy(r"(?<!\d)(?:1[5-9]|20)\d\d(?!\d)|n\.\s?d\.")


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


_FOOTNOTE_STOP = lazy(r"[\]\s]")


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


# --- pandoc's reading, for key citations -------------------------------------------------
#
# Key citations are read as pandoc reads them (its Markdown reader, 2.17+): an ``@`` counts only
# where pandoc parses inline text. ``pandoc_mask`` blanks, in a same-length copy, everything that
# pandoc does not parse as inline text (YAML metadata blocks, fenced and indented code, code spans,
# math, raw HTML and LaTeX, comments, autolinks, link destinations and reference-definition URLs,
# backslash escapes) and the markers of example lists, whose labels (``(@good)``) are then not
# citations anywhere. The grammar (citations.find_pandoc_keys) runs on that copy.

_PD_LINE_BLANK = stdre.compile(r"[ \t]*")
_PD_FENCE = stdre.compile(r"([ \t]*)(`{3,}|~{3,})([^\n]*)")
# a list item's marker; not "p. 33" (a page), nor "A. Smith" (an initial: capitals with a period take two spaces)
_PD_LIST = lazy(
    r"([ \t]*)(?!p\.[ \t]\d)(?:[-*+]|\d{1,9}[.)]|\(\d{1,9}\)|#[.)]|\p{Ll}[.)]|\p{Lu}\)|\p{Lu}\.(?=[ \t]{2}|$)|\(\p{L}\)|:|~|\[\^[^\]\s]+\]:)([ \t]+|$)"
)
_PD_EXAMPLE = lazy(r"[ \t]{0,3}(\(@(?P<a>(?:[\p{L}\p{N}]++|[_-][\p{L}\p{N}]++)*+)\)|@(?P<b>(?:[\p{L}\p{N}]++|[_-][\p{L}\p{N}]++)*+)[.)])(?:[ \t]+|$)")
_PD_DEFINITION = lazy(r"[ ]{0,3}\[(?!\^)(?P<label>[^\[\]\n]{1,999})\]:(?=[ \t]|$)")
_PD_CITE_PART = lazy(r"(?<![\p{L}\p{N}.\\])-?@(?:[\p{L}\p{N}_*]|\{\S)")
_PD_ATX = stdre.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]|$)")
_PD_YAML_KEY = stdre.compile(r"[A-Za-z0-9_][\w.-]*[ \t]*:")


def _indent(line: str) -> int:
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _pandoc_blocks(text: str, yaml: list[tuple[int, int]] | None = None) -> tuple[list[tuple[int, int]], set[str], list[int]]:
    """Ranges pandoc does not read as inline text at the block level, the example-list labels, and
    the offsets of "<!--" that open no comment (the list item they are in ends before their "-->").
    ``yaml``, if given, receives the YAML metadata blocks' ranges."""
    ranges: list[tuple[int, int]] = []
    examples: set[str] = set()
    lines = text.split("\n")
    starts = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    count = len(lines)
    blank = [not line.strip(" \t") for line in lines]
    fences: dict[str, list[tuple[int, int, int]]] = {"`": [], "~": []}  # lines that can close a fence
    for number, line in enumerate(lines):
        if line.lstrip(" \t")[:1] in ("`", "~"):
            close = _PD_FENCE.fullmatch(line)
            if close and not close.group(3).strip(" \t"):
                fences[close.group(2)[0]].append((number, len(close.group(2)), _indent(close.group(1))))
    unclosed: dict[str, int] = {}
    comment_end = -2  # the last "-->" found (-1: none after it)
    literal: list[int] = []  # "<!--" that open no comment
    i = 0
    prev_blank = True  # the start of the text is a block start
    prev_kind = "start"  # start | para | heading | fence | definition | item
    list_indent: int | None = None  # content indent of the list item the text is in
    code_open = 0  # backticks of an inline code span the paragraph opened and has not closed
    while i < count:
        line = lines[i]
        start = starts[i]
        if blank[i]:
            prev_blank = True
            code_open = 0
            i += 1
            continue
        block_start = prev_blank or prev_kind in ("start", "heading", "fence", "definition")
        indent = _indent(line)
        if list_indent is not None and prev_blank and indent < list_indent and not _PD_LIST.match(line):
            list_indent = None
        # YAML metadata: at the start, or after a blank line when it reads as a mapping
        if line.rstrip(" \t") == "---" and (i == 0 or prev_blank) and i + 1 < count and not blank[i + 1] and (
            i == 0 or _PD_YAML_KEY.match(lines[i + 1])
        ):
            end = next((j for j in range(i + 1, count) if lines[j].rstrip(" \t") in ("---", "...")), None)
            if end is not None:
                ranges.append((start, starts[end] + len(lines[end])))
                if yaml is not None:
                    yaml.append(ranges[-1])
                i, prev_blank, prev_kind = end + 1, False, "fence"
                continue
        fence = _PD_FENCE.fullmatch(line)
        if fence and not prev_blank and code_open == len(fence.group(2)) and fence.group(2)[0] == "`":
            fence = None  # it closes the code span the paragraph opened (pandoc reads inline code first)
        limit = 3 if list_indent is None else list_indent + 3
        if fence and _indent(fence.group(1)) <= limit and not (fence.group(2)[0] == "`" and "`" in fence.group(3)) and (
            fence.group(2)[0] == "`" or block_start
        ):
            char, length = fence.group(2)[0], len(fence.group(2))
            end = None  # pandoc reads an unclosed fence as text
            if length < unclosed.get(char, length + 1):
                closers = fences[char]
                for k in range(bisect.bisect_right(closers, (i, 1 << 30)), len(closers)):
                    j, close_length, close_indent = closers[k]
                    if close_length >= length and close_indent <= limit:
                        end = j
                        break
                else:
                    unclosed[char] = length  # no fence this long closes after here: the same for any later one
            if end is not None:
                ranges.append((start, starts[end] + len(lines[end])))
                i, prev_blank, prev_kind = end + 1, False, "fence"
                continue
        code_indent = 4 if list_indent is None else list_indent + 4
        if indent >= code_indent and prev_blank:
            # an indented code block: this line and the following indented or blank lines
            j = i
            last = i
            while j < count and (blank[j] or _indent(lines[j]) >= code_indent):
                if not blank[j]:
                    last = j
                j += 1
            ranges.append((start, starts[last] + len(lines[last])))
            i, prev_blank, prev_kind = last + 1, False, "fence"
            continue
        if block_start or prev_kind == "item":
            example = _PD_EXAMPLE.match(line)
            if example:
                label = example.group("a") if example.group("a") is not None else example.group("b")
                if label:
                    examples.add(label)
                ranges.append((start + example.start(1), start + example.end(1)))
        item = _PD_LIST.match(line)
        item = item if item and (block_start or prev_kind == "item" or list_indent is not None) else None
        if block_start or item:
            definition = _PD_DEFINITION.match(line, item.end() if item else 0)
            # "[@a; @b]: text" is a citation (Manubot's tag definitions are); "[@a; text]: url" a link definition
            if definition and not all(_PD_CITE_PART.search(part) for part in definition.group("label").split(";")):
                ranges.append((start + definition.start(), start + len(line)))  # the label is no inline text either
                prev_blank, prev_kind = False, "definition"
                i += 1
                continue
        if item:
            spaces = item.group(2)
            list_indent = item.end() if spaces and len(spaces) <= 4 else item.start(2) + 1
            prev_kind = "item"
        elif _PD_ATX.match(line):
            prev_kind = "heading"
        elif block_start or prev_kind != "item":
            prev_kind = "para"
        if prev_kind == "heading":
            code_open = 0
        elif "`" in line:
            for run in _PD_BACKTICKS.finditer(line):
                length = run.end() - run.start()
                code_open = length if not code_open else (0 if length == code_open else code_open)
        prev_blank = False
        i += 1
        opened = line.find("<!--")
        while opened != -1 and (closed := line.find("-->", opened + 4)) != -1:
            opened = line.find("<!--", closed + 3)  # "<!----><!--@x": the first closes on its line, the second runs on
        if opened != -1 and line.count("`", 0, opened) % 2 == 0:
            # a comment runs to its "-->" across blank lines, whatever the lines between look like:
            # they are no code block (the inline pass blanks the comment, unless math or code holds it)
            if comment_end != -1 and comment_end < start + opened + 4:
                comment_end = text.find("-->", start + opened + 4)
            if comment_end > start + len(line):
                end_line = bisect.bisect_right(starts, comment_end) - 1
                quoted = line.lstrip(" ")[:1] == ">"  # a block quote ends at a blank line, and its text there
                if quoted and any(blank[i:end_line]):
                    literal.append(start + opened)
                elif list_indent is not None and prev_kind != "item" and any(
                    blank[j - 1] and not blank[j] and _indent(lines[j]) < list_indent and not _PD_LIST.match(lines[j])
                    for j in range(i, min(end_line + 1, i + 2000))
                ):
                    literal.append(start + opened)  # the list item ends first: its text holds an unclosed comment
                else:
                    i = end_line + 1
    return ranges, examples, literal


# "@" only where a key holds what would read as markup ("$", "<", anything in braces): the pass
# steps over those keys; other keys it can leave to the grammar
_PD_SPECIAL = stdre.compile(r"[`$\\<\]]|\[+|@(?=\{[^\s{}]{0,100}?[$<`\\\[\]]|[\w*][\w:.#%&+?>~/-]*+[$<])")
_PD_BACKTICKS = stdre.compile(r"`+")
_PD_PARAGRAPH_END = stdre.compile(r"\n[ \t]*(?=\n|\Z)")
# possessive throughout: an attribute is whitespace then a name, so iterations never share characters
_PD_TAG = lazy(
    r"</?[A-Za-z][A-Za-z0-9-]*+(?>\s++[^\s\"'<>/=]++(?>\s*+=\s*+(?>\"[^\"]{0,2000}+\"|'[^']{0,2000}+'|[^\s\"'=<>`]++))?+)*+\s*+/?>"
)
_PD_AUTOLINK = lazy(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*+|[^\s<>@\\]++@[^\s<>@\\]++)>")
_PD_TEX = stdre.compile(r"\\[A-Za-z@]+\*?")
_PD_NO_OPTIONS = frozenset("emph textbf textit texttt textsc textrm textsf textup textmd underline url ref eqref label mbox text "
                           "textsuperscript textsubscript".split())
# commands pandoc's LaTeX reader knows and reads the arguments of (unknown ones pass through raw)
_PD_KNOWN = (_PD_NO_OPTIONS - {"ref", "eqref", "label", "url"}) | frozenset(
    "cite citep citet citealp parencite textcite autocite footnote textcolor section subsection caption".split())
_PD_DOLLAR = stdre.compile(r"(?<!\\)\$")
_PD_PARAMETER = stdre.compile(r"(?<!\\)#\d")
_PD_OPTION_END = stdre.compile(r"\\.|%[^\n]*|\]", stdre.S)
_PD_ENV = stdre.compile(r"[ \t]*\{([A-Za-z@*]+)\}")
_PD_RAW_TAG = stdre.compile(r"<(pre|script|style|textarea)(?=[\s>])", stdre.I)
_PD_RAW_CLOSE = {name: stdre.compile(rf"</{name}\s*>", stdre.I) for name in ("pre", "script", "style", "textarea")}


class _Inline:
    """The inline pass of pandoc_mask over text whose code blocks are already blanked."""

    def __init__(self, text: str, literal: frozenset[int] = frozenset()):
        self.text = text
        self.literal = literal  # "<!--" that are text
        self.ends = [m.start() for m in _PD_PARAGRAPH_END.finditer(text)]
        runs: dict[int, list[int]] = {}
        for m in _PD_BACKTICKS.finditer(text):
            runs.setdefault(m.end() - m.start(), []).append(m.start())
        self.runs = runs
        self.lengths = sorted(runs, reverse=True)
        self.comment_end = -2  # the last "-->" found (-1: none after it)
        self.raw_end: dict[str, int] = {}  # the same for "</pre>" and the like
        self.open: list[int] = []  # "[" not closed yet, in the paragraph that ends at open_until
        self.open_until = -1
        self.links: list[tuple[int, int]] = []  # (where its "[" is, index of its destination in ranges)
        self.env_end: dict[str, int] = {}  # the last "\\end{name}" found, by name (-1: none after it)
        self.scans = grammar.Scans(len(text))
        self.ranges: list[tuple[int, int]] = []

    def paragraph_end(self, pos: int) -> int:
        i = bisect.bisect_left(self.ends, pos)
        return self.ends[i] if i < len(self.ends) else len(self.text)

    def run(self) -> list[tuple[int, int]]:
        text = self.text
        pos = 0
        while True:
            m = _PD_SPECIAL.search(text, pos)
            if m is None:
                return self.ranges
            p = m.start()
            ch = text[p]
            if ch == "`":
                pos = self.code(p)
            elif ch == "$":
                pos = self.math(p)
            elif ch == "\\":
                pos = self.backslash(p)
            elif ch == "<":
                pos = self.angle(p)
            elif ch == "@":
                pos = self.key(p)
            elif ch == "[":
                if p > self.open_until:
                    self.open.clear()  # brackets do not reach across paragraphs
                    self.open_until = self.paragraph_end(p)
                pos = m.end()
                self.open.extend(range(p, pos))
            else:
                pos = self.close_bracket(p)

    def close_bracket(self, p: int) -> int:
        """A "]" closing an open "[" and followed by "(": a link, whose destination is blanked."""
        if not self.open or p > self.open_until:
            self.open.clear()
            return p + 1
        opened = self.open.pop()
        text = self.text
        if text[p + 1 : p + 2] != "(" or text[opened - 1 : opened] == "]":
            return p + 1  # no destination; "[text][](...)": the "[]" ends a reference link
        close = self.scans.closing(text, p + 1, self.paragraph_end(p))
        if close is None:
            return p + 1
        while self.links and self.links[-1][0] > opened:
            # a link inside a link's text is none (pandoc allows no links there): its "(...)" is text
            self.ranges[self.links.pop()[1]] = (0, 0)
        self.links.append((opened, len(self.ranges)))
        self.ranges.append((p + 2, close))
        return close + 1

    def code(self, p: int) -> int:
        """A code span closes at the next run of exactly as many backticks, in the same paragraph;
        failing that the first backtick is literal and the rest of the run opens (pandoc's ``code``)."""
        n = _PD_BACKTICKS.match(self.text, p).end() - p
        run_end = p + n
        limit = self.paragraph_end(p)
        for length in self.lengths:  # longest first: the opening loses one backtick per failure
            if length > n:
                continue
            starts = self.runs[length]
            i = bisect.bisect_left(starts, run_end)
            if i < len(starts) and starts[i] < limit:
                close = starts[i] + length
                self.ranges.append((run_end - length, close))
                return close
        return run_end

    def math(self, p: int) -> int:
        text = self.text
        limit = self.paragraph_end(p)
        # the content may not start with the closing delimiter (pandoc's many1Till)
        if text.startswith("$$", p) and not text.startswith("$$", p + 2):
            close = text.find("$$", p + 3, limit)
            if close != -1:
                self.ranges.append((p, close + 2))
                return close + 2
        n = len(text)
        i = p + 1
        if i >= n or text[i].isspace() or text[i] == "$":
            return p + 1
        while i < n:
            ch = text[i]
            if ch == "$":
                if i + 1 < n and text[i + 1].isdigit():
                    return p + 1
                self.ranges.append((p, i + 1))
                return i + 1
            if ch == "\\":
                if text.startswith("\\text{", i):
                    close = self.scans.closing(text, i + 5, limit)
                    i = i + 6 if close is None else close + 1
                else:
                    i += 2
            elif ch in " \t\n\r":
                j = i
                while j < n and text[j] in " \t":
                    j += 1
                if j < n and text[j] == "\n":
                    if j >= limit:
                        return p + 1  # a blank line ends the paragraph, and the math
                    j += 1
                if j < n and text[j] == "$":
                    return p + 1  # no space before the closing "$"
                i = j if j > i else i + 1  # (a "\r" is passed over: it stood still here, forever)
            else:
                i += 1
        return p + 1

    def backslash(self, p: int) -> int:
        text = self.text
        nxt = text[p + 1 : p + 2]
        if nxt.isascii() and nxt.isalpha():
            return self.tex(p)
        if nxt and nxt != "\n" and not nxt.isalnum():
            self.ranges.append((p, p + 2))  # an escaped character is literal text
            return p + 2
        return p + 1

    def tex(self, p: int) -> int:
        """A raw LaTeX command with its arguments, or a whole environment."""
        text = self.text
        m = _PD_TEX.match(text, p)
        end = m.end()
        limit = len(text)  # pandoc reads LaTeX arguments across blank lines too
        if m.group() == "\\begin":
            env = _PD_ENV.match(text, end)
            if env:
                name = env.group(1)
                close = self.env_end.get(name, -2)
                if close != -1 and close < env.end():  # the last one found is behind: look again (none then, none later)
                    close = self.env_end[name] = text.find(f"\\end{{{name}}}", env.end())
                if close != -1:
                    end = close + len(env.group(1)) + 6
                    self.ranges.append((p, end))
                    return end
        # its arguments: after blanks, "[...]" options (for commands not known to take none), then
        # "{...}" groups written together ("\foo{x} {y}": the second is text, as for pandoc)
        k = end
        while k < len(text) and text[k] in " \t":
            k += 1
        options = m.group()[1:].rstrip("*") not in _PD_NO_OPTIONS
        if not options and k < len(text) and text[k] not in "{\n":
            # "\emph [": an argument that is one token, as TeX reads it (a character or a control sequence)
            command = _PD_TEX.match(text, k) if text[k] == "\\" else None
            end = command.end() if command else k + 1 + (text[k] == "\\" and k + 1 < len(text))
            self.ranges.append((p, end))
            return end
        while k < len(text) and (text[k] == "{" or (options and text[k] == "[")):
            if text[k] == "[":  # an option ends at the first "]" (not "\]"), as TeX reads it
                close = None
                stop = self.scans.limit(k, limit)
                for found in _PD_OPTION_END.finditer(text, k, stop):
                    if found.group() == "]":
                        close = found.start()
                        break
                self.scans.left -= (stop if close is None else close) - k
            else:
                close = self.scans.closing(text, k, limit, tex=True)
            if close is None:
                break
            options = options and text[k] == "["
            end = k = close + 1
        if m.group()[1:].rstrip("*") in _PD_KNOWN and (
            _PD_PARAMETER.search(text, m.end(), end) or len(_PD_DOLLAR.findall(text, m.end(), end)) % 2
        ):
            return p + 1  # "\textbf{x#1}", "\emph{x$y}": pandoc reads the argument as LaTeX, which fails
        self.ranges.append((p, end))
        return end

    def angle(self, p: int) -> int:
        text = self.text
        if text.startswith("<!--", p) and p not in self.literal:
            if self.comment_end != -1 and self.comment_end < p + 4:
                self.comment_end = text.find("-->", p + 4)
            if self.comment_end == -1:
                return p + 1  # an unclosed comment is text
            end = self.comment_end + 3
            self.ranges.append((p, end))
            return end
        m = _PD_AUTOLINK.match(text, p) or _PD_TAG.match(text, p)
        if m is None:
            return p + 1
        end = m.end()
        raw = _PD_RAW_TAG.match(text, p)
        if raw:
            name = raw.group(1).lower()
            close = self.raw_end.get(name, -2)
            if close != -1 and close < end:
                found = _PD_RAW_CLOSE[name].search(text, end)
                close = self.raw_end[name] = found.end() if found else -1
            if close != -1:
                end = close
        self.ranges.append((p, end))
        return end

    def key(self, p: int) -> int:
        """Step over a citation key, so that what it holds ("$", "<", "/") is not read as markup."""
        text = self.text
        word = p
        while word > max(0, p - 200) and (text[word - 1].isalnum() or text[word - 1] in "_-:.#$%&+?<>~/"):
            word -= 1
        after_label = text[word - 1 : word] == "@"  # "x@y@z", "@a/b@c": a label or key before, no word (approximately)
        end = None if not after_label and grammar.after_string(text, p, 0) else grammar.key_end(text, p, len(text), self.scans)
        if end is None:  # "@label", an example reference: the label is no word either
            label = grammar.EXAMPLE_LABEL.match(text, p + 1)
            end = label.end() if label else p + 1
        return end


def _blank_ranges(text: str, ranges: list[tuple[int, int]], keep: str = "") -> str:
    """``text`` with ``ranges`` blanked (newlines kept, and the characters of ``keep``)."""
    if not ranges:
        return text
    pieces: list[str] = []
    pos = 0
    for start, end in sorted(ranges):
        if end <= pos:
            continue
        start = max(start, pos)
        pieces.append(text[pos:start])
        blank = _blank_text(text[start:end])
        if keep:
            blank = "".join(ch if ch in keep else b for ch, b in zip(text[start:end], blank))
        pieces.append(blank)
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def pandoc_mask(text: str) -> tuple[str, frozenset[str]]:
    """A same-length copy with what pandoc does not read as inline text blanked, and the labels of
    example-list items (``(@good)``), which are not citations.

    >>> pandoc_mask("See `[@a]` and $x@b$ but [@c].")[0]
    'See        and       but [@c].'
    """
    ranges, examples, literal = _pandoc_blocks(text)
    blocked = _blank_ranges(text, ranges)
    return _blank_ranges(blocked, _Inline(blocked, frozenset(literal)).run()), frozenset(examples)


@dataclass(frozen=True)
class Section:
    heading_start: int
    start: int
    end: int


def _dated_list(masked: str, start: int, end: int) -> bool:
    """Whether a section reads as a list of works despite an "@" in it ("ETDs @PUC-Rio"): at least
    three paragraphs, nearly all dated, and few with an "@"."""
    paragraphs = [p for p in re.split(r"\n[ \t]*\n", masked[start:end]) if p.strip()]
    keyed = sum(1 for p in paragraphs if "[@" in p or _NARRATIVE_KEY.search(p))
    dated = sum(1 for p in paragraphs if _YEARISH.search(p))
    return len(paragraphs) >= 3 and dated * 10 >= len(paragraphs) * 8 and keyed * 4 <= len(paragraphs)


def find_reference_section(masked: str) -> Section | None:
    """The last heading or line that names a reference list, up to the next heading of its level;
    a section whose text cites by key (``[@key]``) is prose about citations, not a list."""
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
        if ("[@" in masked[start:end] or _NARRATIVE_KEY.search(masked, start, end)) and not _dated_list(masked, start, end):
            continue  # text citing by key ("## Citations" in a guide, "... below for @fidgit."): a list cites nothing
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


# the article's own label after the list's: "1. 1. Siegel RL", "1. [1] W. Callister", "1. 1 Pons JP", "1. 1 32. Centers"
_SECOND_LABEL = lazy(r"(?:\*\*|__)?(?:\[(?P<b>\d{1,4})\]|(?P<n>\d{1,4})(?P<dot>[.)])?)(?:\*\*|__)?[ \t]+(?=\S)")


def _doubled_labels(text: str, lines: list[tuple[int, int]], labelled: list) -> bool:
    """Whether a numbered list prints each entry's label again after the list's own ("1. 1. Siegel RL"):
    half its entries or more repeat their label so."""
    repeated = 0
    for (_, e), m in zip(lines, labelled):
        if m and (second := _SECOND_LABEL.match(text, m.end(), e)) and (second.group("b") or second.group("n")) == (m.group("b") or m.group("n")):
            repeated += 1
    return repeated * 2 >= sum(1 for m in labelled if m)


def _printed_label(text: str, start: int, end: int, label: str) -> tuple[int, str]:
    """In a list with doubled labels, where an entry starts after its labels, and the label the text
    cites it by: the last printed one ("1. 1 32. Centers..." is entry 32, numbered anew by the
    conversion). A printed label is bracketed, ends in "." or ")", or repeats the one before; not a
    year ("12. 2019. WHO report")."""
    while m := _SECOND_LABEL.match(text, start, end):
        printed = m.group("b") or m.group("n")
        if not (m.group("b") or m.group("dot") or int(printed) == int(label)):
            break
        if printed != label and _YEARISH.fullmatch(printed) and not m.group("b"):
            break  # "12. 2019. WHO report": a year
        start, label = m.end(), printed
    return start, label


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
        doubled = _doubled_labels(text, nonblank, labelled)
        for (s, e), m in zip(nonblank, labelled):
            if m:
                label = m.group("b") or m.group("n")
                start, label = _printed_label(text, m.end(), e, label) if doubled else (m.end(), label)
                entries.append([start, e, label])
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


# Manubot aliases, Markdown link-reference style: "[@tag:avasthi-preprints]: doi:10.7554/eLife.38532", or
# without the tag: prefix ("[@deep-review]: doi:10.1098/rsif.2017.0387"); to pandoc a link definition, never a citation
_TAG_DEFINITION = stdre.compile(r"^[ \t]{0,3}\[@([^\]\s]+)\]:[ \t]*(\S+)", stdre.M)


def tag_definitions(text: str) -> dict[int, tuple[str, str]]:
    """Offset of each ``[@name]: target`` definition -> (``name``, target)."""
    if "[@" not in text:
        return {}
    return {m.start(): (m.group(1), m.group(2)) for m in _TAG_DEFINITION.finditer(text)}


def key_citations(text: str, regions: tuple[tuple[int, int], ...], skip: frozenset[int] = frozenset()) -> list:
    """Key citations (``[@key]``, ``@key``) found in ``regions`` of ``text`` as pandoc reads them.

    ``skip``: offsets where something that looks like a citation is a definition (Manubot tags).
    """
    if "@" not in text:
        return []
    keys_masked, examples = pandoc_mask(text)
    return [f for lo, hi in regions for f in grammar.find_pandoc_keys(keys_masked, lo, hi, examples) if f.start not in skip]


GLUED_MINIMUM = 5  # glued citation numbers a text needs before any is read as one


# "[a, b]" as a range of values: the sentence says so, or holds another bracketed pair of decimals
_PAIR = stdre.compile(r"\[\s*(\d+)\s*,\s*(\d+)\s*\]")
_INTERVAL_WORDS = stdre.compile(r"\b(?:ranges?|interval|intervals|between|bounds?|limits?)\b|\[\s*-?\d*\.\d+\s*,\s*-?\d*\.\d+\s*\]", stdre.I)


def _interval(masked: str, f, top: int) -> bool:
    """A bracketed pair whose second number is past the list's end, in a sentence about ranges
    (`the inferred ranges ... are [5, 80]` in a list of 53; `the prior range [0.01, 0.25]`): an
    interval of values, not citations of entries 5 and 80."""
    if f.style != "numeric" or "[" not in masked[f.start : f.start + 2]:
        return False
    pair = _PAIR.fullmatch(masked, f.start, f.end)
    if pair is None or int(pair.group(2)) <= top or int(pair.group(1)) >= int(pair.group(2)):
        return False
    sentence = masked[max(0, f.start - 160) : f.start].rsplit(". ", 1)[-1]
    return _INTERVAL_WORDS.search(sentence) is not None


def citations_in(source: Source, masked: str, body_end: int, numbered: bool, top: int, skip: frozenset[int] = frozenset(),
                 key_regions: tuple[tuple[int, int], ...] | None = None, extra: tuple = ()):
    """The body's citations; ``numbered`` and ``top`` (the highest label) describe the list.

    ``skip``: offsets where something that looks like a citation is a definition (Manubot tags).
    ``key_regions``: where key citations are read (default: the body); pandoc reads them everywhere.
    ``extra``: citations found elsewhere (the front matter's ``nocite:``).

    In a typeset PDF's text a bare ``@name`` is a handle (a JOSS paper's "Reviewers: @openjournals",
    an e-mail's part, a social-media name), not a key pandoc left unread: only a bracketed
    ``[@key]`` is one there (a PDF built without citeproc prints them).
    """
    keys = key_citations(source.text, key_regions or ((0, body_end),), skip)
    if source.format == "pdf":
        keys = [f for f in keys if not f.narrative]
    found = [*extra, *keys]
    numeric = grammar.find_numeric(masked, 0, body_end, raw=source.text)
    split = [f for f in numeric if "split" in f.form]  # "reaction.7<sup>,</sup>8": superscripts lost but for the commas
    if numbered and len(numeric) - len(split) < GLUED_MINIMUM:
        # superscripts lost on the way to plain text ("investigated.2 In"): only in a text that
        # cites mostly that way (split superscripts count), often, and over much of its list (a
        # number after a word is rare otherwise)
        glued = grammar.find_glued_numbers(masked, 0, body_end, top, source.text)
        cited = {n for f in (*glued, *split) for _, _, fields in f.items for n in fields["numbers"]}
        if len(glued) + len(split) >= max(GLUED_MINIMUM, 3 * (len(numeric) - len(split))) and len(cited) * 2 >= top:
            numeric = sorted([*numeric, *glued], key=lambda f: f.start)
    if numbered and not numeric:
        # "(1, 2)" cites only in documents that cite no other way, and only within the list:
        # "(18,400)" and "(1975)" are quantities.
        numeric = [
            f for f in grammar.find_numeric(masked, 0, body_end, parentheses=True, raw=source.text)
            if all(n <= top for _, _, fields in f.items for n in fields["numbers"])
        ]
    if not numbered:
        # Without a numbered list, superscripts are exponents or footnote marks, not citations, and
        # a bracket glued to a word ("randomness[1, 2]") is no more than an index.
        numeric = [f for f in numeric if not f.form & {"superscript", "parentheses", "attached"}]
    if numbered:
        # "[140, 160]" in a list of 59 is an interval; "[27]" in a list of 24 is a citation error;
        # "CHAR[64]" after a word and split superscripts cite only within the list.
        numeric = [f for f in numeric if all(n <= (top if f.form & {"attached", "split"} else 2 * top)
                                             for _, _, fields in f.items for n in fields["numbers"])
                   and not _interval(masked, f, top)]
    if numbered and numeric:
        # "allelic fixation 17–20.", "or death10.": a mark that lost its brackets or superscript
        superscripts = sum(1 for f in numeric if "superscript" in f.form) * 2 > len(numeric)
        numeric += grammar.find_lost_marks(masked, 0, body_end, top, numeric, superscripts)
    found += numeric
    # in a numbered text the numeric citations read are no author-year text: "[1502]" in a list of
    # 3,000 is no year (to_citations keeps the numeric reading anyway), and blanked it costs no
    # narrative search. Their brackets stay: "(reviewed in Horvath 2008 [82])" is no group.
    author_masked = _blank_ranges(masked, [(f.start, f.end) for f in numeric], keep="()[]") if numbered and numeric else masked
    author_year = grammar.find_author_year(author_masked, 0, body_end, source.text, bare=not numbered)
    if numbered and numeric and author_year:
        author_year = grammar.mentions_before_numbers(masked, author_year, numeric)
    found += author_year
    return grammar.to_citations(source, found)


@dataclass(frozen=True)
class _Front:
    """What pandoc takes from the front matter: the date, bibliography files, inline references
    (``references:``, CSL YAML) and ``nocite:`` keys (as citations that cite nothing in the text)."""

    date: str | None = None
    bib_files: tuple[str, ...] = ()
    bib: tuple = ()
    nocite: tuple = ()
    cited: tuple = ()  # key citations in the metadata's text (an abstract, a title)


def _strings(value) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    return tuple(str(v).strip() for v in values if isinstance(v, (str, int, float)) and str(v).strip())


def _front(source: Source) -> _Front:
    text = source.text
    front = front_matter(text)
    if front is None:
        return _Front(bib_files=bibliography_files(text) if text.startswith("---") else ())
    data = front.data
    block = text[front.start : front.end]
    return _Front(
        date=front_matter_date(data.get("date")),
        bib_files=_strings(data.get("bibliography")),
        bib=_inline_references(source, front.start, block, data.get("references")),
        nocite=_nocite(front.start, block, data.get("nocite")),
        cited=tuple(_metadata_citations(text, front.start, front.end)),
    )


# YAML keys whose values pandoc does not read as Markdown citations here: nocite (read apart),
# references (CSL items); and any name ending in "_", which pandoc ignores
_NOT_TEXT = frozenset({"nocite", "references"})
_YAML_KEY = stdre.compile(r"""^([ \t]*)(-[ \t]+)?((?:"[^"\n]*"|'[^'\n]*'|[^\s#'"\-:][^:\n]*?|-[^\s:][^:\n]*?))[ \t]*:(?:[ \t]+|$)""")
_YAML_ITEM = stdre.compile(r"^([ \t]*)-[ \t]+")
_BLOCK_SCALAR = stdre.compile(r"[|>][+-]?\d?[ \t]*(?:#.*)?$")


def _metadata_citations(text: str, start: int, end: int) -> list:
    """Key citations in the front matter's values (an ``abstract: |`` citing ``[@key]``, a
    ``title`` with ``@key``): pandoc reads every metadata string as Markdown, so they are
    citations like those of the body. Each value is read on its own, without the YAML's
    indentation (which Markdown would take for a code block), and its citations are put back at
    their places in the file."""
    if "@" not in text[start:end]:
        return []
    groups: list[list[tuple[int, int]]] = []  # each value: its (start, end) pieces, one per line
    skipping = False  # inside a key whose value is not text
    block_indent: int | None = None  # inside a | or > block scalar: the indentation of its lines, once seen
    in_block = False
    first_line = text.index("\n", start) + 1
    last_line = text.rfind("\n", start, end - 1 if text[end - 1] == "\n" else end)  # where the closing --- line starts
    pos = first_line
    while pos < last_line:
        nl = text.find("\n", pos, last_line)
        line_end = last_line if nl < 0 else nl
        line = text[pos:line_end]
        indent = len(line) - len(line.lstrip(" \t"))
        stripped = line.strip()
        if in_block and (not stripped or block_indent is None or indent >= block_indent):
            if stripped:
                block_indent = indent if block_indent is None else block_indent
                if not skipping:
                    groups[-1].append((pos + block_indent, line_end))
            elif not skipping and groups:
                groups[-1].append((pos, pos))  # a blank line inside the block: a paragraph break
            pos = line_end + 1
            continue
        in_block = False
        if not stripped or stripped.startswith("#"):
            pos = line_end + 1
            continue
        m = _YAML_KEY.match(line)
        if m:
            key = m.group(3).strip("'\"")
            if indent == 0 and not m.group(2):
                skipping = key in _NOT_TEXT or key.endswith("_")
            elif key.endswith("_"):
                skipping = True
            value_at = m.end()
        else:
            item = _YAML_ITEM.match(line)
            value_at = item.end() if item else indent
        value = line[value_at:]
        if _BLOCK_SCALAR.match(value):
            in_block, block_indent = True, None
            groups.append([])
        elif value.strip() and not skipping:
            continuation = not m and not (_YAML_ITEM.match(line)) and groups and groups[-1] and indent > 0
            if continuation:
                groups[-1].append((pos + value_at, line_end))  # a plain scalar going on over lines
            else:
                groups.append([(pos + value_at, line_end)])
        pos = line_end + 1
    found = []
    for pieces in groups:
        if not pieces or not any("@" in text[a:b] for a, b in pieces):
            continue
        where: list[int] = []
        chunks = []
        for a, b in pieces:
            chunks.append(text[a:b])
            where.extend(range(a, b))
            where.append(b)  # the joining newline stands for the line break
        value = "\n".join(chunks)
        masked, examples = pandoc_mask(value)
        definitions = tag_definitions(value)  # "[@tag]: x" in an abstract defines a link, as in the body
        for f in grammar.find_pandoc_keys(masked, 0, len(value), examples):
            if f.start in definitions:
                continue
            found.append(grammar.Found(where[f.start], where[f.end - 1] + 1, f.style, f.narrative,
                                       tuple((where[a], where[b - 1] + 1, fields) for a, b, fields in f.items), f.form))
    return found


def _line_of(block: str, pattern: str) -> tuple[int, int] | None:
    """(start, end) in ``block`` of the first line matching ``pattern`` (a regex over one line)."""
    m = stdre.search(pattern, block, stdre.M)
    if m is None:
        return None
    end = block.find("\n", m.start())
    return m.start(), len(block) if end == -1 else end


def _inline_references(source: Source, offset: int, block: str, items) -> tuple:
    """``references:`` (CSL YAML items) as bib entries keyed by their ``id``, each at its ``id:`` line."""
    if not isinstance(items, list) or not items:
        return ()
    from refcheck.readers import csl  # noqa: PLC0415 - CSL items, read as reference managers store them

    whole = _line_of(block, r"^references[ \t]*:") or (0, 0)
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), (str, int)):
            continue
        key = str(item["id"]).strip()
        record = csl.record(key, {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in item.items()})
        at = _line_of(block, rf"^[ \t-]*id[ \t]*:[ \t]*['\"]?{stdre.escape(key)}['\"]?[ \t]*$") or whole
        out.append(csl.reference(record, f"b{len(out) + 1}", source.span(offset + at[0], offset + at[1])))
    return tuple(out)


_LATER_YAML = stdre.compile(r"\n[ \t]*\n---[ \t]*\n[A-Za-z0-9_]")


def later_metadata_citations(text: str) -> tuple:
    """Key citations in YAML metadata blocks after the front matter (pandoc reads a ``---`` block
    anywhere after a blank line when it is a mapping, and its values as Markdown)."""
    if "@" not in text or not _LATER_YAML.search(text):
        return ()
    blocks: list[tuple[int, int]] = []
    _pandoc_blocks(text, blocks)
    return tuple(f for start, end in blocks if start > 0 for f in _metadata_citations(text, start, end))


def _nocite(offset: int, block: str, value) -> tuple:
    """``nocite: '@a, @b'`` or ``'@*'``: citations (form "nocite", "nocite-all" for ``*``) at the keys as written."""
    if not isinstance(value, str) or "@" not in value:
        return ()
    where = _line_of(block, r"^nocite[ \t]*:")
    if where is None:
        return ()
    # the value: this line and the indented lines after it
    end = where[1]
    while end < len(block) and block[end + 1 : end + 2] in (" ", "\t"):
        next_end = block.find("\n", end + 1)
        end = len(block) if next_end == -1 else next_end
    region = block[: end]
    items = []
    for m in stdre.finditer("@", region[where[0] : end]):
        at = where[0] + m.start()
        key_end = grammar.key_end(region, at, end)
        if key_end is None:
            continue
        key = region[at + 2 : key_end - 1] if region[at + 1] == "{" else region[at + 1 : key_end]
        items.append((offset + at, offset + key_end, {"key": key}))
    if not items:
        return ()
    form = frozenset({"nocite", "nocite-all"} if any(f["key"] == "*" for *_, f in items) else {"nocite"})
    return (grammar.Found(items[0][0], items[-1][1], "key", False, tuple(items), form),)


def read(source: Source) -> Manuscript:
    """Read one Markdown manuscript into citations, references and metadata (links come later)."""
    text = source.text
    masked = mask(text)
    section = find_reference_section(masked)
    if section is not None and _REFS_DIV.search(text, section.start, section.end):
        section = None  # pandoc's placeholder: the list is generated there, nothing under the heading is an entry
    body_end = section.heading_start if section else len(text)

    entries = split_entries(text, section) if section else []
    numbered = any(label for *_, label in entries)
    top = max((int(label) for *_, label in entries if label and label.isdecimal()), default=0)
    pending = None
    if len(entries) >= BACKGROUND_ENTRIES and background.usable():
        pending = background.start(lambda: dump_references(parse_references(source, entries)))
    tags = tag_definitions(text)
    try:
        # pandoc reads keys everywhere but in a printed list (appendices after "References" too)
        key_regions = ((0, section.heading_start), (section.end, len(text))) if entries else ((0, len(text)),)
        front = _front(source)
        citations = citations_in(source, masked, body_end, numbered, top, frozenset(tags), key_regions,
                                front.nocite + front.cited + later_metadata_citations(text))
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
        dates={**metadata.dates, "date": front.date} if front.date else metadata.dates,
        reference_section=source.span(section.heading_start, section.end) if section else None,
        bib_files=front.bib_files,
        bib=front.bib,
        aliases=tuple(sorted(tags.values())),
    )
