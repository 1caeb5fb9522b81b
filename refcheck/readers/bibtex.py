r"""Read a .bib file into References (ids ``b1``, ``b2``...) and bibtex-syntax-error problems.

bibtexparser v2 splits the file into blocks (entries, ``@string``, comments, failed blocks);
everything after that is here: field values are evaluated the way BibTeX does (``@string``
macros, ``#`` concatenation, the month and journal macros of the standard styles), LaTeX is
decoded to Unicode with pylatexenc, and names are split by BibTeX's rules.

Why not bibtexparser's middlewares: they run on ``library.entries`` only, so an entry with a
duplicate key (kept here: RC603 reports it) would be left unresolved; ``#`` concatenation and
``month = jan`` are not resolved; an undefined macro is silently left as its name; and
``SplitNameParts`` treats an escaped ``\~`` as a space (``Maga\~na`` becomes two words).

Spans: each block's ``raw`` text is searched for from the end of the previous block, so spans
stay exact even where bibtexparser's line count drifts (it does not count a newline right
after a backslash).

>>> refs, problems = read_bib(Source("x.bib", r'@article{k, author = {M{\"u}ller, J.}, year = 2020}'))
>>> refs[0].authors, refs[0].year, problems
((Name(family='Müller', given='J.'),), '2020', ())
"""

from __future__ import annotations

import contextlib
import logging
import re
import unicodedata
from collections import Counter
from functools import lru_cache

from refcheck.model import Manuscript, Name, Problem, Reference, Severity, Source, Span

RULE = "bibtex-syntax-error"
MAX_DIAGNOSED = 100  # failed blocks described one by one; the rest are one problem (like a compiler's error limit)

# bibtexparser logs every failed block as a warning; without a handler of its own Python's
# last-resort handler would print them on stderr. An application that configures logging
# still receives them (they propagate).
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

# The macros every standard style (plain.bst and its descendants, biblatex) defines: using them
# without an @string is not an error.
STANDARD_MACROS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June",
    "jul": "July", "aug": "August", "sep": "September", "oct": "October", "nov": "November", "dec": "December",
    "acmcs": "ACM Computing Surveys", "acta": "Acta Informatica", "cacm": "Communications of the ACM",
    "ibmjrd": "IBM Journal of Research and Development", "ibmsj": "IBM Systems Journal",
    "ieeese": "IEEE Transactions on Software Engineering", "ieeetc": "IEEE Transactions on Computers",
    "ieeetcad": "IEEE Transactions on Computer-Aided Design of Integrated Circuits",
    "ipl": "Information Processing Letters", "jacm": "Journal of the ACM",
    "jcss": "Journal of Computer and System Sciences", "scp": "Science of Computer Programming",
    "sicomp": "SIAM Journal on Computing", "tocs": "ACM Transactions on Computer Systems",
    "tods": "ACM Transactions on Database Systems", "tog": "ACM Transactions on Graphics",
    "toms": "ACM Transactions on Mathematical Software", "toois": "ACM Transactions on Office Information Systems",
    "toplas": "ACM Transactions on Programming Languages and Systems", "tcs": "Theoretical Computer Science",
}

# --------------------------------------------------------------------------------------------
# LaTeX -> Unicode. pylatexenc does the decoding; it is thorough but slow (~70 µs a call plus
# ~3.5 µs a character), so it only ever sees the LaTeX commands themselves, one at a time and
# cached: `{\"o}`, `\'e`, `\textit{...}`, `$\alpha$`. Plain text, braces and ties are handled
# here. A 10,000-entry file has a few hundred distinct commands.

# ADS exports: \ifmmode \acute{n}\else \'{n}\fi{}. The first \else and the first \fi after it, never
# others: if they fail, every later \ifmmode fails too, so _strip_ifmmode stops there (the pattern
# alone, retried at each \ifmmode, was cubic on 1 MB of "\ifmmode a\else " without a \fi).
_IFMMODE = re.compile(r"\\ifmmode\b(?>.*?\\else\b)\s*+(.*?)\\fi\b(?:\{\})?", re.S)
_COMMAND = re.compile(
    r"""
      \{\\(?:[^{}]|\{[^{}]*\})*\}                         # a group opened by a command: {\"o} {\ss} {\v{S}} {\H u} {\em x}
    | \\[`'^"~=.](?:\s*\{[^{}]*\}|\s*\\[A-Za-z]+|\s*[A-Za-z])?   # a symbol accent and its letter: \"o \"{o} \'\i
    | \\[uvHtcdbrk]\s+[A-Za-z](?![A-Za-z])                 # a letter accent and a spaced letter: \H u, \c c
    | \\[A-Za-z]+(?:\s*\{(?:[^{}]|\{[^{}]*\})*\})+          # a command with braced arguments: \v{r} \textit{x} \href{u}{t}
    | (?P<word>\\[A-Za-z]+)(?P<space>\s*)                  # a command without arguments: \ss \o \LaTeX
    | \\.                                                  # an escaped character: \& \% \_ \$ \{ \\
    | \$[^$]*\$                                            # inline math
    """,
    re.X | re.S,
)
_FALLBACK = re.compile(r"\\([A-Za-z]+|.)", re.S)
_PLAIN = str.maketrans({"{": None, "}": None, "~": " ", "\xa0": " "})
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _pylatexenc():
    """The walker and converter, with the text macros pylatexenc drops or misreads added."""
    from pylatexenc import latexwalker, macrospec  # noqa: PLC0415 - only .bib files with LaTeX pay for it
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db  # noqa: PLC0415

    walker_db = latexwalker.get_default_latex_context_db()
    walker_db.add_context_category(
        "refcheck", prepend=True, macros=[macrospec.MacroSpec("href", "{{"), macrospec.MacroSpec("url", "{")]
    )
    text_db = get_default_latex_context_db()
    keep = ("mbox", "hbox", "textmd", "textsf", "texttt", "textup", "textnormal", "url", "NoCaseChange", "MakeUppercase")
    text_db.add_context_category(
        "refcheck",
        prepend=True,
        macros=[MacroTextSpec(name, "%(1)s") for name in keep]
        + [MacroTextSpec("href", "%(2)s"), MacroTextSpec("texorpdfstring", "%(2)s")]
        + [MacroTextSpec(name, name) for name in ("TeX", "LaTeX", "BibTeX", "LaTeXe")],
    )
    return latexwalker, walker_db, LatexNodes2Text(latex_context=text_db)


@lru_cache(maxsize=1 << 14)
def _command(token: str) -> str:
    """One LaTeX command (with its arguments) as Unicode; braces kept around several words."""
    try:
        latexwalker, walker_db, converter = _pylatexenc()
        nodes = latexwalker.LatexWalker(token, latex_context=walker_db, tolerant_parsing=True).get_latex_nodes()[0]
        text = converter.nodelist_to_text(nodes)
    except Exception:  # noqa: BLE001 - pylatexenc raises IndexError and others on odd input
        text = _FALLBACK.sub(lambda m: "" if m.group(1).isalpha() else m.group(1), token).translate(_PLAIN)
    text = text.replace("\xa0", " ").replace("\xad", "")
    if token.startswith("{") and " " in text.strip():
        text = "{" + text.strip() + "}"  # `{\em Brinch Hansen}` stays one word for name splitting
    return unicodedata.normalize("NFC", text)


def _sub_command(match: re.Match) -> str:
    word = match.group("word")
    if word is None:
        return _command(match.group(0))
    text = _command(word)
    # TeX swallows the spaces after a control word (`Stra\ss e` is "Straße"); keep one where the
    # command stands for a word (`A \LaTeX package`), so that titles still compare word by word
    return text + " " if match.group("space") and len(text) != 1 else text


def _strip_ifmmode(text: str) -> str:
    """``_IFMMODE.sub(r"\\1", text)``: each ``\\ifmmode X\\else Y\\fi`` replaced by its text-mode ``Y``."""
    pieces: list[str] = []
    pos = 0
    at = text.find("\\ifmmode")
    while at != -1:
        m = _IFMMODE.match(text, at)
        if m is not None:
            pieces += (text[pos:at], m.group(1))
            pos = m.end()
        elif not (text[at + 8 : at + 9].isalnum() or text[at + 8 : at + 9] == "_"):
            break  # no \else, or no \fi after the first \else: neither for any later \ifmmode
        at = text.find("\\ifmmode", max(pos, at + 1))
    pieces.append(text[pos:])
    return "".join(pieces)


def decode_commands(text: str) -> str:
    """LaTeX commands -> Unicode, keeping protective braces: ``{DNA} M{\\"u}ller`` -> ``{DNA} Müller``."""
    if "\\" not in text and "$" not in text:
        return text
    if "\\ifmmode" in text:
        text = _strip_ifmmode(text)
    return _COMMAND.sub(_sub_command, text)


def _plain(text: str) -> str:
    """Protective braces dropped, ties and runs of white space made one space, dashes and quotes typeset."""
    text = text.translate(_PLAIN)
    if "--" in text:
        text = text.replace("---", "—").replace("--", "–")
    if "``" in text or "''" in text:
        text = text.replace("``", "“").replace("''", "”")
    text = " ".join(text.split())
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def latex_to_unicode(text: str) -> str:
    """A BibTeX field value as plain Unicode text.

    >>> latex_to_unicode("Heged{\\\\H u}s, {DNA} repair, pp.~1--10")
    'Hegedűs, DNA repair, pp. 1–10'
    """
    return _plain(decode_commands(text))


# --------------------------------------------------------------------------------------------
# Names

_AND = re.compile(r"(?<!\s)\s+and\s+", re.I)  # from the start of a blank run (later starts meet the same "and")
_BRACES = re.compile(r"(?<!\\)[{}]")
# "Smith, J. et al." written into the field. Only from the start of a run of blanks and commas:
# a later start in the run meets the same text after it (a search retrying each was quadratic).
_ET_AL = re.compile(r"(?<![\s,])[\s,]+et\.?\s*al\.?\s*$", re.I)


def _lower_initial(word: str) -> bool:
    return any(part[:1].islower() for part in word.split("-"))


@lru_cache(maxsize=1 << 16)
def _name(raw: str) -> Name | None:
    """One BibTeX name as written -> Name; None for an empty one.

    The common shapes ("Last, First" and "First Last" with capitalised words, no braces)
    are split directly, which is what BibTeX's rules give for them; anything else
    (particles, "Jr", braces, lower-case words) goes through bibtexparser's implementation
    of those rules.
    """
    text = decode_commands(raw).replace("~", " ").strip().strip(",").strip()
    if not text:
        return None
    if "{" not in text and "}" not in text:
        if text.count(",") == 1:
            last, first = text.split(",")
            words = last.split()
            if words and not any(_lower_initial(w) for w in words[:-1]):
                return Name(_plain(last), _plain(first))
        elif "," not in text:
            words = text.split()
            if not any(_lower_initial(w) for w in words):
                return Name(words[-1], " ".join(words[:-1]))
    from bibtexparser.middlewares.names import parse_single_name_into_parts  # noqa: PLC0415

    parts = parse_single_name_into_parts(text, strict=False)
    family = _plain(" ".join(parts.von + parts.last))
    given = _plain(" ".join(parts.first))
    if parts.jr:
        given = f"{given}, {_plain(' '.join(parts.jr))}" if given else _plain(" ".join(parts.jr))
    if not family and given:  # a lone lower-case word: BibTeX calls it "von"; it is the family name
        family, given = given, ""
    return Name(family, given) if family or given else None


def _split_names(value: str) -> list[str]:
    """Split on " and " at brace depth 0 (as bibtexparser's ``split_multiple_persons_names``,
    which is 10x slower: it walks the string a character at a time in Python)."""
    if "{" not in value:
        return _AND.split(value)
    stretches, depth, level_start = [], 0, 0  # the parts of the value outside braces
    for mark in _BRACES.finditer(value):
        if mark.group() == "{":
            if depth == 0:
                stretches.append((level_start, mark.start()))
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                level_start = mark.end()
    if depth == 0:
        stretches.append((level_start, len(value)))
    names, start = [], 0
    for begin, end in stretches:
        for match in _AND.finditer(value, begin, end):
            names.append(value[start : match.start()])
            start = match.end()
    names.append(value[start:])
    return names


_JR = re.compile(r"(?:jr|sr|junior|senior|ii|iii|iv|vi|vii|viii|ix|\d(?:st|nd|rd|th))\.?", re.I)  # not "I." or "V.": initials
_INITIAL = re.compile(r"(?:[A-Z]\.?-?){1,3}|[A-Z][a-z]?\.")
_PARTICLE_OR_LOWER = re.compile(r"[a-z]")


def _top_level_commas(name: str) -> list[str]:
    """A name split at its commas outside braces: ``{Barnes, Inc.}`` is one part."""
    if "," not in name:
        return [name.strip()]
    if "{" not in name:
        return [part.strip() for part in name.split(",")]
    parts, depth, start = [], 0, 0
    for mark in _BRACE_OR_COMMA.finditer(name):
        ch = mark.group()
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            parts.append(name[start : mark.start()].strip())
            start = mark.end()
    parts.append(name[start:].strip())
    return parts


_BRACE_OR_COMMA = re.compile(r"[{},]")


def printed_name(raw: str) -> str:
    """One name as the standard styles print it in full: ``First von Last, Jr``."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts  # noqa: PLC0415

    try:
        parts = parse_single_name_into_parts(decode_commands(raw).replace("~", " "), strict=False)
    except Exception:  # noqa: BLE001 - bibtexparser raises on some malformed names
        return _plain(raw)
    text = " ".join(parts.first + parts.von + parts.last)
    if parts.jr:
        text += ", " + " ".join(parts.jr)
    return _plain(text)


def _is_jr(part: str) -> bool:
    return bool(_JR.fullmatch(part.strip().strip("{}")))


def _full_names(part: str) -> bool:
    """``John A. Smith``, ``J. Smith``: a whole name written given names first (a capitalised word last)."""
    words = part.split()
    if len(words) < 2 or any(_PARTICLE_OR_LOWER.match(w) or "{" in w for w in words):
        return False
    return bool(_INITIAL.fullmatch(words[0])) or any(_INITIAL.fullmatch(w) for w in words[:-1])


def _capitalised(part: str) -> bool:
    words = part.split()
    return len(words) >= 2 and not any(_PARTICLE_OR_LOWER.match(w) or "{" in w or "\\" in w for w in words)


def author_list_problems(value: str, field: str = "author") -> list[str]:
    """How an ``author``/``editor`` value will be read as people other than those meant, each with
    the names as BibTeX will print them and the value to write instead. Empty when it reads right.

    >>> author_list_problems("Smith, John, Doe, Jane")
    ['`author = {Smith, John, Doe, Jane}` is one person with too many commas (BibTeX stops with "Too many commas"); separate the people with `and`: `Smith, John and Doe, Jane`']
    """
    shown = " ".join(value.split())
    raw_names = _split_names(shown)
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    out = []
    split = [_top_level_commas(n) for n in raw_names]
    # names written "First Last" (two words or more, no comma): not "others", a handle or a {Group}
    comma_free = sum(1 for parts in split if len(parts) == 1 and len(parts[0].split()) >= 2 and "{" not in parts[0])
    for i, raw in enumerate(raw_names):
        parts = split[i]
        if len(parts) == 2 and " " not in parts[1] and "et" not in parts[1] and not _is_jr(parts[1]):
            continue  # "Müller, J.": the usual shape, read as meant
        name = raw.strip()
        bare = name.strip("{}").strip().lower()
        if bare in ("et al.", "et al", "et. al.", "et.al."):
            out.append(f"`{field} = {{{shown}}}` has \"{name}\" as a name: BibTeX prints it as a person; write `and others`")
            continue
        if name.lower() == "others" and i < len(raw_names) - 1:
            out.append(f"`{field} = {{{shown}}}`: `others` stands for the remaining people only at the end of the list")
            continue
        if name.lower() != "others" and name.lower().endswith((" et al.", " et al", ",et al.")) and "{" not in name:
            out.append(f"`{field} = {{{shown}}}` ends in \"et al.\" inside a name (BibTeX prints \"{printed_name(name)}\"); "
                       "write `and others`")
            continue
        if len(parts) == 3 and not parts[2] and parts[0] and parts[1] and "," not in parts[1]:
            # "Arner, E.,": one person, with a comma too many
            out.append(f"`{field} = {{{shown}}}`: \"{name}\" ends in a comma, so \"{parts[1]}\" is read as a suffix like "
                       f"\"Jr.\", not as given names (printed \"{parts[0]} {parts[1]}\" where the others print given names "
                       f"first); delete the comma: `{parts[0]}, {parts[1]}`")
            continue
        if len(parts) >= 4 or (len(parts) == 3 and not _is_jr(parts[1]) and not _is_jr(parts[2])):
            if len(parts) > 40 or len(name) > 2000:
                fix = None  # not a list anyone wrote by hand: no rewrite to offer
            elif all(len(p.split()) >= 2 for p in parts):  # "John Smith, Jane Doe, Bob Lee"
                fix = " and ".join(parts)
            elif len(parts) % 2 == 0:  # "Smith, John, Doe, Jane"
                fix = " and ".join(f"{parts[k]}, {parts[k + 1]}" for k in range(0, len(parts), 2))
            else:
                fix = None
            how = ("stops with \"Too many commas\"" if len(parts) >= 4 else f"prints \"{printed_name(name)}\"")
            out.append(f"`{field} = {{{shown}}}` is one person with {'too many ' if len(parts) >= 4 else ''}commas "
                       f"(BibTeX {how}); separate the people with `and`" + (f": `{fix}`" if fix else ""))
        elif len(name) > 2000:
            continue  # printed_name() on a megabyte of junk says nothing useful
        elif len(parts) == 3 and _is_jr(parts[2]) and not _is_jr(parts[1]):
            fix = f"{parts[0]}, {parts[2]}, {parts[1]}"
            out.append(f"`{field} = {{{shown}}}`: \"{parts[2]}\" is read as a given name (BibTeX prints \"{printed_name(name)}\"); "
                       f"BibTeX wants `Last, Jr, First`: `{fix}`")
        elif len(parts) == 1 and len(name.split()) >= 3 and _is_jr(name.split()[-1]) and "{" not in name:
            words = name.split()
            out.append(f"`{field} = {{{shown}}}`: in \"{name}\" the family name is read as \"{words[-1]}\" "
                       f"(sorted and labelled under it); write `{words[-2]}, {words[-1]}, {' '.join(words[:-2])}`")
        elif len(parts) == 2 and _is_jr(parts[1]) and len(parts[0].split()) >= 2 and not _PARTICLE_OR_LOWER.match(parts[0]):
            words = parts[0].split()
            out.append(f"`{field} = {{{shown}}}`: \"{name}\" is read as family name \"{parts[0]}\", given name \"{parts[1]}\" "
                       f"(BibTeX prints \"{printed_name(name)}\"); BibTeX wants `Last, Jr, First`: "
                       f"`{words[-1]}, {parts[1]}, {' '.join(words[:-1])}`")
        elif len(parts) == 2 and len(parts[1].split()) >= 2 and not all(_INITIAL.fullmatch(w) for w in parts[1].split()) and (
                _full_names(parts[0]) or (comma_free and _capitalised(parts[0]) and _capitalised(parts[1]))):
            # "J. Smith, K. Doe", or "John Smith, Jane Doe" among names written "First Last" (alone it
            # could be "García Márquez, Gabriel José")
            out.append(f"`{field} = {{{shown}}}`: \"{name}\" is read as one person (BibTeX prints \"{printed_name(name)}\"); "
                       f"separate the people with `and`: `{parts[0]} and {parts[1]}`")
    return out


def parse_names(value: str) -> tuple[tuple[Name, ...], bool]:
    """An ``author``/``editor`` value -> (names, truncated): split on " and " outside braces.

    >>> parse_names("van der Berg, J. and {World Health Organization} and others")
    ((Name(family='van der Berg', given='J.'), Name(family='World Health Organization', given='')), True)
    """
    raw_names = _split_names(value.strip())
    truncated = False
    if raw_names and raw_names[-1].strip().lower() in ("others", "{others}", "et al.", "et al"):
        raw_names.pop()
        truncated = True
    if raw_names:
        tail = _ET_AL.search(raw_names[-1])
        if tail and tail.start() > 0:  # "Smith, J. et al." written into the field
            raw_names[-1] = raw_names[-1][: tail.start()]
            truncated = True
    names = []
    for raw in raw_names:
        name = _name(raw)
        if name is not None:
            names.append(name)
    return tuple(names), truncated


# --------------------------------------------------------------------------------------------
# Field values

_VALUE_MARKS = re.compile(r'(?<!\\)[{}"#]')
_IDENTIFIER = re.compile(r"""[^\s"#%'(),={}0-9][^\s"#%'(),={}]*""")


def _pieces(value: str) -> list[str]:
    """A value split at its top-level ``#`` (outside braces and quotes)."""
    if "#" not in value:
        return [value]
    pieces, depth, quoted, start = [], 0, False, 0
    for mark in _VALUE_MARKS.finditer(value):
        char = mark.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and char == '"':
            quoted = not quoted
        elif depth == 0 and not quoted and char == "#":
            pieces.append(value[start : mark.start()])
            start = mark.end()
    pieces.append(value[start:])
    return pieces


def _enclosed(piece: str) -> str | None:
    """The inside of ``{...}`` or ``"..."`` when that one pair encloses the whole piece, else None.

    ``{One} year={2000}`` (a missing comma) starts and ends with braces but is not one group.
    """
    if len(piece) < 2:
        return None
    first, last = piece[0], piece[-1]
    if first == "{" and last == "}":
        inner = piece[1:-1]
        if "{" not in inner and "}" not in inner:
            return inner
        depth = 0
        for mark in _BRACES.finditer(piece):
            depth += 1 if mark.group() == "{" else -1
            if depth == 0:
                return inner if mark.end() == len(piece) else None
        return None
    if first == '"' and last == '"':
        inner = piece[1:-1]
        if '"' not in inner:
            return inner
        depth = 0
        for mark in _VALUE_MARKS.finditer(inner):
            char = mark.group()
            if char == "{":
                depth += 1
            elif char == "}":
                depth = max(depth - 1, 0)
            elif char == '"' and depth == 0:
                return None
        return inner
    return None


def evaluate(value: str, macros: dict[str, str]) -> tuple[str, list[str]]:
    """A raw field value as BibTeX reads it: braces or quotes removed, numbers kept, macros
    expanded, ``#`` concatenated. Returns the text and the pieces that could not be read
    (macro names no @string defines, bare words, text after a closing brace).

    >>> evaluate('"Proc. " # conf # {, } # 2020', {"conf": "ICML"})
    ('Proc. ICML, 2020', [])
    """
    out, bad = [], []
    for piece in _pieces(value):
        piece = piece.strip()
        inner = _enclosed(piece)
        if inner is not None:
            out.append(inner)
        elif piece.isdigit():
            out.append(piece)
        elif (expansion := macros.get(piece.lower())) is not None:
            out.append(expansion)
        else:
            bad.append(piece)
    return "".join(out), bad


# --------------------------------------------------------------------------------------------
# The file

_DOI_PREFIX = re.compile(r"^(?:https?://[^/\s]*doi[^/\s]*/|doi:\s*)", re.I)  # doi.org, dx.doi.org, doi.acm.org
_URL_COMMAND = re.compile(r"\\url\{([^{}]*)\}")
_URL_ESCAPE = re.compile(r"\\([_%#&~$])")
_YEAR = re.compile(r"\d{4}")
_STRING_DEFINITION = re.compile(r"@string\s*[{(]\s*([^\s={}()]+)\s*=", re.I)
_BLOCK_HEAD = re.compile(r"@\s*(\w*)\s*[{(]\s*([^,\s={}()]*)")
_BLOCK_HEAD_COMMENT = re.compile(r"@\s*comment\b", re.I)
_VALUE_OR_PERCENT = re.compile(r'(?<!\\)[{}"%]')


def _outer_comments_removed(value: str) -> str:
    """A raw value without the ``%`` comments outside its braces and quotes (``{2001} % in
    press``), as pandoc reads it; a ``%`` inside (a URL's ``%26``, "50% of cases") is text."""
    out, depth, quoted, last = [], 0, False, 0
    for mark in _VALUE_OR_PERCENT.finditer(value):
        char = mark.group()
        if mark.start() < last:
            continue  # inside a comment
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "%" and depth == 0 and not quoted:
            out.append(value[last : mark.start()])
            newline = value.find("\n", mark.start())
            last = len(value) if newline < 0 else newline
    out.append(value[last:])
    return "".join(out).strip()
_MONTH_NAME = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?", re.I)
_BARE_TOKEN = re.compile(r"[^\s\"#%'(),={}]+")


def _pandoc_unreadable(bad: list[str], field: str) -> list[str]:
    """The unreadable pieces of a value that pandoc does not read as the author meant: it takes a
    single bare token as text (``pages = 1-19``) and drops a month it cannot name, so only an
    undefined macro outside ``month`` (printed as the word) and bare text with spaces remain."""
    kept = []
    for piece in bad:
        if field == "month" and _MONTH_NAME.fullmatch(piece):
            continue
        if _BARE_TOKEN.fullmatch(piece) and not _IDENTIFIER.fullmatch(piece):
            continue  # "1-19": read as the text it is
        kept.append(piece)
    return kept

_WANTED = frozenset(
    "author editor year date title journal journaltitle booktitle volume number issue pages eid doi url howpublished crossref".split()
)


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    text = latex_to_unicode(value)
    return text or None


def _verbatim(value: str | None) -> str | None:
    """DOIs, URLs, numbers: braces and escapes removed, nothing typeset."""
    if value is None:
        return None
    url = _URL_COMMAND.search(value)
    if url:
        value = url.group(1)
    if "\\" in value:
        value = _URL_ESCAPE.sub(r"\1", value)
    value = _SPACES.sub(" ", value.replace("{", "").replace("}", "")).strip()
    return value or None


def _entry_name(key: str) -> str:
    return f"entry {key}" if key else "an entry without a key"


class _Reader:
    """One pass over bibtexparser's blocks, in file order."""

    def __init__(self, source: Source, backend: str | None = None, macros: dict[str, str] | None = None):
        self.source = source
        self.backend = backend
        self.text = source.text
        self.cursor = 0
        self.macros = {} if macros is None else macros  # shared by the files of one bibliography (BibTeX, biber)
        for name, value in STANDARD_MACROS.items():
            self.macros.setdefault(name, value)
        self.commented: list[int] = []  # where `%@type{` entries start (BibTeX reads them all the same)
        self.strings_at: dict[str, int] | None = None
        self.references: list[Reference] = []
        self.problems: list[Problem] = []
        self.failures = 0  # blocks bibtexparser gave up on; past MAX_DIAGNOSED only counted
        self.first_undiagnosed: Span | None = None
        self.last_failed_at = 0

    # where things are -----------------------------------------------------------------------

    def locate(self, raw: str, start_line: int | None, *, failed: bool = False) -> int:
        """Offset of a block's raw text: searched from the end of the previous block.

        A failed block's raw text may run into the next block (``@string{@article`` ends with
        the mark that stopped it), so after one the search resumes right after its ``@``.
        """
        pos = self.text.find(raw, self.cursor) if raw else -1
        if pos < 0:  # should not happen; fall back on bibtexparser's (0-based) line
            line = min(max(start_line or 0, 0), len(self.source._line_starts) - 1)
            return min(max(self.source._line_starts[line], self.cursor), len(self.text))
        self.cursor = pos + 1 if failed else pos + len(raw)
        return pos

    def first_line(self, start: int, end: int) -> Span:
        """The span of a block's first line (problems point there, not at megabytes of text)."""
        newline = self.text.find("\n", start, end)
        return self.source.span(start, newline if newline >= 0 else end)

    def field_span(self, start: int, raw: str, field: str) -> Span:
        match = re.search(rf"(?<![\w-]){re.escape(field)}\s*=", raw, re.I)
        if not match:
            return self.first_line(start, start + len(raw))
        return self.first_line(start + match.start(), start + len(raw))

    # blocks ---------------------------------------------------------------------------------

    def read(self, library) -> None:
        from bibtexparser.model import (  # noqa: PLC0415
            DuplicateBlockKeyBlock,
            DuplicateFieldKeyBlock,
            Entry,
            ParsingFailedBlock,
            String,
        )

        for block in library.blocks:
            inner = block
            if isinstance(block, (DuplicateBlockKeyBlock, DuplicateFieldKeyBlock)):
                inner = block.ignore_error_block  # a duplicate key (RC603's) or field: keep the entry
            if isinstance(inner, Entry):
                start = self.locate(inner.raw or "", inner.start_line)
                commented = self.commented_out(start)
                if commented and self.backend != "bibtex":
                    continue  # pandoc and biber skip the line
                self.entry(inner, start, duplicate_fields=isinstance(block, DuplicateFieldKeyBlock), commented=commented)
            elif isinstance(inner, String):
                start = self.locate(inner.raw or "", inner.start_line)
                self.string(inner, start)
            elif isinstance(block, ParsingFailedBlock):
                start = self.locate(block.raw or "", block.start_line, failed=True)
                if self.commented_out(start):
                    if self.backend == "bibtex" and "\n" in (block.raw or "").strip():
                        self.commented.append(start)  # BibTeX stops at its second line with an error (finish)
                    continue  # pandoc and biber skip a `%` line
                if self.backend == "bibtex" and _BLOCK_HEAD_COMMENT.match(block.raw or ""):
                    continue  # BibTeX skips an @comment's text as junk between entries, braces or not
                self.failed(block, start)
            else:  # comments, @preamble
                self.locate(block.raw or "", block.start_line)

    def commented_out(self, start: int) -> bool:
        """Whether the block starting at ``start`` is commented out (``%@article{...``): pandoc and
        biber skip it; BibTeX has no comments in a .bib and reads it as an entry."""
        lo = max(0, start - 200)  # bounded: a file that is one long line must not make this quadratic
        newline = self.text.rfind("\n", lo, start)
        return "%" in self.text[newline + 1 if newline >= 0 else lo : start]

    def string(self, block, start: int) -> None:
        value, bad = evaluate(block.value, self.macros)
        if bad:
            span = self.first_line(start, start + len(block.raw or ""))
            self.problems.append(Problem(span, f"@string {block.key}: {self.explain(bad[0], block.key, block.value)}", rule=RULE))
        if block.key:
            self.macros[block.key.lower()] = value

    def string_offsets(self) -> dict[str, int]:
        """Where each @string name is first defined (found once, when a macro is first missing)."""
        if self.strings_at is None:
            self.strings_at = {}
            for match in _STRING_DEFINITION.finditer(self.text):
                self.strings_at.setdefault(match.group(1).lower(), match.start())
        return self.strings_at

    def explain(self, piece: str, field: str, value: str) -> str:
        """Why a value cannot be read, for one unreadable piece of it."""
        shown = _SPACES.sub(" ", value if len(value) <= 60 else value[:57] + "...")
        if piece[:1] in "{\"":
            return f"`{field} = {shown}` has text after its closing brace or quote (a missing comma between fields?)"
        if not _IDENTIFIER.fullmatch(piece):
            return (f"`{field} = {shown}` is not enclosed in braces or quotes, nor a number or an @string name; "
                    f"write `{field} = {{...}}`")
        later = self.string_offsets().get(piece.lower())
        if later is not None and later >= self.cursor:
            line, _ = self.source.position(later)
            return (f"`{field} = {shown}` uses the @string `{piece}` before it is defined on line {line} "
                    "(BibTeX reads the file in order; move the @string up)")
        if self.backend == "pandoc":
            return f"`{field} = {shown}`: no @string defines `{piece}`, so pandoc prints the word `{piece}`; define it or enclose the value in braces"
        return f"`{field} = {shown}`: no @string defines `{piece}`; define it or enclose the value in braces"

    def entry(self, entry, start: int, duplicate_fields: bool, commented: bool = False) -> None:
        raw = entry.raw or ""
        values: dict[str, str] = {}
        names = []
        seen = set()
        percent = False
        last_of = {f.key.lower(): i for i, f in enumerate(entry.fields)} if duplicate_fields else {}
        for index, field in enumerate(entry.fields):
            key, value = field.key, field.value
            if key.startswith("%"):  # a line commented out: pandoc and biber skip it
                if self.backend == "bibtex" and commented and not percent:
                    percent = True  # a `%@entry{` whose lines are commented out too: said once for the file (finish)
                    self.commented.append(start)
                elif self.backend == "bibtex" and not percent:
                    percent = True  # said once: one finding for one defect
                    lost = [f.key.lower() for f in entry.fields[index + 1 :] if not f.key.startswith("%")]
                    span = self.field_span(start, raw, key[1:].strip()) if key[1:].strip() else self.first_line(start, start + len(raw))
                    self.problems.append(Problem(span, (
                        f"{_entry_name(entry.key)}: `%` starts no comment inside an entry for BibTeX: it stops reading the "
                        "entry here" + (f" and loses {', '.join(lost)}" if lost else " with an error (latexmk fails)")
                        + " (biber would skip the line); delete the line"), rule=RULE, severity=Severity.ERROR))
                continue  # graded: reported in uncited entries too
            if self.backend == "pandoc" and "%" in value:
                value = _outer_comments_removed(value)  # pandoc: `%` between values comments to the end of the line
            name = key.lower()
            names.append(name)
            if name in seen and self.backend not in ("biber", "pandoc"):
                continue  # BibTeX keeps the first of a repeated field, biber and pandoc the last (tests/test_tex_oracle.py)
            seen.add(name)
            if self.backend in ("biber", "pandoc") and last_of.get(name, index) != index:
                continue  # a value they replace with a later one: never read, never reported
            text = None
            if value[:1] == "{" and "#" not in value:
                if value[-1] == "}" and "=" not in value:
                    # the usual `{...}`: without an `=` no field can have been swallowed by a
                    # missing comma (`{One} year={2000}`), so the braces need not be matched
                    text = value[1:-1]
                else:
                    text = _enclosed(value)
            if text is None:
                text, bad = evaluate(value, self.macros)
                if bad and self.backend == "pandoc":
                    bad = _pandoc_unreadable(bad, name)
                    text = text or value.strip()  # pandoc prints a bare word or an undefined macro as written
                if bad:
                    span = self.field_span(start, raw, key)
                    message = f"{_entry_name(entry.key)}: {self.explain(bad[0], key, value)}"
                    if bad[0][:1] in "{\"" or not _IDENTIFIER.fullmatch(bad[0]):
                        # not a missing @string but broken syntax (a missing comma): BibTeX stops at it
                        # in every entry, cited or not, and biber reads nothing of the file
                        message += self.biber_stops()
                        self.problems.append(Problem(span, message, rule=RULE, severity=Severity.ERROR))
                    else:
                        self.problems.append(Problem(span, message, rule=RULE))
            if name in _WANTED:
                values[name] = text
            if name in ("author", "editor") and text and ("," in text or "et" in text or "others" in text or "jr" in text.lower()):
                found = author_list_problems(text, name)
                if found:  # one finding per field: the first name misread, and how many more are
                    more = f" (and {len(found) - 1} more {'names' if len(found) > 2 else 'name'} misread in this field)" if len(found) > 1 else ""
                    self.problems.append(Problem(self.field_span(start, raw, key), f"{_entry_name(entry.key)}: {found[0]}{more}",
                                                 rule="author-list-misread"))
        if commented and percent:
            return  # a `%@entry{` BibTeX stops in: said once for the file; what it keeps of it is noise (an empty duplicate)
        repeated = ()
        if duplicate_fields:  # duplicate-bib-field reports it, for cited entries
            repeated = tuple(sorted(n for n, count in Counter(names).items() if count > 1))  # names.count() was quadratic
        self.references.append(self.reference(entry, start, raw, values, tuple(names), repeated))

    def reference(self, entry, start: int, raw: str, values: dict[str, str], fields: tuple[str, ...],
                  repeated: tuple[str, ...] = ()) -> Reference:
        get = values.get
        people = get("author") or get("editor")
        authors, truncated = parse_names(people) if people else ((), False)
        year = _verbatim(get("year"))
        if not year and get("date"):
            found = _YEAR.search(get("date"))
            year = found.group(0) if found else None
        doi = _verbatim(get("doi"))
        if doi:
            doi = _DOI_PREFIX.sub("", doi).strip() or None
        url = _verbatim(get("url"))
        if not url and get("howpublished") and "\\url" in get("howpublished"):
            url = _verbatim(get("howpublished"))
        page = _verbatim(get("pages"))
        if page and "-" in page:
            page = page.replace("---", "–").replace("--", "–")
        return Reference(
            id=f"b{len(self.references) + 1}",
            span=self.source.span(start, start + len(raw)),
            raw=raw,
            key=entry.key,
            authors=authors,
            authors_truncated=truncated,
            year=year,
            title=_text(get("title")),
            container_title=_text(get("journal") or get("journaltitle") or get("booktitle")),
            volume=_verbatim(get("volume")),
            issue=_verbatim(get("number") or get("issue")),
            page=page,
            article_number=_verbatim(get("eid")),
            doi=doi,
            url=url,
            confidence=1.0,
            type=entry.entry_type.lower(),
            fields=fields,
            crossref=_verbatim(get("crossref")),
            repeated=repeated,
        )

    def failed(self, block, start: int) -> None:
        raw = block.raw or ""
        self.failures += 1
        if self.failures > MAX_DIAGNOSED:  # counted, and summed up by ``finish``: a file of broken
            if self.first_undiagnosed is None:  # blocks costs one scan, not a diagnosis per block
                self.first_undiagnosed = self.first_line(start, start + max(len(raw), 1))
            self.last_failed_at = start
            return
        span = self.first_line(start, start + max(len(raw), 1))
        self.problems.append(Problem(span, _diagnose(raw, block.error, self.source, start) + self.biber_stops(), rule=RULE))

    def biber_stops(self) -> str:
        """What a syntax error costs under biber (tests/test_tex_oracle.py): the whole file."""
        if self.backend != "biber":
            return ""
        return f"; biber stops at this error and reads nothing of {self.source.path}: every citation of its entries is undefined"

    def finish(self) -> None:
        """One problem for the commented-out entries BibTeX stops in, one for the failed blocks past
        the first MAX_DIAGNOSED."""
        if self.commented:
            first = self.first_line(self.commented[0], len(self.text))
            count = len(self.commented)
            lines = ", ".join(f"{self.source.position(at)[0]:,}" for at in self.commented[:5]) + (", ..." if count > 5 else "")
            self.problems.append(Problem(first, (
                f"{'an entry is' if count == 1 else f'{count:,} entries are'} commented out with `%` (line{'s' if count > 1 else ''} {lines}): "
                "BibTeX has no comments in a .bib: it reads each one as an entry and stops at its first `%` line with an "
                "error (latexmk fails); delete them, or change `%@` to `@comment`"), rule=RULE, severity=Severity.ERROR))
        more = self.failures - MAX_DIAGNOSED
        if more <= 0:
            return
        first = self.first_undiagnosed
        last_line, _ = self.source.position(self.last_failed_at)
        self.problems.append(Problem(
            first, f"{more:,} more blocks cannot be parsed (lines {first.line:,}-{last_line:,}); only the first {MAX_DIAGNOSED} "
            "are described: fix those and check again; the blocks are skipped", rule=RULE))


def _balance(raw: str) -> int:
    """Unclosed ``{`` minus unopened ``}`` (escaped braces not counted)."""
    depth = extra = 0
    for mark in re.finditer(r"(?<!\\)[{}]", raw):
        if mark.group() == "{":
            depth += 1
        elif depth:
            depth -= 1
        else:
            extra += 1
    return depth - extra


def _diagnose(raw: str, error: Exception, source: Source, start: int) -> str:
    """What is wrong with a block bibtexparser gave up on, in the user's terms."""
    reason = str(getattr(error, "abort_reason", None) or error).strip()
    head = _BLOCK_HEAD.match(raw)
    kind = (head.group(1).lower() if head else "") or "?"
    key = head.group(2) if head else ""
    what = f"@{kind}{{{key}" if key else f"@{kind}"
    skipped = "the block is skipped" if kind in ("string", "comment", "preamble") else "the entry is skipped"
    if kind == "?":
        return f"an `@` starts a block but no entry type follows it (a stray `@`?); {skipped}"
    runs_on = "Unexpected block start" in reason
    until = ""
    if runs_on:
        line, _ = source.position(start + len(raw) + 1)
        until = f" before the next block on line {line}"
    elif "end of file" in reason:
        until = " before the end of the file"
    balance = _balance(raw)
    if kind == "string" and "equals sign" in reason:
        return f"{what}: an @string needs `name = value` (e.g. @string{{jbiol = \"J. Biol.\"}}); {skipped}"
    if kind not in ("string", "comment", "preamble") and "Expected comma after entry key" in reason:
        return (f"@{kind}: the entry has no citation key, or no comma after it (expected `@{kind}{{key,` "
                f"before the first field); {skipped}")
    if balance > 0:
        braces = "a `{` is" if balance == 1 else f"{balance} `{{` are"
        return f"{what}: unbalanced braces, {braces} never closed{until}; {skipped}"
    if balance < 0:
        return f"{what}: unbalanced braces, a `}}` closes nothing; {skipped}"
    if raw.count('"') % 2 and ('"' in reason or runs_on):
        return f"{what}: a quoted value is never closed (`\"`){until}; {skipped}"
    if "Expected a `=` after entry key" in reason:
        return f"{what}: a field has no `=` (a missing comma, or stray text between fields); {skipped}"
    if "after a closed entry field value" in reason:
        return f"{what}: a field value is not followed by `,` or the closing brace (a missing comma?); {skipped}"
    if runs_on or "end of file" in reason:
        return f"{what}: the block is not closed{until}; {skipped}"
    return f"{what}: cannot be parsed ({reason}); {skipped}"


@contextlib.contextmanager
def _quiet(logger: logging.Logger):
    """No records below ERROR from ``logger`` and its children for a while (none are even made)."""
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def read_bib(source: Source, backend: str | None = None,
             macros: dict[str, str] | None = None) -> tuple[tuple[Reference, ...], tuple[Problem, ...]]:
    """Every entry of one .bib file as a Reference, and what is wrong with the file. Never raises.

    ``backend`` (``"bibtex"``, ``"biber"``, None when unknown) is the program that will read the
    file, where their readings differ: a ``%`` line inside an entry ends it for BibTeX; a syntax
    error anywhere makes biber ignore the whole file; ``"pandoc"`` reads ``%`` as a comment
    everywhere, prints an undefined macro as its name and keeps the last of a repeated field.
    ``macros``, when given, holds the @strings of the files read before (BibTeX and biber carry
    them from one file of a bibliography to the next) and receives this file's.
    """
    reader = _Reader(source, backend, macros)
    try:
        import bibtexparser  # noqa: PLC0415 - 30 ms of imports, paid only when a .bib is read

        with _quiet(logging.getLogger("bibtexparser")):  # it logs every failed block: seconds on a broken file
            library = bibtexparser.parse_string(source.text, parse_stack=[])
        reader.read(library)
        reader.finish()
    except Exception as err:  # noqa: BLE001 - a parser bug must not stop the check
        end = source.text.find("\n")
        span = source.span(0, end if end >= 0 else len(source.text))
        message = f"{source.path} could not be parsed as BibTeX ({type(err).__name__}: {err})"
        return (), (Problem(span, message, rule=RULE),)
    return tuple(reader.references), tuple(reader.problems)


def read(source: Source) -> Manuscript:
    """A .bib file given on its own: a manuscript with no text to check, only entries."""
    references, problems = read_bib(source)
    return Manuscript(source=source, bib=references, problems=problems)
