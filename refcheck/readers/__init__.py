"""Readers turn a file's text into a Manuscript. The registry is a plain dict by extension.

``load(path)`` is the I/O edge: it reads bytes, decides the encoding, and turns anything that
is not readable text into an ``unreadable-input`` problem instead of an exception.
"""

from __future__ import annotations

import bisect
import codecs
import dataclasses
import os
import re
from collections.abc import Iterable
from pathlib import Path

from refcheck.model import Manuscript, Problem, Severity, Source

MAX_BYTES = 16 * 1024 * 1024  # a 10,000-reference manuscript is about 3 MB
SNIFF_BYTES = 1024  # what is read to tell the format: a PDF's header may come anywhere in its first kilobyte
# a Word package holds its figures too; the DOCX reader never decompresses them and caps what it does
PACKAGE_MAX_BYTES = 64 * 1024 * 1024

FORMATS = {".md": "markdown", ".markdown": "markdown", ".rmd": "markdown", ".qmd": "markdown", ".txt": "text",
           ".tex": "latex", ".ltx": "latex", ".bib": "bibtex", ".xml": "jats", ".nxml": "jats",
           ".docx": "docx", ".docm": "docx", ".pdf": "pdf"}

# format -> module with a ``read(source) -> Manuscript`` (text formats) or a
# ``read_bytes(path, data) -> Manuscript`` (BINARY formats); imported on first use so that
# `refcheck --help` does not pay for compiling the grammar
READERS = {"markdown": "refcheck.readers.markdown", "latex": "refcheck.readers.latex", "bibtex": "refcheck.readers.bibtex",
           "text": "refcheck.readers.text", "jats": "refcheck.readers.jats", "docx": "refcheck.readers.docx",
           "pdf": "refcheck.readers.pdf"}
BINARY = frozenset({"docx", "pdf"})
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
    if b"%PDF-" in head[:1024]:  # a PDF's header, which readers find within its first kilobyte
        return "pdf"
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


# inputenc's options and biblatex's bibencoding= values -> Python codecs
TEX_ENCODINGS = {"utf8": "utf-8", "utf-8": "utf-8", "utf8x": "utf-8", "ascii": "ascii", "latin1": "latin-1",
                 "latin9": "iso8859-15", "latin2": "iso8859-2", "latin3": "iso8859-3", "latin4": "iso8859-4",
                 "latin5": "iso8859-9", "latin10": "iso8859-16", "ansinew": "cp1252", "cp1252": "cp1252",
                 "cp1250": "cp1250", "cp1251": "cp1251", "applemac": "mac_roman", "macce": "mac_latin2",
                 "cp850": "cp850", "cp437": "cp437", "koi8-r": "koi8_r", "x-mac-roman": "mac_roman"}
_EIGHT_BIT = (("latin-1", "Latin-1"), ("cp1252", "Windows-1252"), ("mac_roman", "Mac Roman"))


# letters and marks Western European text uses: a right decoding gives these, a wrong one gives
# Ž, Ÿ, È inside lower-case words, control characters and symbols
_COMMON = frozenset("éèêëàâäáãåçíìîïñóòôöõøúùûüýÿßæœÉÈÀÁÇÖÜÄÅØÑÓÚ“”‘’–—…«»°")


def _score(text: str) -> int:
    """How much the non-ASCII characters of a decoding look like Western European text."""
    score = 0
    for i, ch in enumerate(text):
        if ch < "\x80":
            continue
        before, after = text[i - 1 : i], text[i + 1 : i + 2]
        if ch in _COMMON:
            score += 3
        elif ch.isalpha():
            score += 1
        elif ch < "\xa0" or not ch.isprintable():
            score -= 3
        else:
            score -= 1
        if ch.isupper() and before.islower():
            score -= 2  # "JosÈ"
        elif ch.islower() and after.isupper() and after.isascii():
            score -= 2  # "ìQuoted"
    return score


def decode_bib(data: bytes, declared: str | None = None) -> tuple[str, str | None]:
    """A .bib file's text, and what is wrong with its encoding (None when it decoded as declared,
    or as UTF-8 when nothing is declared). BibTeX reads bytes, so a Latin-1 file still works with
    ``\\usepackage[latin1]{inputenc}``; one that is neither is read in the 8-bit encoding it looks
    like: never dropped.

    >>> decode_bib("Jos\xe9".encode("latin-1"))
    ('José', 'is not UTF-8; read as Latin-1 (a guess)')
    """
    codec = TEX_ENCODINGS.get((declared or "").lower())
    if codec and codec != "utf-8" and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode(codec).replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            try:
                if not data.isascii() and data.decode("utf-8"):
                    return decode(data), (f"is UTF-8, but the manuscript declares {declared}: its accented letters "
                                          "will print as two characters each (Ã© for é)")
            except (UnicodeDecodeError, Unreadable):
                pass
            return text, None
    try:
        return decode(data), None
    except Unreadable:
        if b"\x00" in data[:8192]:
            raise
    sample = data[:65536]
    best = max(_EIGHT_BIT, key=lambda enc: (_score(sample.decode(enc[0], "replace")), enc[0] == "latin-1"))
    if best[0] == "cp1252":
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            best = _EIGHT_BIT[0]
    text = data.decode(best[0], "replace").replace("\r\n", "\n").replace("\r", "\n")
    return text, f"is not UTF-8{' (nor ' + declared + ')' if declared else ''}; read as {best[1]} (a guess)"


def casefold_match(path: Path) -> Path | None:
    """``path`` found with its last component's case ignored, when exactly one file matches.

    TeX Live's kpathsea (since 2018) does this on a case-sensitive file system when the exact name
    is missing, so ``\\bibliography{Refs}`` finds ``refs.bib`` and the document compiles.
    """
    try:
        folded = path.name.casefold()
        found = [p for p in path.parent.iterdir() if p.name.casefold() == folded and p.is_file()]
    except OSError:
        return None
    return found[0] if len(found) == 1 else None


def _search_path(name: str, base: Path, env: dict[str, str]) -> Path:
    """Where BibTeX and biber find a .bib: beside the manuscript, else in a BIBINPUTS directory;
    an exact name first along the whole path, then one that differs only in case (kpathsea's order)."""
    path = base / name
    if path.exists() or os.path.isabs(name):
        return path
    dirs = [Path(entry.rstrip("/")) for entry in env.get("BIBINPUTS", "").split(os.pathsep) if entry.rstrip("/")]
    # "dir//" (search below it): the directory itself is searched here
    for directory in dirs:
        if (directory / name).is_file():
            return directory / name
    for directory in [base, *dirs]:
        found = casefold_match(directory / name)
        if found is not None:
            return found
    return path


STANDARD_STYLES = frozenset("plain abbrv alpha unsrt acm apalike ieeetr siam plainnat abbrvnat unsrtnat".split())
STANDARD_TYPES = frozenset(
    "article book booklet conference inbook incollection inproceedings manual mastersthesis misc phdthesis "
    "proceedings techreport unpublished".split()
)
_BST_FUNCTION = re.compile(r"^[ \t]*FUNCTION[ \t]*\{[ \t]*([^\s{}]+)[ \t]*\}", re.M | re.I)


def _find_style(style: str, base: Path, env: dict[str, str], variable: str = "BSTINPUTS", suffix: str = ".bst") -> tuple[Path | None, bool]:
    """(the .bst file, whether it could be looked for in TeX Live): beside the manuscript, in
    BSTINPUTS, else where ``kpsewhich`` finds it. (Also for a class: ``TEXINPUTS``, ``.cls``.)"""
    name = style if style.lower().endswith(suffix) else style + suffix
    for directory in [base, *(Path(d.rstrip("/")) for d in env.get(variable, "").split(os.pathsep) if d.rstrip("/"))]:
        if (directory / name).is_file():
            return directory / name, True
    import shutil
    import subprocess

    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        return None, False
    try:
        found = subprocess.run([kpsewhich, name], capture_output=True, text=True, timeout=10, cwd=base, check=False)
    except (OSError, subprocess.SubprocessError):
        return None, False
    path = found.stdout.strip()
    return (Path(path), True) if found.returncode == 0 and path else (None, True)


def _style(manuscript: Manuscript, env: dict[str, str]) -> tuple[frozenset[str] | None, list[Problem]]:
    """The entry types the BibTeX style defines (None: unknown), and a problem if the style is missing."""
    chain = manuscript.toolchain
    if chain is None or chain.backend != "bibtex" or not chain.style or "#" in chain.style or "\\" in chain.style:
        return None, []
    base = Path(manuscript.path).parent
    path, searched = _find_style(chain.style, base, env)
    if path is None:
        standard = chain.style.lower() in STANDARD_STYLES
        if standard or not searched:
            return (STANDARD_TYPES if standard else None), []
        if chain.document_class and chain.document_class not in ("article", "report", "book", "letter", "amsart", "amsbook"):
            cls, _ = _find_style(chain.document_class, base, env, "TEXINPUTS", ".cls")
            if cls is None:  # a publisher's bundle (class and style) this TeX installation lacks, not a missing style
                return None, []
        span = chain.style_span or manuscript.source.span(0, 0)
        return None, [Problem(span, f"the bibliography style {chain.style}.bst is neither beside the manuscript nor in this TeX "
                                    "installation (kpsewhich): BibTeX stops at once and every citation prints as [?]",
                              rule="missing-bib-style")]
    try:
        text = read_bytes(path, 4 * 1024 * 1024).decode("latin-1")
    except Unreadable:
        return None, []
    types = frozenset(name.lower() for name in _BST_FUNCTION.findall(text))
    return (types if "default.type" in types else None), []


def with_bibliography(manuscript: Manuscript, extra: Iterable[str | os.PathLike] = (), *, max_bytes: int = MAX_BYTES,
                      env: dict[str, str] | None = None) -> Manuscript:
    """Read the .bib files the manuscript names (relative to it, or in ``BIBINPUTS``) and ``extra``
    ones (``--bib``), as the manuscript's toolchain would (``Manuscript.toolchain``: BibTeX or
    biber, the declared encoding, the style).

    Entries are numbered ``b1``, ``b2``... across files; a file that cannot be read is an
    unreadable-input problem at the place that names it (``\\bibliography``, ``\\addbibresource``,
    the front matter's line 1); one that is not in the declared encoding or UTF-8 is read in the
    8-bit encoding it looks like, with a bib-encoding problem that names it.
    """
    env = os.environ if env is None else env
    base = Path(manuscript.path).parent
    chain = manuscript.toolchain
    named = [(name, _search_path(name, base, env)) for name in manuscript.bib_files]
    paths = named + [(None, Path(p)) for p in extra]
    if not paths:
        return manuscript
    from refcheck.readers.bibtex import read_bib  # noqa: PLC0415 - only manuscripts with a bibliography pay for it
    from refcheck.readers.csl import read_csl  # noqa: PLC0415
    # a reader may have found records already (a Word file's reference-manager fields): keep them first
    entries, problems, sources = list(manuscript.bib), list(manuscript.problems), list(manuscript.sources)
    backend = chain.backend if chain else None
    if (backend is None and manuscript.source.format == "markdown") or backend == "manubot":
        backend = "pandoc"  # read as pandoc --citeproc reads a .bib (bibtex.read_bib); Manubot reads them with pandoc too
    macros: dict[str, str] | None = None if backend == "pandoc" else {}  # BibTeX and biber carry @strings over
    seen, unread = set(), []
    for written, path in paths:
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        site = (chain.site(written) if chain and written else None) or manuscript.source.span(0, 0)
        try:
            text, wrong = decode_bib(read_bytes(path, max_bytes), chain.encoding if chain else None)
        except Unreadable as err:
            writer = _written_at_build(path.name, manuscript) if not path.exists() else None
            unread.append((str(path), writer))
            if writer:
                problems.append(Problem(site, f"the bibliography {path} is written at build time (knitr::write_bib in {writer}) and is "
                                              "not here: the keys it will define cannot be checked", rule="unreadable-input",
                                        severity=Severity.INFO))
            else:
                problems.append(Problem(site, f"the bibliography {path} {err}", rule="unreadable-input"))
            continue
        source = Source(str(path), text, "bibtex")
        if wrong:
            fix = ("declare the file's encoding (\\usepackage[latin1]{inputenc}, or biblatex's bibencoding=latin1) "
                   "or save it as UTF-8" if backend in ("bibtex", "biber") else "save it as UTF-8")
            if backend == "biber" and "read as" in wrong:  # tests/test_tex_oracle.py: biber reads nothing of it
                problems.append(Problem(site, f"the bibliography {path} {wrong}: biber cannot read it as UTF-8 and ignores the "
                                              f"whole file (every citation of it is undefined); {fix}", rule="bib-encoding",
                                        severity=Severity.ERROR))
            else:
                problems.append(Problem(site, f"the bibliography {path} {wrong}: {fix}", rule="bib-encoding"))
        if path.suffix.lower() == ".json":  # CSL JSON, as pandoc reads it
            source = Source(str(path), text, "csl")
            found, found_problems = read_csl(source)
        else:
            view = _brace_view(source) if backend in ("bibtex", "biber") else source
            found, found_problems = read_bib(_biber_view(view) if backend == "biber" else view, backend=backend, macros=macros)
        offset = len(entries)
        entries.extend(dataclasses.replace(e, id=f"b{offset + i + 1}") for i, e in enumerate(found))
        problems.extend(found_problems)
        sources.append(source)
    types, style_problems = _style(manuscript, env)
    problems.extend(style_problems)
    if types is not None:
        chain = dataclasses.replace(chain, style_types=types)
    manuscript = dataclasses.replace(manuscript, bib=tuple(entries), problems=tuple(problems), sources=tuple(sources),
                                     bib_files=(*manuscript.bib_files, *(str(p) for p in extra)), toolchain=chain,
                                     bib_unread=(*manuscript.bib_unread, *unread))
    return _generated_list(manuscript) if backend == "pandoc" and entries else manuscript


def _generated_list(manuscript: Manuscript) -> Manuscript:
    """A pandoc manuscript that cites by key prints the list pandoc generates from its
    bibliography: what its text has under a "References" heading is not a list to check when no
    citation is typed as text (JOSS template notes, footnotes, LaTeX spacing commands), and never
    an "entry" with neither authors nor year."""
    if not manuscript.references or not any(c.style == "key" for c in manuscript.citations):
        return manuscript
    typed = any(c.style != "key" for c in manuscript.citations)
    kept = tuple(r for r in manuscript.references if typed and (r.authors or r.year))
    if len(kept) == len(manuscript.references):
        return manuscript
    return dataclasses.replace(manuscript, references=kept, reference_section=manuscript.reference_section if kept else None)


def _written_at_build(name: str, manuscript: Manuscript) -> str | None:
    """The manuscript file whose R code writes the bibliography ``name`` when the document is
    built (``knitr::write_bib(pkgs, 'packages.bib')``, as bookdown and R Markdown papers do)."""
    quoted = re.compile(r"['\"](?:[^'\"\n]*/)?" + re.escape(name) + r"['\"]")
    for source in (manuscript.source, *manuscript.sources):
        if source.format != "markdown" or "write_bib" not in source.text:
            continue
        for call in re.finditer(r"write_bib\s*\(", source.text):
            # in the call (write_bib(pkgs, 'packages.bib')) or in the code right after it
            # (bib = knitr::write_bib(pkgs); xfun::write_utf8(bib, 'packages.bib'))
            if quoted.search(source.text, call.end(), call.end() + 1000):
                return source.path
    return None


_PERCENT_LINE = re.compile(r"^[ \t]*+%[^\n]*", re.M)


_COMMENT_BLOCK = re.compile(r"^[ \t]*+@[ \t]*+comment[ \t]*+\{", re.M | re.I)


def _balanced_end(text: str, at: int, pair: str = "{}") -> int:
    """The offset after the bracket closing the one at ``at`` (every one counted), or the end."""
    depth = 0
    for mark in re.compile(f"[{re.escape(pair)}]").finditer(text, at):
        depth += 1 if mark.group() == pair[0] else -1
        if depth == 0:
            return mark.end()
    return len(text)


_ESCAPED_BRACE = re.compile(r"\\[{}]")


def _brace_view(source: Source) -> Source:
    """The .bib as BibTeX and biber count its braces: ``\\{`` opens a group like ``{`` (they know no
    escapes; bibtexparser does), so ``F\\{`e}art`` is balanced. Same length."""
    if "\\{" not in source.text and "\\}" not in source.text:
        return source
    return Source(source.path, _ESCAPED_BRACE.sub(lambda m: " " + m.group()[1], source.text), source.format)


def _biber_view(source: Source) -> Source:
    """The .bib as biber reads it: a line starting with ``%`` is a comment (BibTeX has no comments,
    only text outside entries, so ``%@article{...}`` is still an entry for it). Same length."""
    if "%" not in source.text:
        return source
    comments: list[tuple[int, int]] = []
    for m in _COMMENT_BLOCK.finditer(source.text):
        if not comments or m.start() >= comments[-1][1]:  # (one inside another's braces is part of it)
            comments.append((m.start(), _balanced_end(source.text, m.end() - 1)))

    starts = [start for start, _ in comments]

    def blank(m: re.Match) -> str:  # but not inside an @comment{...}: biber counts its braces as written
        i = bisect.bisect_left(starts, m.start()) - 1
        inside = i >= 0 and m.start() < comments[i][1]
        return m.group(0) if inside else " " * len(m.group(0))

    text = _PERCENT_LINE.sub(blank, source.text)
    return Source(source.path, text, source.format)


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(SNIFF_BYTES)
    except OSError:
        return b""  # read_bytes says why


def load(path: str | os.PathLike, *, max_bytes: int | None = None, bib: Iterable[str | os.PathLike] = (),
         fmt: str | None = None, meta=None) -> Manuscript:
    """Read one manuscript file and its bibliography; never raises for bad content (only the caller checks existence).

    ``fmt`` forces the format (``--format-in``); by default it is detected (see ``detect``).
    ``max_bytes`` defaults to MAX_BYTES for text and PACKAGE_MAX_BYTES for DOCX packages.
    ``meta`` (``pandoc_meta.Meta``) is the metadata a pandoc build adds (``--metadata-file``, defaults files).
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
            return load_document(found[0], max_bytes=max_bytes, bib=bib, meta=meta)
    try:
        fmt = fmt or detect(p, b"" if p.is_dir() else _head(p))
        limit = max_bytes or (PACKAGE_MAX_BYTES if fmt in BINARY else MAX_BYTES)
        data = read_bytes(p, limit)
        if fmt in BINARY:
            return with_bibliography(_reader(fmt, "read_bytes")(name, data), bib, max_bytes=max_bytes or MAX_BYTES)
        # TeX reads bytes: a Latin-1 .tex (accents in comments, or inputenc latin1) builds; read it as it looks
        text, wrong = decode_bib(data) if fmt == "latex" else (decode(data), None)
    except Unreadable as err:
        hint = "; pass the manuscript file inside it" if p.is_dir() else ""
        return _unreadable(name, f"{err}{hint}")
    open_file = None
    if fmt == "latex":
        from refcheck.readers.latex import opener

        open_file = opener(p, max_bytes=limit)
    manuscript = read_text(text, name, fmt, open_file=open_file)
    if wrong:
        note = Problem(manuscript.source.span(0, 0), f"{name} {wrong}: quoted text may show other characters; "
                                                    "save it as UTF-8", rule="unreadable-input", severity=Severity.INFO)
        manuscript = dataclasses.replace(manuscript, problems=(note, *manuscript.problems))
    return with_bibliography(_with_meta(manuscript, meta), bib, max_bytes=limit)


def _with_meta(manuscript: Manuscript, meta) -> Manuscript:
    if not meta:
        return manuscript
    from refcheck.readers.pandoc_meta import apply  # noqa: PLC0415

    return apply(manuscript, meta)


def load_document(document, *, max_bytes: int | None = None, bib: Iterable[str | os.PathLike] = (), meta=None) -> Manuscript:
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
    return with_bibliography(_with_meta(manuscript, meta), bib, max_bytes=limit)


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
