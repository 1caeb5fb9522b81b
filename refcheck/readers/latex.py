r"""Read a LaTeX manuscript: ``\cite``-family citations, ``\input``/``\include``, bibliography files,
a ``thebibliography`` list and the title.

Like the Markdown reader it never changes offsets: comments, ``verbatim``-like environments,
``\iffalse`` blocks and everything after ``\end{document}`` are blanked in a *masked* copy of
the same length, commands are read from that copy, and every Span points into the original file
(the included file's, for a citation inside an ``\input``).

Citation commands (each becomes one Citation, style ``key``, one item per key)::

    \cite \citep \citet \citealp \citealt \citeauthor \citeyear \citeyearpar \citenum \citen
    \parencite \textcite \autocite \footcite \smartcite \supercite \fullcite \citetitle ...
    \cites \parencites \textcites \autocites ... (several key groups)   \nocite{a}  \nocite{*}

with a star, capitalised (``\Citet``, ``\Textcite``), and zero, one or two optional arguments.
Macros the document defines around them (``\newcommand{\mycite}[1]{\footnotesize\citen{#1}}``,
``\let\mycite\citep``) are citation commands too (form ``macro``).

Every argument is read with a bounded pattern and braces are matched in one linear pass, so
no input (unbalanced braces, 100,000 nested groups, binary junk) takes more than linear time.
"""

from __future__ import annotations

import bisect
import dataclasses
import os
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from refcheck.model import Citation, CitationItem, Manuscript, Problem, Reference, Severity, Source, Span, Toolchain
from refcheck.readers.references import parse_reference

MAX_DEPTH = 20  # \input nesting followed at most this deep
MAX_INCLUDES = 1000  # \input/\include commands followed per manuscript

_BASE = (
    "cite citep citet citealp citealt citeauthor citefullauthor citeyear citeyearpar citenum citen "
    "citeonline citetalias citepalias parencite textcite autocite footcite footcitetext smartcite "
    "supercite fullcite footfullcite citetitle citedate citeurl nocite"
).split()
CITE_COMMANDS = frozenset(_BASE) | frozenset(name[0].upper() + name[1:] for name in _BASE if name != "nocite")
_MULTI_BASE = "cites parencites textcites autocites footcites smartcites supercites".split()
MULTI_COMMANDS = frozenset(_MULTI_BASE) | frozenset(name[0].upper() + name[1:] for name in _MULTI_BASE)
NARRATIVE = frozenset({"citet", "textcite", "textcites", "citeauthor", "citefullauthor"})

# --- masking --------------------------------------------------------------------------------

_SKIPPED_ENVS = r"(?:verbatim|Verbatim|BVerbatim|LVerbatim|lstlisting|minted|comment|filecontents)\*?"
_MASK = re.compile(
    rf"\\begin[ \t]*\{{(?P<env>{_SKIPPED_ENVS})\}}.*?(?:\\end[ \t]*\{{(?P=env)\}}|\Z)"
    r"|\\(?:verb|lstinline)\*?(?P<delim>[^A-Za-z\s*\[{])[^\n]*?(?:(?P=delim)|$)"  # inline verbatim
    r"|\\[^A-Za-z]"  # an escaped character (\%, \\): kept, and never starts a comment
    r"|%[^\n]*",
    re.S | re.M,
)
_NOT_NEWLINE = re.compile(r"[^\n]")
_CONDITIONAL = re.compile(r"\\(?:iffalse|(?P<if>if(?!thenelse)[A-Za-z@]*)|(?P<fi>fi))(?![A-Za-z@])")
_END_DOCUMENT = re.compile(r"\\end[ \t]*\{document\}")
_BRANCH = re.compile(r"\\(?:(?P<if>if(?!thenelse)[A-Za-z@]*)|(?P<else>else)|(?P<fi>fi))(?![A-Za-z@])")
_FLAG = re.compile(r"\s*\\([A-Za-z@]+)")  # the macro an \ifdefined tests
_NEWIF = re.compile(r"\\newif" + r"[ \t]*\\if(?P<name>[A-Za-z@]+)")


def _blank(text: str) -> str:
    """Spaces for every character, keeping newlines so lines stay where they were."""
    return _NOT_NEWLINE.sub(" ", text)


def mask(text: str, *, main: bool = False) -> str:
    """Blank what TeX never typesets as prose, keeping length and newlines.

    Comments (``%`` to the end of the line, not ``\\%``), verbatim-like environments, inline
    ``\\verb``, ``\\iffalse ... \\fi`` and, in the main file, everything after ``\\end{document}``.
    """
    if "%" in text or "\\begin" in text or "\\verb" in text or "\\lstinline" in text:
        pieces: list[str] = []
        pos = 0
        for m in _MASK.finditer(text):
            token = m.group(0)
            if token[0] == "\\" and m.group("env") is None and m.group("delim") is None:
                continue  # an escaped character stays
            pieces.append(text[pos : m.start()])
            pieces.append(_blank(token))
            pos = m.end()
        pieces.append(text[pos:])
        text = "".join(pieces)
    if "\\iffalse" in text:
        text = _mask_iffalse(text)
    if main:
        end = _END_DOCUMENT.search(text)
        if end:
            text = text[: end.end()] + _blank(text[end.end() :])
    return text


def _mask_iffalse(text: str) -> str:
    """``\\iffalse ... \\fi`` (nested conditionals counted) blanked; unclosed, to the end."""
    pieces: list[str] = []
    pos = 0
    depth = 0
    start = 0
    for m in _CONDITIONAL.finditer(text):
        if depth == 0:
            if m.group("if") is None and m.group("fi") is None:  # \iffalse
                depth, start = 1, m.start()
            continue
        if m.group("fi") is not None:
            depth -= 1
            if depth == 0:
                pieces.append(text[pos:start])
                pieces.append(_blank(text[start : m.end()]))
                pos = m.end()
        else:
            depth += 1
    if depth:
        pieces.append(text[pos:start])
        pieces.append(_blank(text[start:]))
        pos = len(text)
    pieces.append(text[pos:])
    return "".join(pieces)


# --- arguments --------------------------------------------------------------------------------

# Spaces and at most one line break (a blank line ends a command). Atomic: what follows is never a
# blank, and where two stand together (an optional argument left out) the first taking all it can
# is a division the second can complete; giving blanks back between them made "\\newcommand{\\x}"
# followed by 5,000 spaces run for minutes, "\\bibitem" and "\\let" quadratic.
_SP = r"(?>[ \t]*(?:\n[ \t]*)?)"
_TOKEN = re.compile(r"\\(?:(?P<name>[A-Za-z@]+)(?P<star>\*?)|.)", re.S)
_OPTIONAL = re.compile(_SP + r"\[(?:[^\[\]{}]|\{[^{}]{0,300}\}){0,500}\]")
_PARENS = re.compile(_SP + r"\((?:[^()\[\]{}]|\{[^{}]{0,300}\}){0,500}\)")
_KEYS = re.compile(_SP + r"\{(?P<keys>[^{}]{0,4000})\}")
_GROUP_START = re.compile(_SP + r"\{")
_PATH = re.compile(_SP + r"\{(?P<path>[^{}\n]{1,500})\}|[ \t]+(?P<bare>[^\s{}%\\]{1,500})")
_BRACE = re.compile(r"\\.|[{}]", re.S)
_ENV_NAME = re.compile(_SP + r"\{(?P<env>[A-Za-z*]{1,40})\}")
_BIBITEM = re.compile(
    r"\\bibitem(?![A-Za-z@])" + _SP + r"(?:\[(?P<label>(?:[^\[\]{}]|\{[^{}]{0,300}\}){0,300})\])?"
    + _SP + r"\{(?P<key>[^{}]{0,500})\}"
)
_END_BIBLIOGRAPHY = re.compile(r"\\end[ \t]*\{thebibliography\}")
_NEWCOMMAND = re.compile(
    r"\\(?:newcommand|renewcommand|providecommand|DeclareRobustCommand)\*?"
    + _SP + r"(?:\{" + _SP + r"\\(?P<braced>[A-Za-z@]+)" + _SP + r"\}|\\(?P<bare>[A-Za-z@]+))"
    + _SP + r"(?:\[(?P<nargs>\d)\])?" + _SP + r"(?P<default>\[(?:[^\[\]{}]|\{[^{}]{0,200}\}){0,200}\])?" + _SP + r"\{"
)
_DEF = re.compile(r"\\[gex]?def" + _SP + r"\\(?P<name>[A-Za-z@]+)(?P<params>(?:#\d){0,9})" + _SP + r"\{")
_LET = re.compile(r"\\let" + _SP + r"\\(?P<name>[A-Za-z@]+)" + _SP + r"=?" + _SP + r"\\(?P<target>[A-Za-z@]+)(?![A-Za-z@])")
_USES_ARGUMENT = re.compile(
    r"\\(?P<cmd>[A-Za-z@]+)\*?(?:" + _SP + r"\[[^\[\]]{0,300}\]){0,2}" + _SP + r"\{\s*#(?P<arg>\d)\s*\}"
)
_ALIAS = re.compile(r"\s*\\(?P<cmd>[A-Za-z@]+)\*?\s*")


class _Braces:
    """Where each ``{`` of a text closes: one linear pass, so unbalanced input costs nothing extra."""

    def __init__(self, masked: str) -> None:
        self.close: dict[int, int] = {}
        stack: list[int] = []
        for m in _BRACE.finditer(masked):
            token = m.group(0)
            if token == "{":
                stack.append(m.start())
            elif token == "}" and stack:
                self.close[stack.pop()] = m.start()

    def group(self, masked: str, pos: int) -> tuple[int, int] | None:
        """(open, close) of the brace group starting at ``pos`` (after spaces), or None."""
        m = _GROUP_START.match(masked, pos)
        if not m:
            return None
        close = self.close.get(m.end() - 1)
        return None if close is None else (m.end() - 1, close)


def _untaken(masked: str, pos: int, value: bool) -> list[tuple[int, int]]:
    """The branch TeX skips of the conditional whose test ends at ``pos``: up to its ``\\else`` (or
    ``\\fi``) when ``value`` is false, from ``\\else`` to ``\\fi`` when true; nested conditionals
    counted. Unclosed: nothing is skipped (the document would not compile as written)."""
    depth, middle = 0, None
    for m in _BRANCH.finditer(masked, pos):
        if m.group("if"):
            depth += 1
        elif m.group("fi"):
            if depth == 0:
                if value:
                    return [(middle, m.end())] if middle is not None else []
                return [(pos, (middle if middle is not None else m.end()))]
            depth -= 1
        elif depth == 0 and middle is None:
            middle = m.end() if not value else m.start()
    return []


@dataclasses.dataclass(frozen=True)
class _Macro:
    """A command the document defines to cite: ``command`` is the citation command it calls."""

    command: str
    nargs: int = 0
    optional: bool = False  # the first argument is optional (``\newcommand{\x}[2][default]``)
    key_arg: int = 0  # which argument holds the keys; 0 = an alias (``\let\x\cite``)
    discards: frozenset[int] = frozenset()  # arguments the body never uses (``\newcommand{\cut}[1]{}``): TeX drops them


def _base(name: str) -> str:
    """``Citet`` -> ``citet``: the capitalised forms only change the printed case."""
    return name[0].lower() + name[1:] if name[:1].isupper() else name


# --- LaTeX to plain text (titles and thebibliography entries) --------------------------------

_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307",
            "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323",
            "b": "\u0331", "t": "\u0361"}
_LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
            "aa": "å", "AA": "Å", "i": "ı", "j": "ȷ"}
_UNSPACED = frozenset(  # commands whose argument is part of the surrounding word
    "natexlab emph textit textbf textsc textrm texttt textsf textup textsl textnormal mbox hbox url "
    "doi path protect relax ensuremath mathrm text em it bf sc rm sl tt sf up".split()
)
_TEX = re.compile(
    r"\\(?P<acc>[`'^\"~=.])\s*(?:\{\s*(?P<a1>\\?[A-Za-z])\s*\}|(?P<a2>\\?[A-Za-z]))"
    r"|\\(?P<acc2>[uvHckrdbt])(?:\s*\{\s*(?P<b1>\\?[A-Za-z])\s*\}|\s+(?P<b2>[A-Za-z]))"
    r"|\\(?P<letter>ss|o|O|l|L|ae|AE|oe|OE|aa|AA|i|j)(?![A-Za-z])\s*"
    r"|\\(?P<escaped>[&%$#_{}])"
    r"|\\href\s*\{(?P<href>[^{}]*)\}"
    r"|(?P<drop>\\(?:bibinfo|bibfield)\s*\{[^{}]*\}"  # revtex's field names
    r"|\\(?:thanks|footnote|label)\s*(?:\[[^\]]*\])?\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}"
    r"|\\/|[{}$])"
    r"|\\(?P<cmd>[A-Za-z@]+)\*?\s*"
    r"|(?P<dash>---?)"
    r"|\\\\\*?\s*(?:\[[^\]\n]{0,20}\])?|\\[,;:!> ]|~|\s+"  # line breaks, thin spaces, ties: a space
)


def detex(text: str) -> tuple[str, list[int]]:
    """LaTeX to plain text, and for each plain character (and the end) its offset in ``text``.

    Accents compose (``P{\\'e}rez`` -> ``Pérez``), markup commands and braces go, ``--`` is a
    dash, ``~`` a space, whitespace collapses; a command's argument text stays.
    """
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _TEX.finditer(text):
        s = m.start()
        if s > pos:
            out.append(text[pos:s])
            offsets.extend(range(pos, s))
        pos = m.end()
        token = m.group(0)
        if m.group("acc") or m.group("acc2"):
            letter = m.group("a1") or m.group("a2") or m.group("b1") or m.group("b2")
            letter = _LETTERS.get(letter[1:], letter[1:]) if letter.startswith("\\") else letter
            mark = _ACCENTS[m.group("acc") or m.group("acc2")]
            plain = unicodedata.normalize("NFC", letter.replace("ı", "i").replace("ȷ", "j") + mark)
        elif m.group("letter"):
            plain = _LETTERS[m.group("letter")]
        elif m.group("escaped"):
            plain = m.group("escaped")
        elif m.group("href") is not None:
            plain = m.group("href") + " "
        elif m.group("cmd"):
            plain = "" if m.group("cmd") in _UNSPACED else " "
        elif m.group("dash"):
            plain = "—" if len(token) == 3 else "–"
        elif m.group("drop"):
            plain = ""
        else:
            plain = " "
        if plain == " " and out and out[-1].endswith(" "):
            continue
        out.append(plain)
        offsets.extend([s] * len(plain))
    out.append(text[pos:])
    offsets.extend(range(pos, len(text)))
    offsets.append(len(text))
    return "".join(out), offsets


_SPACES = re.compile(r"\s+")


def plain_text(text: str) -> str:
    """LaTeX to one line of plain text: ``SymPy:\\\\ Symbolic {\\em Computing}`` -> ``SymPy: Symbolic Computing``."""
    return _SPACES.sub(" ", detex(text)[0]).strip()


# --- the reader ------------------------------------------------------------------------------


@dataclasses.dataclass
class _Found:
    source: Source
    start: int
    end: int
    narrative: bool
    form: frozenset[str]
    items: list[tuple[int, int, str]]  # (start, end, key)


class _Reader:
    def __init__(self, open_file: Callable[[str], Source | None] | None) -> None:
        self.open_file = open_file
        self.found: list[_Found] = []
        self.problems: list[Problem] = []
        self.bib_files: list[str] = []
        self.references: list[Reference] = []
        self.reference_section = None
        self.title: str | None = None
        self.sources: list[Source] = []
        self.seen: set[str] = set()
        self.macros: dict[str, _Macro] = {}
        self.includes = 0
        self.biblatex: str | None = None  # the backend biblatex's options name ("biber" unless backend=bibtex)
        self.bibliography_command = False  # \bibliography{} seen (BibTeX, unless biblatex is loaded)
        self.encoding: str | None = None
        self.style: tuple[str, Span] | None = None
        self.sites: list[tuple[str, Span]] = []
        self.packages: list[str] = []
        self.document_class: str | None = None
        self.switches: dict[str, bool] = {}  # \newif\ifdraft: its value as \drafttrue / \draftfalse last set it
        self.defined: set[str] = set()  # macros the document defines (\newcommand, \def, \let), in reading order

    # one file, in document order; \input reads the included file at its place
    def read_file(self, source: Source, stack: tuple[str, ...], main: bool = False) -> None:
        masked = mask(source.text, main=main)
        braces: list[_Braces] = []  # built on first use

        def groups() -> _Braces:
            if not braces:
                braces.append(_Braces(masked))
            return braces[0]

        pos = 0
        search = _TOKEN.search
        holes: list[tuple[int, int]] = []  # arguments a macro drops, in text order: nothing in them counts
        while True:
            m = search(masked, pos)
            if m is None:
                break
            while holes and holes[0][1] <= m.start():
                holes.pop(0)
            if holes and holes[0][0] <= m.start():
                pos = holes.pop(0)[1]
                continue
            pos = m.end()
            name = m.group("name")
            if name is None:
                continue
            end = None
            if name.startswith("if") and name[2:] in self.switches:
                for hole in _untaken(masked, pos, self.switches[name[2:]]):
                    bisect.insort(holes, hole)
                continue
            if name == "ifdefined" and (flag := _FLAG.match(masked, pos)) and self.build_flag(masked, flag.group(1)):
                for hole in _untaken(masked, flag.end(), False):
                    bisect.insort(holes, hole)
                continue
            if name == "newif":
                n = _NEWIF.match(masked, m.start())
                if n:
                    self.switches[n.group("name")] = False
                    pos = n.end()
                continue
            if name.endswith(("true", "false")) and name.removesuffix("true").removesuffix("false") in self.switches:
                self.switches[name.removesuffix("true").removesuffix("false")] = name.endswith("true")
                continue
            if name in CITE_COMMANDS or name in MULTI_COMMANDS:
                end = self.cite(source, masked, m.start(), pos, name, m.group("star") == "*")
            elif name in self.macros and self.macros[name].discards:
                for hole in self.dropped(masked, pos, self.macros[name], groups):
                    bisect.insort(holes, hole)
            elif name in self.macros:
                end = self.macro_call(source, masked, m.start(), pos, self.macros[name], groups)
            elif name in ("input", "include"):
                end = self.include(source, masked, m.start(), pos, name, stack)
            elif name in ("bibliography", "nobibliography", "addbibresource", "addglobalbib", "addsectionbib"):
                end = self.bibliography(source, masked, m.start(), pos, name)
            elif name in ("usepackage", "RequirePackage"):
                end = self.package(masked, pos)
            elif name == "documentclass" and self.document_class is None:
                o = _OPTIONAL.match(masked, pos)
                c = _KEYS.match(masked, o.end() if o else pos)
                if c:
                    self.document_class = c.group("keys").strip()
                    end = c.end()
            elif name == "bibliographystyle":
                p = _PATH.match(masked, pos)
                if p and p.group("path") and self.style is None:
                    self.style = (p.group("path").strip(), source.span(m.start(), p.end()))
                    end = p.end()
            elif name == "begin":
                env = _ENV_NAME.match(masked, pos)
                if env and env.group("env") == "thebibliography":
                    end = self.thebibliography(source, masked, m.start(), env.end())
                elif env and env.group("env") == "refsection":  # \begin{refsection}[a.bib,b.bib]
                    o = _OPTIONAL.match(masked, env.end())
                    if o:
                        self.add_bib_files(source, m.start(), o.end(), masked[o.start() : o.end()].strip()[1:-1], bare=False, split=True)
                        end = o.end()
            elif name == "title" and self.title is None:
                end = self.read_title(masked, pos, groups)
            elif name in ("newcommand", "renewcommand", "providecommand", "DeclareRobustCommand", "def", "gdef", "edef", "xdef", "let"):
                end = self.define(masked, m.start(), name, groups)
            if end is not None and end > pos:
                pos = end

    def cite(self, source: Source, masked: str, start: int, pos: int, name: str, star: bool, macro: bool = False) -> int | None:
        """A citation command at ``start`` (its name ends at ``pos``); returns where it ends."""
        base = _base(name)
        key_groups: list[re.Match] = []
        notes: list[re.Match] = []  # the optional arguments (pre- and postnotes): TeX typesets them
        if name in MULTI_COMMANDS:
            for _ in range(2):  # (global prenote)(global postnote)
                p = _PARENS.match(masked, pos)
                if not p:
                    break
                pos = p.end()
            while True:
                p = pos
                for _ in range(2):
                    o = _OPTIONAL.match(masked, p)
                    if not o:
                        break
                    notes.append(o)
                    p = o.end()
                k = _KEYS.match(masked, p)
                if not k:
                    break
                key_groups.append(k)
                pos = k.end()
        else:
            for _ in range(2):
                o = _OPTIONAL.match(masked, pos)
                if not o:
                    break
                notes.append(o)
                pos = o.end()
            k = _KEYS.match(masked, pos)
            if k:
                key_groups.append(k)
        if not key_groups:
            return None
        items = []
        form = set()
        for k in key_groups:
            if "#" in k.group("keys"):
                return k.end()  # a macro's definition, not a citation
            found, empty = _keys(source.text, masked, k.start("keys"), k.end("keys"))
            items.extend(found)
            if empty:
                form.add("empty-key")
        if not items:
            return key_groups[-1].end()
        if base == "nocite":
            form.add("nocite")
            if any(key == "*" for *_, key in items):
                form.add("nocite-all")
        if star:
            form.add("starred")
        if macro:
            form.add("macro")
        end = key_groups[-1].end()
        self.found.append(_Found(source, start, end, base in NARRATIVE, frozenset(form), items))
        nested = next((o for o in notes if "\\" in masked[o.start() : o.end()]), None)
        # \citep[also known as, \citealt{b}]{a} cites b too: the reading goes on inside the note
        return nested.start() + 1 if nested else end

    def macro_call(self, source: Source, masked: str, start: int, pos: int, macro: _Macro, groups) -> int | None:
        command = macro.command
        if not macro.key_arg:  # an alias: read as the command it stands for
            star = masked[pos : pos + 1] == "*"
            return self.cite(source, masked, start, pos + star, command, star, macro=True)
        first = 1
        if macro.optional:
            o = _OPTIONAL.match(masked, pos)
            if o:
                pos = o.end()
            first = 2
        keys = None
        for arg in range(first, macro.nargs + 1):
            if arg == macro.key_arg:
                keys = _KEYS.match(masked, pos)
                if keys is None:
                    return None
                pos = keys.end()
            else:
                group = groups().group(masked, pos)
                if group is None:
                    return None
                pos = group[1] + 1
        if keys is None or "#" in keys.group("keys"):
            return pos
        items, empty = _keys(source.text, masked, keys.start("keys"), keys.end("keys"))
        if items:
            base = _base(command)
            form = {"macro"} | ({"nocite"} if base == "nocite" else set()) | ({"empty-key"} if empty else set())
            self.found.append(_Found(source, start, pos, base in NARRATIVE, frozenset(form), items))
        return pos

    def build_flag(self, masked: str, name: str) -> bool:
        """Whether ``\\name`` is a flag the default build leaves undefined: the document defines it
        nowhere before the test and uses it nowhere in this file but in ``\\ifdefined`` tests
        (``\\ifdefined\\includeAppendix \\input{appendix}\\fi``: a build that wants the appendix
        defines it on its command line). pdfTeX's own ``\\pdf...`` primitives are defined."""
        if name in self.defined or name.startswith("pdf"):
            return False
        uses = len(re.findall(r"\\" + re.escape(name) + r"(?![A-Za-z@])", masked))
        tests = len(re.findall(r"\\ifdefined\s*\\" + re.escape(name) + r"(?![A-Za-z@])", masked))
        return uses == tests

    @staticmethod
    def dropped(masked: str, pos: int, macro: _Macro, groups) -> list[tuple[int, int]]:
        """The spans of the arguments a call of ``macro`` at ``pos`` passes to a body that ignores them."""
        spans, first = [], 1
        if macro.optional:
            o = _OPTIONAL.match(masked, pos)
            if o:
                if 1 in macro.discards:
                    spans.append((o.start(), o.end()))
                pos = o.end()
            first = 2
        for arg in range(first, macro.nargs + 1):
            group = groups().group(masked, pos)
            if group is None:
                break  # an argument without braces (one token): nothing to skip that could cite
            if arg in macro.discards:
                spans.append((group[0], group[1] + 1))
            pos = group[1] + 1
        return spans

    def define(self, masked: str, start: int, name: str, groups) -> int | None:
        """Remember a macro that cites (``\\newcommand{\\mycite}[1]{\\citep{#1}}``); skip any definition's body."""
        if name == "let":
            m = _LET.match(masked, start)
            if m:
                self.defined.add(m.group("name"))
                target = m.group("target")
                if target in CITE_COMMANDS or target in MULTI_COMMANDS:
                    self.macros[m.group("name")] = _Macro(target)
                elif target in self.macros:
                    self.macros[m.group("name")] = self.macros[target]
                return m.end()
            return None
        if name in ("def", "gdef", "edef", "xdef"):
            m = _DEF.match(masked, start)
            if not m:
                return None
            macro_name, nargs, optional = m.group("name"), len(m.group("params")) // 2, False
        else:
            m = _NEWCOMMAND.match(masked, start)
            if not m:
                return None
            macro_name = m.group("braced") or m.group("bare")
            nargs, optional = int(m.group("nargs") or 0), m.group("default") is not None
        self.defined.add(macro_name)
        close = groups().close.get(m.end() - 1)
        if close is None:
            return m.end()
        body = masked[m.end() : close]

        def cites(command: str) -> bool:
            return command in CITE_COMMANDS or (command in self.macros and not self.macros[command].key_arg)

        alias = _ALIAS.fullmatch(body)
        if alias and nargs == 0 and cites(alias.group("cmd")):
            self.macros[macro_name] = _Macro(alias.group("cmd")) if alias.group("cmd") not in self.macros else self.macros[alias.group("cmd")]
        else:
            for use in _USES_ARGUMENT.finditer(body):
                arg = int(use.group("arg"))
                if cites(use.group("cmd")) and 1 <= arg <= nargs and not (optional and arg == 1):
                    self.macros[macro_name] = _Macro(use.group("cmd"), nargs, optional, arg)
                    break
            else:
                self.macros.pop(macro_name, None)  # redefined as something else
                unused = frozenset(k for k in range(1, nargs + 1) if f"#{k}" not in body)
                if unused:  # a draft's \cut{...}, \eat{...}, \ignore{...}: what it is given is never typeset
                    self.macros[macro_name] = _Macro("", nargs, optional, 0, unused)
        return close + 1

    def include(self, source: Source, masked: str, start: int, pos: int, name: str, stack: tuple[str, ...]) -> int | None:
        m = _PATH.match(masked, pos)
        if not m:
            return None
        written = (m.group("path") or m.group("bare")).strip()
        if not written or "#" in written or self.open_file is None:
            return m.end()
        span = source.span(start, m.end())
        command = f"\\{name}{{{written}}}"
        self.includes += 1
        if self.includes > MAX_INCLUDES:
            if self.includes == MAX_INCLUDES + 1:
                self.problems.append(Problem(span, f"{command}: more than {MAX_INCLUDES} files included; the rest cannot be read", rule="unreadable-input"))
            return m.end()
        if len(stack) > MAX_DEPTH:
            self.problems.append(Problem(span, f"{command}: included files nested more than {MAX_DEPTH} deep; it cannot be read", rule="unreadable-input"))
            return m.end()
        # TeX looks for name.tex first, then the name as written
        candidates = [written] if written.lower().endswith(".tex") else [written + ".tex", written]
        included = None
        for candidate in candidates:
            try:
                included = self.open_file(candidate)
            except Exception:  # noqa: BLE001 - a reader never raises; the opener is the caller's code
                included = None
            if included is not None:
                break
        if included is None:
            # information: the manuscript itself was read, and a missing \input is often a build
            # product (SymPy's authors.tex is made by its Makefile); only its citations went unchecked
            self.problems.append(Problem(span, f"{candidates[0]} (named by {command}) cannot be read; citations in it were not checked",
                                         rule="unreadable-input", severity=Severity.INFO))
            return m.end()
        key = os.path.normpath(included.path)
        if key in stack:
            cycle = " -> ".join((*stack[stack.index(key) :], key))
            self.problems.append(Problem(span, f"{command} includes a file already being read ({cycle}); it cannot be read again", rule="unreadable-input"))
            return m.end()
        if key in self.seen:
            return m.end()  # read once: its citations are already listed
        self.seen.add(key)
        self.sources.append(included)
        self.read_file(included, (*stack, key))
        return m.end()

    def bibliography(self, source: Source, masked: str, start: int, pos: int, name: str) -> int | None:
        if name.startswith("add"):
            o = _OPTIONAL.match(masked, pos)
            if o:
                pos = o.end()
        m = _PATH.match(masked, pos)
        if not m or m.group("path") is None or "#" in m.group("path"):
            return None
        if not name.startswith("add"):
            self.bibliography_command = True
        biblatex = name.startswith("add")
        # biblatex hands BibTeX (backend=bibtex) the name without ".bib" and BibTeX adds it back, so
        # \addbibresource{refs} finds refs.bib there; biber takes the name as written
        bare = not biblatex or self.biblatex == "bibtex"
        self.add_bib_files(source, start, m.end(), m.group("path"), bare=bare, split=not biblatex)
        return m.end()

    def add_bib_files(self, source: Source, start: int, end: int, written: str, *, bare: bool, split: bool) -> None:
        """``\\bibliography{a,b}`` names files without ``.bib``; ``\\addbibresource`` one file with its
        extension; ``\\begin{refsection}[a.bib,b.bib]`` a list of them."""
        span = source.span(start, end)
        for part in written.split(",") if split else [written]:
            path = part.strip()
            if not path:
                continue
            if bare and not path.lower().endswith(".bib"):
                path += ".bib"
            if path not in self.bib_files:
                self.bib_files.append(path)
                self.sites.append((path, span))

    def package(self, masked: str, pos: int) -> int | None:
        """``\\usepackage[backend=bibtex]{biblatex}``, ``\\usepackage[latin1]{inputenc}``: what builds the bibliography."""
        o = _OPTIONAL.match(masked, pos)
        options = [opt.strip() for opt in masked[o.start() : o.end()].strip()[1:-1].split(",")] if o else []
        m = _KEYS.match(masked, o.end() if o else pos)
        if not m:
            return None
        names = {n.strip() for n in m.group("keys").split(",")}
        self.packages.extend(sorted(names - set(self.packages)))
        settings = dict(opt.split("=", 1) for opt in options if "=" in opt)
        settings = {k.strip(): v.strip() for k, v in settings.items()}
        if "biblatex" in names:
            self.biblatex = "bibtex" if settings.get("backend", "biber").startswith("bibtex") else "biber"
            if settings.get("bibencoding") and settings["bibencoding"] not in ("auto", "inputenc"):
                self.encoding = settings["bibencoding"]
        if "inputenc" in names and options and self.encoding is None:
            self.encoding = options[-1]
        return m.end()

    def read_title(self, masked: str, pos: int, groups) -> int | None:
        o = _OPTIONAL.match(masked, pos)
        if o:
            pos = o.end()
        group = groups().group(masked, pos)
        if group is None:
            return None
        title = plain_text(masked[group[0] + 1 : group[1]])
        if title:
            self.title = title
        return group[1] + 1

    def thebibliography(self, source: Source, masked: str, start: int, pos: int) -> int:
        o = _KEYS.match(masked, pos)  # the widest label, {99}
        if o:
            pos = o.end()
        close = _END_BIBLIOGRAPHY.search(masked, pos)
        end = close.end() if close else len(masked)
        body_end = close.start() if close else len(masked)
        if self.reference_section is None:
            self.reference_section = source.span(start, end)
        items = list(_BIBITEM.finditer(masked, pos, body_end))
        for i, item in enumerate(items):
            s = item.end()
            e = items[i + 1].start() if i + 1 < len(items) else body_end
            while s < e and masked[s].isspace():
                s += 1
            while e > s and masked[e - 1].isspace():
                e -= 1
            label = plain_text(item.group("label")) if item.group("label") is not None else None
            key = "".join(item.group("key").split())
            self.references.append(_reference(source, masked, s, e, f"r{len(self.references) + 1}", label or None, key))
        return end

    def manuscript(self, source: Source) -> Manuscript:
        citations = []
        trims = "cite" in self.packages  # cite.sty drops the blanks around each key (tests/test_tex_oracle.py)
        for f in self.found:
            span = f.source.span
            text = f.source.text
            items = tuple(CitationItem(span(s, e), text[s:e], key=key.strip(" ") if trims else key) for s, e, key in f.items)
            citations.append(Citation(f"c{len(citations) + 1}", span(f.start, f.end), text[f.start : f.end], "key", f.narrative, items, f.form))
        return Manuscript(
            source=source,
            citations=tuple(citations),
            references=tuple(self.references),
            problems=tuple(self.problems),
            title=self.title,
            reference_section=self.reference_section,
            bib_files=tuple(self.bib_files),
            sources=tuple(self.sources),
            toolchain=self.toolchain(),
        )

    def toolchain(self) -> Toolchain | None:
        backend = self.biblatex or ("bibtex" if self.bibliography_command else None)
        if backend is None and not self.bib_files:
            return None
        style, style_span = self.style or (None, None)
        return Toolchain(backend, self.encoding, style, style_span, tuple(self.sites), packages=tuple(self.packages),
                         document_class=self.document_class)


def _tex_key(raw: str) -> str:
    """One key as TeX passes it to BibTeX/biber: a comment takes its line break and the next
    line's indentation with it, any other line break is a space, runs of blanks are one space,
    and LaTeX's ``\\cite`` drops the leading space only. ``"a,%x\n  b"`` -> ``"a"``, ``"b"``, ``"a\n"`` -> ``"a "``."""
    if "%" not in raw and "\n" not in raw and "\t" not in raw and "  " not in raw:
        return raw.lstrip(" ")
    lines = raw.split("\n")
    out = []
    for i, line in enumerate(lines):
        if i:
            line = line.lstrip(" \t")  # TeX skips the blanks that start a line
        cut = _UNESCAPED_PERCENT.search(line)
        if cut:
            out.append(line[: cut.start()])
            continue  # the comment ate the end of the line
        if i < len(lines) - 1:
            line = line.rstrip(" \t") + " "  # TeX drops the blanks that end an input line, and reads its end as a space
        out.append(line)
    return _BLANKS.sub(" ", "".join(out)).lstrip(" ")


_UNESCAPED_PERCENT = re.compile(r"(?<!\\)%")
_BLANKS = re.compile(r"[ \t]+")


def _keys(text: str, masked: str, start: int, end: int) -> tuple[list[tuple[int, int, str]], bool]:
    """(start, end, key) of each comma-separated key, and whether one of them is empty (``{a,}``).

    The key is what TeX writes to the .aux: a line break before ``}`` or a space inside stays
    (``\\cite{smith 2019}`` names no entry, for BibTeX and biber alike); leading blanks go.
    The span leaves out the surrounding blanks.
    """
    out = []
    empty = False
    pos = start
    while pos <= end:
        comma = masked.find(",", pos, end)
        stop = end if comma < 0 else comma
        s, e = pos, stop
        while s < e and masked[s].isspace():
            s += 1
        while e > s and masked[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e, _tex_key(text[pos:stop])))
        else:
            empty = True
        if comma < 0:
            break
        pos = comma + 1
    return out, empty


def _reference(source: Source, masked: str, start: int, end: int, id: str, label: str | None, key: str) -> Reference:
    """One ``\\bibitem`` entry parsed from its plain text; span and raw stay the LaTeX as written."""
    plain, offsets = detex(masked[start:end])
    ref = parse_reference(Source(source.path, plain, source.format), 0, len(plain), id=id, label=label)

    def where(part: Reference) -> dict:
        s, e = start + offsets[part.span.start], start + offsets[part.span.end]
        return {"span": source.span(s, e), "raw": source.text[s:e]}

    parts = tuple(dataclasses.replace(part, **where(part)) for part in ref.parts)
    return dataclasses.replace(ref, span=source.span(start, end), raw=source.text[start:end], key=key, parts=parts)


def read(source: Source, *, open_file: Callable[[str], Source | None] | None = None) -> Manuscript:
    """Read one LaTeX manuscript into citations, bibliography files, references and its title.

    ``open_file(path)`` returns the Source of a file an ``\\input``/``\\include`` names (``path``
    as written, with ``.tex`` added first, relative to the main file's directory, as TeX
    resolves it), or None when it cannot be read; without it included files are not followed.
    """
    reader = _Reader(open_file)
    try:
        key = os.path.normpath(source.path)
        reader.seen.add(key)
        reader.read_file(source, (key,), main=True)
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps the recursion shallow
        pass
    return reader.manuscript(source)


def opener(main_path: str | os.PathLike, *, max_bytes: int | None = None) -> Callable[[str], Source | None]:
    """An ``open_file`` for ``read``: paths relative to the main file's directory, as TeX resolves them.

    Absolute paths are refused, as are directories, files over ``max_bytes`` and files that are
    not text (the same decoding as ``refcheck.readers.load``).
    """
    from refcheck.readers import FORMATS, MAX_BYTES, Unreadable, casefold_match, read_file

    base = Path(main_path).parent
    limit = MAX_BYTES if max_bytes is None else max_bytes

    def open_file(relative: str) -> Source | None:
        if not relative or os.path.isabs(relative) or "\x00" in relative:
            return None
        path = base / relative
        if not path.exists():
            path = casefold_match(path) or path  # as TeX Live finds it
        try:
            text = read_file(path, limit)
        except (Unreadable, ValueError):
            return None
        return Source(os.path.normpath(str(path)), text, FORMATS.get(path.suffix.lower(), "latex"))

    return open_file
