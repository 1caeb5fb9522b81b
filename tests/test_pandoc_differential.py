"""refcheck's key citations against pandoc's own reading, document by document.

pandoc is the oracle: ``pandoc -f markdown -t json`` gives every ``Cite`` element of a document,
and the multiset of their ``citationId``s must be the multiset of the keys refcheck reads
(``[@key]``, ``@key``; author-year and numeric citations in plain text are refcheck's own and are
not compared). Two kinds of ids are left out on both sides, exactly as refcheck leaves them out:
pandoc-crossref labels (``@fig:x``, ``@tbl:x``...) and Manubot tag definitions
(``[@tag:x]: doi:...`` lines, which pandoc reads as citations and Manubot as definitions).

The documents: every Markdown file of ../shared/corpus, the regression cases in
tests/pandoc_cases/ (one file per theme; each case is a document of its own, cases are separated
by a line ``<!-- case -->``), and Hypothesis-generated documents that mix keys with punctuation,
groups across lines, code, math, comments, e-mail addresses, escapes, prefixes and locators.
Skipped, saying why, where pandoc is not installed (Debian's ``pandoc``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refcheck.readers import read_text
from refcheck.readers.citations import CROSSREF_LABELS
from refcheck.readers.markdown import tag_definitions
from tests.conftest import SHARED

PANDOC = shutil.which("pandoc")
pytestmark = pytest.mark.skipif(PANDOC is None, reason="pandoc is not installed (Debian: apt-get install pandoc)")

CASES = Path(__file__).resolve().parent / "pandoc_cases"
CASE_SEPARATOR = "\n<!-- case -->\n"


def _cites(node, out: list[str]) -> None:
    if isinstance(node, dict):
        if node.get("t") == "Cite":
            out.extend(citation["citationId"] for citation in node["c"][0])
        for value in node.values():
            _cites(value, out)
    elif isinstance(node, list):
        for value in node:
            _cites(value, out)


def pandoc_keys(text: str) -> Counter:
    """The ``citationId`` of every ``Cite`` in the document, as pandoc reads it: the body and the
    metadata's text (an abstract citing ``[@key]``), not ``nocite`` (compared apart)."""
    result = subprocess.run([PANDOC, "-f", "markdown", "-t", "json"], input=text.encode("utf-8"),
                            capture_output=True, timeout=60, check=True)
    ids: list[str] = []
    document = json.loads(result.stdout)
    _cites(document["blocks"], ids)
    _cites({k: v for k, v in document["meta"].items() if k not in ("nocite", "references")}, ids)
    keys = Counter(key for key in ids if not key.lower().startswith(CROSSREF_LABELS))
    keys.subtract(Counter(tag for tag, _ in tag_definitions(text).values()))
    return +keys


def refcheck_keys(text: str) -> Counter:
    manuscript = read_text(text, "paper.md")
    return Counter(item.key for c in manuscript.citations if c.style == "key" and "nocite" not in c.form
                   for item in c.items if item.key is not None)


def differences(text: str) -> dict[str, dict[str, int]]:
    """{} when both read the same keys; else what only pandoc and only refcheck read."""
    theirs, ours = pandoc_keys(text), refcheck_keys(text)
    if theirs == ours:
        return {}
    return {"pandoc only": dict(theirs - ours), "refcheck only": dict(ours - theirs)}


# --------------------------------------------------------------------------- the shared corpus


def _corpus() -> list[Path]:
    corpus = SHARED / "corpus"
    return sorted([*corpus.glob("jats/md/*.md"), *corpus.glob("markdown/**/*.md")])


@pytest.mark.skipif(not _corpus(), reason=f"no Markdown corpus under {SHARED / 'corpus'}")
def test_every_corpus_document_reads_as_pandoc_reads_it():
    paths = _corpus()
    found = {str(path.relative_to(SHARED)): diff for path in paths if (diff := differences(path.read_text(encoding="utf-8")))}
    assert found == {}, f"{len(found)} of {len(paths)} corpus documents differ from pandoc"


# --------------------------------------------------------------------------- the regression cases


def _cases() -> list[tuple[str, str]]:
    out = []
    for path in sorted(CASES.glob("*.md")):
        for i, case in enumerate(path.read_text(encoding="utf-8").split(CASE_SEPARATOR)):
            out.append((f"{path.stem}-{i + 1}", case))
    return out


def test_the_regression_cases_exist():
    assert len(_cases()) >= 100


def test_every_regression_case_reads_as_pandoc_reads_it():
    """One pandoc run per case (about 30 ms each)."""
    found = {name: (case, diff) for name, case in _cases() if (diff := differences(case))}
    assert found == {}


# --------------------------------------------------------------------------- generated documents

_LETTER = st.sampled_from("abcxyzSMéß")
_KEY_CHAR = st.sampled_from("abz019_é")
_PUNCT = st.sampled_from(":.#$%&-+?<>~/")


@st.composite
def keys(draw) -> str:
    """A key as written after "@": letters, digits, "_", punctuation inside or at the end, braces, prefixes."""
    kind = draw(st.sampled_from(["plain", "plain", "punct", "punct", "trailing", "braced", "manubot", "crossref", "odd"]))
    word = draw(st.text(_KEY_CHAR, min_size=1, max_size=6))
    if kind == "punct":
        return word + "".join(draw(st.lists(st.tuples(_PUNCT, st.text(_KEY_CHAR, min_size=1, max_size=4)).map("".join), max_size=3)))
    if kind == "trailing":
        return word + draw(st.text(_PUNCT, min_size=1, max_size=2))
    if kind == "braced":
        return "{" + draw(st.sampled_from(["", "https://x.org/a b", "a{b}c", "10.1/x", "k"])) + word + "}"
    if kind == "manubot":
        return draw(st.sampled_from(["doi:10.1371/journal.pone.0", "pmid:", "arxiv:1502.04015v", "tag:", "url:https://x.org/"])) + word
    if kind == "crossref":
        return draw(st.sampled_from(["fig:", "tbl:", "eq:", "sec:"])) + word
    return draw(st.sampled_from(["_", "*", "-", "gammie_harm:_2003", "a//b", "x:/y", "a..b", "{a", ""])) + word


@st.composite
def key_citation(draw) -> str:
    mark = draw(st.sampled_from(["@", "@", "@", "-@", "\\@"]))
    return mark + draw(keys())


@st.composite
def group(draw) -> str:
    """``[see @a, p. 33; also @b]``, sometimes broken over lines, sometimes not a citation at all."""
    items = []
    for _ in range(draw(st.integers(1, 4))):
        prefix = draw(st.sampled_from(["", "", "see ", "e.g. ", "also ", "cf. *this* "]))
        locator = draw(st.sampled_from(["", "", ", p. 33", ", pp. 1-3", " and more", ", chap. 2"]))
        items.append(prefix + draw(key_citation()) + locator)
    separator = draw(st.sampled_from(["; ", ";\n", "; ", " ;\n  "]))
    tail = draw(st.sampled_from(["", "", "", "(http://x.org)", "{.class}", "[ref]", ": x"]))
    return "[" + separator.join(items) + "]" + tail


WORDS = ["see", "Smith", "and", "the", "x", "2019", "p. 33", "e.g.", "é", "fig.", "a", "b_c"]
PUNCTUATION = [".", ",", ";", ":", "(", ")", "...", "..", "-", "'", '"', "!", "?", "/", "&", "*", "_", "**", "~", "^", "|"]


@st.composite
def inline(draw, depth: int = 0) -> str:
    choices = ["word", "word", "word", "space", "space", "punct", "key", "key", "group", "email", "code", "math",
               "comment", "tag", "latex", "link", "escape", "newline", "url"]
    kind = draw(st.sampled_from(choices if depth < 2 else choices[:9]))
    if kind == "word":
        return draw(st.sampled_from(WORDS))
    if kind == "space":
        return " "
    if kind == "punct":
        return draw(st.sampled_from(PUNCTUATION))
    if kind == "key":
        return draw(key_citation())
    if kind == "group":
        return draw(group())
    if kind == "email":
        return draw(st.sampled_from(["john@example.com", "x@y", "a.b@c.org", "@", "me@", "@@a"]))
    if kind == "newline":
        return "\n"
    if kind == "url":
        return draw(st.sampled_from(["https://x.org/@user/post", "http://a.b/c@d", "www.x.org/@a"]))
    inner = draw(st.lists(inline(depth + 1), max_size=4).map("".join))
    if kind == "code":
        ticks = draw(st.sampled_from(["`", "`", "``"]))
        return ticks + inner + draw(st.sampled_from([ticks, ticks, "", "`"]))
    if kind == "math":
        fence = draw(st.sampled_from(["$", "$", "$$"]))
        return fence + draw(st.sampled_from(["x", "", " "])) + inner + draw(st.sampled_from(["y" + fence, fence, " " + fence, fence + "5"]))
    if kind == "comment":
        return "<!--" + inner + draw(st.sampled_from(["-->", "-->", ""]))
    if kind == "tag":
        return draw(st.sampled_from(["<span>", "</span>", '<a href="mailto:x@y.org">', "</a>", "<b>", "< ", "<br/>", '<img alt="@a">']))
    if kind == "latex":  # keys and words inside (what LaTeX's own parser makes of markup in there is LaTeX's business)
        inner = draw(st.lists(st.one_of(key_citation(), st.sampled_from(WORDS + [" ", ",", ";"])), max_size=4).map("".join))
        command = draw(st.sampled_from(["\\foo{", "\\foo{", "\\ref{", "\\foo[", "\\textbf{"]))
        return command + inner + ("]" if command.endswith("[") else "}")  # closed: an open one reads on into later blocks
    if kind == "link":
        return "[" + inner + "](" + draw(st.sampled_from(["http://x.org", "https://m.com/@a", "u (x)", "#sec:x"])) + ")"
    return "\\" + draw(st.sampled_from(["@", "[", "]", "$", "`", "*", "\\", "_", "<"]))


@st.composite
def block(draw) -> str:
    kind = draw(st.sampled_from(["para", "para", "para", "para", "fence", "indented", "heading", "list", "quote", "mathblock", "comment"]))
    text = draw(st.lists(inline(), min_size=1, max_size=12).map("".join)).strip(" \n")
    text = text or "text"
    if kind == "fence":
        fence = draw(st.sampled_from(["```", "~~~", "````"]))
        return f"{fence}\n{text}\n{draw(st.sampled_from([fence, fence, '```', '']))}"
    if kind == "indented":
        return "\n".join("    " + line for line in text.split("\n"))
    if kind == "heading":
        return "## " + text.replace("\n", " ")
    if kind == "list":
        lines = text.split("\n")
        return "- " + "\n  ".join(lines)
    if kind == "quote":
        return "\n".join("> " + line for line in text.split("\n"))
    if kind == "mathblock":
        return "$$\n" + text + "\n$$"
    if kind == "comment":
        return "<!--\n" + text + "\n-->"
    return text


@st.composite
def document(draw) -> str:
    front = draw(st.sampled_from(["", "", "---\ntitle: On @notakey\nbibliography: refs.bib\n---\n\n", "abstract"]))
    if front == "abstract":  # a block of the document as the front matter's abstract, which pandoc reads as Markdown
        inner = draw(block())
        front = ("---\ntitle: 'Cells [@lee2020]'\nauthor:\n  - name: A. Author\n    email: a@b.org\nabstract: |\n"
                 + "\n".join("  " + line if line else "" for line in inner.split("\n"))
                 + "\nkeywords_: '@ignored'\nbibliography: refs.bib\n---\n\n")
    blocks = draw(st.lists(block(), min_size=1, max_size=6))
    return front + "\n\n".join(blocks) + "\n"


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(document())
def test_generated_documents_read_as_pandoc_reads_them(text):
    assert differences(text) == {}, text
