"""Surname normalisation and comparison: the one place that decides when two names are the same.

Linking, rules and (later) Crossref matching all go through here, so that case, diacritics,
particles (van, del, de la), hyphens, apostrophes and LaTeX accents are treated alike everywhere.

>>> surname_key("SMOLINSKÁ") == surname_key("Smolinská")
True
>>> surname_key("van der Berg") == surname_key("Berg")
True
>>> surname_key("McLaughlin Jr") == surname_key("McLaughlin")
True
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

PARTICLES = frozenset(
    "van von der den de del della delle dei degli di da das dos do du la las le les lo los ten ter te "
    "zu zum zur y e al el bin ibn ben st saint mac".split()
)

# The lower-case words that end the name of a group of people credited as an author: "GDAL/OGR
# contributors", "the dc.js Developers", "the pandas development team", "ICON partnership". After
# named people ("Zhu, Nick, and the dc.js Developers") they stand for the rest, like "et al.".
GROUP_TAILS = ("contributors", "developers", "team", "community", "partnership", "consortium", "collaboration")
GROUP_TAIL = "(?:" + "|".join(GROUP_TAILS) + ")"  # as a regular expression, for the readers' patterns
# the people of a project named after the named ones, up to two words before the group word:
# "the dc.js Developers", "leaflet contributors", "R Core team" (a `regex` pattern)
PEOPLE_OF = r"(?:the\s+)?(?:[\p{L}\p{N}][\p{L}\p{N}.\-/]*\s+){0,2}?(?i:" + GROUP_TAIL + ")"

_LATEX_ACCENT = re.compile(r"\\[`'^\"~=.uvHtcdbrk]\s*\{?\\?([A-Za-z])\}?|\\(?:ss|o|O|l|L|ae|AE|oe|OE|aa|AA|i|j)\b|[{}]")
_LATEX_LETTERS = {"\\ss": "ss", "\\o": "o", "\\O": "O", "\\l": "l", "\\L": "L", "\\ae": "ae", "\\AE": "AE",
                  "\\oe": "oe", "\\OE": "OE", "\\aa": "a", "\\AA": "A", "\\i": "i", "\\j": "j"}
_NON_LETTER = re.compile(r"[^a-z]+")
_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _latex(match: re.Match) -> str:
    text = match.group(0)
    if match.group(1):
        return match.group(1)
    return _LATEX_LETTERS.get(text, "")


def _delatex(text: str) -> str:
    """``Heged{\\H u}s`` -> ``Hegedus``: accent commands keep their letter, braces go."""
    if "\\" in text or "{" in text:
        return _LATEX_ACCENT.sub(_latex, text)
    return text


def fold(text: str) -> str:
    """Lower-case ASCII letters only: ``"Sendon-Lago"`` -> ``"sendonlago"``, ``"Sørensen"`` -> ``"sorensen"``."""
    return _NON_LETTER.sub("", anyascii(_delatex(text)).lower())


@lru_cache(maxsize=1 << 18)
def surname_key(name: str) -> str:
    """The comparison key of a surname: folded, leading particles dropped.

    ``"van der Berg"`` and ``"Berg"`` share the key ``"berg"``; ``"O'Carroll"`` is ``"ocarroll"``;
    a surname that is nothing but particles (``"De"``) keeps them.
    """
    words = _WORDS.findall(unicodedata.normalize("NFC", _delatex(name)))
    if not words:
        return fold(name)
    while len(words) > 1 and words[-1].lower() in _GENERATIONAL:
        words.pop()  # "McLaughlin Jr" is cited "McLaughlin"
    index = 0
    while index < len(words) - 1 and fold(words[index]) in PARTICLES:
        index += 1
    return fold("".join(words[index:]))


@lru_cache(maxsize=1 << 18)
def surname_keys(name: str) -> frozenset[str]:
    """Every key a surname may be cited under: whole, without particles, and each hyphen part.

    ``"Sendon-Lago"`` -> {"sendonlago", "sendon", "lago"} is NOT what we want for linking:
    hyphen parts are only offered for compound names written with a space (``"Abu Kasim"``
    may be cited as ``"Kasim"``), so the set stays small and precise.
    """
    keys = {surname_key(name), fold(name)}
    words = _WORDS.findall(name)
    if len(words) > 1 and "-" not in name:
        keys.add(fold(words[-1]))
    keys.discard("")
    return frozenset(keys)


_GENERATIONAL = frozenset(("jr", "sr", "ii", "iii", "iv"))
_DASHES = str.maketrans("‐‑‒–—", "-----")
_ACRONYM = re.compile(r"\((\w[\w&/\-]{1,15})\)\s*$")
# the acronym an organisation's name starts with, before a dash or in brackets: "NBS – National
# Bureau of Statistics", "IBGE - Instituto Brasileiro de ...", "[Embrapa] Empresa Brasileira de ..."
_LEADING_ACRONYM = re.compile(r"^(?:([^\W\d_][\w&\-]{1,15})\s[–—-]\s|\[([^\W\d_][\w&\-]{1,15})\]\s)(?=\w)")
_CAPITALISED = re.compile(r"(?<![\w\-])\w", re.UNICODE)


JOINERS = frozenset("of on for and the de do da dos das del della des du la e y und für et".split())


def org_key(name: str) -> str:
    """An organisation's name folded without its small words, however a citation split it:
    ``"Instituto Brasileiro de Geografia e Estatística"`` -> ``"institutobrasileirogeografiaestatistica"``."""
    return fold("".join(w for w in _WORDS.findall(name) if w.lower() not in JOINERS))


def acronym(name: str) -> str | None:
    """The acronym an organisation's name ends with in parentheses: ``"Ministério do Meio Ambiente (MMA)"`` -> ``"MMA"``."""
    m = _ACRONYM.search(name)
    return m.group(1) if m else None


@lru_cache(maxsize=1 << 14)
def group_keys(name: str) -> frozenset[str]:
    """Every key an organisation may be cited under, beyond ``surname_keys``: the acronym it gives
    in parentheses or before a dash, its name without it, and the initials of its capitalised words.

    >>> sorted(group_keys("Instituto Brasileiro de Geografia e Estatística (IBGE)"))
    ['ibge', 'institutobrasileirodegeografiaeestatistica', 'institutobrasileirogeografiaestatistica']
    >>> sorted(group_keys("World Health Organization"))
    ['who', 'worldhealthorganization']
    >>> sorted(group_keys("NBS – National Bureau of Statistics"))
    ['nationalbureauofstatistics', 'nationalbureaustatistics', 'nbs']
    """
    keys: set[str] = set()
    lead = _LEADING_ACRONYM.match(name)
    if lead:
        keys.add(fold(lead.group(1) or lead.group(2)))
        name = name[lead.end() :]
        keys.add(fold(name))
    acronym = _ACRONYM.search(name)
    if acronym:
        keys.add(fold(acronym.group(1)))
        name = name[: acronym.start()].strip()
        keys.add(fold(name))
    keys.add(org_key(name))
    words = name.split()
    initials = "".join(w[0] for w in words if w[:1].isupper())
    if len(initials) >= 2:
        keys.add(fold(initials))
    keys.discard("")
    return frozenset(keys)


def same_surname(a: str, b: str) -> str | None:
    """How two surnames agree: ``"exact"``, ``"case"``, ``"diacritics"``, ``"particle"`` (one has a
    particle the other has not: ``"van der Berg"``, ``"Berg"``), or None.

    >>> same_surname("liu", "Liu")
    'case'
    >>> same_surname("Sorensen", "Sørensen")
    'diacritics'
    """
    if a == b or a.translate(_DASHES) == b.translate(_DASHES):
        return "exact"  # "Español–Suñer" and "Español-Suñer": one name, whatever the dash
    if a.casefold() == b.casefold():
        return "case"
    if fold(a) == fold(b):
        return "diacritics"
    if surname_key(a) == surname_key(b):
        return "particle"  # "de Artiles" in a Portuguese sentence ("os estudos de Artiles") for "Artiles"
    return None
