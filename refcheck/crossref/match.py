"""Is a Crossref record the printed reference, and where do the two disagree?

Three pure functions over a :class:`~refcheck.model.Reference` (what the manuscript prints)
and a :class:`~refcheck.model.Work` (what Crossref holds):

* :func:`signals`: does each of title, year, volume, first author and pages agree?
* :func:`validates`: is a search candidate the same work? (Crossref's own search-based
  matcher validation: at least three of those agree.)
* :func:`differences`: the fields where the printed reference disagrees with the record,
  staying quiet on what a careful editor treats as the same (case, markup, diacritics,
  particles, initials, journal abbreviations, truncated author lists, abbreviated page ends).

Surnames are compared only through :mod:`refcheck.names`. The thresholds below were
calibrated with ``benchmarks/matching.py`` (results in ``benchmarks/RESULTS.md``).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz import fuzz

from refcheck.model import Name, Reference, Work
from refcheck.names import fold, same_surname, surname_key

# Title similarity (0..1, see title_similarity) at or above which titles agree; below it a
# validated record's title is reported as different. JATS pairs: correctly parsed titles given
# one typo, a dropped subtitle, or other case and punctuation never fall below 0.88 (1st
# percentile 0.96); at 0.85, 22 of 29,279 titles of other works by the same first author or of
# the same year reach it (mostly the same work listed twice, or one part of a series).
TITLE_AGREES = 0.85
# Below this the titles are clearly different works and the candidate is rejected however
# many other signals agree. 99% of those other works' titles score under 0.58; the 7 of 2,392
# true pairs below 0.6 are parse errors ("Anon." or an author list read as the title). 0.7
# would lose one more true pair and reject 158 more of the other works (of 29,279).
TITLE_VETO = 0.6
# A title this close, with year and first author, validates a record that has neither volume
# nor pages (books, preprints, reports). 10 of the 29,279 other works reach it (duplicates,
# package versions, "Pros"/"Cons" pairs); 14 of 5,315 perturbed true titles fall below it.
TITLE_STRONG = 0.95
# A record holding only a title and a journal (an incomplete deposit) validates on a title at
# TITLE_STRONG in the same journal if the title has this many words: "Editorial", "Letter to
# the editor", "Book reviews" are no evidence. JATS journal pairs with the record cut to title
# and journal: recall 0.975 with no limit, 0.948 at 5 words, 0.916 at 6; the 4 false accepts
# (one work listed twice, a "Pros"/"Cons" pair) pass at any limit.
STRONG_TITLE_WORDS = 5
# Agreeing signals needed to accept a candidate (Crossref's matcher uses the same three), and
# disagreeing ones tolerated beside them (none when the titles cannot be compared). On the JATS
# pairs the bare "3 agree" rule has recall 0.914 and 14 false accepts among 29,323 hard
# negatives (34 when the printed title is missing); this one 0.913 with 8 (6); "nothing may
# disagree" 0.909 with 6.
MIN_AGREEING = 3
MAX_DISAGREEING = 1
# Years within this distance agree for validation (online-first vs print year). differences()
# still reports any year difference: it is the record's year, and the reader decides.
YEAR_TOLERANCE = 1
# Surname similarity (rapidfuzz ratio of the names.py keys, 0..1) at or above which two
# surnames are one name spelled differently. Every one-letter typo of the 6,572 surnames of 5+
# letters in the JATS lists reaches it (a substitution in five letters is exactly 0.8); 542 of
# 1.82 million pairs of distinct surnames of one list do (0.03%; 99.9th percentile 0.71).
SURNAME_SIMILAR = 0.8
# Similarity at or above which two journal names of 3+ significant words are the same despite a
# typo (shorter names must match word by word: Cancer/Cancers, Cell/Cells, Pharmaceutics/
# Pharmaceuticals are different journals). With the abbreviation test, Crossref's own
# container/short-container pairs in ../fixtures: 58 of 79 abbreviations recognised, none of
# 18,304 pairs of different journals taken for the same.
CONTAINER_SIMILAR = 0.9

_JOURNAL_TYPES = frozenset({None, "journal-article"})

# --------------------------------------------------------------------------------------
# Text normalisation

_TAG = re.compile(r"<[^<>]{0,200}>")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SUBTITLE = re.compile(r"\s*[:?!.]\s+|\s+[-–—]\s+")
_THOUSANDS = re.compile(r"(\d)[,\s](\d{3})\b")  # 50,185 / 50 185 (any space) -> 50185
_PARENTHESIS = re.compile(r"\s*[(\[][^()\[\]]*(?:[)\]]|$)")  # "(New York, NY)", "(Lond" unclosed


def _clean(text: str) -> str:
    """Record text as a reader sees it: ``"Ca<sup>2+</sup> &amp; <i>x</i>"`` -> ``"Ca2+ & x"``."""
    text = html.unescape(_TAG.sub("", text))
    return " ".join(_TAG.sub("", text).split())


@lru_cache(maxsize=1 << 14)
def _norm(text: str) -> str:
    """Lower-case ASCII words: ``"Stem Cell Research & Therapy."`` -> ``"stem cell research and therapy"``."""
    text = anyascii(_clean(text)).lower().replace("&", " and ")
    return _NON_ALNUM.sub(" ", _THOUSANDS.sub(r"\1\2", text)).strip()


def _ratio(a: str, b: str) -> float:
    return fuzz.ratio(a, b) / 100


def _heads(text: str) -> list[str]:
    """The title cut at each subtitle or sentence break, kept if 3+ words: ``"A b c: d. E"`` -> ``["a b c", "a b c d"]``."""
    out = []
    for m in _SUBTITLE.finditer(text):
        head = _norm(text[: m.start()])
        if len(head.split()) >= 3:
            out.append(head)
    return out


_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9", "x": "10"}


def _numbers(normed: str) -> set[str]:
    return {_ROMAN.get(w, w) for w in normed.split() if w.isdigit() or w in _ROMAN}


def title_similarity(printed: str | None, record: str | None) -> float | None:
    """0..1, ignoring case, markup and punctuation; None if either is missing.

    A title that is the other cut at a subtitle or sentence break scores as the other (a dropped
    subtitle, a record title carrying "R package version 1.1-7"). Titles numbering different
    parts (``Part I`` / ``Part 2``: each has a number the other lacks) score 0.

    >>> title_similarity("The SANT domain. A unique module", "The <i>SANT</i> Domain: A Unique Module")
    1.0
    """
    if not printed or not record:
        return None
    a, b = _norm(printed), _norm(record)
    if not a or not b:
        return None
    numbers_a, numbers_b = _numbers(a), _numbers(b)
    if numbers_a - numbers_b and numbers_b - numbers_a:
        return 0.0
    best = _ratio(a, b)
    for head in _heads(printed):
        best = max(best, _ratio(head, b))
    for head in _heads(_clean(record)):
        best = max(best, _ratio(a, head))
    return best


# --------------------------------------------------------------------------------------
# Names


def _initials(given: str) -> str:
    """``"Luis O."`` -> ``"L. O."``; ``"Hui-Lan"`` -> ``"H.-L."``."""
    words = [part for part in re.split(r"[\s.]+", given) if part]
    return " ".join("-".join(p[0] + "." for p in w.split("-") if p) for w in words)


def _printed(name: Name) -> str:
    return f"{name.family}, {name.given}" if name.given else name.family


def _recorded(name: Name) -> str:
    initials = _initials(name.given)
    return f"{name.family}, {initials}" if initials else name.family


def _parts(family: str) -> list[str]:
    return [fold(p) for p in re.split(r"[\s\-‐]+", family) if fold(p)]


def _dropped_part(printed: str, record: str) -> bool:
    """The printed surname is only the last part of the record's: ``Rio`` for ``Garcia-del Rio``."""
    p, r = _parts(printed), _parts(record)
    return 0 < len(p) < len(r) and r[-len(p):] == p


def _surname_similarity(a: str, b: str) -> float:
    return _ratio(surname_key(a), surname_key(b))


def _same(printed: Name, record: Name) -> bool:
    """Same surname for an editor: case, diacritics, particles, hyphens; or the record split
    a compound surname differently (``Abu Kasim`` printed, record family ``Kasim``); or the
    name was printed in the other order (``Wei Zhang`` for family ``Zhang``, given ``Wei``)."""
    if same_surname(printed.family, record.family) or _dropped_part(record.family, printed.family):
        return True
    return surname_key(printed.family) == fold(record.given) and printed.given[:1].lower() == record.family[:1].lower()


def _organisation(name: Name) -> bool:
    return not name.given and len(name.family.split()) > 1


# --------------------------------------------------------------------------------------
# Locators


_LOCATOR = re.compile(r"(?:pp?\.?|pages?)?\s*([a-z]{0,3}\d[\w.]*?)\.?(?:\s*[-‐‑‒–—―]+\s*([a-z]{0,3}\d\w*))?(?![\w-]|\.\w)")
_LETTERS_DIGITS = re.compile(r"([a-z]*)(\d+)")


def _page_range(page: str | None) -> tuple[str, str | None] | None:
    """``"250–61"`` -> ``("250", "261")``; ``"S233"`` -> ``("s233", None)``; ``"pp. 3-3"`` -> ``("3", None)``.

    Only the leading locator counts: ``"2095-2097. doi:10.1371/x"`` is ``("2095", "2097")``.
    """
    m = _LOCATOR.match((page or "").strip().lower())
    if not m:
        return None
    first, last = m.group(1), m.group(2)
    m1, m2 = _LETTERS_DIGITS.fullmatch(first), _LETTERS_DIGITS.fullmatch(last or "")
    if m1 and m2:  # expand an abbreviated end page: 250-61 -> 261, S233-245 -> s245
        start, end = m1.group(2), m2.group(2)
        if len(end) < len(start):
            end = start[: len(start) - len(end)] + end
        last = (m2.group(1) or m1.group(1)) + end
    return first, (last if last and last != first else None)


def _volume(value: str | None) -> str | None:
    text = re.sub(r"^vol(?:ume)?\.?\s*", "", (value or "").strip().lower())
    return text.replace(" ", "") or None


def _issue_tokens(value: str | None) -> frozenset[str]:
    """``"Suppl 3"`` and ``"S3"`` -> {"s3"}; ``"1-2"`` -> {"1", "2"}; ``"Pt 2"`` -> {"2"}."""
    text = re.sub(r"\bsup(?:p|pl|plement)?\b\.?\s*", "s", (value or "").lower())
    text = re.sub(r"\b(?:no|pt|part|issue)\b\.?", " ", text)
    return frozenset(re.findall(r"[a-z]*\d+[a-z]*|[a-z]+", text))


# --------------------------------------------------------------------------------------
# Containers

_STOP = frozenset("the of and for in on a an at to de des du la le les der die das und fur et e y i di da do del della dell d l".split())


def _container_words(name: str) -> tuple[str, ...]:
    return tuple(w for w in _norm(_PARENTHESIS.sub("", name)).split() if w not in _STOP)


def _abbreviates(short: str, word: str) -> bool:
    """``J``/``Journal``, ``Biol``/``Biology``: a prefix; ``Natl``/``National``: a short
    contraction (ISO 4) keeping the first and last letters and the order of the others."""
    if word.startswith(short) and (len(word) - len(short) >= 2 or word == short):  # Cell is not Cells
        return True
    if not 2 <= len(short) <= 5 or short[0] != word[0] or short[-1] != word[-1]:
        return False
    letters = iter(word)
    return all(ch in letters for ch in short)


def _abbreviation_of(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """Every word of ``short`` abbreviates the next word of ``full`` (or is the acronym of the
    next few), and no word of ``full`` is left over: ``J Struct Biol`` / ``Journal Structural
    Biology``, ``JCO`` / ``Journal Clinical Oncology``, but not ``Cell`` / ``Cell Reports``."""
    if not short or not full:
        return short == full
    head, rest = short[0], short[1:]
    if _abbreviates(head, full[0]) and _abbreviation_of(rest, full[1:]):
        return True
    for k in range(2, min(len(head), len(full)) + 1):
        if head == "".join(w[0] for w in full[:k]) and _abbreviation_of(rest, full[k:]):
            return True
    return False


def _variants(name: str) -> set[tuple[str, ...]]:
    """The name's words, and those before a subtitle (``... Part B: Neuropsychiatric Genetics``,
    ``Revista Digital de Ensino de Filosofia - REFilo``)."""
    return {_container_words(name), _container_words(re.split(r":| - ", name, maxsplit=1)[0])} - {()}


@lru_cache(maxsize=1 << 12)
def same_container(printed: str, record: str) -> bool:
    """Whether two journal names are one journal: case, ``&``/``and``, ISO 4 abbreviations.

    >>> same_container("J Struct Biol", "Journal of Structural Biology")
    True
    """
    if _norm(printed).replace(" ", "") == _norm(record).replace(" ", ""):  # IUCrData / IUCr Data
        return True
    a, b = _container_words(printed), _container_words(record)
    if min(len(a), len(b)) >= 3 and _ratio(" ".join(a), " ".join(b)) >= CONTAINER_SIMILAR:  # a typo in a long name
        return True
    for a in _variants(printed):
        for b in _variants(record):
            if "".join(a) == "".join(b):
                return True
            # ISO 4 never abbreviates a one-word title: Cancer is not Cancers, Genes not Genesis
            if (len(b) > 1 and _abbreviation_of(a, b)) or (len(a) > 1 and _abbreviation_of(b, a)):
                return True
    return False


# --------------------------------------------------------------------------------------
# Signals and validation


def _year(value: str | None) -> int | None:
    digits = (value or "")[:4]
    return int(digits) if digits.isdigit() else None


def _author_signal(ref: Reference, work: Work) -> bool | None:
    if not ref.authors or not work.authors or not ref.authors[0].family or not work.authors[0].family:
        return None
    printed, record = ref.authors[0], work.authors[0]
    if _same(printed, record) or _dropped_part(printed.family, record.family):
        return True
    return _surname_similarity(printed.family, record.family) >= SURNAME_SIMILAR


def _pages_signal(ref: Reference, work: Work) -> bool | None:
    def locators(page: str | None, article: str | None) -> set[str]:
        found = {article.strip().lower()} if article and article.strip() else set()
        pages = _page_range(page)
        return found | {pages[0]} if pages else found

    printed, record = locators(ref.page, ref.article_number), locators(work.page, work.article_number)
    return bool(printed & record) if printed and record else None


def signals(ref: Reference, work: Work) -> dict[str, bool | None]:
    """Whether each of title, year, volume, first author and pages agrees (None: a side lacks it).

    >>> ref = Reference("r1", None, "", authors=(Name("Baldwin", "PR"),), year="2007",
    ...                 title="The transform class in SPARX and EMAN2", volume="157", page="250–61")
    >>> work = Work("10.1016/j.jsb.2006.07.012", title="The Transform Class in SPARX and EMAN2",
    ...             authors=(Name("Baldwin", "Philip R."),), year="2007", volume="157", page="250-261")
    >>> signals(ref, work)
    {'title': True, 'year': True, 'volume': True, 'author': True, 'pages': True}
    """
    title = title_similarity(ref.title, work.title)
    years = (ref.year_number, _year(work.year))
    volumes = (_volume(ref.volume), _volume(work.volume))
    return {
        "title": None if title is None else title >= TITLE_AGREES,
        "year": None if None in years else abs(years[0] - years[1]) <= YEAR_TOLERANCE,
        "volume": None if None in volumes else volumes[0] == volumes[1],
        "author": _author_signal(ref, work),
        "pages": _pages_signal(ref, work),
    }


def validates(ref: Reference, work: Work) -> bool:
    """Whether a search candidate is the printed work.

    At least MIN_AGREEING signals agree, at most MAX_DISAGREEING disagrees (none when the titles
    cannot be compared), and neither the title (below TITLE_VETO) nor the first author clearly
    disagrees. Or a title at TITLE_STRONG or closer, nothing disagreeing, with the year and the
    first author when the record has neither volume nor pages (books, preprints), or in the
    same journal when the record has nothing else to compare (an incomplete deposit) and the
    title has STRONG_TITLE_WORDS words or more.

    >>> ref = Reference("r1", None, "", authors=(Name("Smith", "J."),), year="2019", title="A study of things")
    >>> validates(ref, Work("10.1/x", title="A Study of Things", authors=(Name("Smith", "John"),), year="2019"))
    True
    """
    found = signals(ref, work)
    similarity = title_similarity(ref.title, work.title)
    if found["author"] is False or (similarity is not None and similarity < TITLE_VETO):
        return False
    agreeing = sum(value is True for value in found.values())
    disagreeing = sum(value is False for value in found.values())
    if agreeing >= MIN_AGREEING and disagreeing <= (MAX_DISAGREEING if similarity is not None else 0):
        return True
    if similarity is None or similarity < TITLE_STRONG or disagreeing:
        return False
    if found["year"] and found["author"] and found["volume"] is None and found["pages"] is None:
        return True
    return (
        all(found[name] is None for name in ("year", "author", "volume", "pages"))
        and len(_norm(ref.title or "").split()) >= STRONG_TITLE_WORDS
        and bool(ref.container_title and work.container_title)
        and same_container(ref.container_title, _clean(work.container_title))
    )


# --------------------------------------------------------------------------------------
# Differences


def _first_author(ref: Reference, work: Work) -> list[tuple[str, str, str]]:
    if not ref.authors or not work.authors:
        return []
    printed, record = ref.authors[0], work.authors[0]
    if not printed.family or _organisation(printed) or _organisation(record) or _same(printed, record):
        return []
    return [("author", _printed(printed), _recorded(record))]


def _later_authors(ref: Reference, work: Work) -> list[tuple[str, str, str]]:
    """Later printed surnames that are a misspelling (or a truncation) of the record's name at
    the same position; a name found anywhere in the record's list is not compared further, and
    the last printed name of a truncated list (``..., & Landin, M.``) may be the record's last."""
    out = []
    last = len(ref.authors) - 1
    for i, printed in enumerate(ref.authors[1:], start=1):
        if not printed.family or _organisation(printed) or any(_same(printed, r) for r in work.authors):
            continue
        candidates = work.authors[i : i + 1] + (work.authors[-1:] if ref.authors_truncated and i == last else ())
        for record in candidates:
            if _dropped_part(printed.family, record.family) or _surname_similarity(printed.family, record.family) >= SURNAME_SIMILAR:
                out.append(("author-spelling", _printed(printed), _recorded(record)))
                break
    return out


def _locator(ref: Reference, work: Work) -> list[tuple[str, str, str]]:
    """Pages vs pages, or pages vs article number: at most one difference."""
    printed, record = _page_range(ref.page), _page_range(work.page)
    article = (work.article_number or "").strip()
    if printed and record:
        p_first, p_last = printed
        r_first, r_last = record
        if article and p_first == article.lower() and not p_last:
            return []
        if p_first != r_first or (r_last and p_last != r_last):  # a start page alone for a range differs
            return [("page", ref.page, work.page)]
        return []
    if printed and article:
        if printed[1]:  # "1-19" printed for an article number
            return [("page", ref.page, f"article {article}")]
        return [] if printed[0] == article.lower() else [("article-number", ref.page, article)]
    if ref.article_number and article:
        same = ref.article_number.strip().lower() == article.lower()
        return [] if same else [("article-number", ref.article_number, article)]
    if ref.article_number and record and ref.article_number.strip().lower() != record[0]:
        return [("page", f"article {ref.article_number}", work.page)]
    return []


# a locator left in the printed journal name: "Pain medicine, 12 Suppl", "Cochrane Database Syst Rev(2)"
_LOCATOR_TAIL = re.compile(r"[\s,;:(]+(?:\d+(?!\w)|suppl\b|in press\b).*$", re.I)


def _container(ref: Reference, work: Work) -> list[tuple[str, str, str]]:
    if not ref.container_title or not work.container_title or work.type not in _JOURNAL_TYPES:
        return []
    printed = {ref.container_title, _LOCATOR_TAIL.sub("", ref.container_title)} - {""}
    titles = {_clean(title) for title in (work.container_title, *work.container_titles) if title}
    if any(same_container(name, title) for name in printed for title in titles):
        return []
    return [("container", ref.container_title, _clean(work.container_title))]


def differences(ref: Reference, work: Work) -> tuple[tuple[str, str, str], ...]:
    """(field, printed, record) for each field where the reference disagrees with the record.

    Fields, in this order: ``year``, ``author`` (first surname), ``author-spelling`` (a later
    surname), ``title``, ``container``, ``volume``, ``issue``, ``page``, ``article-number``. A
    field missing on either side is never a difference; any year difference is one (the
    record's year, even when the printed year is the online year one off).

    >>> ref = Reference("r24", None, "", authors=(Name("Lee", "S."),), year="2021", page="3342")
    >>> differences(ref, Work("10.3748/wjg.v27.i23.3342", authors=(Name("Lee", "Seunghun"),), year="2021", page="3342-3356"))
    (('page', '3342', '3342-3356'),)
    """
    out: list[tuple[str, str, str]] = []
    if ref.year_number and _year(work.year) and ref.year_number != _year(work.year):
        out.append(("year", ref.year or "", work.year or ""))
    out += _first_author(ref, work)
    out += _later_authors(ref, work)
    similarity = title_similarity(ref.title, work.title)
    if similarity is not None and similarity < TITLE_AGREES:
        out.append(("title", ref.title or "", _clean(work.title or "")))
    out += _container(ref, work)
    volumes = (_volume(ref.volume), _volume(work.volume))
    if None not in volumes and volumes[0] != volumes[1]:
        out.append(("volume", ref.volume or "", work.volume or ""))
    issues = (_issue_tokens(ref.issue), _issue_tokens(work.issue))
    if all(issues) and not issues[0] & issues[1]:
        out.append(("issue", ref.issue or "", work.issue or ""))
    out += _locator(ref, work)
    return tuple(out)
