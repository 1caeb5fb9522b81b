"""Read a Word .docx manuscript: its text becomes Markdown-like lines that the Markdown reader
reads, and the reference manager's records in its citation fields become ``Manuscript.bib``.

The package is read with ``zipfile`` and the standard library's expat parser only; nothing is
ever fetched (external relationships, DTDs and entities are never followed).

**What the text is.** One line per paragraph of the body, in document order (table cells
included, in row order; a text box's paragraphs come just before the paragraph that anchors
it), so a Span's ``line`` is the paragraph's number counted from the top, empty paragraphs
included. Within a line:

- run text as displayed: ``w:t``, a tab as ``\\t``, a line break as one space, a
  non-breaking hyphen as ``-``, Symbol-font ``w:sym`` characters as Unicode; deleted text
  (``w:del``, ``w:moveFrom``), hidden runs (``w:vanish``), equations, drawing fallbacks
  (``mc:Fallback``, which repeat text boxes) and the previous formatting kept by tracked
  changes are left out; inserted text (``w:ins``) is kept;
- superscript and subscript runs as ``<sup>...</sup>`` / ``<sub>...</sub>`` (so superscript
  numeric citations read as in Markdown, and ``CO<sub>2</sub>`` is not a number), italic and
  bold runs as ``*...*`` / ``**...**`` (the reference parser takes an italic span for the
  journal); the Markdown reader blanks all of these markers before reading citations;
- a field's displayed result, never its instruction (``ADDIN ZOTERO_ITEM {...}`` stays out);
- a footnote or endnote mark as ``[^3]`` (Markdown's footnote syntax, which the reader
  ignores), numbered as Word numbers them (footnotes 1, 2, 3; endnotes i, ii, iii unless
  settings.xml says otherwise);
- Word's automatic list numbering written out as Word shows it (``1.``, ``[1]``, ``a)``; bullets
  are not written), so an auto-numbered reference list has its labels;
- characters the Markdown reader would take for markup running over many lines (a backtick
  opens inline code, ``<!--`` a comment, a line ``~~~`` a code fence, a first line ``---``
  front matter; a typed ``<sup>`` is not a superscript) replaced by look-alikes of the same
  length (ˋ, ‹, ˜, ‐);
- headings (styles "heading 1".."heading 9", "Title", or an outline level) prefixed with
  ``#`` marks of their level (at most six) and a space, so the Markdown reader sees a
  "References" heading and where its section ends;
- each non-empty paragraph of the reference section prefixed with ``- `` (a Markdown list
  item): the Markdown reader takes consecutive lines without a blank line between them as one
  entry unless every one starts like an entry, and one Word paragraph is one entry.

So **columns** are character positions in the paragraph as Word shows it, plus whatever the
reader added before or inside it: ``#`` marks on headings, ``- `` on reference entries, and
the emphasis, ``<sup>`` and note-mark markers earlier on the same line. The line's text is
shown with every finding, which is what to search for in Word.

When a reference manager's bibliography field (``ADDIN ZOTERO_BIBL``, ``ADDIN EN.REFLIST``,
Mendeley's ``CSL_BIBLIOGRAPHY``) is not under a heading that names a reference list, a line
``# References`` is inserted before it; paragraphs after that point are then one line further
down.

**Footnotes and endnotes** are further Sources in ``Manuscript.sources``, with paths
``<file>#footnotes`` and ``<file>#endnotes``: one line per note, in the order of their marks
in the body (so line 3 of ``paper.docx#footnotes`` is footnote 3), each line starting with its
mark (``[^3] ``; not Markdown's ``[^3]:``, whose colon would make the reader blank the next
word as a link target) and the note's paragraphs joined by a space. Separator notes are skipped,
and so are notes no mark refers to. Citations in notes are read with the same grammar, with
the body's reference list deciding how numbers are read, and take their place in the
manuscript's citation order at their note's mark (that is where a reader meets them).

**Reference-manager fields.** Zotero (``ADDIN ZOTERO_ITEM CSL_CITATION {json}``) and
Mendeley (``ADDIN CSL_CITATION {json}``) fields carry each cited item's CSL-JSON; EndNote
(``ADDIN EN.CITE <EndNote>...``, or its base64 ``w:fldData``) carries each item's record. Each
distinct item becomes a Reference in ``Manuscript.bib`` (``b1``, ``b2``... in order of first
citation; ``key`` the item's URI, or its id, or EndNote's record number; ``type`` and
``fields`` in BibTeX's terms so the .bib rules read them; ``span`` the citation that first
cites it; ``raw`` the item's data as stored). Rule RC605 then compares the reference
manager's record with the printed list. A field whose data cannot be read is counted in a
note; the printed citation is still read. Not read: Mendeley Cite's content controls
(``MENDELEY_CITATION_v3_`` tags), Citavi and Paperpile fields, headers, footers, comments.

**Hostile files** are refused with an ``unreadable-input`` problem, before anything is
decompressed where possible: a ZIP whose members would expand beyond 64 MB of XML together,
or more than 100-fold (above 1 MB), or beyond the size they declare (reads are streamed and
capped); more than 10,000 members; encrypted members or a password-protected document;
any DOCTYPE in an XML part (XML bombs need one); more than 16 million characters of text;
damaged archives and malformed XML in the document itself (damaged styles, numbering or notes
parts are skipped, with a note); a .docx that is a .doc, a PDF or some other file. Field data
is read only up to 4 MB a field, EndNote's XML only 64 elements deep.
"""

from __future__ import annotations

import base64
import bisect
import dataclasses
import functools
import io
import json
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

from refcheck.model import Citation, Manuscript, Name, Reference, Source, Span
from refcheck.readers import csl

MB = 1_000_000
MAX_PACKAGE_BYTES = 64 * MB  # the .docx file itself (images included)
MAX_XML_BYTES = 64 * MB  # every XML part read, together, decompressed
MAX_RATIO = 100  # a member above RATIO_FLOOR may expand at most this many times (Word's XML: 5-20)
RATIO_FLOOR = 1 * MB
MAX_MEMBERS = 10_000
MAX_FIELD_DATA = 4 * MB  # one field's instruction text or field data
MAX_TEXT = 16 * MB  # characters of text, body and notes together (as readers.MAX_BYTES for text files)
CHUNK = 256 * 1024

_W = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main", "http://purl.oclc.org/ooxml/wordprocessingml/main")
_NAMESPACES = {
    _W[0]: "w",
    _W[1]: "w",
    "http://schemas.openxmlformats.org/markup-compatibility/2006": "mc",
    "http://schemas.openxmlformats.org/officeDocument/2006/math": "m",
    "http://purl.oclc.org/ooxml/officeDocument/math": "m",
    "http://schemas.openxmlformats.org/package/2006/relationships": "rel",
}
_REL_TYPES = ("officeDocument", "styles", "numbering", "footnotes", "endnotes", "settings")


class Refused(Exception):
    """Why the file is not read, as the rest of a sentence that starts with its path."""


def _size(n: int) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.1f} MB".replace(".0 MB", " MB") if n >= 1e6 else f"{n:,} bytes"


# --------------------------------------------------------------------------------------------
# The package: a ZIP read defensively


def _sniff(data: bytes) -> None:
    """Refuse what is not a ZIP package, saying what it is when that is recognisable."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # an OLE compound file
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise Refused("is a password-protected Word document (an encrypted package); remove the password "
                          "in Word (File > Info > Protect Document) and save it again")
        raise Refused("is an old Word 97-2003 document (.doc), not a .docx; open it in Word and save it as .docx")
    if data.startswith(b"%PDF"):
        raise Refused("is a PDF file, not a Word .docx document")
    if data.lstrip()[:5] == b"{\\rtf":
        raise Refused("is an RTF file, not a .docx; save it from Word as .docx")
    if not data:
        raise Refused("is empty, not a Word .docx document")
    raise Refused("is not a Word .docx document (a .docx is a ZIP package, and this file is not one)")


class _Package:
    """The members of a .docx, each read at most once, within the size limits."""

    def __init__(self, data: bytes):
        if len(data) > MAX_PACKAGE_BYTES:
            raise Refused(f"is {_size(len(data))}, over the {_size(MAX_PACKAGE_BYTES)} limit for .docx files")
        _sniff(data)
        # each central-directory entry starts with this signature: an upper bound on the members,
        # found before zipfile builds an object per member
        if data.count(b"PK\x01\x02") > MAX_MEMBERS:
            raise Refused(f"is refused: a ZIP archive with more than {MAX_MEMBERS:,} members (a Word document has a few dozen)")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, IndexError, KeyError) as err:
            raise Refused(f"is a damaged ZIP package ({err}); open it in Word and save it again") from None
        if len(infos) > MAX_MEMBERS:
            raise Refused(f"is refused: a ZIP archive with more than {MAX_MEMBERS:,} members (a Word document has a few dozen)")
        self.infos = {info.filename: info for info in infos}
        self.budget = MAX_XML_BYTES

    def has(self, name: str) -> bool:
        return name in self.infos

    def check(self, names: list[str]) -> None:
        """Refuse before decompressing anything if these members, as declared, are too much."""
        total = 0
        for name in names:
            info = self.infos[name]
            if info.flag_bits & 0x41:
                raise Refused(f"is a ZIP archive with encrypted members ({name}); refcheck reads .docx files saved without a password")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise Refused(f"is refused: {name} uses ZIP compression method {info.compress_type}, which Word never writes")
            if info.file_size > MAX_XML_BYTES:
                raise Refused(f"is refused: {name} would expand to {_size(info.file_size)}, over the "
                              f"{_size(MAX_XML_BYTES)} limit for a document's text (a ZIP bomb?)")
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise Refused(f"is refused: {name} would expand {info.file_size // max(info.compress_size, 1):,}-fold "
                              f"(from {_size(info.compress_size)} to {_size(info.file_size)}), over the {MAX_RATIO}-fold "
                              "limit (a ZIP bomb?)")
            total += info.file_size
        if total > self.budget:
            raise Refused(f"is refused: its text parts would expand to {_size(total)}, over the {_size(MAX_XML_BYTES)} "
                          "limit (a ZIP bomb?)")

    def chunks(self, name: str):
        """The member's bytes in chunks; never more than it declares, nor than what is left of the budget."""
        info = self.infos[name]
        self.check([name])
        read = 0
        try:
            with self.zip.open(info) as handle:
                while True:
                    chunk = handle.read(CHUNK)
                    if not chunk:
                        break
                    read += len(chunk)
                    if read > info.file_size or read > self.budget:
                        raise Refused(f"is refused: {name} expands beyond the size its header declares "
                                      "(a ZIP bomb, or a damaged file)")
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError, NotImplementedError) as err:
            raise Refused(f"is a damaged ZIP package ({name}: {err}); open it in Word and save it again") from None
        finally:
            self.budget -= read

    def read(self, name: str) -> bytes:
        return b"".join(self.chunks(name))


# --------------------------------------------------------------------------------------------
# XML: expat only, no DOCTYPE, no entities, streamed


class _Doctype(Exception):
    pass


def _no_doctype(*_args) -> None:
    raise _Doctype


def _expat(namespaces: bool = True):
    parser = expat.ParserCreate(namespace_separator=" ") if namespaces else expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    parser.UnparsedEntityDeclHandler = _no_doctype
    parser.ExternalEntityRefHandler = _no_doctype
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    return parser


_TAGS: dict[str, str] = {}


def _tag(name: str) -> str:
    """``"<namespace> p"`` -> ``"w:p"`` (other namespaces -> ``"?:local"``)."""
    tag = _TAGS.get(name)
    if tag is None:
        uri, _, local = name.rpartition(" ")
        tag = f"{_NAMESPACES.get(uri, '?')}:{local}" if uri else local
        if len(_TAGS) < 10_000:
            _TAGS[name] = tag
    return tag


def _attr(attrs: dict, local: str) -> str | None:
    """A ``w:`` attribute (either namespace), or an unqualified one."""
    value = attrs.get(f"{_W[0]} {local}")
    if value is None:
        value = attrs.get(f"{_W[1]} {local}")
        if value is None:
            value = attrs.get(local)
    return value


def _on(value: str | None) -> bool:
    """A toggle property: present without a value, or with a true one."""
    return value is None or value.lower() not in ("0", "false", "off", "none")


def _parse(package: _Package, name: str, start, end=None, text=None) -> None:
    """Stream one member through expat with these handlers; Refused on DOCTYPE or malformed XML."""
    parser = _expat()
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        for chunk in package.chunks(name):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Doctype:
        raise Refused(f"is refused: {name} contains a DOCTYPE or entity declaration, which Word never writes "
                      "(entity declarations can expand to gigabytes: an XML bomb)") from None
    except expat.ExpatError as err:
        detail = f"{expat.ErrorString(err.code)} at line {err.lineno}, column {err.offset + 1}"
        raise _Malformed(f"is damaged: {name} is not well-formed XML ({detail}); open it in Word and save it again",
                         detail) from None
    except LookupError as err:  # <?xml encoding="..."?> names an encoding Python does not know
        raise _Malformed(f"is damaged: {name} declares an unknown encoding ({err}); open it in Word and save it again",
                         str(err)) from None


class _Scan:
    """A parse that only needs each element's tag, attributes and ancestors (styles, numbering...)."""

    def __init__(self, on_start):
        self.stack: list[str] = []
        self.on_start = on_start

    def start(self, name, attrs):
        tag = _tag(name)
        self.stack.append(tag)
        self.on_start(tag, attrs, self.stack)

    def end(self, _name):
        self.stack.pop()


def _scan(package: _Package, name: str, on_start) -> None:
    scan = _Scan(on_start)
    _parse(package, name, scan.start, scan.end)


def _tree(text: str, max_depth: int = 64) -> Element | None:
    """A small XML string (EndNote's record) as an Element; None if it is not safe, well-formed XML."""
    builder = TreeBuilder()
    depth = [0]

    def start(name, attrs):
        depth[0] += 1
        if depth[0] > max_depth:
            raise _Doctype
        builder.start(name, attrs)

    def end(name):
        depth[0] -= 1
        builder.end(name)

    parser = _expat(namespaces=False)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(text, True)
        return builder.close()
    except (_Doctype, expat.ExpatError, AssertionError, IndexError):
        return None


# --------------------------------------------------------------------------------------------
# Styles, numbering, settings, relationships


@dataclass
class _Style:
    kind: str = ""
    name: str = ""
    based_on: str | None = None
    outline: int | None = None
    num_id: str | None = None
    ilvl: int | None = None
    vert: str | None = None
    bold: bool | None = None
    italic: bool | None = None


class _Styles:
    def __init__(self):
        self.styles: dict[str, _Style] = {}
        self.default_paragraph: str | None = None
        self._current: _Style | None = None
        self._first: dict[tuple[str, str], object] = {}

    def on_start(self, tag, attrs, stack):
        if tag == "w:style":
            self._current = _Style(kind=_attr(attrs, "type") or "")
            style_id = _attr(attrs, "styleId")
            if style_id is not None:
                self.styles[style_id] = self._current
                if self._current.kind == "paragraph" and _on(_attr(attrs, "default") or "0"):
                    self.default_paragraph = style_id
            return
        style = self._current
        if style is None or "w:style" not in stack:
            return
        parent = stack[-2] if len(stack) > 1 else ""
        val = _attr(attrs, "val")
        if parent == "w:style":
            if tag == "w:name":
                style.name = (val or "").strip().lower()
            elif tag == "w:basedOn":
                style.based_on = val
        elif parent == "w:pPr" and tag == "w:outlineLvl":
            style.outline = _int(val)
        elif parent == "w:numPr" and tag == "w:numId":
            style.num_id = val
        elif parent == "w:numPr" and tag == "w:ilvl":
            style.ilvl = _int(val)
        elif parent == "w:rPr" and len(stack) > 2 and stack[-3] == "w:style":
            if tag == "w:vertAlign":
                style.vert = val
            elif tag == "w:b":
                style.bold = _on(val)
            elif tag == "w:i":
                style.italic = _on(val)

    def chain(self, style_id: str | None):
        """The style and those it is based on, nearest first (cycles and long chains cut)."""
        seen = set()
        while style_id is not None and style_id not in seen and len(seen) < 20:
            seen.add(style_id)
            style = self.styles.get(style_id)
            if style is None:
                return
            yield style
            style_id = style.based_on

    def first(self, style_id: str | None, attribute: str):
        """The attribute as the style gets it: its own, or the nearest style it is based on."""
        if style_id is None:
            return None
        key = (style_id, attribute)
        if key not in self._first:
            self._first[key] = next((v for v in (getattr(s, attribute) for s in self.chain(style_id)) if v is not None), None)
        return self._first[key]

    def heading_level(self, style_id: str | None, outline: int | None) -> int:
        """1.. for a heading paragraph, 0 for others."""
        for style in self.chain(style_id):
            m = re.fullmatch(r"heading\s*([1-9])", style.name)
            if m:
                return int(m.group(1))
            if style.name == "title":
                return 1
        if outline is None:
            outline = self.first(style_id, "outline")
        return outline + 1 if outline is not None and 0 <= outline < 9 else 0


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""


class _Numbering:
    """Word's automatic numbering: num -> abstract definition -> levels; counters in document order."""

    def __init__(self):
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId -> (abstractNumId, start overrides)
        self.counters: dict[object, list[int]] = {}
        self._abstract: dict[int, _Level] | None = None
        self._level: _Level | None = None
        self._num: str | None = None
        self._override: int | None = None

    def on_start(self, tag, attrs, stack):
        val = _attr(attrs, "val")
        if tag == "w:abstractNum":
            self._abstract = self.abstract.setdefault(_attr(attrs, "abstractNumId") or "", {})
            self._num = None
        elif tag == "w:num":
            self._num = _attr(attrs, "numId")
            self._abstract = None
            if self._num is not None:
                self.nums[self._num] = ("", {})
        elif tag == "w:lvl" and self._abstract is not None and "w:abstractNum" in stack:
            self._level = self._abstract.setdefault(_int(_attr(attrs, "ilvl")) or 0, _Level())
        elif self._level is not None and len(stack) > 1 and stack[-2] == "w:lvl" and "w:abstractNum" in stack:
            if tag == "w:start":
                self._level.start = _int(val) or 0
            elif tag == "w:numFmt":
                self._level.fmt = val or "decimal"
            elif tag == "w:lvlText":
                self._level.text = val or ""
        elif self._num is not None and tag == "w:abstractNumId" and len(stack) > 1 and stack[-2] == "w:num":
            self.nums[self._num] = (val or "", self.nums[self._num][1])
        elif self._num is not None and tag == "w:lvlOverride":
            self._override = _int(_attr(attrs, "ilvl"))
        elif self._num is not None and tag == "w:startOverride" and self._override is not None:
            self.nums[self._num][1][self._override] = _int(val) or 0

    def label(self, num_id: str | None, ilvl: int | None) -> str:
        """The label Word shows for the next paragraph of this list ("" for bullets and none)."""
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id)
        if not levels:
            return ""
        ilvl = min(max(ilvl or 0, 0), 8)
        key = ("num", num_id) if overrides else ("abstract", abstract_id)
        counters = self.counters.setdefault(key, [0] * 9)

        def start(level: int) -> int:
            if level in overrides:
                return overrides[level]
            return levels[level].start if level in levels else 1

        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else start(ilvl)
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        level = levels.get(ilvl)
        if level is None or level.fmt == "bullet":
            return ""

        def number(match: re.Match) -> str:
            k = int(match.group(1)) - 1
            if not 0 <= k <= 8:
                return ""
            value = counters[k] or start(k)
            fmt = levels[k].fmt if k in levels else "decimal"
            return "" if fmt == "none" else _format_number(value, fmt)

        return re.sub(r"%([1-9])", number, level.text).strip()


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1) if value > 0 else str(value)
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value: int) -> str:
    if not 0 < value < 4000:
        return str(value)
    out = []
    for number, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                            (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while value >= number:
            out.append(letters)
            value -= number
    return "".join(out)


def _relationships(package: _Package, name: str, base: str) -> dict[str, str]:
    """Relationship type (last path segment) -> the target member, for internal targets."""
    found: dict[str, str] = {}

    def on_start(tag, attrs, _stack):
        if tag != "rel:Relationship" or (attrs.get("TargetMode") or "").lower() == "external":
            return
        kind = (attrs.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
        target = attrs.get("Target") or ""
        if kind in _REL_TYPES and target and kind not in found:
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
            found[kind] = posixpath.normpath(path).lstrip("/")

    if package.has(name):
        try:
            _scan(package, name, on_start)
        except _Malformed:
            return {}  # the usual part names are tried instead
    return found


# --------------------------------------------------------------------------------------------
# The body and notes: one streaming pass each

_SKIP = frozenset({
    "w:del", "w:moveFrom", "w:delText", "w:delInstrText", "mc:Fallback", "w:rPrChange", "w:pPrChange",
    "w:sectPrChange", "w:tblPrChange", "w:tblPrExChange", "w:trPrChange", "w:tcPrChange", "w:tblGridChange",
    "w:numberingChange", "w:sectPr", "w:sdtPr", "w:sdtEndPr", "m:oMath", "m:oMathPara", "w:rt",
})
_SEPARATORS = frozenset({"separator", "continuationSeparator", "continuationNotice"})
# Word's text is not Markdown: characters the Markdown reader would take for markup spanning
# many lines (a backtick opens inline code, ``<!--`` a comment, a typed ``<sup>`` a superscript)
# are replaced by look-alikes of the same length: ˋ (U+02CB) and ‹ (U+2039)
_LITERAL_TAG = re.compile(r"<(?=/?su[bp]>|!--)", re.I)
_FENCE_LINE = re.compile(r"[ \t]{0,3}(?:~~~|---[ \t]*$)")
_CONTROLS = {c: " " for c in [*range(0, 9), *range(10, 32), 0x85, 0x2028, 0x2029]}
_SYMBOL = dict(zip(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖαβχδεφγηιϕκλμνοπθρστυϖωξψζ",
))
_SYMBOL.update({"\x22": "∀", "\x24": "∃", "\x27": "∋", "\x2a": "∗", "\x2d": "−", "\x40": "≅", "\xa3": "≤", "\xa5": "∞",
                "\xae": "→", "\xb0": "°", "\xb1": "±", "\xb3": "≥", "\xb4": "×", "\xb7": "•", "\xb8": "÷", "\xb9": "≠",
                "\xbb": "≈", "\xd7": "⋅", "\xa2": "′", "\xb2": "″"})


def _symbol(font: str | None, code: str | None) -> str:
    """A ``w:sym`` as Unicode: Symbol-font codes mapped, other private-use codes as U+FFFD."""
    try:
        value = int(code or "", 16)
    except ValueError:
        return "\ufffd"
    if 0xF000 <= value <= 0xF0FF:
        low = chr(value - 0xF000)
        if (font or "").strip().lower() == "symbol":
            return _SYMBOL.get(low, low if " " <= low <= "~" else "\ufffd")
        return "\ufffd"
    return chr(value) if 0x20 <= value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else "\ufffd"


@dataclass(eq=False)
class _Para:
    part: str  # "body", "footnotes", "endnotes"
    parts: list[str] = field(default_factory=list)
    length: int = 0
    style: str | None = None
    num_id: str | None = None
    ilvl: int | None = None
    outline: int | None = None
    format: tuple = ("", False, False)  # (vertical alignment, bold, italic) of the text written last
    pending: str = ""  # white space after emphasised text, written once the next text's format is known
    text: str = ""
    label: str = ""
    level: int = 0
    line: int = -1  # the line of its Source (-1: not shown, e.g. a note no mark refers to)
    column: int = 0  # where the paragraph's own text starts in that line (0-based)


Position = tuple  # (_Para, offset in its text)


@dataclass(eq=False)
class _Field:
    instr: list[str] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    size: int = 0
    result: bool = False
    simple: bool = False  # a w:fldSimple (its instruction is an attribute)
    start: Position | None = None
    end: Position | None = None
    kind: str | None = None
    payload: str = ""


@dataclass
class _Run:
    vert: str | None = None
    style: str | None = None
    vanish: bool = False
    bold: bool | None = None
    italic: bool | None = None


class _Part:
    """One streaming pass over document.xml (``part="body"``) or a notes part."""

    def __init__(self, part: str, styles: _Styles, numbering: _Numbering, note_formats: dict[str, str] | None = None,
                 characters: list[int] | None = None):
        self.part = part
        self.characters = characters if characters is not None else [0]  # text so far, shared by a document's parts
        self.styles = styles
        self.numbering = numbering
        self.note_formats = note_formats or {"footnotes": "decimal", "endnotes": "lowerRoman"}
        self.stack: list[str] = []
        self.ends: list = []  # the end handler of each open element
        self.skip = 0
        self.open: list[_Para] = []
        self.paragraphs: list[_Para] = []  # the body's, in order
        self.notes: dict[str, list[_Para]] = {}  # a notes part's, by note id
        self.note: list[_Para] | None = None
        self.note_id = ""
        self.note_fields = 0
        self.runs: list[_Run] = []
        self.fields: list[_Field] = []
        self.hidden = 0  # open fields whose instruction is being read (their text is not shown)
        self.buffer: list[str] | None = None
        self.finished: list[_Field] = []  # citation and bibliography fields, in document order
        self.marks: list[tuple[str, str, str, Position]] = []  # (notes part, note id, mark, where)
        self.counts = {"footnotes": 0, "endnotes": 0}

    # expat handlers ---------------------------------------------------------------------------

    def start(self, name, attrs):
        if self.skip:
            self.skip += 1
            return
        entry = _ENTRIES.get(name) or _entry(name)
        tag, on_start, on_end, kind = entry
        if kind and (kind == 1 or _attr(attrs, "type") in _SEPARATORS):
            self.skip = 1
            return
        self.stack.append(tag)
        self.ends.append(on_end)
        if on_start is not None:
            on_start(self, attrs)

    def end(self, _name):
        if self.skip:
            self.skip -= 1
            return
        self.stack.pop()
        on_end = self.ends.pop()
        if on_end is not None:
            on_end(self)

    def text(self, data):
        if self.buffer is not None:
            self.buffer.append(data)

    # where we are -----------------------------------------------------------------------------

    def parent(self, depth: int = 2) -> str:
        return self.stack[-depth] if len(self.stack) >= depth else ""

    def position(self) -> Position | None:
        if not self.open:
            return None
        para = self.open[-1]
        return (para, para.length)

    # paragraphs ------------------------------------------------------------------------------

    def p_start(self, _attrs):
        self.open.append(_Para(self.part))

    def p_end(self):
        if not self.open:
            return
        para = self.open.pop()
        self.close_format(para)
        self.characters[0] += para.length
        if self.characters[0] > MAX_TEXT:
            raise Refused(f"is refused: its text is over {MAX_TEXT:,} characters "
                          "(a 10,000-reference manuscript has about 3 million)")
        para.text = "".join(para.parts)
        para.parts = []
        style = para.style or self.styles.default_paragraph
        para.level = self.styles.heading_level(style, para.outline)
        num_id = para.num_id if para.num_id is not None else self.styles.first(style, "num_id")
        ilvl = para.ilvl if para.ilvl is not None else self.styles.first(style, "ilvl")
        para.label = self.numbering.label(num_id, ilvl)
        if self.part == "body":
            self.paragraphs.append(para)
        elif self.note is not None:
            self.note.append(para)

    def ppr(self, attrs):
        if self.parent() != "w:pPr" or self.parent(3) != "w:p" or not self.open:
            return
        tag = self.stack[-1]
        para = self.open[-1]
        if tag == "w:pStyle":
            para.style = _attr(attrs, "val")
        elif tag == "w:outlineLvl":
            para.outline = _int(_attr(attrs, "val"))

    def numpr(self, attrs):
        if self.parent() != "w:numPr" or self.parent(3) != "w:pPr" or not self.open:
            return
        if self.stack[-1] == "w:numId":
            self.open[-1].num_id = _attr(attrs, "val")
        else:
            self.open[-1].ilvl = _int(_attr(attrs, "val"))

    # runs ------------------------------------------------------------------------------------

    def r_start(self, _attrs):
        self.runs.append(_Run())

    def r_end(self):
        if self.runs:
            self.runs.pop()

    def rpr(self, attrs):
        if self.parent() != "w:rPr" or self.parent(3) != "w:r" or not self.runs:
            return
        run = self.runs[-1]
        tag = self.stack[-1]
        val = _attr(attrs, "val")
        if tag == "w:vertAlign":
            run.vert = val
        elif tag == "w:rStyle":
            run.style = val
        elif tag == "w:vanish":
            run.vanish = _on(val)
        elif tag == "w:b":
            run.bold = _on(val)
        elif tag == "w:i":
            run.italic = _on(val)

    def run_format(self) -> tuple[str, bool, bool]:
        if not self.runs:
            return ("", False, False)
        run = self.runs[-1]
        styles = self.styles
        vert = run.vert if run.vert is not None else styles.first(run.style, "vert")
        bold = run.bold if run.bold is not None else bool(styles.first(run.style, "bold"))
        italic = run.italic if run.italic is not None else bool(styles.first(run.style, "italic"))
        vert = vert if vert in ("superscript", "subscript") else ""
        return (vert, bold, italic)

    def shown(self) -> bool:
        return bool(self.open) and not self.hidden and not (self.runs and self.runs[-1].vanish)

    def write(self, text: str, fmt: tuple[str, bool, bool] | None = None) -> None:
        """Add displayed text to the open paragraph, opening and closing format markers as needed."""
        if not text or not self.shown():
            return
        para = self.open[-1]
        fmt = self.run_format() if fmt is None else fmt
        text = text.translate(_CONTROLS)
        if "`" in text or "<" in text:
            text = _LITERAL_TAG.sub("\u2039", text.replace("`", "\u02cb"))
        if fmt != para.format:
            core = text.lstrip()
            lead = text[: len(text) - len(core)]
            if not core:  # white space alone does not change the format
                para.pending += text
                return
            self.close_format(para)
            self.append(para, lead)
            vert, bold, italic = fmt
            self.append(para, ("**" if bold else "") + ("*" if italic else "") + (f"<{vert[:3]}>" if vert else ""))
            para.format = fmt
            text = core
        elif para.pending:
            self.append(para, para.pending)
            para.pending = ""
        if fmt[1] or fmt[2]:  # trailing white space stays outside the emphasis
            core = text.rstrip()
            para.pending = text[len(core):]
            text = core
        self.append(para, text)

    def close_format(self, para: _Para) -> None:
        vert, bold, italic = para.format
        if vert or bold or italic:
            self.append(para, (f"</{vert[:3]}>" if vert else "") + ("*" if italic else "") + ("**" if bold else ""))
            para.format = ("", False, False)
        if para.pending:
            self.append(para, para.pending)
            para.pending = ""

    @staticmethod
    def append(para: _Para, text: str) -> None:
        if text:
            para.parts.append(text)
            para.length += len(text)

    def t_start(self, _attrs):
        self.buffer = []

    def t_end(self):
        text = "".join(self.buffer or ())
        self.buffer = None
        self.write(text)

    def special(self, attrs):
        """``w:tab``, ``w:br``, ``w:sym``... inside a run."""
        if self.parent() != "w:r":
            return
        tag = self.stack[-1]
        if tag in ("w:tab", "w:ptab"):
            self.write("\t")
        elif tag in ("w:br", "w:cr"):
            self.write(" ")
        elif tag == "w:noBreakHyphen":
            self.write("-")
        elif tag == "w:sym":
            self.write(_symbol(_attr(attrs, "font"), _attr(attrs, "char")))

    # notes -----------------------------------------------------------------------------------

    def note_mark(self, attrs):
        """A footnote or endnote reference in the body: ``[^3]``, numbered as Word numbers it."""
        if self.part != "body" or self.parent() != "w:r" or not self.shown():
            return
        part = "footnotes" if self.stack[-1] == "w:footnoteReference" else "endnotes"
        note_id = _attr(attrs, "id") or ""
        if _on(_attr(attrs, "customMarkFollows") or "0"):
            mark = "*"
        else:
            self.counts[part] += 1
            mark = _format_number(self.counts[part], self.note_formats[part])
        para = self.open[-1]
        self.close_format(para)
        self.marks.append((part, note_id, mark, (para, para.length)))
        self.append(para, f"[^{mark}]")

    def note_start(self, attrs):
        self.note = []
        self.note_id = _attr(attrs, "id") or ""
        self.note_fields = len(self.fields)

    def note_end(self):
        if self.note is not None:
            self.notes.setdefault(self.note_id, self.note)
        self.note = None
        self.discard_fields(self.note_fields)  # a field never ends outside its note

    # fields ----------------------------------------------------------------------------------

    def fldchar(self, attrs):
        kind = _attr(attrs, "fldCharType")
        if kind == "begin":
            self.fields.append(_Field())
            self.hidden += 1
        elif kind == "separate":
            if self.fields and not self.fields[-1].result:
                top = self.fields[-1]
                top.result = True
                self.hidden -= 1
                top.start = self.position()
        elif kind == "end" and self.fields:
            top = self.fields.pop()
            if not top.result:
                self.hidden -= 1
            top.end = self.position()
            self.finish(top)

    def fldsimple_start(self, attrs):
        self.fields.append(_Field(instr=[_attr(attrs, "instr") or ""], result=True, simple=True, start=self.position()))

    def fldsimple_end(self):
        # the innermost fldSimple; complex fields left open inside it are dropped
        while self.fields:
            top = self.fields.pop()
            if top.simple:
                top.end = self.position()
                self.finish(top)
                break
            if not top.result:
                self.hidden -= 1

    def discard_fields(self, keep: int) -> None:
        while len(self.fields) > keep:
            if not self.fields.pop().result:
                self.hidden -= 1

    def instr_start(self, _attrs):
        self.buffer = []

    def instr_end(self):
        text = "".join(self.buffer or ())
        self.buffer = None
        if self.fields and not self.fields[-1].result:
            self.add_data(self.fields[-1], self.fields[-1].instr, text)

    def flddata_end(self):
        """``w:fldData`` (in a field's begin mark): one base64 blob, kept whole."""
        text = "".join(self.buffer or ())
        self.buffer = None
        if self.fields and text.strip():
            self.add_data(self.fields[-1], self.fields[-1].data, text)

    @staticmethod
    def add_data(fld: _Field, into: list[str], text: str) -> None:
        if fld.size + len(text) <= MAX_FIELD_DATA:
            into.append(text)
            fld.size += len(text)
        else:
            fld.size = MAX_FIELD_DATA + 1  # too much: the field's data will not be read

    def finish(self, fld: _Field) -> None:
        """Keep reference-manager fields; EndNote's data field hands its data to the field around it."""
        instr = "".join(fld.instr).strip()
        kind = _field_kind(instr)
        if kind is None:
            return
        if kind == "endnote-data":
            if self.fields:
                outer = self.fields[-1]
                for piece in fld.data:
                    self.add_data(outer, outer.data, piece)
            return
        if fld.size > MAX_FIELD_DATA:
            kind = "too-large" if kind != "bibliography" else kind
        fld.kind = kind
        fld.payload = instr
        fld.instr = []
        self.finished.append(fld)


_ENTRIES: dict[str, tuple] = {}


def _entry(name: str) -> tuple:
    """(tag, start handler, end handler, 0 | 1 = skipped | 2 = a note, skipped if a separator), cached by expat name."""
    tag = _tag(name)
    kind = 1 if tag in _SKIP else 2 if tag in ("w:footnote", "w:endnote") else 0
    entry = (tag, _STARTS.get(tag), _ENDS.get(tag), kind)
    if len(_ENTRIES) < 10_000:
        _ENTRIES[name] = entry
    return entry


def _field_kind(instr: str) -> str | None:
    head = instr[:80].upper()
    if not head.startswith("ADDIN"):
        return None
    rest = head[5:].lstrip()
    if rest.startswith("ZOTERO_BIBL") or rest.startswith("EN.REFLIST") or "CSL_BIBLIOGRAPHY" in rest:
        return "bibliography"
    if rest.startswith("ZOTERO_ITEM") or rest.startswith("CSL_CITATION"):
        return "csl"
    if rest.startswith("EN.CITE.DATA"):
        return "endnote-data"
    if rest.startswith("EN.CITE"):
        return "endnote"
    return None


_STARTS = {
    "w:p": _Part.p_start, "w:pStyle": _Part.ppr, "w:outlineLvl": _Part.ppr, "w:numId": _Part.numpr, "w:ilvl": _Part.numpr,
    "w:r": _Part.r_start, "w:vertAlign": _Part.rpr, "w:rStyle": _Part.rpr, "w:vanish": _Part.rpr, "w:b": _Part.rpr,
    "w:i": _Part.rpr, "w:t": _Part.t_start, "w:tab": _Part.special, "w:ptab": _Part.special, "w:br": _Part.special,
    "w:cr": _Part.special, "w:noBreakHyphen": _Part.special, "w:sym": _Part.special,
    "w:footnoteReference": _Part.note_mark, "w:endnoteReference": _Part.note_mark,
    "w:footnote": _Part.note_start, "w:endnote": _Part.note_start,
    "w:fldChar": _Part.fldchar, "w:fldSimple": _Part.fldsimple_start, "w:instrText": _Part.instr_start,
    "w:fldData": _Part.t_start,
}
_ENDS = {
    "w:p": _Part.p_end, "w:r": _Part.r_end, "w:t": _Part.t_end, "w:footnote": _Part.note_end, "w:endnote": _Part.note_end,
    "w:fldSimple": _Part.fldsimple_end, "w:instrText": _Part.instr_end, "w:fldData": _Part.flddata_end,
}


# --------------------------------------------------------------------------------------------
# Reference-manager records -> References

# EndNote reference types (the name attribute of <ref-type>) -> BibTeX entry types
_ENDNOTE_TYPES = {
    "journal article": "article", "magazine article": "article", "newspaper article": "article", "electronic article": "article",
    "book": "book", "edited book": "book", "electronic book": "book", "book section": "incollection",
    "electronic book section": "incollection", "conference proceedings": "inproceedings", "conference paper": "inproceedings",
    "thesis": "phdthesis", "report": "techreport", "government document": "techreport", "unpublished work": "unpublished",
    "manuscript": "unpublished",
}

def _csl_items(instr: str) -> list[tuple[str, Callable[[], csl.Record]]]:
    """(key, record maker) of each item of a Zotero or Mendeley citation field; ValueError if its
    JSON cannot be read. Records are made only for items not seen before (``make()``)."""
    start = instr.find("{")
    if start < 0:
        raise ValueError("no JSON")
    data, _ = json.JSONDecoder().raw_decode(instr, start)
    items = data.get("citationItems") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValueError("no citationItems")
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("itemData"), dict):
            continue
        item_data = item["itemData"]
        uris = item.get("uris") or item.get("uri") or ()
        uris = [uris] if isinstance(uris, str) else uris if isinstance(uris, list) else []
        key = next((u for u in (csl.value(u) for u in uris) if u), None) or csl.value(item.get("id")) or csl.value(item_data.get("id"))
        out.append((key or "", functools.partial(csl.record, key or "", item_data)))
    return out


def _element_text(element: Element | None) -> str | None:
    if element is None:
        return None
    return " ".join("".join(element.itertext()).split()) or None


def _person(text: str) -> Name:
    """An EndNote author: ``Smith, John A.``, ``World Health Organization,`` or ``John Smith``."""
    if "," in text:
        family, given = text.split(",", 1)
        return Name(family.strip(), given.strip())
    words = text.split()
    return Name(words[-1], " ".join(words[:-1])) if len(words) > 1 else Name(text)


def _endnote_xml(instr: str, data: list[str]) -> str:
    """The ``<EndNote>`` XML of an EndNote citation: in the instruction, or base64 in a field-data
    blob (the field's own, or its nested EN.CITE.DATA field's; EndNote often writes both)."""
    start = instr.find("<EndNote")
    if start >= 0:
        return instr[start:]
    for blob in data:
        try:
            raw = base64.b64decode(re.sub(r"\s+", "", blob))
        except ValueError:
            continue
        encoding = "utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-16-le" if raw[1:2] == b"\x00" else "utf-8"
        text = raw.decode(encoding, "replace")
        start = text.find("<EndNote")
        if start >= 0:
            return text[start:]
    raise ValueError("no EndNote record")


def _endnote_items(instr: str, data: list[str]) -> list[tuple[str, Callable[[], csl.Record]]]:
    """(key, record maker) of each item of an EndNote citation field; ValueError if its XML cannot be read."""
    xml = _endnote_xml(instr, data)
    end = xml.rfind("</EndNote>")
    root = _tree(xml[: end + len("</EndNote>")] if end >= 0 else xml)
    if root is None:
        raise ValueError("the EndNote XML is not well-formed")
    out = []
    for cite in root.iter("Cite"):
        record = cite.find("record")
        if record is None:
            continue  # a temporary citation ({Smith, 2010 #12}): nothing to compare
        key = _element_text(cite.find("RecNum")) or _element_text(record.find("rec-number")) or ""
        out.append((key, functools.partial(_endnote_record, key, cite, record)))
    return out


def _endnote_record(key: str, cite: Element, record: Element) -> csl.Record:
    from xml.etree.ElementTree import tostring  # noqa: PLC0415

    ref_type = record.find("ref-type")
    kind = _ENDNOTE_TYPES.get((ref_type.get("name", "") if ref_type is not None else "").strip().lower(), "misc")
    authors = tuple(_person(t) for t in (_element_text(a) for a in record.iterfind("contributors/authors/author")) if t)
    editors = False
    if not authors:
        authors = tuple(_person(t) for t in (_element_text(a) for a in record.iterfind("contributors/secondary-authors/author")) if t)
        editors = bool(authors)
    year = csl.YEAR.search(_element_text(record.find("dates/year")) or _element_text(cite.find("Year")) or "")
    container = (_element_text(record.find("titles/secondary-title")) or _element_text(record.find("periodical/full-title"))
                 or _element_text(record.find("periodical/abbr-1")))
    url = _element_text(record.find("urls/related-urls/url"))
    return csl.Record(
        key=key,
        raw=tostring(record, encoding="unicode"),
        type=kind,
        authors=authors,
        year=year.group(1) if year else None,
        title=_element_text(record.find("titles/title")),
        container_title=container,
        volume=_element_text(record.find("volume")),
        issue=_element_text(record.find("number")),
        page=_element_text(record.find("pages")),
        doi=csl.doi(_element_text(record.find("electronic-resource-num"))) or csl.doi(url if url and "doi.org/" in url else None),
        url=url,
        editors=editors,
        publisher=bool(_element_text(record.find("publisher"))),
    )


# --------------------------------------------------------------------------------------------
# Putting it together


def _heading_prefix(para: _Para) -> str:
    if para.level and (para.text.strip() or para.label):
        return "#" * min(para.level, 6) + " "
    return ""


def _line_starts(lines: list[str]) -> list[int]:
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    return starts


_BULLETED = re.compile(r"[ \t]{0,3}[-*+][ \t]+\S")
_HEADING_LINE = re.compile(r"[ \t]{0,3}#{1,6}[ \t]+\S")


def _body_text(paragraphs: list[_Para], bibliography: _Para | None) -> str:
    """The body's lines (see the module docstring); sets each paragraph's line and column."""
    from refcheck.readers.markdown import find_reference_section, mask  # noqa: PLC0415

    prefixes = [_heading_prefix(p) + (p.label + " " if p.label else "") for p in paragraphs]
    lines = [prefix + p.text for prefix, p in zip(prefixes, paragraphs)]
    for i, line in enumerate(lines):
        if line[:1] in " \t~-" and _FENCE_LINE.match(line) and (i == 0 or "~" in line[:6]):
            # "~~~" would open a code fence to the end of the text, and a first line "---" front matter
            at = line.index("~" if "~" in line[:6] else "-")
            lines[i] = line[:at] + ("\u02dc" if line[at] == "~" else "\u2010") + line[at + 1 :]
    rows: list[_Para | None] = list(paragraphs)  # the paragraph of each line (None: a line the reader added)
    text = "\n".join(lines)
    section = find_reference_section(mask(text))
    if section is None and bibliography is not None and bibliography in rows:
        at = rows.index(bibliography)
        lines.insert(at, "# References")
        prefixes.insert(at, "")
        rows.insert(at, None)
        text = "\n".join(lines)
        section = find_reference_section(mask(text))
    if section is not None:
        for i, start in enumerate(_line_starts(lines)):
            if section.start <= start < section.end and lines[i].strip() and rows[i] is not None \
                    and not _HEADING_LINE.match(lines[i]) and not _BULLETED.match(lines[i]):
                lines[i] = "- " + lines[i]
                prefixes[i] = "- " + prefixes[i]
    for i, para in enumerate(rows):
        if para is not None:
            para.line, para.column = i, len(prefixes[i])
    return "\n".join(lines)


def _notes_text(marks, notes: dict[str, list[_Para]]) -> tuple[str, list[tuple[str, int]]]:
    """One line per note, in the order of the marks: ``[^3] text``. Returns the text and, per
    line, (note id, index of the mark in ``marks``)."""
    lines, order, seen = [], [], set()
    for index, (_part, note_id, mark, _where) in enumerate(marks):
        if note_id in seen or note_id not in notes:
            continue
        seen.add(note_id)
        prefix = f"[^{mark}] "
        pieces, column = [], len(prefix)
        for para in notes[note_id]:
            label = para.label + " " if para.label else ""
            para.line, para.column = len(lines), column + len(label)
            pieces.append(label + para.text)
            column += len(label) + len(para.text) + 1
        lines.append(prefix + " ".join(pieces))
        order.append((note_id, index))
    return "\n".join(lines), order


def _offset(starts: list[int], position: Position) -> int:
    para, offset = position
    return starts[para.line] + para.column + offset


@dataclass
class _Document:
    path: str
    body: _Part
    notes: dict[str, _Part] = field(default_factory=dict)
    notes_lost: list[str] = field(default_factory=list)


def _read_parts(path: str, data: bytes) -> _Document:
    package = _Package(data)
    rels = _relationships(package, "_rels/.rels", "")
    document = rels.get("officeDocument", "word/document.xml")
    if not package.has(document):
        document = "word/document.xml"
    if not package.has(document):
        names = package.infos
        if "mimetype" in names and "content.xml" in names:
            raise Refused("is an OpenDocument file (.odt), not a .docx; save it as .docx")
        if any(n.startswith("xl/") for n in names):
            raise Refused("is an Excel workbook, not a Word document")
        if any(n.startswith("ppt/") for n in names):
            raise Refused("is a PowerPoint presentation, not a Word document")
        raise Refused("is a ZIP archive but not a Word document (it has no word/document.xml)")
    base = posixpath.dirname(document)
    found = _relationships(package, posixpath.join(base, "_rels", posixpath.basename(document) + ".rels"), base)
    defaults = {"styles": "styles.xml", "numbering": "numbering.xml", "settings": "settings.xml",
                "footnotes": "footnotes.xml", "endnotes": "endnotes.xml"}
    parts = {kind: found.get(kind) or posixpath.join(base, name) for kind, name in defaults.items()}
    parts = {kind: name for kind, name in parts.items() if package.has(name) and name != document}
    package.check([document, *dict.fromkeys(parts.values())])  # all of it, as declared, before any is decompressed

    styles, numbering, formats, lost = _Styles(), _Numbering(), {"footnotes": "decimal", "endnotes": "lowerRoman"}, []

    def settings(tag, attrs, stack):
        if tag == "w:numFmt" and len(stack) > 1 and stack[-2] in ("w:footnotePr", "w:endnotePr") and _attr(attrs, "val"):
            formats["footnotes" if stack[-2] == "w:footnotePr" else "endnotes"] = _attr(attrs, "val")

    for kind, handler in (("styles", styles.on_start), ("numbering", numbering.on_start), ("settings", settings)):
        if kind in parts:
            try:
                _scan(package, parts[kind], handler)
            except _Malformed as err:
                lost.append(f"{parts[kind]} could not be read ({err.detail}): headings, list numbers or note numbers may be missed")
    characters = [0]
    body = _Part("body", styles, numbering, formats, characters)
    _parse(package, document, body.start, body.end, body.text)
    result = _Document(path, body, notes_lost=lost)
    for kind in ("footnotes", "endnotes"):
        if kind in parts and any(mark[0] == kind for mark in body.marks):
            part = _Part(kind, styles, numbering, formats, characters)
            try:
                _parse(package, parts[kind], part.start, part.end, part.text)
            except _Malformed as err:
                lost.append(f"the {kind} ({parts[kind]}) could not be read ({err.detail}); citations in them are not checked")
                continue
            result.notes[kind] = part
    return result


class _Malformed(Refused):
    """Malformed XML (not hostile): an auxiliary part is skipped, the document itself is refused."""

    def __init__(self, message: str, detail: str):
        super().__init__(message)
        self.detail = detail


def _items(fld: _Field) -> list[tuple[str, Callable[[], csl.Record]]]:
    if fld.kind == "csl":
        return _csl_items(fld.payload)
    if fld.kind == "endnote":
        return _endnote_items(fld.payload, fld.data)
    raise ValueError(f"{fld.kind} field")


def _assemble(doc: _Document) -> Manuscript:
    from refcheck.readers import markdown  # noqa: PLC0415

    path, body = doc.path, doc.body
    bibliographies = [f for f in body.finished if f.kind == "bibliography" and f.start is not None]
    text = _body_text(body.paragraphs, bibliographies[0].start[0] if bibliographies else None)
    source = Source(path, text, "docx")
    starts = _line_starts(text.split("\n"))
    manuscript = markdown.read(source)

    # notes: further sources, their citations read against the body's reference list
    labels = [r.label for r in manuscript.references if r.label]
    numbered = bool(labels)
    top = max((int(label) for label in labels if label.isdecimal()), default=0)
    ordered: list[tuple[tuple, Citation]] = [((c.span.start, 0, 0), c) for c in manuscript.citations]
    sources: list[Source] = []
    note_starts: dict[str, list[int]] = {}
    note_key: dict[str, dict[int, int]] = {}  # part -> line -> body offset of its mark
    for kind, part in doc.notes.items():
        marks = [m for m in body.marks if m[0] == kind]
        note_text, order = _notes_text(marks, part.notes)
        if not order:
            continue
        note_source = Source(f"{path}#{kind}", note_text, "docx")
        sources.append(note_source)
        note_starts[kind] = _line_starts(note_text.split("\n"))
        note_key[kind] = {line: _offset(starts, marks[index][3]) for line, (_id, index) in enumerate(order)}
        masked = markdown.mask(note_text)
        for citation in markdown.citations_in(note_source, masked, len(note_text), numbered, top):
            line = citation.span.line - 1
            ordered.append(((note_key[kind][line], 1, citation.span.start), citation))
    if len(ordered) > len(manuscript.citations):  # notes' citations take their place in the numbering
        ordered.sort(key=lambda pair: pair[0])
        citations = tuple(c if c.id == f"c{i + 1}" else dataclasses.replace(c, id=f"c{i + 1}")
                          for i, (_key, c) in enumerate(ordered))
    else:
        citations = manuscript.citations

    # reference-manager records: one Reference per distinct item, in order of first citation
    by_source = {s.path: s for s in (source, *sources)}
    fields: list[tuple[tuple, _Field, str, list[int]]] = []
    for f in body.finished:
        if f.kind != "bibliography":
            fields.append(((_offset(starts, f.start) if f.start else 0, 0, 0), f, path, starts))
    for kind, part in doc.notes.items():
        if kind not in note_starts:
            continue
        for f in part.finished:
            if f.kind == "bibliography" or f.start is None or f.start[0].line not in note_key[kind]:
                continue
            fields.append(((note_key[kind][f.start[0].line], 1, _offset(note_starts[kind], f.start)), f, f"{path}#{kind}", note_starts[kind]))
    fields.sort(key=lambda item: item[0])
    spans = _Spans(citations)
    bib: list[Reference] = []
    seen: set[str] = set()
    unreadable = 0
    for _key, f, where, line_starts in fields:
        try:
            items = _items(f)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError, UnicodeError):
            unreadable += 1
            continue
        span = None
        for key, make in items:
            if key and key in seen:
                continue
            record = make()
            if (key or record.raw) in seen:
                continue
            seen.add(key or record.raw)
            span = span or spans.of(by_source[where], line_starts, f)
            bib.append(csl.reference(record, f"b{len(bib) + 1}", span))
    notes = list(manuscript.notes) + doc.notes_lost
    if unreadable:
        notes.append(f"{unreadable} reference-manager citation field{'s' if unreadable > 1 else ''} of {path} could not be read "
                     "(damaged or unknown data); the printed citations are still checked")
    return dataclasses.replace(manuscript, citations=citations, bib=tuple(bib), sources=(*manuscript.sources, *sources),
                               notes=tuple(notes), bib_files=())


class _Spans:
    """Where each field's citation is: the grammar's citation over the field's displayed text,
    found by bisection (citations of one source do not overlap and are in order)."""

    def __init__(self, citations: tuple[Citation, ...]):
        self.by_path: dict[str, tuple[list[int], list[Span]]] = {}
        for citation in citations:
            ends, spans = self.by_path.setdefault(citation.span.path, ([], []))
            ends.append(citation.span.end)
            spans.append(citation.span)
        for ends, spans in self.by_path.values():
            order = sorted(range(len(spans)), key=lambda i: spans[i].start)
            ends[:] = [spans[i].end for i in order]
            spans[:] = [spans[i] for i in order]

    def of(self, source: Source, line_starts: list[int], f: _Field) -> Span:
        """The citation the field displays, or the field's displayed text, or where the field starts."""
        if f.start is None:
            return source.span(0, 0)
        start = _offset(line_starts, f.start)
        end = _offset(line_starts, f.end) if f.end is not None and f.end[0].line >= 0 else start
        end = max(end, start)
        ends, spans = self.by_path.get(source.path, ([], []))
        i = bisect.bisect_right(ends, start)  # the first citation ending after the field starts
        if i < len(spans) and spans[i].start < max(end, start + 1):
            return spans[i]
        while start < end and source.text[start].isspace():
            start += 1
        return source.span(start, end)


def read_bytes(path: str, data: bytes) -> Manuscript:
    """Read a .docx file's bytes into a Manuscript; anything unreadable or hostile becomes one
    unreadable-input problem (never an exception)."""
    from refcheck.readers import _unreadable  # noqa: PLC0415

    path = str(path)
    try:
        return _assemble(_read_parts(path, data))
    except Refused as err:
        return _unreadable(path, str(err))
    except Exception as err:  # noqa: BLE001 - a reader bug must not stop the check
        return _unreadable(path, f"could not be read as a Word document ({type(err).__name__}: {err})")
