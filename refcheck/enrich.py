"""Ask Crossref about every reference: the one phase of the pipeline that waits on I/O.

``enrich(manuscript, client)`` returns the manuscript with one Match per work (a merged entry
contributes each of its works): references that print a DOI are fetched in batches, then one
by one where a batch did not return them (a 404 asks which agency registered the DOI);
references without a DOI are searched with their whole text and each candidate is validated
(``crossref.match.validates``). A network failure never becomes a finding: the references it
affects are ``unverified`` and the manuscript carries one note saying how many and why.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from refcheck.crossref.client import BATCH, CrossrefClient, RequestFailed, Unavailable, batchable
from refcheck.crossref.match import differences, signals, title_similarity, validates
from refcheck.model import Manuscript, Match, Reference, Work

Progress = Callable[[int, int], None]  # called with (works just settled, all works)

_MARKUP = re.compile(r"[*_`]+|<[^>]{1,40}>")


def works_of(manuscript: Manuscript) -> list[Reference]:
    """What gets verified: each reference, or each work of a merged entry (``r3.1``, ``r3.2``).

    A manuscript with no printed list but a .bib file has its .bib entries verified instead
    (with both, the printed list is verified and compared with the .bib by bib-list-disagreement).
    """
    if not manuscript.references:
        return list(manuscript.bib)
    return [work for ref in manuscript.references for work in (ref.parts or (ref,))]


def query_text(reference: Reference) -> str:
    """The text sent to ``query.bibliographic``: the entry as printed, markup and DOI removed.

    >>> query_text(Reference("r1", None, "**Smith, J. (2019).** A title. *J*, 1, 2."))
    'Smith, J. (2019). A title. J, 1, 2.'
    """
    if reference.type is not None:  # a .bib entry: its fields in citation order, not its BibTeX source
        names = ", ".join(f"{a.family}, {a.given}".strip(", ") for a in reference.authors[:10])
        parts = (names, f"({reference.year})" if reference.year else "", reference.title, reference.container_title,
                 reference.volume, reference.page or reference.article_number)
        text = ". ".join(p for p in parts if p)
    else:
        text = _MARKUP.sub("", reference.raw)
    return " ".join(text.split())[:1000]


def too_incomplete(reference: Reference) -> str | None:
    """Why a reference is not worth a search (a fragment matches anything), or None."""
    if reference.doi:
        return None
    if not reference.authors and not reference.year:
        return "it has neither authors nor a year"
    if not reference.title and not reference.container_title:
        return "it has no title"
    return None


def compare(reference: Reference, work: Work, via: str) -> Match:
    """Verified, or mismatch with the differing fields, or (for a printed DOI) elsewhere."""
    if via == "doi":
        agree = signals(reference, work)
        if agree.get("title") is False and agree.get("author") is False:
            return Match(reference.id, "elsewhere", work, evidence="title and first author disagree with the DOI's record", via=via)
    diffs = differences(reference, work)
    return Match(reference.id, "mismatch" if diffs else "verified", work, diffs, via=via)


def _by_doi(client: CrossrefClient, references: list[Reference]) -> dict[str, Match]:
    out: dict[str, Match] = {}
    found = client.works(sorted({r.doi for r in references if batchable(r.doi)}))
    for ref in references:
        work = found.get(ref.doi.lower())
        if work is None:
            work = client.work(ref.doi)
        if work is not None:
            out[ref.id] = compare(ref, work, "doi")
            continue
        agency = client.agency(ref.doi)
        if agency and agency != "crossref":
            out[ref.id] = Match(ref.id, "other-agency", evidence=f"registered with {_agency_name(agency)}, not Crossref", via="doi")
        else:
            out[ref.id] = Match(ref.id, "doi-not-found", evidence="Crossref and the DOI agency look-up do not know it", via="doi")
    return out


def _agency_name(agency: str) -> str:
    return {"datacite": "DataCite", "medra": "mEDRA", "jalc": "JaLC", "kisti": "KISTI", "cnki": "CNKI", "airiti": "Airiti", "op": "the Publications Office of the EU"}.get(agency, agency)


def _search(client: CrossrefClient, ref: Reference) -> Match:
    candidates = client.search(query_text(ref))
    valid = [w for w in candidates if validates(ref, w)]
    if valid:
        return compare(ref, valid[0], "search")
    # the closest candidate is worth showing only if it resembles the reference at all
    best = next((w for w in candidates if _resembles(ref, w)), None)
    return Match(ref.id, "not-found", best, evidence=f"{len(candidates)} candidates, none agrees on three of title, year, volume, first author, pages", via="search")


def _resembles(ref: Reference, work: Work) -> bool:
    """Two signals agree, or the titles are at least half alike: a "closest record" worth naming."""
    similarity = title_similarity(ref.title, work.title)
    return sum(v is True for v in signals(ref, work).values()) >= 2 or (similarity or 0) >= 0.5


def enrich(
    manuscript: Manuscript,
    client: CrossrefClient | None,
    *,
    locked: dict[str, Match] | None = None,
    progress: Progress | None = None,
) -> Manuscript:
    """The manuscript with ``matches`` (one per work, in list order) and notes on what was not verified.

    ``locked`` maps reference ids to Matches already known (from the lockfile): not asked again.
    With no client (``--offline`` with a lockfile) only the lockfile answers.
    """
    locked = locked or {}
    works = works_of(manuscript)
    matches: dict[str, Match] = {}
    for ref in works:
        if ref.id in locked:
            matches[ref.id] = locked[ref.id]
        elif reason := too_incomplete(ref):
            matches[ref.id] = Match(ref.id, "incomplete", evidence=f"not searched: {reason}")
    if progress and matches:
        progress(len(matches), len(works))
    pending = [r for r in works if r.id not in matches]
    with_doi = [r for r in pending if r.doi]
    to_search = [r for r in pending if not r.doi]
    unverified: dict[str, str] = {}
    if client is None:
        with_doi, to_search = [], []
        unverified.update((r.id, "not in the lockfile, and --offline") for r in pending)

    # Once the client is down it still answers from its cache and raises Unavailable at once
    # for the rest, so every reference is still offered to it: nothing is skipped unasked.
    for start in range(0, len(with_doi), BATCH):
        chunk = with_doi[start : start + BATCH]
        try:
            matches.update(_by_doi(client, chunk))
        except RequestFailed as error:
            unverified.update((r.id, str(error)) for r in chunk)
        except Unavailable:
            pass  # unverified below, with the client's reason
        if progress:
            progress(len(chunk), len(works))

    if to_search:
        threads = 1 if client.down else max(1, min(client.threads, len(to_search)))
        with ThreadPoolExecutor(max_workers=threads) as pool:
            futures = {pool.submit(_search, client, ref): ref for ref in to_search}
            try:
                for future, ref in futures.items():
                    try:
                        matches[ref.id] = future.result()
                    except RequestFailed as error:
                        unverified[ref.id] = str(error)
                    except Unavailable:
                        pass
                    if progress:
                        progress(1, len(works))
            except BaseException:  # Ctrl-C: the queued searches must not all run before the pool lets go
                client.cancel()
                for future in futures:
                    future.cancel()
                raise

    reason_down = client.down if client else None
    for ref in works:
        if ref.id not in matches:
            why = unverified.get(ref.id) or reason_down or "not asked"
            matches[ref.id] = Match(ref.id, "unverified", evidence=why)
    aliases = _expand_short_dois(manuscript, client)
    ordered = tuple(matches[r.id] for r in works)
    notes = list(manuscript.notes)
    missing = [m for m in ordered if m.status == "unverified"]
    if missing:
        why = reason_down or "; ".join(sorted({m.evidence for m in missing}))
        notes.append(f"{len(missing)} of {len(works)} references were not verified against Crossref: {why}")
    return dataclasses.replace(manuscript, matches=ordered, crossref_consulted=True, notes=tuple(notes),
                               aliases=tuple(sorted({*manuscript.aliases, *aliases})))


_SHORT_DOI = re.compile(r"^doi:(10/[A-Za-z0-9]+)$")


def _expand_short_dois(manuscript: Manuscript, client: CrossrefClient | None) -> list[tuple[str, str]]:
    """Manubot ``@doi:10/gddkhn`` keys resolved to the DOI they stand for (so duplicates show)."""
    shorts = sorted({m.group(1) for c in manuscript.citations for i in c.items if i.key and (m := _SHORT_DOI.match(i.key))})
    out = []
    for short in shorts if client is not None else ():
        try:
            doi = client.expand_short_doi(short)
        except (RequestFailed, Unavailable):
            continue
        if doi:
            out.append((f"doi:{short}", f"doi:{doi}"))
    return out
