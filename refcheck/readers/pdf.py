"""Read a PDF's text layer: characters with their positions and sizes through PDFium (pypdfium2),
laid out as the lines and pages a reader sees, then read as PDF-extracted text (readers.text).

What the geometry decides here, before the plain-text reader sees anything:

- **Lines** start as PDFium's (it breaks the content stream where the baseline moves), broken
  again where the baseline jumps or the text returns left (PDFium runs a word hyphenated at a
  line end into the next line), and joined where PDFium split one printed line (a superscript on
  a baseline of its own, or alone in a table cell); pages are separated by a line holding a form
  feed, so the text reader knows every page edge.
- **Superscripts and subscripts**: a character under 85 % of its line's usual size whose
  baseline sits at least an eighth of that size above the line's (below, for a subscript) is
  written ``<sup>...</sup>`` (``<sub>``): ``text.¹²`` becomes ``text.<sup>12</sup>``, and the
  Markdown reader decides, as for any ``<sup>``, whether the document cites that way.
- **Running headers, footers and page numbers**: a line at a page's top or bottom whose text,
  with every number as one ``#``, recurs at the same height on two pages and a third of them is
  dropped (``Smith et al. (2026). Title. Journal …, 7(70), 4137``, ``Page 3 of 12``, ``3``); so is
  a watermark (``DRAFT``: a short line at the same place on more than half the pages).
- **Margin line numbers** (preprints, review drafts), left or right: rising numbers in one
  column, set apart from the text by a gap, are dropped (and the lines that hold only one).
- **Reading order**: two columns a producer wrote row by row across the page are cut at the
  gutter and read column by column (``_columns``); PDFs written in reading order (most) are
  left as they are.
- **Margin panels** (a JOSS paper's first page: editor, reviewers, dates, licence), wholly left
  or right of the text block, come first on their page instead of cutting into the body; their
  dates stay readable (``_margin_panels``).
- **Footnotes** (a smaller size at a page's foot, set apart by a skip, opening with a mark and
  reading as prose) are kept apart: gathered and set right before the reference list's heading
  (or at the end), each a paragraph of its own, so that a sentence running on from one page to
  the next is not cut by them (``_footnotes``). The marks in the text stay where they are.
- **Ligatures** (ﬁ, ﬀ, ﬃ) are expanded; **accents TeX builds from two glyphs** (a dotless ı
  and a separate ´ placed over it) are put back on their letter (Rodríguez, not Rodrıguez´).
- Hyphenation and URLs broken at a line end are the text reader's (``readers.text``).

Bad files never raise: damaged, encrypted, over the page limit, or without a text layer (a scan)
each become one unreadable-input problem that says what to do.
"""

from __future__ import annotations

import bisect
import ctypes
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

from refcheck.model import Manuscript, Source

MAX_PAGES = 2000  # a thesis with appendices is a few hundred; beyond this the file is not a manuscript
MIN_CHARS_PER_PAGE = 20  # fewer text characters than this per page, on average: images of text, not text
SUP_SIZE = 0.85  # a super- or subscript is set at most this share of its line's usual size
SUP_RISE = 0.12  # ... and its baseline moves by at least this share of that size (Chromium raises 65 % text by 0.19 em)
FURNITURE_SHARE = 3  # a running header recurs on at least one page in this many (and on two)
EDGE_LINES = 3  # ... among the highest or the lowest lines of each page
WATERMARK_LENGTH = 40  # a watermark is a short line, at the same place on most pages

# spacing accents, as TeX's fonts map them, and the combining mark each stands for
_ACCENTS = {"´": "\u0301", "`": "\u0300", "¨": "\u0308", "ˆ": "\u0302", "^": "\u0302", "˜": "\u0303", "~": "\u0303",
            "¸": "\u0327", "ˇ": "\u030c", "˘": "\u0306", "˝": "\u030b", "˚": "\u030a", "¯": "\u0304", "˙": "\u0307",
            "\u02ca": "\u0301", "\u02cb": "\u0300"}
_NUMBER_MARKS = frozenset("0123456789,;–—-−() ")
_LIGATURES = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)}


class Refused(Exception):
    """A PDF refcheck will not read, with the reason a person can act on."""


@dataclass(slots=True)
class _Char:
    ch: str
    x: float
    y: float
    size: float
    index: int = -1  # PDFium's index of the character (-1: a space PDFium generated)
    mono: bool = False  # set in a fixed-pitch font (code); asked only on lines with a bracket (_monospace)


@dataclass(slots=True)
class _Line:
    chars: list[_Char]
    y: float = 0.0  # the baseline of its usual-size characters
    size: float = 0.0  # its usual character size
    right: float = 0.0  # the right edge of its last character
    text: str = ""
    x0: float = 0.0  # where its first character starts (kept when the characters are let go)


_TYPEWRITER = re.compile(rb"(?i)mono|courier|consol|menlo|inconsolata|typewriter|cmtt|sftt|code")


class _Page:
    """One page's characters through PDFium's text API (ctypes, one call per fact)."""

    def __init__(self, textpage, raw) -> None:
        self.handle = textpage.raw
        self.raw = raw
        self._l, self._r, self._b, self._t = (ctypes.c_double() for _ in range(4))
        self._name = ctypes.create_string_buffer(128)

    def fixed_pitch(self, index: int) -> bool:
        """Whether character ``index`` is set in a fixed-pitch font: the font descriptor's flag 1,
        or a typewriter font's name (a standard font such as Courier comes without a descriptor)."""
        if index < 0:
            return False
        flags = ctypes.c_int(0)
        size = self.raw.FPDFText_GetFontInfo(self.handle, index, self._name, len(self._name), ctypes.byref(flags))
        return bool(flags.value & 1) or (0 < size <= len(self._name) and _TYPEWRITER.search(self._name.value) is not None)

    def right(self, index: int, fallback: float) -> float:
        """The right edge of character ``index``'s box."""
        if index < 0:
            return fallback
        ok = self.raw.FPDFText_GetCharBox(self.handle, index, ctypes.byref(self._l), ctypes.byref(self._r),
                                          ctypes.byref(self._b), ctypes.byref(self._t))
        return self._r.value if ok else fallback

    def lines(self) -> list[_Line]:
        """The page's lines as PDFium breaks them, with every character's origin and size."""
        handle, raw = self.handle, self.raw
        x, y = ctypes.c_double(), ctypes.c_double()
        px, py = ctypes.byref(x), ctypes.byref(y)
        get_unicode, is_generated, origin, font_size = (raw.FPDFText_GetUnicode, raw.FPDFText_IsGenerated,
                                                       raw.FPDFText_GetCharOrigin, raw.FPDFText_GetFontSize)
        lines: list[_Line] = []
        chars: list[_Char] = []
        last_x = last_y = last_size = 0.0
        for i in range(raw.FPDFText_CountChars(handle)):
            code = get_unicode(handle, i)
            if code in (10, 13):
                if chars:
                    lines.append(_Line(chars))
                    chars = []
                continue
            if is_generated(handle, i):
                if code == 32 and chars and chars[-1].ch != " ":
                    chars.append(_Char(" ", last_x, last_y, last_size))
                continue
            if code == 2:
                code = 45  # PDFium's mark for a hyphen at a line end
            if code < 32 or code == 0xFFFE or 0xD800 <= code <= 0xDFFF:
                continue
            origin(handle, i, px, py)
            cx, cy, size = x.value, y.value, font_size(handle, i)
            if chars and (abs(cy - last_y) > 0.8 * max(size, last_size) or cx < last_x - 3 * max(size, last_size)):
                # a line PDFium ran on: it joins a word hyphenated at a line's end with the next
                # line, and the margin's line number between them ("polymer-" "1191" "ization")
                while chars and chars[-1].ch == " ":
                    chars.pop()
                if chars:
                    lines.append(_Line(chars))
                chars = []
            last_x, last_y, last_size = cx, cy, size
            chars.append(_Char(chr(code), cx, cy, size, i))
        if chars:
            lines.append(_Line(chars))
        for line in lines:
            while line.chars and line.chars[-1].ch == " ":
                line.chars.pop()
            last = line.chars[-1] if line.chars else None
            line.right = self.right(last.index, last.x + 0.5 * last.size) if last else 0.0
            _measure(line)
        return [line for line in lines if line.chars]


def _merge_lines(lines: list[_Line]) -> list[_Line]:
    """Join what PDFium split off a printed line: a superscript or subscript set on a baseline of
    its own ("genotypes" / "1-9" / ". Population ..."), or a run in another font, comes as a line
    of its own in the content order, right after the text it follows on the same line."""
    out: list[_Line] = []
    merged: list[_Line] = []
    for line in lines:
        if out:
            prev = out[-1]
            size = max(prev.size, line.size, 1.0)
            gap = line.chars[0].x - prev.right
            # a superscript alone further right (a table's "Refs" cell) joins its row too
            raised = line.size <= SUP_SIZE * prev.size and SUP_RISE * prev.size <= line.y - prev.y < 0.7 * prev.size
            if -0.3 * size <= gap and ((abs(line.y - prev.y) < 0.6 * size and gap < 1.0 * size)
                                       or (raised and (gap < 8 * size or all(c.ch in _NUMBER_MARKS for c in line.chars)))):
                if gap > 0.15 * min(prev.size or size, line.size or size) and prev.chars[-1].ch != " " and line.chars[0].ch != " ":
                    prev.chars.append(_Char(" ", prev.right, prev.y, prev.size))
                prev.chars.extend(line.chars)
                prev.right = line.right
                if line.size > prev.size:  # the line went on after a superscript that started it
                    prev.size, prev.y = line.size, line.y
                if not merged or merged[-1] is not prev:
                    merged.append(prev)
                continue
        out.append(line)
    for line in merged:
        _measure(line)  # once per joined line: measuring at every join would be quadratic in a long line
    return out


GUTTER = 3.0  # a gap this many character sizes wide inside a printed line may be a column gutter


def _gap(line: _Line) -> tuple[int, float, float] | None:
    """The widest gap between two characters of the line that are on its baseline, if at least
    GUTTER sizes wide: (index of the character after it, where the gap starts, where it ends)."""
    best = None
    size = line.size or 1.0
    last: _Char | None = None
    for k, c in enumerate(line.chars):
        if c.ch == " ":
            continue
        if last is not None and c.x - last.x > GUTTER * size and abs(c.y - line.y) < 0.3 * size and (best is None or c.x - last.x > best[2] - best[1]):
            best = (k, last.x + 0.6 * last.size, c.x)  # (a character is at most ~0.6 of its size wide)
        last = c
    return best


def _columns(lines: list[_Line]) -> list[_Line]:
    """Two columns written row by row across the page (some producers write each printed row of
    both columns in one go): each such row holds a gap at the same place, the gutter. Then every
    row is cut at the gutter and the page is read column by column: the left column's lines, then
    the right's, between the lines that span both (a title, a wide figure's caption). A page
    whose producer wrote one column after the other has no such rows and is left as it is; so is
    a table (its cells are short) and a gutter far from the middle (a margin note)."""
    gaps = [(k, g) for k, line in enumerate(lines) if (g := _gap(line)) is not None]
    if len(gaps) < 3 or len(gaps) * 3 < sum(1 for line in lines if len(line.chars) > 20):
        return lines
    starts = sorted(g[1] for _, g in gaps)
    ends = sorted(g[2] for _, g in gaps)
    gutter = (starts[len(starts) // 2] + ends[len(ends) // 2]) / 2
    at_gutter = [(k, g) for k, g in gaps if g[1] < gutter < g[2]]
    left = min(line.chars[0].x for line in lines)
    right = max(line.right for line in lines)
    if len(at_gutter) * 2 < len(gaps) or not 0.3 < (gutter - left) / max(right - left, 1.0) < 0.7:
        return lines
    if statistics.mean(min(g[0], len(lines[k].chars) - g[0]) for k, g in at_gutter) < 20:
        return lines  # short pieces on either side: a table's cells, not columns of text
    cut = dict(at_gutter)
    pieces: list[_Line] = []
    for k, line in enumerate(lines):
        if k in cut:
            split = cut[k][0]
            head, tail = line.chars[:split], line.chars[split:]
            while head and head[-1].ch == " ":
                head.pop()
            for chars in (head, tail):
                piece = _Line(chars, right=chars[-1].x + 0.6 * chars[-1].size)
                _measure(piece)
                pieces.append(piece)
        else:
            pieces.append(line)
    out: list[_Line] = []
    band: tuple[list[_Line], list[_Line]] = ([], [])
    for line in sorted(pieces, key=lambda line: -line.y):  # top to bottom
        if line.right <= gutter:
            band[0].append(line)
        elif line.chars[0].x >= gutter:
            band[1].append(line)
        else:  # across the gutter: the band above ends
            out += band[0] + band[1]
            band = ([], [])
            out.append(line)
    return out + band[0] + band[1]


def _monospace(lines: list[_Line], page: _Page) -> None:
    """Mark the characters set in a fixed-pitch font on the lines where a bracket is (code and its
    output: ``x[1]``, an R session's ``## [1] 0.87``), so that they are written as code and read
    as no citation. Other lines are not asked: most of a PDF has no bracket."""
    for line in lines:
        if any(c.ch == "[" and page.fixed_pitch(c.index) for c in line.chars):
            for c in line.chars:
                c.mono = page.fixed_pitch(c.index)


def _measure(line: _Line) -> None:
    """The line's usual size (most of its letters) and the baseline of the characters of that size.
    Letters, not digits: a line of citation numbers ("42, 43, ... 51 and subunit52, 53, ...")
    has more superscript digits than letters."""
    sizes = Counter(round(c.size, 1) for c in line.chars if c.ch.isalpha())
    if not sizes:
        sizes = Counter(round(c.size, 1) for c in line.chars if c.ch.isalnum())
    if not sizes:
        sizes = Counter(round(c.size, 1) for c in line.chars)
    line.size = sizes.most_common(1)[0][0] if sizes else 0.0
    base = [c.y for c in line.chars if abs(c.size - line.size) <= 0.06 * line.size and c.ch != " "]
    line.y = statistics.median(base) if base else (line.chars[0].y if line.chars else 0.0)


def _script(c: _Char, line: _Line) -> str:
    """'sup', 'sub' or '' for one character of a line."""
    if c.ch == " " or not line.size or c.size > SUP_SIZE * line.size:
        return ""
    rise = c.y - line.y
    if rise >= SUP_RISE * line.size:
        return "sup"
    if rise <= -SUP_RISE * 0.5 * line.size:
        return "sub"
    return ""


def _restore_accents(chars: list[_Char]) -> list[_Char]:
    """Put each spacing accent back on the letter it is printed over: TeX sets "í" as a dotless ı
    and a ´ placed above it, which PDFium gives as two characters, often far apart. The letter
    is the one starting nearest to the left of the accent (within a third of an em, on its
    baseline or a line's height from it); an accent over nothing stays where it is ("the ´ key")."""
    if not any(c.ch in _ACCENTS for c in chars):
        return chars
    letters = sorted((c for c in chars if c.ch.isalpha()), key=lambda c: c.x)
    starts = [c.x for c in letters]
    placed: set[int] = set()
    for accent in chars:
        if accent.ch not in _ACCENTS:
            continue
        k = bisect.bisect_right(starts, accent.x + 0.15 * accent.size) - 1
        if k < 0:
            continue
        letter = letters[k]
        # TeX centres the accent over its letter: its start lies within a third of an em of the
        # letter's ("a^b" or "~10" after a word is no accent)
        if accent.x - letter.x > 0.35 * max(letter.size, accent.size) or abs(accent.y - letter.y) > max(letter.size, accent.size):
            continue
        base = "i" if letter.ch == "ı" else "j" if letter.ch == "ȷ" else letter.ch
        letter.ch = unicodedata.normalize("NFC", base + _ACCENTS[accent.ch])
        placed.add(id(accent))
    return [c for c in chars if id(c) not in placed] if placed else chars


def _line_text(line: _Line) -> str:
    """The line's characters, with super- and subscript runs marked, ligatures expanded and code
    (a fixed-pitch run holding a bracket, see _monospace) in backticks, as Markdown writes code."""
    if any(c.mono for c in line.chars):
        return _code_spans(line)
    return _plain_line_text(line)


def _code_spans(line: _Line) -> str:
    """The line with each fixed-pitch run that holds a bracket in backticks (spaces at its edges outside)."""
    chars, parts, plain, k = line.chars, [], [], 0

    def flush() -> None:
        if plain:
            parts.append(_plain_line_text(_Line(plain[:], line.y, line.size, line.right)))
            plain.clear()

    while k < len(chars):
        if not chars[k].mono:
            plain.append(chars[k])
            k += 1
            continue
        j = k
        while j < len(chars) and (chars[j].mono or chars[j].ch == " "):
            j += 1
        while chars[j - 1].ch == " ":
            j -= 1
        code = "".join(_LIGATURES.get(c.ch, c.ch) for c in chars[k:j])
        if "[" in code:
            flush()
            parts.append("`" + code.replace("`", "'") + "`")
        else:
            plain.extend(chars[k:j])
        k = j
    flush()
    return " ".join(part.strip() for part in parts if part.strip())


def _plain_line_text(line: _Line) -> str:
    """The line's characters, with super- and subscript runs marked and ligatures expanded."""
    chars = _restore_accents(line.chars)
    out: list[str] = []
    mode = ""
    last: _Char | None = None
    for c in chars:
        kind = _script(c, line)
        if c.ch == " " and mode:
            kind = mode  # a space inside a run of superscripts stays in it ("1, 2")
        if kind != mode:
            if mode:
                spaces = 0
                while out and out[-1] == " ":
                    out.pop()
                    spaces += 1
                out.append(f"</{mode}>")
                if spaces or (not kind and last is not None and c.ch.isalnum() and c.x - (last.x + 0.5 * last.size) > 0.12 * line.size):
                    out.append(" ")  # the space after the run, or one PDFium did not see where the size changes ("glycolysis⁹ due")
            if kind:
                out.append(f"<{kind}>")
            mode = kind
        if c.ch != " ":
            last = c
        if kind and c.ch == " " and out and out[-1] == f"<{kind}>":
            continue
        out.append(_LIGATURES.get(c.ch, c.ch))
    if mode:
        while out and out[-1] == " ":
            out.pop()
        out.append(f"</{mode}>")
    return "".join(out).rstrip()


def _continued_superscript(line: _Line, text_size: float) -> bool:
    """A line of citation numbers alone, in a superscript's size under text of ``text_size``: a
    run of superscripts that wrapped ("a: ³⁵, ⁴², ... ³⁵⁸," / "³⁵⁹, ³⁶⁰, ..."), with no text of
    its own size to be raised above."""
    return (any(c.ch.isdigit() for c in line.chars) and all(c.ch in _NUMBER_MARKS for c in line.chars)
            and line.size <= SUP_SIZE * text_size and "<sup>" not in line.text)


def _blind(text: str) -> str:
    """The text with every run of digits as one '#', spaces collapsed: a header's form on any page."""
    out, digit = [], False
    for ch in text:
        if ch.isdigit():
            if not digit:
                out.append("#")
            digit = True
        else:
            digit = False
            out.append(ch)
    return " ".join("".join(out).split())


def _furniture(pages: list[list[_Line]]) -> set[tuple[int, int]]:
    """(page, line) of running headers, footers and page numbers: among the three highest and
    the three lowest lines of a page, a line whose blind text recurs at the same height (within
    2 pt) on two pages or more, and on a third of the pages."""
    edges: list[set[int]] = []
    for lines in pages:
        order = sorted(range(len(lines)), key=lambda k: lines[k].y)
        edges.append({*order[:EDGE_LINES], *order[-EDGE_LINES:]})
    where: dict[tuple[str, int], set[int]] = defaultdict(set)
    for p, lines in enumerate(pages):
        for k in edges[p]:
            key = _blind(lines[k].text)
            if key and len(key) <= 200:
                where[(key, round(lines[k].y / 2))].add(p)
    need = max(2, -(-len(pages) // FURNITURE_SHARE))
    out = set()
    for p, lines in enumerate(pages):
        for k in edges[p]:
            key = _blind(lines[k].text)
            heights = (round(lines[k].y / 2) + d for d in (-1, 0, 1))
            if key and len(set().union(*(where.get((key, h), set()) for h in heights))) >= need:
                out.add((p, k))
    # a watermark ("DRAFT", "Preprint", "Not peer reviewed") anywhere on the page: a short line
    # at the same place on more than half of the pages
    marks: dict[tuple[str, int, int], set[int]] = defaultdict(set)
    for p, lines in enumerate(pages):
        for line in lines:
            if len(line.text) <= WATERMARK_LENGTH:
                marks[(_blind(line.text), round(line.y / 2), round(line.x0 / 2))].add(p)
    if len(pages) >= 2:
        for p, lines in enumerate(pages):
            for k, line in enumerate(lines):
                if len(line.text) <= WATERMARK_LENGTH and 2 * len(marks[(_blind(line.text), round(line.y / 2), round(line.x0 / 2))]) > len(pages):
                    out.add((p, k))
    return out


def _numbered(found: dict[int, tuple], lines: list[_Line], at: int, before: tuple[float, int] | None = None) -> dict[int, tuple]:
    """The candidates that are line numbers: in one column (``at`` is the coordinate to align:
    2 the right edge of a leading number, 3 the left of a trailing one), at least five, rising,
    and on half the page's lines or counting up one by one (a page of formulas has many short
    "lines" that carry no number). On a page after one that had them (``before``: their column
    and last number), fewer do: those in that column that go on counting ("80", "81", "82" on a
    last page of three lines)."""
    if before is not None and 0 < len(found) < 5:
        column, last = before
        going_on = {k: v for k, v in found.items() if abs(v[at] - column) <= 1.5 and last < v[0] <= last + 3 * len(lines)}
        numbers = [v[0] for v in going_on.values()]
        if going_on and all(b > a for a, b in zip(numbers, numbers[1:])):
            return going_on
    if len(found) < 5:
        return {}
    column = Counter(round(v[at]) for v in found.values()).most_common(1)[0][0]
    found = {k: v for k, v in found.items() if abs(v[at] - column) <= 1.5}
    numbers = [v[0] for v in found.values()]
    if len(found) < 5 or sum(1 for a, b in zip(numbers, numbers[1:]) if b > a) < 0.8 * (len(numbers) - 1):
        return {}
    consecutive = sum(1 for a, b in zip(numbers, numbers[1:]) if b == a + 1)
    if len(found) < 0.5 * len(lines) and not (len(found) >= 8 and consecutive >= 0.7 * (len(numbers) - 1)):
        return {}
    return found


def _line_numbers(lines: list[_Line], page: _Page, before: dict[str, tuple[float, int]]) -> dict[int, tuple[int, int]]:
    """Margin line numbers on one page: line index -> (characters to drop at its start, index
    its text ends at).

    A number starting a line, with more than 0.7 em of white before what follows (a word space
    is a third of one), is a line number where such numbers stand in one column of the margin
    (see ``_numbered``). Then every line whose leading number ends where those end (within a
    point) loses it too (a heading's larger size hides the gap's width in ems), and a line
    holding only such a number goes whole. The same for numbers in the right margin, at the
    lines' ends ("https://doi.org/10.  131")."""
    leading: dict[int, tuple[int, int, float, float]] = {}  # line -> (number, where the rest starts, right edge, gap)
    trailing: dict[int, tuple[int, int, float, float]] = {}  # line -> (number, where the text ends, gap, left edge)
    for k, line in enumerate(lines):
        chars = line.chars
        j = 0
        while j < len(chars) and chars[j].ch.isdigit():
            j += 1
        if 0 < j <= 5:
            rest = j
            while rest < len(chars) and chars[rest].ch == " ":
                rest += 1
            digit = chars[j - 1]
            right = page.right(digit.index, digit.x + 0.5 * digit.size)
            gap = chars[rest].x - right if rest < len(chars) else float("inf")
            leading[k] = (int("".join(c.ch for c in chars[:j])), rest, right, gap)
        i = len(chars)
        while i > 0 and chars[i - 1].ch.isdigit():
            i -= 1
        if 0 < len(chars) - i <= 5 and i > 1 and chars[i - 1].ch == " ":
            end = i - 1
            while end > 0 and chars[end - 1].ch == " ":
                end -= 1
            last = chars[end - 1]
            gap = chars[i].x - page.right(last.index, last.x + 0.5 * last.size)
            if gap > 0.7 * max(line.size, 1.0):
                trailing[k] = (int("".join(c.ch for c in chars[i:])), end, gap, chars[i].x)
    out: dict[int, tuple[int, int]] = {}
    found = _numbered({k: v for k, v in leading.items() if v[3] > 0.7 * max(lines[k].size, 1.0)}, lines, 2, before.get("left"))
    if found:
        edge = statistics.median(v[2] for v in found.values())
        out = {k: (rest, len(lines[k].chars)) for k, (_, rest, right, gap) in leading.items()
               if k in found or (abs(right - edge) <= 1.0 and gap > 0.3 * max(lines[k].chars[0].size, 1.0))}
        before["left"] = (edge, max(v[0] for v in found.values()))
    found = _numbered(trailing, lines, 3, before.get("right"))
    for k, (_, end, _, _) in found.items():
        out[k] = (out.get(k, (0, 0))[0], end)
    if found:
        before["right"] = (statistics.median(v[3] for v in found.values()), max(v[0] for v in found.values()))
    return out


_FOOTNOTE_MARK = re.compile(r"(?:<sup>\s*(?:\d{1,3}|[*†‡§¶a-z])\s*</sup>|[*†‡§¶])\s*\S")  # "¹ The code is ...", "* Corresponding"
_REFERENCES_HEADING = re.compile(r"(?:\d{1,2}\.?\s+)?(?:references|bibliography|literature cited|works cited|reference list)\s*", re.I)


def _footnotes(lines: list[_Line], skip: set[int]) -> list[int]:
    """The lines of the footnotes at the foot of a page: below the body, in a smaller size (at
    most 90 % of the body's), the first of them opening with a note's mark (a superscript number
    or letter, or *, †, ‡) and prose (three words; more letters than digits: not a table's last
    rows), set apart from the text above by more than its line spacing. At most a third of the
    page; a page without three lines of body text above them has none."""
    sizes = Counter(round(line.size, 1) for k, line in enumerate(lines) if k not in skip and len(line.text) >= 30)
    if not sizes:
        return []
    body = sizes.most_common(1)[0][0]
    order = sorted((k for k in range(len(lines)) if k not in skip), key=lambda k: lines[k].y)  # bottom first
    block: list[int] = []
    for k in order:
        line = lines[k]
        if not block and len(line.text) <= 4 and line.text.strip().isdigit():
            continue  # a page number under the notes
        if line.size > 0.9 * body:
            break
        block.append(k)
    while block and not _FOOTNOTE_MARK.match(lines[block[-1]].text):
        block.pop()  # the notes start at a mark: small lines above the first mark are no note
    if not block or len(block) * 3 > len(order):
        return []
    first = _FOOTNOTE_MARK.match(lines[block[-1]].text)
    words = [w for w in lines[block[-1]].text[first.end() - 1 :].split() if sum(ch.isalpha() for ch in w) >= 3]
    text = " ".join(lines[k].text for k in block)
    if len(words) < 3 or sum(ch.isalpha() for ch in text) < 2 * sum(ch.isdigit() for ch in text):
        return []  # a note is prose: a table's last rows in a small size are not (numbers, short cells)
    top = lines[block[-1]].y
    above = sorted(lines[k].y for k in order if lines[k].y > top and abs(lines[k].size - body) <= 0.05 * body)
    if len(above) < 3:
        return []
    steps = [b - a for a, b in zip(above, above[1:]) if 0 < b - a < 3 * body]
    leading = statistics.median(steps) if steps else 1.2 * body
    if above[0] - top < 1.25 * leading:
        return []  # notes are set apart from the text above them (a rule and a skip)
    return sorted(block)


PANEL_LINES = 3  # a margin panel holds at least this many lines on its page


def _margin_panels(pages: list[list[_Line]], dropped: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Lines of a panel in a page's margin (a JOSS paper's first page: editor, reviewers, dates,
    licence), wholly left or right of the text block: they come first on their page, ahead of
    the body they would otherwise cut into. The text block's edges are those of its long lines
    (40 characters or more, running headers and footers left out): the leftmost start and the
    rightmost end most of them reach, so a second column is inside the block."""
    long = [line for p, lines in enumerate(pages) for k, line in enumerate(lines)
            if (p, k) not in dropped and len(line.text) >= 40]
    if len(long) < 10:
        return set()
    starts = sorted(line.x0 for line in long)
    ends = sorted(line.right for line in long)
    left, right = starts[len(starts) // 10], ends[-1 - len(ends) // 10]
    out: set[tuple[int, int]] = set()
    for p, lines in enumerate(pages):
        size = statistics.median(line.size for line in lines) if lines else 0.0
        side = [k for k, line in enumerate(lines) if (p, k) not in dropped and len(line.text.strip()) > 3
                and (line.right < left - size or line.x0 > right + size)]
        if len(side) >= PANEL_LINES:
            out.update((p, k) for k in side)
    return out


def extract(data: bytes, max_pages: int | None = None) -> str:
    """The PDF's text, one printed line per line, pages separated by form feeds. Raises Refused."""
    max_pages = MAX_PAGES if max_pages is None else max_pages
    import pypdfium2 as pdfium  # noqa: PLC0415 - only PDFs pay for loading PDFium
    import pypdfium2.raw as raw  # noqa: PLC0415

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        reason = str(err)
        if "password" in reason.lower():
            raise Refused("is an encrypted PDF that needs a password; save an unprotected copy and check that") from None
        raise Refused(f"could not be opened as a PDF ({reason}); it may be damaged or not a PDF at all") from None
    try:
        count = len(pdf)
        if count == 0:
            raise Refused("is a PDF without pages")
        if count > max_pages:
            raise Refused(f"has {count} pages, over the limit of {max_pages} (a manuscript, not a book or a bundle)")
        pages: list[list[_Line]] = []
        numbering: dict[str, tuple[float, int]] = {}  # the margin's line numbers so far: their column, the last one
        for p in range(count):
            page = pdf[p]
            textpage = page.get_textpage()
            try:
                reader = _Page(textpage, raw)
                lines = reader.lines()
                cuts = _line_numbers(lines, reader, numbering)
                _monospace(lines, reader)
            finally:
                textpage.close()
                page.close()
            numbered = []
            for k, line in enumerate(lines):
                cut = cuts.get(k)
                if cut is not None:
                    start, end = cut
                    if start >= end:
                        continue
                    line.chars = line.chars[start:end]
                    _measure(line)
                numbered.append(line)
            kept: list[_Line] = []
            text_size, text_y = 0.0, 0.0  # the size and baseline of the last line with letters
            for line in _columns(_merge_lines(numbered)):
                line.text = _line_text(line)
                if _continued_superscript(line, text_size) and abs(text_y - line.y) < 2.5 * text_size:
                    line.text = f"<sup>{line.text}</sup>"  # (a page number far below is no such line)
                elif any(c.ch.isalpha() for c in line.chars):
                    text_size, text_y = line.size, line.y
                if line.text.strip():
                    line.x0 = line.chars[0].x
                    line.right = max(line.right, line.chars[-1].x)
                    line.chars = []  # the page's characters are done with: a 1,000-page PDF need not hold them all
                    kept.append(line)
            pages.append(kept)
    except pdfium.PdfiumError as err:
        raise Refused(f"could not be read to the end as a PDF ({err}); it may be damaged or truncated") from None
    finally:
        pdf.close()
    letters = sum(1 for lines in pages for line in lines for c in line.text if c.isalnum())
    if letters < MIN_CHARS_PER_PAGE * len(pages):
        raise Refused("has no text layer to read (a scan, or pages of images): run OCR on it first "
                      "(for example `ocrmypdf in.pdf out.pdf`), then check the result")
    dropped = _furniture(pages) if len(pages) > 1 else set()
    panels = _margin_panels(pages, dropped)
    # footnotes are kept apart: gathered from the pages up to the reference list's and set,
    # each a paragraph of its own, right before its heading (or at the end), so that no sentence
    # running on from one page to the next is cut by them
    heading = max(((p, k) for p, lines in enumerate(pages) for k, line in enumerate(lines)
                   if (p, k) not in dropped and _REFERENCES_HEADING.fullmatch(line.text)), default=None)
    noted = [(p, k) for p, lines in enumerate(pages[: heading[0] + 1 if heading else len(pages)])
             for k in _footnotes(lines, {k for k in range(len(lines)) if (p, k) in dropped or (p, k) in panels})]
    apart = [pages[p][k].text for p, k in noted]
    hidden = dropped | panels | set(noted)
    out = []
    for p, lines in enumerate(pages):
        body = [line.text for k, line in enumerate(lines) if (p, k) not in hidden]
        panel = [line.text for k, line in enumerate(lines) if (p, k) in panels and (p, k) not in dropped]
        if apart and heading and p == heading[0]:
            at = sum(1 for k in range(heading[1]) if (p, k) not in hidden)
            body = [*body[:at], "", *apart, "", *body[at:]]
        out.append("\n".join(panel + body))
    if apart and not heading:
        out[-1] = "\n".join([out[-1], "", *apart])
    return "\n\f\n".join(out) + "\n"  # a form feed on a line of its own between pages


def read_bytes(path: str, data: bytes) -> Manuscript:
    """Read a PDF's bytes into a Manuscript whose text is the extracted text (spans point into
    it); anything unreadable becomes one unreadable-input problem (never an exception)."""
    from refcheck.readers import _unreadable, text  # noqa: PLC0415

    path = str(path)
    try:
        extracted = extract(data)
    except Refused as err:
        return _unreadable(path, str(err))
    except Exception as err:  # noqa: BLE001 - a reader bug must not stop the check
        return _unreadable(path, f"could not be read as a PDF ({type(err).__name__}: {err})")
    pages = [0]
    feed = extracted.find("\f")
    while feed != -1:
        pages.append(feed + 2)  # a page starts on the line after its form feed's
        feed = extracted.find("\f", feed + 1)
    return text.read(Source(path, extracted, "pdf", pages=tuple(pages)))
