"""RC1xx: do the citations and the references find each other?"""

from __future__ import annotations

import regex as re
from bisect import bisect_right
from collections import Counter

from refcheck.model import Fix, Problem, Severity
from refcheck.names import JOINERS, fold, same_surname, surname_key, surname_keys
from refcheck.rule import Context, describe as _describe, rule, short


@rule("RC101", "citation-without-reference", Severity.ERROR)
def citation_without_reference(ctx: Context):
    """Every in-text citation matches an entry of the reference list.

    Why it matters: a reader cannot find the cited work.

    Example: `(Smith et al., 2019)` when no entry by Smith from 2019 exists; `[12]` when the
    list has no entry 12 (but 12 is within the list's range).

    In a manuscript whose list is generated from keys (pandoc with a bibliography, Manubot,
    LaTeX), a citation typed as text (`Smith et al. (2019)` beside `[@key]` citations) is never
    listed: refcheck says whether the bibliography has the work (then: cite it by key; a warning)
    or not (an error).

    A one-word "name" the text also uses three times or more as a lower-case word (`CEM (2009),
    Entropia (2011) e EQT (2007)` in a text on "balanceamento por entropia") is more likely a
    method, dataset or term named with its year: reported as information. So is a citation
    whose year is that of one entry only, when the text around it names that entry's title or
    its author with the year (`Naum Kleiman (1988, p. xii) escreve na “Introdução” a *Eisenstein
    on Disney*`): a part of that work by another author; the entry is then not also reported as
    never cited.

    Fix: add the missing entry, or correct the citation (refcheck suggests the closest entry).
    """
    by_key = None  # whether the list is generated from keys: asked once, only when it matters
    for link in ctx.manuscript.links:
        if link.how != "none" or link.year_differs:
            continue
        item = ctx.item(link)
        if link.number is not None:
            if link.number > ctx.last_number:
                continue  # numeric-citation-out-of-range says it better
            what = f"[{link.number}]"
        elif item.key is not None:
            continue  # key-based citations are checked against the bibliography (RC6xx)
        elif item.authors and all(_PLACEHOLDER.fullmatch(name) for name in item.authors):
            continue  # a template's example of the format ("Author et al. (2001)"), not a citation
        elif _ITALIC_END.search(item.text):
            continue  # "*Test-Driven Development: By Example* (2002)": a title in italics before its year
        else:
            what = item.text
        if not ctx.manuscript.references:
            if by_key is None:
                by_key = _cites_by_key(ctx)
                by_year: dict[str, list] = {}
                for entry in ctx.manuscript.bib:
                    by_year.setdefault(entry.year or "", []).append(entry)
                keyed = {i.key for c in ctx.manuscript.citations for i in c.items if i.key}
            if item.authors and item.year and by_key and not _typed_reference(ctx, ctx.citations[link.citation]):
                problem = _plain_text_citation(item, by_year, keyed, ctx.citations[link.citation].form)
                if problem is not None:
                    yield problem
            continue  # otherwise no-reference-list covers it
        fix = None
        if link.nearest:
            ref = ctx.references[link.nearest[0]]
            fix = Fix(f"did you mean {_describe(ref)}?")
        if item.authors and _cited_through(ctx.citations[link.citation], link.item):
            continue  # "(PAYAYÁ, 2015, apud SANTOS, 2016)": the work quoted second-hand needs no entry
        host = _host_named_nearby(ctx, item) if item.authors and item.year else None
        if host is not None:
            ref, named = host
            yield Problem(item.span, f"{what} matches no entry of the reference list, but the text beside it names "
                          f"{named} of {_describe(ref)}, the one entry of {item.year}: a part of that work by another author "
                          "(an introduction, a letter, a chapter)?", Fix(f"cite {short(ref)} for it, or list the part"),
                          severity=Severity.INFO)
            continue
        uses = _as_common_word(ctx, link, item)
        if uses:
            yield Problem(item.span, f"{what} matches no entry of the reference list; the text uses "
                          f"“{item.authors[0].lower()}” as a word ({uses} times): a method, dataset or term named with its year?",
                          fix, severity=Severity.INFO)
            continue
        yield Problem(item.span, f"{what} matches no entry of the reference list", fix)


# "apud", "cited in", "as cited in", "citado por/en", "cit. in", "quoted in", "cité par", "zit. nach"
_THROUGH = re.compile(r"[\s,;:]*[*_]?(?i:apud|(?:as\s+)?(?:cited|quoted)\s+in|citad[oa]\s+(?:por|en|in)|cit\.\s+(?:in|por)|"
                      r"cité\s+(?:par|dans)|zit(?:\.|iert)\s+(?:nach|in))\b[*_]?")


def _cited_through(citation, index: int) -> bool:
    """Whether a citation's item is quoted through the next item (`(PAYAYÁ, 2015, apud SANTOS,
    2016, p.30)`, `(Payayá, 2015, as cited in Santos, 2016)`): ABNT's *apud* and APA's secondary
    source list only the work consulted, so the original needs no entry."""
    if index + 1 >= len(citation.items):
        return False
    item, after = citation.items[index], citation.items[index + 1]
    between = citation.text[item.span.end - citation.span.start:after.span.start - citation.span.start]
    return bool(_THROUGH.match(between)) and len(between) < 40


def _host_named_nearby(ctx: Context, item):
    """For an author-year item that matches no entry: the one entry of its year, when the text
    around it (300 characters before, 150 after, in its paragraph, outside citations) names that
    entry's title (its first words), or its first author with the year: `Naum Kleiman (1988, p. xii) escreve na
    “Introdução” a *Eisenstein on Disney*`, `no Apêndice à publicação de Noverre, de 1926 ...
    Noguès (1926, p. 84) sustenta`. (The entry, and what names it), or None."""
    same = ctx.entries_by_year.get(item.year, ())
    if len(same) != 1 or item.span.path != ctx.manuscript.source.path:
        return None
    ref = same[0]
    text = ctx.manuscript.source.text
    lo, hi = max(0, item.span.start - 300), min(len(text), item.span.end + 150)
    lo = max(lo, text.rfind("\n\n", lo, item.span.start) + 2)  # (rfind gives -1: lo stays)
    end = text.find("\n\n", item.span.end, hi)
    hi = hi if end == -1 else end
    starts, all_spans = ctx.citation_spans
    first = max(0, bisect_right(starts, lo) - 1)
    spans = [span for span in all_spans[first:bisect_right(starts, hi)] if span[1] > lo]
    window = _blank_spans(text, lo, hi, spans)
    head = _title_head(ref)
    if head and head in fold(window):
        return ref, "the title"
    family = ref.authors[0].family
    if len(surname_key(family)) >= 3 and re.search(rf"(?<!\w){re.escape(family)}(?!\w)\W{{1,12}}(?:\w+\W{{1,3}})?{ref.year[:4]}(?!\d)",
                                                  window, re.IGNORECASE):
        return ref, "the author and year"
    return None


def _hosts(ctx: Context) -> set[str]:
    """The entries that citations matching no entry are reported as parts of (see _host_named_nearby)."""
    out = set()
    for link in ctx.manuscript.links:
        if link.how == "none" and not link.year_differs and link.number is None:
            item = ctx.item(link)
            if item.authors and item.year and item.key is None and (host := _host_named_nearby(ctx, item)) is not None:
                out.add(host[0].id)
    return out


def _blank_spans(text: str, lo: int, hi: int, spans) -> str:
    """``text[lo:hi]`` with the given spans (absolute offsets) blanked."""
    out, pos = [], lo
    for a, b in sorted(spans):
        a, b = max(a, lo), min(b, hi)
        if a > pos:
            out.append(text[pos:a])
        out.append(" ")
        pos = max(pos, b)
    out.append(text[pos:hi])
    return "".join(out)


def _as_common_word(ctx: Context, link, item) -> int:
    """How often the text uses a narrative citation's one-word "name" as a lower-case word, when it
    does three times or more: `CEM (2009), Entropia (2011) e EQT (2007)` beside "balanceamento por
    entropia" names a method, not an author; 0 otherwise. (Surnames that are English words, `Young
    (2010)` in a text on young people, are then reported as information, not lost.)"""
    if item.et_al or len(item.authors) != 1 or not ctx.citations[link.citation].narrative:
        return 0
    word = item.authors[0]
    if not word.isalpha() or not word[:1].isupper() or not word[1:].islower():
        return 0
    uses = ctx.lowercase_words.get(word.lower(), 0)
    return uses if uses >= 3 else 0


# the words templates and guides put where a surname goes ("Author et al. (2001)", "(Author1 &
# Author2, 2020)", "Surname (Year)"): no real work is cited under them
_PLACEHOLDER = re.compile(r"(?i)(?:first[ -]?)?(?:author|surname|last[ -]?name|family[ -]?name)s?[ -]?\d{0,2}|(?:author|name)[ -][a-d]")


def _cites_by_key(ctx: Context) -> bool:
    """The manuscript's list is generated from keys (a .bib, or Manubot identifiers) and it prints none."""
    m = ctx.manuscript
    return bool(m.bib or any(c.style == "key" for c in m.citations))


_LINE_HEAD = re.compile(r"[ \t>]*(?:[-*+•]|\d{1,3}[.)])?[ \t]*")
_TITLE_AFTER = re.compile(r"\.[ \t]+[\p{Lu}\d\"“*_]")
# what only a reference has: an ISBN, a DOI, a page count or range, an edition, a publisher's "Press"
_REFERENCE_TAIL = re.compile(r"\bISBN\b|\bdoi\b|\b10\.\d{4,9}/|\bpp?\.[ \t]*\d|\b\d+(?:st|nd|rd|th)[ \t]+ed\.|\bPress\b", re.I)
_ITALIC_END = re.compile(r"\w[*_]+(?=[ \t]*[(,]?[ \t]*\d{4})")  # an emphasis closed between a "name" and its year


def _typed_reference(ctx: Context, citation) -> bool:
    """A reference written out in the text on purpose, "* Berger JO (1985). Statistical Decision
    Theory...": the citation opens its line (or list item) and a title follows it; or, anywhere,
    a title follows it and the same paragraph goes on with what only a reference has ("[Centers
    for Disease Control and Prevention (2014). CDC health information ... ISBN 9780199948505]")."""
    span = citation.span
    source = next((s for s in (ctx.manuscript.source, *ctx.manuscript.sources) if s.path == span.path), None)
    if source is None or not citation.narrative:
        return False
    text = source.text
    if not _TITLE_AFTER.match(text, span.end):
        return False
    newline = text.rfind("\n", max(0, span.start - 200), span.start)
    if (newline >= 0 or span.start <= 200) and _LINE_HEAD.fullmatch(text, newline + 1, span.start):
        return True
    paragraph_end = text.find("\n\n", span.end, span.end + 300)
    return bool(_REFERENCE_TAIL.search(text, span.end, paragraph_end if paragraph_end >= 0 else span.end + 300))


def _named(item) -> str:
    """An item as a reader names it: its text, or, for one year of several ("Reed (1964, 1965)"
    gives the items "Reed (1964" and "1965)"), its authors and year."""
    if item.text.count("(") == item.text.count(")") and item.authors and item.text.startswith(item.authors[0]):
        return item.text
    names = " and ".join(item.authors[:2]) if len(item.authors) <= 2 else item.authors[0]
    return f"{names}{' et al.' if item.et_al or len(item.authors) > 2 else ''} ({item.year})"


def _plain_text_citation(item, by_year: dict, keyed: set[str], form: frozenset[str]) -> Problem | None:
    """An author-year citation typed as text where the list is generated from keys: pandoc and
    BibTeX list only works cited by key, so this one is missing from the list, unless its entry
    is cited by key elsewhere (then the typed citation names a listed work: nothing to say).
    Where no entry matches, a "name" of several capitalised words before a year ("the Snedecor
    Award (2012)") is more often a prize, a law or a survey than a citation: not reported."""
    year = item.year.rstrip("abcdefghijklmnopqrstuvwxyz")
    found = [e for e in by_year.get(year, ()) if e.key and e.first_author and same_surname(e.first_author, item.authors[0])]
    if any(e.key in keyed for e in found):
        return None
    if found:
        keys = ", ".join(f"@{e.key}" for e in found[:3])
        return Problem(item.span, f"{_named(item)} is typed as text, not cited by key: the bibliography has it ({keys}), but only "
                                  "works cited by key are listed", Fix(f"cite it as [{keys.split(', ')[0]}]"), severity=Severity.WARNING)
    if "several-capitalised-words" in form:
        return None
    return Problem(item.span, f"{_named(item)} is typed as text and no bibliography entry matches it: the generated list will not include it",
                   Fix("add the work to the bibliography and cite it by key"))


@rule("RC102", "reference-never-cited", Severity.WARNING)
def reference_never_cited(ctx: Context):
    """Every entry of the reference list is cited in the text.

    Why it matters: an uncited entry is either padding or the trace of a citation that was
    deleted or mistyped.

    Example: entry 6 (Chang et al., 2021) appears in the list but nowhere in the text.

    An entry without a personal author that the text names in full counts as cited: a law
    (`Decreto nº 6.949, de 25 agosto de 2009`), a report by its title, software by its team
    (`QGIS (Quantum GIS Development Team)`); four words at least besides small ones, or three
    with a number, since an agency's or a state's shorter name is used in prose without citing
    its entry. Where the text names the entry's author outside any citation (a surname no other
    entry has), beside a year (`em *O pensamento* de Gottlob Frege, em 1918`) or the first
    words of the entry's title (`desde Aristóteles (Retórica)`), the finding is information:
    the work is cited in prose, not in the list's style.

    Fix: cite it where it belongs, or remove it. Truncated fragments are reported by
    incomplete-reference instead.
    """
    if not ctx.manuscript.citations:
        return
    # an entry cited with the wrong year is reported once, by citation-year-mismatch; an entry
    # that markup points at while the text names another, once, by citation-author-mismatch
    # (of the entries a year-mismatched citation may mean, the nearest one that nothing else cites:
    # "FOUCAULT, 2005" with 2001 uncited beside 2008 and 2009 cited, "Mackenzie, 2007" with an undated entry)
    # (several such entries, up to three, are all named by citation-year-mismatch: "FOUCAULT, 2005" with 2001 and 2008 uncited)
    near_misses = {r for link in ctx.manuscript.links if (link.year_differs or link.how == "key-mismatch") and link.nearest
                   for r in (_uncited_candidates(ctx, link) or link.nearest[:1] if link.year_differs else link.nearest[:1])}
    uncited = [ref for ref in ctx.manuscript.references
               if ref.id not in ctx.links_to and ref.id not in near_misses and (ref.authors or ref.year)
               and not _named_in_text(ctx, ref)]  # "Decreto nº 6.949, de 25 agosto de 2009": named in full
    if uncited:
        hosts = _hosts(ctx)  # "Naum Kleiman (1988, p. xii) ... *Eisenstein on Disney*": said once, at the citation
        uncited = [ref for ref in uncited if ref.id not in hosts]
    named = _named_near_year(ctx, uncited) if uncited else {}
    for ref in uncited:
        if ref.id in named:
            line, beside, words = named[ref.id]
            yield Problem(ref.span, f"{_describe(ref)} is never cited in the text, but line {line} names "
                          f"its author beside {beside} (“{words}”)", Fix("cite the entry there in the list's style"),
                          severity=Severity.INFO)
        else:
            yield Problem(ref.span, f"{_describe(ref)} is never cited in the text")


def _named_in_text(ctx: Context, ref) -> bool:
    """Whether the text names an entry without a personal author by its whole heading: a law
    ("Decreto nº 6.949, de 25 agosto de 2009"), a report cited by its title ("(Disparities in the
    risk and outcomes from COVID-19, 2020; ...)"), software by its team ("QGIS (Quantum GIS
    Development Team)"). Four words at least besides small ones ("do", "of"), or three with a
    number: a shorter name (an agency's, a state's: "Rio Grande do Sul") is named in prose without
    citing its entry. Only for a list in the text's own file."""
    if any(a.given for a in ref.authors) or ref.span.path != ctx.manuscript.source.path:
        return False
    heading = " ".join((ref.authors[0].family if ref.authors else ref.title or "").split()).split(". ")[0]
    words = heading.count(" ") + 1
    content = sum(1 for w in heading.split() if w.lower() not in JOINERS)
    if len(heading) < 15 or not (content >= 4 or (words >= 3 and any(c.isdigit() for c in heading))):
        return False
    return heading.casefold() in ctx.body_folded


_NEAR_YEAR = re.compile(r"(?<![\d/.-])(?:1[4-9]|20)\d\d[a-z]?(?![\d.,]\d)")
_WORD = re.compile(r"\w+")
# a sentence's end (not "et al.", an initial, "p.", "cf.", "e.g.", "vs.", "ed.", "vol.", "Fig.")
_SENTENCE_END = re.compile(r"(?<!\bal|\b\p{Lu}|\bpp?|\bcf|\be\.g|\bi\.e|\bvs|\beds?|\bvol|\b[Ff]igs?)[.!?][\"”’)]?\s")


def _named_near_year(ctx: Context, uncited) -> dict[str, tuple[int, str, str]]:
    """Uncited entries whose first author the text names, capitalised, outside every citation,
    with a year within 60 characters in the same sentence (`em *O pensamento* de Gottlob Frege,
    em 1918`, `see Williams 2017`: a person's name, with given names in the entry; an
    organisation's or a newspaper's, with the entry's own year: `(cf. Redação. Veja , 2021)`), or
    with the first words of the entry's title within 80 (`desde Aristóteles (Retórica )`, `André Bretón
    descubría, según observamos en su Antología del humor negro`): cited in prose rather than not
    at all. Only a surname no other entry's first author has, and a list in the text's own file.
    Entry id -> (line, beside what, the words around the name); the text is read once."""
    path = ctx.manuscript.source.path
    counts = Counter(surname_key(r.authors[0].family) for r in ctx.manuscript.references if r.authors)
    wanted: dict[str, list] = {}  # the surname's last word, folded -> entries
    for ref in uncited:
        if ref.authors and ref.span.path == path:
            family = ref.authors[0].family
            key = surname_key(family)
            words = _WORD.findall(family)
            if len(key) >= 3 and counts.get(key) == 1 and words and (ref.authors[0].given or _title_head(ref) or ref.year):
                wanted.setdefault(words[-1].casefold(), []).append(ref)
    if not wanted:
        return {}
    text = ctx.manuscript.source.text
    end = min((r.span.start for r in ctx.manuscript.references if r.span.path == path), default=0)
    starts, spans = ctx.citation_spans
    out: dict[str, tuple[int, str]] = {}
    for m in _WORD.finditer(text, 0, end):
        refs = wanted.get(m.group().casefold())
        if not refs:
            continue
        i = bisect_right(starts, m.start()) - 1
        if i >= 0 and spans[i][0] <= m.start() < spans[i][1]:
            continue  # inside a citation (of another entry)
        for ref in refs:
            family = ref.authors[0].family
            start = m.end() - len(family)
            if ref.id in out or start < 0 or text[start:m.end()].casefold() != family.casefold() or not text[start].isupper() \
                    or (start > 0 and text[start - 1].isalnum()):
                continue
            before = text[max(0, start - 60):start].rsplit("\n\n", 1)[-1]
            before = before[max((e.end() for e in _SENTENCE_END.finditer(before)), default=0):]
            after = text[m.end():m.end() + 80].split("\n\n", 1)[0]
            if before.count("(") > before.count(")") and ")" in after:
                after = after[:after.index(")")]  # inside a parenthesis, to its end: "(cf. Redação. Veja , 2021)"
            else:
                after = after[:next((e.start() + 1 for e in _SENTENCE_END.finditer(after + " ")), len(after))]
            head = _title_head(ref)
            beside = ("a year" if ref.authors[0].given and (_NEAR_YEAR.search(before) or _NEAR_YEAR.search(after[:60]))
                      else "its year" if not ref.authors[0].given and ref.year and _has_year(before + " " + after[:60], ref.year)
                      else "the title's first words" if head and head in fold(before + after) else None)
            if beside:
                words = text[max(0, start - 30):m.end() + 30].split()
                out[ref.id] = (text.count("\n", 0, start) + 1, beside, " ".join(words[1:-1] if len(words) > 2 else words))
    return out


def _has_year(text: str, year: str) -> bool:
    """Whether ``text`` holds ``year`` (its digits, "2021" for "2021a") as a number of its own."""
    digits = year[:4]
    return digits.isdigit() and re.search(rf"(?<!\d){digits}(?!\d)", text) is not None


def _title_head(ref) -> str:
    """The first three words of an entry's title (of its first sentence), folded (six letters at
    least), or ""."""
    head = fold(" ".join(re.split(r"[.:?!]\s", ref.title or "", maxsplit=1)[0].split()[:3]))
    return head if len(head) >= 6 else ""


@rule("RC103", "ambiguous-citation", Severity.WARNING)
def ambiguous_citation(ctx: Context):
    """Every citation points to exactly one entry.

    Why it matters: `(Smith, 2019)` with two Smith 2019 entries leaves the reader guessing.

    Example: two entries "Smith, J. (2019)" and "Smith, K. (2019)" without a/b suffixes.

    Fix: add year suffixes (2019a, 2019b) to the entries and the citations.
    """
    for link in ctx.manuscript.links:
        # numbers used twice: duplicate-reference-number; keys defined twice: duplicate-bib-key
        if link.how == "ambiguous" and link.number is None and ctx.item(link).key is None:
            if len({ctx.work_of(r) for r in link.references}) == 1:
                continue  # one work listed twice: duplicate-reference says it
            refs = ", ".join(_describe(ctx.references[r]) for r in link.references)
            yield Problem(ctx.item(link).span, f"{ctx.item(link).text} matches {len(link.references)} entries: {refs}")


@rule("RC104", "citation-year-mismatch", Severity.ERROR)
def citation_year_mismatch(ctx: Context):
    """A cited author-year pair agrees with the entry's year.

    Why it matters: the list has the author, but not with the cited year: one of the two is wrong.

    Example: the text cites `(Smith, 2019)`; the list has only Smith (2018).

    Fix: correct the year in the text or in the list.
    """
    for link in ctx.manuscript.links:
        if link.year_differs:
            item = ctx.item(link)
            years = ", ".join(sorted({ctx.references[r].year or "n.d." for r in link.nearest}))
            ref = ctx.references[link.nearest[0]]
            uncited = _uncited_candidates(ctx, link)
            which = ""
            if len(uncited) > 1:
                named = sorted(ctx.references[r].year or "n.d." for r in uncited)
                which = f" ({', '.join(named[:-1])} and {named[-1]} are cited nowhere else: one is meant here, the other never cited)"
            yield Problem(
                item.span,
                f"{item.text} cites {item.year}, but the list has {item.authors[0]} only with {years}{which}",
                Fix(f"check the year against {_describe(ref)}"),
            )
        elif link.how == "key-mismatch" and _names_keyed_author(ctx, link):
            item, marked, named = ctx.item(link), ctx.references[link.nearest[0]], ctx.references[link.references[0]]
            yield Problem(item.span, f"{item.text} is marked up as a citation of {_describe(marked)}, but its year names {_describe(named)}",
                          Fix(f"point the citation at {_describe(named)}, or correct its year"))


def _uncited_candidates(ctx: Context, link) -> tuple[str, ...]:
    """The entries a year-mismatched citation may mean that nothing else cites: the first, or all
    of them when two or three are (more, and the citation says too little to name them)."""
    uncited = tuple(r for r in link.nearest if r not in ctx.links_to)
    return uncited if len(uncited) <= 3 else uncited[:1]


def _names_keyed_author(ctx: Context, link) -> bool:
    """A key-mismatch where the text names the keyed entry's first author (so the year is what disagrees)."""
    marked = ctx.references[link.nearest[0]]
    works = marked.parts or (marked,)
    return any(w.authors and same_surname(ctx.item(link).authors[0], w.authors[0].family) for w in works)


@rule("RC105", "citation-author-mismatch", Severity.WARNING)
def citation_author_mismatch(ctx: Context):
    """The surname in a citation is spelt as in its entry.

    Why it matters: a misspelt name (Diomedede for Diomede) weakens trust and breaks search.
    Case-only or diacritic-only differences (liu/Liu, Sorensen/Sørensen) are reported as info.

    Example: `(liu et al., 2018)` for the entry "Liu, B., ... (2018)"; `(Dingledine et al., 1999)`
    for "Huang Y, Myers SJ, Dingledine R. 1999" (the senior author named instead of the first).

    Fix: spell the name as the entry does; cite a work by its first author.
    """
    for link in ctx.manuscript.links:
        if link.how == "key-mismatch" and not _names_keyed_author(ctx, link):
            item, marked, named = ctx.item(link), ctx.references[link.nearest[0]], ctx.references[link.references[0]]
            yield Problem(item.span, f"{item.text} is marked up as a citation of {_describe(marked)}, but its text names {_describe(named)}",
                          Fix(f"point the citation at {_describe(named)}"))
            continue
        if link.how not in {"case", "diacritics", "fuzzy-author", "last-author"}:
            continue
        item = ctx.item(link)
        ref = ctx.references[link.references[0]]
        cited = item.authors[0]
        work = next((w for w in (ref.parts or (ref,)) if w.authors), ref)
        printed = work.authors[0].family if work.authors else "?"
        if link.how == "last-author":
            named = f"{printed} et al." if len(work.authors) > 2 else " and ".join(a.family for a in work.authors)
            keys = {k for a in work.authors for k in surname_keys(a.family)}
            if len(item.authors) > 1 and all(surname_key(name) in keys for name in item.authors):
                yield Problem(item.span, f"{item.text} names the authors of {_describe(ref)} in another order",
                              Fix(f"write {named}"))
            else:
                yield Problem(item.span, f"{item.text} names the last author of {_describe(ref)}; cite it by its first author",
                              Fix(f"write {named}"))
            continue
        if link.how == "fuzzy-author":
            yield Problem(item.span, f"{cited!r} is spelt {printed!r} in {_describe(ref)}", Fix(f"write {printed}", printed))
        else:
            kind = "case" if link.how == "case" else "accents"
            if kind == "case" and ((cited.isupper() and len(cited) > 1) or (printed.isupper() and len(printed) > 1)):
                continue  # SMALL CAPS / all-caps house styles (ABNT lists: "SILVA, A.", cited "Silva (2013)") are a typographic choice
            yield Problem(
                item.span,
                f"{cited!r} differs only in {kind} from {printed!r} in {_describe(ref)}",
                Fix(f"write {printed}", printed),
                severity=Severity.INFO,
            )


@rule("RC106", "numeric-citation-out-of-range", Severity.ERROR)
def numeric_citation_out_of_range(ctx: Context):
    """Numeric citations stay within the list and ranges run forwards.

    Why it matters: `[27]` in a list of 24 entries, or `[5-3]`, points nowhere.

    Example: `[27]` when the last entry is 24.

    Fix: renumber the citation, or restore the missing entries.
    """
    top = ctx.last_number
    if not top:
        return
    for citation in ctx.manuscript.citations:
        if citation.style != "numeric":
            continue
        if "range-reversed" in citation.form:
            yield Problem(citation.span, f"{citation.text} is a range that runs backwards")
        for item in citation.items:
            over = [n for n in item.numbers if n > top]
            if over:
                yield Problem(item.span, f"{citation.text} cites {', '.join(map(str, over))} but the list ends at {top}")


@rule("RC107", "et-al-misuse", Severity.INFO, enabled=False)
def et_al_misuse(ctx: Context):
    """"et al." is used only for works with three or more authors.

    Why it matters: most author-year styles write one or two names in full.

    Example: `(Gnecchi et al., 2009)` for a work by Gnecchi and Melo.

    Fix: name both authors. (Off by default: styles differ; enable it with `--select RC107`.)
    """
    for link in ctx.manuscript.links:
        if len(link.references) != 1:
            continue
        item = ctx.item(link)
        ref = ctx.references[link.references[0]]
        if item.et_al and 0 < len(ref.authors) <= 2 and not ref.authors_truncated and not ref.parts:
            yield Problem(item.span, f"{item.text} uses et al. for a work with {len(ref.authors)} author(s)")


RULES = (
    citation_without_reference,
    reference_never_cited,
    ambiguous_citation,
    citation_year_mismatch,
    citation_author_mismatch,
    numeric_citation_out_of_range,
    et_al_misuse,
)
