"""The vocabulary of refcheck: small immutable values that carry their location.

Nothing here does I/O or imports from the rest of refcheck. Field names follow CSL
variables (``container_title``, ``page``, ``article_number``) so that a Reference read
from Markdown, from BibTeX or from Crossref can be compared field by field.
"""

from __future__ import annotations

import bisect
import enum
from dataclasses import dataclass, field
from typing import NamedTuple


# Manubot citation keys name the work by an identifier (``[@doi:10.1/x]``): no bibliography entry needed
MANUBOT_PREFIXES = ("doi:", "pmid:", "pubmed:", "pmcid:", "pmc:", "arxiv:", "url:", "https:", "http:", "isbn:", "wikidata:", "tag:", "raw:")


class Severity(enum.IntEnum):
    """How serious a finding is; ordered so that ``>=`` means "at least as serious"."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        return cls[value.strip().upper()]


class Span(NamedTuple):
    """Where something is: 1-based line/column and 0-based character offsets (ends exclusive).

    A NamedTuple rather than a frozen dataclass: a 10,000-reference manuscript makes
    hundreds of thousands of them, and tuples are several times cheaper to build. The field
    order is the JSON order.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int
    page: int = 0  # in a PDF: the 1-based page of ``start``, and its line on that page (0 elsewhere)
    page_line: int = 0

    def to_dict(self) -> dict:
        path, line, column, end_line, end_column, start, end, page, page_line = self  # twice as fast as dict(zip(...))
        out = {"path": path, "line": line, "column": column, "end_line": end_line, "end_column": end_column, "start": start, "end": end}
        if page:
            out["page"], out["page_line"] = page, page_line
        return out

    @property
    def where(self) -> str:
        """How a person finds the place: "page 3, line 12" in a PDF, else "line 12"."""
        return f"page {self.page}, line {self.page_line}" if self.page else f"line {self.line}"


@dataclass(frozen=True, eq=False)
class Source:
    """One input file's text, with a line index to turn offsets into Spans.

    ``markup`` lists what a reader of the text does not see, for formats that have markup
    (JATS tags, a journal's front matter): ``(start, end, shown instead)``, sorted and disjoint,
    the replacement ``"\n"`` where a block ends and ``""`` otherwise. Spans ignore it; the HTML
    report shows the text without it.

    ``pages`` (a PDF's extracted text): where each page's first line starts; spans then carry
    the page and the line on it.
    """

    path: str
    text: str
    format: str = "markdown"
    _line_starts: list[int] = field(default_factory=list, repr=False, compare=False)
    markup: tuple[tuple[int, int, str], ...] = field(default=(), repr=False, compare=False)
    pages: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = [0]
        find = self.text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._line_starts[:] = starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a 0-based character offset."""
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def span(self, start: int, end: int) -> Span:
        starts = self._line_starts
        i = bisect.bisect_right(starts, start) - 1
        # most spans end on the line they start on: one bisection instead of two
        j = i if i + 1 == len(starts) or end < starts[i + 1] else bisect.bisect_right(starts, end) - 1
        if self.pages:
            page = max(1, bisect.bisect_right(self.pages, start))
            first = bisect.bisect_right(starts, self.pages[page - 1]) - 1  # the page's first line
            return Span(self.path, i + 1, start - starts[i] + 1, j + 1, end - starts[j] + 1, start, end, page, i - first + 1)
        return Span(self.path, i + 1, start - starts[i] + 1, j + 1, end - starts[j] + 1, start, end)

    def line_text(self, line: int) -> str:
        starts = self._line_starts
        if not 1 <= line <= len(starts):
            return ""
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        return self.text[starts[line - 1] : end]


@dataclass(frozen=True, slots=True)
class Name:
    """A person's name as printed: ``Name("van der Berg", "J. A.")``."""

    family: str
    given: str = ""

    def to_dict(self) -> dict:
        return {"family": self.family, "given": self.given}


@dataclass(frozen=True, slots=True)
class CitationItem:
    """One cited work inside a Citation: ``Smith et al., 2019a`` or ``3`` or ``@key``.

    ``authors`` holds the surnames as written (one, or two for ``Smith and Lee``);
    ``numbers`` holds numeric labels with ranges expanded; ``key`` a pandoc/BibTeX key.
    """

    span: Span
    text: str
    authors: tuple[str, ...] = ()
    et_al: bool = False
    year: str | None = None
    numbers: tuple[int, ...] = ()
    key: str | None = None

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "span": self.span.to_dict(),
            "authors": list(self.authors),
            "et_al": self.et_al,
            "year": self.year,
            "numbers": list(self.numbers),
            "key": self.key,
        }


@dataclass(frozen=True, slots=True)
class Citation:
    """One in-text citation as written: ``(Smith et al., 2019; Lee, 2020)``, ``[3-5]``, ``[@key]``.

    ``form`` records how it deviates from the usual shape (``comma-before-year-parenthesis``,
    ``no-comma-before-year``, ``et-al-without-period``, ``range-reversed``...); rules read it.
    """

    id: str
    span: Span
    text: str
    style: str  # "author-year" | "numeric" | "key"
    narrative: bool
    items: tuple[CitationItem, ...]
    form: frozenset[str] = frozenset()

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "text": self.text,
            "style": self.style,
            "narrative": self.narrative,
            "span": self.span.to_dict(),
            "items": [item.to_dict() for item in self.items],
        }


@dataclass(frozen=True, slots=True)
class Reference:
    """One entry of the reference list (or of a .bib file), with its parsed fields.

    ``parts`` is non-empty when the entry holds more than one work (each part is itself a
    Reference over its share of the text). ``confidence`` (0..1) says how sure the parse is.
    """

    id: str
    span: Span
    raw: str
    label: str | None = None
    key: str | None = None
    authors: tuple[Name, ...] = ()
    authors_truncated: bool = False
    year: str | None = None
    title: str | None = None
    container_title: str | None = None
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    article_number: str | None = None
    doi: str | None = None
    url: str | None = None
    confidence: float = 0.0
    parts: tuple[Reference, ...] = ()
    type: str | None = None  # a .bib entry's type ("article", "inproceedings"); None for a printed entry
    fields: tuple[str, ...] = ()  # a .bib entry's field names as written, lower-cased ("author", "journal")
    pmid: str | None = None  # a PubMed id, where the source tags one (JATS pub-id, a .bib pmid field)
    crossref: str | None = None  # a .bib entry's parent (``crossref = {key}``): BibTeX lists it when the child is cited
    repeated: tuple[str, ...] = ()  # a .bib entry's fields given more than once (BibTeX keeps the first)
    # other years the entry prints for the same work (the original of a translation, a reprint,
    # "2011/1979", "[1975] 1988"; for an undated page, the year it was accessed): a citation of
    # one of them still names this entry
    other_years: tuple[str, ...] = ()

    @property
    def first_author(self) -> str | None:
        return self.authors[0].family if self.authors else None

    @property
    def number(self) -> int | None:
        """The printed label as a number (``15``), or None for unnumbered or odd labels."""
        return int(self.label) if self.label and self.label.isdecimal() else None

    @property
    def year_number(self) -> int | None:
        digits = (self.year or "")[:4]
        return int(digits) if digits.isdigit() else None

    def to_dict(self) -> dict:
        data = {
            "id": self.id,
            "label": self.label,
            "key": self.key,
            "raw": self.raw,
            "span": self.span.to_dict(),
            "authors": [name.to_dict() for name in self.authors],
            "authors_truncated": self.authors_truncated,
            "year": self.year,
            "title": self.title,
            "container_title": self.container_title,
            "volume": self.volume,
            "issue": self.issue,
            "page": self.page,
            "article_number": self.article_number,
            "doi": self.doi,
            "url": self.url,
            "confidence": round(self.confidence, 2),
        }
        if self.type is not None:
            data["type"] = self.type
        if self.pmid is not None:
            data["pmid"] = self.pmid
        if self.other_years:
            data["other_years"] = list(self.other_years)
        if self.parts:
            data["parts"] = [part.to_dict() for part in self.parts]
        return data


@dataclass(frozen=True, slots=True)
class Link:
    """Ties one CitationItem (``citation`` id, ``item`` index) to zero or more References.

    ``how`` says how it matched: ``label``, ``key``, ``exact``, ``case``, ``diacritics``,
    ``fuzzy-author`` (surname spelled differently), ``last-author`` (the work's last author cited
    instead of its first), ``no-suffix`` (2019 for 2019a) and the others docs/json-schema.md lists;
    ``none`` when nothing matched, ``ambiguous`` when several matched equally.
    ``nearest`` holds close candidates offered as "did you mean" when nothing matched, and
    ``year_differs`` is set when the author exists in the list only with other years.
    Numeric items get one Link per cited number (``number``).
    """

    citation: str
    item: int
    references: tuple[str, ...]
    how: str
    nearest: tuple[str, ...] = ()
    year_differs: bool = False
    number: int | None = None

    def to_dict(self) -> dict:
        data = {
            "citation": self.citation,
            "item": self.item,
            "references": list(self.references),
            "how": self.how,
        }
        if self.number is not None:
            data["number"] = self.number
        return data


@dataclass(frozen=True, slots=True)
class Work:
    """A bibliographic record from Crossref, reduced to the fields refcheck compares.

    ``updates`` are notices about this work (``("retraction", "publisher", "10.1/notice")``,
    source ``publisher`` or ``retraction-watch``); ``relations`` are links to other works
    (``("has-preprint", "10.1101/x")``, ``("is-preprint-of", "10.1/y")``).
    """

    doi: str
    title: str | None = None
    authors: tuple[Name, ...] = ()
    year: str | None = None
    container_title: str | None = None
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    article_number: str | None = None
    type: str | None = None
    updates: tuple[tuple[str, str, str], ...] = ()  # (update type, source, notice DOI)
    relations: tuple[tuple[str, str], ...] = ()  # (relation type, DOI)
    container_titles: tuple[str, ...] = ()  # every container title (a chapter has series and book)
    score: float | None = None  # the search's relevance score, when the work came from a search
    abstract: str | None = None  # the record's abstract as plain text (JATS tags removed), where it has one


@dataclass(frozen=True, slots=True)
class Match:
    """Ties a Reference (or one work of a merged entry) to what Crossref said about it.

    ``status``: ``verified`` (found, agrees), ``mismatch`` (found, ``differences`` listed),
    ``not-found`` (no record validates; ``work`` is the best candidate, if any),
    ``doi-not-found`` (no agency knows the printed DOI), ``other-agency`` (a DataCite, mEDRA...
    DOI: not Crossref's to verify), ``elsewhere`` (the printed DOI is another work),
    ``unverified`` (not asked or no answer: ``evidence`` says why), ``incomplete`` (too
    little to search). ``via`` is how the record was reached: ``doi``, ``search`` or ``lock``.
    """

    reference: str
    status: str
    work: Work | None = None
    differences: tuple[tuple[str, str, str], ...] = ()  # (field, printed, record)
    evidence: str = ""
    via: str = ""

    def to_dict(self) -> dict:
        work = self.work
        return {
            "reference": self.reference,
            "status": self.status,
            "via": self.via,
            "doi": work.doi if work else None,
            "differences": [{"field": f, "printed": p, "record": r} for f, p, r in self.differences],
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class Fix:
    """A proposed correction: replace ``span`` with ``replacement`` (or just advise)."""

    message: str
    replacement: str | None = None
    span: Span | None = None

    def to_dict(self) -> dict:
        return {
            "message": self.message,
            "replacement": self.replacement,
            "span": self.span.to_dict() if self.span else None,
        }


@dataclass(frozen=True, slots=True)
class Contrast:
    """Two phrases that should agree, set side by side: what the citing sentence says and what the
    cited work says (``"human adipose mesenchymal stem cells"`` / ``"Human amniotic mesenchymal stem
    cells"``). ``said_marks`` and ``cited_marks`` are the (start, end) offsets, into each phrase, of
    the words that differ."""

    said: str
    cited: str
    said_marks: tuple[tuple[int, int], ...] = ()
    cited_marks: tuple[tuple[int, int], ...] = ()
    source: str = "title"  # what ``cited`` quotes: the entry's "title", the Crossref "record" title, its "abstract"

    def to_dict(self) -> dict:
        return {"said": self.said, "cited": self.cited, "said_marks": [list(m) for m in self.said_marks],
                "cited_marks": [list(m) for m in self.cited_marks], "source": self.source}


@dataclass(frozen=True, slots=True)
class Problem:
    """What a rule or reader reports before the engine stamps code and severity on it.

    ``severity`` overrides the rule's default only where the rule itself grades the case
    (a case-only author difference is info where a spelling difference is a warning).
    """

    span: Span
    message: str
    fix: Fix | None = None
    notes: tuple[str, ...] = ()
    severity: Severity | None = None
    rule: str | None = None  # set by readers, which report under an input rule
    contrast: Contrast | None = None  # two phrases the finding sets side by side (citation-context)


@dataclass(frozen=True, slots=True)
class Finding:
    """A Problem stamped by the engine with its rule's code, name and severity."""

    code: str
    rule: str
    severity: Severity
    span: Span
    message: str
    fix: Fix | None = None
    notes: tuple[str, ...] = ()
    contrast: Contrast | None = None

    def sort_key(self) -> tuple:
        return (self.span.path, self.span.line, self.span.column, self.code, self.span.start, self.message)

    def to_dict(self) -> dict:
        data = {
            "code": self.code,
            "rule": self.rule,
            "severity": str(self.severity),
            "span": self.span.to_dict(),
            "message": self.message,
            "fix": self.fix.to_dict() if self.fix else None,
            "notes": list(self.notes),
        }
        if self.contrast is not None:
            data["contrast"] = self.contrast.to_dict()
        return data


@dataclass(frozen=True)
class Toolchain:
    """How a LaTeX manuscript's bibliography is built: which program reads the .bib files and how.

    ``backend`` is ``"bibtex"`` (``\\bibliography{}``, or biblatex with ``backend=bibtex``) or
    ``"biber"`` (biblatex); their rules differ (key case, ``%`` comments, what a syntax error
    costs). ``sites`` says where each .bib file is named (``\\bibliography``, ``\\addbibresource``):
    problems reading it are reported there.
    """

    backend: str | None = None
    encoding: str | None = None  # declared: inputenc's option, or biblatex's bibencoding=
    style: str | None = None  # \\bibliographystyle{...} (BibTeX only)
    style_span: Span | None = None
    sites: tuple[tuple[str, Span], ...] = ()  # (file name as written, where it is named)
    style_types: frozenset[str] | None = None  # the entry types the style defines, when its .bst was read
    packages: tuple[str, ...] = ()  # the packages loaded (natbib writes a command's keys on one .aux line)
    document_class: str | None = None

    def site(self, name: str) -> Span | None:
        return next((span for written, span in self.sites if written == name), None)


@dataclass(frozen=True)
class Manuscript:
    """Everything read from one manuscript: text, metadata, citations, references, links."""

    source: Source
    citations: tuple[Citation, ...] = ()
    references: tuple[Reference, ...] = ()
    links: tuple[Link, ...] = ()
    matches: tuple[Match, ...] = ()
    problems: tuple[Problem, ...] = ()
    title: str | None = None
    doi: str | None = None
    dates: dict[str, str | None] = field(default_factory=dict)  # received/revised/accepted/published: ISO
    reference_section: Span | None = None
    crossref_consulted: bool = False
    notes: tuple[str, ...] = ()  # said once in the report: what could not be done for this manuscript
    bib_files: tuple[str, ...] = ()  # bibliography files the text names (front matter, \bibliography{})
    bib: tuple[Reference, ...] = ()  # the entries of those .bib files (ids b1, b2...), keys in ``key``
    sources: tuple[Source, ...] = ()  # the other files read for it (.bib, \input): spans may point there
    aliases: tuple[tuple[str, str], ...] = ()  # Manubot tag definitions: ("tag:name", "doi:10...")
    toolchain: Toolchain | None = None  # LaTeX: BibTeX or biber, the style, where each .bib is named
    bib_unread: tuple[tuple[str, str | None], ...] = ()  # named bibliography files not read: (name, the file writing it at build time)

    @property
    def path(self) -> str:
        return self.source.path
