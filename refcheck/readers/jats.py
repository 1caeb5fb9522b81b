"""Read a JATS XML article: ``<xref ref-type="bibr">`` citations, the ``<ref-list>``, the article's metadata.

The XML carries what a Markdown reader has to guess: each citation names its reference
(``rid``), each reference is tagged field by field. So citation items keep both what the
reader sees (the xref text, parsed by the same grammar as Markdown: ``Smith et al., 2010``,
``3``) and where the markup points (``key`` = the rid); linking trusts the rid and reports
where the text contradicts it. References keep their JATS ``id`` as ``key``.

Spans point into the XML file: a citation item covers its xref's text, a reference its
``<ref>`` element. Texts (``Citation.text``, ``Reference.raw``) are the readable text, without
markup. The parser is the standard library's expat, chosen because it reports the byte
position of every event (lxml gives only line numbers), and run safely: no DTD is read, no
entity declaration is accepted (every XML bomb needs one), nothing is fetched. Named entities
from the JATS DTD (``&minus;``) are resolved from HTML's table.
"""

from __future__ import annotations

import bisect
import html.entities
import xml.parsers.expat as expat
from dataclasses import dataclass, field, replace

import regex as re

from refcheck.model import Citation, CitationItem, Manuscript, Name, Problem, Reference, Source
from refcheck.readers import citations as grammar
from refcheck.readers.references import parse_reference, repeated_authors

# --------------------------------------------------------------------------- the tree


@dataclass(slots=True, eq=False)
class Text:
    text: str
    start: int  # source offsets of the characters (or the entity reference) it came from
    end: int


@dataclass(slots=True, eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    start: int  # offset of "<"
    inner: int = 0  # offset after the start tag
    close: int = 0  # offset of the end tag (== inner for an empty element)
    end: int = 0  # offset after the end tag
    children: list = field(default_factory=list)
    parent: Element | None = None

    def iter(self, *tags: str, skip: frozenset[str] = frozenset()):
        """Descendants (and self) in document order, optionally only these tags, not entering ``skip``; no recursion."""
        stack = [self]
        while stack:
            node = stack.pop()
            if not tags or node.tag in tags:
                yield node
            stack.extend(child for child in reversed(node.children) if isinstance(child, Element) and child.tag not in skip)

    def find(self, *tags: str) -> Element | None:
        """The first child with one of these tags."""
        return next((c for c in self.children if isinstance(c, Element) and c.tag in tags), None)

    def findall(self, *tags: str) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element) and c.tag in tags]


class Refused(Exception):
    """The file is not a JATS article refcheck can read safely; the message says why."""


_NAMED = html.entities.html5


def parse(text: str) -> Element:
    """The element tree of ``text`` with character offsets; Refused for unsafe or malformed XML."""
    data = text.encode("utf-8")
    ascii_only = len(data) == len(text)
    cursor = [0, 0]  # (byte, char): events arrive in document order, so conversion is incremental

    def char(byte: int) -> int:
        if ascii_only:
            return byte
        b, c = cursor
        if byte < b:  # never expected; stay correct anyway
            return len(data[:byte].decode("utf-8", "replace"))
        c += len(data[b:byte].decode("utf-8", "replace"))
        cursor[0], cursor[1] = byte, c
        return c

    parser = expat.ParserCreate(encoding="utf-8")  # the text is decoded already: its declaration no longer applies
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    root = Element("#document", {}, 0)
    stack = [root]
    last_text: list[Text] = []

    def close_text(at: int) -> None:
        if last_text:
            last_text[0].end = at
            last_text.clear()

    def start(tag, attrs):
        at = char(parser.CurrentByteIndex)
        close_text(at)
        parent = stack[-1]
        gt = text.find(">", at)
        el = Element(tag, attrs, at, gt + 1, parent=parent)
        parent.children.append(el)
        stack.append(el)

    def end(tag):
        at = char(parser.CurrentByteIndex)
        close_text(at)
        el = stack.pop()
        if at <= el.start:  # <empty/>: no end tag of its own
            el.close = el.end = el.inner
        else:
            el.close = at
            el.end = text.find(">", at) + 1

    def characters(data_: str):
        at = char(parser.CurrentByteIndex)
        close_text(at)
        piece = Text(data_, at, at + len(data_))
        stack[-1].children.append(piece)
        last_text.append(piece)

    def skipped(name, is_parameter):
        at = char(parser.CurrentByteIndex)
        close_text(at)
        value = _NAMED.get(name + ";") or _NAMED.get(name)
        if value is None or is_parameter:
            return
        piece = Text(value, at, at + len(name) + 2)
        stack[-1].children.append(piece)

    def refuse_entities(name, *args):
        raise Refused(f"declares the XML entity {name!r}; refcheck does not expand entity declarations "
                      "(the mechanism of entity-expansion attacks such as the billion laughs)")

    def refuse_external(*args):
        raise Refused("refers to an external entity; refcheck does not fetch anything")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.SkippedEntityHandler = skipped
    parser.EntityDeclHandler = refuse_entities
    parser.UnparsedEntityDeclHandler = refuse_entities
    parser.ExternalEntityRefHandler = refuse_external
    try:
        parser.Parse(data, True)
    except expat.ExpatError as err:
        raise Refused(f"is not well-formed XML: {expat.errors.messages.get(err.code, str(err))} "
                      f"(line {err.lineno}, column {err.offset + 1})") from None
    except RecursionError:
        raise Refused("nests elements too deeply to be a JATS article") from None
    elements = [c for c in root.children if isinstance(c, Element)]
    if not elements:
        raise Refused("holds no XML element")
    top = elements[0]
    if top.tag.rpartition(":")[2] != "article":
        raise Refused(f"is XML but not a JATS article (its root element is <{top.tag}>); pass --format-in to read it otherwise")
    return top


# --------------------------------------------------------------------------- text of elements

# Documents nested in the article (eLife's decision letter and author response): their own text,
# citing the article's references; refcheck checks the article itself
_NESTED = frozenset({"sub-article", "response"})

# Elements whose text a reader does not see as running text
_SILENT = frozenset({"ref-list", "table-wrap-foot", "alternatives", "object-id", "tex-math", "mml:annotation", "annotation"})
_SPACES = re.compile(r"\s+")


class Projection:
    """The readable text of an element, with a map from its characters back to source offsets."""

    def __init__(self, el: Element, skip: frozenset[str] = frozenset()):
        parts: list[str] = []
        self.starts: list[int] = []  # projected offset where each piece starts
        self.pieces: list[Text] = []
        length = 0
        stack = [el]
        while stack:
            node = stack.pop()
            if isinstance(node, Text):
                self.starts.append(length)
                self.pieces.append(node)
                parts.append(node.text)
                length += len(node.text)
            elif node is el or node.tag not in skip:
                stack.extend(reversed(node.children))
        self.text = "".join(parts)
        self.end_offset = el.close
        self._sources: list[int] | None = None  # source start of each piece, for range_of

    def source(self, offset: int, *, end: bool = False) -> int:
        """The source offset of projected ``offset`` (for an end, the position after the character before it)."""
        if end:
            if offset <= 0:
                return self.pieces[0].start if self.pieces else self.end_offset
            i = bisect.bisect_right(self.starts, offset - 1) - 1
            piece = self.pieces[i]
            exact = piece.end - piece.start == len(piece.text)
            return piece.start + (offset - self.starts[i]) if exact else piece.end
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0:
            return self.pieces[0].start if self.pieces else self.end_offset
        piece = self.pieces[i]
        within = offset - self.starts[i]
        if within >= len(piece.text):
            return piece.end
        return piece.start + within if piece.end - piece.start == len(piece.text) else piece.start

    def range_of(self, el: Element) -> tuple[int, int]:
        """Projected (start, end) of a descendant element's text (empty at its place when it has none)."""
        if self._sources is None:
            self._sources = [p.start for p in self.pieces]
        first = bisect.bisect_left(self._sources, el.inner)
        last = bisect.bisect_left(self._sources, max(el.close, el.inner + 1)) - 1
        if first > last:  # no text inside: an empty range where the element stands
            pos = self.starts[first] if first < len(self.starts) else len(self.text)
            return pos, pos
        return self.starts[first], self.starts[last] + len(self.pieces[last].text)


def text_of(el: Element | None, skip: frozenset[str] = frozenset()) -> str:
    """The element's text with whitespace collapsed."""
    if el is None:
        return ""
    return _SPACES.sub(" ", Projection(el, skip).text).strip()


# --------------------------------------------------------------------------- references

_CITATION_TAGS = ("element-citation", "mixed-citation", "nlm-citation", "citation")
_TYPES = {"journal": "article", "book": "book", "confproc": "inproceedings", "conf-proc": "inproceedings",
          "thesis": "phdthesis", "report": "techreport", "preprint": "misc", "web": "misc", "data": "misc",
          "software": "misc", "patent": "misc", "other": "misc", "webpage": "misc", "dataset": "misc"}
_LABEL_TRIM = re.compile(r"^[\s\[(]+|[\s\].):]+$")
_DOI = re.compile(r"10\.\d{4,9}/\S+")


def _names(citation: Element) -> tuple[list[Name], bool]:
    """Authors (or, failing those, editors) of a citation element; True when an <etal/> cuts the list."""
    groups = citation.findall("person-group")
    authors = [g for g in groups if g.attrs.get("person-group-type", "author") == "author"] or groups[:1]
    holders = authors or [citation]  # mixed-citation may hold <name>/<string-name> directly
    names: list[Name] = []
    etal = False
    for holder in holders:
        for child in holder.children:
            if not isinstance(child, Element):
                continue
            if child.tag in ("name", "string-name"):
                family = text_of(child.find("surname")) or text_of(child)  # a string-name may be untagged
                if family:
                    names.append(Name(family, text_of(child.find("given-names"))))
            elif child.tag == "collab":
                collab = text_of(child)
                if collab:
                    names.append(Name(collab))
            elif child.tag == "etal":
                etal = True
    return names, etal


def _pub_ids(citation: Element, ref: Element) -> tuple[str | None, str | None, str | None]:
    """(doi, pmid, url) of a citation, from pub-id elements, DOI links or the text."""
    doi = pmid = url = None
    for el in citation.iter("pub-id", "ext-link", "uri"):
        value = text_of(el)
        kind = el.attrs.get("pub-id-type", "").lower()
        href = el.attrs.get("xlink:href", "") or value
        if el.tag == "pub-id":
            if kind == "doi" and not doi:
                doi = value
            elif kind == "pmid" and not pmid:
                pmid = value
        elif "doi.org/" in href.lower() and not doi:
            m = _DOI.search(href)
            doi = m.group(0) if m else None
        elif href and not url and href.lower().startswith(("http://", "https://", "ftp://")):
            url = href
    if not doi:  # "doi: 10.1/x" typed into a mixed-citation
        m = _DOI.search(text_of(citation))
        doi = m.group(0).rstrip(".,;") if m else None
    return doi, pmid, url


def _display(names: list[Name], etal: bool, fields: dict) -> str:
    """A readable one-line rendering of a structured citation (an element-citation has no punctuation)."""
    who = ", ".join(f"{n.family} {n.given}".strip() for n in names[:10])
    if etal or len(names) > 10:
        who += ", et al."
    out = who + (f" ({fields['year']})" if fields.get("year") else "")
    for name in ("title", "container_title"):
        if fields.get(name):
            out += f" {fields[name].rstrip('.')}."
    if fields.get("volume"):
        out += f" {fields['volume']}"
        if fields.get("issue"):
            out += f"({fields['issue']})"
    if fields.get("page") or fields.get("article_number"):
        out += f": {fields.get('page') or fields.get('article_number')}"
    if fields.get("doi"):
        out += f" doi:{fields['doi']}"
    return _SPACES.sub(" ", out).strip(" :")


def _year(citation: Element) -> str | None:
    year = citation.find("year")
    if year is None:
        date = citation.find("date")
        year = date.find("year") if date is not None else None
    value = text_of(year)
    return value or None


def _structured(citation: Element) -> bool:
    """True when the citation tags its parts (not just a string with a DOI link in it)."""
    return any(isinstance(c, Element) and c.tag in ("person-group", "source", "article-title", "year", "name", "string-name", "collab")
               for c in citation.children)


def _reference(source: Source, ref: Element, citation: Element, *, id: str, label: str | None) -> Reference:
    span = source.span(ref.start, ref.end)
    if not _structured(citation):
        # a bare string: parse it like a printed entry, then point the spans at the XML
        flat = text_of(citation, frozenset({"label"}))
        parsed = parse_reference(Source(source.path, flat), 0, len(flat), id=id, label=label)
        doi, pmid, url = _pub_ids(citation, ref)
        return replace(parsed, span=span, key=ref.attrs.get("id"), doi=parsed.doi or doi, url=parsed.url or url, pmid=pmid,
                       parts=())
    names, etal = _names(citation)
    kind = citation.attrs.get("publication-type") or citation.attrs.get("citation-type") or ""
    article_title = text_of(citation.find("article-title"))
    chapter_title = text_of(citation.find("chapter-title"))
    source_title = text_of(citation.find("source"))
    if article_title or chapter_title:
        title, container = article_title or chapter_title, source_title or None
    else:
        title, container = source_title or text_of(citation.find("data-title")) or None, None
    fpage, lpage = text_of(citation.find("fpage")), text_of(citation.find("lpage"))
    page = f"{fpage}-{lpage}" if fpage and lpage else fpage or text_of(citation.find("page-range")) or None
    doi, pmid, url = _pub_ids(citation, ref)
    fields = {
        "year": _year(citation), "title": title or None, "container_title": container,
        "volume": text_of(citation.find("volume")) or None, "issue": text_of(citation.find("issue")) or None,
        "page": page, "article_number": text_of(citation.find("elocation-id")) or None, "doi": doi,
    }
    raw = text_of(citation, frozenset({"label"})) if citation.tag == "mixed-citation" else _display(names, etal, fields)
    present = sum(1 for v in (names, fields["year"], title, container or fields["volume"]) if v)
    return Reference(
        id=id, span=span, raw=raw, label=label, key=ref.attrs.get("id"), authors=tuple(names), authors_truncated=etal,
        url=url, confidence=present / 4, type=_TYPES.get(kind.lower()), pmid=pmid, **fields,
    )


def _references(source: Source, article: Element, numeric: bool) -> list[Reference]:
    refs = [ref for ref_list in article.iter("ref-list", skip=_NESTED) for ref in ref_list.iter("ref")]
    out: list[Reference] = []
    for position, ref in enumerate(refs, 1):
        label = _LABEL_TRIM.sub("", text_of(ref.find("label"))) or None
        if label is None and numeric:
            label = str(position)  # numbered by the publisher's renderer in list order
        citations = [c for c in ref.children if isinstance(c, Element) and c.tag in _CITATION_TAGS]
        rid = f"r{position}"
        if not citations:
            flat = text_of(ref, frozenset({"label"}))
            parsed = parse_reference(Source(source.path, flat), 0, len(flat), id=rid, label=label)
            out.append(replace(parsed, span=source.span(ref.start, ref.end), key=ref.attrs.get("id"), parts=()))
            continue
        entry = _reference(source, ref, citations[0], id=rid, label=label)
        if len(citations) > 1:  # one <ref> holding several works
            parts = tuple(_reference(source, ref, c, id=f"{rid}.{i}", label=None) for i, c in enumerate(citations, 1))
            entry = replace(entry, raw="; ".join(p.raw for p in parts), parts=parts)
        out.append(entry)
    return repeated_authors(out)


# --------------------------------------------------------------------------- citations

_BLOCKS = frozenset({"p", "td", "th", "title", "article-title", "label", "attrib", "term", "def", "list-item", "caption", "fn"})
_NUMERIC_TEXT = re.compile(r"^[\s\[(]*\d{1,5}(?:\s*[-–—‐,;]\s*\d{1,5})*[\s\])]*$")
_BETWEEN = re.compile(r"^[\s,;]*(?:[-–—‐]|and|&)?[\s,;]*$")
_MAX_BETWEEN = 200  # separators are short (with indentation, a line at most); a long stretch of them is not one citation
_DASHED = re.compile(r"[-–—‐]")
_OPEN = re.compile(r"[(\[]\s*$")
_CLOSE = re.compile(r"^\s*[)\]]")


def _block(el: Element) -> Element:
    node = el.parent
    while node is not None and node.tag not in _BLOCKS and node.parent is not None:
        node = node.parent
    return node or el


def _is_citation_xref(el: Element, ref_ids: set[str]) -> bool:
    kind = el.attrs.get("ref-type")
    rids = el.attrs.get("rid", "").split()
    return kind == "bibr" or (kind is None and bool(rids) and all(r in ref_ids for r in rids))


def _groups(xrefs: list[Element], proj: Projection) -> list[list[tuple[Element, int, int]]]:
    """Adjacent xrefs (only separators between them) form one citation."""
    groups: list[list[tuple[Element, int, int]]] = []
    for el in xrefs:
        start, end = proj.range_of(el)
        between = proj.text[groups[-1][-1][2] : start] if groups else None
        if between is not None and len(between) <= _MAX_BETWEEN and _BETWEEN.match(between):
            groups[-1].append((el, start, end))
        else:
            groups.append([(el, start, end)])
    return groups


def _author_year_fields(proj: Projection, group: list[tuple[Element, int, int]]) -> tuple[list[dict | None], bool, set[str]]:
    """Each xref's (authors, et_al, year) read by the citation grammar in its context."""
    lo = max(0, group[0][1] - grammar.NARRATIVE_WINDOW)
    opened = proj.text.rfind("(", max(0, lo - 1000), lo)  # a parenthesis opened further back: read from there
    if opened != -1 and ")" not in proj.text[opened:lo]:
        lo = opened
    hi = min(len(proj.text), group[-1][2] + 2)
    found = grammar.find_author_year(proj.text, lo, hi)
    out: list[dict | None] = []
    narrative = False
    form: set[str] = set()
    for _, start, end in group:
        fields = None
        for f in found:
            for s, e, item in f.items:
                if s < end and e > start:  # the grammar's item overlaps this xref's text
                    fields = item
                    narrative = narrative or f.narrative
                    form |= f.form
                    break
            if fields:
                break
        out.append(fields)
    form.discard("weak")  # marked up as a citation: not a guess
    return out, narrative, form


def _citations(source: Source, article: Element, ref_ids: set[str], numeric: bool) -> list[Citation]:
    xrefs = [el for el in article.iter("xref", skip=_NESTED | {"ref-list"}) if _is_citation_xref(el, ref_ids)]
    by_block: dict[int, tuple[Element, list[Element]]] = {}
    for el in xrefs:
        block = _block(el)
        by_block.setdefault(id(block), (block, []))[1].append(el)
    found: list[tuple[int, Citation]] = []
    for block, members in by_block.values():
        proj = Projection(block)
        for group in _groups(members, proj):
            found.append(_citation(source, proj, group, numeric))
    found.sort(key=lambda pair: pair[0])
    return [Citation(f"c{i}", c.span, c.text, c.style, c.narrative, c.items, c.form) for i, (_, c) in enumerate(found, 1)]


def _citation(source: Source, proj: Projection, group: list[tuple[Element, int, int]], numeric: bool) -> tuple[int, Citation]:
    texts = [proj.text[s:e] for _, s, e in group]
    is_numeric = all(_NUMERIC_TEXT.match(t) for t in texts) if numeric else all(_NUMERIC_TEXT.match(t) and not grammar.YEAR_TOKEN.search(t) for t in texts)
    start, end = group[0][1], group[-1][2]
    before, after = proj.text[max(0, start - 3) : start], proj.text[end : end + 3]
    opened, closed = _OPEN.search(before), _CLOSE.match(after)
    if opened and closed:
        start, end = start - (len(before) - opened.start()), end + closed.end()
    # the citation covers its xrefs' text, and its items' spans (an xref's markup included)
    first_start = min(proj.source(start), group[0][0].inner)
    span = source.span(first_start, max(first_start, proj.source(end, end=True), group[-1][0].close))
    items: list[CitationItem] = []
    form: set[str] = set()
    narrative = False
    if is_numeric:
        previous: int | None = None
        previous_start = start
        for (el, s, e), text in zip(group, texts):
            numbers = grammar.parse_numbers(text, form)
            if previous is not None and numbers and _DASHED.search(proj.text[previous_end:s]) and numbers[0] > previous + 1:
                # [1]–[5]: 2, 3 and 4 are cited by the range as a whole (an item over both ends, no key)
                middle = tuple(range(previous + 1, numbers[0]))
                both = source.span(proj.source(previous_start), proj.source(e, end=True))
                items.append(CitationItem(both, _SPACES.sub(" ", proj.text[previous_start:e]).strip(), numbers=middle))
            items.extend(_items(source, el, text, {"numbers": numbers}))
            previous, previous_start, previous_end = (numbers[-1] if numbers else previous), s, e
        style = "numeric"
    else:
        fields, narrative, form = _author_year_fields(proj, group)
        for (el, s, e), text, item in zip(group, texts, fields):
            items.extend(_items(source, el, text, dict(item) if item else {}))
        style = "author-year"
    if any(el.find("sup") is not None or (el.parent is not None and el.parent.tag == "sup") for el, _, _ in group):
        form.add("superscript")
    text = _SPACES.sub(" ", proj.text[start:end])
    return span.start, Citation("", span, text, style, narrative, tuple(items), frozenset(form))


def _items(source: Source, el: Element, text: str, fields: dict) -> list[CitationItem]:
    """One item per rid (an xref may name several references)."""
    span = source.span(el.inner, el.close)
    rids = el.attrs.get("rid", "").split() or [None]
    text = _SPACES.sub(" ", text).strip()
    numbers = tuple(fields.get("numbers", ()))
    out = []
    for i, rid in enumerate(rids):
        mine = numbers if len(rids) == 1 else (numbers[i : i + 1] if len(numbers) == len(rids) else (numbers if i == 0 else ()))
        first = i == 0
        out.append(CitationItem(span, text, tuple(fields.get("authors", ())) if first else (), fields.get("et_al", False) and first,
                                fields.get("year") if first else None, mine, rid))
    return out


# --------------------------------------------------------------------------- metadata

_EVENTS = {"received": "received", "accepted": "accepted", "rev-recd": "revised", "revised": "revised", "rev-request": None}


def _iso(date: Element) -> str | None:
    iso = date.attrs.get("iso-8601-date", "")
    if re.match(r"^\d{4}-\d\d-\d\d$", iso):
        return iso
    year, month, day = (text_of(date.find(t)) for t in ("year", "month", "day"))
    if not year.isdigit():
        return None
    month = month if month.isdigit() and 1 <= int(month) <= 12 else "1"
    day = day if day.isdigit() and 1 <= int(day) <= 31 else "1"
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def _metadata(article: Element) -> tuple[str | None, str | None, dict[str, str | None]]:
    front = article.find("front")
    meta = front.find("article-meta") if front is not None else None
    dates: dict[str, str | None] = {"received": None, "revised": None, "accepted": None, "published": None}
    if meta is None:
        return None, None, dates
    group = meta.find("title-group")
    title = text_of(group.find("article-title") if group is not None else None) or None
    doi = next((text_of(el) for el in meta.findall("article-id") if el.attrs.get("pub-id-type") == "doi"), None)
    history = meta.find("history")
    for date in history.findall("date") if history is not None else ():
        event = _EVENTS.get(date.attrs.get("date-type", ""))
        if event and dates[event] is None:
            dates[event] = _iso(date)
    # the earliest complete date (epub before ppub); a year-only "collection" date only when nothing else
    pub_dates = meta.findall("pub-date")
    complete = [d for d in pub_dates if d.find("day") is not None or len(d.attrs.get("iso-8601-date", "")) == 10]
    published = sorted(filter(None, (_iso(d) for d in complete or pub_dates)))
    dates["published"] = published[0] if published else None
    return title, doi, dates


# --------------------------------------------------------------------------- what a reader sees

# Front matter an editor does not read as the manuscript (it is in the report's summary, or noise)
_UNSEEN = frozenset({"journal-meta", "article-categories", "contrib-group", "aff", "author-notes", "pub-date", "volume",
                     "issue", "elocation-id", "history", "permissions", "self-uri", "related-article", "funding-group",
                     "kwd-group", "custom-meta-group", "counts", "article-id", "fpage", "lpage", "object-id", "tex-math",
                     "annotation", "mml:annotation", "pub-history", "article-version", "article-version-alternatives"})
_BREAKS = frozenset({"p", "title", "sec", "article-title", "abstract", "list-item", "caption", "fig", "table-wrap", "tr",
                     "disp-formula", "ref", "def-item", "fn", "boxed-text", "disp-quote", "ack", "app", "body", "back",
                     "title-group", "trans-abstract", "statement", "list", "ref-list", "fn-group", "glossary", "label"})


def markup(text: str, article: Element) -> tuple[tuple[int, int, str], ...]:
    """The ranges of ``text`` a reader does not see (tags, front matter, whitespace between blocks).

    Everything between two visible pieces of text is markup; it shows as a line break where a
    block element opens or closes inside it.
    """
    out: list[tuple[int, int, str]] = []
    last = 0  # end of the last visible piece
    broke = False
    stack: list = [article]
    while stack:
        node = stack.pop()
        if node is None:  # the end of a block element
            broke = True
            continue
        if isinstance(node, Text):
            if not node.text.strip() and "\n" in text[node.start : node.end]:
                continue  # indentation between elements
            if node.start > last:
                out.append((last, node.start, "\n" if broke and out else ""))
            elif node.start < last:
                continue
            last, broke = node.end, False
            continue
        if node.tag in _UNSEEN:
            continue
        if node.tag in _BREAKS:
            broke = True
            stack.append(None)
        stack.extend(reversed(node.children))
    if last < len(text):
        out.append((last, len(text), ""))
    return tuple(out)


# --------------------------------------------------------------------------- the reader


def read(source: Source) -> Manuscript:
    """Read one JATS article into citations, references and metadata (links come later)."""
    try:
        article = parse(source.text)
    except Refused as err:
        return Manuscript(source=source, problems=(Problem(source.span(0, 0), f"{source.path} {err}", rule="unreadable-input"),))
    ref_ids = {ref.attrs["id"] for ref_list in article.iter("ref-list", skip=_NESTED) for ref in ref_list.iter("ref") if "id" in ref.attrs}
    xref_texts = [text_of(el) for el in article.iter("xref", skip=_NESTED | {"ref-list"}) if _is_citation_xref(el, ref_ids)]
    numbers = sum(1 for t in xref_texts if _NUMERIC_TEXT.match(t) and not grammar.YEAR_TOKEN.search(t))
    labelled = sum(1 for ref_list in article.iter("ref-list", skip=_NESTED) for ref in ref_list.iter("ref") if ref.find("label") is not None)
    numeric = numbers * 2 > len(xref_texts) or (not xref_texts and labelled * 2 > len(ref_ids))
    references = _references(source, article, numeric)
    citations = _citations(source, article, ref_ids, numeric)
    title, doi, dates = _metadata(article)
    ref_list = next(article.iter("ref-list", skip=_NESTED), None)
    source = Source(source.path, source.text, source.format, markup=markup(source.text, article))
    references = [replace(r, span=r.span._replace(path=source.path)) for r in references]  # (same path: spans stay valid)
    return Manuscript(
        source=source, citations=tuple(citations), references=tuple(references), title=title, doi=doi, dates=dates,
        reference_section=source.span(ref_list.start, ref_list.end) if ref_list is not None else None,
    )
