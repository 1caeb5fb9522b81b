"""Export a manuscript's reference list as BibTeX (``refcheck export paper.md -o refs.bib``).

Pure: Manuscript in, text out (bibtexparser's writer does the formatting). Each work of the
printed list becomes one entry (a merged entry's works become one entry each); where Crossref
verified the work (a ``verified`` or ``mismatch`` Match), the record's metadata and DOI are
used, since the record is what the printed entry was meant to say; otherwise the printed fields.
"""

from __future__ import annotations

import re

from anyascii import anyascii

from refcheck.model import Manuscript, Match, Name, Reference, Work

# Crossref work types -> BibTeX entry types (anything else with a container is an article)
TYPES = {
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "book-chapter": "incollection",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "posted-content": "misc",
    "dissertation": "phdthesis",
    "report": "techreport",
    "dataset": "misc",
}
CONTAINER_FIELD = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle"}
_SPECIAL = re.compile(r"(?<!\\)([&%#])")
_PAGE_DASH = re.compile(r"\s*[-–—]+\s*")  # 569-586, 569–586 -> 569--586


def _escape(value: str) -> str:
    """LaTeX specials in a field value: ``R&D`` -> ``R\\&D``."""
    return _SPECIAL.sub(r"\\\1", value)


def _authors(names: tuple[Name, ...], truncated: bool) -> str | None:
    if not names:
        return None
    parts = [f"{{{n.family}}}" if not n.given and " " in n.family else (f"{n.family}, {n.given}" if n.given else n.family) for n in names]
    return " and ".join(parts) + (" and others" if truncated else "")


def _key(work: Reference | Work, taken: set[str]) -> str:
    """``smith2019``, then ``smith2019b``...: ASCII, lower case, unique in the file."""
    family = work.authors[0].family if work.authors else (work.title or "anonymous").split()[0]
    base = re.sub(r"[^a-z0-9]", "", anyascii(family).lower()) or "anonymous"
    key = f"{base}{(work.year or '')[:4]}"
    suffix = ord("b")
    candidate = key
    while candidate in taken:
        candidate = f"{key}{chr(suffix)}"
        suffix += 1
    taken.add(candidate)
    return candidate


def _fields(printed: Reference, record: Work | None) -> tuple[str, list[tuple[str, str]]]:
    source = record or printed
    kind = TYPES.get(record.type or "", "") if record else ""
    if not kind:
        kind = "article" if source.container_title else "misc"
    truncated = printed.authors_truncated if record is None else False
    values = [
        ("author", _authors(source.authors, truncated)),
        ("title", source.title),
        (CONTAINER_FIELD.get(kind, "howpublished"), source.container_title),
        ("year", (source.year or "")[:4] or None),
        ("volume", source.volume),
        ("number", source.issue),
        ("pages", _PAGE_DASH.sub("--", source.page) if source.page else None),
        ("eid", source.article_number),
        ("doi", record.doi if record else printed.doi),
        ("url", None if record else printed.url),
    ]
    return kind, [(name, _escape(value)) for name, value in values if value]


def to_bibtex(manuscript: Manuscript) -> str:
    """The manuscript's reference list as a BibTeX file (one entry per work, in list order)."""
    import bibtexparser
    from bibtexparser.model import Entry, Field

    from refcheck.enrich import works_of

    records: dict[str, Match] = {m.reference: m for m in manuscript.matches if m.status in ("verified", "mismatch")}
    taken: set[str] = set()
    entries = []
    for work in works_of(manuscript):
        match = records.get(work.id)
        record = match.work if match else None
        kind, fields = _fields(work, record)
        entries.append(Entry(kind, _key(record or work, taken), [Field(name, value) for name, value in fields]))
    return bibtexparser.write_string(bibtexparser.Library(entries))
