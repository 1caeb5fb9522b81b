"""RC2xx: the reference list itself — numbering, fragments, merged and duplicated entries, order."""

from __future__ import annotations

from collections import defaultdict

from refcheck.model import Fix, MANUBOT_PREFIXES, Problem, Reference, Severity
from refcheck.names import fold, surname_key, surname_keys
from refcheck.rule import Context, entry as _entry, rule, short as _short


@rule("RC201", "duplicate-reference-number", Severity.ERROR)
def duplicate_reference_number(ctx: Context):
    """Every entry of a numbered list has its own number.

    Why it matters: `[15]` cannot say which of two entries numbered 15 it means, and every
    number after it is off by one.

    Example: two consecutive entries both numbered "15.".

    Fix: renumber the list (and the citations after the duplicate).
    """
    seen: dict[str, Reference] = {}
    for ref in ctx.manuscript.references:
        if not ref.label:
            continue
        if ref.label in seen:
            first = seen[ref.label]
            yield Problem(ref.span, f"number {ref.label} is used twice; the other entry {ref.label} is on {first.span.where}")
        else:
            seen[ref.label] = ref


@rule("RC202", "reference-numbering-gap", Severity.WARNING)
def reference_numbering_gap(ctx: Context):
    """A numbered list counts 1, 2, 3, ... without gaps or steps back.

    Why it matters: a gap usually means a deleted entry whose citations now point at the
    wrong work.

    Example: entries 11, 12, 14.

    Fix: restore the missing entry or renumber.
    """
    previous: int | None = None
    duplicated = False
    for ref in ctx.manuscript.references:
        number = ref.number
        if number is None:
            continue
        if number == previous:
            duplicated = True  # duplicate-reference-number reports it; the step after it is its echo
            continue
        if duplicated and number == previous + 2:
            duplicated = False
            previous = number
            continue
        duplicated = False
        if previous is None:
            if number != 1:
                yield Problem(ref.span, f"the list starts at {number}, not 1")
        elif number > previous + 1:
            missing = f"{previous + 1}" if number == previous + 2 else f"{previous + 1}-{number - 1}"
            yield Problem(ref.span, f"entry {number} follows entry {previous}: {missing} missing")
        elif number < previous:
            yield Problem(ref.span, f"entry {number} follows entry {previous}: the numbering goes backwards")
        previous = max(number, previous or 0)


@rule("RC203", "incomplete-reference", Severity.ERROR)
def incomplete_reference(ctx: Context):
    """Every entry names its authors and year.

    Why it matters: an entry without authors and year is usually a fragment left behind when
    an entry was cut or split (a page break, a bad paste); no citation can reach it.

    Example: `8. breast cancer cells in vitro. Chemico-Biological Interactions, 369, 110283.`

    An entry that is cited, or that carries a URL or DOI (a web page, a data set), is not
    reported: it works as a reference even if it lacks a field.

    Fix: restore the full entry (authors, year, title) or delete the fragment.
    """
    for ref in ctx.manuscript.references:
        if ref.authors or ref.year or ref.url or ref.doi or ref.id in ctx.links_to:
            continue  # web pages and cited entries are not fragments, whatever they lack
        yield Problem(ref.span, f"{_entry(ref)} has no authors and no year: a truncated fragment no citation can reach")


@rule("RC204", "merged-references", Severity.WARNING)
def merged_references(ctx: Context):
    """Each entry holds exactly one work.

    Why it matters: two works glued into one entry (a lost line break) hide the second work
    from readers and from citation indexes.

    Example: entry 3 holds "Sandhaanam et al. (2013) ..." followed by "Song et al. (2020) ...".

    Fix: split the entry in two, and cite the second work where it is meant.
    """
    for ref in ctx.manuscript.references:
        if len(ref.parts) < 2:
            continue
        cited_keys = set()
        for link in ctx.links_to.get(ref.id, ()):
            item = ctx.item(link)
            if item.authors:
                cited_keys.add(surname_key(item.authors[0]))
        uncited = [
            _short(p) for p in ref.parts if p.authors and not (surname_keys(p.authors[0].family) & cited_keys)
        ]
        works = " and ".join(_short(p) for p in ref.parts)
        note = ""
        if uncited and len(uncited) < len(ref.parts):
            note = f" ({', '.join(uncited)} is never cited)"
        yield Problem(ref.span, f"{_entry(ref)} holds {len(ref.parts)} works: {works}{note}", Fix("split the entry into one entry per work"))


def _title_key(ref: Reference) -> str:
    """The whole title, folded: the parts of a series share a long prefix ("Coordinated leading-
    and lagging-strand synthesis at the Escherichia coli DNA replication fork. I. ..." and "... V.
    ...") and are different works."""
    return fold(ref.title or "")[:400]


@rule("RC205", "duplicate-reference", Severity.WARNING)
def duplicate_reference(ctx: Context):
    """Each work is listed once.

    Why it matters: a work listed twice splits its citations and inflates the list.

    Example: the same article as entry 4 and entry 19 (same first author, year and title, and
    no two different DOIs). Entries told apart by year suffixes (2014a, 2014b) are taken to be
    distinct on purpose. One finding says it all: the citations that match both entries, their
    shared DOI and their missing year suffixes are not reported again.

    Fix: delete one entry and point all citations at the other.
    """
    for ref_id, first_id in ctx.repeats.items():
        ref, first = ctx.references[ref_id], ctx.references[first_id]
        yield Problem(ref.span, f"{_entry(ref)} repeats {_entry(first)} ({first.span.where}): same authors, year and title; delete one",
                      Fix("delete one entry and point its citations at the other"))
    yield from _same_identifier(ctx)


def _identifier(key: str, aliases: dict[str, str]) -> str:
    """A Manubot key as the identifier it resolves to: aliases followed, DOIs case-folded, ``pmc:`` = ``pmcid:``."""
    seen = set()
    while key in aliases and key not in seen:  # tags, and shortDOIs once Crossref work resolved them
        seen.add(key)
        key = aliases[key]
    prefix, _, rest = key.partition(":")
    prefix = {"pmc": "pmcid"}.get(prefix.lower(), prefix.lower())
    return f"{prefix}:{rest.lower() if prefix in ('doi', 'pmcid', 'arxiv') else rest}"


def _same_identifier(ctx: Context):
    """Manubot keys written differently for one work (``@tag:x`` defined as ``doi:A``, and ``@doi:A``)."""
    aliases = dict(ctx.manuscript.aliases)
    first: dict[str, tuple[str, object]] = {}
    for citation in ctx.manuscript.citations:
        for item in citation.items:
            key = item.key
            if not key or not key.lower().startswith(MANUBOT_PREFIXES):
                continue
            ident = _identifier(key, aliases)
            if ident not in first:
                first[ident] = (key, item)
            elif first[ident][0] != key and first[ident][0].lower() != key.lower():
                other, at = first[ident]
                first[ident] = (key, item)  # report each further spelling once, at its first use
                yield Problem(item.span, f"@{key} and @{other} (line {at.span.line}) are the same work ({ident}): "
                                         "the reference list will hold it twice", Fix(f"cite it as @{other} everywhere"))


def _in_text_form(ref: Reference) -> tuple:
    """How an author-year style would cite the entry: (first, second) or (first, 'et al.')."""
    if len(ref.authors) >= 3 or ref.authors_truncated:
        return (surname_key(ref.authors[0].family), "et al.")
    return tuple(surname_key(a.family) for a in ref.authors)


@rule("RC206", "missing-year-suffix", Severity.WARNING)
def missing_year_suffix(ctx: Context):
    """Entries that would be cited identically carry year suffixes (2019a, 2019b).

    Why it matters: `(Smith et al., 2019)` cannot tell two such works apart.

    Example: "Smith, J., Lee, K., & Wu, H. (2019)" and "Smith, J., Park, S., & Kim, D. (2019)".
    Not reported where every citation of them already names further authors and so reaches
    one of them ("Smith, Lee, et al., 2019" beside "Smith, Park, et al., 2019"), as APA asks.

    Fix: add a and b to the years in the list and in the citations.
    """
    if ctx.numbered:
        return
    groups: dict[tuple, list[Reference]] = defaultdict(list)
    for ref in ctx.manuscript.references:
        if ref.authors and ref.year and ref.year[:4].isdigit() and len(ref.year) == 4:
            groups[(_in_text_form(ref), ref.year)].append(ref)
    for (form, year), refs in groups.items():
        refs = [ref for ref in refs if ref.id not in ctx.repeats]  # one work twice: duplicate-reference
        if len(refs) > 1 and _told_apart(ctx, refs):
            continue
        for ref in refs[1:]:
            yield Problem(
                ref.span,
                f"{_entry(ref)} and {_entry(refs[0])} would both be cited as {_short(ref)}; add year suffixes",
                Fix(f"write {year}a and {year}b"),
            )


def _told_apart(ctx: Context, refs: list[Reference]) -> bool:
    """Whether the text already tells these works apart without suffixes: each is cited, and
    every citation of them names further authors and reaches one work only, as APA and
    citeproc write it ("Wickham, Chang, et al. 2022" beside "Wickham, François, et al. 2022")."""
    for ref in refs:
        links = ctx.links_to.get(ref.id, [])
        if not links or any(len(link.references) != 1 or len(ctx.item(link).authors) < 2 for link in links):
            return False
    return True


def _order_keys(ref: Reference) -> tuple[tuple, tuple]:
    """Sort keys under both conventions: particles counted ("van der Berg" under V) or not (under B)."""
    family = ref.authors[0].family
    return (fold(family), ref.year or ""), (surname_key(family), ref.year or "")


@rule("RC207", "reference-order", Severity.INFO)
def reference_order(ctx: Context):
    """An author-year list is alphabetical; a numbered list follows the order of first citation.

    Why it matters: readers look entries up by name (author-year) or expect ascending numbers
    in the text (numeric styles such as Vancouver).

    Example: "Lee 2020" listed before "Kim 2019" in an author-year list.

    Fix: sort the list (reported once, where the order first breaks).
    """
    refs = [r for r in ctx.manuscript.references if r.authors]
    if len(refs) < 3:
        return
    if ctx.numbered:
        first_cited = list(dict.fromkeys(link.number for link in ctx.manuscript.links if link.number is not None))
        highest = 0
        for number in first_cited:
            if number < highest:
                ref = next((r for r in ctx.manuscript.references if r.label == str(number)), None)
                if ref is not None:
                    yield Problem(ref.span, f"entry {number} is first cited after entry {highest}: the list is not in order of first citation")
                return
            highest = number
        return
    keys = [_order_keys(r) for r in refs]
    for i in range(1, len(refs)):
        (whole, bare), (prev_whole, prev_bare) = keys[i], keys[i - 1]
        if whole[0] < prev_whole[0] and bare[0] < prev_bare[0] and whole[0] not in prev_whole[0]:
            yield Problem(
                refs[i].span,
                f"{_short(refs[i])} comes after {_short(refs[i - 1])}: the list is not alphabetical",
            )
            return


RULES = (
    duplicate_reference_number,
    reference_numbering_gap,
    incomplete_reference,
    merged_references,
    duplicate_reference,
    missing_year_suffix,
    reference_order,
)
