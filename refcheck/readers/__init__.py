"""Readers turn a file's text into a Manuscript. The registry is a plain dict by extension.

``load(path)`` is the I/O edge: it reads bytes, decides the encoding, and turns anything that
is not readable text into an ``unreadable-input`` problem instead of an exception.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from refcheck.model import Manuscript, Problem, Source

MAX_BYTES = 16 * 1024 * 1024  # a 10,000-reference manuscript is about 3 MB

FORMATS = {".md": "markdown", ".markdown": "markdown", ".txt": "markdown", ".rmd": "markdown", ".qmd": "markdown"}

# format -> module with a ``read(source) -> Manuscript``; imported on first use so that
# `refcheck --help` does not pay for compiling the grammar
READERS = {"markdown": "refcheck.readers.markdown"}


def _reader(fmt: str):
    import importlib

    return importlib.import_module(READERS[fmt]).read


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


def load(path: str | os.PathLike, *, max_bytes: int = MAX_BYTES) -> Manuscript:
    """Read one manuscript file; never raises for bad content (only the caller checks existence)."""
    p = Path(path)
    name = str(path)
    try:
        if p.is_dir():
            return _unreadable(name, "is a directory; pass the manuscript file inside it")
        size = p.stat().st_size
        if size > max_bytes:
            return _unreadable(name, f"is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit (see --max-bytes)")
        data = p.read_bytes()
    except OSError as err:
        return _unreadable(name, f"cannot be read: {err.strerror or err}")
    try:
        text = decode(data)
    except Unreadable as err:
        return _unreadable(name, str(err))
    return read_text(text, name)


def read_text(text: str, path: str = "<text>", fmt: str | None = None) -> Manuscript:
    """Read manuscript text already in memory (the format from the path's extension, else Markdown)."""
    fmt = fmt or FORMATS.get(Path(path).suffix.lower(), "markdown")
    return _reader(fmt)(Source(path, text, fmt))
