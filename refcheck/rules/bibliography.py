"""RC6xx: the .bib file and the citations by key (pandoc ``[@key]``, LaTeX ``\\cite{key}``)."""

from __future__ import annotations

import re
from collections import defaultdict

from rapidfuzz import fuzz, process

from refcheck.model import Fix, MANUBOT_PREFIXES, Problem, Reference, Severity, Work
from refcheck.names import surname_key
from refcheck.rule import Context, describe, rule

# Required fields by entry type (BibTeX's standard styles; biblatex names as alternatives).
# A tuple inside the tuple is "one of these".
REQUIRED: dict[str, tuple[str | tuple[str, ...], ...]] = {
    "article": (("author",), ("title",), ("journal", "journaltitle"), ("year", "date")),
    "book": (("author", "editor"), ("title",), ("publisher",), ("year", "date")),
    "inbook": (("author", "editor"), ("title",), ("chapter", "pages"), ("publisher",), ("year", "date")),
    "incollection": (("author",), ("title",), ("booktitle",), ("publisher",), ("year", "date")),
    "inproceedings": (("author",), ("title",), ("booktitle",), ("year", "date")),
    "conference": (("author",), ("title",), ("booktitle",), ("year", "date")),
    "phdthesis": (("author",), ("title",), ("school", "institution"), ("year", "date")),
    "mastersthesis": (("author",), ("title",), ("school", "institution"), ("year", "date")),
    "thesis": (("author",), ("title",), ("institution", "school"), ("year", "date")),
    "techreport": (("author",), ("title",), ("institution",), ("year", "date")),
    "manual": (("title",),),
    "proceedings": (("title",), ("year", "date")),
    "unpublished": (("author",), ("title",), ("note",)),
}
_DISABLED = re.compile(r"^(?:opt|alt|ignore)(?=[a-z])")
CLOSE_KEY = 80  # rapidfuzz WRatio at or above which a key is offered as "did you mean"


def _keyed(ctx: Context) -> list[Reference]:
    """What key citations can reach: the .bib entries, or a list whose entries carry keys (\\bibitem)."""
    return list(ctx.manuscript.bib) or [r for r in ctx.manuscript.references if r.key is not None]


def _nocite_all(ctx: Context) -> bool:
    """``\\nocite{*}``: every entry is in the list on purpose."""
    return any("nocite-all" in c.form for c in ctx.manuscript.citations)


@rule("RC601", "undefined-citation-key", Severity.ERROR)
def undefined_citation_key(ctx: Context):
    """Every cited key is defined in the bibliography.

    Why it matters: an undefined key prints as "?" or "[@key]" in the rendered paper, and the
    work it meant is missing from the list. A key that differs only in case is accepted by
    BibTeX (with a warning) but not by biber or pandoc.

    Example: `\\cite{Hunter:2007}` when the .bib has no `Hunter:2007`; `[@Smith2019]` when the
    .bib has `smith2019`.

    Fix: add the entry, or correct the key (refcheck offers the closest key).
    """
    aliases = dict(ctx.manuscript.aliases)
    for citation in ctx.manuscript.citations:  # Manubot: a tag must be defined; other identifiers resolve themselves
        for item in citation.items:
            if item.key and item.key.lower().startswith("tag:") and item.key not in aliases:
                yield Problem(item.span, f"the Manubot tag {item.key!r} is not defined",
                              Fix(f"define it: [@{item.key}]: doi:... (or url:...)"))
    entries = _keyed(ctx)
    if not entries:
        return  # no-reference-list says there is nothing to resolve keys against
    keys = sorted({e.key for e in entries if e.key})
    by_id = {e.id: e for e in entries}
    for link in ctx.manuscript.links:
        item = ctx.item(link)
        if item.key is None or item.key == "*":
            continue  # (Manubot identifier keys resolve themselves only where there is no bibliography)
        if link.how == "key-case":
            found = by_id[link.references[0]].key
            yield Problem(item.span, f"the key {item.key!r} matches {found!r} only when case is ignored (BibTeX accepts it with a warning; biber and pandoc do not)",
                          Fix(f"write {found}", found, item.span), severity=Severity.WARNING)
        elif link.how == "key-missing" and link.nearest:  # markup naming nothing, around text that names an entry
            ref = ctx.references.get(link.nearest[0]) or by_id.get(link.nearest[0])
            yield Problem(item.span, f"{item.text} is marked up as a citation of {item.key!r}, which no entry defines",
                          Fix(f"its text names {describe(ref)}: point the citation at {ref.key!r}" if ref and ref.key else "point the citation at its entry"))
        elif link.how == "key-missing" or (link.how == "none" and not (item.numbers or item.authors)):
            close = process.extractOne(item.key, keys, scorer=fuzz.WRatio, score_cutoff=CLOSE_KEY) if keys else None
            fix = Fix(f"did you mean {close[0]}?", close[0], item.span) if close else None
            yield Problem(item.span, f"the key {item.key!r} is not defined in the bibliography", fix)


@rule("RC602", "unused-bib-entry", Severity.INFO)
def unused_bib_entry(ctx: Context):
    """Every .bib entry is cited (information only: shared .bib files are normal).

    Why it matters: an unused entry is harmless to the rendered paper, but in a bibliography
    kept for this manuscript it is often the trace of a citation that was removed or mistyped.

    Example: `@article{knuth1984, ...}` that no `\\cite` or `[@key]` names.

    Fix: cite it or remove it; `\\nocite{*}` (all entries on purpose) silences this rule.
    """
    m = ctx.manuscript
    if not m.bib or not any(c.style == "key" for c in m.citations) or _nocite_all(ctx):
        return  # with no key citations the .bib is only compared with the printed list (RC605)
    cited = {r for link in m.links for r in link.references}
    for entry in m.bib:
        if entry.id not in cited and entry.key.strip():  # an entry without a key: bibtex-syntax-error
            yield Problem(entry.span, f"the .bib entry {entry.key!r} is never cited")


@rule("RC603", "duplicate-bib-key", Severity.ERROR)
def duplicate_bib_key(ctx: Context):
    """Every .bib key is defined once.

    Why it matters: BibTeX keeps the first definition and biber the last; either way one of
    the two entries is silently ignored. Keys that differ only in case collide in BibTeX.

    Example: two `@article{smith2019, ...}` entries.

    Fix: delete the duplicate, or give the second work its own key.
    """
    first: dict[str, Reference] = {}
    for entry in _keyed(ctx):  # .bib entries, or keyed list entries (\\bibitem, JATS <ref id>)
        folded = entry.key.casefold() if ctx.manuscript.bib else entry.key  # BibTeX folds case; XML ids and \\bibitem do not
        if folded in first:
            other = first[folded]
            how = "is defined twice" if other.key == entry.key else f"differs only in case from {other.key!r}"
            yield Problem(entry.span, f"the key {entry.key!r} {how}; the other entry is on line {other.span.line}")
        else:
            first[folded] = entry


# info, not the catalogue's warning: BibTeX already warns at compile time, and on the corpus
# every hit was an entry its authors kept that way on purpose (news items dated in the title,
# software as @book, a preprint as @article); it changes how an entry prints, not whether the
# work can be found (docs/DEVELOPMENT.md)
@rule("RC604", "missing-required-field", Severity.INFO)
def missing_required_field(ctx: Context):
    """Every .bib entry has the fields its type requires.

    Why it matters: a missing journal, year or publisher prints as a gap in the reference list
    (or as "n.d."), and BibTeX warns where nobody reads.

    Example: `@article{smith2019, author = ..., title = ..., year = 2019}` without `journal`.

    Fix: add the field (Crossref's record, if refcheck verified the entry, has it). Entries
    that are never cited are not checked when the manuscript cites by key.
    """
    m = ctx.manuscript
    cited = None  # every entry, when the .bib is not cited by key (checked alone, or beside a printed list)
    if any(c.style == "key" for c in m.citations) and not _nocite_all(ctx):
        cited = {r for link in m.links for r in link.references}
    for entry in m.bib:
        if cited is not None and entry.id not in cited:
            continue  # BibTeX only formats cited entries: a gap in an unused one never prints
        # "OPTyear", "ALTjournal" (Emacs bibtex-mode) or "IGNOREyear": the author disabled it on purpose
        present = {_DISABLED.sub("", f) for f in entry.fields}
        if "crossref" in present or "xdata" in present:
            continue  # fields inherited from the parent entry: BibTeX fills them in
        missing = [" or ".join(options) for options in REQUIRED.get(entry.type or "", ()) if not present & set(options)
                   and not (entry.doi and options[0] == "journal")]  # a DOI finds the work without its venue
        if missing:
            yield Problem(entry.span, f"@{entry.type}{{{entry.key}}} lacks {', '.join(missing)}")


def _as_work(entry: Reference) -> Work:
    return Work(entry.doi or "", entry.title, entry.authors, entry.year, entry.container_title, entry.volume,
                entry.issue, entry.page, entry.article_number, "journal-article" if entry.type in (None, "article") else entry.type)


def _pairs(works: list[tuple[Reference, Reference]], bib: tuple[Reference, ...]):
    """(entry, work, bib entry) for each printed work with exactly one .bib entry of its first author and year."""
    by_author_year: dict[tuple[str, str], list[Reference]] = defaultdict(list)
    for b in bib:
        if b.authors and b.year:
            by_author_year[(surname_key(b.authors[0].family), b.year[:4])].append(b)
    for entry, work in works:
        if work.authors and work.year:
            found = by_author_year.get((surname_key(work.authors[0].family), work.year[:4]), [])
            if len(found) == 1:
                yield entry, work, found[0]


@rule("RC605", "bib-list-disagreement", Severity.WARNING)
def bib_list_disagreement(ctx: Context):
    """The printed reference list says what the .bib file (or the reference manager) says.

    Why it matters: when a manuscript has both, the .bib is usually what the authors keep up to
    date and the printed list what readers see; where they differ, one of them is wrong
    (a page range cut to its first page, a name mangled in typesetting).

    Example: entry 24 printed with page `3342` while its .bib entry has `3342--3356`.

    Fix: regenerate the list from the .bib, or correct whichever is wrong. Differences are
    judged as for Crossref records (abbreviations, case, accents and initials are not differences).
    In a Word file, the records are those its Zotero, Mendeley or EndNote citation fields carry.
    """
    from refcheck.crossref.match import differences

    m = ctx.manuscript
    if not m.bib or not m.references:
        return
    works = [(ref, work) for ref in m.references for work in (ref.parts or (ref,))]
    for entry, work, bib_entry in _pairs(works, m.bib):
        found = differences(work, _as_work(bib_entry))
        if found:
            # a .bib entry, or a reference manager's record in a Word file's citation field
            what = ".bib" if bib_entry.span.path.lower().endswith(".bib") else "record"
            fields = "; ".join(f"{field} printed {printed!r}, {what} {record!r}" for field, printed, record in found)
            name = describe(entry) if work is entry else f"{describe(work)} in entry {entry.label or entry.span.line}"
            kind = "its .bib entry" if what == ".bib" else "its reference manager's record"
            yield Problem(work.span, f"{name} disagrees with {kind} {bib_entry.key!r} "
                                     f"({bib_entry.span.path}:{bib_entry.span.line}): {fields}")


RULES = (undefined_citation_key, unused_bib_entry, duplicate_bib_key, missing_required_field, bib_list_disagreement)
