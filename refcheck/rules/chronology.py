"""RC4xx: chronology — cited works that postdate the manuscript or today."""

from __future__ import annotations

import regex as re

from refcheck.model import Problem, Severity
from refcheck.rule import Context, rule


@rule("RC401", "citation-after-manuscript-date", Severity.WARNING)
def citation_after_manuscript_date(ctx: Context):
    """Cited works are not younger than the manuscript.

    Why it matters: a review accepted in July 2023 cannot have read a paper from 2024; the
    citation was added later, or its year is wrong. The date used is, in order: the configured
    `manuscript-date`, then the accepted, published, revised or received date in the text, then
    the front matter's `date:` (a draft's own date, often when it was submitted: a later
    citation there is information, since the draft may have been revised since).

    Example: `(Karimi et al., 2024)` in a review accepted 14.07.2023.

    Fix: check the year of the cited work; suppress with
    `<!-- refcheck: ignore citation-after-manuscript-date -->` if the citation was added in proof.
    """
    date = ctx.manuscript_date
    if date is None:
        return
    iso, event = date
    year = int(iso[:4])
    reported: set[str] = set()
    references, works, item_of = ctx.references, ctx.works, ctx.item
    for link in ctx.manuscript.links:
        if len(link.references) != 1 or link.references[0] in reported:
            continue
        item = item_of(link)
        ref = references.get(link.references[0]) or works[link.references[0]][1]  # a printed entry, or a .bib/front-matter one
        cited = item.year or ref.year
        number = int(cited[:4]) if cited and cited[:4].isdigit() else ref.year_number
        if number is not None and number > year and not (not item.year and ref.raw and _named_year(ref.raw, str(number))):
            reported.add(ref.id)
            label = (f"{item.text}" if item.authors else f"{item.text} ({ref.first_author}, {ref.year})" if item.key
                     else f"[{link.number}] ({ref.first_author}, {ref.year})")
            if event == "front matter":  # a draft's own date, often the submission date: revised since
                yield Problem(item.span, f"{label} is dated {number}, after the manuscript's front matter date {iso}: "
                                         "update the date if the manuscript was revised", severity=Severity.INFO)
            else:
                yield Problem(item.span, f"{label} is dated {number}, after the manuscript's {event} date {iso}")

@rule("RC402", "future-year", Severity.ERROR)
def future_year(ctx: Context):
    """No reference is dated in the future.

    Why it matters: a year after today is a typing error (2103 for 2013) or an unpublished work
    that should say "in press".

    Example: "Smith, J. (2031). ..." checked in 2026.

    Fix: correct the year, or write "in press".
    """
    this_year = ctx.options.today.year
    for ref in ctx.manuscript.references:
        for work in ref.parts or (ref,):
            if work.year_number is not None and work.year_number > this_year and not _named_year(work.raw, work.year[:4]):
                yield Problem(work.span, f"the year {work.year} is in the future (today is {ctx.options.today.isoformat()})")


def _named_year(raw: str, year: str) -> bool:
    """Whether ``year`` appears in the entry only as part of a name ("Immunization Agenda 2030: A
    global strategy", "Vision 2050 for cities"): right after a capitalised word and followed by a
    colon or more words, never where a reference puts its date (after punctuation, in
    parentheses, before a volume as in "J Urban 2031;1:2")."""
    raw = re.sub(r"(?:https?://|www\.)\S+", lambda m: " " * len(m.group()), raw)  # a year inside a URL is no date
    places = list(re.finditer(rf"(?<![\p{{L}}\d]){year}(?![\p{{L}}\d])", raw))
    return bool(places) and all(re.search(r"\b\p{Lu}[\p{L}-]+[ \t]$", raw[max(0, m.start() - 40) : m.start()])
                                and re.match(r":[ \t]|[ \t]+\p{L}", raw[m.end() : m.end() + 3]) for m in places)


RULES = (citation_after_manuscript_date, future_year)
