"""Readers turn a file's text into a Manuscript. The registry is a plain dict by extension.

``load(path)`` is the I/O edge: it reads bytes, decides the encoding, and turns anything that
is not readable text into an ``unreadable-input`` problem instead of an exception.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import re
from collections.abc import Iterable
from pathlib import Path

from refcheck.model import Manuscript, Problem, Source

MAX_BYTES = 16 * 1024 * 1024  # a 10,000-reference manuscript is about 3 MB
# a Word package holds its figures too; the DOCX reader never decompresses them and caps what it does
PACKAGE_MAX_BYTES = 64 * 1024 * 1024

FORMATS = {".md": "markdown", ".markdown": "markdown", ".rmd": "markdown", ".qmd": "markdown", ".txt": "text",
           ".tex": "latex", ".ltx": "latex", ".bib": "bibtex", ".xml": "jats", ".nxml": "jats",
           ".docx": "docx", ".docm": "docx"}

# format -> module with a ``read(source) -> Manuscript`` (text formats) or a
# ``read_bytes(path, data) -> Manuscript`` (BINARY formats); imported on first use so that
# `refcheck --help` does not pay for compiling the grammar
READERS = {"markdown": "refcheck.readers.markdown", "latex": "refcheck.readers.latex", "bibtex": "refcheck.readers.bibtex",
           "text": "refcheck.readers.text", "jats": "refcheck.readers.jats", "docx": "refcheck.readers.docx"}
BINARY = frozenset({"docx"})
INPUT_FORMATS = tuple(READERS)  # what --format-in accepts


def _reader(fmt: str, name: str = "read"):
    import importlib

    return getattr(importlib.import_module(READERS[fmt]), name)


_XML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml\b|<!DOCTYPE\s+article\b|<article\b)")


def detect(path: str | os.PathLike, head: bytes) -> str:
    """The format of a file from its first bytes, else its extension, else Markdown.

    Content wins where it is unambiguous: a ZIP container is a DOCX package whatever its name,
    and XML (an ``<?xml`` declaration or a JATS ``<article>``) is read as JATS even when saved
    as ``.txt``. ``--format-in`` overrides both.
    """
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if _XML_START.match(head) or _XML_START.match(_utf16_ascii(head)):
        return "jats"
    return FORMATS.get(Path(path).suffix.lower(), "markdown")


def _utf16_ascii(head: bytes) -> bytes:
    """The ASCII bytes of a UTF-16 start (BOM dropped), enough to recognise ``<?xml``."""
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return head[2:].replace(b"\x00", b"")
    return b""


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class Unreadable(Exception):
    """Raised inside this module only; turned into an unreadable-input problem by load()."""


def decode(data: bytes) -> str:
    """Bytes -> text with newlines normalised to ``\\n``. UTF-8, or UTF-16/32 with a BOM."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as err:
                raise Unreadable(f"is not valid {encoding.upper()} (byte {err.start})") from None
            break
    else:
        if b"\x00" in data[:8192]:
            raise Unreadable("is a binary file, not text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            raise Unreadable(
                f"is not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}, line {line}); save it as UTF-8"
            ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\t\f")
    if controls > 0.05 * min(len(text), 8192):
        raise Unreadable("is a binary file, not text")
    return text


def _unreadable(path: str, message: str) -> Manuscript:
    source = Source(path, "")
    return Manuscript(source=source, problems=(Problem(source.span(0, 0), f"{path} {message}", rule="unreadable-input"),))


def read_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """A file's bytes; Unreadable (with the reason) for directories, missing and huge files.

    The one I/O edge for every file refcheck reads: manuscripts, .bib files, \\input files.
    The size is checked before reading, so a 100 MB file costs nothing.
    """
    try:
        if path.is_dir():
            raise Unreadable("is a directory")
        size = path.stat().st_size
        if size > max_bytes:
            raise Unreadable(f"is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit (see --max-bytes)")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # a file growing while read is cut off, not trusted
    except OSError as err:
        raise Unreadable(f"cannot be read: {err.strerror or err}") from None
    if len(data) > max_bytes:
        raise Unreadable(f"is over the {max_bytes / 1e6:.1f} MB limit (see --max-bytes)")
    return data


def read_file(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """A file's text; Unreadable (with the reason) for directories, huge, binary or undecodable files."""
    return decode(read_bytes(path, max_bytes))


def with_bibliography(manuscript: Manuscript, extra: Iterable[str | os.PathLike] = (), *, max_bytes: int = MAX_BYTES) -> Manuscript:
    """Read the .bib files the manuscript names (relative to it) and ``extra`` ones (``--bib``).

    Entries are numbered ``b1``, ``b2``... across files; a file that cannot be read is an
    unreadable-input problem at the place that names it (the front matter, or line 1).
    """
    base = Path(manuscript.path).parent
    paths = [base / name for name in manuscript.bib_files] + [Path(p) for p in extra]
    if not paths:
        return manuscript
    from refcheck.readers.bibtex import read_bib  # noqa: PLC0415 - only manuscripts with a bibliography pay for it
    from refcheck.readers.csl import read_csl  # noqa: PLC0415
    # a reader may have found records already (a Word file's reference-manager fields): keep them first
    entries, problems, sources = list(manuscript.bib), list(manuscript.problems), list(manuscript.sources)
    seen = set()
    for path in paths:
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        try:
            source = Source(str(path), read_file(path, max_bytes), "bibtex")
        except Unreadable as err:
            problems.append(Problem(manuscript.source.span(0, 0), f"the bibliography {path} {err}", rule="unreadable-input"))
            continue
        found, found_problems = (read_csl if path.suffix.lower() == ".json" else read_bib)(source)  # pandoc reads both
        offset = len(entries)
        entries.extend(dataclasses.replace(e, id=f"b{offset + i + 1}") for i, e in enumerate(found))
        problems.extend(found_problems)
        sources.append(source)
    return dataclasses.replace(manuscript, bib=tuple(entries), problems=tuple(problems), sources=tuple(sources),
                               bib_files=(*manuscript.bib_files, *(str(p) for p in extra)))


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(512)
    except OSError:
        return b""  # read_bytes says why


def load(path: str | os.PathLike, *, max_bytes: int | None = None, bib: Iterable[str | os.PathLike] = (),
         fmt: str | None = None) -> Manuscript:
    """Read one manuscript file and its bibliography; never raises for bad content (only the caller checks existence).

    ``fmt`` forces the format (``--format-in``); by default it is detected (see ``detect``).
    ``max_bytes`` defaults to MAX_BYTES for text and PACKAGE_MAX_BYTES for DOCX packages.
    """
    p = Path(path)
    name = str(path)
    if p.is_dir() and fmt is None:
        from refcheck.readers.project import ProjectError, documents

        try:
            found = documents(p)
        except ProjectError as err:
            return _unreadable(name, f"is a project whose settings cannot be read: {err}")
        if found is not None and len(found) == 1:
            return load_document(found[0], max_bytes=max_bytes, bib=bib)
    try:
        fmt = fmt or detect(p, b"" if p.is_dir() else _head(p))
        limit = max_bytes or (PACKAGE_MAX_BYTES if fmt in BINARY else MAX_BYTES)
        data = read_bytes(p, limit)
        if fmt in BINARY:
            return with_bibliography(_reader(fmt, "read_bytes")(name, data), bib, max_bytes=max_bytes or MAX_BYTES)
        text = decode(data)
    except Unreadable as err:
        hint = "; pass the manuscript file inside it" if p.is_dir() else ""
        return _unreadable(name, f"{err}{hint}")
    open_file = None
    if fmt == "latex":
        from refcheck.readers.latex import opener

        open_file = opener(p, max_bytes=limit)
    return with_bibliography(read_text(text, name, fmt, open_file=open_file), bib, max_bytes=limit)


def load_document(document, *, max_bytes: int | None = None, bib: Iterable[str | os.PathLike] = ()) -> Manuscript:
    """Read a project's document (``readers.project.Document``: its files joined as its toolchain
    joins them) and its bibliography; a file that cannot be read is an unreadable-input problem."""
    from refcheck.readers.project import read

    limit = max_bytes or MAX_BYTES
    if not document.files:
        return _unreadable(document.path, f"is a {document.kind} project whose settings name no file that exists")
    def read_one(path) -> str:
        try:
            return read_file(Path(path), limit)
        except Unreadable as err:
            raise Unreadable(f"{path} {err}") from None

    try:
        manuscript = read(document, read_one)
    except Unreadable as err:
        return _unreadable(document.path, f"(a {document.kind} project): {err}")
    return with_bibliography(manuscript, bib, max_bytes=limit)


def read_text(text: str, path: str = "<text>", fmt: str | None = None, *, open_file=None) -> Manuscript:
    """Read manuscript text already in memory (the format from the path's extension, else Markdown).

    ``open_file(relative path) -> Source | None`` lets a LaTeX manuscript follow ``\\input``.
    """
    fmt = fmt or FORMATS.get(Path(path).suffix.lower(), "markdown")
    source = Source(path, text, fmt)
    manuscript = _reader(fmt)(source, open_file=open_file) if fmt == "latex" else _reader(fmt)(source)
    if path.lower().endswith(".qmd"):  # Quarto resolves @fig-x, @sec-x... itself
        from refcheck.readers.project import without_crossrefs

        manuscript = without_crossrefs(manuscript)
    return manuscript
