"""RC8xx: the citing sentence against the cited work.

The comparison is plain data work, no model: the words of the clause a citation closes (or, for
a narrative citation, opens) and the words of the cited title are reduced to content tokens
(case, plural, hyphens, "media/medium", abbreviations the text defines), multi-word terms from
``refcheck.rules.terms`` become one token, and a contradiction is an aligned run of at least
``CONTEXT`` equal tokens around one slot where the two texts hold sibling terms: two words of one
group of terms and of different classes ("adipose" / "amniotic"). ``clause()`` and ``compare()``
are the pure core that the benchmark (benchmarks/context.py) also runs on gold-linked citations.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

import regex

from refcheck.model import Contrast, Link, Problem, Severity
from refcheck.rule import Context, entry, rule
from refcheck.rules.terms import KINDS, NEGATIONS, REVERSALS, UNITS

CONTEXT = 3  # equal content tokens around the slot, both sides together
QUOTE = 3  # content tokens quoted on each side of the slot
CLAUSE_CHARS = 600  # a clause is read this far from its citation at most (a table or a list has no full stops)

STOPWORDS = frozenset(
    "a an the of in on at to for with by from and or as is are was were be been being that this these those "
    "which who whom whose its it their our we they his her into via using through between among under after "
    "before during about also has have had can may might could would should will do does did such both each "
    "other there here how what when where whether while within upon per all any some most more less "
    "than then thus however hence therefore".split()
)
_IRREGULAR = {"mice": "mouse", "media": "medium", "children": "child", "women": "woman", "men": "man",
              "analyses": "analysis", "teeth": "tooth", "feet": "foot", "geese": "goose", "data": "data",
              "species": "species", "series": "series", "lice": "louse"}
_DERIVED = {"reduction": "reduce", "elevation": "elevate", "deficient": "deficiency"}


@lru_cache(maxsize=1 << 16)
def singular(word: str) -> str:
    """``cells`` -> ``cell``, ``studies`` -> ``study``, ``mice`` -> ``mouse``; other words unchanged."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ous")):
        return word[:-1]
    return word


def _forms(term: str) -> set[str]:
    """A verb's inflections: ``inhibit`` -> inhibits, inhibited, inhibiting, inhibition, inhibitor;
    ``suppress`` -> suppresses; ``up-regulate`` -> up-regulated, up-regulation (the last word inflected)."""
    head, _, last = term.rpartition(" ") if " " in term else term.rpartition("-")
    joint = term[len(head) : len(term) - len(last)] if head else ""
    if not last.isalpha():
        return {term}
    stem = last[:-1] if last.endswith("e") else last
    plural = last + "es" if last.endswith(("s", "sh", "ch", "x")) else last + "s"
    out = {plural, stem + "ed", stem + "ing", stem + "ion", stem + "ions", last + "ment", last + "ments", stem + "or", stem + "ors", last}
    if last.endswith("e"):
        out.add(last + "d")
    return {head + joint + form for form in out}


_WORD = regex.compile(r"[\p{L}\p{N}µμ°%][\p{L}\p{N}'’µμ]*")


def _words(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end), possessive dropped: the tokenizer shared by terms and texts."""
    out = []
    for m in _WORD.finditer(text):
        word = m.group().casefold().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        word = word.strip("'")
        if word:
            out.append((word, m.start(), m.end()))
    return out


@cache
def _lexicon() -> tuple[dict[tuple[str, ...], tuple[str, str, int]], int]:
    """Term (as a tuple of singular words) -> (kind, group id, class), and the longest term's length."""
    lexicon: dict[tuple[str, ...], tuple[str, str, int]] = {}
    for kind, groups in KINDS.items():
        for g, group in enumerate(groups):
            for c, members in enumerate(group):
                for member in members:
                    for form in _forms(member) if kind == "direction" else {member}:
                        words = tuple(singular(w) for w, _, _ in _words(form.replace("-", " ").replace(".", " ")))
                        lexicon.setdefault(words, (kind, f"{kind}/{g}", c))
    for derived, base in _DERIVED.items():
        words = (singular(base),)
        if words in lexicon:
            lexicon.setdefault((derived,), lexicon[words])
    return lexicon, max(len(k) for k in lexicon)


@cache
def _first_words() -> dict[str, int]:
    """A term's first word -> the length of the longest term it starts: only these words are looked up."""
    out: dict[str, int] = {}
    for key in _lexicon()[0]:
        out[key[0]] = max(out.get(key[0], 0), len(key))
    return out


_DIGIT = regex.compile(r"\d")
_UNIT_ALT = "|".join(regex.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_QUANTITY = regex.compile(rf"(?<![\p{{L}}\p{{N}}.,])(\d+(?:[.,]\d+)?)(?:[ \t\u00a0]*|-)({_UNIT_ALT})s?(?![\p{{L}}\p{{N}}])", regex.I)


@dataclass(frozen=True, slots=True)
class Token:
    norm: str  # what is compared: the singular word, or a term's group and class, or a quantity
    start: int  # offsets into the text the token was read from
    end: int
    group: str = ""  # a term's group ("organism/0"), or "quantity/<unit>"
    kind: str = ""


def tokens(text: str, start: int = 0, end: int | None = None, abbreviations: dict[str, tuple[str, ...]] | None = None) -> list[Token]:
    """The content tokens of ``text[start:end]``, terms and quantities as one token each."""
    end = len(text) if end is None else end
    lexicon, first = _lexicon()[0], _first_words()
    piece = text[start:end]
    out: list[Token] = []
    quantities = [(m.start(), m.end(), m) for m in _QUANTITY.finditer(piece)] if _DIGIT.search(piece) else []
    words = _words(piece)
    sing = [singular(w) for w, _, _ in words]
    i = q = 0
    while i < len(words):
        word, ws, we = words[i]
        if q < len(quantities) and quantities[q][0] <= ws:
            qs, qe, m = quantities[q]
            q += 1
            if qs == ws:
                unit = UNITS[m.group(2).casefold()]
                value = m.group(1).replace(",", ".")
                out.append(Token(f"quantity/{unit}:{value}", start + qs, start + qe, f"quantity/{unit}", "number with unit"))
                while i < len(words) and words[i][1] < qe:
                    i += 1
                continue
        for n in range(min(first.get(sing[i], 0), len(words) - i), 0, -1):
            key = tuple(sing[i : i + n])
            hit = lexicon.get(key)
            if hit is not None and (n > 1 or key[0] not in STOPWORDS):
                kind, group, cls = hit
                out.append(Token(f"{group}:{cls}", start + ws, start + words[i + n - 1][2], group, kind))
                i += n
                break
        else:
            i += 1
            if word in STOPWORDS or word in NEGATIONS or word.isdigit() and len(word) < 2:
                continue
            expansion = abbreviations.get(word.removesuffix("s")) if abbreviations else None
            if expansion and not (piece[ws - 1 : ws] == "(" and piece[we : we + 1] in (")", "-", ";", ",")):
                out += [Token(norm, start + ws, start + we, *_group_of(norm)) for norm in expansion]
                continue
            out.append(Token(sing[i - 1], start + ws, start + we))
    return out


def _group_of(norm: str) -> tuple[str, str]:
    """A term's (group, kind) from its norm ("organism/0:2" -> "organism/0", "organism"), else empty."""
    if "/" in norm and ":" in norm:
        group = norm.rsplit(":", 1)[0]
        return group, group.split("/", 1)[0]
    return "", ""


_DEFINITION = regex.compile(r"\(([\p{L}][\p{L}\p{N}]*\p{Lu}[\p{L}\p{N}]*(?:-[\p{L}\p{N}]+)*)[);,]")


def abbreviations(text: str) -> dict[str, tuple[str, ...]]:
    """Abbreviations the text defines, folded, with the normalized words they stand for:
    "human adipose mesenchymal stem cells conditioned media (hAMSCs-CM)" defines ``hamscs-cm``,
    ``hamsc`` and ``cm``. An abbreviation is kept only when its letters are the initials of the
    words before it; one defined two ways is dropped."""
    out: dict[str, tuple[str, ...]] = {}
    dropped: set[str] = set()
    for m in _DEFINITION.finditer(text):
        abbr = m.group(1)
        parts = [regex.sub(r"(?<=\p{Lu})s$", "", p) for p in abbr.split("-")]
        letters = "".join(p.casefold() for p in parts)
        if not 2 <= len(letters) <= 10 or not letters.isalpha():
            continue
        before = _words(text[max(0, m.start() - 160) : m.start()])[-len(letters) - 2 :]
        words = [(w, s) for w, s, _ in before for w in regex.split(r"-", w) if w]
        for n in range(len(letters), 0, -1):  # the shortest run of words whose initials spell the letters
            if n > len(words):
                continue
            run = [w for w, _ in words[-n:]]
            if "".join(w[0] for w in run) == letters or "".join(w[0] for w in run if w not in STOPWORDS) == letters:
                content = [w for w in run if w not in STOPWORDS]
                norms = tuple(t.norm for t in tokens(" ".join(content)))
                at = 0
                found = {"-".join(parts).casefold(): norms}
                if len(parts) > 1 and len(content) == len(letters):
                    for part in parts:
                        found[part.casefold()] = tuple(t.norm for t in tokens(" ".join(content[at : at + len(part)])))
                        at += len(part)
                for key, value in found.items():
                    if out.get(key, value) != value:
                        dropped.add(key)
                    out[key] = value
                break
    for key in dropped:
        out.pop(key, None)
    return out


def _bounds(run: list[Token], at: int, left: int, right: int) -> tuple[int, int]:
    first, last = run[at - min(left, QUOTE)], run[at + min(right, QUOTE)]
    return first.start, last.end


def contrast(said: list[Token], cited: list[Token], known: frozenset[str] = frozenset()) -> tuple[int, int, int, int] | None:
    """The best slot where ``said`` and ``cited`` hold sibling terms inside an aligned run:
    (index in said, index in cited, equal tokens left, equal tokens right), or None.

    Quiet when either text also names the other's term (a sentence "in mice and rats", a title
    "in vitro and in vivo"): then the two are compared, not confused; and when the sentence's term
    is ``known`` to the cited work otherwise (its abstract names it)."""
    by_group: dict[str, list[int]] = {}
    for j, t in enumerate(cited):
        if t.group:
            by_group.setdefault(t.group, []).append(j)
    said_norms = {t.norm for t in said}
    cited_norms = {t.norm for t in cited}
    best = None
    for i, s in enumerate(said):
        if not s.group or s.group not in by_group or s.norm in cited_norms or s.norm in known:
            continue
        for j in by_group[s.group]:
            c = cited[j]
            if c.norm == s.norm or c.norm in said_norms:
                continue
            left = 0
            while i - left > 0 and j - left > 0 and said[i - left - 1].norm == cited[j - left - 1].norm:
                left += 1
            right = 0
            while i + right + 1 < len(said) and j + right + 1 < len(cited) and said[i + right + 1].norm == cited[j + right + 1].norm:
                right += 1
            if s.kind == "direction" and not (left and right):
                continue  # who acts on what: a direction needs the agent and the target to agree
            if left + right >= CONTEXT and (best is None or left + right > best[2] + best[3]):
                best = (i, j, left, right)
    return best


_NEGATION_WORD = regex.compile(r"(?<!\p{L})(?:" + "|".join(sorted(NEGATIONS, key=len, reverse=True)) + r"|\p{L}+n't)(?!\p{L})", regex.I)


_REVERSAL = regex.compile(r"(?<!\p{L})(?:" + "|".join(REVERSALS) + r")\p{L}*", regex.I)


def compare(text: str, start: int, end: int, title: str, defined: dict[str, tuple[str, ...]] | None = None,
            cited: list[Token] | None = None, known: frozenset[str] = frozenset()) -> tuple[Contrast, int, int] | None:
    """The contradiction, if any, between the words of ``text[start:end]`` (a citing clause) and
    ``title``: the two phrases quoted with the differing words marked, and where the sentence's
    phrase is in ``text``. ``cited`` is the title's tokens, when the caller keeps them; ``known``
    the terms the cited work names elsewhere (in its title or abstract)."""
    cited = tokens(title) if cited is None else cited
    if len(cited) <= CONTEXT or not any(t.group for t in cited):
        return None
    said = tokens(text, start, end, defined)
    found = contrast(said, cited, known) if len(said) > CONTEXT else None
    if found is None:
        return None
    i, j, left, right = found
    s_start, s_end = _bounds(said, i, left, right)
    run_start = said[i - left].start
    # a negation or a comparison in the phrase, or in the few words before it, turns it around
    if _NEGATION_WORD.search(text, max(start, run_start - 30), said[i + right].end):
        return None
    if said[i].kind == "direction" and _REVERSAL.search(text, start, said[i].start):
        return None
    c_start, c_end = _bounds(cited, j, left, right)
    slot, other = said[i], cited[j]
    return (Contrast(" ".join(text[s_start:s_end].split()), " ".join(title[c_start:c_end].split()),
                     (_mark(text, s_start, slot),), (_mark(title, c_start, other),)), s_start, s_end)


def _mark(text: str, start: int, token: Token) -> tuple[int, int]:
    """The token's place in the phrase quoted from ``start`` with whitespace collapsed."""
    prefix = " ".join(text[start : token.start].split())
    gap = 1 if prefix and text[token.start - 1].isspace() else 0
    word = " ".join(text[token.start : token.end].split())
    return len(prefix) + gap, len(prefix) + gap + len(word)


# --- finding the citing clause -------------------------------------------------------------------

# (stdlib re: twice as fast here as regex; "[^\W_a-z]" is a capital letter or a digit, or a non-ASCII letter)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]*_]*\s+(?=[\"'“‘(\[*_]*[^\W_a-z])|\n[ \t]*\n|\n(?=[ \t]*(?:#|\||[-*+] |\d+\. ))")
_NOT_AN_END = frozenset("al e.g i.e fig figs vs cf eq eqs ref refs no dr st approx ca sp spp var resp ed eds vol pp etc".split())
_LONG_ABBREVIATIONS = frozenset({"figs", "refs", "resp", "prox"})  # the last four letters of those with four or more


def _is_end(text: str, at: int) -> bool:
    """Whether the stop a ``_SENTENCE_END`` match starts at ends a sentence: not "et al.", "e.g.", an initial."""
    tail = text[at - 4 : at]
    if text[at] != "." or tail.isalpha() and tail.islower() and tail not in _LONG_ABBREVIATIONS:
        return True  # "!", "?", a blank line; or a full stop after a long lower-case word
    word = (text[max(0, at - 8) : at].rsplit(None, 1)[-1:] or [""])[0].lstrip("([*_\"'")
    return not (word.casefold() in _NOT_AN_END or len(word) == 1 and word.isupper())


def sentence_ends(text: str, blocks: list[int] = (), stop: int | None = None) -> list[int]:
    """Offsets where sentences end (before ``stop``): a full stop before a capital (not after
    "et al." or an initial), a blank line, a heading or list item, a block end of the markup."""
    ends = [m.start() + 1 for m in _SENTENCE_END.finditer(text, 0, len(text) if stop is None else stop) if _is_end(text, m.start())]
    return sorted({*ends, *blocks}) if blocks else ends


def clause(text: str, spans: list[tuple[int, int]], k: int, narrative: bool, blocks: list[int] = ()) -> tuple[int, int]:
    """The text a citation (``spans[k]``, the citations sorted by start) speaks for: from the sentence's
    start or the previous citation up to it, or for a narrative citation ("Tan et al. (2021)
    reported that ...") from it to the next citation or the sentence's end; at most
    ``CLAUSE_CHARS`` long. Sentence ends are looked for only there (a long text has many)."""
    start, end = spans[k]
    if narrative:
        hi = min(spans[k + 1][0] if k + 1 < len(spans) else len(text), end + CLAUSE_CHARS)
        b = bisect.bisect_right(blocks, end)
        if b < len(blocks):
            hi = min(hi, blocks[b])
        stop = next((m.start() + 1 for m in _SENTENCE_END.finditer(text, end, hi) if _is_end(text, m.start())), hi)
        return end, stop
    lo = max(spans[k - 1][1] if k else 0, start - CLAUSE_CHARS)
    b = bisect.bisect_right(blocks, start)
    if b:
        lo = max(lo, blocks[b - 1])
    for m in _SENTENCE_END.finditer(text, lo, start):
        if _is_end(text, m.start()):
            lo = m.start() + 1
    return lo, start


# --- the rule ------------------------------------------------------------------------------------


def _plain(ctx: Context) -> tuple[str, list[int]]:
    """The manuscript's text with markup and citations blanked (same offsets), and where blocks end.
    Without markup the text is used as it is: a clause never reaches into a citation."""
    source = ctx.manuscript.source
    text = source.text
    if not source.markup:
        return text, []
    blocks = [a for a, _, shown in source.markup if shown == "\n"]
    ranges = sorted([(a, b) for a, b, _ in source.markup]
                    + [(c.span.start, c.span.end) for c in ctx.manuscript.citations if c.span.path == source.path])
    pieces, at = [], 0
    for a, b in ranges:
        if b <= at:
            continue
        a = max(a, at)
        pieces += [text[at:a], " " * (b - a)]
        at = b
    pieces.append(text[at:])
    return "".join(pieces), blocks


def _titles(ctx: Context) -> dict[str, list[tuple[str, str]]]:
    """Work id -> (text, what it is): the entry's printed title ("title"), its Crossref record's
    title when that differs ("record"), and each sentence of the record's abstract ("abstract")."""
    out: dict[str, list[tuple[str, str]]] = {}
    for work_id, (_, work) in ctx.works.items():
        if work.title and len(work.title) >= 20:
            out.setdefault(work_id, []).append((work.title, "title"))
    for match in ctx.manuscript.matches:
        record = match.work
        if match.status not in ("verified", "mismatch") or record is None or match.reference not in ctx.works:
            continue
        title = record.title
        if title and all(" ".join(title.split()).casefold() != " ".join(t.split()).casefold() for t, _ in out.get(match.reference, ())):
            out.setdefault(match.reference, []).append((title, "record"))
        if record.abstract:
            ends = [0, *sentence_ends(record.abstract), len(record.abstract)]
            for a, b in zip(ends, ends[1:]):
                sentence = record.abstract[a:b].strip()
                if len(sentence) >= 20:
                    out.setdefault(match.reference, []).append((sentence, "abstract"))
    return out


def _single_work_citations(ctx: Context, wanted: set[str] | dict | None = None):
    """The manuscript's citations in its own file, sorted, their spans, and (index, citation, link)
    for each that names exactly one work (one of ``wanted``, if given)."""
    path = ctx.manuscript.source.path
    citations = [c for c in ctx.manuscript.citations if c.span.path == path]
    spans = [(c.span.start, c.span.end) for c in citations]
    if any(a[0] > b[0] for a, b in zip(spans, spans[1:])):  # readers give them in order; a project may not
        citations.sort(key=lambda c: c.span.start)
        spans = [(c.span.start, c.span.end) for c in citations]
    one: dict[str, Link] = {}
    several: set[str] = set()  # several works (or none, or an unwanted one): which the words describe is not known
    for link in ctx.manuscript.links:
        if link.citation in one or len(link.references) != 1 or (wanted is not None and link.references[0] not in wanted):
            several.add(link.citation)
        else:
            one[link.citation] = link
    single = [(k, c, one[c.id]) for k, c in enumerate(citations) if c.id in one and c.id not in several]
    return spans, single


def citing_clauses(ctx: Context, wanted: set[str] | dict | None = None) -> Iterator[tuple]:
    """(text, link, item, work id, clause start, clause end) for each citation item that is the only
    work of its citation (and one of ``wanted``, if given), with the text it speaks for; ``text``
    is the manuscript's with markup blanked."""
    spans, single = _single_work_citations(ctx, wanted)
    if not single:
        return
    text, blocks = _plain(ctx)
    for k, citation, link in single:
        start, end = clause(text, spans, k, citation.narrative, blocks)
        yield text, link, ctx.item(link), link.references[0], start, end


@rule("RC801", "citation-context", Severity.INFO)
def citation_context(ctx: Context):
    """The sentence citing a work says what the work's title says.

    Why it matters: a citation can be well formed, linked and verified and still cite the wrong
    work, or describe it wrongly: a sentence that repeats the cited title's phrase but with one
    specific term replaced by another of the same kind (a tissue, an organism, a population, in
    vitro / in vivo, type 1 / type 2, increases / decreases, a study design, a number with its
    unit) is either a slip or a citation of the wrong paper. Reported only when the two phrases
    agree in at least three other content words around the term, the citation names one work,
    and the sentence neither negates the phrase nor names both terms. The title is the entry's
    (or the .bib entry's), and the Crossref record's when Crossref was consulted.

    Example: "Tan et al., (2021) reported that human adipose mesenchymal stem cells conditioned
    media ..." citing "Human amniotic mesenchymal stem cells-conditioned medium protects mice
    from high-fat diet-induced obesity".

    Fix: check which work the sentence means and what it reports; correct the term or the citation.
    """
    prepared: dict[str, tuple[str, ...] | None] = {}
    cited_tokens: dict[str, list[Token]] = {}
    titles: dict[str, list[tuple[str, str]]] = {}
    known: dict[str, frozenset[str]] = {}  # a work read in several texts (title, abstract): every term it names
    for work_id, found in _titles(ctx).items():  # only texts that name a term of some kind can be contradicted
        for title, source in found:
            if title not in prepared:
                prepared[title] = _prepare(title)
            if prepared[title] is not None:
                titles.setdefault(work_id, []).append((title, source))
        if len(found) > 1 and work_id in titles:
            known[work_id] = frozenset(t.norm for text, _ in found for t in tokens(text) if t.group)
    if not titles:
        return
    spans, single = _single_work_citations(ctx, titles)
    if not single:
        return
    text, blocks = _plain(ctx)
    defined = None
    reported: set[tuple] = set()
    references, works = ctx.references, ctx.works
    for k, citation, link in single:
        work_id = link.references[0]
        keysets = [prepared[title] for title, _ in titles[work_id]]
        # a quick look before finding the clause: the most it can be shares too few words with every text
        at, to = spans[k]
        window = (text[to : to + CLAUSE_CHARS] if citation.narrative else text[max(0, at - CLAUSE_CHARS) : at]).casefold()
        if all(sum(1 for key in keys if key in window) < 2 for keys in keysets):
            continue
        start, end = clause(text, spans, k, citation.narrative, blocks)
        if end - start < 15:
            continue
        if defined is None:
            defined = abbreviations(text[: spans[-1][1] + CLAUSE_CHARS])  # the body: definitions precede their uses
        item = ctx.item(link)
        folded = text[start:end].casefold()
        for title, source in titles[work_id]:
            if sum(1 for key in prepared[title] if key in folded) < 2:
                continue  # the clause shares too few words with the text (before tokenizing; an abbreviation
                # the clause uses instead of the title's words rarely stands alone)
            if title not in cited_tokens:
                cited_tokens[title] = tokens(title)
            compared = compare(text, start, end, title, defined, cited_tokens[title], known.get(work_id, frozenset()))
            if compared is None or (work_id, compared[0].said) in reported:
                continue
            found, s, e = compared
            reported.add((work_id, found.said))
            ref = references.get(work_id) or works[work_id][0]
            label = item.text if item.authors or item.key else f"[{link.number}]" if link.number is not None else item.text
            whose = {"title": "the cited title", "record": "the title of its Crossref record",
                     "abstract": "the abstract of its Crossref record"}[source]
            yield Problem(ctx.manuscript.source.span(s, e), f'{label}: the sentence says "{found.said}", {whose} says "{found.cited}" ({entry(ref)})',
                          contrast=Contrast(found.said, found.cited, found.said_marks, found.cited_marks, source))
            break


def _prepare(title: str) -> tuple[str, ...] | None:
    """The first four letters of a title's content words (for the quick look), or None when
    nothing in it can be a term: most titles are never tokenized."""
    words = [singular(w) for w in _KEYWORD.findall(title.casefold())]
    single, pairs = _hints()
    if not (single.intersection(words) or pairs.intersection(zip(words, words[1:])) or _QUICK_QUANTITY.search(title)):
        return None
    return tuple({w[:4] for w in words if len(w) >= 3 and w not in STOPWORDS})


_KEYWORD = re.compile(r"[^\W_]+")


@cache
def _hints() -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """The words that are terms by themselves, and the first two words of the longer terms
    (singular, as ``_prepare`` reads a title): a title with none of them holds no term."""
    single = {key[0] for key in _lexicon()[0] if len(key) == 1}
    pairs = {key[:2] for key in _lexicon()[0] if len(key) > 1}
    return frozenset(single), frozenset(pairs)


_QUICK_QUANTITY = re.compile(r"\d[ \t\u00a0-]*(?:" + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True)) + r")(?![^\W_])", re.I)


RULES = (citation_context,)
