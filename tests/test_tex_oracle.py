r"""LaTeX bibliographies as BibTeX and biber read them: each case below is a small .tex + .bib
with what the toolchain does with it, written down once and checked two ways.

* ``test_refcheck_reads_it_as_the_toolchain`` (no TeX needed): refcheck's undefined keys and
  findings are the ones the case lists.
* ``test_the_toolchain_agrees`` (needs TeX Live: pdflatex, bibtex, biber; skipped otherwise):
  compiles the case in a temporary directory (pdflatex, bibtex or biber, pdflatex twice) and
  checks that the undefined citations in the .log and the warnings in the .blg are the ones the
  case lists. So every behaviour refcheck claims here was seen in a real run.

What the runs showed (TeX Live 2022, BibTeX 0.99d, biber 2.18), and refcheck follows:

* A blank inside a key or before ``,``/``}`` (a line break before ``}``) stays in the key LaTeX
  writes: both find no entry; BibTeX also skips the rest of that ``\citation`` line. Leading
  blanks go; a ``%`` at the end of a line takes the line break with it.
* ``\cite{a,}``: BibTeX looks up the empty key (undefined ``''``); biblatex drops it.
* Case: BibTeX finds ``Smith2019`` for ``smith2019`` without a word, unless two spellings are
  cited (then "Case mismatch error" and the second spelling is undefined); biber is
  case-sensitive (undefined, with a "possible typo" warning).
* ``%`` is not a comment for BibTeX: ``%@article{x,...}`` is an entry, and a ``%`` line inside
  an entry ends it (an error; the fields after it are lost). biber skips both as comments.
* A syntax error in an uncited entry: BibTeX reports it and goes on; biber reads nothing of the
  file (every citation undefined).
* An empty .bib leaves every key undefined; ``crossref`` parents need no citation; a missing
  ``.bst`` stops BibTeX; an unknown entry type, an empty year or journal, a repeated field and too
  many commas in a name are BibTeX warnings (the last three only for cited entries).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field

import pytest

from refcheck.api import Config, check
from refcheck.readers import load
from tests.conftest import TODAY

BIB = """\
@article{smith2019, author = {Smith, John}, title = {Cell division}, journal = {J Biol}, year = {2019}}
@article{lee2020, author = {Lee, Kim}, title = {Yeast}, journal = {J Biol}, year = {2020}}
@article{after, author = {Zhu, Yan}, title = {More yeast}, journal = {J Biol}, year = {2021}}
"""

BIBTEX = "\\documentclass{article}\n%(preamble)s\\begin{document}\n%(body)s\n\\bibliographystyle{%(style)s}\n\\bibliography{refs}\n\\end{document}\n"
BIBER = "\\documentclass{article}\n%(preamble)s\\usepackage{biblatex}\n\\addbibresource{refs.bib}\n\\begin{document}\n%(body)s\n\\printbibliography\n\\end{document}\n"
BIBLATEX_BARE = "\\documentclass{article}\n\\usepackage[%(style)s]{biblatex}\n\\addbibresource{refs}\n\\begin{document}\n%(body)s\n\\printbibliography\n\\end{document}\n"
BIBLATEX_OPTIONS = "\\documentclass{article}\n\\usepackage[%(style)s]{biblatex}\n\\addbibresource{refs.bib}\n\\begin{document}\n%(body)s\n\\printbibliography\n\\end{document}\n"
REFSECTION = "\\documentclass{article}\n\\usepackage{biblatex}\n\\begin{document}\n\\begin{refsection}[refs.bib]\n%(body)s\n\\printbibliography\n\\end{refsection}\n\\end{document}\n"


@dataclass
class Case:
    template: str
    body: str
    bib: str | bytes = BIB
    undefined: frozenset[str] = frozenset()  # citations LaTeX reports undefined after the full run
    toolchain: frozenset[tuple[str, str | None]] = frozenset()  # (kind, key) of .blg/.log warnings (see _toolchain_says)
    findings: frozenset[tuple[str, str | None]] = frozenset()  # (rule, key) of refcheck's findings (not RC602/RC004)
    style: str = "plain"
    preamble: str = ""
    subdir: str | None = None  # the .bib goes there, found through BIBINPUTS
    env: dict = field(default_factory=dict)
    bib_name: str = "refs.bib"  # the .bib's file name (the templates name "refs")
    files: dict = field(default_factory=dict)  # other files beside main.tex: name -> text
    unused: frozenset[str] | None = None  # .bib keys nothing cites (not compared when None)

    def tex(self) -> str:
        return self.template % {"body": self.body, "style": self.style, "preamble": self.preamble}


F = frozenset
U = "undefined-citation-key"
CASES = {
    "bibtex-keys-resolve": Case(BIBTEX, "\\cite{smith2019, lee2020} \\cite{\n  after}"),
    "bibtex-space-inside-key": Case(BIBTEX, "\\cite{smith 2019} \\cite{lee2020}", undefined=F({"smith 2019"}),
                                    toolchain=F({("white-space", None)}), findings=F({(U, "smith 2019")})),
    "bibtex-blank-before-comma": Case(BIBTEX, "\\cite{lee2020 ,smith2019}", undefined=F({"lee2020 "}),  # one \\citation a key
                                      toolchain=F({("white-space", None)}), findings=F({(U, "lee2020 ")})),
    "natbib-blank-before-comma-skips-the-rest": Case(BIBTEX, "\\citep{lee2020 ,smith2019}", undefined=F({"lee2020 ", "smith2019"}),
                                                     style="plainnat", preamble="\\usepackage{natbib}\n",
                                                     toolchain=F({("white-space", None)}), findings=F({(U, "lee2020 ")})),
    "cite-package-trims-blanks": Case(BIBTEX, "\\cite{lee2020 ,smith2019} \\cite{after\n} \\cite{smith 2019}", preamble="\\usepackage{cite}\n",
                                      undefined=F({"smith 2019"}), toolchain=F({("white-space", None)}), findings=F({(U, "smith 2019")})),
    "bibtex-line-break-before-brace": Case(BIBTEX, "\\cite{lee2020,smith2019\n}", undefined=F({"smith2019 "}),
                                           toolchain=F({("white-space", None)}), findings=F({(U, "smith2019 ")})),
    "bibtex-comments-take-the-line-break": Case(BIBTEX, "\\cite{lee2020,%\n  smith2019%\n}"),
    "bibtex-trailing-comma": Case(BIBTEX, "\\cite{lee2020,}", undefined=F({""}), toolchain=F({("not-found", "")}),
                                  findings=F({(U, "")})),
    "bibtex-case-alone-is-accepted": Case(BIBTEX, "\\cite{Smith2019}", findings=F({(U, "Smith2019")})),  # a warning: biber would not
    "bibtex-two-spellings": Case(BIBTEX, "\\cite{smith2019} \\cite{Smith2019}", undefined=F({"Smith2019"}),
                                 toolchain=F({("case-mismatch", "Smith2019")}), findings=F({(U, "Smith2019")})),
    "bibtex-percent-entry-is-an-entry": Case(BIBTEX, "\\cite{hidden}",
                                             bib=BIB + "%@article{hidden, author = {Wu, Hao}, title = {T}, journal = {J}, year = {2001}}\n"),
    "bibtex-percent-line-ends-an-entry": Case(
        BIBTEX, "\\cite{pf}", bib=BIB + "@article{pf, author = {Wu, Hao}, title = {X},\n  % note = {hidden},\n  journal = {J}, year = {2000}}\n",
        toolchain=F({("syntax", None), ("empty-journal", "pf"), ("empty-year", "pf")}), findings=F({("bibtex-syntax-error", "pf")})),
    "bibtex-syntax-error-in-an-uncited-entry": Case(
        BIBTEX, "\\cite{smith2019} \\cite{after}",
        bib=BIB + "@article{broken, author = {Wu, Hao}, title = {T}, journal = {J} year = {2020}}\n",
        toolchain=F({("syntax", None)}), findings=F({("bibtex-syntax-error", "broken")})),
    "bibtex-empty-bib": Case(BIBTEX, "\\cite{lee2020}", bib="", undefined=F({"lee2020"}), toolchain=F({("not-found", "lee2020")}),
                             findings=F({(U, "lee2020")})),
    "bibtex-crossref-parent": Case(BIBTEX, "\\cite{child}", bib=BIB + (
        "@inproceedings{child, author = {Wu, Hao}, title = {X}, crossref = {parent}}\n"
        "@proceedings{parent, title = {Proc. Yeast}, booktitle = {Proc. Yeast}, year = {2000}, editor = {Ede, Fay}}\n")),
    "bibtex-cited-without-year": Case(BIBTEX, "\\cite{ny}", bib=BIB + "@article{ny, author = {Wu, Hao}, title = {X}, journal = {J}}\n",
                                      toolchain=F({("empty-year", "ny")}), findings=F({("cited-entry-without-year", "ny")})),
    "bibtex-no-journal-despite-doi": Case(BIBTEX, "\\cite{nj}", bib=BIB + "@article{nj, author = {Wu, Hao}, title = {X}, year = {2000}, doi = {10.1000/x}}\n",
                                          toolchain=F({("empty-journal", "nj")}), findings=F({("missing-required-field", "nj")})),
    "bibtex-field-twice": Case(BIBTEX, "\\cite{df}", bib=BIB + "@article{df, author = {Wu, Hao}, title = {X}, title = {Y}, journal = {J}, year = {2000}}\n",
                               toolchain=F({("extra-field", "df")}), findings=F({("duplicate-bib-field", "df")})),
    "bibtex-type-the-style-lacks": Case(BIBTEX, "\\cite{w}", bib=BIB + "@webpage{w, author = {Wu, Hao}, title = {X}, year = {2000}}\n",
                                        toolchain=F({("undefined-type", "w")}), findings=F({("undefined-entry-type", "w")})),
    "bibtex-missing-style": Case(BIBTEX, "\\cite{lee2020}", style="nosuchstyle-refcheck", undefined=F({"lee2020"}),
                                 toolchain=F({("no-style", None)}), findings=F({("missing-bib-style", None)})),
    "bibtex-commas-between-people": Case(BIBTEX, "\\cite{cm}", bib=BIB + "@article{cm, author = {Smith, John, Doe, Jane}, title = {X}, journal = {J}, year = {2000}}\n",
                                         toolchain=F({("too-many-commas", "cm")}), findings=F({("author-list-misread", "cm")})),
    "bibtex-latin1-declared": Case(BIBTEX, "\\cite{latin}", preamble="\\usepackage[latin1]{inputenc}\n",
                                   bib=(BIB + "@article{latin, author = {Jos\xe9, Mar\xeda}, title = {X}, journal = {J}, year = {2000}}\n").encode("latin-1")),
    "bibtex-latin1-undeclared": Case(BIBTEX, "\\cite{latin}",
                                     bib=(BIB + "@article{latin, author = {Jos\xe9, Mar\xeda}, title = {X}, journal = {J}, year = {2000}}\n").encode("latin-1"),
                                     toolchain=F({("invalid-utf8", None)}), findings=F({("bib-encoding", None)})),
    "bibtex-bibinputs": Case(BIBTEX, "\\cite{lee2020}", subdir="shared"),
    "biber-keys-resolve": Case(BIBER, "\\cite{smith2019, lee2020} \\parencite{\n  after}"),
    "biber-case-is-undefined": Case(BIBER, "\\cite{Smith2019}", undefined=F({"Smith2019"}),
                                    toolchain=F({("case-typo", "Smith2019"), ("not-found", "Smith2019")}), findings=F({(U, "Smith2019")})),
    "biber-trailing-comma-is-dropped": Case(BIBER, "\\cite{lee2020,}"),
    "biber-space-inside-key": Case(BIBER, "\\cite{smith 2019} \\cite{lee2020}", undefined=F({"smith 2019"}),
                                   toolchain=F({("not-found", "smith 2019")}), findings=F({(U, "smith 2019")})),
    "biber-percent-entry-is-a-comment": Case(BIBER, "\\cite{hidden}",
                                             bib=BIB + "%@article{hidden, author = {Wu, Hao}, title = {T}, journal = {J}, year = {2001}}\n",
                                             undefined=F({"hidden"}), toolchain=F({("not-found", "hidden")}), findings=F({(U, "hidden")})),
    "biber-percent-line-inside-an-entry": Case(
        BIBER, "\\cite{pf}", bib=BIB + "@article{pf, author = {Wu, Hao}, title = {X},\n  % note = {hidden},\n  journal = {J}, year = {2000}}\n"),
    "biber-syntax-error-drops-the-file": Case(
        BIBER, "\\cite{smith2019} \\cite{after}",
        bib=BIB + "@article{broken, author = {Wu, Hao}, title = {T}, journal = {J} year = {2020}}\n",
        undefined=F({"smith2019", "after"}), toolchain=F({("syntax", None)}), findings=F({("bibtex-syntax-error", "broken")})),
    "biber-refsection": Case(REFSECTION, "\\cite{smith2019}"),
    "biber-field-twice": Case(BIBER, "\\cite{df}", bib=BIB + "@article{df, author = {Wu, Hao}, title = {X}, title = {Y}, journal = {J}, year = {2000}}\n",
                              findings=F({("duplicate-bib-field", "df")})),  # silent: biber keeps the last value
    "bibtex-key-twice": Case(BIBTEX, "\\cite{smith2019}", bib=BIB + "@article{smith2019, author = {Wu, Hao}, title = {X}, journal = {J}, year = {2000}}\n",
                             toolchain=F({("repeated", None)}), findings=F({("duplicate-bib-key", "smith2019")})),
    "bibtex-keys-differing-in-case": Case(BIBTEX, "\\cite{smith2019}", bib=BIB + "@article{Smith2019, author = {Wu, Hao}, title = {X}, journal = {J}, year = {2000}}\n",
                                          toolchain=F({("repeated", None)}), findings=F({("duplicate-bib-key", "Smith2019")})),
    "biber-key-twice": Case(BIBER, "\\cite{smith2019}", bib=BIB + "@article{smith2019, author = {Wu, Hao}, title = {X}, journal = {J}, year = {2000}}\n",
                            toolchain=F({("duplicate-key", "smith2019")}), findings=F({("duplicate-bib-key", "smith2019")})),
    "biber-keys-differing-in-case": Case(BIBER, "\\cite{smith2019}", bib=BIB + "@article{Smith2019, author = {Wu, Hao}, title = {X}, journal = {J}, year = {2000}}\n",
                                         toolchain=F({("case-typo-keys", "Smith2019")}), findings=F({("duplicate-bib-key", "Smith2019")})),
    "biblatex-backend-bibtex-ignores-case": Case(BIBLATEX_OPTIONS, "\\cite{Smith2019}", style="backend=bibtex", findings=F({(U, "Smith2019")})),
    "biber-latin1-declared": Case(BIBLATEX_OPTIONS, "\\cite{latin}", style="bibencoding=latin1",
                                  bib=(BIB + "@article{latin, author = {Jos\xe9, Mar\xeda}, title = {X}, journal = {J}, year = {2000}}\n").encode("latin-1")),
    "biber-latin1-undeclared": Case(BIBER, "\\cite{latin}",
                                    bib=(BIB + "@article{latin, author = {Jos\xe9, Mar\xeda}, title = {X}, journal = {J}, year = {2000}}\n").encode("latin-1"),
                                    undefined=F({"latin"}), toolchain=F({("encoding", None)}), findings=F({("bib-encoding", None)})),
    "bibtex-case-only-citation-uses-the-entry": Case(BIBTEX, "\\cite{Smith2019}", findings=F({(U, "Smith2019")}), unused=F({"lee2020", "after"})),
    "biber-case-only-citation-uses-nothing": Case(BIBER, "\\cite{Smith2019}", undefined=F({"Smith2019"}), findings=F({(U, "Smith2019")}),
                                                  toolchain=F({("case-typo", "Smith2019"), ("not-found", "Smith2019")}),
                                                  unused=F({"smith2019", "lee2020", "after"})),
    "bibtex-file-name-in-another-case": Case(BIBTEX, "\\cite{lee2020} \\cite{nosuch}", bib_name="Refs.bib", undefined=F({"nosuch"}),
                                             toolchain=F({("not-found", "nosuch")}), findings=F({(U, "nosuch")})),  # kpathsea folds case
    "input-file-name-in-another-case": Case(BIBTEX, "\\input{body}", files={"Body.tex": "\\cite{nosuch} \\cite{lee2020}"},
                                            undefined=F({"nosuch"}), toolchain=F({("not-found", "nosuch")}), findings=F({(U, "nosuch")})),
    "biblatex-backend-bibtex-bare-resource": Case(BIBLATEX_BARE, "\\cite{lee2020} \\cite{nosuch}", style="backend=bibtex",
                                                  undefined=F({"nosuch"}), toolchain=F({("not-found", "nosuch")}), findings=F({(U, "nosuch")})),
    "macro-that-drops-its-argument": Case(
        BIBTEX, "\\cut{\\cite{nosuch} \\cite{after}} \\pick{\\cite{old}}{\\cite{lee2020}} \\drop{see \\cite{gone}}",
        preamble="\\newcommand{\\cut}[1]{}\n\\newcommand\\pick[2]{#2}\n\\def\\drop#1{}\n",
        unused=F({"smith2019", "after"})),
    "newif-switches-choose-a-branch": Case(
        BIBTEX, "\\ifarxiv \\cite{lee2020}\\else \\cite{nosuch}\\fi \\ifdraft \\cite{gone} \\ifarxiv\\cite{x}\\fi\\else \\cite{after}\\fi",
        preamble="\\newif\\ifarxiv \\arxivtrue\n\\newif\\ifdraft\n", unused=F({"smith2019"})),
    "ifdefined-build-flag": Case(BIBTEX, "\\ifdefined\\withappendix \\cite{nosuch}\\else \\cite{lee2020}\\fi \\ifdefined\\pdfoutput \\cite{after}\\fi",
                                 unused=F({"smith2019"})),  # a flag the default build leaves undefined; pdfTeX's primitive is defined
    "citation-inside-a-note": Case(BIBTEX, "\\citep[also \\citealt{smith2019}]{lee2020} \\citep[see \\citet{nosuch}][]{after}",
                                   style="plainnat", preamble="\\usepackage{natbib}\n", undefined=F({"nosuch"}),
                                   toolchain=F({("not-found", "nosuch")}), findings=F({(U, "nosuch")}), unused=F()),
    "biber-empty-bib": Case(BIBER, "\\cite{lee2020}", bib="", undefined=F({"lee2020"}),
                            toolchain=F({("empty-file", None), ("not-found", "lee2020")}), findings=F({(U, "lee2020")})),
}


def _write(case: Case, directory) -> dict:
    (directory / "main.tex").write_text(case.tex(), encoding="utf-8")
    bib_dir = directory / case.subdir if case.subdir else directory
    bib_dir.mkdir(exist_ok=True)
    (bib_dir / case.bib_name).write_bytes(case.bib if isinstance(case.bib, bytes) else case.bib.encode("utf-8"))
    for name, text in case.files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return {"BIBINPUTS": f"{bib_dir}{os.pathsep}"} if case.subdir else {}


# --- refcheck's side ---------------------------------------------------------------------------

_KEY = re.compile(r"the key '((?:[^'\\]|\\.)*)'")
_ALSO = re.compile(r"'([^']*)'")


def refcheck_reads(case: Case, directory, monkeypatch) -> tuple[set[str], set[tuple[str, str | None]]]:
    """(undefined keys, (rule, key) of each finding) as refcheck sees the case."""
    for name, value in _write(case, directory).items():
        monkeypatch.setenv(name, value)
    manuscript = load(directory / "main.tex")
    report = check([manuscript], Config(today=TODAY, ignore=("manuscript-date-unknown", "unused-bib-entry")))
    entries = [(e.span.start, e.span.end, e.key) for e in manuscript.bib]
    cited = {i.key for c in manuscript.citations for i in c.items if i.key}
    undefined, findings = set(), set()
    for f in report.findings:
        key = next((k for s, e, k in entries if f.span.path.endswith(".bib") and s <= f.span.start < e), None)
        if f.rule == U:
            key = "" if f.message.startswith("an empty key") else _KEY.search(f.message).group(1)
            if f.severity >= 3:
                undefined.add(key)
                if " so " in f.message:  # BibTeX skips the rest of the command
                    undefined.update(_ALSO.findall(f.message.split(" so ", 1)[1]))
        elif f.rule == "missing-bib-style" or (f.rule in ("bibtex-syntax-error", "bib-encoding") and ("biber stops" in f.message or "biber cannot" in f.message)):
            undefined |= cited  # nothing of the file (or no list at all)
        findings.add((f.rule, key))
    return undefined, findings


@pytest.mark.parametrize("name", sorted(CASES))
def test_refcheck_reads_it_as_the_toolchain(tmp_path, monkeypatch, name):
    case = CASES[name]
    if name == "bibtex-missing-style" and shutil.which("kpsewhich") is None:
        pass  # without kpsewhich only the standard styles' names are known: the style is still missing
    undefined, findings = refcheck_reads(case, tmp_path, monkeypatch)
    assert undefined == set(case.undefined)
    assert findings == set(case.findings)
    if case.unused is not None:
        assert refcheck_unused(tmp_path) == set(case.unused)


def refcheck_unused(directory) -> set[str]:
    report = check([load(directory / "main.tex")], Config(today=TODAY))
    return {_ALSO.search(f.message).group(1) for f in report.findings if f.rule == "unused-bib-entry"}


def test_a_blank_in_a_key_names_the_keys_bibtex_skips(tmp_path, monkeypatch):
    _, _ = refcheck_reads(CASES["natbib-blank-before-comma-skips-the-rest"], tmp_path, monkeypatch)
    report = check([load(tmp_path / "main.tex")], Config(today=TODAY))
    (finding,) = [f for f in report.findings if f.rule == U]
    assert "'lee2020 ' ends with a blank" in finding.message and "'smith2019' is undefined too" in finding.message
    assert finding.fix.replacement == "lee2020"


def test_input_errors_point_at_the_command_that_names_the_file(tmp_path, monkeypatch):
    refcheck_reads(CASES["bibtex-latin1-undeclared"], tmp_path, monkeypatch)
    report = check([load(tmp_path / "main.tex")], Config(today=TODAY))
    (finding,) = [f for f in report.findings if f.rule == "bib-encoding"]
    assert (finding.span.path.endswith("main.tex"), finding.span.line) == (True, 5)
    assert "read as Latin-1" in finding.message


# --- the toolchain's side ----------------------------------------------------------------------

_TOOLS = ("pdflatex", "bibtex", "biber", "kpsewhich")
_MISSING = [tool for tool in _TOOLS if shutil.which(tool) is None]
_SAYS = (
    (re.compile(r'Warning--I didn\'t find a database entry for "(.*)"'), "not-found"),
    (re.compile(r"WARN - I didn't find a database entry for '(.*)' \(section"), "not-found"),
    (re.compile(r"Case mismatch error between cite keys (\S+) and"), "case-mismatch"),
    (re.compile(r"Possible typo \(case mismatch\) between citation and datasource keys: '(.*?)'"), "case-typo"),
    (re.compile(r"White space in argument()"), "white-space"),
    (re.compile(r"Warning--empty (\w+) in (\S+)"), "empty-"),
    (re.compile(r"Warning--I'm ignoring (\S+)'s extra"), "extra-field"),
    (re.compile(r'Warning--entry type for "(\S+)" isn\'t style-file defined'), "undefined-type"),
    (re.compile(r'Too many commas in name \d+ of ".*" for entry (\S+)'), "too-many-commas"),
    (re.compile(r"I couldn't open style file()"), "no-style"),
    (re.compile(r"(?:I was expecting|You're missing|ERROR - BibTeX subsystem)()"), "syntax"),
    (re.compile(r"Data source '.*' is empty()"), "empty-file"),
    (re.compile(r"Repeated entry()"), "repeated"),
    (re.compile(r"Duplicate entry key: '(.*?)'"), "duplicate-key"),
    (re.compile(r"Possible typo \(case mismatch\) between datasource keys: '(.*?)'"), "case-typo-keys"),
    (re.compile(r"cannot be read in encoding()"), "encoding"),
)


def _toolchain_says(blg: str, log: str) -> set[tuple[str, str | None]]:
    out = set()
    for pattern, kind in _SAYS:
        for m in pattern.finditer(blg):
            if kind == "empty-":
                out.add((kind + m.group(1), m.group(2)))
            else:
                out.add((kind, m.group(1) or (None if kind in ("white-space", "no-style", "syntax", "empty-file", "encoding", "repeated") else m.group(1))))
    if "Invalid UTF-8 byte sequence" in log:
        out.add(("invalid-utf8", None))
    return out


def compile_case(case: Case, directory) -> tuple[set[str], set[tuple[str, str | None]]]:
    env = dict(os.environ, **_write(case, directory))
    biber = "biblatex" in case.tex() and "backend=bibtex" not in case.tex()

    def run(*args):
        subprocess.run(args, cwd=directory, env=env, capture_output=True, timeout=120, check=False)

    latex = ("pdflatex", "-interaction=nonstopmode", "-draftmode", "-no-shell-escape", "main.tex")
    run(*latex)
    run("biber", "main") if biber else run("bibtex", "main")
    run(*latex)
    run(*latex)
    log = (directory / "main.log").read_text(encoding="latin-1")
    blg = (directory / "main.blg").read_text(encoding="latin-1") if (directory / "main.blg").exists() else ""
    undefined = set(re.findall(r"Citation [`'](.*?)' on page \d+ undefined", log))
    return undefined, _toolchain_says(blg, log)


def toolchain_unused(case: Case, directory) -> set[str]:
    """The .bib keys no citation reached: the keys of the .bib less the .aux's \\citation keys (BibTeX,
    case folded) or the .bcf's citekeys (biber). Call after compile_case."""
    bib = case.bib.decode("latin-1") if isinstance(case.bib, bytes) else case.bib
    keys = set(re.findall(r"^@\w+\{([^,\s]+),", bib, re.M))
    if (directory / "main.bcf").exists():
        cited = set(re.findall(r"<bcf:citekey[^>]*>([^<]+)</bcf:citekey>", (directory / "main.bcf").read_text("utf-8")))
        return keys - cited
    cited = {k.strip().casefold() for group in re.findall(r"\\citation\{([^}]*)\}", (directory / "main.aux").read_text("latin-1"))
             for k in group.split(",")}
    return {k for k in keys if k.casefold() not in cited}


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> dict:
    """Every case compiled once, two at a time (pdflatex and bibtex/biber are separate processes,
    so the module's TeX runs take about half the wall time on two cores): name -> (undefined keys,
    what the toolchain says, unused keys or None)."""
    from concurrent.futures import ThreadPoolExecutor

    def one(name: str):
        directory = tmp_path_factory.mktemp(name)
        undefined, says = compile_case(CASES[name], directory)
        return name, (undefined, says, toolchain_unused(CASES[name], directory) if CASES[name].unused is not None else None)

    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        return dict(pool.map(one, sorted(CASES)))


@pytest.mark.skipif(bool(_MISSING), reason=f"TeX Live is not installed ({', '.join(_MISSING)} missing)")
@pytest.mark.parametrize("name", sorted(CASES))
def test_the_toolchain_agrees(compiled, name):
    case = CASES[name]
    undefined, says, unused = compiled[name]
    assert undefined == set(case.undefined)
    assert says == set(case.toolchain)
    if case.unused is not None:
        assert unused == set(case.unused)


# --- names: what refcheck says BibTeX prints is what plain.bst prints -------------------------

MISREAD = {  # author field -> the name as refcheck says BibTeX prints it
    "Smith, John, Jr.": "Jr. Smith, John",
    "John Smith, Jane Doe, Bob Lee": "Bob Lee John Smith, Jane Doe",
    "J. Smith, K. Doe": "K. Doe J. Smith",
    "Martin Luther King, Jr.": "Jr. Martin Luther King",
    "Smith, J. et al.": "J. et al. Smith",
}
READ_RIGHT = {  # author field -> the list as plain.bst prints it (in the .bbl, braces kept); refcheck says nothing
    "van der Berg, Jan and de la Cruz, Juan and others": "Jan van der Berg, Juan de la Cruz, et al",
    "{World Health Organization}": "{World Health Organization}",
    "King, Jr., Martin Luther and M{\\\"u}ller, J{\\\"o}rg": "Martin Luther King, Jr. and J{\\\"o}rg M{\\\"u}ller",
    "{Barnes, Noble and Co.} and Plato": "{Barnes, Noble and Co.} and Plato",
    "Brinch Hansen, Per": "Per Brinch Hansen",
}


def _names_case(value: str) -> Case:
    return Case(BIBTEX, "\\cite{n}", bib=f"@article{{n, author = {{{value}}}, title = {{T}}, journal = {{J}}, year = {{2000}}}}\n")


def _refcheck_says_prints(tmp_path, monkeypatch, value: str) -> list[str]:
    refcheck_reads(_names_case(value), tmp_path, monkeypatch)
    report = check([load(tmp_path / "main.tex")], Config(today=TODAY))
    return [f.message for f in report.findings if f.rule == "author-list-misread"]


@pytest.mark.parametrize("value", sorted(MISREAD))
def test_a_misread_author_list_is_reported_with_what_bibtex_prints(tmp_path, monkeypatch, value):
    (message,) = _refcheck_says_prints(tmp_path, monkeypatch, value)
    assert f'BibTeX prints "{MISREAD[value]}"' in message


@pytest.mark.parametrize("value", sorted(READ_RIGHT))
def test_names_bibtex_reads_as_meant_are_not_reported(tmp_path, monkeypatch, value):
    assert _refcheck_says_prints(tmp_path, monkeypatch, value) == []


def _printed_names(directory) -> str:
    bbl = (directory / "main.bbl").read_text(encoding="latin-1")
    line = bbl.split("\\bibitem{n}\n", 1)[1].split("\n\\newblock", 1)[0]
    return " ".join(line.replace("~", " ").split()).rstrip(".")


@pytest.mark.skipif(bool(_MISSING), reason=f"TeX Live is not installed ({', '.join(_MISSING)} missing)")
@pytest.mark.parametrize("value", sorted(MISREAD) + sorted(READ_RIGHT))
def test_bibtex_prints_the_names_so(tmp_path, value):
    compile_case(_names_case(value), tmp_path)
    assert _printed_names(tmp_path) == {**MISREAD, **READ_RIGHT}[value]
