"""CSL items (CSL-JSON, CSL YAML) as References: what reference managers and pandoc store.

A Zotero or Mendeley field in a Word file, a Manubot ``manual-references.json``, pandoc's
``references:`` front matter and a CSL-JSON bibliography all hold the same item shape;
``record(key, item)`` reads one into a ``Record`` (BibTeX's vocabulary for types and fields,
what the .bib rules speak) and ``reference(record, id, span)`` makes the Reference.
``read_csl(source)`` reads a whole CSL-JSON file. Pure: no I/O.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from refcheck.model import Name, Problem, Reference, Source, Span

# CSL item types -> BibTeX entry types (what Reference.type and the .bib rules speak)
CSL_TYPES = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article", "article": "article",
    "review": "article", "review-book": "article", "book": "book", "chapter": "incollection", "entry-encyclopedia": "incollection",
    "entry-dictionary": "incollection", "paper-conference": "inproceedings", "thesis": "phdthesis", "report": "techreport",
    "manuscript": "unpublished",
}
CONTAINER_FIELD = {"article": "journal", "incollection": "booktitle", "inproceedings": "booktitle"}
PUBLISHER_FIELDS = {"phdthesis": ("school",), "techreport": ("institution",)}
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_DOI = re.compile(r"10\.\d{4,9}/\S+")
YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def value(value) -> str | None:
    """A scalar CSL value as stripped text; None for missing, empty or structured values."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = " ".join(str(value).split())
    return text or None


def name(person) -> Name | None:
    if not isinstance(person, dict):
        return None
    literal = value(person.get("literal"))
    family = value(person.get("family"))
    if not family:
        return Name(literal) if literal else None
    particle = value(person.get("non-dropping-particle"))
    given = " ".join(filter(None, (value(person.get("given")), value(person.get("dropping-particle")))))
    suffix = value(person.get("suffix"))
    if suffix:
        given = f"{given}, {suffix}" if given else suffix
    return Name(f"{particle} {family}" if particle else family, given)


def year(issued) -> str | None:
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            year = value(parts[0][0])
            if year and year.lstrip("-").isdigit():
                return year
        for key in ("raw", "literal"):
            found = YEAR.search(value(issued.get(key)) or "")
            if found:
                return found.group(1)
    elif isinstance(issued, (str, int)):
        found = YEAR.search(str(issued))
        return found.group(1) if found else None
    return None


def doi(value: str | None) -> str | None:
    if not value:
        return None
    value = _DOI_PREFIX.sub("", value.strip())
    found = _DOI.search(value)
    return found.group(0).rstrip(".,;") if found else None


@dataclass
class Record:
    """One cited item as the reference manager stores it."""

    key: str
    raw: str
    type: str
    authors: tuple[Name, ...] = ()
    year: str | None = None
    title: str | None = None
    container_title: str | None = None
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    article_number: str | None = None
    doi: str | None = None
    url: str | None = None
    editors: bool = False
    publisher: bool = False

    def fields(self) -> tuple[str, ...]:
        """The BibTeX field names this record fills (what RC604 checks)."""
        names = []
        if self.authors:
            names.append("editor" if self.editors else "author")
        for name, value in (("title", self.title), ("year", self.year)):
            if value:
                names.append(name)
        if self.container_title:
            names.append(CONTAINER_FIELD.get(self.type, "journal"))
        if self.publisher:
            names.extend(PUBLISHER_FIELDS.get(self.type, ("publisher",)))
        for name, value in (("volume", self.volume), ("number", self.issue), ("pages", self.page),
                            ("eid", self.article_number), ("doi", self.doi), ("url", self.url)):
            if value:
                names.append(name)
        return tuple(names)




def record(key: str, item_data: dict) -> Record:
    people = item_data.get("author")
    authors = tuple(filter(None, map(name, people))) if isinstance(people, list) else ()
    editors = False
    if not authors and isinstance(item_data.get("editor"), list):
        authors = tuple(filter(None, map(name, item_data["editor"])))
        editors = bool(authors)
    kind = CSL_TYPES.get(value(item_data.get("type")) or "", "misc")
    return Record(
        key=key,
        raw=json.dumps(item_data, ensure_ascii=False, sort_keys=True),
        type=kind,
        authors=authors,
        year=year(item_data.get("issued")),
        title=value(item_data.get("title")),
        container_title=value(item_data.get("container-title")),
        volume=value(item_data.get("volume")),
        issue=value(item_data.get("issue")),
        page=value(item_data.get("page")),
        article_number=value(item_data.get("number")) if kind == "article" else None,
        doi=doi(value(item_data.get("DOI"))),
        url=value(item_data.get("URL")),
        editors=editors,
        publisher=bool(value(item_data.get("publisher"))),
    )


def reference(rec: Record, id: str, span: Span) -> Reference:
    return Reference(
        id=id, span=span, raw=rec.raw, key=rec.key or f"item-{id[1:]}", authors=rec.authors, year=rec.year, title=rec.title,
        container_title=rec.container_title, volume=rec.volume, issue=rec.issue, page=rec.page,
        article_number=rec.article_number, doi=rec.doi, url=rec.url, confidence=1.0, type=rec.type, fields=rec.fields(),
    )


def read_csl(source: Source) -> tuple[tuple[Reference, ...], tuple[Problem, ...]]:
    """Every item of a CSL-JSON file (a list of items, or one item) as a Reference keyed by its
    ``id``, its span the item's first line (found by its id); what cannot be read, as a problem."""
    try:
        data = json.loads(source.text)
    except ValueError as error:
        return (), (Problem(source.span(0, 0), f"{source.path} is not valid CSL JSON ({error})", rule="bibtex-syntax-error"),)
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    out, cursor = [], 0
    for item in items:
        if not isinstance(item, dict):
            continue
        key = value(item.get("id"))
        at = source.text.find(json.dumps(key) if key else "{", cursor)
        at = at if at >= 0 else cursor
        cursor = at + 1
        line_end = source.text.find("\n", at)
        span = source.span(at, line_end if line_end >= 0 else len(source.text))
        out.append(reference(record(key or "", item), f"b{len(out) + 1}", span))
    return tuple(out), ()
