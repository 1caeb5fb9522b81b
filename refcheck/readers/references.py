"""One reference-list entry's text -> a :class:`~refcheck.model.Reference` with parsed fields.

``parse_reference(source, start, end, id=..., label=...)`` reads ``source.text[start:end]``
(the entry without its printed label) and returns authors, year, title, container, volume,
issue, page, DOI and URL, plus a ``confidence`` in 0..1. It never raises: text it cannot
read comes back as a low-confidence Reference with whatever it could find.

The parser is a short pipeline over a *clean* copy of the text (Markdown emphasis and HTML
tags removed, whitespace collapsed) that keeps a map back to raw offsets:

1. identifiers: DOI and URL are taken out, and the tail after them (PMIDs, "Accessed ...")
   is dropped from the bibliographic core;
2. authors: a name-list scanner reads names from the start (``Smith, J. A.``, ``Smith JA``,
   ``J. A. Smith``, particles, hyphens, diacritics, all-caps) and stops at the first thing
   that is not a name; ``et al.`` and ``..., & Last`` elisions set ``authors_truncated``;
3. year: right after the names (``(2019a).``, ``. 2019.``) or, in Vancouver style, before the
   volume (``. 2009;23:2563-2577``);
4. locator: volume, issue and pages are read from the end of the core;
5. title / container: what remains is split at its last sentence boundary (journal
   abbreviations such as ``J. Am. Chem. Soc.`` are not boundaries); a single-``*`` italic
   span, when the Markdown has one, marks the container.

Two results the rules rely on:

* a fragment such as ``breast cancer cells in vitro. Chemico-Biological Interactions, 369,
  110283.`` gets ``authors=()`` and ``year=None``: names are only read where they look like
  names, never made up from title words;
* an entry holding two works (a second ``Surname, X., ... (YYYY).`` block after the first
  title) keeps the first work's fields and lists both works in ``parts``.

Decisions: everything printed in the pages slot goes to ``page`` as printed (``569-586``,
``250–61``, ``S233``, ``e1002769``, a bare ``381``); ``article_number`` is only filled when
the text says so (``Article 123``, ``Art. no. 123``, ``Article ID 123``).
"""

from __future__ import annotations

import bisect
import marshal
import re as stdre
from dataclasses import dataclass, field, fields, replace

import regex as re

from refcheck.lazyre import lazy

from refcheck.model import Name, Reference, Source, Span
from refcheck.names import GROUP_TAIL, PEOPLE_OF

__all__ = ["parse_reference"]

# --------------------------------------------------------------------------------------
# Cleaning: Markdown emphasis / HTML out, whitespace collapsed, offsets kept.

_MARKUP = lazy(
    r"\*{1,3}"  # emphasis
    r"|(?<![\p{L}\p{N}_])_{1,2}(?=[^\s_])|(?<=[^\s_])_{1,2}(?![\p{L}\p{N}_])"  # _emphasis_, not snake_case nor "______."
    r"|</?[A-Za-z][A-Za-z0-9]{0,10}(?:\s[^<>]{0,80})?/?>"  # <sup>, </i>, <br/>
    r"|\\(?=[\\`*_{}\[\]()#+\-.!&])"  # Markdown escapes
    r"|[^\S ]\s*| \s+"
)
_NEEDS_CLEANING = ("*", "_", "<", "\\", "\n", "  ", "\t", "\r", "\xa0")
# the same test as one scan (a generator over _NEEDS_CLEANING costs more than the scan)
_NEEDS_CLEANING_RX = stdre.compile("|".join(stdre.escape(c) for c in _NEEDS_CLEANING))


@dataclass(slots=True)
class _Clean:
    text: str
    clean_at: list[int]  # segment starts in clean text ...
    raw_at: list[int]  # ... and where each starts in the raw text
    italics: list[tuple[int, int]] = field(default_factory=list)

    def to_raw(self, index: int) -> int:
        k = bisect.bisect_right(self.clean_at, index) - 1
        return self.raw_at[k] + index - self.clean_at[k]


# U+2010 HYPHEN and U+2011 NON-BREAKING HYPHEN read as "-" ("Batista‐Brito R"): one character
# for one, so offsets do not move
_HYPHENS = str.maketrans("\u2010\u2011", "--")


def _clean(raw: str) -> _Clean:
    if "\u2010" in raw or "\u2011" in raw:
        raw = raw.translate(_HYPHENS)
    if not _NEEDS_CLEANING_RX.search(raw):
        stripped = raw.lstrip()
        lead = len(raw) - len(stripped)
        return _Clean(stripped.rstrip(), [0], [lead])
    out: list[str] = []
    clean_at = [0]
    raw_at = [0]
    italic_marks: list[int] = []
    pos = 0
    length = 0
    for m in _MARKUP.finditer(raw):
        s, e = m.span()
        chunk = raw[pos:s]
        out.append(chunk)
        length += len(chunk)
        token = m.group()
        if token[0].isspace():
            if length and (not out or not out[-1].endswith(" ")):
                out.append(" ")
                length += 1
        elif token in ("*", "_", "***"):
            italic_marks.append(length)
        pos = e
        clean_at.append(length)
        raw_at.append(e)
    out.append(raw[pos:])
    text = "".join(out)
    lead = len(text) - len(text.lstrip())
    if lead:
        # drop leading blanks: clean index i is now i + lead in the segment map
        text = text[lead:]
        clean_at = [c - lead for c in clean_at]
        italic_marks = [c - lead for c in italic_marks]
    cleaned = _Clean(text.rstrip(), clean_at, raw_at)
    # pair single-star italics: *Journal*, *14*
    for i in range(0, len(italic_marks) - 1, 2):
        a, b = italic_marks[i], italic_marks[i + 1]
        if b > a:
            cleaned.italics.append((a, b))
    return cleaned


# --------------------------------------------------------------------------------------
# Identifiers and the bibliographic core.

_DOI = lazy(r"(?<![\w.])(10\.\d{4,9}/[^\s\"<>]+)")
_URL = lazy(r"(?:https?://|ftp://|\bwww\.)[^\s<>\"]+")
_TAIL_START = lazy(
    r"[\[(]?(?<![\p{L}\p{N}])(?:(?:Available|Accessible|Retrieved|Accessed|Cited|Viewed|Dispon[ií]vel|Disponible|Acesso|Acceso|Recuperado|Verfügbar|Abgerufen)"
    r"\b(?:\s+(?:online|from|at|on|em|en|de|unter|am|sur))*\s*:?"
    r"|(?:Epub|PMID|PMCID|PMC\d|ISBN|ISSN|arXiv|URL|doi|DOI|Reference Source)\b)|\[Internet\]"
)
# PMIDs printed after the pages or the DOI: "Science 194: 23–28. 959840" (not ", 2001689")
_TRAILING_IDS = lazy(r"(?r)(?:(?<=[\p{N}.)\]])\.?\s+(?:(?:PMID:?\s*)?\d{6,9}|MR\d{5,9})|\s*\[INSPIRE\])+[.\s]*$")
# _TRAILING_IDS read one identifier at a time, from the end: the regex module repeats the group
# in quadratic time (1 MB of "1234567 " took 9 s); _trailing_ids gives the same start.
_TRAILING_ID = lazy(r"(?r)(?:(?<=[\p{N}.)\]])\.?\s+(?:(?:PMID:?\s*)?\d{6,9}|MR\d{5,9})|\s*\[INSPIRE\])")
_TRAILING_BLANKS = lazy(r"(?r)[.\s]*$")
_TRAIL_PUNCT = ".,;:"

# Pre-checks that let most entries skip a slow search (see _MAYBE_ET_AL for the idea).
# Every _TAIL_START match has one of these words at its start or one character later:
_TAIL_WORDS = stdre.compile(
    r"Available|Accessible|Retrieved|Accessed|Cited|Viewed|Dispon|Acces|Acess|Recuperado|Verfügbar|Abgerufen|Epub|PM|IS|arXiv|URL|doi|DOI|Reference Source|\[Internet\]"
)
# _TRAILING_IDS ends in 5+ digits or "]" before trailing [.\s]: strip those (str.rstrip strips
# at least what the regex module's \s matches) and look at the last character
_DOT_SPACE = "." + "".join(c for c in map(chr, range(0x3000 + 1)) if c.isspace())  # U+3000: the last space


def _tail_start(t: str, pos: int, endpos: int):
    """``_TAIL_START.search(t, pos, endpos)``, started at the first keyword instead of ``pos``."""
    w = _TAIL_WORDS.search(t, pos, endpos)
    if w is None:
        return None
    return _TAIL_START.search(t, max(pos, w.start() - 1), endpos)


_FIVE_DIGITS = lazy(r"\d{5}")


def _trailing_ids(core: str) -> int | None:
    """Where ``_TRAILING_IDS.search(core)`` starts, or None. Each identifier is matched greedily from
    the right, which is what the pattern's repetition does: what a shorter one would leave (a
    dot, a blank, "PMID") ends no identifier, so it could not go on."""
    end = _TRAILING_BLANKS.search(core).start()
    start = None
    while True:
        m = _TRAILING_ID.match(core, 0, end)
        if m is None or m.end() != end:
            return start
        start = end = m.start()


def _may_have_trailing_ids(core: str) -> bool:
    last = core.rstrip(_DOT_SPACE)[-5:]  # "]" or at least five digits
    if last.endswith("]"):
        return True
    return last.isdigit() if last.isascii() else bool(_FIVE_DIGITS.fullmatch(last))


def _strip_identifier(value: str) -> str:
    value = value.rstrip(_TRAIL_PUNCT + "'\">")
    for close, open_ in ((")", "("), ("]", "[")):
        while value.endswith(close) and value.count(close) > value.count(open_):
            value = value[:-1].rstrip(_TRAIL_PUNCT)
    return value


# --------------------------------------------------------------------------------------
# Names.

_PARTICLE = r"(?:van|von|der|den|de|des|del|della|dela|di|da|do|dos|das|du|la|las|le|los|ten|ter|zu|vom|e|y|bin|ibn|al|el|dit)"  # "Petit dit de la Roche"
_APOS = r"(?:[dDlLO][’'`]\s?)"
# first family word (>= 2 letters, may be ALL CAPS); later words need a lower-case 2nd letter
_FW = rf"(?:{_APOS}?\p{{Lu}}[\p{{L}}\p{{M}}’'\-]{{0,40}}[\p{{L}}\p{{M}}](?:(?<=-Jr|-Sr)\.)?)"  # "Ghizoni-Jr., I.R."
_FW2 = rf"(?:{_APOS}?\p{{Lu}}(?:\p{{Ll}}|\p{{M}})[\p{{L}}\p{{M}}’'\-]{{0,40}}+(?!\.\s?\p{{Lu}}))"  # not "Phys. Rev."
# an ALL-CAPS compound surname (ABNT and some Vancouver lists): "ACOSTA PEREIRA", "MARTÍN GARCÍA",
# "VAN DIJK", "DE MEEÛS", "ABD EL-BAKY", "VAN VINH CHAU", "GABRIEL JÚNIOR", "VIAN JR". Words have
# 3+ letters and, without a leading particle, the last has 4+ or is a suffix, so that "SMITH JAB"
# (surname and initials) is no compound; particles in capitals may lead or join.
_CP = r"(?:VAN|VON|DER|DEN|DE|DES|DEL|DELLA|DI|DA|DO|DOS|DAS|DU|LA|LE|LOS|TEN|TER|EL|AL|ABD|BIN|IBN)"
_CW = r"(?:\p{Lu}[\p{Lu}\p{M}’'\-]{1,40}[\p{Lu}\p{M}])"
_CW4 = r"(?:\p{Lu}[\p{Lu}\p{M}’'\-]{2,40}[\p{Lu}\p{M}])"
_CSFX = r"(?:JR|SR|J[UÚ]NIOR|FILHO|NETO|SOBRINHO)(?![\p{L}\p{M}])\.?"
_CAPS_FAMILY = (
    rf"(?:(?:{_CP}\s){{1,3}}{_CW}(?:\s{_CW}){{0,2}}(?![\p{{L}}\p{{M}}])"
    rf"|{_CW}(?:\s(?:{_CP}\s)?{_CW}){{0,2}}\s(?:{_CP}\s)?(?:{_CW4}(?![\p{{L}}\p{{M}}])|{_CSFX}))"
)
_FAMILY = rf"(?:{_CAPS_FAMILY}|(?:{_PARTICLE}(?:\s|-(?=\p{{Lu}})))*{_FW}(?:(?:\s{_PARTICLE})*\s{_FW2}){{0,2}})"
_SUFFIX = r"(?:,?\s(?:Jr|Sr|II|III|IV|2nd|3rd)\b\.?|\s(?:J[uú]nior|Filho|Neto|Sobrinho)\b)"
# "QUIGLEY, JR., Martin": a generational suffix between the surname and the given names
_SFX_BETWEEN = r"(?:,\s(?P<sfx>Jr|JR|Sr|SR|J[uú]nior|J[UÚ]NIOR)\.?(?=,))"

# initials of inverted names ("Smith, J. A."), dotted; or 1-3 capitals ("Smith, JA")
_INI_A = r"(?:\p{Lu}\p{Ll}{0,2}\.(?:\s?-?\s?\p{Lu}\p{Ll}?\.)*(?:\s?-?\s?\p{Lu}(?=[,;&(]))?|\p{Lu}{1,3}(?:-\p{Lu}{1,2})?(?![\p{L}\p{M}.]))"
# initials after the family ("Smith JA", "Smith J. A.", "Smith J-H", "Smith M. L,")
_INI_B = (
    r"(?:\p{Lu}\.(?:\s?-?\s?\p{Lu}(?:\.|(?=\s*[,;:&)]|\s*$)))+"
    r"|(?:\p{Lu}\.){1,4}(?:-\p{Lu}\.?)?"
    r"|\p{Lu}(?:\s\p{Lu}){1,2}(?=\s*[.,;:&]|\s*$)"  # "Anderson R P. 2006": spaced, undotted
    # "Takemura Shin-Ya, Bharioke A": a hyphenated given name, in a list of such names
    r"|\p{Lu}\p{Ll}+-\p{Lu}\p{Ll}+(?=,\s\p{Lu}[\p{L}\p{M}’'\-]+\s\p{Lu}{1,3}[,.\s])"
    r"|(?:d[ae])?\p{Lu}{1,4}(?:-\p{Lu}{1,2})?\.?)(?![\p{L}\p{M}])"  # "Huang daW": a particle run into the initials
)
_INI_C = r"(?:\p{Lu}\.(?:\s?-?\s?\p{Lu}\p{Ll}?\.){0,3}(?:\s\p{Lu}(?=\s))?|\p{Lu}\p{Ll}?\.(?=\s))"

# ABNT prints a surname's particle after the initials: "SOUSA, A. T. de; SILVA, M. C. da.",
# or between them: "Mendes, R. da S.", "Kassar, M. de C. M."
_PARTICLE_AFTER = r"(?:\s(?:de|da|do|dos|das|del|van|von|der|den)(?:(?:\s\p{Lu}\.)+|(?=[.,;&])))"
_NAME_A = lazy(rf"(?P<fam>{_FAMILY}){_SFX_BETWEEN}?,\s?(?P<giv>{_INI_A}{_PARTICLE_AFTER}?{_SUFFIX}?)")
_NAME_B = lazy(rf"(?P<fam>{_FAMILY})\s(?P<giv>{_INI_B}{_SUFFIX}?)(?=[\s,.;:()&\]]|$)")
_NAME_C = lazy(rf"(?P<giv>{_INI_C})\s?(?P<fam>{_FAMILY})(?=[\s,.;:()&]|$)")
# full given names after a comma, APA-like lists only: "Romero, Carissa"; in ABNT several, with
# particles and initials: "BANIWA, Gersem dos Santos Luciano", "SILVA, Maria Beatriz Nizza da"
_GIVEN_WORD = r"\p{Lu}[\p{Ll}\p{M}]+(?:-\p{Lu}?[\p{Ll}\p{M}]+)?"
_GIVEN_PART = r"(?:de|da|do|dos|das|del|della|di|du|van|von|der|den|la|le|e|y)"
_NAME_D = lazy(
    rf"(?P<fam>{_FAMILY}){_SFX_BETWEEN}?,\s(?P<giv>{_GIVEN_WORD}"
    rf"(?:[\s-](?:{_GIVEN_PART}\s){{0,2}}(?:{_GIVEN_WORD}|\p{{Lu}}\.)){{0,4}}(?:\s{_GIVEN_PART}(?=[.,;]))?{_SUFFIX}?)"
    r"(?=[\s,.;:(&]|$)"
)
# full given names first, CS style: "Marc Shapiro and Susan Horwitz", "Thomas von Eicken"
_NAME_E = lazy(
    rf"(?P<giv>\p{{Lu}}\p{{Ll}}+(?:[\s-]\p{{Lu}}\p{{Ll}}+)?(?:\s\p{{Lu}}\.){{0,2}})\s"
    rf"(?P<fam>(?:{_PARTICLE}\s)*\p{{Lu}}\p{{Ll}}[\p{{L}}\p{{M}}’'\-]{{0,40}})(?=\s*(?:,|\band\b|\.\s|\.$|\(|:))"
)
# an organisation: capitalised words and the small words between them, in the languages of the
# literature, then perhaps its acronym ("Instituto Brasileiro de Geografia e Estatística (IBGE)")
# "GDAL/OGR contributors", "TRAPPIST-1 JWST Community Initiative": digits and "/" inside a word, and
# the lower-case words that end a group of people (GROUP_TAIL)
_GROUP = lazy(
    r"\p{Lu}[\p{L}\p{M}\p{N}’'\-/]{0,40}(?:\s(?:of|for|and|the|on|in|&|de|du|des|für|und|zur|e|y|do|da|dos|das|del|della|la|el|"
    rf"{GROUP_TAIL}|"
    r"\p{Lu}[\p{L}\p{M}\p{N}’'\-/]{0,40}(?:\.(?=\s\p{Lu}))?)){0,14}(?<!\s\p{Ll}{1,4})(?:\s\(\p{Lu}[\p{L}\p{N}&/\-]{1,15}\))?"
)

# An entry whose head reads as no personal name: up to its first sentence end, an organisation
# (capitalised words, or words in capitals, and the small words between them; an acronym before a
# dash or in brackets; "/" between two; commas: "United Nations Educational, Scientific and Cultural
# Organization"), a single name in capitals ("PLUTARCO."), or a country
# ("BRASIL. Lei nº 9.985"). The first word holds a letter: "1." is a label, not an author.
_HEAD_SMALL = r"(?:of|for|and|the|on|in|at|to|from|with|against|&|de|du|des|für|und|zur|e|y|do|da|dos|das|del|della|la|el|em|na|no|para|et|le)"
_HEAD_WORD = r"(?:(?:[dl][’'])?\p{Lu}[\p{L}\p{M}\p{N}’'\-&]{0,40}|\p{N}{1,6}(?:[\p{L}\-][\p{L}\p{M}\p{N}’'\-]{0,40})?)"
_HEAD_GROUP = lazy(
    r"(?:(?P<acr>\p{Lu}[\p{Lu}\p{N}&\-]{1,15})\s[–—-]\s|\[\p{Lu}[\p{L}\p{N}&\-]{1,15}\]\s)?"
    rf"(?=\p{{N}}*\p{{L}}){_HEAD_WORD}(?:(?:\s|,\s|\s/\s|\s[–—-]\s)(?:{_HEAD_SMALL}\s){{0,2}}{_HEAD_WORD}){{0,14}}"
    r"(?:\s\([\p{L}\p{N}&/\-]{2,20}\))?(?=(?:\s\((?:[Ee]ds?|[Oo]rgs?|[Cc]oords?)\.?\))?\.(?:\s|$)|\s[–—-]\s\p{Lu})"  # "L'OFFICE Français d'Edition (ed.)."; "Fundação SOS Mata Atlântica - Aqui tem Mata."
)

# "National Science Board", "Minnesota State Fair": organisations, not "Given Family"
_ORG_WORDS = frozenset(
    "Board Fair Organization Organisation Institute Institutes Society Association Council Committee Group Team "
    "Agency Department Bureau Foundation Center Centre Network Consortium Ministry Office Service Services "
    "Program Programme Project Commission University Survey Academy Union Authority Inc Ltd Corporation "
    "Company Laboratory Laboratories Trust Nations Fund Bank Party Collaboration Community Forum Panel "
    "Federation Administration Agency Institution Museum Library Press Microsystems Systems Research "
    # the same in Portuguese, Spanish, French, German
    "Ministério Ministerio Ministère Ministerium Instituto Institut Secretaria Secretaría Conselho Consejo Conseil "
    "Fundação Fundación Fondation Stiftung Universidade Universidad Université Universität Associação Asociación "
    "Sociedade Sociedad Société Gesellschaft Empresa Agência Agencia Agence Organização Organización Observatório "
    "Observatorio Comissão Comisión Centro Departamento Serviço Servicio Governo Gobierno Prefeitura Presidência "
    "Câmara Senado Tribunal Banco Escola Escuela Faculdade Facultad Confederação Federação Comité".split()
)
_SENTENCE_END = lazy(r"\.\s+[\p{Lu}\"“‘'`]|,?\s+(?:``|[\"“‘])")
_WORD_AFTER = lazy(r"\s+(?!(?:et|and|und)\b)[\p{L}\p{N}]")
_COMPACT_DOT = lazy(r"^\p{Lu}{1,4}\.$")
# "et al.", "and others", and the people of a project after the named ones: "Zhu, Nick, and the dc.js
# Developers", "Agafonkin, V., & leaflet contributors" (named in full they are not people to compare)
_ET_AL = lazy(rf"\s*,?\s*(?:et\.?\s?al\b\.?|(?:and|&)\s+(?:others|{PEOPLE_OF})\b|u\.\s?a\.|\[?\.\.\.\]?\s*$)")
_ELLIPSIS = lazy(r"\s*,?\s*(?:\.\s?\.\s?\.|…)\s*,?\s*(?:&\s*|and\s+)?")
_SEP_WORD_START = frozenset("&aeuy ,;")
_SEP = lazy(r"\s*(?:,\s*(?:(?:&|and|et|und|y|e)\s+)?|;\s*|\s(?:&|and|et|und|y|e)\s+|&\s*)")

_EDITORS_MARK = lazy(r"\s*,?\s*\(?(?:[Ee]ditors?|[Ee]ds?|[Cc]oords?|[Oo]rgs?)\b\.?\)?")  # ABNT: (Coord.), (Org.), (Orgs.)
# Cheap stdlib pre-checks: a regex-module call costs ~0.5-2 us even when it fails, these
# ~0.15 us. Each only looks for what the pattern must start with (stdlib \s is a superset
# of the regex module's \s), so a miss proves the full pattern cannot match there.
_MAYBE_ET_AL = stdre.compile(r"\s*,?\s*[eau\[.&]")
_MAYBE_EDITORS = stdre.compile(r"\s*,?\s*\(?[EeCcOo]")
_MAYBE_ELLIPSIS = stdre.compile(r"\s*,?\s*[.…]")


# Whole-entry guards on "et al." and elisions, part of the scanner's behaviour (an "et al."
# or elision is only read in an entry that passes them); asked only once the cheap
# per-position check above has passed, which is rare.
def _may_have_et_al(t: str) -> bool:
    return "et" in t or "other" in t or "u." in t or "[..." in t or _GROUP_TAIL_WORD.search(t) is not None


_GROUP_TAIL_WORD = stdre.compile(rf"(?i:{GROUP_TAIL})\b")


def _may_have_ellipsis(t: str) -> bool:
    return "..." in t or "…" in t or ". ." in t
_YEAR = r"(?:1[5-9]\d\d|20\d\d)(?:[a-z](?![\p{L}\p{M}]))?"
# ABNT: "s.d." (sem data, = n.d.) and an uncertain decade or century ("199-", "19--")
_YEAR_ANY = rf"(?:{_YEAR}|n\.\s?d\.?|[Ss]\.\s?d\.?(?!\p{{L}})|1[5-9](?:\d-|--)(?![\p{{N}}\-])|[Ii]n\s[Pp]ress|[Ff]orthcoming|[Nn]o\sprelo|[Ee]n\sprensa|[Ss]ous\spresse|[Ii]m\sDruck)"
_YEAR_PAREN = lazy(rf"\s*[.,]?\s*\(\s*(?P<y>{_YEAR_ANY})(?:[,;/\s–-][^()]{{0,25}})?\)\s*[.,:]?\s*")
# a year, or the first of a span with an en dash ("1986–1987."), after the names
_YEAR_BARE = lazy(rf"\s*[.,]?\s*(?P<y>{_YEAR_ANY})(?:–{_YEAR})?(?:,\s*\p{{Lu}}\p{{Ll}}+(?:\s\d{{1,2}})?)?\s*[.,:;]\s*")
_AFTER_NAMES = lazy(r"[\s.,:;]*")
# after an organisation, a year with nothing but a blank on either side: "IST 2012 Final Report"
_YEAR_SPACED = lazy(rf"\s+(?P<y>{_YEAR})\s+(?=[\p{{Lu}}\p{{N}}\"“‘'])")
_MAYBE_YEAR_PAREN = stdre.compile(r"\s*[.,]?\s*\(")


def _year_paren(t: str, pos: int):
    return _YEAR_PAREN.match(t, pos) if _MAYBE_YEAR_PAREN.match(t, pos) else None


@dataclass(slots=True)
class _Names:
    names: list[Name]
    end: int
    truncated: bool
    strong: int  # names with initials (as opposed to group names)


# Chicago author-date, pandoc's default style: the first author "Surname, Given", the others
# "Given Surname", then the year: "Wickham, Hadley, Mara Averick, ..., et al. 2019.",
# "Haining, Robert P., and Guangquan Li. 2020.", "Choi, Jung Kyoon, Ungsik Yu, ... and Sangsoo Kim. 2005."
_CH_WORD = r"\p{Lu}[\p{L}\p{M}'’\-]*\.?"  # "Robert", "P.", "E-J", "D’Agostino"
_CH_SURNAME = r"(?:(?:van|von|der|den|de|del|della|da|di|du|dos|la|le|dit)\s+){0,3}\p{Lu}[\p{L}\p{M}'’\-]+"
_CH_GIVEN = rf"{_CH_WORD}(?:[ \-]{_CH_WORD}){{0,3}}"
_CHICAGO = lazy(
    rf"(?P<first>{_CH_SURNAME}(?: (?:Jr|Sr)\.?)?), (?P<given>{_CH_GIVEN})"  # "Harrell Jr., Frank E., and ..."
    rf"(?P<rest>(?:, (?:and )?{_CH_GIVEN} {_CH_SURNAME}){{0,30}}(?:,? and {_CH_GIVEN} {_CH_SURNAME})?)"
    rf"(?P<etal>,? et al\.|,? and {PEOPLE_OF})?"  # "..., and leaflet contributors"
    rf"(?=\.?\s\(?(?:1[5-9]|20)\d\d[a-z]?\)?[.,])"
)
_CH_PERSON = lazy(rf"(?:and )?(?P<given>{_CH_GIVEN}) (?P<family>{_CH_SURNAME})")


def _chicago_names(core: str) -> _Names | None:
    """The authors of an entry in Chicago's form (see ``_CHICAGO``), or None for any other form."""
    m = _CHICAGO.match(core)
    if m is None or not (m.group("rest") or m.group("etal")):
        return None  # one author, "Smith, J. (2019)": the other readings know it as well
    names = [Name(m.group("first"), m.group("given").rstrip("."))]
    for part in m.group("rest").split(", ")[1:]:
        for piece in (part.split(" and ", 1) if part.count(" and ") == 1 and not part.startswith("and ") else [part]):
            person = _CH_PERSON.fullmatch(piece.strip())
            if person is None:
                return None
            names.append(Name(person.group("family"), person.group("given").rstrip(".")))
    return _Names(names, m.end(), bool(m.group("etal")), len(names))


# The commonest name shapes, "Smith JA, " (Vancouver, eLife) and "Smith, J. A., " (APA), with
# an ASCII or Latin-1 surname, matched by the stdlib engine ~10x faster than _NAME_B / _NAME_A.
# Each pattern only accepts text on which it gives the very match (span and groups) _NAME_B /
# _NAME_A would, and on which no other form can match, so the form order does not matter: a
# capitalised surname (letters and hyphens, 2-42 characters as in _FW) cannot extend with an
# all-caps word (_FW2 needs a lower-case second letter) or start _INI_C (no full stop), and the
# lookaheads exclude a following suffix ("Jr", "II", "2nd") and anything the full patterns
# would read further.
_FAST_CAP = "A-ZÀ-ÖØ-Þ"  # upper-case letters of Latin-1
_FAST_SURNAME = rf"[{_FAST_CAP}][A-Za-zÀ-ÖØ-öø-ž\-]{{0,40}}[A-Za-zÀ-ÖØ-öø-ž]"
_NOT_SUFFIX = r"(?!Jr|Sr|II|IV|2nd|3rd)"
_FAST_B = stdre.compile(
    rf"(?P<fam>{_FAST_SURNAME}) (?P<giv>[A-Z]{{1,3}}\.?(?=, {_NOT_SUFFIX})|[A-Z]{{1,3}}(?= \()|[A-Z]{{1,3}}\.(?= \d)(?! 2nd| 3rd))"
)
# Nor may the surname be a particle in capitals ("DE LEE, J.": _CAPS_FAMILY), the initials "JR"
# ("VIAN JR, O.") or, after a capital, three letters before a non-separator ("WORLD BANK (2019)"
# is no person: _caps_word_not_initials); _fast_name and _name_run check that in Python, cheaper
# than lookaheads the stdlib engine would try at every name of a run.
_CAPS_PARTICLES = frozenset("VAN VON DER DEN DE DES DEL DELLA DI DA DO DOS DAS DU LA LE LOS TEN TER EL AL ABD BIN IBN".split())
_JR = frozenset(("JR", "SR", "JR.", "SR."))
_FAST_A = stdre.compile(rf"(?P<fam>{_FAST_SURNAME}), (?P<giv>[A-Z]\.(?: [A-Z]\.){{0,3}})(?=, {_NOT_SUFFIX}| \()")
# A run of such names, each followed by ", " and a capital: there "et al.", an elision or a
# separator other than ", " cannot start, so the scanner's checks between names are no-ops.
_NEXT_NAME = rf", (?=[{_FAST_CAP}]){_NOT_SUFFIX}"
_RUN_B = stdre.compile(rf"(?:{_FAST_SURNAME} [A-Z]{{1,3}}{_NEXT_NAME})+")
_RUN_B_NAME = stdre.compile(r"(\S+) (\S+), ")  # one name of a _RUN_B match
_RUN_A = stdre.compile(rf"(?:{_FAST_SURNAME}, [A-Z]\.(?: [A-Z]\.){{0,3}}{_NEXT_NAME})+")


MAX_NAMES = 500  # names read from one entry


def _name_run(t: str, i: int, room: int = MAX_NAMES) -> tuple[str, int, list[Name]] | None:
    """(form, where the next name starts, names) for a run of _FAST_B or _FAST_A names at ``i``,
    at most ``room`` of them (the scanner reads MAX_NAMES names in all: without the limit a run of
    thousands was matched whole, refused as too long, and matched again after each name)."""
    m = _RUN_B.match(t, i)
    if m:
        names = []
        end = i
        for name in _RUN_B_NAME.finditer(t, i, m.end()):
            fam, giv = name.groups()
            if len(names) == room or fam in _CAPS_PARTICLES or giv in _JR:
                break  # the run ends before "DE LEE, J." or "VIAN JR, O."
            names.append(Name(fam, giv))
            end = name.end()
        return ("B", end, names) if names else None
    m = _RUN_A.match(t, i)
    if m:
        p = m.group().split(", ", 2 * room)  # family, given, family, given, ..., the rest
        names = [Name(p[k], p[k + 1]) for k in range(0, min(len(p) - 1, 2 * room), 2)]
        return "A", i + sum(len(name.family) + len(name.given) + 4 for name in names), names
    return None


def _fast_name(t: str, i: int):
    m = _FAST_B.match(t, i)
    if m:
        fam, giv = m.group("fam", "giv")
        if not (fam in _CAPS_PARTICLES or giv in _JR or len(giv) >= 3 and giv[2] != "." and fam[-1].isupper() and not t.startswith(",", m.end())):
            return "B", m
    m = _FAST_A.match(t, i)
    if m:
        return "A", m
    return None


_FORMS = {
    "": (("A", _NAME_A), ("B", _NAME_B), ("C", _NAME_C)),
    "A": (("A", _NAME_A), ("B", _NAME_B), ("C", _NAME_C)),
    "B": (("B", _NAME_B), ("A", _NAME_A), ("C", _NAME_C)),
    "C": (("C", _NAME_C), ("A", _NAME_A), ("B", _NAME_B)),
    "D": (("A", _NAME_A), ("B", _NAME_B), ("C", _NAME_C)),
    "E": (("C", _NAME_C), ("A", _NAME_A), ("B", _NAME_B)),
}


def _scan_names(t: str, pos: int) -> _Names:
    names: list[Name] = []
    truncated = False
    strong = 0
    end = pos
    n = len(t)
    i = pos
    last_form = ""
    while i < n and len(names) < MAX_NAMES:
        if names and _MAYBE_ELLIPSIS.match(t, i) and _may_have_ellipsis(t):
            m = _ELLIPSIS.match(t, i)
            if m:
                truncated = True
                i = m.end()
        run = _name_run(t, i, MAX_NAMES - len(names))
        if run:
            last_form, i, more = run
            names += more
            strong += len(more)
            end = i - 2  # before the last ", "
            continue
        got = _fast_name(t, i)
        if got is not None and not names and got[0] == "B" and len(got[1].group("giv")) >= 3 and _caps_word_not_initials(t, got[1]):
            got = None  # "Team RDC. 2011." (the regex forms refuse it too)
        if got is None:
            for form, rx in _FORMS[last_form]:
                mm = rx.match(t, i)
                if mm and not (form == "B" and not names and _caps_word_not_initials(t, mm)):
                    got = (form, mm)
                    break
        if got is not None and got[0] == "B" and last_form in ("", "E") and got[1].group("giv").endswith("."):
            # "Larry D. Wittie, Gudjun Hermannsson, and Ai Li." is given-first, not "Larry, D."
            em = _NAME_E.match(t, i)
            if em and em.end() > got[1].end() and _looks_like_full_name_list(t, em.end(), _NAME_E):
                got = ("E", em)
        if got is None and (last_form in ("A", "D") or not names):
            mm = _NAME_D.match(t, i)
            if mm and (names or _looks_like_full_name_list(t, mm.end(), _NAME_D, _SENTENCE_END)):
                got = ("D", mm)
        if got is None and (last_form in ("E", "C") or not names):
            mm = _NAME_E.match(t, i)
            if mm and _ORG_WORDS.isdisjoint(mm.group().split()):
                if names or _looks_like_full_name_list(t, mm.end(), _NAME_E):
                    got = ("E", mm)
        if got is None:
            gm = _GROUP.match(t, i)
            if gm:
                after = gm.end()
                if _MAYBE_ET_AL.match(t, after) and (ea := _ET_AL.match(t, after)) and ea.end() > after:
                    truncated, after = True, ea.end()  # "American Psychological Association and others. (2019)."
                # a group author only counts next to real names or right before the year
                nxt = _SEP.match(t, after)
                if (_year_paren(t, after) or _YEAR_BARE.match(t, after) or _YEAR_SPACED.match(t, after)) or (
                    nxt and (t[after] in ",;" or t[after:nxt.end()].strip() == "&") and (any(r.match(t, nxt.end()) for r in (_NAME_A, _NAME_B)) or _groups_reach_year(t, nxt.end()))
                ):
                    names.append(Name(gm.group().strip().rstrip("."), ""))
                    end = after
                    i = after
                    sep = _SEP.match(t, i)
                    if sep and sep.end() > i and t[i : sep.end()].strip():
                        i = sep.end()
                        continue
                    break
            break
        form, mm = got
        giv = mm.group("giv")
        if form == "B" and t[mm.end() : mm.end() + 1] == " " and not giv.endswith(".") and _WORD_AFTER.match(t, mm.end()):
            # "The R Project ...": capitals followed by more words are not initials
            if not names:
                gm = _GROUP.match(t, i)
                if gm and (_year_paren(t, gm.end()) or _YEAR_BARE.match(t, gm.end())):
                    names.append(Name(gm.group().strip().rstrip("."), ""))
                    end = gm.end()
            break
        giv = giv.strip().rstrip(",")
        if form in ("A", "D") and mm.re is not _FAST_A and mm.group("sfx"):
            giv = f"{giv}, {mm.group('sfx')}."  # "QUIGLEY, JR., Martin"
        names.append(Name(mm.group("fam").strip(), giv))
        last_form = form
        strong += 1
        end = mm.end()
        i = end
        if _MAYBE_ET_AL.match(t, i) and _may_have_et_al(t):
            ea = _ET_AL.match(t, i)
            if ea:
                truncated = True
                end = ea.end()
                break
        if t.startswith(", ", i) and t[i + 2 : i + 3] not in _SEP_WORD_START:
            i += 2  # the usual ", " between names, without a regex
        else:
            sep = _SEP.match(t, i)
            if not sep or not t[i : sep.end()].strip():
                # names separated by nothing but a space: not a list any more
                if _MAYBE_ELLIPSIS.match(t, i) and _may_have_ellipsis(t) and _ELLIPSIS.match(t, i):
                    continue
                break
            i = sep.end()
        if t.startswith("et", i) or t.startswith("and others", i):  # (then _may_have_et_al holds)
            m2 = _ET_AL.match(t, i)
            if m2:
                truncated = True
                end = m2.end()
                break
    if last_form == "B" and names and names[-1].given.endswith(".") and _COMPACT_DOT.match(names[-1].given):
        if "." not in "".join([n.given for n in names[:-1]]):
            # "Baldwin PR, Penczek PA. 2007.": that full stop ends the list, not an initial
            names[-1] = Name(names[-1].family, names[-1].given[:-1])
    if names and _MAYBE_EDITORS.match(t, end):
        ed = _EDITORS_MARK.match(t, end)
        if ed:
            end = ed.end()
    return _Names(names, end, truncated, strong)


def _caps_word_not_initials(t: str, mm) -> bool:
    """``WORLD BANK. Report``: three or more undotted capitals after a surname in capitals (or
    after an organisation's word: ``Team RDC. 2011.``), first in the entry and no further name
    after them, are a word of an organisation's name, not initials."""
    giv = mm.group("giv").rstrip(".")
    fam = mm.group("fam")
    if len(giv) < 3 or not (giv.isalpha() and giv.isupper()) or not (fam.isupper() or fam in _ORG_WORDS):
        return False
    return t[mm.end() : mm.end() + 2].lstrip()[:1] not in (",", ";", "&")


def _groups_reach_year(t: str, pos: int, depth: int = 3) -> bool:
    """``Department of Economic and Social Affairs, Population Division. 2013.``: more
    organisation names, separated by commas, that end right before the year."""
    gm = _GROUP.match(t, pos)
    if not gm or depth == 0:
        return False
    after = gm.end()
    if _year_paren(t, after) or _YEAR_BARE.match(t, after):
        return True
    nxt = _SEP.match(t, after)
    return bool(nxt and (t[after : after + 1] in ",;" or t[after : nxt.end()].strip() == "&") and _groups_reach_year(t, nxt.end(), depth - 1))


def _looks_like_full_name_list(t: str, pos: int, rx=None, single_end=None) -> bool:
    """After ``Romero, Carissa``: a list goes on with another such name or a year.

    A full-name author alone is only believed before a year (or, for the inverted
    ``Lynch, Kevin.`` shape, before a sentence end): otherwise title words could pass.
    """
    rx = rx or _NAME_D
    if _MAYBE_EDITORS.match(t, pos):
        ed = _EDITORS_MARK.match(t, pos)  # "ARAÚJO, Ana Cristina (Coord.). A universidade"
        pos = ed.end() if ed else pos
    sep = _SEP.match(t, pos)
    if sep and t[pos : sep.end()].strip() and (rx.match(t, sep.end()) or _NAME_D.match(t, sep.end()) or _NAME_A.match(t, sep.end())):
        return True
    if _year_paren(t, pos) or _YEAR_BARE.match(t, pos):
        return True
    return bool(single_end and single_end.match(t, pos))


# --------------------------------------------------------------------------------------
# Year, locator, title and container.

_PAGES = r"(?:[A-Za-z]{0,3}\d{1,9}(?:[A-Za-z]\d{0,6})?(?:\s?[-–—‒]\s?[A-Za-z]{0,3}\d{1,9}(?:[A-Za-z]\d{0,6})?)?)"
_VOL = r"(?:[A-Za-z]?\d{1,6}[A-Za-z]?(?:[-–/]\d{1,6})?)"
_LOC_VANC = lazy(
    rf"(?:(?P<vol>{_VOL})\s*(?:\((?P<iss>[^()]{{1,30}})\))?(?:\s*:\s*(?P<pg>{_PAGES}))?|(?P<pg2>{_PAGES}))"
    r"\s*[.;,]?\s*$"
)
# "..., 13(4), 569-586"  "157:250-61"  "73: 568-581"  "110, D18104"  "2019"  "23(8)"
_LOC_END = lazy(
    rf"(?r)(?:(?<=[\s,.;:])|^)(?:[Vv]ol(?:ume)?\.?\s*)?(?P<vol>{_VOL})\s*(?:\((?P<iss>[^()]{{1,30}})\))?"
    rf"(?:\s*(?::|,|\.)\s*(?:pp?\.\s*|[Aa]rt(?:icle)?\.?\s*(?:[Nn]o\.?|[Nn]umber|ID)?\.?\s*(?P<art>)|)(?P<pg>{_PAGES}))?"
    r"\s*[.;,]?\s*$"
)
_PAGES_END = lazy(r"(?r)(?:^|(?<=[\s,.;:]))(?:pp?\.\s*)?(?P<pg>\d{1,9}\s?[-–—‒]\s?\d{1,9}|[A-Za-z]{1,3}\d{1,9}\s?[-–—‒]\s?[A-Za-z]{1,3}\d{1,9})\s*[.;,]?\s*$")
_PP_ANY = lazy(rf"\bpp?\.\s?(?P<pg>{_PAGES})")
_ARTICLE_NO = lazy(r"\b[Aa]rt(?:icle)?\.?\s*(?:[Nn]o\.?|[Nn]umber|ID|#)?\s*:?\s*(?P<n>[A-Za-z]?\d{1,9}(?:[A-Za-z]\d{0,6})?)\b")
_YEAR_VANC = lazy(
    rf"(?<![\p{{L}}\p{{N}}])(?P<y>{_YEAR})(?:\s+[A-Z][a-z]{{2,8}}\.?(?:\s+\d{{1,2}})?(?:\s?[-–]\s?[A-Z]?[a-z]{{0,8}}\.?\s?\d{{0,2}})?)?\s*;\s*"
)
# the year at the end: "..., 2000.", "(1977)", "[1988]", "2011/1979", "1780-1811" (the first is the
# year; a parenthesis around it is closed: not "(Trad. cast. Barcelona, 1982)")
_YEAR_TAIL = lazy(
    rf"(?r)(?:^|[\s.,;:]|(?=[(\[]))(?:\((?P<p>{_YEAR_ANY})\)|\[(?P<b>{_YEAR_ANY})\]|(?P<y>{_YEAR_ANY})(?:\s?[/\-–]\s?{_YEAR})?)[.;,]?\s*$"
)
# a year anywhere: on its own, or ending a date ("03-06-2020", "12/12/2002") or starting one ("2020-06-03")
_YEAR_LAST = lazy(
    rf"(?:(?<![\p{{L}}\p{{N}}/.\-–])|(?<=(?<![\p{{N}}./\-])\d{{1,2}}[\-/.]\d{{1,2}}[\-/.]))(?P<y>{_YEAR})"
    rf"(?:(?![\p{{N}}\-–/])|(?=-\d\d-\d\d(?!\d)))"
)
_LAST_TOKEN = lazy(r"(?r)(?:^|[\s(])(\p{L}+)\.$")
# a sentence end: ". Journal", "? Nature", ". eLife" (lower-case journals like eLife, bioRxiv, mBio)
_BOUNDARY = lazy(r"(?<=[.?!])\s+(?=[\p{Lu}\p{N}\"“‘'(\[]|\p{Lo}|\p{Ll}{1,3}\p{Lu})|(?<=\p{Lo})[.。]\s*(?=\p{Lo}|\p{Lu})")
def _boundaries(s: str) -> list:
    """The matches of ``_BOUNDARY.finditer(s)``, found ~3x faster.

    Without "?", "!" and "。" a match can only start right after a full stop followed by a
    blank, or at a full stop after a non-ASCII letter; str.find visits the full stops and
    _BOUNDARY is tried there only (its lookbehinds see the text before the position).
    """
    if "?" in s or "!" in s or "。" in s:
        return list(_BOUNDARY.finditer(s))
    found = []
    after = 0  # like finditer, go on where the last match ended
    dot = s.find(".")
    while dot != -1:
        for p in (dot, dot + 1):
            if p < after:
                continue
            if p == dot and not (dot and not s[dot - 1].isascii()):
                continue
            if p > dot and not s[p : p + 1].isspace():  # str.isspace covers the regex module's \s
                continue
            m = _BOUNDARY.match(s, p)
            if m:
                found.append(m)
                after = m.end()
        dot = s.find(".", dot + 1)
    return found


_QUOTES = "`\"“‘'"  # what _QUOTED starts with after blanks
_QUOTED = lazy(r"\s*(?:``|[\"“‘'])\s*(?P<q>[^\"”’`]{3,}?)[,.]?\s*(?:''|[\"”’])\s*[,.]?\s*")
# "Title, Proceedings of ...", "Title, J. Symbolic Logic": a comma before a container-like start
_COMMA_CONTAINER = lazy(
    r",\s+(?:[Ii]n:?\s+)?(?=(?:Proc(?:eedings|\.)?|Journal|J\.|Trans(?:actions|\.)|IEEE|ACM|Comm\.|Ann\.|Annals|"
    r"Phys\.|Rev\.|Lett\.|Bull\.|Conf(?:erence|\.)|Symp(?:osium|\.)|Workshop|Tech(?:nical|\.)|Ph\.?\s?D|"
    r"Master'?s|Thesis|Dissertation|Advances in|Lecture Notes)\b)"
)
_IN_EDITORS = lazy(r"(?:^|[.,]\s+|\s)In:?\s+(?=\S)")
_EDS = lazy(r"\((?:[Ee]ds?|[Ee]ditors?|[Hh]rsg)\.?\)[,.:]?\s*|,?\s+(?:eds?|editors?|Eds?)\.?[,.:]?\s+")
_BOOK_END = lazy(r"\s\(|[.,]\s+(?:pp?\.|Vol\.|vol\.)|\.\s+(?=\p{Lu})")
_ABBREV = frozenset(
    "j am ann int res rev lett phys acad sci natl proc biol med soc mol gen appl clin exp inst univ bull "
    "trans ser comp comput eng math stat mech dev environ ecol evol microbiol genet syst struct psychol "
    "neurosci immunol pharmacol nucl geophys chem biochem biophys physiol opt mater technol rep commun "
    "eur jpn jap br brit can aust austral acta arch adv curr opin nat mar anal assoc conf symp ed eds "
    "vol no nos pp ch chap suppl pt ref repr ny us usa uk st dept div lab ltd co inc corp "
    "amer statist probab inform theor comm pure numer optim geom funct differ equ astrophys astron mon "
    "roy publ prog mod sov zh fiz teor eksp dokl akad nauk izv ann henri norm sup quart behav cogn educ "
    "econ polit sociol hist philos ling lit stud spec sel commun netw softw electron electr metall polym "
    "photon magn acoust transf combust aerosp geol geogr oceanogr meteorol atmos clim hydrol agric nutr "
    "vet surg pediatr psychiatr neurol cardiol oncol radiol infect dis virol pharm toxicol bioinform "
    "autom robot vis graph proceed intl int'l conf workshop symp".split()
)


_IN_PREFIX = lazy(r"^In:?\s+")
_WORDS = lazy(r"\p{L}+")
_WORDS2 = lazy(r"\p{L}{2,}")
_GROUP_BEFORE_YEAR = lazy(rf"(?P<g>\p{{Lu}}[^()\d.;:?]{{2,100}}?)\s*(?=\(\s*{_YEAR_ANY}\s*\))")
_VOL_BEFORE_PAGES = lazy(rf"(?r)(?:^|(?<=[\s,.;:]))(?P<vol>{_VOL})\s*(?:\((?P<iss>[^()]{{1,30}})\))?\s*[,:]\s*$")
_YEAR_ONLY = lazy(_YEAR)
# where a _YEAR_LAST match can start: its \d also takes digits newer than the stdlib's tables
_YEAR_START = stdre.compile(r"(?:1[5-9]|20)(?:\d|[^\x00-\x7f]){2}")


def _year_last_from(t: str, pos: int) -> int | None:
    """A position at or after ``pos`` to search _YEAR_LAST from, or None if it has no match."""
    h = _YEAR_START.search(t, pos)
    return h.start() if h else None


def _years_from(t: str, pos: int, count: int) -> bool:
    """Whether ``count`` years may start at or after ``pos`` (an entry's other years are beside its
    own: two after the title when the entry's year is there too)."""
    for _ in range(count):
        h = _YEAR_START.search(t, pos)
        if h is None:
            return False
        pos = h.end()
    return True


def _is_abbrev(word: str) -> bool:
    if len(word) == 1:
        return True
    return word.lower() in _ABBREV


def _split_title_container(s: str, has_locator: bool) -> tuple[str | None, str | None]:
    """``Title. Journal`` -> (title, journal), splitting at the last real sentence boundary."""
    s = s.strip(" .,;:")
    if not s:
        return None, None
    q = _QUOTED.match(s) if s.lstrip()[:1] in _QUOTES else None
    if q:
        rest = s[q.end() :].strip(" .,;:")
        rest = _IN_PREFIX.sub("", rest) if rest.startswith("In") else rest
        return q.group("q").strip(" ,."), (rest or None)
    cut = None
    for m in _boundaries(s):
        before = s[max(0, m.start() - 60) : m.start()]  # a short window: the last word is all we need
        word = _LAST_TOKEN.search(before) if before.endswith(".") else None
        if word and _is_abbrev(word.group(1)):
            # "J. Am. Chem. Soc." and "Proc. Natl. Acad. Sci." are not sentence ends,
            # unless nothing but abbreviations follows (then the journal starts here)
            continue
        cut = m
    if cut is None:
        cm = _COMMA_CONTAINER.search(s)
        if cm and cm.start() > 10:
            return s[: cm.start()].strip(" .,") or None, s[cm.end() :].strip(" .,;:") or None
        # abbreviated-journal check: "Title words. J. Am. Chem. Soc." where "words" is short
        if has_locator and _looks_like_journal(s):
            return None, s.rstrip(" .")
        return s.rstrip(" ."), None
    title = s[: cut.start()].strip().rstrip(".")
    container = s[cut.end() :].strip().rstrip(".,;: ")
    return (title or None), (container or None)


def _looks_like_journal(s: str) -> bool:
    words = _WORDS.findall(s)
    if not words or len(words) > 8:
        return False
    abbrev = sum(1 for w in words if _is_abbrev(w) or (w[0].isupper() and len(w) <= 5))
    return abbrev * 2 >= len(words) or len(words) <= 4


def _split_in_editors(s: str) -> tuple[str | None, str | None] | None:
    """``Chapter. In: A B, C D (eds) Book title. Publisher`` -> (chapter, book)."""
    m = _IN_EDITORS.search(s) if "In" in s else None
    if not m or m.start() < 3:
        return None
    title = s[: m.start()].strip(" .,")
    rest = s[m.end() :]
    e = _EDS.search(rest)
    if e and e.start() < 300:
        rest = rest[e.end() :]
    b = _BOOK_END.search(rest)
    book = (rest[: b.start()] if b else rest).strip(" .,;:")
    return (title or None), (book or None)


# --------------------------------------------------------------------------------------
# The parse.


@dataclass(slots=True)
class _Fields:
    authors: tuple[Name, ...] = ()
    truncated: bool = False
    year: str | None = None
    year_after_names: bool = False
    other_years: tuple[str, ...] = ()
    title: str | None = None
    container: str | None = None
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    article_number: str | None = None
    doi: str | None = None
    url: str | None = None
    title_start: int = 0
    fragment: bool = False
    group_only: bool = False
    after: str = ""  # the text after the core (URLs, access notes): a year may hide there
    ditto: bool = False  # "______. Title": the authors are the previous entry's


def _parse(t: str, italics: list[tuple[int, int]]) -> _Fields:
    f, core = _parse_head(t)
    return _parse_body(f, core, italics)


# ABNT's mark for "the same authors as the entry before": a rule of underscores or dashes
_DITTO_FIRST = "_—–-"
_DITTO = lazy(r"(?:_{3,}|—+|–{2,}|-{3,})\s*(?P<sep>[.,;:]?)\s*")


def _parse_head(t: str) -> tuple[_Fields, str]:
    """Steps 1-3: identifiers, the core, names and the year after them (all _second_work needs)."""
    f = _Fields()
    n = len(t)

    # 1. identifiers and the core ------------------------------------------------------
    core_end = n
    dm = _DOI.search(t)
    if dm:
        f.doi = _strip_identifier(dm.group(1))
        core_end = min(core_end, dm.start())
    for um in _URL.finditer(t) if ("://" in t or "www." in t) else ():
        url = _strip_identifier(um.group())
        if "doi.org/" in url:
            core_end = min(core_end, um.start())
            continue
        if f.url is None:
            f.url = url
        core_end = min(core_end, um.start())
    tm = _tail_start(t, 0, core_end)
    while tm and tm.start() < 10:
        tm = _tail_start(t, tm.end(), core_end)
    if tm:
        core_end = tm.start()
    core = t[:core_end]
    f.after = t[core_end:]
    ids_start = _trailing_ids(core) if _may_have_trailing_ids(core) else None
    if ids_start:  # not None, not 0
        core = core[:ids_start]
    core = core.rstrip(" .,;:([")

    # 2. authors -------------------------------------------------------------------------
    ditto = _DITTO.match(core) if core[:1] in _DITTO_FIRST else None
    if ditto and ditto.group("sep") not in (";", ","):
        # "______. Title": the previous entry's authors (repeated_authors), then the title
        names = _Names([], ditto.end(), False, 0)
    elif not ditto and (chicago := _chicago_names(core)) is not None:
        names = chicago  # "Wickham, Hadley, Mara Averick, ..., et al. 2019."
    else:
        names = _scan_names(core, ditto.end() if ditto else 0)  # "______; SMITH, J.": co-authors follow
    pos = 0
    if ditto:
        f.ditto = True
        pos = ditto.end()
    if names.names:
        f.authors = tuple(names.names)
        f.truncated = names.truncated
        f.group_only = names.strong == 0
        pos = names.end
    else:
        f.fragment = bool(core[:1].islower())

    # 3. year right after the names -----------------------------------------------------
    ym = _year_paren(core, pos) or (_YEAR_BARE.match(core, pos) if names.names or ditto else None)
    if ym is None and not names.names and not ditto:
        # "Title (2007)"-less but group author: "Intergovernmental Panel on Climate Change (2007)"
        gp = _GROUP_BEFORE_YEAR.match(core)
        if gp:
            f.authors = (Name(gp.group("g").strip(" ,"), ""),)
            f.group_only = True
            pos = gp.end()
            ym = _year_paren(core, pos)
    if not f.authors and not f.fragment and not ditto:
        hg = _HEAD_GROUP.match(core)
        if hg:  # "WORLD BANK. Global economic prospects.", "NBS – National Bureau of Statistics. 2024."
            f.authors = (Name(hg.group(), ""),)
            f.group_only = True
            pos = hg.end()
            if core.startswith(" (", pos):
                pos = _EDITORS_MARK.match(core, pos).end()
            elif core[pos : pos + 3] in (" - ", " – ", " — "):
                pos += 3  # "Fundação SOS Mata Atlântica - Aqui tem Mata."
            ym = _year_paren(core, pos) or _YEAR_BARE.match(core, pos)
    elif f.group_only and ym is None:
        ym = _YEAR_SPACED.match(core, pos)  # "IST 2012 Final Report: ..."
    if ym:
        f.year = _norm_year(ym.group("y"))
        f.year_after_names = True
        pos = ym.end()
    else:
        am = _AFTER_NAMES.match(core, pos)
        pos = am.end() if am else pos
    f.title_start = pos
    return f, core


def _parse_body(f: _Fields, core: str, italics: list[tuple[int, int]]) -> _Fields:
    """Steps 3b-5 on what follows the names and year: late year, locator, title, container."""
    pos = f.title_start
    rest = core[pos:]
    offset = pos

    # 3b. a late year: Vancouver "Journal. 2009;23:2563" or a trailing "(1977)" / ". 2000."
    loc_text = None
    if f.year is None:
        vm = None
        for vm in _YEAR_VANC.finditer(rest):
            pass
        if vm:
            f.year = vm.group("y")
            loc_text = rest[vm.end() :]
            rest = rest[: vm.start()]
        else:
            tail = _year_tail(rest)
            if tail and tail.start() > 0:
                f.year = _norm_year(_tail_year(tail))
                rest = rest[: tail.start()]
                rest = rest.rstrip(" .,;:(")
    else:
        # Vancouver with the year printed twice, or physics "(1977)" after an early year
        vm = None
        for vm in _YEAR_VANC.finditer(rest):
            pass
        if vm and vm.group("y")[:4] == (f.year or "")[:4]:
            loc_text = rest[vm.end() :]
            rest = rest[: vm.start()]
        else:
            # the year printed again at the end in parentheses: "... 10, 265 (1977)"
            tail = _year_tail(rest) if rest[-1:] == ")" else None
            if tail and tail.start() > 0 and _tail_year(tail)[:4] == f.year[:4] and "(" in tail.group():
                rest = rest[: tail.start()].rstrip(" .,;:(")

    # 4. locator ------------------------------------------------------------------------
    loc_start = len(rest)
    if loc_text is not None:
        lm = _LOC_VANC.match(loc_text.strip())
        if lm:
            f.volume = lm.group("vol")
            f.issue = lm.group("iss")
            f.page = lm.group("pg") or lm.group("pg2")
    else:
        pm = _PAGES_END.search(rest)
        lm = _LOC_END.search(rest)
        if pm and (not lm or pm.start() <= lm.start() or lm.group("pg") is None and lm.group("iss") is None):
            # "..., 281-294." is pages, not a volume
            before = rest[: pm.start()].rstrip()
            vm2 = _VOL_BEFORE_PAGES.search(before)
            if vm2 and len(before) > vm2.end() - 40:
                f.volume, f.issue = vm2.group("vol"), vm2.group("iss")
                loc_start = vm2.start()
            else:
                loc_start = pm.start()
            f.page = pm.group("pg")
        elif lm and lm.start() > 0:
            f.volume = lm.group("vol")
            f.issue = lm.group("iss")
            f.page = lm.group("pg")
            if lm.group("art") is not None and f.page:
                f.article_number, f.page = f.page, None
            loc_start = lm.start()
            if f.volume and f.year is None and _YEAR_ONLY.fullmatch(f.volume) and not f.page and not f.issue:
                # "Title. Publisher, 2000." -> that number is the year
                f.year, f.volume = f.volume, None
        else:
            pp = _PP_ANY.search(rest)
            if pp:
                f.page = pp.group("pg")
    if f.article_number is None:
        an = _ARTICLE_NO.search(rest) if ("art" in rest or "Art" in rest) else None
        if an and an.start() > 5:
            f.article_number = an.group("n")
            if f.page == f.article_number:
                f.page = None
    body = rest[:loc_start]

    # 5. title and container ------------------------------------------------------------
    has_loc = bool(f.volume or f.page)
    italic = None
    for a, b in italics:
        a2, b2 = a - offset, b - offset
        if a2 >= 0 and b2 <= len(body) + 1:
            text = body[a2:b2].strip(" .,")
            if len(text) >= 3 and not text.isdigit():
                italic = (a2, b2, text)
                break
    if italic:
        before = body[: italic[0]].strip(" .,:;")
        if before:
            f.title, f.container = before, italic[2]
        else:
            f.title = italic[2]
            after = body[italic[1] :].strip(" .,:;")
            f.container = None if not has_loc else (after or None)
    else:
        chapter = _split_in_editors(body)
        if chapter:
            f.title, f.container = chapter
        else:
            f.title, f.container = _split_title_container(body, has_loc)
    if f.title:
        f.title = f.title.strip(" .,;:") or None
    if f.container:
        if f.container.startswith("In"):
            f.container = _IN_PREFIX.sub("", f.container)
        f.container = f.container.strip(" .,;:") or None
    if f.year is None:
        f.year = _late_year(core, f) or (_year_after_core(f.after) if f.after and (f.authors or f.ditto or f.title) else None)
    if f.year and f.year[:1].isdigit() and _years_from(core, f.title_start, 1 if f.year_after_names else 2):
        f.other_years = _other_years(core, f)
    elif f.year is None and (f.authors or f.ditto):
        # an undated web page is cited by the year it was seen: "... Acesso em: 20 abr. 2015."
        seen = [m.group("y") for text in (core, f.after) if _may_have_access_date(text) for m in _ACCESS_DATE.finditer(text)]
        f.other_years = tuple(seen[-1:])
    return f


# words that say an entry prints the dates of several editions: of the original, a translation, a reprint
_EDITION_WORDS = lazy(
    r"(?i:\b(?:orig(?:inal(?:ly|mente|e)?)?|trad(?:u[cç][aã]o|ucci[oó]n|uit[ea]?|\.)|transl(?:ated|ation|\.)|"
    r"reimpr(?:ess[aoã]o?|esi[oó]n|\.)?|reprint(?:ed)?|publicad[oa]|published|1st\s+ed|first\s+ed(?:ition)?|"
    r"reed(?:i[cç][aã]o|ici[oó]n|ited|\.)|nachdruck|übersetz\w*)(?![\p{L}]))"
)
# a year beside the entry's year: "2011/1979", "1982, 1987", "[1975] 1988" (not pages "2054–2060,
# 2007" nor a volume "Volume 2020, 2001")
_YEAR_PAIR = lazy(
    rf"(?<![\p{{L}}\p{{N}}/.\-–:])(?<!(?:[Vv]ol(?:ume)?|[Nn]o|[Nn]|pp?|v)\.?\s)(?P<a>{_YEAR})(?:\s?/\s?|,\s|\]\s)(?P<b>{_YEAR})(?![\p{{N}}\-–/])"
)
# a year alone in brackets, an original's date: "[1930]" (in parentheses it may be an issue or part of a name)
_LONE_YEAR = lazy(rf"\[(?P<y>{_YEAR})\]")


# pre-checks for _YEAR_PAIR (stdlib) and _EDITION_WORDS (substrings of the lower-cased text: an
# alternation of words is slow in either engine, ~10 us an entry)
_MAYBE_PAIR = stdre.compile(r"(?:1[5-9]|20)\d\d[a-z]?(?:\s?/\s?|,\s|\]\s)(?:1[5-9]|20)\d\d")
_EDITION_STEMS = ("orig", "trad", "transl", "reimpr", "reprint", "publi", "1st", "first", "reed", "nachdruck", "übersetz")


def _may_name_an_edition(text: str) -> bool:
    low = text.lower()
    return any(stem in low for stem in _EDITION_STEMS)


def _other_years(core: str, f: _Fields) -> tuple[str, ...]:
    """Other years the entry prints for the same work, beside ``f.year``: the other of a pair
    ("2011/1979", "[1975] 1988", "Press, 1982, 1987."), a year alone in brackets ("[1930]", an
    original's date), and, in an entry that says it is a translation, a reprint or an original
    edition ("(Trad. cast. ..., 1982)", "Reimpresso em ..., 2008"), every year standing alone
    after the title. Never an access date, never the entry's own year again."""
    main = f.year[:4]
    found: list[str] = []
    if _MAYBE_PAIR.search(core, f.title_start):
        for m in _YEAR_PAIR.finditer(core, f.title_start):
            if main in (m.group("a")[:4], m.group("b")[:4]):
                found += [m.group("a"), m.group("b")]
    if "[" in core:
        found += [m.group("y") for m in _LONE_YEAR.finditer(core, f.title_start)]
    edition = _EDITION_WORDS.search(core, f.title_start) if _may_name_an_edition(core) else None
    if edition:
        stop = _SENTENCE_STOP.search(core, f.title_start)
        title_end = stop.start() if stop and stop.start() < edition.start() else edition.start()
        for m in _outside_access_dates(core, list(_YEAR_LAST.finditer(core, title_end))):
            if _YEAR_ENDS.match(core, m.end()):
                found.append(m.group("y"))
    return tuple(dict.fromkeys(y for y in found if y[:4] != main))


# what may follow a year that is a date of publication: "..., 2005.", "2005 (Trad. ...)", "2005;"
_YEAR_ENDS = lazy(r"\s*(?:[.,;:()\[\]]|$)")
_SENTENCE_STOP = lazy(r"[.?!]\s")
# an imprint, "City: Publisher, 2001" ("; 2018" in Vancouver): the year of the edition at hand
_IMPRINT = lazy(r":\s[^:.;()\[\]]{1,80}[,;]\s*$")
_IMPRINT_WINDOW = 90  # what _IMPRINT can span before the year: each candidate looks that far back only
_PREFERRED_AMONG = 64  # a real entry prints a handful of years; a megabyte of them is searched this far only


def _late_year(core: str, f: _Fields) -> str | None:
    """Last resort: a plausible year after the names, never one inside the title nor an access date.
    In order: the first after an imprint ("Paris: Grasset, 1981 (Trad. ..., 1982)"), the first
    opening a sentence ("... (NCD-RisC). 2016. Trends ... 1698 studies"), each standing alone
    (not "1981 - 1982", not "[1930]", an original's date); else the last one. An entry without
    names (perhaps a fragment) only takes a year from the second half of its text."""
    start = _year_last_from(core, f.title_start)
    if start is None:
        return None
    cands = _outside_access_dates(core, list(_YEAR_LAST.finditer(core, start)), f.title_start)
    if not cands:
        return None
    chosen = []
    if len(cands) > 1:
        alone = [c for c in cands[:_PREFERRED_AMONG] if core[c.start() - 1] != "[" and _YEAR_ENDS.match(core, c.end())]
        chosen.append(next((c for c in alone if _imprint_before(core, max(f.title_start, c.start() - _IMPRINT_WINDOW), c.start())), None))
        chosen.append(next((c for c in alone if c.start() - 2 >= f.title_start and core[c.start() - 2] in ".?!" and core[c.start() - 1].isspace()), None))
    chosen.append(cands[-1])
    half = len(core) // 2
    return next((c.group("y") for c in chosen if c and (f.authors or f.ditto or c.start() > half)), None)


def _imprint_before(t: str, lo: int, hi: int) -> bool:
    return t.find(":", lo, hi) != -1 and _IMPRINT.search(t, lo, hi) is not None


def _outside_access_dates(t: str, cands: list, pos: int = 0) -> list:
    """The year matches ``cands`` (in order) that are not part of an access date in ``t[pos:]``."""
    if not cands or not _may_have_access_date(t):
        return cands
    out = []
    spans = _ACCESS_DATE.finditer(t, pos)
    span = next(spans, None)
    for c in cands:
        while span is not None and span.end() <= c.start():
            span = next(spans, None)
        if span is None or c.start() < span.start():
            out.append(c)
    return out


def _may_have_access_date(t: str) -> bool:
    return "cess" in t or "ited" in t or "iewed" in t or "etrieved" in t or "onsult" in t or "ugriff" in t or "bgerufen" in t


# access dates, which are no dates of publication: "Acesso em: 19. jan. 2019", "[cited 2024 Apr 04]"
_ACCESS_DATE = lazy(
    rf"(?:[Aa]cess(?:o|ado)\s(?:em|en)|[Aa]cceso|[Aa]ccessed|[Cc]onsultad[oa]|[Cc]ited|[Vv]iewed|[Rr]etrieved|[Ll]ast\saccess(?:ed)?|"
    rf"[Zz]ugriff|[Aa]bgerufen|[Cc]onsulté)\b[^\d]{{0,20}}(?:\d{{1,2}}[.\-/]?\s*)?(?:\p{{L}}{{1,12}}[.\-/]?\s*)?(?:\d{{1,2}}[.\-/]?,?\s*)?(?P<y>{_YEAR})"
)


def _year_after_core(after: str) -> str | None:
    """The year printed after a URL or an access note ("…/John-Searle, 2021.", "Acesso em: 19. jan.
    2019. 2016."): the first one outside the URLs, DOIs and access dates."""
    if _year_last_from(after, 0) is None:
        return None
    blank = _URL.sub(_blanks, after) if ("://" in after or "www." in after) else after
    blank = _DOI.sub(_blanks, blank)
    blank = _ACCESS_DATE.sub(_blanks, blank) if _may_have_access_date(blank) else blank
    for m in _YEAR_LAST.finditer(blank):
        if _YEAR_ENDS.match(blank, m.end()):
            return m.group("y")
    return None


def _blanks(m) -> str:
    return " " * len(m.group())


def _tail_year(m) -> str:
    return m.group("y") or m.group("p") or m.group("b")


_RANGE_AFTER = lazy(r"(?:[.)\]]|(?<![\p{N}.])\p{L}+,)\s*$")


def _year_tail(rest: str):
    """_YEAR_TAIL's match, but a range or pair ("1780-1811", "2011/1979") only as an element of its
    own, after a sentence end or a word and a comma: not pages ("Nat Genet 50, 1505–1513", ": 1995-2000")
    nor the end of a title ("... em cada estado 2014–2021")."""
    m = _YEAR_TAIL.search(rest)
    if m and m.group("y") and rest[m.end("y") : m.end()].strip(" .,;") and not _RANGE_AFTER.search(rest, 0, m.start("y")):
        return None
    return m


def _norm_year(y: str) -> str:
    if y.isdigit():
        return y  # the common case, unchanged by what follows
    y = y.strip()
    if y.lower().replace(" ", "") in ("inpress", "noprelo", "enprensa", "souspresse", "imdruck"):
        return "in press"
    if y[:1] in "nNsS":
        return "n.d."  # "n.d.", "s.d."
    return y


def _confidence(f: _Fields) -> float:
    score = 0.0
    if f.authors or f.ditto:
        score += 0.15 if f.group_only else 0.3
    if f.year:
        score += 0.25 if f.year[:1].isdigit() else 0.15
    if f.title:
        score += 0.2
    if f.container:
        score += 0.1
    if f.volume or f.page or f.article_number:
        score += 0.1
    if f.doi:
        score += 0.05
    if not f.year_after_names and f.authors and f.year:
        score -= 0.05  # found late: a little less certain
    if f.fragment:
        score *= 0.5
    return max(0.0, min(1.0, round(score, 2)))


# --------------------------------------------------------------------------------------
# Two works in one entry.

_GIVEN_INITIALS_ONLY = lazy(r"(?:\p{Lu}\.?[\s\-‐]*)+")
_PART_START = lazy(r"(?<=[.?!])\s+(?=\p{Lu}|(?:van|von|de|der|da|di|du|la|le)\s)")


def _second_work(t: str, f: _Fields) -> int | None:
    """Clean offset where a second ``Names (Year).`` block starts, or None.

    Conservative: the first work must itself start with names and a year; the second must be
    a name list (with initials) directly followed by a year and then more text, right after a
    sentence end, and not an ``In: Editors (eds)`` clause.
    """
    if not (f.authors and f.year and f.year_after_names) or f.group_only:
        return None
    search_from = f.title_start + 10
    start = _year_last_from(t, search_from)
    if start is None or not _YEAR_LAST.search(t, start):
        return None  # no second year, no second work
    # a list gives its names one way: where the first work's have initials only, so have the second's
    initials = all(a.given and _GIVEN_INITIALS_ONLY.fullmatch(a.given) for a in f.authors)
    for m in _PART_START.finditer(t, search_from):
        p = m.end()
        head = t[max(0, m.start() - 4) : m.start()]
        if head.endswith(("In.", "In:", " eds.", " Eds.")):
            continue
        names = _scan_names(t, p)
        if not names.names or names.strong == 0:
            continue
        if initials and not all(n.given and _GIVEN_INITIALS_ONLY.fullmatch(n.given) for n in names.names):
            continue  # "Viola P, Jones M. ... Computer Vision and Pattern Recognition, 2001.": a venue, not "Vision, Computer"
        ym = _year_paren(t, names.end) or _YEAR_BARE.match(t, names.end)
        if not ym:
            continue
        tail = t[ym.end() :]
        if len(_WORDS2.findall(tail, 0, 200)) < 3:
            continue
        return p
    return None


# Works read from one entry: each further one re-reads the rest of the entry, so an "entry" of
# 50,000 works (1 MB of "Lee, K. (2020). U. ") took quadratic time; past this, the last part
# holds the rest. A real entry merges two or three works.
MAX_PARTS = 20


def _build(source: Source, start: int, end: int, id: str, label: str | None, split: bool, parts_left: int = MAX_PARTS) -> Reference:
    raw = source.text[start:end]
    cleaned = _clean(raw)
    t = cleaned.text
    f, core = _parse_head(t)
    if split and parts_left > 1:
        p = _second_work(t, f)
        if p is not None:
            cut = start + cleaned.to_raw(p)
            first_end = cut
            while first_end > start and source.text[first_end - 1].isspace():
                first_end -= 1
            first = _build(source, start, first_end, f"{id}.1", label, False)
            second = _build(source, cut, end, f"{id}.2", label, True, parts_left - 1)
            # a third work inside the second: number the parts 1, 2, 3 at one level
            rest = tuple(replace(r, id=f"{id}.{k + 2}") for k, r in enumerate(second.parts)) or (second,)
            parts = (first, *rest)
            return Reference(
                id=id,
                span=source.span(start, end),
                raw=raw,
                label=label,
                authors=first.authors,
                authors_truncated=first.authors_truncated,
                year=first.year,
                title=first.title,
                container_title=first.container_title,
                volume=first.volume,
                issue=first.issue,
                page=first.page,
                article_number=first.article_number,
                doi=first.doi,
                url=first.url,
                confidence=min(first.confidence, 0.6),
                other_years=first.other_years,
                parts=parts,
            )
    f = _parse_body(f, core, cleaned.italics)  # only now: a split entry takes its fields from its parts
    return Reference(
        id=id,
        span=source.span(start, end),
        raw=raw,
        label=label,
        authors=f.authors,
        authors_truncated=f.truncated,
        year=f.year,
        title=f.title,
        container_title=f.container,
        volume=f.volume,
        issue=f.issue,
        page=f.page,
        article_number=f.article_number,
        doi=f.doi,
        url=f.url,
        confidence=_confidence(f),
        other_years=f.other_years,
    )


def parse_reference(source: Source, start: int, end: int, *, id: str, label: str | None) -> Reference:
    """Parse ``source.text[start:end]``, one reference entry without its printed label.

    >>> src = Source("x.md", "Baldwin PR, Penczek PA. 2007. The Transform Class. J Struct Biol 157:250–61.")
    >>> ref = parse_reference(src, 0, len(src.text), id="r1", label=None)
    >>> ref.first_author, ref.year, ref.container_title, ref.volume, ref.page
    ('Baldwin', '2007', 'J Struct Biol', '157', '250–61')
    """
    try:
        return _build(source, start, end, id, label, True)
    except Exception:  # noqa: BLE001 - a reader must never crash on text; say "unsure" instead
        return Reference(
            id=id, span=source.span(start, end), raw=source.text[start:end], label=label, confidence=0.0
        )


def parse_references(source: Source, entries) -> list[Reference]:
    """Parse every ``(start, end, label)`` entry of a list; ids are ``r1``, ``r2``... in order."""
    return repeated_authors([parse_reference(source, s, e, id=f"r{i + 1}", label=label) for i, (s, e, label) in enumerate(entries)])


def repeated_authors(references: list[Reference]) -> list[Reference]:
    """ABNT's ``______. Title`` (``———.``, ``---.``) repeats the previous entry's authors;
    ``______; SMITH, J.`` adds co-authors to them. Such an entry takes its authors from the one before."""
    out = list(references)
    for k in range(1, len(out)):
        ref = out[k]
        if ref.raw.lstrip()[:1] in _DITTO_FIRST and out[k - 1].authors and _DITTO.match(_clean(ref.raw).text):
            out[k] = replace(ref, authors=out[k - 1].authors + ref.authors, authors_truncated=out[k - 1].authors_truncated or ref.authors_truncated)
    return out


# A compact wire form of References for handing them between processes (refcheck.background):
# plain tuples that marshal encodes and decodes many times faster than pickle does dataclasses.
_FIELDS = tuple(f.name for f in fields(Reference))
_SPAN, _AUTHORS, _PARTS = (_FIELDS.index(n) for n in ("span", "authors", "parts"))


def _row(ref: Reference) -> tuple:
    row = [getattr(ref, name) for name in _FIELDS]
    row[_SPAN] = tuple(ref.span)
    row[_AUTHORS] = tuple((n.family, n.given) for n in ref.authors)
    row[_PARTS] = tuple(_row(p) for p in ref.parts)
    return tuple(row)


def _unrow(row: tuple) -> Reference:
    row = list(row)
    row[_SPAN] = Span(*row[_SPAN])
    row[_AUTHORS] = tuple(Name(f, g) for f, g in row[_AUTHORS])
    row[_PARTS] = tuple(_unrow(p) for p in row[_PARTS])
    return Reference(*row)


def dump_references(references: list[Reference]) -> bytes:
    """References as bytes; ``load_references(dump_references(refs)) == refs``."""
    return marshal.dumps([_row(r) for r in references])


def load_references(data: bytes) -> list[Reference]:
    return [_unrow(row) for row in marshal.loads(data)]
