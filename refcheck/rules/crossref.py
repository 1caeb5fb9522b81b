"""RC7xx: what Crossref says about the works in the list (rules that need crossref).

Each rule reads the Matches that ``refcheck.enrich`` attached, one per work (a merged entry's
works each have their own); none of them runs, and the report says so once, when Crossref was
not consulted. A reference Crossref could not be asked about is never a finding.
"""

from __future__ import annotations

from refcheck.model import Fix, Match, Problem, Reference, Severity, Span
from refcheck.rule import Context, rule, short

RETRACTIONS = {"retraction": "retracted", "removal": "removed"}
UPDATES = {
    "correction": "a correction",
    "corrigendum": "a corrigendum",
    "erratum": "an erratum",
    "expression_of_concern": "an expression of concern",
    "withdrawal": "been withdrawn",
    "partial_retraction": "a partial retraction",
    "addendum": "an addendum",
    "clarification": "a clarification",
}  # "new_version" and "new_edition" are not problems with the citation


def _matches(ctx: Context, *statuses: str):
    """(entry, work, match) for each Match with one of ``statuses``, in list order."""
    works = ctx.works
    for match in ctx.manuscript.matches:
        if match.status in statuses and match.reference in works:
            entry, work = works[match.reference]
            yield entry, work, match


def _where(ctx: Context, work: Reference) -> Span:
    """The printed DOI inside the entry if there is one, else the work's own span."""
    if work.doi and work.span.path == ctx.manuscript.source.path:
        at = work.raw.lower().find(work.doi.lower())
        if at >= 0:
            return ctx.manuscript.source.span(work.span.start + at, work.span.start + at + len(work.doi))
    return work.span


def _name(entry: Reference, work: Reference) -> str:
    """``entry 10 (Sendon-Lago et al. 2021)``, ``the entry Smith and Lee 2019``, ``Song et al. 2020 in entry 3``."""
    if work is not entry:
        return f"{short(work)} in {_name(entry, entry)}"
    if entry.type is not None:  # a .bib entry
        return f"the .bib entry {entry.key!r} ({short(entry)})"
    return f"entry {entry.label} ({short(entry)})" if entry.label else f"the entry {short(entry)}"


def _record(match: Match) -> str:
    work = match.work
    title = f" “{work.title}”" if work and work.title else ""
    return f"{_short_work(match)}{title} (doi:{work.doi})" if work else "no record"


def _short_work(match: Match) -> str:
    work = match.work
    if not work or not work.authors:
        return "a record"
    etal = " et al." if len(work.authors) > 2 else (f" and {work.authors[1].family}" if len(work.authors) == 2 else "")
    return f"{work.authors[0].family}{etal} {work.year or 'n.d.'}"


@rule("RC701", "doi-not-found", Severity.ERROR, needs={"crossref"})
def doi_not_found(ctx: Context):
    """Every printed DOI exists.

    Why it matters: a DOI that no registration agency knows leads readers nowhere; it is
    usually mistyped (a digit dropped, a character swapped) or invented.

    Example: `https://doi.org/10.1371/journal.pone.00336930` (one digit too many).

    Fix: copy the DOI from the publisher's page. A DOI registered with DataCite, mEDRA or another
    agency is not reported: refcheck asks which agency holds a DOI that Crossref does not know.
    """
    for entry, work, _ in _matches(ctx, "doi-not-found"):
        yield Problem(_where(ctx, work), f"the DOI {work.doi} of {_name(entry, work)} is not registered with Crossref or any other DOI agency",
                      Fix("check the DOI against the publisher's page"))


@rule("RC702", "metadata-mismatch", Severity.WARNING, needs={"crossref"})
def metadata_mismatch(ctx: Context):
    """The reference agrees with the published record of the work it names.

    Why it matters: a wrong year, a misspelt author, a start page without its end page or a
    different volume send readers to the wrong place and are what reviewers catch first.
    One finding per reference lists every differing field with both values.

    Example: entry printed `Physiological Research, 72(Suppl 3), S233` where the record has
    pages `S233-S245`.

    Fix: correct the printed fields from the record (its DOI is given).
    """
    for entry, work, match in _matches(ctx, "mismatch"):
        fields = "; ".join(f"{field} printed {printed!r}, record {record!r}" for field, printed, record in match.differences)
        yield Problem(work.span, f"{_name(entry, work)} differs from its Crossref record doi:{match.work.doi}: {fields}",
                      Fix(f"correct from the record https://doi.org/{match.work.doi}"))


@rule("RC703", "doi-available", Severity.INFO, needs={"crossref"})
def doi_available(ctx: Context):
    """Every reference that has a DOI prints it.

    Why it matters: a DOI is the one identifier that survives changes of publisher and URL;
    most journals require it.

    Example: `Pharmaceutics, 14(2), 381.` matched with high confidence to
    `10.3390/pharmaceutics14020381`.

    Fix: append the DOI (the fix carries it as a replacement at the end of the entry).
    """
    for entry, work, match in _matches(ctx, "verified", "mismatch"):
        if match.via == "search" and not work.doi and match.work:
            url = f"https://doi.org/{match.work.doi}"
            end = work.span
            at = Span(end.path, end.end_line, end.end_column, end.end_line, end.end_column, end.end, end.end)
            yield Problem(work.span, f"{_name(entry, work)} has a DOI: {match.work.doi}", Fix(f"add {url}", f" {url}", at))


@rule("RC704", "reference-not-found", Severity.WARNING, needs={"crossref"})
def reference_not_found(ctx: Context):
    """Every reference can be found in Crossref.

    Why it matters: a reference no index knows may be a book, a report or a work registered
    elsewhere, or it may be garbled beyond recognition or not exist at all. refcheck says
    "not found" and shows the closest record; an editor decides which it is.

    Example: a reference whose title, year, volume and first author match no Crossref record.

    Fix: check the reference against its source; add a DOI or URL if it has one; suppress with
    `<!-- refcheck: ignore reference-not-found -->` for works outside Crossref.
    """
    for entry, work, match in _matches(ctx, "not-found"):
        closest = f"; the closest record is {_record(match)}" if match.work else ""
        yield Problem(work.span, f"{_name(entry, work)} was not found in Crossref{closest}",
                      notes=("books, reports and works registered with other agencies are often not in Crossref",))


def _updates(match: Match, kinds: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Update type -> [(source, notice DOI)], for the kinds asked about."""
    out: dict[str, list[tuple[str, str]]] = {}
    for kind, source, doi in match.work.updates if match.work else ():
        if kind in kinds and (source, doi) not in out.get(kind, []):
            out.setdefault(kind, []).append((source, doi))
    return out


def _sources(notices: list[tuple[str, str]]) -> str:
    return ", ".join(f"{source.replace('-', ' ').title().replace('Publisher', 'publisher')}{f' doi:{doi}' if doi else ''}" for source, doi in notices)


@rule("RC705", "retracted-work", Severity.ERROR, needs={"crossref"})
def retracted_work(ctx: Context):
    """No cited work is retracted.

    Why it matters: citing a retracted paper as evidence propagates a withdrawn result.
    Crossref records retractions from publishers and from the Retraction Watch database.

    Example: a work whose record lists a `retraction` notice in `updated-by`.

    Fix: remove the citation, or cite the retraction notice if the retraction is the point.
    """
    for entry, work, match in _matches(ctx, "verified", "mismatch"):
        for kind, notices in _updates(match, RETRACTIONS).items():
            yield Problem(work.span, f"{_name(entry, work)}, doi:{match.work.doi}, has been {RETRACTIONS[kind]} (notice: {_sources(notices)})")


@rule("RC706", "work-has-update", Severity.WARNING, needs={"crossref"})
def work_has_update(ctx: Context):
    """Corrections and expressions of concern on cited works are known to the author.

    Why it matters: a correction may change the very result cited; an expression of concern
    is a warning to readers.

    Example: a PLOS ONE article whose record lists a `correction` in `updated-by`.

    Fix: check that the cited statement survives the update; cite the notice if it matters.
    New versions (`new_version`) are not reported.
    """
    for entry, work, match in _matches(ctx, "verified", "mismatch"):
        for kind, notices in _updates(match, UPDATES).items():
            yield Problem(work.span, f"{_name(entry, work)}, doi:{match.work.doi}, has {UPDATES[kind]} (notice: {_sources(notices)})")


@rule("RC707", "preprint-has-published-version", Severity.INFO, needs={"crossref"})
def preprint_has_published_version(ctx: Context):
    """Cited preprints that have since been published are cited as published.

    Why it matters: the published version is peer reviewed and may differ from the preprint.

    Example: a bioRxiv preprint whose record says `is-preprint-of` a journal article.

    Fix: cite the published version (its DOI is given), or keep the preprint on purpose.
    """
    for entry, work, match in _matches(ctx, "verified", "mismatch"):
        record = match.work
        published = [doi for kind, doi in record.relations if kind == "is-preprint-of" or (kind == "has-version" and record.type == "posted-content")]
        if published:
            yield Problem(work.span, f"{_name(entry, work)} is a preprint with a published version: doi:{published[0]}",
                          Fix(f"cite https://doi.org/{published[0]}"))


@rule("RC708", "doi-points-elsewhere", Severity.ERROR, needs={"crossref"})
def doi_points_elsewhere(ctx: Context):
    """Every printed DOI belongs to the work the reference describes.

    Why it matters: a DOI copied from the neighbouring entry, or from a search result for a
    similar title, sends every reader to another paper.

    Example: an entry for Smith 2019 whose DOI resolves to Lee 2017 with a different title.

    Fix: find the right DOI (the record it points to is shown).
    """
    for entry, work, match in _matches(ctx, "elsewhere"):
        yield Problem(_where(ctx, work), f"the DOI {work.doi} printed in {_name(entry, work)} belongs to another work: {_record(match)}")


RULES = (doi_not_found, metadata_mismatch, doi_available, reference_not_found, retracted_work, work_has_update,
         preprint_has_published_version, doi_points_elsewhere)
