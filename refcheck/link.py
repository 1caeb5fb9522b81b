"""Link citation items to references: by label, by key, or by first-author surname and year.

Everything goes through indexes built once (label -> references, surname key -> references,
year -> references), so linking costs O(citations + references), never their product.
"""

from __future__ import annotations

import regex as re
import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from refcheck.model import CitationItem, Link, Manuscript, Reference
from refcheck.names import JOINERS, PARTICLES, acronym, fold, group_keys, org_key, same_surname, surname_key, surname_keys

FUZZY_SURNAME = 80.0  # rapidfuzz ratio at or above which a misspelt surname still links
FUZZY_OVER_OTHER_YEARS = 90.0  # ... and at which it wins over the same name listed with other years


@lru_cache(maxsize=4096)
def _year_key(year: str | None) -> str:
    return " ".join((year or "").lower().replace(".", ". ").split()).replace(". ", ".").strip()


@dataclass
class Index:
    """Lookups over a manuscript's references (and the works inside merged entries)."""

    by_id: dict[str, Reference] = field(default_factory=dict)
    by_label: dict[str, list[Reference]] = field(default_factory=lambda: defaultdict(list))
    by_key: dict[str, list[Reference]] = field(default_factory=lambda: defaultdict(list))
    by_key_folded: dict[str, list[Reference]] = field(default_factory=lambda: defaultdict(list))
    by_surname: dict[str, list[tuple[Reference, Reference]]] = field(default_factory=lambda: defaultdict(list))
    by_surname_year: dict[tuple[str, str], list[tuple[Reference, Reference]]] = field(default_factory=lambda: defaultdict(list))
    # the same by the other years a work's entry prints (original, translation, reprint): asked
    # only when no work has the cited year as its own
    by_surname_other_year: dict[tuple[str, str], list[tuple[Reference, Reference]]] = field(default_factory=lambda: defaultdict(list))
    # (year, first letter of the surname key) -> works: misspellings keep the first letter
    # (Diomedede / Diomede), and the bucket keeps fuzzy matching far from citations x references
    by_year_initial: dict[tuple[str, str], list[tuple[Reference, Reference]]] = field(default_factory=lambda: defaultdict(list))
    # year -> works: for a citation by the senior (last) author, or by the work's title
    by_year: dict[str, list[tuple[Reference, Reference]]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, references: tuple[Reference, ...], bib: tuple[Reference, ...] = ()) -> Index:
        """Indexes over the reference list; .bib entries (``bib``) are reached by key only."""
        index = cls()
        for entry in bib:
            index.by_id[entry.id] = entry
            index.by_key[entry.key].append(entry)
            index.by_key_folded[entry.key.casefold()].append(entry)
        for ref in references:
            index.by_id[ref.id] = ref
            if ref.label:
                index.by_label[ref.label.lstrip("0") or "0"].append(ref)
            if ref.key:
                index.by_key[ref.key].append(ref)
                index.by_key_folded[ref.key.casefold()].append(ref)
            # (entry, work): a merged entry contributes each of its works, all linking to the entry
            for work in ref.parts or (ref,):
                # a hierarchy of organisations is cited by any of its units
                # ("Population Division, 2013" for "United Nations, ..., Population Division")
                authors = work.authors if work.authors and not any(a.given for a in work.authors) else work.authors[:1]
                year = _year_key(work.year)
                keys = [key for author in authors for key in surname_keys(author.family)]
                groups = [a.family for a in work.authors if not a.given and " " in a.family.strip()]
                if groups:
                    # organisations: by acronym and initials too, and "IBAMA-MMA" for "... (IBAMA) & ... (MMA)"
                    keys += [key for name in groups for key in group_keys(name)]
                    acronyms = [acronym(name) for name in groups]
                    if len(groups) > 1 and all(acronyms):
                        keys.append(fold("".join(acronyms)))
                    # the acronym it goes by, printed as its publisher ("... Teixeira. (2024). Resumo técnico. Inep.")
                    keys += [fold(a) for a in _PRINTED_ACRONYM.findall(work.raw) if a[:1] in initials_of(groups)]
                    # an organisation's dataset or report cited by its name: "Censo Demográfico (2010)",
                    # "Censo (2010)" for "IBGE - Instituto ... Censo Demográfico de 2010"
                    named = _TITLE_NAME.match(work.title or "")
                    if named:
                        keys += [fold(named.group(0)), fold(named.group(1))]
                    # ... or by its initials: "PNAD (2013)" for "Pesquisa Nacional por Amostra de Domicílios"
                    phrase = _TITLE_PHRASE.match(work.title or "")
                    if phrase:
                        initials = "".join(w[0] for w in phrase.group(0).split() if w[0].isupper())
                        if len(initials) >= 3:
                            keys.append(fold(initials))
                if not work.authors or (len(work.authors) == 1 and not work.authors[0].given):
                    # a work without author is cited by its title's first words in capitals (ABNT):
                    # "ÍNDIO, Cidadão? Direção: ..." is "(ÍNDIO..., 2014)"
                    head = _CAPITALS_HEAD.match(work.raw)
                    if head:
                        keys.append(fold(head.group(1)))
                    # with or without a leading article: "A HORAS de aprobarse ..." cited "( A HORAS…, 2018 )"
                    # (the one-letter article is too short for the head), "LOS MINISTROS ..." cited "(MINISTROS..., 2017)"
                    article, _, rest = work.raw.lstrip("*_ ").partition(" ")
                    if article in _ARTICLES and (tail := _CAPITALS_HEAD.match(rest)):
                        keys += [fold(f"{article} {tail.group(1)}"), fold(tail.group(1))]
                for key in dict.fromkeys(keys):
                    index.by_surname[key].append((ref, work))
                    index.by_surname_year[(key, year)].append((ref, work))
                    for other in work.other_years:
                        index.by_surname_other_year[(key, _year_key(other))].append((ref, work))
                if work.year and work.authors:
                    key = surname_key(work.authors[0].family)
                    index.by_year_initial[(year[:4], key[:1])].append((ref, work))
                if work.year:
                    index.by_year[year].append((ref, work))
        return index


# an acronym printed alone in an entry, its last sentence or one before: "INEP.", "Inep.", "CAPES, Ministério"
_PRINTED_ACRONYM = re.compile(r"(?<=[.,:;]\s)(\p{Lu}(?:\p{Lu}{2,7}|\p{Ll}{2,4}))(?=[.,;]\s|[.,;]?$)")


# the capitalised words a title starts with (the first of at least four letters)
_TITLE_NAME = re.compile(r"(\p{Lu}\p{Ll}{3,})(?:\s\p{Lu}[\p{Ll}\p{Lu}]+){0,2}")
# capitalised words with small words between them: "Pesquisa Nacional por Amostra de Domicílios"
_TITLE_PHRASE = re.compile(r"\p{Lu}[\p{Ll}\p{Lu}]+(?:\s(?:\p{Ll}{1,4}\s)*\p{Lu}[\p{Ll}\p{Lu}]+)+")

_ARTICLES = frozenset("A O AS OS UM UMA EL LA LOS LAS UN UNA LE LES THE AN".split())  # before a title in capitals
_CAPITALS_HEAD = re.compile(r"\W*(\p{Lu}{2,}(?:\s\p{Lu}{2,})*)(?![\p{Ll}])")


def initials_of(groups: list[str]) -> str:
    """The first letters of organisations' names: an acronym they go by starts with one of them."""
    return "".join(name[:1] for name in groups)


def _work_matches_item(work: Reference, item: CitationItem) -> tuple[int, ...]:
    """How well the co-authors agree, compared as tuples (higher is better).

    (0,) contradicts; (1,) is neutral; (2,) the second author agrees or "et al." fits. With
    several cited names: (2, names found among the co-authors, 1 if the author count fits, names
    in the work's order), so that "Evans & Reisz, 2007" picks Evans and Reisz over Evans, Reisz and
    Dupuis of that year, and "Clayton, Leante, et al. 2021" the work whose second author is Leante.
    """
    cited = item.authors
    if len(cited) >= 2:
        if len(work.authors) < 2:
            return (0,)
        others = {key for a in work.authors[1:] for key in surname_keys(a.family)}
        if surname_key(cited[1]) not in others:
            return (0,)
        agree = sum(1 for name in cited[1:] if surname_key(name) in others)
        fits = item.et_al or len(work.authors) == len(cited) or (work.authors_truncated and len(work.authors) < len(cited))
        # ... and the names in the places the work prints them: "Clayton, Leante, et al." is the
        # work whose second author is Leante, beside one by Clayton, Tarsitani and Leante
        placed = sum(1 for name, author in zip(cited[1:], work.authors[1:]) if surname_key(name) in surname_keys(author.family))
        return (2, agree, int(fits), placed)
    if item.et_al:
        return (2,) if len(work.authors) >= 3 or work.authors_truncated else (1,)
    return (2,) if len(work.authors) == 1 else (1,)


_AS_PRINTED = ("exact", "case", "diacritics")


def _link_as(citation_id: str, i: int, item: CitationItem, names: tuple[str, ...], index: Index) -> Link | None:
    """The link of ``item`` read with ``names`` for its authors, where that reaches one entry by
    its first author's name as printed; else None."""
    found = _link_author_year(citation_id, i, dataclasses.replace(item, authors=names), index)
    return found if len(found.references) == 1 and found.how in _AS_PRINTED else None


def _refs_authors(found: Link, index: Index) -> tuple:
    """The authors of the one entry a link reaches."""
    ref = index.by_id.get(found.references[0]) if len(found.references) == 1 else None
    return ref.authors if ref is not None else ()


def _by_given_name(cited: str, pairs: list[tuple[Reference, Reference]]) -> list[tuple[Reference, Reference]]:
    """The one work whose first author's given name starts as the cited one's does, where the text
    gives it ("Paul Reynaud (1945)" for REYNAUD, P. beside REYNAUD, E.); else all of them."""
    first = fold(cited.split()[0])[:1]
    if not first or fold(cited.split()[0]) in PARTICLES:
        return pairs
    agree = [(r, w) for r, w in pairs if w.authors and fold(w.authors[0].given or "")[:1] == first]
    return agree if len(agree) == 1 else pairs


_ORIGINAL_YEAR = re.compile(r"\[((?:1[5-9]|20)\d\d)")


def _by_original_year(text: str, pairs: list[tuple[Reference, Reference]]) -> list[tuple[Reference, Reference]]:
    """The one work that prints the original year the citation gives in brackets ("2011 [1979]"
    for "Estética da criação verbal [1979] ... 2011" beside another 2011 work); else all of them."""
    m = _ORIGINAL_YEAR.search(text)
    if m is None:
        return pairs
    year = m.group(1)
    agree = [(r, w) for r, w in pairs if f"[{year}" in w.raw or year in w.other_years]
    return agree if len(agree) == 1 else pairs


def _unique(pairs: list[tuple[Reference, Reference]]) -> list[tuple[Reference, Reference]]:
    if len(pairs) < 2:
        return pairs
    seen: set[str] = set()
    out = []
    for ref, work in pairs:
        if ref.id not in seen:
            seen.add(ref.id)
            out.append((ref, work))
    return out


def link_author_year(citation_id: str, index_in_citation: int, item: CitationItem, index: Index) -> Link:
    found = _link_author_year(citation_id, index_in_citation, item, index)
    if len(item.authors) == 1 and item.authors[0].count(" ") in (1, 2) and not found.references and not found.year_differs:
        # "Smith Wilson (1996)" for Smith & Wilson 1996: the "and" left out (after a word read as a name)
        words = tuple(item.authors[0].split()[-2:])
        if all(w[:1].isupper() for w in words):
            pair = _link_as(citation_id, index_in_citation, item, words, index)
            authors = _refs_authors(pair, index) if pair is not None else ()
            if len(authors) == 2 and surname_key(words[1]) in surname_keys(authors[1].family):
                return pair
    if not found.references and not found.year_differs and (len(item.authors) >= 2 or item.et_al) and item.authors[0].count(" ") in (1, 2):
        # "(Ladislaus Lang-Quantzendorff and Beermann 2025)", "(Daniel Foreman-Mackey et al., 2021)":
        # a first author's given name written out
        words = item.authors[0].split()
        if words[0][:1].isupper() and index.by_surname.get(surname_key(words[-1])):
            given = _link_author_year(citation_id, index_in_citation, dataclasses.replace(item, authors=(words[-1], *item.authors[1:])), index)
            if given.references or given.year_differs:
                return given
    if found.references or found.year_differs or len(item.authors) < 2 or index.by_surname.get(surname_key(item.authors[0])):
        return found
    # "(SBEM, Denk and Horstmann, 2004)", "(Figure 1F and Aoki et al., 2012)", "(Rio de Janeiro,
    # São Paulo; Smith, 2010)": words before the authors read as names; the authors after them
    # name an entry, with its year
    for drop in range(1, len(item.authors)):
        if index.by_surname.get(surname_key(item.authors[drop])) is None and drop < len(item.authors) - 1:
            continue
        rest = _link_author_year(citation_id, index_in_citation, dataclasses.replace(item, authors=item.authors[drop:]), index)
        if rest.references and rest.how in ("exact", "case", "diacritics", "particle", "no-suffix"):
            return rest
    return found


def _link_author_year(citation_id: str, index_in_citation: int, item: CitationItem, index: Index) -> Link:
    cited = item.authors[0]
    keys = surname_keys(cited)
    if len(item.authors) > 1 and not item.et_al and not any(k in index.by_surname for k in keys):
        # an organisation the grammar split at a small word ("... de Geografia" and "Estatística")
        org = org_key(" ".join(item.authors))
        if org in index.by_surname:
            keys = frozenset((org,))
    year = _year_key(item.year)
    if len(keys) == 1:  # the usual case: one key, one dictionary lookup
        (key,) = keys
        exact = _unique(index.by_surname_year.get((key, year), []))
    else:
        exact = _unique([rw for key in keys for rw in index.by_surname_year.get((key, year), ())])
    candidates: list[tuple[Reference, Reference]] = []
    if not exact:
        candidates = _unique([rw for key in keys for rw in index.by_surname.get(key, ())])
    how_year = ""
    if not exact and candidates and year[:4].isdigit():
        # 2019 cited, list has 2019a (or the other way round): still the same work if unique
        exact = [(r, w) for r, w in candidates if _year_key(w.year)[:4] == year[:4]]
        how_year = "no-suffix" if exact else ""
    if not exact and candidates and not year[:4].isdigit():
        # "in press" cited, "n.d." listed (or the other way round): no year on either side
        exact = [(r, w) for r, w in candidates if not _year_key(w.year)[:4].isdigit()]
        how_year = "no-year" if exact else ""
    if not exact and candidates and index.by_surname_other_year:
        # the year of the original, a translation or a reprint that the entry also prints
        exact = _unique([rw for key in keys for rw in index.by_surname_other_year.get((key, year), ())])
    if not exact and candidates and year in ("in press", "n.d."):
        # "(Bell & Brink, in press)" for "Bell PR, Brink KS. doi:..." printed without a year yet
        exact = [(r, w) for r, w in candidates if not w.year]
    if exact:
        if len(exact) > 1:
            best = max(_work_matches_item(w, item) for _, w in exact)
            exact = [(r, w) for r, w in exact if _work_matches_item(w, item) == best]
        if len(exact) > 1 and " " in cited:
            # "MATLAB Developers" beside "NetworkX Developers": the whole name first, then a given name
            whole = [(r, w) for r, w in exact if w.authors and fold(w.authors[0].family) == fold(cited)]
            exact = whole if len(whole) == 1 else _by_given_name(cited, exact)
        if len(exact) > 1 and "[" in item.text:
            exact = _by_original_year(item.text, exact)
        if len(exact) > 1:
            return Link(citation_id, index_in_citation, tuple(r.id for r, _ in exact), "ambiguous")
        ref, work = exact[0]
        # the first author nearly always; any unit of an organisation hierarchy otherwise
        if not work.authors:
            return Link(citation_id, index_in_citation, (ref.id,), how_year or "title")  # "(ÍNDIO..., 2014)"
        how = how_year or same_surname(cited, work.authors[0].family) or (
            " " in cited and same_surname(cited.split()[-1], work.authors[0].family)) or next(
            filter(None, (same_surname(cited, a.family) for a in work.authors[1:])), "particle"
        )
        return Link(citation_id, index_in_citation, (ref.id,), how)
    if candidates:
        # the same name spelt otherwise, with the cited year, is likelier the work meant (Damjanović
        # 2000 cited, Damjanović 1999 and 2002 listed, and a Damjanovi 2000 misspelt in the list)
        winner = _fuzzy_same_year(cited, year, index, FUZZY_OVER_OTHER_YEARS)
        if winner is not None:
            return Link(citation_id, index_in_citation, (winner.id,), "fuzzy-author")
        nearest = sorted(candidates, key=lambda rw: (abs((rw[1].year_number or 0) - int(year[:4] or 0)) if year[:4].isdigit() else 0, rw[0].id))
        return Link(citation_id, index_in_citation, (), "none", tuple(r.id for r, _ in nearest[:3]), year_differs=True)
    # Same year, surname spelt differently (Diomedede / Diomede): link if one clearly wins.
    scored = _fuzzy_scores(cited, year, index)
    if scored and scored[0][0] >= FUZZY_SURNAME and (len(scored) == 1 or scored[1][0] < scored[0][0]):
        return Link(citation_id, index_in_citation, (scored[0][2].id,), "fuzzy-author")
    # cited by the senior author: "Dingledine et al., 1999" for "Huang Y, Myers SJ, Dingledine R. 1999"
    cited_key = surname_key(cited)
    works = index.by_year.get(year, ())
    senior = _unique([(r, w) for r, w in works if len(w.authors) > 1 and cited_key in surname_keys(w.authors[-1].family)])
    if len(senior) == 1:
        return Link(citation_id, index_in_citation, (senior[0][0].id,), "last-author")
    # a work named by its title: "Searle, em Expression and Meaning (1979)" for "SEARLE, J. R. Expression and Meaning. ..., 1979."
    # (two words at least, found in that order in the title of the one work of that year that has them)
    words = " ".join(item.authors)
    named = _title_words(words)
    if len(words.split()) >= 2 and len(named) >= 8:
        titled = _unique([(r, w) for r, w in works if w.title and named in _title_words(w.title)])
        if len(titled) == 1:
            return Link(citation_id, index_in_citation, (titled[0][0].id,), "title")
    nearest = tuple(s[2].id for s in scored[:2] if s[0] >= 60)
    return Link(citation_id, index_in_citation, (), "none", nearest)


def _title_words(text: str) -> str:
    """A title folded without its small words, to compare a title cited in the text with the entry's."""
    return "".join(fold(w) for w in text.split() if w.lower() not in JOINERS)


def _fuzzy_scores(cited: str, year: str, index: Index) -> list[tuple]:
    """(ratio, id, entry, work) of the works of the cited year whose first author's surname starts
    with the cited one's letter, best first."""
    cited_key = surname_key(cited)
    same_year = index.by_year_initial.get((year[:4], cited_key[:1]), ()) if year[:4].isdigit() else ()
    return sorted(
        ((fuzz.ratio(cited_key, surname_key(w.authors[0].family)), r.id, r, w) for r, w in same_year),
        key=lambda s: (-s[0], s[1]),
    )


def _fuzzy_same_year(cited: str, year: str, index: Index, threshold: float) -> Reference | None:
    """The one entry of the cited year whose first author's surname is the cited one misspelt."""
    scored = [s for s in _fuzzy_scores(cited, year, index) if s[0] < 100]
    if scored and scored[0][0] >= threshold and (len(scored) == 1 or scored[1][0] < scored[0][0]):
        return scored[0][2]
    return None


def _link_keyed(citation_id: str, i: int, item: CitationItem, index: Index) -> list[Link]:
    """An item that names its reference (a JATS rid) and also prints a number or an author and year.

    The key decides, and the printed text is checked against it: where the text names another
    entry of the list, the text wins (``key-mismatch``, the marked-up target kept in
    ``nearest``); where it names the keyed entry's author with another year, the link carries
    ``year_differs``. A key that names nothing (``key-missing``) falls back on the text.
    """
    keyed = index.by_key.get(item.key, ())
    if len(keyed) > 1:
        return [Link(citation_id, i, tuple(r.id for r in keyed), "ambiguous")]
    if not keyed:  # say so (undefined-citation-key), and let the text find its entry
        if item.numbers:
            text = [_link_number(citation_id, i, n, index) for n in dict.fromkeys(item.numbers)]
        else:
            text = [link_author_year(citation_id, i, item, index)]
        found = tuple(dict.fromkeys(r for t in text for r in t.references))
        return [Link(citation_id, i, (), "key-missing", found), *text]
    target = keyed[0]
    if item.numbers:
        numbers = list(dict.fromkeys(item.numbers))
        mine = target.number if target.number in numbers else numbers[-1]
        return [Link(citation_id, i, (target.id,), "key", number=n) if n == mine else _link_number(citation_id, i, n, index)
                for n in numbers]
    works = target.parts or (target,)
    cited = item.authors[0]
    year = _year_key(item.year)[:4]
    # first author and year agree with the target: the key picks among that author's works of the year
    for work in works:
        if work.authors and _year_key(work.year)[:4] == year:
            how = same_surname(cited, work.authors[0].family)
            if how:
                return [Link(citation_id, i, (target.id,), "key" if how == "exact" else how)]
    text = link_author_year(citation_id, i, item, index)
    if target.id in text.references:
        how = "key" if text.how == "ambiguous" else text.how  # the key settles an ambiguity
        return [Link(citation_id, i, (target.id,), how)]
    if text.year_differs and any(w.authors and same_surname(cited, w.authors[0].family) for w in works):
        nearest = (target.id, *(r for r in text.nearest if r != target.id))
        return [Link(citation_id, i, (target.id,), "key", nearest, year_differs=True)]
    if text.references and text.how not in ("none", "ambiguous"):
        return [Link(citation_id, i, text.references, "key-mismatch", (target.id,))]
    return [Link(citation_id, i, (target.id,), "key")]


def _link_number(citation_id: str, i: int, number: int, index: Index) -> Link:
    refs = tuple(r.id for r in index.by_label.get(str(number), ()))
    how = "label" if len(refs) == 1 else ("ambiguous" if refs else "none")
    return Link(citation_id, i, refs, how, number=number)


def link(manuscript: Manuscript) -> tuple[Link, ...]:
    """Every citation item's Link, in document order."""
    index = Index.build(manuscript.references, manuscript.bib)
    links: list[Link] = []
    for citation in manuscript.citations:
        for i, item in enumerate(citation.items):
            if item.key is not None and (item.numbers or item.authors):
                links.extend(_link_keyed(citation.id, i, item, index))
            elif item.numbers:
                links.extend(_link_number(citation.id, i, number, index) for number in dict.fromkeys(item.numbers))
            elif item.key is not None:
                refs = tuple(r.id for r in index.by_key.get(item.key, ()))
                if refs:
                    links.append(Link(citation.id, i, refs, "key" if len(refs) == 1 else "ambiguous"))
                else:
                    folded = tuple(r.id for r in index.by_key_folded.get(item.key.casefold(), ()))
                    links.append(Link(citation.id, i, folded, "key-case" if folded else "none"))
            elif not item.authors and "year-only" in citation.form:
                links.append(_year_only(manuscript.source.text, citation.id, i, item, index))
            elif item.authors:
                found = link_author_year(citation.id, i, item, index)
                if not found.references and citation.narrative and i == 0 and not item.et_al and len(item.authors) == 1:
                    found = (_with_name_before(manuscript.source.text, citation.id, i, item, index)
                             or _author_named_before(manuscript.source.text, citation.id, i, item, index, found) or found)
                links.append(found)
    return tuple(links)


# a capitalised name and a comma just before a narrative citation's authors: "Cf. Morais, Dias (1955)"
_NAME_BEFORE = re.compile(r"(?<![\p{L}\p{M}])(\p{Lu}[\p{Ll}\p{M}'’\-]+),\s+$")


# the clause before a narrative citation, back to the last sentence or clause mark
SUBJECT_WINDOW = 60
_CLAUSE_START = re.compile(r"[.;:!?()\[\]\n][^.;:!?()\[\]\n]*$")
_CAPITALISED = re.compile(r"(?<![\p{L}\p{M}])\p{Lu}[\p{Ll}\p{M}'’\-]+")


def _author_named_before(text: str, citation_id: str, i: int, item: CitationItem, index: Index, found: Link) -> Link | None:
    """The link of "la descripción que hace Séneca de su amigo cínico Demetrio (1986, p. 348)" for
    "SÉNECA ... 1986": the cited name is the person the work is about, its author named earlier in
    the clause. Only for a name no entry has at all, and only where one capitalised word of the
    clause is the first author of exactly one entry of that very year (``how`` ``author-named-before``)."""
    if found.how != "none" or found.nearest or index.by_surname.get(surname_key(item.authors[0])):
        return None
    start = item.span.start
    window = text[max(0, start - SUBJECT_WINDOW) : start]
    clause = _CLAUSE_START.search(window)
    if clause is not None:
        window = window[clause.start() + 1 :]
    # (a name right after the year first: "... Ethik* (1969) de Arnold Gehlen", a title's last word taken for the name)
    return _by_named_author(text, citation_id, i, item, index, window)


def _by_named_author(text: str, citation_id: str, i: int, item: CitationItem, index: Index, window: str) -> Link | None:
    """The link to the one entry of the item's year whose first author is named right after it
    ("(1969) de Arnold Gehlen") or is a capitalised word of ``window``, the nearest first."""
    after = _AUTHOR_AFTER.match(text, item.span.end)
    names = [after.group(1).split()[-1]] if after is not None else []
    names += [word for word in reversed(_CAPITALISED.findall(window)) if index.by_surname.get(surname_key(word))]
    for name in names:
        named = _link_as(citation_id, i, item, (name,), index)
        if named is not None:
            return dataclasses.replace(named, how="author-named-before")
    return None


# "(1969) de Arnold Gehlen", "(1979), by Smith": the author named right after a year-only citation
_AUTHOR_AFTER = re.compile(r"\s*,?\s*(?:de|by|von|di|par|por)\s+((?:\p{Lu}[\p{L}\p{M}'’\-]+\s+){0,2}\p{Lu}[\p{L}\p{M}'’\-]+)")
YEAR_ONLY_WINDOW = 400  # characters back from a year-only citation to the author its sentence names
_SENTENCE_START = re.compile(r"(?:[.!?]\s+|\n)(?=[^.!?\n]*$)")


def _year_only(text: str, citation_id: str, i: int, item: CitationItem, index: Index) -> Link:
    """"(1987, p.19)" after a quotation or a statement whose author the sentence names ("Barthes
    ... ao afirmar que “...” (1987, p.19)."): the one entry of that year whose first author is a
    capitalised word of the sentence, the nearest first; a quotation's own words are skipped. A
    name right after it ("*Moral und Hypermoral* (1969) de Arnold Gehlen") is tried first."""
    start = item.span.start
    lo = max(0, start - YEAR_ONLY_WINDOW)
    window = text[lo:start]
    # the quotation just before the year, if any, is the cited author's text, not the sentence naming him
    closing = window.rstrip()
    if closing.endswith(("”", '"', "»")):
        opening = max(closing.rfind("“"), closing.rfind("«"), closing[:-1].rfind('"'))
        window = closing[:opening] if opening != -1 else ""
    sentence = _SENTENCE_START.search(window)
    if sentence is not None:
        window = window[sentence.end() :]
    return _by_named_author(text, citation_id, i, item, index, window) or Link(citation_id, i, (), "none")


def _with_name_before(text: str, citation_id: str, i: int, item: CitationItem, index: Index) -> Link | None:
    """The link of "Morais, Dias (1955)" for "MORAIS; DIAS 1955", where the grammar took only
    "Dias (1955)" (two names joined by a comma alone are too often a place and a name to read
    as authors): the name before the comma and the cited one are the entry's first two authors."""
    start = item.span.start
    m = _NAME_BEFORE.search(text, max(0, start - 40), start)
    if m is None:
        return None
    found = _link_as(citation_id, i, item, (m.group(1), *item.authors), index)
    if found is None:
        return None
    work = index.by_id[found.references[0]]
    works = work.parts or (work,)
    if not any(len(w.authors) >= 2 and surname_key(item.authors[0]) in surname_keys(w.authors[1].family) for w in works):
        return None
    return dataclasses.replace(found, how="exact")
