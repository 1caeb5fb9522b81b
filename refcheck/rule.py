"""What a rule is: a documented function over a Context, with a stable code, name and severity.

The engine (``refcheck.api``), not the rule, stamps code and severity onto each Problem, so
select/ignore and severity overrides live in one place.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

import regex

from refcheck.model import Citation, CitationItem, Link, Manuscript, Problem, Reference, Severity
from refcheck.names import fold, surname_key


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    check: Callable[[Context], Iterable[Problem]] | None
    needs: frozenset[str] = frozenset()
    enabled: bool = True  # on by default

    @property
    def doc(self) -> str:
        import inspect

        return inspect.cleandoc(self.check.__doc__ or "") if self.check else ""

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0]


def rule(code: str, name: str, severity: Severity, *, needs: Iterable[str] = (), enabled: bool = True):
    """Declare a rule: ``@rule("RC101", "citation-without-reference", Severity.ERROR)``."""

    def wrap(func: Callable[[Context], Iterable[Problem]]) -> Rule:
        return Rule(code, name, severity, func, frozenset(needs), enabled)

    return wrap


@dataclass(frozen=True)
class Options:
    """What rules may know beyond the manuscript: the manuscript date if configured, and today."""

    manuscript_date: str | None = None  # ISO date overriding the one read from the text
    today: dt.date = field(default_factory=dt.date.today)


def _url_key(url: str | None) -> str:
    """A web address compared without its scheme, "www." and trailing punctuation."""
    if not url:
        return ""
    key = url.strip().rstrip("./,;").lower()
    for prefix in ("https://", "http://", "www."):
        key = key.removeprefix(prefix)
    return key


_LOWER_WORD = regex.compile(r"(?<!\w)\p{Ll}+(?!\w)")


@dataclass
class Context:
    """A manuscript plus the indexes rules share, computed once, lazily."""

    manuscript: Manuscript
    options: Options = field(default_factory=Options)

    @cached_property
    def references(self) -> dict[str, Reference]:
        return {r.id: r for r in self.manuscript.references}

    @cached_property
    def works(self) -> dict[str, tuple[Reference, Reference]]:
        """Work id -> (entry, work): each reference is its own work; a merged entry's parts and .bib entries are too."""
        works = {work.id: (ref, work) for ref in self.manuscript.references for work in (ref, *ref.parts)}
        works.update((entry.id, (entry, entry)) for entry in self.manuscript.bib)
        return works

    @cached_property
    def citations(self) -> dict[str, Citation]:
        return {c.id: c for c in self.manuscript.citations}

    def item(self, link: Link) -> CitationItem:
        return self.citations[link.citation].items[link.item]

    @cached_property
    def links_to(self) -> dict[str, list[Link]]:
        """Reference id -> the links that reach it, in document order."""
        out: dict[str, list[Link]] = defaultdict(list)
        for link in self.manuscript.links:
            for ref_id in link.references:
                out[ref_id].append(link)
        return out

    @cached_property
    def repeats(self) -> dict[str, str]:
        """Entry id -> the id of an earlier entry it repeats: same first author, year and whole title
        (folded, at least 10 letters), and no two different DOIs. One work listed twice is one
        problem (duplicate-reference); the rules that would see it as two works pass over it."""
        by_author_year: dict[tuple, int] = defaultdict(int)
        for ref in self.manuscript.references:
            if ref.authors and ref.year:
                by_author_year[(surname_key(ref.authors[0].family), ref.year)] += 1
        first: dict[tuple, str] = {}
        out: dict[str, str] = {}
        for ref in self.manuscript.references:
            if not (ref.authors and ref.year) or by_author_year[(surname_key(ref.authors[0].family), ref.year)] < 2:
                continue  # titles are folded only where an author and year repeat
            title = fold(ref.title or "")[:400]
            if len(title) < 10:
                continue
            key = (surname_key(ref.authors[0].family), ref.year, title)
            earlier = first.setdefault(key, ref.id)
            if earlier != ref.id:
                doi, other = ref.doi, self.references[earlier].doi
                url, other_url = _url_key(ref.url), _url_key(self.references[earlier].url)
                # two DOIs or two web addresses that differ: two works (a bulletin's numbers 99 and 100)
                if not (doi and other and doi.lower() != other.lower()) and not (url and other_url and url != other_url):
                    out[ref.id] = earlier
        return out

    def work_of(self, ref_id: str) -> str:
        """The id of the first listing of the work an entry lists (itself, unless it repeats one)."""
        return self.repeats.get(ref_id, ref_id)

    @cached_property
    def numbered(self) -> bool:
        refs = self.manuscript.references
        return bool(refs) and sum(1 for r in refs if r.label) * 2 > len(refs)

    @cached_property
    def body_folded(self) -> str:
        """The text before its reference list (when the list is in the text's own file), its
        whitespace collapsed and case folded: what the text says, to look names up in."""
        path = self.manuscript.source.path
        end = min((r.span.start for r in self.manuscript.references if r.span.path == path), default=0)
        return " ".join(self.manuscript.source.text[:end].split()).casefold()

    @cached_property
    def citation_spans(self) -> tuple[list[int], list[tuple[int, int]]]:
        """The (start, end) of the citations in the manuscript's own file, in order, and their starts."""
        path = self.manuscript.source.path
        spans = sorted((c.span.start, c.span.end) for c in self.manuscript.citations if c.span.path == path)
        return [start for start, _ in spans], spans

    @cached_property
    def entries_by_year(self) -> dict[str, list[Reference]]:
        """Year as printed -> the entries with authors of that year, in list order."""
        out: dict[str, list[Reference]] = defaultdict(list)
        for ref in self.manuscript.references:
            if ref.year and ref.authors:
                out[ref.year].append(ref)
        return out

    @cached_property
    def lowercase_words(self) -> dict[str, int]:
        """Each word the text writes in lower case, with how often: a "name" the text also uses as a
        common word is a term."""
        return Counter(_LOWER_WORD.findall(self.manuscript.source.text))

    @cached_property
    def last_number(self) -> int:
        """The highest printed number of the list (0 when the list is not numbered)."""
        return max((r.number for r in self.manuscript.references if r.number is not None), default=0)

    @cached_property
    def manuscript_date(self) -> tuple[str, str] | None:
        """(ISO date, which event) used for chronology: configured, else accepted, published, revised,
        received, else the front matter's ``date:`` (pandoc's; a month or year alone is at its last day)."""
        if self.options.manuscript_date:
            return self.options.manuscript_date, "configured"
        dates = self.manuscript.dates
        for event in ("accepted", "published", "revised", "received"):
            if dates.get(event):
                return dates[event], event
        if dates.get("date"):
            return dates["date"], "front matter"
        return None


# --- how findings name references (one wording for every rule) ----------------------------


def short(work: Reference) -> str:
    """``Smith et al. 2019``, ``Gnecchi and Melo 2009``, or the start of the title."""
    if not work.authors:
        return (work.title or work.raw)[:40]
    year = work.year or "n.d."
    if len(work.authors) == 2 and not work.authors_truncated:
        return f"{work.authors[0].family} and {work.authors[1].family} {year}"
    etal = " et al." if len(work.authors) > 2 or work.authors_truncated else ""
    return f"{work.authors[0].family}{etal} {year}"


def entry(ref: Reference) -> str:
    """``entry 15`` in a numbered list, the key of a keyed entry (``bib34``), ``the entry on line 42`` otherwise."""
    return f"entry {ref.label}" if ref.label else ref.key if ref.key else f"the entry on {ref.span.where}"


def describe(ref: Reference) -> str:
    """``entry 6 (Chang et al. 2021, line 119)``: where to look, and what to look for.

    A keyed entry without a number is found by its key (``bib34 (Kupiec 1997)``): a JATS file is
    often one long line, and a key is what an editor searches for.
    """
    if ref.key and not ref.label:
        return f"{ref.key} ({short(ref)})"
    label = f"entry {ref.label} " if ref.label else ""
    return f"{label}({short(ref)}, {ref.span.where})"
