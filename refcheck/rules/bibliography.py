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


def _backend(ctx: Context) -> str | None:
    """``"bibtex"``, ``"biber"``, ``"manubot"`` or None (pandoc, or a .bib checked alone)."""
    return ctx.manuscript.toolchain.backend if ctx.manuscript.toolchain else None


def _cited(ctx: Context) -> set[str] | None:
    """Ids of the .bib entries the toolchain formats: those cited (under BibTeX, by a key in any
    case), and the ``crossref`` parents of those (BibTeX lists a parent with its children). None when every entry counts (the .bib is
    not cited by key, or ``\\nocite{*}``)."""
    m = ctx.manuscript
    if not any(c.style == "key" for c in m.citations) or _nocite_all(ctx):
        return None
    bibtex = _backend(ctx) == "bibtex"  # BibTeX formats the entry a key names in another case (RC601 warns); biber, pandoc do not
    cited = {r for link in m.links if bibtex or link.how != "key-case" for r in link.references}
    by_key = {e.key.casefold(): e for e in m.bib if e.key}
    if bibtex:
        named = {item.key.casefold() for c in m.citations if c.style == "key" for item in c.items if item.key}
        cited |= {e.id for e in m.bib if e.key and e.key.casefold() in named}
    parents = [by_key.get(e.crossref.casefold()) for e in m.bib if e.id in cited and e.crossref]
    return cited | {p.id for p in parents if p is not None}


def _recorded_in_cited(ctx: Context, name: str):
    """The problems a reader recorded under ``name``, except those inside entries nobody cites."""
    cited = _cited(ctx)
    skip = [] if cited is None else [e.span for e in ctx.manuscript.bib if e.id not in cited]
    for problem in ctx.manuscript.problems:
        at = problem.span
        if problem.rule == name and not any(s.path == at.path and s.start <= at.start < s.end for s in skip):
            yield problem


@rule("RC601", "undefined-citation-key", Severity.ERROR)
def undefined_citation_key(ctx: Context):
    """Every cited key is defined in the bibliography.

    Why it matters: an undefined key prints as "?" or "[@key]" in the rendered paper, and the
    work it meant is missing from the list. A key that differs only in case is accepted by
    BibTeX, without a word, but not by biber or pandoc: a warning in a BibTeX manuscript (it
    breaks when the .bib is reused with biber or pandoc), an error under biber and pandoc. A
    `nocite:` key pandoc cannot find is a warning: pandoc skips it without a word (nothing prints
    "?"), and the work meant for the list is missing from it.

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
    m = ctx.manuscript
    if not entries and not any(s.format == "bibtex" for s in m.sources):
        return  # no-reference-list (or unreadable-input, for a file named but not read) says there is nothing to resolve keys against (an empty .bib resolves nothing)
    backend = _backend(ctx)
    if backend == "bibtex":
        for citation in m.citations:
            if "empty-key" in citation.form:  # \cite{a,}: tests/test_tex_oracle.py
                yield Problem(citation.span, "an empty key (a comma with no key after it): BibTeX looks up the key '' and "
                                             "finds no entry, and the citation prints a [?]; biber would ignore it",
                              Fix("delete the stray comma"))
    keys = sorted({e.key for e in entries if e.key})
    by_id = {e.id: e for e in entries}
    spelling: dict[str, str] = {}  # BibTeX: the first spelling of each key, in .aux order, is the only one it accepts
    unresolved: dict[str, object] = {}  # keys no file read defines, while a named file could not be read
    manubot = backend == "manubot"
    for link in m.links:
        item = ctx.item(link)
        if item.key is None or item.key == "*":
            continue
        if manubot and link.how != "key" and (item.key in aliases or item.key.lower().startswith(MANUBOT_PREFIXES)):
            continue  # Manubot: identifiers (and names defined as them) resolve themselves; tags are checked above
        first = spelling.setdefault(item.key.casefold(), item.key)
        if backend == "bibtex" and first != item.key and link.how in ("key", "key-case"):
            found = by_id[link.references[0]].key if link.references else item.key
            fix = (Fix(f"write {found} here and where it is cited as {first}", found, item.span) if found != item.key
                   else Fix(f"write {found} where it is cited as {first}"))
            yield Problem(item.span, f"the key {item.key!r} was cited before as {first!r}: BibTeX stops at the second spelling "
                                     "(\"Case mismatch error\") and this citation is undefined", fix)
            continue
        if link.how == "key-case":
            found = by_id[link.references[0]].key
            if backend in ("biber", "manubot") or (backend is None and m.source.format == "markdown"):
                program = "biber" if backend == "biber" else "pandoc"  # pandoc: "citation X not found" (checked with pandoc 2.17)
                yield Problem(item.span, f"the key {item.key!r} is undefined: {program} matches keys exactly and the entry is {found!r}",
                              Fix(f"write {found}", found, item.span))
            elif backend == "bibtex":
                yield Problem(item.span, f"the key {item.key!r} matches {found!r} only when case is ignored: BibTeX accepts it, "
                                         "biber and pandoc would not", Fix(f"write {found}", found, item.span), severity=Severity.WARNING)
            else:
                yield Problem(item.span, f"the key {item.key!r} matches {found!r} only when case is ignored (BibTeX accepts it with a warning; biber and pandoc do not)",
                              Fix(f"write {found}", found, item.span), severity=Severity.WARNING)
        elif link.how == "none" and " " in item.key:
            yield _spaced_key(ctx, link, item, keys, backend)
        elif link.how == "key-missing" and link.nearest:  # markup naming nothing, around text that names an entry
            ref = ctx.references.get(link.nearest[0]) or by_id.get(link.nearest[0])
            yield Problem(item.span, f"{item.text} is marked up as a citation of {item.key!r}, which no entry defines",
                          Fix(f"its text names {describe(ref)}: point the citation at {ref.key!r}" if ref and ref.key else "point the citation at its entry"))
        elif (link.how == "key-missing" or (link.how == "none" and not (item.numbers or item.authors))) and m.bib_unread:
            unresolved.setdefault(item.key, item)
        elif link.how == "key-missing" or (link.how == "none" and not (item.numbers or item.authors)):
            close = process.extractOne(item.key, keys, scorer=fuzz.WRatio, score_cutoff=CLOSE_KEY) if keys else None
            fix = Fix(f"did you mean {close[0]}?", close[0], item.span) if close else None
            if "nocite" in ctx.citations[link.citation].form and backend in (None, "manubot"):
                # pandoc (2.17, 3.x) skips a nocite key it cannot find without a word: nothing prints "?",
                # but the work meant for the list is not in it
                yield Problem(item.span, f"the nocite key {item.key!r} is not defined in the bibliography: pandoc skips it "
                                         "without a warning, so the work is not listed", fix, severity=Severity.WARNING)
                continue
            yield Problem(item.span, f"the key {item.key!r} is not defined in the bibliography", fix)
    if unresolved:
        yield _unresolved(m, unresolved)


def _unresolved(m, unresolved: dict) -> Problem:
    """One problem for the keys that may be defined in a bibliography file that could not be read."""
    names = ", ".join(name.rsplit("/", 1)[-1] for name, _ in m.bib_unread)
    built = all(writer for _, writer in m.bib_unread)
    keys = list(unresolved)
    shown = ", ".join(repr(k) for k in keys[:8]) + (f" and {len(keys) - 8} more" if len(keys) > 8 else "")
    first = next(iter(unresolved.values()))
    if built:
        return Problem(first.span, f"{len(keys)} cited {'key is' if len(keys) == 1 else 'keys are'} in no bibliography file here "
                                   f"({shown}): {names}, written at build time, should define them", severity=Severity.INFO)
    return Problem(first.span, f"{len(keys)} cited {'key is' if len(keys) == 1 else 'keys are'} undefined ({shown}): {names} "
                               "could not be read, and no other bibliography file defines them",
                   Fix(f"make {names} readable (see unreadable-input), or define the keys elsewhere"))


def _spaced_key(ctx: Context, link, item, keys: list[str], backend: str | None) -> Problem:
    """``\\cite{smith 2019}``, ``\\cite{a ,b}``, a line break before ``}``: LaTeX keeps the blank in the key."""
    where = "ends with a blank (a space or a line break before `,` or `}`)" if item.key.endswith(" ") else "contains a space"
    message = f"the key {item.key!r} {where}: LaTeX keeps it, so no entry matches"
    message += " (BibTeX: \"White space in argument\")" if backend == "bibtex" else ""
    if backend == "bibtex" and "natbib" in ctx.manuscript.toolchain.packages:  # natbib writes one \\citation{a ,b} line
        citation = ctx.citations[link.citation]
        elsewhere = {i.key for c in ctx.manuscript.citations if c.id != citation.id for i in c.items}
        lost = [i.key for i in citation.items[link.item + 1 :] if i.key not in elsewhere and i.key]
        if lost:
            message += ("; BibTeX also skips the rest of this natbib command, so " + ", ".join(repr(k) for k in lost)
                        + (" is" if len(lost) == 1 else " are") + " undefined too")
    squeezed = "".join(item.key.split())
    fix = Fix(f"write {squeezed}", squeezed, item.span) if squeezed in keys else Fix("remove the blank from the key")
    return Problem(item.span, message, fix)


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
    cited = _cited(ctx) or set()
    for entry in m.bib:
        if entry.id not in cited and entry.key.strip():  # an entry without a key: bibtex-syntax-error
            yield Problem(entry.span, f"the .bib entry {entry.key!r} is never cited")


@rule("RC603", "duplicate-bib-key", Severity.ERROR)
def duplicate_bib_key(ctx: Context):
    """Every .bib key is defined once.

    Why it matters: BibTeX and biber both keep the first definition ("Repeated entry", "Duplicate
    entry key ... skipping"): the second entry is ignored. Keys that differ only in case collide
    in BibTeX (an error); biber keeps both and warns of a possible typo (a warning here).

    Example: two `@article{smith2019, ...}` entries.

    Fix: delete the duplicate, or give the second work its own key.
    """
    first: dict[str, Reference] = {}
    for entry in _keyed(ctx):  # .bib entries, or keyed list entries (\\bibitem, JATS <ref id>)
        folded = entry.key.casefold() if ctx.manuscript.bib else entry.key  # BibTeX folds case; XML ids and \\bibitem do not
        if folded in first:
            other = first[folded]
            if other.key == entry.key:
                yield Problem(entry.span, f"the key {entry.key!r} is defined twice; the other entry is on line {other.span.line}")
            elif _backend(ctx) == "biber":
                yield Problem(entry.span, f"the key {entry.key!r} differs only in case from {other.key!r} (line {other.span.line}): "
                                          "biber keeps both and warns of a possible typo; BibTeX would reject this one",
                              severity=Severity.WARNING)
            else:
                yield Problem(entry.span, f"the key {entry.key!r} differs only in case from {other.key!r}; "
                                          f"the other entry is on line {other.span.line}")
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
    cited = _cited(ctx)  # None: every entry, when the .bib is not cited by key (checked alone, or beside a printed list)
    for entry in m.bib:
        if cited is not None and entry.id not in cited:
            continue  # BibTeX only formats cited entries: a gap in an unused one never prints
        # "OPTyear", "ALTjournal" (Emacs bibtex-mode) or "IGNOREyear": the author disabled it on purpose
        present = {_DISABLED.sub("", f) for f in entry.fields}
        if "crossref" in present or "xdata" in present:
            continue  # fields inherited from the parent entry: BibTeX fills them in
        # a DOI does not print the journal: BibTeX warns "empty journal" and the entry prints without it;
        # a cited entry without a year is cited-entry-without-year's
        missing = [" or ".join(options) for options in REQUIRED.get(entry.type or "", ()) if not present & set(options)
                   and not (options[0] == "year" and cited is not None)]
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


@rule("RC606", "author-list-misread", Severity.WARNING)
def author_list_misread(ctx: Context):
    """Every author and editor field names the people it means, as BibTeX splits names.

    Why it matters: BibTeX separates people by `and` only; commas separate a name's parts
    (`Last, Jr, First`). A list written with commas is printed as one person with scrambled
    names, and sorted and labelled under the wrong name.

    Example: `author = {Smith, John, Doe, Jane}` (too many commas: one person), `author = {J. Smith,
    K. Doe}` (printed "K. Doe J. Smith"), `author = {Smith, John, Jr.}` ("Jr." read as the given
    name), `author = {Smith, J. et al.}` or `{others and Smith, J.}`.

    Fix: separate people with `and`, write `Last, Jr, First`, end a truncated list with
    `and others`. The finding shows the names as BibTeX will print them and the value to write.
    Braced names (`{World Health Organization}`), particles (`van der Berg, J.`), accents and
    single names are read as written and not reported; nor are entries that are never cited.
    """
    return _recorded_in_cited(ctx, "author-list-misread")


_UNDATED_NORMAL = frozenset("misc online url webpage www electronic software manual".split())


@rule("RC607", "cited-entry-without-year", Severity.WARNING)
def cited_entry_without_year(ctx: Context):
    """Every cited .bib entry has a year (or a biblatex `date`).

    Why it matters: without one the entry prints "n.d." or nothing where the year belongs, an
    author-year citation reads "Smith (n.d.)", and the list sorts it out of place.

    Example: `@book{numpy, author = {{NumPy developers}}, title = {NumPy}, publisher = {NumFOCUS}}`
    cited as `\\cite{numpy}`, or an `@article` without a year cited as `[@numpy]` in pandoc.

    Fix: add `year = {2020}` (for software and web pages, the version's or the visit's year).
    An entry that inherits its year through `crossref` or disables it on purpose (`IGNOREyear`,
    `OPTyear`) is not reported, nor is an undated web page, software or manual (`@misc`,
    `@online`, `@url`, `@webpage`, `@software`, `@manual`: "n.d." is the right rendering of an
    undated page, and BibTeX prints it without a year and does not warn); in a LaTeX manuscript,
    nor is any other entry whose type does not require a year.
    """
    m = ctx.manuscript
    cited = _cited(ctx)
    if cited is None or not m.bib:
        return  # only key citations make an entry "cited" (a .bib checked alone: missing-required-field)
    by_key = {e.key.casefold(): e for e in m.bib if e.key}
    latex = m.toolchain is not None and m.toolchain.backend in ("bibtex", "biber")
    for entry in m.bib:
        if entry.type in _UNDATED_NORMAL or (latex and not any(options[0] == "year" for options in REQUIRED.get(entry.type or "", ()))):
            continue  # BibTeX's numeric styles print a @misc without a year as it is (pandoc's CSL styles print n.d.)
        present = {_DISABLED.sub("", f) for f in entry.fields}  # IGNOREyear, OPTyear: left out on purpose
        if entry.id in cited and not entry.year and not present & {"year", "date"} and entry.key.strip():
            parent = by_key.get(entry.crossref.casefold()) if entry.crossref else None
            if parent is not None and parent.year:
                continue
            how = "it prints without one (BibTeX warns \"empty year\")" if latex else "it prints \"n.d.\" (pandoc's styles) or nothing"
            yield Problem(entry.span, f"@{entry.type}{{{entry.key}}} is cited but has no year: {how}")


@rule("RC608", "duplicate-bib-field", Severity.WARNING)
def duplicate_bib_field(ctx: Context):
    """No cited .bib entry gives a field twice.

    Why it matters: BibTeX uses the first value and ignores the others ("I'm ignoring X's extra
    field"); biber silently uses the last. Either way one value is lost, and which one depends
    on the program.

    Example: `@article{a, title = {Draft title}, ..., title = {Final title}}`.

    Fix: keep one of the two values. Entries that are never cited are not reported.
    """
    cited = _cited(ctx)
    for entry in ctx.manuscript.bib:
        if entry.repeated and (cited is None or entry.id in cited):
            names = ", ".join(entry.repeated)
            which = ("biber uses the last value, silently (BibTeX would use the first)" if _backend(ctx) == "biber"
                     else "BibTeX uses the first value and ignores the rest (biber would use the last)")
            yield Problem(entry.span, f"@{entry.type}{{{entry.key}}} gives {names} more than once: {which}")


_NOT_WORD = re.compile(r"[\W_]+")


def _work_key(entry: Reference) -> tuple[str, str, str] | None:
    if not (entry.title and entry.year and entry.authors):
        return None
    title = _NOT_WORD.sub("", entry.title.casefold())
    return (title, entry.year[:4], surname_key(entry.authors[0].family)) if len(title) >= 10 else None


@rule("RC609", "duplicate-bib-work", Severity.WARNING)
def duplicate_bib_work(ctx: Context):
    """One work is cited under one key.

    Why it matters: two keys for one work print it twice in the reference list, with two
    numbers or "2019a" and "2019b" for what readers will see is one paper.

    Example: `\\cite{smith2019}` and `\\cite{Smith_cells_2019}`, two entries with DOI
    `10.1000/xyz123` (or the same title, year and first author).

    Fix: keep one entry and cite it by that key everywhere. Only pairs that are both cited are
    reported (an uncited duplicate never prints).
    """
    m = ctx.manuscript
    cited = _cited(ctx)
    if cited is None:
        return
    seen: dict[object, Reference] = {}
    for entry in m.bib:
        if entry.id not in cited or not entry.key:
            continue
        for what, key in (("DOI", entry.doi.casefold().strip() if entry.doi else None), ("title, year and first author", _work_key(entry))):
            if key is None:
                continue
            other = seen.setdefault((what, key), entry)
            if other is not entry and other.key.casefold() != entry.key.casefold():  # a repeated key: duplicate-bib-key
                yield Problem(entry.span, f"{entry.key!r} and {other.key!r} (line {other.span.line}) are one work (same {what}) "
                                          "under two keys, both cited: it prints twice",
                              Fix(f"cite {other.key} instead, and delete this entry"))
                break


# a warning: TeX installations differ (the build may run where the style is installed)
@rule("RC610", "missing-bib-style", Severity.WARNING)
def missing_bib_style(ctx: Context):
    """The BibTeX style the manuscript names exists.

    Why it matters: BibTeX stops at once when it cannot open the `.bst` file ("I couldn't open
    style file"): no reference list, every citation prints as [?].

    Example: `\\bibliographystyle{elsarticle-num}` with neither `elsarticle-num.bst` beside the
    manuscript nor a TeX Live that has it (refcheck asks `kpsewhich` where it is installed;
    without it only the standard styles' names are known). When the document class is missing
    too, the installation lacks the publisher's bundle, and nothing is said.

    Fix: copy the journal's `.bst` file beside the manuscript, or name a style that exists.
    """
    return (p for p in ctx.manuscript.problems if p.rule == "missing-bib-style")


@rule("RC611", "undefined-entry-type", Severity.WARNING)
def undefined_entry_type(ctx: Context):
    """Every cited .bib entry has a type the BibTeX style defines.

    Why it matters: BibTeX formats an entry of an unknown type as `@misc` and warns ("entry type
    for X isn't style-file defined"): a web page or dataset typed `@online` or `@software` loses
    its URL or publisher under a style made for `@article` and `@book`.

    Example: `@online{site, ...}` under `\\bibliographystyle{plain}`.

    Fix: use a type the style knows (`@misc` with `howpublished = {\\url{...}}`), or a style that
    knows the type. Only BibTeX is concerned (biblatex knows these types); the types are read
    from the style's `.bst` file, or are the standard styles' when it cannot be read.
    """
    chain = ctx.manuscript.toolchain
    if chain is None or chain.backend != "bibtex" or chain.style_types is None:
        return
    cited = _cited(ctx)
    for entry in ctx.manuscript.bib:
        if (cited is None or entry.id in cited) and entry.type and entry.type not in chain.style_types and entry.key.strip():
            yield Problem(entry.span, f"the style {chain.style} has no @{entry.type}: BibTeX warns and formats {entry.key!r} as @misc",
                          Fix("use a type the style defines, such as @misc"))


@rule("RC612", "bib-encoding", Severity.WARNING)
def bib_encoding(ctx: Context):
    """Every .bib file is in the encoding the manuscript declares, or UTF-8.

    Why it matters: BibTeX copies bytes: a Latin-1 .bib under a UTF-8 document stops LaTeX with
    "Invalid UTF-8 byte sequence", and a UTF-8 .bib under `\\usepackage[latin1]{inputenc}`
    prints "Ã©" for "é". refcheck reads such a file in the 8-bit encoding it looks like
    (Latin-1, Windows-1252, Mac Roman) and names it, rather than skip its entries.

    Example: a .bib saved as Latin-1 by an old reference manager, in a UTF-8 manuscript.

    Fix: save the file as UTF-8, or declare its encoding (`\\usepackage[latin1]{inputenc}`,
    biblatex's `bibencoding=latin1`).
    """
    return (p for p in ctx.manuscript.problems if p.rule == "bib-encoding")


RULES = (undefined_citation_key, unused_bib_entry, duplicate_bib_key, missing_required_field, bib_list_disagreement,
         author_list_misread, cited_entry_without_year, duplicate_bib_field, duplicate_bib_work, missing_bib_style,
         undefined_entry_type, bib_encoding)
