"""Multi-file manuscripts, read as their toolchains put them together: Manubot, Quarto, bookdown.

A *project* is a directory whose build joins several files into one document (Manubot, a Quarto
book, bookdown), or renders each file alone with settings they share (other Quarto projects).
``documents(directory)`` recognises one and lists what the toolchain renders, each ``Document``
the files it joins, in order; ``read(document, read_file)`` joins them as the toolchain does,
reads the whole with the Markdown reader, and moves every span back to the file and line it came
from (a finding in chapter 3 says ``chapters/03-methods.qmd:12``).

- **Manubot** (``content/`` holding ``metadata.yaml`` and numbered ``[0-9]*.md`` sections): the
  sections sorted by name, joined by a blank line, as ``manubot process`` does (other .md files
  there, such as a response to reviewers, are not part of the manuscript); ``manual-references*``
  (CSL JSON or BibTeX) are its bibliography; ``citation-tags.tsv`` maps tags to identifiers
  (the older form of ``[@tag:x]: doi:...``).
- **Quarto** (``_quarto.yml``): a ``book`` is its ``book.chapters`` (``part:`` groups and
  ``appendices`` included) read as one manuscript, since the book has one bibliography and one
  reference list; a ``manuscript`` is its ``manuscript.article``; any other project renders each
  ``.qmd``/``.md``/``.Rmd`` alone. Each document also gets the project's ``bibliography:``, and a
  ``{{< include file >}}`` line is replaced by the file's text (spans stay in the included file).
- **bookdown** (``_bookdown.yml``): ``rmd_files`` (a list, or one per output format: the first)
  or every ``.Rmd`` of the directory not starting with ``_``, ``index.Rmd`` first; merged into one
  document whose front matter is the first file's. R code chunks are fenced code to the reader.

Pure but for ``documents``, which lists and reads the project's own settings files.
"""

from __future__ import annotations

import bisect
import dataclasses
import os
import re
from collections.abc import Callable
from pathlib import Path

from refcheck.model import Manuscript, Source, Span, Toolchain
from refcheck.readers.remap import move_spans

QUARTO_FILES = ("_quarto.yml", "_quarto.yaml")
BOOKDOWN_FILE = "_bookdown.yml"
_QUARTO_DOCS = (".qmd", ".md", ".rmd", ".ipynb")
_QUARTO_OUTPUT = {"_book", "_site", "_manuscript", "_freeze", "site_libs", ".quarto"}


@dataclasses.dataclass(frozen=True)
class Document:
    """What one toolchain run renders: ``files`` joined in order by ``separator``.

    ``bibliography``: files the project's settings name for it (besides what its text names);
    ``tags``: a Manubot ``citation-tags.tsv``; ``path``: how the report names the document.
    """

    kind: str
    path: str
    files: tuple[Path, ...]
    separator: str = "\n\n"
    bibliography: tuple[Path, ...] = ()
    tags: Path | None = None


class ProjectError(Exception):
    """A project's settings file cannot be read; the message says which and why."""


def _yaml(path: Path) -> dict:
    import yaml  # noqa: PLC0415 - only projects pay for it

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ProjectError(f"{path}: cannot be read as YAML ({' '.join(str(error).split())[:200]})") from None
    return data if isinstance(data, dict) else {}


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def manubot_content(directory: Path) -> Path | None:
    """The Manubot ``content/`` directory of ``directory`` (itself or its ``content/``), if it is one."""
    for candidate in (directory, directory / "content"):
        if (candidate / "metadata.yaml").is_file() and any(candidate.glob("[0-9]*.md")):
            return candidate
    return None


def documents(directory: Path) -> list[Document] | None:
    """The documents of the project rooted at ``directory``; None when it is not a project root."""
    content = manubot_content(directory)
    if content is not None:
        return [_manubot(content)]
    for name in QUARTO_FILES:
        if (directory / name).is_file():
            return _quarto(directory, directory / name)
    if (directory / BOOKDOWN_FILE).is_file():
        return [_bookdown(directory)]
    return None


def _manubot(content: Path) -> Document:
    sections = tuple(sorted(content.glob("[0-9]*.md")))
    # works the identifiers cannot describe, in CSL JSON or BibTeX (Manubot reads them with pandoc)
    manual = tuple(sorted(p for p in content.glob("manual-references*") if p.suffix.lower() in (".json", ".bib")))
    tags = content / "citation-tags.tsv"
    return Document("manubot", str(content), sections, "\n\n", manual, tags if tags.is_file() else None)


def _quarto(root: Path, settings: Path) -> list[Document]:
    config = _yaml(settings)
    project = config.get("project") if isinstance(config.get("project"), dict) else {}
    kind = str(project.get("type") or "default")
    bibliography = tuple(root / b for b in _strings(config.get("bibliography")))
    if kind == "book":
        book = config.get("book") if isinstance(config.get("book"), dict) else {}
        files = _chapters(book.get("chapters")) + _chapters(book.get("appendices"))
        if "index.qmd" not in files and (root / "index.qmd").is_file():
            files.insert(0, "index.qmd")
        paths = tuple(root / f for f in files if (root / f).is_file() and Path(f).suffix.lower() in _QUARTO_DOCS[:3])
        return [Document("quarto book", str(root), paths, "\n\n", bibliography)] if paths else []
    if kind == "manuscript":
        manuscript = config.get("manuscript") if isinstance(config.get("manuscript"), dict) else {}
        article = str(manuscript.get("article") or "index.qmd")
        return [Document("quarto manuscript", str(root / article), (root / article,), "\n\n", bibliography)] if (root / article).is_file() else []
    render = _strings(project.get("render"))
    out = []
    for path in _walk(root):
        relative = path.relative_to(root).as_posix()
        if render and relative not in render:
            continue
        out.append(Document("quarto", str(path), (path,), "\n\n", bibliography))
    return out


def _chapters(value) -> list[str]:
    """Chapter files of a Quarto ``chapters:`` list, ``part:`` groups opened."""
    out: list[str] = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            if isinstance(item.get("part"), str) and item["part"].lower().endswith(_QUARTO_DOCS):
                out.append(item["part"])  # a part may have a file of its own
            out += _chapters(item.get("chapters"))
            if isinstance(item.get("href"), str):
                out.append(item["href"])
    return out


def _walk(root: Path) -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")) and d not in _QUARTO_OUTPUT)
        found += [Path(folder) / f for f in sorted(files)
                  if Path(f).suffix.lower() in _QUARTO_DOCS[:3] and not f.startswith(("_", "."))]
    return found


def _bookdown(root: Path) -> Document:
    config = _yaml(root / BOOKDOWN_FILE)
    listed = config.get("rmd_files")
    if isinstance(listed, dict):  # one list per output format: the first one's
        listed = next((v for v in listed.values() if isinstance(v, list)), None)
    names = _strings(listed)
    if not names:
        names = sorted(p.name for p in root.glob("*.[Rr]md") if not p.name.startswith("_"))
        if "index.Rmd" in names:
            names.remove("index.Rmd")
            names.insert(0, "index.Rmd")
    paths = tuple(root / n for n in names if (root / n).is_file())
    return Document("bookdown", str(root), paths, "\n\n")


def citation_tags(text: str) -> tuple[tuple[str, str], ...]:
    """``citation-tags.tsv`` rows (``tag<TAB>citation``, a header line allowed) as Manubot aliases."""
    out = []
    for line in text.splitlines():
        parts = line.strip().split("\t")
        if len(parts) >= 2 and parts[0] and parts[0].lower() != "tag" and ":" in parts[1]:
            out.append((f"tag:{parts[0].strip()}", parts[1].strip()))
    return tuple(out)


# --------------------------------------------------------------------------- reading one document


_INCLUDE = re.compile(r"^[ \t]*\{\{<\s*include\s+([^\s>]+)\s*>\}\}[ \t]*$", re.M)
MAX_INCLUDES = 200


@dataclasses.dataclass(frozen=True)
class Piece:
    """``source.text[start:end]`` placed at ``at`` in the joined text."""

    at: int
    source: Source
    start: int
    end: int


def join(sources: list[Source], separator: str, expand: Callable[[Source, str], Source | None] | None = None) -> tuple[str, list[Piece]]:
    """The joined text, and the pieces of files it is made of. ``expand(source, name)`` opens a
    file a Quarto ``{{< include name >}}`` line names (its text takes the line's place)."""
    parts: list[str] = []
    pieces: list[Piece] = []
    length = 0
    budget = [MAX_INCLUDES]

    def add(source: Source, start: int, end: int) -> None:
        nonlocal length
        if end > start:
            pieces.append(Piece(length, source, start, end))
            parts.append(source.text[start:end])
            length += end - start

    def put(source: Source, depth: int) -> None:
        nonlocal length
        cursor = 0
        if expand is not None and depth < 10 and "{{<" in source.text:
            for m in _INCLUDE.finditer(source.text):
                included = expand(source, m.group(1).strip("\"'")) if budget[0] > 0 else None
                if included is None:
                    continue
                budget[0] -= 1
                add(source, cursor, m.start())
                put(included, depth + 1)
                cursor = m.end()
        add(source, cursor, len(source.text))

    for i, source in enumerate(sources):
        if i:
            parts.append(separator)
            length += len(separator)
        put(source, 0)
    return "".join(parts), pieces


def unjoin(manuscript: Manuscript, sources: list[Source], pieces: list[Piece]) -> Manuscript:
    """Every span into the joined text moved into the file it came from (a span that runs past the
    end of its piece is cut there); ``source`` becomes the first file, ``sources`` the others."""
    joined = manuscript.source.path
    starts = [p.at for p in pieces]

    def move(span: Span) -> Span:
        if span.path != joined or not pieces:
            return span
        piece = pieces[max(bisect.bisect_right(starts, span.start) - 1, 0)]
        start = min(max(span.start - piece.at, 0) + piece.start, piece.end)
        end = min(max(span.end - piece.at + piece.start, start), piece.end)
        return piece.source.span(start, end)

    others = []
    for piece in pieces:
        if piece.source is not sources[0] and piece.source not in others:
            others.append(piece.source)
    others += [s for s in sources[1:] if s not in others]
    return move_spans(manuscript, move, source=sources[0], sources=(*others, *manuscript.sources))


# Jinja2 expressions, statements and comments (Manubot's front matter template: "{{author.name}}",
# "{% for author in manubot.authors %}"), each at most a few lines: what pandoc never sees
_JINJA = re.compile(r"\{\{.{0,2000}?\}\}|\{%.{0,2000}?%\}|\{#.{0,2000}?#\}", re.S)


def _blank(text: str) -> str:
    """``text`` as blanks of the same length, its line breaks kept."""
    return "".join(ch if ch == "\n" else " " for ch in text)


# Quarto's cross-reference labels: @fig-x, @sec-x... are resolved by Quarto, never seen by citeproc
QUARTO_CROSSREF = re.compile(r"(?:fig|tbl|lst|tip|nte|wrn|imp|cau|thm|lem|cor|prp|cnj|def|exm|exr|sol|rem|eq|sec)-", re.I)


def without_crossrefs(manuscript: Manuscript) -> Manuscript:
    """A Quarto document's citations without its cross-references (``@fig-x``, ``@sec-x``...)."""
    kept = []
    for citation in manuscript.citations:
        items = tuple(i for i in citation.items if not (i.key and QUARTO_CROSSREF.match(i.key)))
        if len(items) == len(citation.items):
            kept.append(citation)
        elif items:
            kept.append(dataclasses.replace(citation, items=items))
    return dataclasses.replace(manuscript, citations=tuple(kept)) if len(kept) != len(manuscript.citations) or any(
        a is not b for a, b in zip(kept, manuscript.citations)) else manuscript


def read(document: Document, read_file: Callable[[Path], str]) -> Manuscript:
    """Read a document's files joined, with spans in each file. ``read_file`` raises for a file
    that cannot be read (``readers.Unreadable``); the caller turns that into a finding."""
    from refcheck.readers import read_text  # noqa: PLC0415 - readers imports this module lazily

    sources = [Source(str(path), read_file(path), "markdown") for path in document.files]
    opened: dict[str, Source] = {}

    def expand(including: Source, name: str) -> Source | None:
        """A Quarto include, relative to the including file; a file that cannot be read stays a line."""
        path = os.path.normpath(Path(including.path).parent / name)
        if path not in opened:
            try:
                opened[path] = Source(path, read_file(Path(path)), "markdown")
            except Exception:  # noqa: BLE001 - readers.Unreadable or OSError: the include line is left as text
                return None
        return opened[path]

    text, pieces = join(sources, document.separator, expand if document.kind.startswith("quarto") else None)
    if document.kind == "manubot" and ("{{" in text or "{%" in text):
        text = _JINJA.sub(lambda m: _blank(m.group()), text)  # Manubot renders its sections with Jinja2 first
    manuscript = read_text(text, f"{document.path}#joined", "markdown")
    manuscript = unjoin(manuscript, sources, pieces)
    if document.kind.startswith("quarto") or any(p.suffix.lower() == ".qmd" for p in document.files):
        manuscript = without_crossrefs(manuscript)
    if document.kind == "manubot":  # identifiers resolve themselves beside the manual references (RC601)
        manuscript = dataclasses.replace(manuscript, toolchain=Toolchain(backend="manubot"))
    base = Path(document.files[0]).parent
    named = tuple(os.path.relpath(p, base) for p in document.bibliography)
    manuscript = dataclasses.replace(manuscript, bib_files=(*manuscript.bib_files, *(n for n in named if n not in manuscript.bib_files)))
    if document.tags is not None:
        manuscript = dataclasses.replace(manuscript, aliases=(*manuscript.aliases, *citation_tags(read_file(document.tags))))
    return manuscript
