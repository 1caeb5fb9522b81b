"""The in-text citation grammar shared by every text reader.

One module, one tested grammar. It works on a *masked* copy of the text: the same length as
the original, with markup (emphasis markers, code, comments, link targets) blanked out, so
every offset found here is an offset into the original file and every Span slices back to
the citation as written.

Recognised forms::

    (Smith, 2019)  (Smith & Lee, 2019)  (Smith and Lee 2019)  (Smith et al., 2019a, b)
    (Smith et al., 2019; Lee, 2020)  (see Smith, 2019, p. 4)  (Smith, 1996a; 1996b)
    Smith et al. (2019)  Smith et al., (2019)  van der Berg (n.d.)  Lee (in press)
    [1]  [1, 2]  [1-3]  [1]–[3]  <sup>1,2</sup>  ¹²  (1, 2) in documents cited that way
    [@key]  [@a; @b, p. 3]  [see @a;⏎ @b]  [-@key]  @key  @{key}  (pandoc's grammar, exactly: find_pandoc_keys)

Never citations: gene and cytokine names (IL-6, TNF- α), dates (19.06.2023), DOIs, figure and
equation numbers, e-mail addresses, Markdown links and footnotes.
"""

from __future__ import annotations

import bisect
import dataclasses
import re as stdre
from dataclasses import dataclass
from functools import lru_cache

import regex as re

from refcheck.lazyre import lazy

from refcheck.model import Citation, CitationItem, Source
from refcheck.names import JOINERS, PARTICLES, PEOPLE_OF


# --- author-year -------------------------------------------------------------------------

# Every year ends where no letter follows ("in pressure" is no year): _ITEM_START relies on it.
YEAR = r"(?:(?<![\p{L}\d./\-–])(?:1[5-9]\d\d|20\d\d)(?:[a-z](?![\p{L}]))?(?![\d\p{Ll}]|\.\d)|n\.\s?d\.|(?:in\s+press|forthcoming|no\s+prelo|en\s+prensa|sous\s+presse|im\s+Druck)(?!\p{L}))"  # not "2023.09" (a version)
_PARTICLE = r"(?:(?:[Vv]an|[Vv]on|[Dd]er|[Dd]en|[Dd]e|[Dd]el|[Dd]ella|[Dd]i|[Dd]a|[Dd]u|[Dd]os|[Ll]a|[Ll]as|[Ll]e|[Ll]os|[Tt]en|[Tt]er|[Aa]l|[Ee]l)(?:\s+|-(?=\p{Lu})))"  # "el-Hajj", "al-Farabi"
# Atomic, like _LOWER_SURNAME: what may follow a name (a space, a comma, "(", a year) is never a
# letter, an apostrophe or a hyphen, so giving characters back can only fail, and in a long
# word ("AAAA...", "Smith-Smith-...") retrying every split of it made the search quadratic or worse.
_WORD = r"(?>(?:(?<![\p{L}\p{M}])[dDlL]['’])?\p{Lu}[\p{L}\p{M}'’]*(?:[-‐‑–][\p{L}\p{M}'’]+)*(?:(?<=[-‐\s]Jr|[-‐\s]Sr)\.)?)"  # "Ghizoni-Jr.", "Español–Suñer"
# Possessive: nothing that may follow a surname (",", "and", "&", "et al", a year, "(") starts
# with a space and a capitalised word, so giving words back can only fail.
# "Yarza De los Ríos"; an organisation's name may start with a number that is no year ("1000 Genomes Project Consortium")
_SURNAME = rf"(?:(?:(?:(?<![\p{{L}}\p{{M}}]){_PARTICLE}{{1,3}})?|(?<![\d\p{{L}}.,\-–/])(?!(?:1[5-9]|20)\d\d\b)\d{{1,4}}\s(?=\p{{Lu}}))(?:{_WORD}(?:\s{_PARTICLE}{{0,2}}{_WORD}){{0,3}}+))"
# initials given in a citation ("Agostinelli, C. and Lund, 2022"): read, and reported as malformed
_INITIALS = r"(?:\s*,\s*\p{Lu}\.(?:\s?-?\p{Lu}\.){0,2})"
_LOWER_SURNAME = r"(?:(?>\p{Ll}[\p{Ll}\p{M}'’-]+)(?=\s+et\s*al))"
# "et al.", "and colleagues", "& others", and the people of a project after the named ones: "Zhu and
# the dc.js Developers (2019)", "Agafonkin and leaflet contributors (2019)" (names.PEOPLE_OF)
_OTHERS = rf"(?:colleagues|co-?workers|colaboradores|others|{PEOPLE_OF})"
_ETAL = rf"(?:\s*,?\s+(?:et\s*al(?P<etal_dot>\.)?|(?P<colleagues>(?:and|e|y|\\?&)\s+{_OTHERS})(?!\p{{L}})))"
# "and" between two authors, in the languages of the literature: e (Portuguese, Italian), y
# (Spanish), und (German), et (French; "et al" is not it: a surname is capitalised); "\\&" is LaTeX's
_AND = r"and|\\?&|e|y|und|et"
AUTHORS = (
    rf"(?P<authors>(?:{_SURNAME}{_INITIALS}?|{_LOWER_SURNAME})"
    rf"(?:(?:\s*,\s*{_SURNAME}{_INITIALS}?){{0,4}}+\s*,?\s+(?:{_AND})\s+{_SURNAME}{_INITIALS}?"  # possessive: "and" starts no surname ("\\&": LaTeX's)
    # ... or names up to "et al.", as citeproc writes them to tell two works apart ("Wickham, Chang, et al. 2022"),
    # or up to a project's people ("Ribatet, Singleton, and R Core team 2022")
    rf"|(?:\s*,\s*{_SURNAME}){{1,6}}+(?=\s*,?\s+(?:et\s*al|(?:and|\\?&)\s+{_OTHERS}(?!\p{{L}}))))?"
    rf"{_ETAL}?)"
)
YEARS = rf"(?P<years>{YEAR}(?:\s*,\s*(?:{YEAR}|[a-z](?![\p{{L}}\d./])))*)"
# a narrative citation's years may also be separated by ";": "Clarke (1977; 2008)"
_NARRATIVE_YEARS = rf"(?P<years>{YEAR}(?:\s*[,;]\s*(?:{YEAR}|[a-z](?![\p{{L}}\d./])))*)"

# Where an item of a group may start. A capital inside a word (or right after a hyphen in one)
# that has a capital earlier in its letters starts the same word, to the same end, as that
# earlier capital, which is tried first: it can only repeat that start's failure. Likewise a
# lower-case start right after a lower-case letter (the _LOWER_SURNAME form), since no match
# ends right before a letter. Skipping them (unless a particle or "d'X" starts there) changes no
# match and makes a long word one start instead of one per letter: 1 MB of groups like
# "(AAAA...A 2150, 2019)" took 45 s.
_ITEM_START = (
    rf"(?:(?<![\p{{L}}\p{{M}}])(?={_PARTICLE}|[dDlL]['’]\p{{Lu}})"
    r"|(?=\p{Lu})(?<!\p{Lu}[\p{L}\p{M}'’]*?[-‐–]?)"
    r"|(?=\p{Ll})(?<!\p{Ll})"
    r"|(?=\d)(?<![\d\p{L}.,\-–/]))"
)
# "(Hart et al., 20152014)": two years run together, read as the first and reported as malformed
_GARBLED_YEAR_HINT = stdre.compile(r"(?:1[5-9]|20)\d\d(?:1[5-9]|20)\d\d")  # "(Hart et al., 20152014)"
_GLUED_HINT = stdre.compile(r"[a-z](?:1[5-9]|20)\d\d[a-z]?\s*$")  # _GLUED_NAME_YEAR's end, found without the author pattern
# either of them ("Letouze1983" at a group's end): one search for groups without a year
_YEARISH_HINT = stdre.compile(f"{_GARBLED_YEAR_HINT.pattern}|{_GLUED_HINT.pattern}")
_GLUED_NAME_YEAR = lazy(rf"{_ITEM_START}{AUTHORS}(?<=\p{{Ll}})(?P<y>(?:1[5-9]|20)\d\d[a-z]?)(?!\d)\s*$")
_GARBLED = lazy(rf"{_ITEM_START}{AUTHORS}\s*,\s*(?P<y1>(?:1[5-9]|20)\d\d)(?P<y2>(?:1[5-9]|20)\d\d)(?!\d)")
# "Smith et al., 2019" inside a parenthesis or bracket group
_PAREN_ITEM = lazy(rf"{_ITEM_START}{AUTHORS}(?P<sep>\s*,(?:\s*,)?\s*|\s+){YEARS}")  # "et al.,, 2012"
# "Smith et al. (2019)" / "Smith et al., (2019)"
# small words a lost space glues to the authors after them: "andSullivan & Williamson (1999)", "afterEvans, Reisz & Dupuis (2007)"
_GLUED_BEFORE = "and|in|by|of|from|see|with|after|following|per|as|than|like|unlike|including"
# a page or chapter after the year: "(2019, p. 48)", "(1988, cap. 3)", "(2010, s/p)"
_LOCATOR = r"(?:\s*[,:]\s*(?:pp?\.|chap\.|ch\.|cap\.|s/p|s\.\s?p\.|fl?\.|v\.|vol\.)[^()\[\]\n]{0,80}?)"
_NARRATIVE = lazy(
    rf"(?:(?<![\p{{L}}\d@])|(?<=(?<!\p{{L}})(?:{_GLUED_BEFORE})))(?:{AUTHORS})"
    # a possessive may name what of the author's work is meant: "Winkler's equation (1965)"
    rf"(?:(?<=\p{{Ll}}['’]s|\p{{Ll}}s['’])(?P<owned>(?:\s+\p{{Ll}}[\p{{Ll}}\-]*){{1,3}}))?"
    rf"(?P<sep>\s*,?\s*)(?P<open>[(\[])\s*{_NARRATIVE_YEARS}"
    rf"(?P<locator>{_LOCATOR})?\s*[)\]]"
)
# (A body without brackets is tried first as one run of characters: the same match, and the
# engine does not take the alternation at every character of the text.)
_GROUP = stdre.compile(  # ASCII only: the stdlib engine scans megabytes faster
    r"(?<!\])\((?P<body>(?:[^()\[\]\n]{2,600}|(?:[^()\[\]\n]|\[[A-Za-z][A-Za-z0-9&/-]{1,11}\]){2,600})(?:\n(?!\s*\n)[^()\[\]\n]{0,600}){0,4})\)"
    r"|\[(?P<bbody>[^\[\]()\n]{2,600})\](?!\()"
    r"|(?<=\|)(?P<cell>[^|()\[\]\n]{2,600})(?=\|)"  # a Markdown table cell that lists citations
)
# where a narrative citation can end: "(2019", "[1987", "(n.d.", "(in press"; the authors are then
# matched in a short window before it, instead of trying the author pattern at every character
# "*Turdus rufiventris* Vieillot, 1818", "*B. culicivorus* (Lafresnaye, 1843)", "**Picidae** Leach, 1820":
# a species name in italics or a family, order or tribe in emphasis (by the suffixes of zoological and
# botanical ranks), then its describer and year (the taxonomic authority): not a citation of a listed work
_TAXON_BEFORE = lazy(
    r"(?:^|[\s(|;,])(?:([*_])\p{Lu}(?:\p{Ll}+|\.)(?:\s+\(?\p{Ll}[\p{Ll}-]{2,}\)?){1,2}\1"
    r"|([*_]{1,2})\p{Lu}\p{Ll}+(?:idae|inae|oidea|iformes|ini|aceae|ales|ineae|oideae|phyceae|mycetes)\2)\s*\(?\s*$"
)
_NARRATIVE_YEAR = stdre.compile(r"[(\[]\s*(?:1[5-9]\d\d|20\d\d|n\.\s?d\.|in\s+press|forthcoming|no\s+prelo|en\s+prensa|sous\s+presse|im\s+Druck)")
# "in press" in the languages of the literature (Portuguese, Spanish, French, German)
IN_PRESS = frozenset({"in press", "no prelo", "en prensa", "sous presse", "im druck"})
NARRATIVE_WINDOW = 160
# a part of a group that is its years alone, the authors those of the part before: "1996b" in
# "(Smith, 1996a; 1996b)", with a page ("2004, p. 110") or after "idem" ("*idem*, 2004", "Id., 2007a")
_IDEM = r"[*_]?(?i:idem|ibidem|id\.|ibid\.)[*_]?"  # "the same author(s)", emphasised or not
_SAME_AUTHORS = rf"(?:{_IDEM}\s*,?\s*)"
_YEAR_ONLY = lazy(rf"^\s*{_SAME_AUTHORS}?{YEARS}{_LOCATOR}?\s*$")
# a part of ABNT names before the one with the year: "(cf. BRAIT; PISTORI, 2012)", "(PAULA, SILVA; WOIDA, 2020)"
_NAME_ONLY = lazy(rf"^\s*(?:(?:cf\.|see|ver|veja|vide)\s+)?({_SURNAME}(?:\s*,\s*{_SURNAME}){{0,3}})(?P<etal>\s+et\s*al\.?)?\s*$")
# lower-case words describing a thing, a spaced dash, then who made it and when: "(o tropo, girando, da vida –
# W.G. Horner, 1834)", "(exibição de ações – Reynaud, 1877)": an attribution, not a citation of the
# list unless an entry has that name and year
_ATTRIBUTION = lazy(r"(?<!\p{L})\p{Ll}{2,}[^–—\-]*\s[–—-](?:\s+\S+)?\s*$")
# a capitalised phrase emphasised whole, a title ("**" opening the citation is none, nor "*apud*")
_EMPHASIS_BEFORE = lazy(r"([*_]+)\p{Lu}[^*_]*\1")
# two names in the Vancouver form of a reference list ("Ferry Q, Steinberg J,"): a reference typed
# into the text (a data citation), which names a listed work only where the list corroborates it
_VANCOUVER_NAMES = lazy(r"\p{Lu}[\p{Ll}\p{M}'’\-]+\s\p{Lu}{1,3},\s+\p{Lu}[\p{Ll}\p{M}'’\-]+\s\p{Lu}{1,3},")
_NAME_AFTER_ITEM = lazy(rf"\s*,\s*({_SURNAME})(?P<etal>\s+et\s*al\.?)?\s*$")
_SEVERAL_CAPITALISED = lazy(r"\p{Lu}[\p{Ll}\p{M}'’-]+(?:\s+\p{Lu}[\p{Ll}\p{M}'’-]+)+")
_YEAR_TOKEN = YEAR_TOKEN = re.compile(YEAR)
_SUFFIX_ONLY = lazy(r"^[a-z]$")
_YEAR_OR_SUFFIX = lazy(rf"{YEAR}|(?<![\p{{L}}])[a-z](?![\p{{L}}\d.])")
_SPACES = lazy(r"\s+")
_ET_AL_WORDS = lazy(rf"\bet\s*al\b|(?:\band|\be|\by|&)\s+{_OTHERS}(?!\p{{L}})")
_ET_AL_TAIL = lazy(rf"\s*,?\s+(?:et\s*al\.?|(?:and|e|y|\\?&)\s+{_OTHERS})\s*$")
_AUTHOR_SEPARATOR = lazy(rf"\s*,\s*|\s+(?:{_AND})\s+")
_GIVEN_INITIALS = lazy(rf"\p{{L}}{_INITIALS}")
_CAMEL = lazy(r"(?!Mc|Mac|De|Di|Da|Du|Le|La|Van|Von|Fitz|St|Te)\p{Lu}\p{Ll}+\p{Lu}[\p{L}]*")  # not "McDonald", "DeLano"
_RANGE_AFTER = lazy(r"\s?[–/-]\s?(?:1[5-9]|20)\d\d")  # "1955–1969", a season "2006/2007"
_TITLE_AFTER = lazy(r"\.\s+\p{Lu}")
_INITIALS_ONLY = lazy(r"\p{Lu}\.(?:\s?-?\p{Lu}\.)*")
_TRAILING_INITIALS = lazy(r"(?<=\p{L}{2})(?:\s+\p{Lu}{1,2}\.?)+$")
_LEADING_WORD = lazy(r"(\p{L}+)[\s,]+(?=\p{Lu}|(?:van|von|de|del|della|di|da|du|la|le)\s)")
_DASH = lazy(r"[-–—]")
_WORD_CHAR = lazy(r"[\d\p{L}]")

# Words that start sentences or name things and are never the first word of a surname.
STOPWORDS = frozenset(
    """a an and as at also after although among are because before both but by
    compare consistent data despite during e.g eg for from further furthermore fig figure figs
    following however here i.e ie if in including indeed interestingly it its like many moreover
    most note notably of on or our previously recently reviewed review see similarly since so
    some such supplementary table tables than that the their then these this those thus to
    unlike using versus vs we when where whereas which while with within yet accessed available
    version release updated finally first second third lastly additionally specifically importantly
    surprisingly conversely likewise hence therefore accordingly overall together briefly generally
    typically currently later earlier subsequently initially originally alternatively nevertheless
    nonetheless meanwhile january february march april may june july august september october
    november december spring summer autumn fall winter eq equation equations section chapter
    appendix box panel model study studies phase stage day days week weeks year years copyright
    edition vol volume issue retrieved published received accepted revised until between
    circa ca approx approximately around before after
    conforme segundo según para como porém contudo todavia entretanto assim ainda também além após
    desde enquanto embora sobre entre pelo pela pelos pelas aunque pero además selon après avant
    dans pour mais ainsi comme laut gemäß seguindo quando com ali então logo mas porque onde portanto
    isto este esta estes estas esse essa nesse nessa neste nesta em ao aos pelos finalmente cf ver veja
    dice también cuando con donde por así estos ese esa luego
    apud author authors autor autora autores autoras autoria auteur auteurs""".split()  # sentence words of Portuguese, Spanish, French, German texts
)  # the last line: a figure's credit to the manuscript's own authors ("Fonte: Autores, 2022"), no citation

# A figure's or table's credit to the manuscript's own work, just before a parenthesis: what the
# parenthesis holds is the place and date of that work ("Fonte: Dados da pesquisa (Florianópolis, 2022)")
def _self_credit_before(masked: str, start: int, end: int) -> bool:
    """Whether a credit to the manuscript's own work ends at ``end`` (see ``_SELF_CREDIT``), just
    before a "("; its last word is looked up first, since this is asked before every parenthesis."""
    words = masked[max(start, end - 40) : end - 1].rstrip(_CREDIT_TRAIL).split()
    return bool(words) and words[-1].lower() in _SELF_CREDIT_LAST and _SELF_CREDIT.search(masked[start:end]) is not None


_CREDIT_TRAIL = ",.: \t\n\r\f\v\xa0\u2009\u202f"


# the word each credit of _SELF_CREDIT ends with: one dictionary lookup before every parenthesis
_SELF_CREDIT_LAST = frozenset(
    "pesquisa campo data investigación investigacion própria propria elaboration propia autor autora autores autoras author authors".split()
)
_SELF_CREDIT = stdre.compile(
    r"(?i)(?:dados\s+d[ae]\s+pesquisa|pesquisa\s+de\s+campo|research\s+data|datos\s+de\s+(?:la\s+)?investigaci[oó]n"
    r"|elabora[çc][ãa]o\s+pr[óo]pria|own\s+elaboration|elaboraci[oó]n\s+propia"
    r"|(?:elaborad[oa]s?|organizad[oa]s?|adaptad[oa]s?|elaborated|prepared|compiled|made)\s+(?:pel[oa]s?|por\s+l[oa]s?|by\s+the)\s+(?:autor(?:es|as|a)?|authors?))"
    r"[\s,.:]*\($"
)
# Places that read like a name before a year ("rates rose in England (2009)"): continents, countries
# and regions, in English, Portuguese and Spanish. A narrative "citation" of one of them counts only
# when the list has that name and year (form "weak"); a government cited by its country's name
# ("(Brasil, 2019)", parenthetical) is read as usual.
PLACES = frozenset(
    """Africa America Americas Antarctica Arctic Asia Australia Europe Oceania Eurasia Scandinavia
    Afghanistan Albania Algeria Angola Argentina Armenia Austria Azerbaijan Bahamas Bahrain Bangladesh
    Belarus Belgium Belize Benin Bhutan Bolivia Bosnia Botswana Brazil Brasil Bulgaria Burundi Cambodia
    Cameroon Canada Chile China Colombia Congo Croatia Cuba Cyprus Czechia Denmark Ecuador Egypt England
    Eritrea Estonia Ethiopia Fiji Finland France Gabon Gambia Germany Ghana Greece Greenland Guatemala
    Guinea Guyana Haiti Honduras Hungary Iceland India Indonesia Iran Iraq Ireland Israel Italy Jamaica
    Japan Kazakhstan Kenya Korea Kosovo Kuwait Laos Latvia Lebanon Lesotho Liberia Libya Lithuania
    Luxembourg Madagascar Malawi Malaysia Mali Malta Mauritania Mauritius Mexico Moldova Mongolia
    Montenegro Morocco Mozambique Myanmar Namibia Nepal Netherlands Nicaragua Niger Nigeria Norway Oman
    Pakistan Panama Paraguay Peru Philippines Poland Portugal Qatar Romania Russia Rwanda Scotland
    Senegal Serbia Singapore Slovakia Slovenia Somalia Spain Sudan Suriname Sweden Switzerland Syria
    Taiwan Tajikistan Tanzania Thailand Togo Tunisia Turkey Turkmenistan Uganda Ukraine Uruguay
    Uzbekistan Venezuela Vietnam Wales Yemen Zambia Zimbabwe Alemanha Espanha Estados França Inglaterra
    Itália Japão Reino Unido México Canadá Alemania España Francia Inglaterra Italia Japón Perú
    California Texas Florida Amazonia Amazônia Patagonia""".split()
)
# One-word journal titles that read like a name before a year ("published in Science (1975)")
JOURNAL_WORDS = frozenset("Science Nature Cell Neuron Lancet Blood Genetics Genome Immunity Brain Circulation Chest "
                          "Pediatrics Radiology Gut Diabetes Hepatology Gastroenterology Cancer Oncogene Leukemia "
                          "Development Evolution Ecology Biometrika Econometrica Bioinformatics Nucleic".split())
_NUMERAL = r"(?=[IVXL])L?X{0,3}(?:IX|IV|V?I{0,3})"  # a roman numeral up to 89: a book's number
_ROMAN = lazy(_NUMERAL)
# amino-acid residues before their number ("(Ser 1981)", "Tyr 2001"): a name only where the list has it
_AMINO_ACIDS = frozenset("Ala Arg Asn Asp Cys Gln Glu Gly His Ile Leu Lys Met Phe Pro Ser Thr Trp Tyr Val".split())
_MONTHS = frozenset("january february march april may june july august september october november december".split())

# --- numeric ---------------------------------------------------------------------------

_NUM = r"\d{1,5}"
# Atomic: what may follow a number list (``]``, ``)``, ``</sup>``) never matches where a shorter list
# would end, so giving numbers back can only fail, and the regex module spends quadratic time
# doing it on "[1,1,1,...": 1 MB of that took minutes.
_NUMLIST = rf"(?>{_NUM}(?:\s*[-–—]\s*{_NUM})?(?:\s*[,;]\s*{_NUM}(?:\s*[-–—]\s*{_NUM})?)*)"
# A run of bracket groups "[2]–[7]", taken possessively (every group's end captured); where the
# run may end is decided by _bracket_runs. The former pattern ended in "...\])*(?![\(:\[])" and
# gave groups back one at a time until the lookahead held: quadratic on "[1][1]...[1](".
# A run starts after no word character, or right after a word of two letters or more ("randomness[1, 2]",
# "et al[62]": form "attached", kept within the list by markdown.citations_in); not after "x" or "a1".
_BRACKET_RUN = lazy(
    rf"(?:(?<![!\]\w\\])|(?<=\p{{L}}\p{{L}}))(\[\s*{_NUMLIST}\s*\])(?:\s*(?:[-–—]|[,;]\s*)?\s*(\[\s*{_NUMLIST}\s*\]))*+"
)
_RUN_NOT_BEFORE = ":["  # a run is not a citation when it runs into ":", "[", a letter or digit ("[1,4]benzoxazin") or a link
# a Markdown link's destination and title: "[1](https://x.org)", "[2](<a b> 'title')"; not "[18](zone 2 OR)"
_LINK_DESTINATION = lazy(r"""\((?:<[^<>\n]*+>|[^()\s]*+(?:\([^()\s]*+\)[^()\s]*+)*+)(?:\s++(?:"[^"\n]*+"|'[^'\n]*+'|\([^()\n]*+\)))?+\s*+\)""")
# "<sup>1,2</sup>", "<sup>[3]</sup>", "<sup>(7-9)</sup>", "<sup>( 1) </sup>", "<sup>1</sup>-<sup>3</sup>"
_SUP = lazy(rf"<sup>\s*(?:[\[(]\s*)?({_NUMLIST})(?:\s*[\])])?\s*,?\s*</sup>(?:\s*[-–—,]\s*<sup>\s*({_NUMLIST})\s*</sup>)*")
# what after a superscript makes it a prefix ("<sup>55</sup>FeCl<sub>3</sub>", "<sup>1</sup>EF185282",
# "<sup>*2*</sup>*H*": an isotope, a footnote mark), read on the raw text past emphasis markers
_PREFIX_OF = lazy(r"[*_]*[\p{L}\d]")
def _repeated_after(raw: str, end: int, mark: str) -> bool:
    """Whether the superscript's own numbers follow it in plain print (`<sup>15</sup>15).`): the
    conversion printed the mark twice; it is no isotope's mass number (those precede a letter)."""
    mark = mark.strip()
    return raw.startswith(mark, end) and not raw[end + len(mark) : end + len(mark) + 1].isalnum()


_UNICODE_SUP = lazy(r"(?<=[\p{L}\).,;:’”'\]])([¹²³⁴⁵⁶⁷⁸⁹⁰]+(?:[,⁻–-][¹²³⁴⁵⁶⁷⁸⁹⁰]+)*)(?![\d¹²³⁴⁵⁶⁷⁸⁹⁰])")
_PAREN_NUM = lazy(rf"\(\s*({_NUMLIST})\s*\)")
_NUMBER_PART = lazy(rf"({_NUM})(?:\s*[-–—]\s*({_NUM}))?")
_BRACKET_GROUP = lazy(rf"\[\s*({_NUMLIST})\s*\]")
_NOT_CITED_BEFORE = lazy(
    r"(?:(?<![\p{L}])(?:fig(?:ure)?s?\.?|tables?|eqs?\.?|(?P<noun>equations?|sections?|steps?|panels?)|chapters?|appendix|"
    r"p\.|pp\.|no\.)|n\s*=|=|±|×|\^|\s[<>]|≤|≥)\s*$",
    re.IGNORECASE,
)
# Where a noun phrase starts: an "equation", "section", "step" or "panel" that heads its phrase ("see
# Section [2]", "in the equation [3]", "Equation [4] gives") is a cross-reference; after a word of its
# own ("the Cockcroft-Gault equation [8]", "straight sections [71–74]") a bracket cites the work it names.
_PHRASE_START = lazy(
    r"(?:[.,;:!?(\[\n]|(?<![\p{L}])(?:in|see|of|the|a|an|to|from|by|with|using|and|or|our|this|that|these|those|"
    r"each|its|their|at|on|as|per|under|via|into|cf\.?|e\.g\.,?|i\.e\.,?))\s*$",
    re.IGNORECASE,
)
_SUP_GROUP = lazy(rf"<sup>\s*(?:[\[(]\s*)?({_NUMLIST})")
_SUPERSCRIPT_DIGITS = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰⁻", "1234567890-")

# --- pandoc keys ------------------------------------------------------------------------

# A key as pandoc reads it (its ``citeKey``): a letter, digit, "_" (or "*", as in ``@*``), then
# letters, digits and "_", with the punctuation ":.#$%&-+?<>~/" only inside (followed by a letter,
# digit or "_"; ":" and "/" also before a "/", as in URLs). Trailing punctuation is not part of it.
# Every character has one reading and the lookaheads see one character: linear.
PANDOC_KEY = lazy(r"[\p{L}\p{N}_*](?:[\p{L}\p{N}_]|[:.#$%&\-+?<>~/](?=[\p{L}\p{N}_])|[:/](?=/))*+")
_NESTING = stdre.compile(r"[\\{}\[\]()\n]")
_TEX_NESTING = stdre.compile(r"[\\{}\[\]()\n%]")
_PAIRS = {"{": "}", "[": "]", "(": ")"}
BALANCED_LIMIT = 10_000  # the longest bracketed argument or link destination followed
# "{...}" without blanks, braces balanced (three levels deep: "@{a{b}c}"); each character one reading
_BRACED_KEY = lazy(r"\{(?:[^\s{}]|\{(?:[^\s{}]|\{[^\s{}]*+\})*+\})*+\}")
EXAMPLE_LABEL = lazy(r"(?:[\p{L}\p{N}]++|[_-][\p{L}\p{N}]++)++")
_NO_WORD = frozenset(" \t\n([;,-")  # what before an "@" ends no word (the usual case, decided at once)
_EMPHASIS_RUNS = stdre.compile(r"\*+|_+|\n[ \t]*\n")
_KEY_AT = stdre.compile(r"@(?=[\w*{])")
_BRACKETS = stdre.compile(r"[\[\]]|\n[ \t]*\n")
CROSSREF_LABELS = ("fig:", "tbl:", "eq:", "sec:", "lst:")


@dataclass(frozen=True, slots=True)
class Found:
    """A citation before ids are assigned (readers number them in document order)."""

    start: int
    end: int
    style: str
    narrative: bool
    items: tuple[tuple[int, int, dict], ...]  # (start, end, fields)
    form: frozenset[str] = frozenset()


def _trim_key(key: str) -> str:
    return key.rstrip(".:;,?!-/")


def _years(text: str, offset: int) -> list[tuple[int, int, str]]:
    """Split ``"2019a, b"`` into [(start, end, "2019a"), (start, end, "2019b")] with offsets."""
    return [(offset + s, offset + e, year) for s, e, year in _years_relative(text)]


@lru_cache(maxsize=1 << 16)
def _years_relative(text: str) -> tuple[tuple[int, int, str], ...]:
    out: list[tuple[int, int, str]] = []
    base = None
    for m in _YEAR_OR_SUFFIX.finditer(text):
        token = m.group(0)
        if _SUFFIX_ONLY.match(token):
            if base is None:
                continue
            year = base + token
        else:
            year = _SPACES.sub(" ", token)
            if year.lower() in IN_PRESS:
                year = "in press"
            base = year[:4] if year[:4].isdigit() else None
        out.append((m.start(), m.end(), year))
    return tuple(out)


@lru_cache(maxsize=1 << 18)
def _split_authors(authors: str) -> tuple[tuple[str, ...], bool]:
    """``"Smith and Lee"`` -> (("Smith", "Lee"), False); ``"Smith et al."`` -> (("Smith",), True)."""
    et_al = ("et" in authors or "co" in authors or "&" in authors or "and " in authors) and bool(_ET_AL_WORDS.search(authors))
    body = _ET_AL_TAIL.sub("", authors) if et_al else authors
    parts = [p.strip() for p in _AUTHOR_SEPARATOR.split(body)] if ("," in body or " " in body) else [body.strip()]
    # "Flinspach M et al." carries the initial too: keep the surname. (Both substitutions are
    # skipped for one-word names, the common case.)
    return tuple(
        _SPACES.sub(" ", _TRAILING_INITIALS.sub("", p)) if " " in p or "\n" in p or "\t" in p else p
        for p in parts if p and not (p[-1] == "." and _INITIALS_ONLY.fullmatch(p))  # "Agostinelli, C." gives initials
    ), et_al


def _trim_leading_stopwords(masked: str, start: int, end: int) -> int:
    """Move ``start`` past sentence words caught by the surname pattern ("However Smith")."""
    while True:
        first = masked[start : min(end, start + 20)].split(None, 1)[0].rstrip(",").lower() if start < end else ""
        if first not in STOPWORDS:
            return start  # the usual case, decided without a regex
        m = _LEADING_WORD.match(masked, start, end)
        if not m or m.group(1).lower() not in STOPWORDS:
            return start
        start = m.end()


def _is_plausible_author(names: tuple[str, ...], et_al: bool = False) -> bool:
    """Reject sentence words and months caught as names ("In 2019", "June-September 2009").

    A stopword followed by "et al." is a surname after all (An et al., 2011).
    """
    first = names[0].split()
    if not first or (names[0][:1] in "IVXL" and _ROMAN.fullmatch(names[0])):
        return False  # "(EPICTETO, III, 1993)": a book's number
    head = first[0].lower()
    if head.split("-")[0] in _MONTHS and not et_al:
        # "(June-September 2009)" is a period; "( May, 2004)" alone may name May, T. (2004): weak (_is_weak)
        return _lone_word(names, et_al) and first[0][:1].isupper()
    if head in STOPWORDS and not (et_al and len(first) == 1):
        return False
    return et_al or not all(w.lower() in STOPWORDS for w in first)


def _lone_word(names: tuple[str, ...], et_al: bool) -> bool:
    return not et_al and len(names) == 1 and " " not in names[0] and "-" not in names[0]


def _is_weak(names: tuple[str, ...], et_al: bool, sep: str, years: str) -> bool:
    """A parse that only counts as a citation if the reference list corroborates it.

    ``(RPMI 1640)``, ``(GBD 2010)``, ``(Earth Summit 2012)`` look like author-year citations but
    are a culture medium, a study name and an event: no comma, no "et al.", and an acronym or a
    several-word name. Such candidates are kept only when they link to an entry.
    """
    if et_al or len(names) > 1:
        return False
    if _lone_word(names, et_al) and (names[0] in JOURNAL_WORDS or names[0].lower() in _MONTHS or names[0] in _AMINO_ACIDS):
        return True  # "(Lancet, 2014)", "( May, 2004)" name entries; "published in Science (1975)", "(Ser 1981)" do not
    words = names[0].split()
    # an acronym, or a product's CamelCase name ("HiSeq 2000", "NextSeq 500")
    acronym = any((w.isupper() and len(w) > 1) or _CAMEL.fullmatch(w) for w in words)
    early = years[:4].isdigit() and int(years[:4]) < 1800
    return early or ("," not in sep and (acronym or len(words) > 1))


# The small words inside an organisation's name, in the languages of the literature
_ORG_PREFIX = lazy(r"\s*+((?:\p{Lu}[\p{L}\p{M}\p{N}'’.-]*|[a-zü]{1,4}|/)(?:\s+(?:\p{Lu}[\p{L}\p{M}\p{N}'’.-]*|[a-zü]{1,4}|/))*)\s+$")
# the words that make a name an organisation's, wherever they stand in it
# "in the", "at the", "na", "no", "en la", "à", "an der": what puts an organisation's name as a place
_LOCATIVE_BEFORE = stdre.compile(r"(?<![\w])(?:(?:in|at)\s+the|na|no|nas|nos|numa|num|en(?:\s+(?:la|el))?|à|au|dans(?:\s+(?:la|le|l'))?|an\s+der|im)\s+$", stdre.I)


def _org_word(name: str) -> str:
    """The first word of a name, after an article a particle pattern took in ("la Société ..."), lower-cased."""
    words = name.lower().split(None, 2)
    return words[1] if len(words) > 1 and words[0] in ("la", "le", "el", "les", "los", "las", "the") else words[0] if words else ""


# "at the University of Oxford (1990)": the place inside an organisation's name, after a locative
_LOCATIVE_ORG_OF = stdre.compile(
    r"(?<![\w])(?:in|at)\s+the\s+(?:[A-Z][a-z]+\s+){0,2}(?:University|Institute|College|School|Hospital|Museum|Academy|Laboratory|"
    r"Department|Ministry|Bank|Centre|Center|Council|Society|Library|Archives?)\s+of\s+$")
_ORG_NOUNS = frozenset(
    """group consortium collaboration organization organisation institute institution foundation
    society association council committee agency department ministry office bureau service fund bank
    network commission board center centre program programme project union team survey initiative
    alliance federation authority university laboratory academy instituto ministério ministerio
    fundação fundación conselho consejo secretaria secretaría associação asociación sociedade sociedad
    organização organización universidade universidad comissão comisión observatório société université
    institut académie ministère bibliothèque musée universität gesellschaft""".split()
)


def _organisation_start(part: str, a_start: int) -> int | None:
    """Where an organisation's name starts when the author pattern caught only its tail.

    "(United Nations Office on Drugs and Crime, 2016)" is one name, not "Drugs" and "Crime";
    "(World Cancer Research Fund / American Institute for Cancer Research, 2007)" is not "Cancer
    Research"; "(The National SARS-CoV-2 Serology Assay Evaluation Group, 2020)" is not "Serology
    Assay Evaluation Group". The words before the caught authors must be capitalised, the small
    words of a name or "/", start with a capital that starts no sentence (a leading "The" is
    skipped), and either join the tail (a small word before it, or a particle at its start) or
    make, with it, a name holding an organisation's noun (Group, Fund, Institute, Ministério...).
    """
    m = _ORG_PREFIX.fullmatch(part, 0, a_start)
    if not m:
        return None
    start = m.start(1)
    words = m.group(1).split()
    if words[0] in ("The", "the") and len(words) > 1:
        start = part.index(words[1], start + 3)
        words = words[1:]
    if not words[0][:1].isupper() or words[0].lower() in STOPWORDS or words[0].lower() in JOINERS:
        return None
    if any(w[:1].islower() and w not in JOINERS for w in words):
        return None
    tail = part[a_start:].split()
    joined = words[-1] in JOINERS or words[-1] == "/" or (tail and tail[0].lower() in JOINERS)
    named = any(w.lower().strip(",.") in _ORG_NOUNS for w in (*words, *tail))
    return start if joined or named else None


# surnames in capitals, each followed by a comma, before an item in capitals (ABNT)
_CAPITALS_RUN = lazy(r"\s*(?:cf\.\s+)?((?:\p{Lu}[\p{Lu}\p{M}'’\-]+(?:\s\p{Lu}[\p{Lu}\p{M}'’\-]+)*\s*,\s*){1,5})")


# The common shape of a part, "Smith, 2010", " Smith et al., 2010a", "Smith and Jones 2010", read
# without the author pattern when no word of it needs the checks below (_simple_part)
_SIMPLE_PART = stdre.compile(r"( ?)([A-Z][a-z]+)(?: (?:and|&) ([A-Z][a-z]+)|( et al\.))?(,? )((?:19|20)\d\d[a-z]?)")
def _plain_name(word: str) -> bool:
    """A capitalised word that is no sentence word, particle ("De Souza": the author pattern reads
    a longer name), month, journal or amino acid."""
    return (word not in JOURNAL_WORDS and word not in _AMINO_ACIDS and (low := word.lower()) not in PARTICLES
            and low not in STOPWORDS and low not in JOINERS and low not in _MONTHS)


def _simple_part(part: str) -> tuple[tuple[tuple[int, int, dict], ...], frozenset[str], tuple] | None:
    """``_parse_part`` of the common shape (see ``_SIMPLE_PART``), or None to read it in full.

    The same result as the full reading wherever it answers (tests/test_citations_fast_path.py
    compares the two on every part of the corpora and on generated ones): no organisation, no
    capitals, no initials, no range, one item, never weak."""
    m = _SIMPLE_PART.fullmatch(part)
    if m is None or not _plain_name(m.group(2)) or (m.group(3) is not None and not _plain_name(m.group(3))):
        return None
    names = (m.group(2),) if m.group(3) is None else (m.group(2), m.group(3))
    et_al = m.group(4) is not None
    fields = {"authors": names, "et_al": et_al, "year": m.group(6)}
    form = frozenset({"comma-before-year" if "," in m.group(5) else "no-comma-before-year"})
    return ((m.end(1), m.end(), fields),), form, (names, et_al)


def _parse_part(part: str) -> tuple[tuple[tuple[int, int, dict], ...], frozenset[str], tuple | None]:
    """One ';'-separated part of a group: (items with offsets relative to the part, form, last authors).

    Memoised per document by ``find_author_year``: papers cite the same work many times, and
    a part's parse depends on its text alone. The item field dicts are shared between repeats
    and must be treated as read-only.
    """
    if (simple := _simple_part(part)) is not None:
        return simple
    return _parse_part_in_full(part)


def _parse_part_in_full(part: str) -> tuple[tuple[tuple[int, int, dict], ...], frozenset[str], tuple | None]:
    """``_parse_part`` by the author pattern and the checks of every shape."""
    items: list[tuple[int, int, dict]] = []
    form: set[str] = set()
    last: tuple | None = None
    for m in _PAREN_ITEM.finditer(part):
        a_start = _trim_leading_stopwords(part, m.start("authors"), m.end("authors"))
        names, et_al = _split_authors(part[a_start : m.end("authors")])
        if not items and not et_al and (org := _organisation_start(part, a_start)) is not None:
            a_start = org
            names = (_SPACES.sub(" ", part[a_start : m.end("authors")].strip()),)
        if not names or not _is_plausible_author(names, et_al):
            continue
        if _is_weak(names, et_al, m.group("sep"), m.group("years")):
            form.add("weak")  # (of the item's own names: "(DFG, RA 1804/2-1)" is a grant, whatever precedes it)
        if not items and a_start and names[0].isupper() and (run := _CAPITALS_RUN.fullmatch(part, 0, a_start)):
            # ABNT capitals joined by commas: "(SEARLE, VANDERVEKEN, 1985)", "(PAULA, SILVA, WOIDA, 2020)"
            names = (*(n.strip() for n in run.group(1).split(",") if n.strip()), *names)
            a_start = run.start(1)
        last = (names, et_al)
        if et_al and not m.group("etal_dot") and not m.group("colleagues"):
            form.add("et-al-without-period")
        form.add("comma-before-year" if "," in m.group("sep") else "no-comma-before-year")
        if not items and (" – " in part or " - " in part or " — " in part) and part.lstrip()[:1].islower() and _ATTRIBUTION.search(part, 0, a_start):
            form.add("attribution")  # "(exibição de ações – Reynaud, 1877)": an invention and its date
        if part.count(",") >= 3 and _VANCOUVER_NAMES.search(part, 0, m.start("years")):
            form.add("weak")  # "(Ferry Q, Steinberg J, ..., Nellåker C, 2014, Diagnostically ... database)": a reference typed out
        if (part.find("-", m.end(), m.end() + 2) != -1 or part.find("–", m.end(), m.end() + 2) != -1
                or part.find("/", m.end(), m.end() + 2) != -1) and _RANGE_AFTER.match(part, m.end()):
            # "(GMEP, 1955–1969)" a period, "since Session 2006/2007" a season; "(Castanet, 1986–1987)",
            # "(Smith, 2011/1979)" a work the list dates so
            form.add("weak")
        if "," in m.group("authors") and "." in m.group("authors") and _GIVEN_INITIALS.search(m.group("authors")):
            form.add("initials")
        fields = None
        for i, (y_start, y_end, year) in enumerate(_years(m.group("years"), m.start("years"))):
            fields = {"authors": names, "et_al": et_al, "year": year}
            items.append((a_start if i == 0 else y_start, y_end, fields))
    if not items and _GLUED_HINT.search(part) and (glued := _GLUED_NAME_YEAR.search(part)):
        # "(Phan and Letouze1983)": the space before the year lost
        names, et_al = _split_authors(part[glued.start("authors") : glued.end("authors")])
        if names and _is_plausible_author(names, et_al):
            form |= {"run-together-name-year", "weak"}  # "(Model2010)" is a name: kept where the list has it
            last = (names, et_al)
            items.append((glued.start("authors"), glued.end(), {"authors": names, "et_al": et_al, "year": glued.group("y")}))
    if not items and _GARBLED_YEAR_HINT.search(part):
        for m in _GARBLED.finditer(part):
            names, et_al = _split_authors(part[m.start("authors") : m.end("authors")])
            if names and _is_plausible_author(names, et_al):
                form.add("run-together-years")
                last = (names, et_al)
                items.append((m.start("authors"), m.end(), {"authors": names, "et_al": et_al, "year": m.group("y1")}))
    return tuple(items), frozenset(form), last


def _author_year_items(masked: str, body_start: int, body: str, form: set[str], parts: dict) -> list[tuple[int, int, dict]]:
    """Items of one parenthetical or bracketed group, split on ';'.

    A part that is only years (``1996b`` in ``(Smith, 1996a; 1996b)``) belongs to the authors
    of the part before it.
    """
    items: list[tuple[int, int, dict]] = []
    last_authors: tuple[tuple[str, ...], bool] | None = None
    offset = body_start
    pending: list[tuple[int, str]] = []  # ABNT's "(Pinto; Matias; Moreiro-González, 2016)": names before the one with the year
    pending_et_al = False
    for part in body.split(";"):
        if "comm" in part or "unpubl" in part or "pess" in part or "personal" in part:
            unlisted = _UNLISTED.search(part)
            if unlisted:  # up to the comma after it: "(Hige et al., unpublished, Sejourne et al., 2011)"
                comma = part.find(",", unlisted.end())
                part = " " * len(part) if comma == -1 else " " * (comma + 1) + part[comma + 1 :]
                pending, last_authors = [], None
        parsed = parts.get(part)
        if parsed is None:
            parsed = parts[part] = _parse_part(part)
        part_items, part_form, last = parsed
        if part_items:
            if pending and part_items[0][0] == len(part) - len(part.lstrip()):
                s, e, fields = part_items[0]
                joined = {**fields, "authors": (*(name for _, name in pending), *fields["authors"])}
                items.append((pending[0][0], offset + e, joined))
                items.extend((offset + s, offset + e, fields) for s, e, fields in part_items[1:])
                last_authors = (joined["authors"], fields["et_al"])
            else:
                items.extend((offset + s, offset + e, fields) for s, e, fields in part_items)
                last_authors = last
            form |= part_form
            pending = []
            if part.find(",", part_items[-1][1]) != -1:
                # "(Ettredge; Vernon; Scholz, 2001, Nevado; Gallardo, 2016)": a "," typed for the ";"
                # after a year; the names after it start the next item
                tail = _NAME_AFTER_ITEM.match(part, part_items[-1][1])
                if tail and _is_plausible_author(tuple(n.strip() for n in tail.group(1).split(","))):
                    pending = [(offset + tail.start(1), n.strip()) for n in tail.group(1).split(",")]
                    pending_et_al = bool(tail.group("etal"))
        elif (last_authors or pending) and (only := _YEAR_ONLY.match(part)):
            first = None
            if pending:  # "(Ríos et al., 2010; Hernández-de-Menéndez et al.; 2019)": a ";" for a ","
                last_authors, first = (tuple(name for _, name in pending), pending_et_al), pending[0][0]
            pending = []
            for k, (y_start, y_end, year) in enumerate(_years(only.group("years"), offset + only.start("years"))):
                start = first if first is not None and k == 0 else y_start
                items.append((start, y_end, {"authors": last_authors[0], "et_al": last_authors[1], "year": year}))
        elif (name := _NAME_ONLY.match(part)) and _is_plausible_author(tuple(n.strip() for n in name.group(1).split(","))):
            pending.extend((offset + name.start(1), n.strip()) for n in name.group(1).split(","))
            pending_et_al = bool(name.group("etal"))
        else:
            pending = []
        offset += len(part) + 1
    return items


def _after_taxon(masked: str, lo: int, pos: int) -> bool:
    """Whether a taxon's name ends just before ``pos`` (see ``_TAXON_BEFORE``)."""
    if masked[pos - 1 : pos] not in (" ", "(", "\xa0") or not masked[max(lo, pos - 4) : pos].rstrip(" (\xa0").endswith(("*", "_")):
        return False  # the usual case, decided without a regex: no emphasis closes just before
    return _TAXON_BEFORE.search(masked[max(lo, pos - 80) : pos]) is not None


# the year of the original edition beside the one cited: "(BAKHTIN, 1988 [1975])", "Marx ([1867] 2013)"
# ... or the years over which it was written: "(VOLÓCHINOV, 2018 [1929-1930], 2019 [1926])"
_BRACKETED_YEAR = stdre.compile(r"\[(?:1[5-9]|20)\d\d(?:\s?[-–/]\s?(?:(?:1[5-9]|20)\d\d|\d\d))?\]")
_YEAR_BEFORE = stdre.compile(r"(\d{4}[a-z]?)\s?$")
_YEAR_AFTER = stdre.compile(r"\s?(?:1[5-9]|20)\d\d")


# A classical work cited by book (and section) before the year of the edition: "(EPICTETO, III,
# 1993, p. 335)", "(DIÓGENES LAERCIO, VI 77, 2010)", "Epicteto (III, 1993, p. 321)": the Roman
# numeral and what follows it are blanked in the group (and for the narrative pass), so that the
# name and the year meet.
_CLASSICAL_HINT = stdre.compile(r"[IVXL](?:[ .]\d{1,4}(?:[-–]\d{1,4})?)?, (?:1[5-9]|20)\d\d")
_BOOK_LOCATOR = rf"{_NUMERAL}(?:[ .]\d{{1,4}}(?:[-–]\d{{1,4}})?)?"
_CLASSICAL_LOCATOR = lazy(
    rf"(?<=\p{{L}}),\s*{_BOOK_LOCATOR}(?=\s*,\s*(?:1[5-9]|20)\d\d\b)"  # "(EPICTETO, III, 1993": the comma before the year kept
    rf"|(?<=\()\s*{_BOOK_LOCATOR}\s*,(?=\s*(?:1[5-9]|20)\d\d\b)"  # "Epicteto (III, 1993"
)


def _blank_original_years(masked: str, lo: int, hi: int) -> tuple[str, dict[int, int]]:
    """``masked`` with each original-edition year beside a cited year blanked (same length), and
    where each blanked bracket after a cited year ends, by the end of that year: the item
    "2011 [1979]" takes its bracket, which tells two entries of 2011 apart."""
    pieces: list[str] = []
    after: dict[int, int] = {}
    pos = lo
    for m in _BRACKETED_YEAR.finditer(masked, lo, hi):
        start, end = m.start(), m.end()
        before = _YEAR_BEFORE.search(masked, max(lo, start - 6), start)
        if before:
            start = after_year = before.end(1)
            after[after_year] = end
        elif not _YEAR_AFTER.match(masked, end):
            continue
        pieces += [masked[pos:start], " " * (end - start)]
        pos = end
    if not pieces:
        return masked, after
    return masked[:lo] + "".join(pieces) + masked[pos:], after
# a personal communication or unpublished work names a person, not an entry of the list
_UNLISTED = stdre.compile(r"pers\.\s?comm|personal\s+communication|unpubl|comunica[çc][ãa]o\s+pessoal|com\.\s?pess|comunicaci[óo]n\s+personal")
_TITLE_ELLIPSIS = stdre.compile(r"(?<=\w)(?:\.\.\.|…)(?=\s*,)")
# a standard's or document's code after the acronym of its issuer: "(CLSI M38-A2, 2008)", "(ISO 690, 2010)"
_DOCUMENT_CODE_HINT = stdre.compile(r"[A-Z][A-Z] [A-Z]{0,3}\d")  # the end of _DOCUMENT_CODE's issuer and the code's start
_DOCUMENT_CODE = lazy(r"(?<=\b[A-Z]{2,8})\s(?!(?:1[5-9]|20)\d\d[a-z]?\b)[A-Z]{0,3}\d[\w.\-/:]*(?=\s*,\s*(?:1[5-9]|20)\d\d\b)")
# a company's legal form after its name, blanked so that the name and the year meet
_COMPANY = stdre.compile(r",?\s+(?:Inc|LLC|Ltd|GmbH|Corp)\b\.?(?=\s|,)")
_BRACKETED_ACRONYM = stdre.compile(r"\s?\[[A-Za-z][A-Za-z0-9&/-]{1,11}\]")


def _blanked(text: str, spans: list[tuple[int, int]], offset: int = 0) -> str:
    """``text`` with the sorted, disjoint ``spans`` (offsets in a text ``text`` starts at ``offset`` of) blanked."""
    pieces: list[str] = []
    pos = 0
    for a, b in spans:
        pieces += [text[pos : a - offset], " " * (b - a)]
        pos = b - offset
    pieces.append(text[pos:])
    return "".join(pieces)


def _blank_match(m) -> str:
    return " " * len(m.group(0))


def find_author_year(masked: str, lo: int, hi: int, raw: str | None = None, bare: bool = False) -> list[Found]:
    """Author-year citations between ``lo`` and ``hi``; ``raw`` is the unmasked text, whose emphasis
    tells a species name (and so a taxonomic authority) apart from prose. ``bare``: also read
    citations outside brackets ("See DeLano, 2002 and Morgan, 2016"), kept only where they link."""
    found: list[Found] = []
    parts: dict[str, tuple] = {}  # part text -> parse, for this document only
    masked, original_after = _blank_original_years(masked, lo, hi)
    region = masked[lo:hi]
    classical: list[tuple[int, int]] = []  # book numbers blanked in groups, blanked for the narrative pass too
    for g in _GROUP.finditer(region):
        which = "body" if g.group("body") is not None else "bbody" if g.group("bbody") is not None else "cell"
        body = g.group(which)
        if not _YEAR_TOKEN.search(body) and not _YEARISH_HINT.search(body):
            continue
        if ("I" in body or "V" in body or "X" in body or "L" in body) and _CLASSICAL_HINT.search(body):
            # "(EPICTETO, III, 1993, p. 335)", "(III, 1993, p. 321)" after "Epicteto"
            at = lo + g.start(which)
            spans = [m.span() for m in _CLASSICAL_LOCATOR.finditer(masked, at, at + len(body))]  # the "(" before it seen
            body = _blanked(body, spans, at)
            classical += spans
        if "[" in body:  # an organisation's acronym: "(Conselho Nacional ... Tecnológico [CNPq], 2024)"
            body = _BRACKETED_ACRONYM.sub(_blank_match, body)
        if "..." in body or "…" in body:  # ABNT cites a work without author by its title's first words: "(ÍNDIO..., 2014)"
            body = _TITLE_ELLIPSIS.sub(_blank_match, body)
        if "Inc" in body or "LLC" in body or "Ltd" in body or "GmbH" in body or "Corp" in body:
            body = _COMPANY.sub(_blank_match, body)  # "(Schrödinger, LLC 2010)", "(The MathWorks, Inc., 2019)"
        if _DOCUMENT_CODE_HINT.search(body):
            body = _DOCUMENT_CODE.sub(_blank_match, body)  # "(CLSI M38-A2, 2008)": the standard's number
        body_start = lo + g.start(which)
        if which == "body" and _self_credit_before(masked, max(lo, lo + g.start() - 60), lo + g.start() + 1):
            continue  # "Fonte: Dados da pesquisa (Florianópolis, 2022)": the credit's place and date
        form: set[str] = set()
        items = _author_year_items(masked, body_start, body, form, parts)
        if original_after and items:
            items = [(s, original_after.get(e, e), fields) for s, e, fields in items]
        if items:
            start, end = (lo + g.start(), lo + g.end()) if which != "cell" else (items[0][0], items[-1][1])
            if (raw is not None and which == "body" and (raw.find("*", body_start, items[0][0]) != -1 or raw.find("_", body_start, items[0][0]) != -1)
                    and _EMPHASIS_BEFORE.search(raw, body_start, items[0][0])):
                form.add("attribution")  # "(*Pantomimes lumineuses*, Paris, 1892)": a work in italics, its place and date
            # the describer and year alone in the species' parenthesis, or right after it in a table cell
            authority = len(items) == 1 and not items[0][2]["et_al"] and (
                which == "cell" or items[0][0] == body_start + len(body) - len(body.lstrip()))
            if raw is not None and authority and _after_taxon(raw, lo, start):
                form.add("taxon-authority")
            found.append(Found(start, end, "author-year", False, tuple(items), frozenset(form)))
    if classical:
        masked = _blanked(masked, classical)
    for candidate in _NARRATIVE_YEAR.finditer(masked, lo, hi):
        paren = candidate.start()
        close = masked.find(")" if masked[paren] == "(" else "]", paren, min(hi, paren + 120))
        if close == -1 or (masked[paren - 1 : paren] not in (" ", "\n", ",", "\xa0") and masked[paren - 3 : paren] != "al."):
            continue
        m = None
        pos = max(lo, paren - NARRATIVE_WINDOW)
        while pos < paren:
            m = _NARRATIVE.search(masked, pos, close + 1)
            if m is None or m.start("open") == paren:
                break
            pos = m.end() if m.end() <= paren else paren
            m = None
        if m is None:
            continue
        start = _trim_leading_stopwords(masked, m.start("authors"), m.end("authors"))
        names, et_al = _split_authors(masked[start : m.end("authors")])
        if not names or not _is_plausible_author(names, et_al):
            continue
        if "unpubl" in masked[max(lo, start - 40) : start] and _UNLISTED.search(masked, max(lo, start - 40), start):
            continue  # "recent unpublished findings by Caldwell-Harris et al. (2011)": no entry to cite
        form = set()
        if names[-1].endswith(("'s", "’s", "s'", "s’")) and not et_al:
            # "Lloyd’s (1995) arguments", "Solomon's (1992; 1999) list", "Jones' (2001) view": the possessive of the name
            names = (*names[:-1], names[-1][:-2] if names[-1][-1] == "s" else names[-1][:-1])
            form.add("possessive")
            if m.group("owned"):
                form.add("possessive-phrase")  # "Newton's laws (1687)": a citation only if the list has that name and year
        if "," in m.group("authors") and "." in m.group("authors") and _GIVEN_INITIALS.search(m.group("authors")):
            if _TITLE_AFTER.match(masked, m.end()):
                continue  # "Watanabe, C. Y., ... and Tecchio, M. A. (2022). Rootstock and ...": a reference typed out
            form.add("initials")
        if _is_weak(names, et_al, ",", m.group("years")) or (not et_al and len(names) == 1 and (names[0].isupper() or names[0] in PLACES)):
            form.add("weak")
        elif not et_al and ((_org_word(names[0]) in _ORG_NOUNS and _LOCATIVE_BEFORE.search(masked, max(lo, start - 12), start))
                            or (masked[start - 3 : start] == "of " and _LOCATIVE_ORG_OF.search(masked, max(lo, start - 60), start))):
            # "professor ... na Universidade de Coimbra (1801)", "taught at the University of Oxford (1990)":
            # a place and a date, unless the list has that name and year
            form.add("weak")
        elif not et_al and len(names) == 1 and _SEVERAL_CAPITALISED.fullmatch(names[0]):
            form.add("several-capitalised-words")  # "Snedecor Award (2012)": a name, or a prize, a law, a survey
        if "," in m.group("sep"):
            form.add("comma-before-year-parenthesis")
        if et_al and not m.group("etal_dot") and not m.group("colleagues"):
            form.add("et-al-without-period")
        years = _years(m.group("years"), m.start("years"))
        items = tuple(
            (start if i == 0 else ys, m.end() if i == len(years) - 1 else original_after.get(ye, ye), {"authors": names, "et_al": et_al, "year": y})
            for i, (ys, ye, y) in enumerate(years)
        )
        found.append(Found(start, m.end(), "author-year", True, items, frozenset(form)))
    found.extend(_unopened(masked, lo, hi, {f.end for f in found}))
    found.extend(_year_only(masked, lo, hi))
    if bare:
        found.extend(_bare(masked, lo, hi, found))
        if "ee " in masked or "cf." in masked:
            found.extend(_see_name_year(masked, lo, hi, found))
        if "|" in masked:
            found.extend(_table_rows(masked, lo, hi))
    if "“" in masked or '"' in masked or "\n>" in masked:
        found = _mark_quoted(masked, lo, hi, found)
    return found


# "(1987, p.19)" alone, its author named earlier in the sentence: "Barthes chama atenção ... ao
# afirmar que “a literatura assume muitos saberes ...” (1987, p.19)."
_YEAR_ONLY_GROUP = stdre.compile(r"\((?P<year>(?:1[5-9]\d\d|20\d\d)[a-z]?)(?:\s*[,:]\s*(?:pp?\.\s*)?[\divxlc]+(?:\s*[-–]\s*\d+)?)?\)")


def _year_only(masked: str, lo: int, hi: int) -> list[Found]:
    """A parenthesis holding a year (and a page) alone, after a word or a quotation: a citation of
    a work whose author the sentence names before it (form ``year-only``, strict: the linker
    looks for that author, and the candidate is dropped where it finds none). A year-only
    parenthesis right after a name is a narrative citation, read before; to_citations keeps that."""
    out = []
    for m in _YEAR_ONLY_GROUP.finditer(masked, lo, hi):
        if m.start() == 0 or masked[m.start() - 1] not in " ”\"»":
            continue
        fields = {"authors": (), "et_al": False, "year": m.group("year")}
        out.append(Found(m.start(), m.end(), "author-year", False, ((m.start(), m.end(), fields),), frozenset({"year-only"})))
    return out


QUOTATION_MINIMUM = 60  # characters between the quote marks of a quoted passage (fewer: a phrase)
_BLOCK_QUOTE = stdre.compile(r"(?:^>[^\n]*(?:\n|$))+", stdre.M)


def _quotations(masked: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """(start, end) of each quotation between ``lo`` and ``hi``: curly double quotes around 60 to
    3,000 characters of one paragraph, a pair of straight ones around 60 or more of one line, and
    block quotes (a run of lines starting with ">"). Found with ``str.find``: most texts hold
    few quote marks, and a regex would try every character."""
    spans = []
    i = masked.find("“", lo, hi)
    while i != -1:
        j = masked.find("”", i + 1, min(hi, i + 3002))
        nested = masked.find("“", i + 1, j) if j != -1 else -1
        if j == -1 or nested != -1:
            i = nested if nested != -1 else masked.find("“", i + 1, hi)
            continue
        if j - i - 1 >= QUOTATION_MINIMUM and "\n\n" not in masked[i:j]:
            spans.append((i, j + 1))
        i = masked.find("“", j + 1, hi)
    i = masked.find('"', lo, hi)
    while i != -1:
        j = masked.find('"', i + 1, hi)
        if j == -1:
            break
        if "\n" in masked[i:j]:
            i = j  # a mark left open: the next one may open a quotation
            continue
        if j - i - 1 >= QUOTATION_MINIMUM and not masked[i - 1 : i].isalnum() and not masked[j + 1 : j + 2].isalnum():
            spans.append((i, j + 1))
        i = masked.find('"', j + 1, hi)
    if masked.startswith(">", lo) or masked.find("\n>", lo, hi) != -1:
        spans.extend(m.span() for m in _BLOCK_QUOTE.finditer(masked, lo, hi))
    return sorted(spans)


def _mark_quoted(masked: str, lo: int, hi: int, found: list[Found]) -> list[Found]:
    """Citations inside a quotation belong to the quoted text: its works need not be in the list
    (APA 8.32), so they count only where an entry corroborates them (form ``quoted``, strict). The
    citation that ends a quotation, inside its marks, names its source and is an ordinary one."""
    spans = []
    for start, end in _quotations(masked, lo, hi):
        while end > start and masked[end - 1] in " \t\n.,;:!?”\"'’>":
            end -= 1
        spans.append((start, end))
    if not spans:
        return found
    starts = [a for a, _ in spans]
    out = []
    for f in found:
        k = bisect.bisect_right(starts, f.start) - 1
        if k >= 0 and f.end < spans[k][1] and f.style == "author-year":
            f = dataclasses.replace(f, form=f.form | {"quoted"})
        out.append(f)
    return out


_TABLE = stdre.compile(r"(?:^[ \t]*\|.*\|[ \t]*(?:\n|$)){3,}", stdre.M)
_CELL = stdre.compile(r"(?<=\|)[^|\n]*(?=\|)")
_CELL_YEAR = lazy(rf"\s*(?P<year>{YEAR})\s*")
_CELL_AUTHORS = lazy(rf"\s*{AUTHORS}\s*")
_EMPHASIS = stdre.compile(r"[*_]|\s+(?=\.)")


def _table_rows(masked: str, lo: int, hi: int) -> list[Found]:
    """A table that lists studies with their year and author in cells of their own ("| 1980 |
    Denslow | Pioneira ... |"): each row cites that author and year. A column counts as the
    years when all but its header are years, and the authors' column as names when nearly all its
    cells are; such a row is kept only where an entry has that name and year (form ``table-cells``)."""
    found: list[Found] = []
    for table in _TABLE.finditer(masked, lo, hi):
        rows = []
        offset = table.start()
        for line in table.group().split("\n"):
            if line.strip():
                rows.append([(offset + c.start(), offset + c.end()) for c in _CELL.finditer(line)])
            offset += len(line) + 1
        rows = [r for r in rows if not all(set(masked[a:b].strip()) <= set("-: ") for a, b in r)]  # the rule under the header
        if len(rows) < 3:
            continue  # a header and two rows at least (a table of rules alone has none)
        width = min(len(r) for r in rows)
        data = rows[1:]
        if width < 2:
            continue
        for year_col in range(width):
            years = [_CELL_YEAR.fullmatch(masked, *row[year_col]) for row in data]
            if sum(1 for y in years if y) < max(2, len(data) - 1):
                continue
            for author_col in (year_col + 1, year_col - 1):
                if not 0 <= author_col < width:
                    continue
                # "Aguiar *et al*.": the mask blanked the emphasis, leaving "Aguiar  et al ."
                cells = [_EMPHASIS.sub("", masked[slice(*row[author_col])]) for row in data]
                named = [_CELL_AUTHORS.fullmatch(cell) for cell in cells]
                if sum(1 for n in named if n) * 4 < len(data) * 3:
                    continue
                for row, year, name, cell in zip(data, years, named, cells):
                    if not (year and name):
                        continue
                    names, et_al = _split_authors(name.group("authors"))
                    if not names or not _is_plausible_author(names, et_al):
                        continue
                    # the span: the cell's text from the first name (emphasis aside, the cell is the citation)
                    first = masked.find(names[0], *row[author_col])
                    start = first if first != -1 else row[author_col][0]
                    end = row[author_col][0] + len(masked[slice(*row[author_col])].rstrip())
                    fields = {"authors": names, "et_al": et_al, "year": year.group("year")}
                    found.append(Found(start, end, "author-year", True, ((start, end, fields),), frozenset({"table-cells"})))
                break
            break
    return found


BARE_WINDOW = 100  # "Xie, Allen, Fahlgren and Carrington, 2004" fits; a window per candidate year
_BARE_YEAR = stdre.compile(r"(?:,|et al\.?) (?:1[5-9]\d\d|20\d\d)[a-z]?(?![\w)\]])(?!\.\d)")


def _item_ending_at(pattern, masked: str, window_start: int, end: int):
    """The last ``pattern`` match in the window if it ends exactly at ``end`` and names plausible
    authors: (match, start of the authors, names, et al.), else None. Shared by the readings of
    items outside a group (``_unopened``, ``_bare``)."""
    m = None
    for m in pattern.finditer(masked, window_start, end):
        pass
    if m is None or m.end() != end:
        return None
    start = _trim_leading_stopwords(masked, m.start("authors"), m.end("authors"))
    names, et_al = _split_authors(masked[start : m.end("authors")])
    if not names or not _is_plausible_author(names, et_al):
        return None
    return m, start, names, et_al


def _items_from(m, start: int, names: tuple[str, ...], et_al: bool) -> tuple:
    """One item per year of the match, the first starting with the authors."""
    years = _years(m.group("years"), m.start("years"))
    return tuple((start if k == 0 else ys, ye, {"authors": names, "et_al": et_al, "year": y}) for k, (ys, ye, y) in enumerate(years))


def _bare(masked: str, lo: int, hi: int, found: list[Found]) -> list[Found]:
    """``described in Xie et al., 2004; Onodera et al., 2005``: author-year items outside any bracket.

    Each ends at a year after a comma or "et al."; the authors are matched in a short window
    before it. They carry the form ``unbracketed``: the linker keeps only those that name an
    entry of that year (api.link_manuscript), so prose with a name and a year costs nothing.
    """
    claimed = sorted((f.start, f.end) for f in found)
    starts = [a for a, _ in claimed]
    out: list[Found] = []
    for candidate in _BARE_YEAR.finditer(masked, lo, hi):
        before = masked[candidate.start() - 3 : candidate.start()]
        if not (before[-1:].isalpha() or before == "al." or candidate.group().startswith("et")):
            if out and before[-1:] in "*_. ":
                out += _idem(out, masked, lo, candidate)
            continue  # a name, or "et al.", ends right before the comma: the usual refusal, without a regex
        end = candidate.end()
        i = bisect.bisect_right(starts, end) - 1
        if i >= 0 and claimed[i][1] > candidate.start():
            continue  # inside a citation already read
        window_start = max(lo, candidate.start() - BARE_WINDOW)
        if i >= 0:
            window_start = max(window_start, claimed[i][1])
        read = _item_ending_at(_PAREN_ITEM, masked, window_start, end)
        if read is None:
            if out:
                out += _idem(out, masked, lo, candidate)
            continue
        m, start, names, et_al = read
        out.append(Found(start, end, "author-year", False, _items_from(m, start, names, et_al), frozenset({"unbracketed"})))
    return out


# "see Williams 2018", "cf. Lotze and Williams 2016": a Harvard citation without comma or
# brackets, after the word that sends the reader to it
_SEE_HINT = stdre.compile(r"(?<![\w])(?:[Ss]ee(?:\s+also)?|[Cc]f\.)\s+(?=[A-Z])")
_SEE_ITEM = lazy(rf"\G{AUTHORS}\s+{YEARS}(?![\w)\]])")


_SEE_WORDS = ("see ", "See ", "see\n", "See\n", "cf. ", "Cf. ", "cf.\n", "Cf.\n")


def _positions(text: str, word: str, lo: int, hi: int):
    """Where ``word`` occurs in ``text[lo:hi]``."""
    i = text.find(word, lo, hi)
    while i != -1:
        yield i
        i = text.find(word, i + 1, hi)


def _see_name_year(masked: str, lo: int, hi: int, found: list[Found]) -> list[Found]:
    """``for a detailed history see Williams 2018.``: a name and year after "see" or "cf.",
    outside brackets and without a comma. Form ``unbracketed``: kept only where an entry has that
    name and year (api.link_manuscript)."""
    # the cues found by substring search (a regex scan of the whole text cost six times more)
    at = sorted({i for word in _SEE_WORDS for i in _positions(masked, word, lo, hi)})
    cues = [cue for i in at if (cue := _SEE_HINT.match(masked, i, hi)) is not None]
    if not cues:
        return []
    claimed = sorted((f.start, f.end) for f in found)
    starts = [a for a, _ in claimed]
    out: list[Found] = []
    for cue in cues:
        i = bisect.bisect_right(starts, cue.end()) - 1
        if i >= 0 and claimed[i][1] > cue.end():
            continue  # inside a citation already read: "(see Smith, 2001)"
        m = _SEE_ITEM.match(masked, cue.end(), hi)
        if m is None:
            continue
        names, et_al = _split_authors(m.group("authors"))
        if not names or not _is_plausible_author(names, et_al):
            continue
        out.append(Found(m.start(), m.end(), "author-year", False, _items_from(m, m.start(), names, et_al), frozenset({"unbracketed"})))
    return out


# "idem" (the same author) before a year's comma: "CHOLODENKO, 1991, p. 18; *idem*, 2004, p. 110"
_IDEM_BEFORE = stdre.compile(rf"(?<![\w.]){_IDEM}\s?$")


def _idem(out: list[Found], masked: str, lo: int, candidate) -> list[Found]:
    """The work that "idem, 2004" (ending at ``candidate``'s year) cites: that of the authors of
    the last unbracketed item read (``out[-1]``), when it ends within 200 characters (farther,
    "idem" names what the reader no longer sees); [] where no "idem" precedes the comma."""
    idem = _IDEM_BEFORE.search(masked, max(lo, candidate.start() - 9), candidate.start())
    previous = out[-1]
    if idem is None or idem.start() - previous.end > 200:
        return []
    start = idem.start()
    fields = previous.items[-1][2]
    years = _years(masked[candidate.start() + 1 : candidate.end()], candidate.start() + 1)
    items = tuple((start if k == 0 else ys, ye, {"authors": fields["authors"], "et_al": fields["et_al"], "year": y})
                  for k, (ys, ye, y) in enumerate(years))
    return [Found(start, candidate.end(), "author-year", False, items, frozenset({"unbracketed", "idem"}))]


_YEAR_CLOSE = lazy(r"(?<![\d./-])(?:1[5-9]\d\d|20\d\d)[a-z]?\s*\)")


def _years_closing(masked: str, lo: int, hi: int, closed: set[int]):
    """The ``_YEAR_CLOSE`` matches between ``lo`` and ``hi`` whose ")" closes no group already read
    (its end not in ``closed``): found from each such ")" backwards, since nearly every year before
    a ")" ends a citation read before, and a scan of the whole text costs more than these few."""
    pos = masked.find(")", lo, hi)
    while pos != -1:
        if pos + 1 not in closed:
            j = pos
            while j > lo and masked[j - 1].isspace():
                j -= 1
            if j - lo >= 4 and masked[j - 1].isalnum():
                for start in (j - 4, j - 5):
                    m = _YEAR_CLOSE.match(masked, start, pos + 1) if start >= lo else None
                    if m is not None and m.end() == pos + 1:
                        yield m
                        break
        pos = masked.find(")", pos + 1, hi)


_PAREN_ITEM_CLOSE = lazy(rf"{AUTHORS}(?P<sep>\s*,\s*){YEARS}\s*\)")


def _open_before(masked: str, lo: int, pos: int) -> bool:
    """Whether a "(" between ``lo`` and ``pos`` is still open at ``pos``, counting nested pairs.

    "(E(q) is often regarded ..., e.g. Douady and Couder, 1996b)" is one open group: the last
    "(" before the year is closed, the one before it is not. The window is bounded, so linear.
    """
    depth = 0
    for i in range(pos - 1, lo - 1, -1):
        ch = masked[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                return True
            depth -= 1
    return False


def _unopened(masked: str, lo: int, hi: int, closed: set[int]) -> list[Found]:
    """``..., Ospina and Ferrari, 2012)``: an item closing a parenthesis that was never opened.

    Only items no other citation claims survive (to_citations keeps the first of overlapping
    finds), and they carry the form ``unbalanced-parenthesis`` for malformed-citation.
    """
    out: list[Found] = []
    for candidate in _years_closing(masked, lo, hi, closed):
        close = candidate.end()
        window_start = max(lo, candidate.start() - NARRATIVE_WINDOW)
        opened = masked.rfind("(", window_start, candidate.start())
        if opened != -1 and masked.find(")", opened, candidate.start()) == -1:
            continue  # the parenthesis is open: an ordinary group
        # "(E(q) is ..., e.g. Douady and Couder, 1996b)": read here, but the parenthesis was opened
        nested = _open_before(masked, window_start, candidate.start())
        read = _item_ending_at(_PAREN_ITEM_CLOSE, masked, window_start, close)
        if read is None or _is_weak(read[2], read[3], read[0].group("sep"), read[0].group("years")):
            continue
        m, start, names, et_al = read
        items = _items_from(m, start, names, et_al)
        form = {"comma-before-year"} if nested else {"unbalanced-parenthesis", "comma-before-year"}
        out.append(Found(start, close, "author-year", False, items, frozenset(form)))
    return out


def _numbers(numlist: str, form: set[str]) -> tuple[int, ...]:
    numbers: list[int] = []
    for m in _NUMBER_PART.finditer(numlist):
        first = int(m.group(1))
        if m.group(2) is None:
            numbers.append(first)
            continue
        last = int(m.group(2))
        if last < first or last - first > 500:
            form.add("range-reversed" if last < first else "range-too-long")
            numbers.extend((first, last))
        else:
            numbers.extend(range(first, last + 1))
    return tuple(numbers)


parse_numbers = _numbers  # "1–3, 5" -> (1, 2, 3, 5); readers of tagged formats (JATS) parse xref texts with it


def _bracket_run_numbers(run: str, form: set[str]) -> tuple[int, ...]:
    """``[2]–[7]`` -> 2..7; ``[11],[12]`` -> 11, 12."""
    groups = list(_BRACKET_GROUP.finditer(run))
    numbers: list[int] = []
    for i, g in enumerate(groups):
        nums = _numbers(g.group(1), form)
        between = run[groups[i - 1].end() : g.start()] if i else ""
        if i and _DASH.search(between) and numbers and nums and nums[0] > numbers[-1]:
            numbers.extend(range(numbers[-1] + 1, nums[0]))
        numbers.extend(nums)
    return tuple(numbers)


_UNITS = frozenset("m cm mm km nm µm μm um s ms g kg mg l ml µl μl ha ft in au å".split())
# what a quotient's power divides by: a length (kg/m², µm², Å²), a time (m/s²), a length's name (weight/height²)
_DENOMINATORS = frozenset("m cm mm km nm µm μm um ft in å s height perimeter length width diameter radius distance".split())
_TOKEN_BEFORE = lazy(r"(\S+)\s*$")
_YEAR_NUMBER = stdre.compile(r"(?:1[5-9]|20)\d\d")
_SUP_TAGS = stdre.compile(r"</?su[pb]>")
_PROSE_WORD = lazy(r"\p{Latin}{2,}")  # "nπ" is two symbols, "SIH" and "dL" are words
_MATH_FUNCTIONS = frozenset("sin cos tan log ln exp".split())
_OPERATOR = stdre.compile(r"[-+−×·*/^=]")


def _holds_maths(before: str, numbers: tuple[int, ...]) -> bool:
    """Whether the parenthesis that ``before`` ends with holds maths, so that a superscript after it is
    a power: ``(x - 1)``, ``(1 − p)``, ``(nπ)``, ``(1/circularity)`` (one word in a formula, a power up to 3) do;
    ``(Gini of 0.62)``, ``(SIH)``, ``(95mg/dL)``, ``(Santa Catarina)`` hold words, and a parenthesis
    opened beyond ``before`` is too long for a formula."""
    depth, i = 0, len(before)
    while True:  # from parenthesis to parenthesis, back to the one that opens the last
        i = max(before.rfind("(", 0, i), before.rfind(")", 0, i))
        if i == -1:
            return False
        depth += 1 if before[i] == ")" else -1
        if depth == 0:
            inner = _SUP_TAGS.sub("", before[i + 1 : -1])
            break
    words = [w for w in _PROSE_WORD.findall(inner) if w.lower() not in _MATH_FUNCTIONS]
    if not words:
        return True
    return len(words) == 1 and max(numbers) <= 3 and " " not in inner.strip() and bool(_OPERATOR.search(inner))


def _is_exponent(before: str, numbers: tuple[int, ...]) -> bool:
    """``10<sup>4</sup>``, ``r<sup>2</sup>``, ``km <sup>2</sup>``, ``(x - 1)<sup>2</sup>`` are powers, not citations.

    ``(AUC) <sup>39</sup>``, set apart from the bracket, is a citation; so is ``(SIH)<sup>18</sup>``,
    whose parenthesis holds no maths (_holds_maths), and ``in 1993<sup>3</sup>`` (a year is no base).

    A list or range (``phage λ<sup>10-13</sup>``, ``reviewed in<sup>6–11</sup>``), or a number
    above 4 after a single letter (``through R<sup>51</sup>``), is a citation: no power is written so.

    ``Version 3.4.1<sup>25</sup>`` is a citation: a number other than 10 followed by a
    superscript above 3 is read as a citation mark.

    ``kg/m<sup>2</sup>`` is a power (a quotient by a length, _DENOMINATORS, or by a variable);
    ``mg/dL<sup>3</sup>`` is a citation.
    """
    if len(numbers) > 1:
        return False  # a list or a range is never a power: "(reviewed in<sup>6–11</sup>)" after the unit-like "in"
    m = _TOKEN_BEFORE.search(before[-40:])  # (the last 40 characters: the search is quadratic in its window)
    if not m:
        return False
    token = m.group(1).strip("*_([{")
    if "/" in token and before[-1:] != " " and max(numbers) <= 3:
        denominator = token.rsplit("/", 1)[1].strip("*_()[]{}")
        if denominator.lower() in _DENOMINATORS or (len(denominator) == 1 and denominator.isalpha()):
            return True  # kg/m<sup>2</sup>, weight/height<sup>2</sup>, 1/r<sup>2</sup>: a quotient's power
    if not token:
        return False
    attached = not before[-1:].isspace()
    if token[-1] == ")" and attached and before[-1] == ")":
        return _holds_maths(before, numbers)
    if token[-1] in "×^" or (token[-1] in ")]" and attached) or token.lower() in _UNITS:
        return True
    if len(token) == 1 and token.isalpha():
        # "r<sup>2</sup>", "x<sup>3</sup>" a power; "invoked through R<sup>51</sup>" a citation
        # (no power of a letter is written so high)
        return numbers[0] <= 4
    if token[-1].isdigit():
        if _YEAR_NUMBER.fullmatch(token):
            return False  # "in 1993<sup>3</sup>": a year is no base
        return token.endswith("10") or max(numbers) <= 3
    return False


def _preceded_by_non_citation(masked: str, start: int, *, strict: bool = False) -> bool:
    """Whether what comes before ``start`` makes a number there no citation ("Figure [2]", "n = (3)").

    A bracket after "equation", "section", "step" or "panel" cites unless that word starts its noun
    phrase (_PHRASE_START); with ``strict`` (the "(1)" form, which equations are numbered with) it never does.
    """
    window = max(0, start - 16)
    m = _NOT_CITED_BEFORE.search(masked[window:start])
    if m is None:
        return False
    if strict or m.group("noun") is None:
        return True
    noun = window + m.start("noun")
    return bool(_PHRASE_START.search(("\n" if noun <= 40 else "") + masked[max(0, noun - 40) : noun]))


def _may_end_run(region: str, end: int, raw: str) -> bool:
    """Whether a bracket run may end before ``region[end]``: not before ":" or "[", a letter or digit,
    or a link's destination ("[1](https://x.org)", looked for in ``raw``, where the mask has not
    blanked it); "[10–18](see “Related literature”)" is a citation."""
    if raw[end] == "(":
        return _LINK_DESTINATION.match(raw, end, end + BALANCED_LIMIT) is None
    ch = region[end]
    return ch not in _RUN_NOT_BEFORE and not _WORD_CHAR.match(ch)


def _bracket_runs(region: str, raw: str | None = None):
    """(start, end) of each bracket run, as ``finditer`` of _BRACKET_RUN followed by a lookahead
    that holds where _may_end_run does (``(?![:\\[\\d\\p{L}]|LINK_DESTINATION)``); link destinations
    are looked for in ``raw``, the unmasked region (by default ``region``).

    That lookahead made the engine give groups back until the character after the run was
    allowed; here the longest run is matched once and its group ends are tried from the last,
    which is the same result in linear time. A run with no allowed end is no match at its start,
    and the search goes on from the next character, as the engine's would.
    """
    pos = 0
    size = len(region)
    raw = region if raw is None else raw
    search = _BRACKET_RUN.search
    while True:
        m = search(region, pos)
        if m is None:
            return
        for end in (*reversed(m.ends(2)), m.end(1)):
            if end >= size or _may_end_run(region, end, raw):
                yield m.start(), end
                pos = end
                break
        else:
            pos = m.start() + 1


# A citation number whose superscript was lost on the way to plain text ("investigated.2 In",
# "Bäckvall,5 there", "reserve.13-15 The", "‘explorando’25,"): right after a lower-case word and its
# punctuation or closing quote, before a space or the end of a clause. Read only where the list is
# numbered and the text cites no other way (markdown.citations_in): "Fig.2", "p.5", "ECI1" are not.
_GLUED = lazy(
    r"(?<=\p{Ll}[\p{Ll}\p{M}]|\p{Ll}[.,;:)]|[)\]][.,;:]?|\p{Ll}[’”'\"][.,;:]?)(\d{1,3}(?:[-–,]\d{1,3}){0,8})(?=[ \t\n]|[.,;:](?:[ \t\n]|$)|$)"
)
_NOT_GLUED_AFTER = frozenset("fig figs eq eqs p pp vol no nr n ref refs table tab step ver version ch chap sec v vs ca approx".split())
# a unit after the number makes it a quantity ("after3 h", "in50 mL")
_UNIT_AFTER = lazy(r"[ \t]+(?:h|min|s|ms|mg|g|kg|µg|μg|ng|ml|mL|L|µL|μL|mm|cm|m|km|nm|µm|μm|°C|%|mM|µM|μM|nM|rpm|Hz|kDa|bp|kb)(?![\p{L}\d])")
_MARKERS = stdre.compile(r"[*_]+")
_TABLE_ROW = stdre.compile(r"[ \t]*\|")


class _TableRows:
    """Whether an offset of ``text`` is on a Markdown table row ("| a | b |"), asked for offsets in
    increasing order: each line is looked at once, so a text costs linear time however asked."""

    def __init__(self, text: str):
        self.text, self.begin, self.end, self.row = text, 0, -1, False

    def __contains__(self, pos: int) -> bool:
        text = self.text
        if pos > self.end:
            newline = text.rfind("\n", max(self.end, 0), pos)
            self.begin = newline + 1 if newline != -1 else (self.end + 1 if self.end >= 0 else 0)
            self.end = text.find("\n", pos)
            if self.end == -1:
                self.end = len(text)
            self.row = _TABLE_ROW.match(text, self.begin, self.end) is not None
        return self.row


def _without_emphasis(masked: str, lo: int, hi: int, raw: str | None):
    """``masked[lo:hi]`` without the emphasis markers the mask blanked ("Yadav *et al*.23" reads
    "Yadav et al.23"), and a function from its offsets to ``masked``'s."""
    if raw is None or raw is masked:
        return masked[lo:hi], lambda at: lo + at
    pieces: list[str] = []
    views, offsets = [0], [lo]  # where each kept stretch starts, in the view and in the text
    pos = lo
    for m in _MARKERS.finditer(raw, lo, hi):
        s, e = m.span()
        if not masked[s:e].isspace():
            continue  # "snake_case": no emphasis
        pieces.append(masked[pos:s])
        views.append(views[-1] + s - pos)
        offsets.append(e)
        pos = e
    pieces.append(masked[pos:hi])

    def where(at: int) -> int:
        k = bisect.bisect_right(views, at) - 1
        return offsets[k] + at - views[k]

    return "".join(pieces), where


def find_glued_numbers(masked: str, lo: int, hi: int, top: int, raw: str | None = None) -> list[Found]:
    """Citation numbers glued to the text (see _GLUED), each within the list's 1..``top``; read past
    the emphasis markers of ``raw`` (the unmasked text), never in a table row or before a unit."""
    found: list[Found] = []
    view, where = _without_emphasis(masked, lo, hi, raw)
    rows = _TableRows(masked)
    for m in _GLUED.finditer(view):
        word = re.search(r"(\p{L}+)\W?$", view[max(0, m.start() - 12) : m.start()])
        if word and word.group(1).lower() in _NOT_GLUED_AFTER:
            continue
        if _UNIT_AFTER.match(view, m.end()):
            continue
        form: set[str] = set()
        numbers = _numbers(m.group(1), form)
        if not numbers or 0 in numbers or max(numbers) > top:
            continue
        start, end = where(m.start()), where(m.end() - 1) + 1
        if start in rows:
            continue  # "| *ee* after3 h |": a table's quantities
        found.append(Found(start, end, "numeric", False, ((start, end, {"numbers": numbers}),),
                           frozenset(form | {"superscript", "glued"})))
    return found


MENTION_WINDOW = 300  # characters from a narrative name and year to the number that cites it (one sentence or two)
_PARAGRAPH_END = stdre.compile(r"\n\s*\n")


def mentions_before_numbers(masked: str, author_year: list[Found], numeric: list[Found]) -> list[Found]:
    """In a text that cites by number, a name and year in prose followed by a citation number
    within 300 characters of its paragraph ("the European Dialysis and Transplant Association (2021) stated ...
    <sup>(24)</sup>", "Klimley et al. (1996) described ... [22]") is a mention: the number cites.
    Such items get the form ``mention-before-number``, kept only where they name one entry."""
    starts = sorted(f.start for f in numeric)
    out = []
    for f in author_year:
        if f.narrative:
            k = bisect.bisect_left(starts, f.end)
            if k < len(starts) and starts[k] - f.end <= MENTION_WINDOW and not _PARAGRAPH_END.search(masked, f.end, starts[k]):
                f = dataclasses.replace(f, form=f.form | {"mention-before-number"})
        out.append(f)
    return out


# A citation mark that lost its brackets or its superscript on the way to print: "a process that
# may lead to allelic fixation 17–20." (a range after a word), "encephalopathy, or death10." (a
# number glued to a word, in a text that cites with superscripts). Read only where the list is in
# order of first citation and the entries the mark names are cited nowhere else, with their
# neighbours cited just before and after it (see find_lost_marks).
_LOST_RANGE = lazy(r"(?<=\p{Ll}{2}[ \xa0])(\d{1,3})[–-](\d{1,3})(?=[.,;:](?:\s|$))")
_LOST_SUPERSCRIPT = lazy(r"(?<=\p{Ll}{3})(\d{1,3})(?=[.,;:](?:\s|$))")
LOST_RANGE_MAXIMUM = 10  # numbers a range without brackets may span
LOST_NEIGHBOUR = 3  # how far the entries first cited just before and after it may be from its numbers


def find_lost_marks(masked: str, lo: int, hi: int, top: int, found: list[Found], superscripts: bool) -> list[Found]:
    """Citation marks printed without their brackets or superscript (form ``lost-brackets`` or
    ``lost-superscript``): a range ``17–20`` after a word or, where ``superscripts`` (the text
    cites with them), a number glued to a word. A number in prose is a quantity far more often
    than a citation, so one is read only when all of these hold: each number it names is an
    entry of the list (1..``top``) that no other citation in ``found`` cites, and the entries
    first cited last before it and first after it are within three of its ends (a list numbered
    in order of first citation: ``fixation 17–20`` after the first citation of 15, before 21's)."""
    first: dict[int, int] = {}
    for f in found:
        for _, _, fields in f.items:
            for n in fields.get("numbers", ()):
                if n not in first or f.start < first[n]:
                    first[n] = f.start
    if not first:
        return []
    order = sorted((pos, n) for n, pos in first.items())
    out: list[Found] = []
    candidates = [(m, "lost-brackets") for m in _LOST_RANGE.finditer(masked, lo, hi)]
    if superscripts:
        candidates += [(m, "lost-superscript") for m in _LOST_SUPERSCRIPT.finditer(masked, lo, hi)]
    for m, form in candidates:
        a = int(m.group(1))
        b = int(m.group(2)) if form == "lost-brackets" else a
        if not (1 <= a <= b <= top and b - a <= LOST_RANGE_MAXIMUM) or any(n in first for n in range(a, b + 1)):
            continue
        k = bisect.bisect_left(order, (m.start(), 0))
        before = order[k - 1][1] if k else 0  # the entry first cited last before the mark
        after = order[k][1] if k < len(order) else top + 1  # ... and first after it
        if not (0 < a - before <= LOST_NEIGHBOUR and 0 < after - b <= LOST_NEIGHBOUR):
            continue
        numbers = tuple(range(a, b + 1))
        out.append(Found(m.start(), m.end(), "numeric", False, ((m.start(), m.end(), {"numbers": numbers}),), frozenset({form})))
    return out


# Citation numbers whose superscript survived only on the punctuation between them (SciELO's
# conversions): "universities<sup>(</sup>1<sup>-</sup>3<sup>)</sup>", "enfermagem9<sup>-</sup>11",
# "society.7<sup>),(</sup>8", "reaction.7<sup>,</sup>8". The superscripts hold punctuation only
# ("CD24<sup>hi</sup>38" is no citation), a dash making a range; the numbers touch them. Possessive
# throughout: each stretch has one reading.
_SUP_SEPARATOR = r"<sup>[\s()\[\]]*+[-–—,;][\s()\[\]\-–—,;]*+</sup>"
_SPLIT_SUP = lazy(
    rf"<sup>\s*+[(\[]\s*+</sup>(?P<enclosed>\d{{1,3}}(?:{_SUP_SEPARATOR}\d{{1,3}}(?!\d))*+)(?!\d)<sup>\s*+[)\]]\s*+</sup>"
    rf"|(?<!\d|\d[.,])(?P<bare>\d{{1,3}}(?:{_SUP_SEPARATOR}\d{{1,3}}(?!\d))++)(?!\d)(?:<sup>\s*+[)\]]\s*+</sup>)?+"
)
_SEPARATOR_TEXT = stdre.compile(r"<sup>([^<]*)</sup>")


def _split_numbers(text: str, form: set[str]) -> tuple[int, ...]:
    """``1<sup>-</sup>3`` -> 1, 2, 3; ``7<sup>),(</sup>8`` -> 7, 8."""
    return _numbers(_SEPARATOR_TEXT.sub(lambda m: "-" if _DASH.search(m.group(1)) else ",", text), form)


def find_numeric(masked: str, lo: int, hi: int, *, parentheses: bool = False, raw: str | None = None) -> list[Found]:
    """Numeric citations between ``lo`` and ``hi``; ``raw`` is the unmasked text (the emphasis
    markers the mask blanked), by default ``masked``."""
    raw = masked if raw is None else raw
    found: list[Found] = []
    region = masked[lo:hi]
    for run_start, run_end in _bracket_runs(region, raw[lo:hi] if raw is not masked else None):
        start, end = lo + run_start, lo + run_end
        if _preceded_by_non_citation(masked, start):
            continue
        form: set[str] = set()
        numbers = _bracket_run_numbers(region[run_start:run_end], form)
        if not numbers or 0 in numbers:
            continue
        if start and _WORD_CHAR.match(masked, start - 1):
            form.add("attached")  # "randomness[1, 2]"
        found.append(Found(start, end, "numeric", False, ((start, end, {"numbers": numbers}),), frozenset(form)))
    for m in _SUP.finditer(region):
        start, end = lo + m.start(), lo + m.end()
        form = set()
        numbers: tuple[int, ...] = ()
        for n in _SUP_GROUP.finditer(m.group(0)):
            numbers += _numbers(n.group(1), form)
        if not numbers or 0 in numbers or _is_exponent(masked[max(0, start - 80) : start], numbers):
            continue
        if _PREFIX_OF.match(raw, end) and not _repeated_after(raw, end, m.group(1)):
            continue  # "<sup>55</sup>Fe": a prefix of what follows, not a citation mark
        found.append(Found(start, end, "numeric", False, ((start, end, {"numbers": numbers}),), frozenset(form | {"superscript"})))
    if "</sup>" in region:
        rows = _TableRows(masked)
        for m in _SPLIT_SUP.finditer(region):
            start, end = lo + m.start(), lo + m.end()
            if start in rows:
                continue  # "| Cases of Hookworm5<sup>–</sup>7 |": a table's header, read no more than its glued numbers
            form = set()
            numbers = _split_numbers(m.group("bare") if m.group("enclosed") is None else m.group("enclosed"), form)
            if numbers and 0 not in numbers:
                found.append(Found(start, end, "numeric", False, ((start, end, {"numbers": numbers}),),
                                   frozenset(form | {"superscript", "split"})))
    for m in _UNICODE_SUP.finditer(region):
        start, end = lo + m.start(1), lo + m.end(1)
        form = set()
        numbers = _numbers(m.group(1).translate(_SUPERSCRIPT_DIGITS).replace("⁻", "-"), form)
        if numbers and 0 not in numbers and not _is_exponent(masked[max(0, start - 80) : start], numbers):  # "R²", "km²"
            found.append(Found(start, end, "numeric", False, ((start, end, {"numbers": numbers}),), frozenset(form | {"superscript"})))
    if parentheses:
        for m in _PAREN_NUM.finditer(region):
            start, end = lo + m.start(), lo + m.end()
            if _preceded_by_non_citation(masked, start, strict=True) or _WORD_CHAR.match(masked[max(0, start - 1) : start]):
                continue
            form = set()
            numbers = _numbers(m.group(1), form)
            if numbers and 0 not in numbers:
                found.append(Found(start, end, "numeric", False, ((start, end, {"numbers": numbers}),), frozenset(form | {"parentheses"})))
    return found


def closing(text: str, open_at: int, limit: int, *, tex: bool = False) -> int | None:
    """Offset of the bracket that closes the one at ``open_at`` (``{``, ``[`` or ``(``; backslash
    escapes skipped; with ``tex``, "%" comments out the rest of its line), if it comes before
    ``limit`` and within BALANCED_LIMIT characters."""
    opener = text[open_at]
    closer = _PAIRS[opener]
    depth = 0
    pos = open_at
    limit = min(limit, open_at + BALANCED_LIMIT)
    nesting = _TEX_NESTING if tex else _NESTING
    while True:
        m = nesting.search(text, pos, limit)
        if m is None:
            return None
        ch = m.group()
        pos = m.end()
        if ch == "\\":
            pos += 1
        elif ch == "%":
            newline = text.find("\n", pos, limit)
            if newline == -1:
                return None
            pos = newline + 1
        elif ch == opener:
            depth += 1
        elif ch == closer:
            depth -= 1
            if depth == 0:
                return m.start()


class Scans:
    """What balanced-bracket scans may still read in one text: BALANCED_LIMIT characters each, and
    together twice the text's length; then nothing (a bracket counts as unclosed). Real texts stay
    far below; a megabyte of unclosed "{" stays linear."""

    def __init__(self, size: int):
        self.left = 2 * size + 50_000

    def limit(self, start: int, limit: int) -> int:
        return min(limit, start + min(BALANCED_LIMIT, max(0, self.left)))

    def closing(self, text: str, open_at: int, limit: int, *, tex: bool = False) -> int | None:
        limit = self.limit(open_at, limit)
        close = closing(text, open_at, limit, tex=tex)
        self.left -= (limit if close is None else close) - open_at
        return close


def key_end(text: str, at: int, limit: int, scans: Scans | None = None) -> int | None:
    """End of the key after the ``@`` at ``at``: ``@key`` (PANDOC_KEY) or ``@{key}`` (balanced braces, no blanks)."""
    if text[at + 1 : at + 2] == "{":
        m = _BRACED_KEY.match(text, at + 1, limit)
        return m.end() if m else None
    m = PANDOC_KEY.match(text, at + 1, limit)
    return m.end() if m else None


class _Emphasis:
    """The ``*``/``_`` runs of a text read in order, paired as openers and closers per paragraph, so
    that whether the run before an "@" closes an emphasis is known without reading back."""

    def __init__(self, masked: str, lo: int):
        self.masked, self.lo, self.pos = masked, lo, lo
        self.open = {"*": False, "_": False}

    def closes(self, start: int, mark: str) -> bool:
        masked = self.masked
        for run in _EMPHASIS_RUNS.finditer(masked, self.pos, start):
            token = run.group()
            if token[0] == "\n":
                self.open = {"*": False, "_": False}
                continue
            before = masked[run.start() - 1] if run.start() > self.lo else " "
            after = masked[run.end()] if run.end() < len(masked) else " "
            if not self.open[token[0]]:
                self.open[token[0]] = not after.isspace() and not (token[0] == "_" and before.isalnum())
            elif not before.isspace():
                self.open[token[0]] = False
        self.pos = max(self.pos, start)
        return self.open[mark]


def after_string(masked: str, at: int, lo: int, emphasis: _Emphasis | None = None) -> bool:
    """Whether the ``@`` at ``at`` directly follows a word, as pandoc's ``notAfterString`` sees it.

    pandoc's words are runs of letters, digits and dots (``john@example.com``, ``fig.@a``: no
    citation); an ellipsis ``...`` is not one, and an emphasis that closes counts as one
    (``*see*@a``: no citation). Anything masked (code, math, markup) ends no word.
    """
    prev = masked[at - 1] if at > lo else " "
    if prev.isalnum():
        return True
    if prev == ".":
        start = at - 1
        while start > lo and masked[start - 1] == ".":
            start -= 1
        return (at - start) % 3 != 0  # "..." is an ellipsis; a dot after it is a word again
    if prev in "*_":
        start = at - 1
        while start > lo and masked[start - 1] == prev:
            start -= 1
        if start == lo or masked[start - 1].isspace():
            return False  # it opens
        if emphasis is None:  # one question: read back to the paragraph's start (2000 characters at most)
            floor = max(lo, start - 2000)
            paragraph = masked.rfind("\n\n", floor, start)
            emphasis = _Emphasis(masked, paragraph if paragraph != -1 else floor)
        return emphasis.closes(start, prev)
    return False


def _groups(masked: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Outermost bracket pairs ``[...]`` of each paragraph (they may span lines), as (start, end);
    not footnotes (``[^1]``, ``^[note]``) or link texts (``[text](url)``), whose keys stand alone."""
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for m in _BRACKETS.finditer(masked, lo, hi):
        ch = m.group()
        if ch == "[":
            stack.append(m.start())
        elif ch == "]":
            if stack:
                start = stack.pop()
                end = m.end()
                if masked[start + 1 : start + 2] != "^" and masked[start - 1 : start] != "^" and masked[end : end + 1] != "(":
                    pairs.append((start, end))
        else:
            stack.clear()  # a blank line closes the paragraph
    pairs.sort(key=lambda p: (p[0], -p[1]))
    outer: list[tuple[int, int]] = []
    for start, end in pairs:
        if not outer or start >= outer[-1][1]:
            outer.append((start, end))
    return outer


def _unclosed_emphasis(masked: str, start: int, end: int) -> bool:
    """Whether the text of the bracket pair ``[start, end)`` outside its keys opens an emphasis it
    does not close (``[@a b__]``, ``[@a *]``, ``[@a b*c]``): pandoc's emphasis then reads on past
    the ``]``, and the brackets hold no citation. A run of ``*`` or ``_`` opens when no blank
    follows it (one ``_`` right after a letter or digit is part of the word) and closes an open
    one when no blank precedes it."""
    text = masked[start + 1 : end - 1]
    if "*" not in text and "_" not in text:
        return False
    chars = list(text)
    at = text.find("@")
    while at != -1:  # a key may hold underscores ("@a_b_", "@fig:_"): not emphasis
        key = PANDOC_KEY.match(text, at + 1)
        end_at = key.end() if key else at + 1
        chars[at:end_at] = " " * (end_at - at)
        at = text.find("@", end_at)
    text = "".join(chars)
    opened = {"*": False, "_": False}
    for run in _EMPHASIS_RUNS.finditer(text):
        token = run.group()
        if token[0] == "\n":
            continue
        before = text[run.start() - 1] if run.start() else " "
        after = text[run.end()] if run.end() < len(text) else "]"
        mark = token[0]
        if not opened[mark]:
            opened[mark] = not after.isspace() and not (token == "_" and before.isalnum())
        elif not before.isspace():
            opened[mark] = False
    return opened["*"] or opened["_"]


def _definition_label(masked: str, lo: int, start: int, end: int) -> bool:
    """The bracket pair opens a paragraph (up to three spaces in) and ``: destination`` follows it."""
    line = masked.rfind("\n", lo, start) + 1 if start > lo else lo
    if start - max(line, lo) > 3 or masked[max(line, lo) : start].strip():
        return False
    if line > lo + 1 and masked[masked.rfind("\n", lo, line - 1) + 1 : line - 1].strip():
        return False  # the line before holds text: a definition does not interrupt a paragraph
    line_end = masked.find("\n", end)
    return masked.startswith(":", end) and bool(masked[end + 1 : line_end if line_end != -1 else len(masked)].strip())


def find_pandoc_keys(masked: str, lo: int, hi: int, examples: frozenset[str] = frozenset()) -> list[Found]:
    """Pandoc and Manubot key citations, on a copy masked by ``markdown.pandoc_mask``.

    Every ``@`` that pandoc reads as a citation key: not after a word, followed by a key (see
    PANDOC_KEY) or a ``{braced key}``, not an example-list label (``examples``), not a
    pandoc-crossref label. Keys inside a bracket pair ``[see @a, p. 3; @b]``, which may span lines,
    are one citation; the others are narrative (``@a``, ``-@a``).
    """
    keys: list[tuple[int, int, str]] = []  # (start, end, key)
    scans = Scans(hi - lo)
    emphasis = _Emphasis(masked, lo)
    pos = lo
    last_end = -1
    while True:
        # an "@" that no letter, digit, "_", "*" or "{" follows is no key and takes no label with it
        found = _KEY_AT.search(masked, pos, hi)
        if found is None:
            break
        at = found.start()
        pos = at + 1
        if at != last_end and at > lo and masked[at - 1] not in _NO_WORD and after_string(masked, at, lo, emphasis):
            end = None
        elif masked[at + 1] == "{":
            end = key_end(masked, at, hi, scans)
        else:
            key = PANDOC_KEY.match(masked, at + 1, hi)
            end = key.end() if key else None
        if end is None:
            # pandoc reads "@label" as an example reference instead: the label is no word ("x@y@z" cites z)
            label = EXAMPLE_LABEL.match(masked, at + 1, hi)
            last_end = label.end() if label else at + 1
            continue
        last_end = pos = end
        key = masked[at + 2 : end - 1] if masked[at + 1] == "{" else masked[at + 1 : end]
        if key.lower().startswith(CROSSREF_LABELS):
            continue
        start = at - 1 if at > lo and masked[at - 1] == "-" else at
        keys.append((start, end, key))
    if not keys:
        return []
    found: list[Found] = []
    starts = [k[0] for k in keys]
    taken = set()
    for g_start, g_end in _groups(masked, lo, hi):
        first = bisect.bisect_left(starts, g_start)
        last = bisect.bisect_left(starts, g_end)
        if first == last:
            continue
        if _unclosed_emphasis(masked, g_start, g_end):
            # no bracketed citation for pandoc: its keys stand alone ("[" is text), and at a
            # paragraph's start before ": x" the brackets are a link definition's label
            if _definition_label(masked, lo, g_start, g_end):
                taken.update(range(first, last))
            continue
        items = tuple((s, e, {"key": key}) for s, e, key in keys[first:last])
        found.append(Found(g_start, g_end, "key", False, items))
        taken.update(range(first, last))
    for i, (s, e, key) in enumerate(keys):
        if i not in taken and key not in examples:  # "@good" names an example; "[@good]" is still a citation
            found.append(Found(s, e, "key", True, ((s, e, {"key": key}),)))
    return found


def to_citations(source: Source, found: list[Found]) -> tuple[Citation, ...]:
    """Number citations in document order and attach Spans; overlapping finds keep the first."""
    text = source.text
    span = source.span
    out: list[Citation] = []
    last_end = -1
    for f in sorted(found, key=lambda f: (f.start, -f.end)):
        if f.start < last_end:
            continue
        last_end = f.end
        # positional arguments, in field order: this runs for every citation of a long paper
        items = tuple([
            CitationItem(
                span(s, e), text[s:e], fields.get("authors", ()), fields.get("et_al", False),
                fields.get("year"), fields.get("numbers", ()), fields.get("key"),
            )
            for s, e, fields in f.items
        ])
        out.append(Citation(f"c{len(out) + 1}", span(f.start, f.end), text[f.start : f.end], f.style, f.narrative, items, f.form))
    return tuple(out)
