"""RC5xx: identifiers — malformed and repeated DOIs."""

from __future__ import annotations

import regex as re

from refcheck.model import Fix, Problem, Severity
from refcheck.rule import Context, rule

DOI = re.compile(r"^10\.\d{4,9}/\S+$")
# what an entry prints as its DOI, valid or not: "doi:10.1038", "https://doi.org/10,1038/x"
# (the blanks around the colon atomic: only a digit may follow them, so giving blanks back from
# one \s* to the other cannot help, and "doi" followed by 20,000 blanks took 5 s doing it)
_PRINTED_DOI = re.compile(r"(?:\bdoi(?>\s*[:.]?\s*)|doi\.org/)(?P<doi>\d[^\s<>\])]*)", re.I)
_DECORATION = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)


def normalise_doi(doi: str) -> str:
    """``https://doi.org/10.1/ABC.`` -> ``10.1/abc`` (DOIs are case-insensitive)."""
    return _DECORATION.sub("", doi.strip()).rstrip(".,;").lower()


@rule("RC501", "invalid-doi", Severity.ERROR)
def invalid_doi(ctx: Context):
    """Every DOI is syntactically a DOI: `10.` + registrant code + `/` + suffix.

    Why it matters: a malformed DOI resolves nowhere.

    Example: `doi:10.1038` (no suffix) or `10,1038/nature123`.

    Fix: copy the DOI from the publisher's page; decorated forms (`https://doi.org/...`) are fine.
    """
    for ref in ctx.manuscript.references:
        raw = ref.raw
        has_doi_word = "doi" in raw or "DOI" in raw or "Doi" in raw
        printed = [m.group("doi").rstrip(".,;") for m in _PRINTED_DOI.finditer(raw)] if has_doi_word else []
        for doi in printed or ([ref.doi] if ref.doi else []):
            if not DOI.match(normalise_doi(doi)):
                yield Problem(ref.span, f"{doi!r} is not a valid DOI (expected 10.<registrant>/<suffix>)")


@rule("RC502", "duplicate-doi", Severity.WARNING)
def duplicate_doi(ctx: Context):
    """No two entries carry the same DOI.

    Why it matters: two entries with one DOI are one work listed twice, or one of the DOIs is
    a copy-paste error.

    Example: entries 4 and 19 both with `10.3390/pharmaceutics14020381`.

    Fix: merge the entries, or correct the wrong DOI.
    """
    seen = {}
    for ref in ctx.manuscript.references:
        if not ref.doi:
            continue
        doi = normalise_doi(ref.doi)
        if doi in seen:
            first = seen[doi]
            if ctx.work_of(ref.id) == ctx.work_of(first.id):
                continue  # one work listed twice: duplicate-reference says it
            yield Problem(ref.span, f"DOI {doi} is also on the entry at {first.span.where}", Fix("merge the two entries or correct one DOI"))
        else:
            seen[doi] = ref


RULES = (invalid_doi, duplicate_doi)
