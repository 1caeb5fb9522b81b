"""Properties that hold for any text: reading and checking never raise, every span slices back to
what it claims, line/column agree with offsets, and the JSON report is deterministic."""

from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refcheck.api import Config, check
from refcheck.model import Span
from refcheck.readers import read_text
from refcheck.render import RENDERERS
from tests.conftest import TODAY

SETTINGS = settings(
    max_examples=200,
    deadline=None,  # no wall-clock bound (tests/timing.py); pytest-timeout catches a hang
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ----------------------------------------------------------------------------- strategies

NAMES = ["Smith", "Lee", "van der Berg", "O'Brien", "Sørensen", "Łukasz", "SMOLINSKÁ", "liu", "Müller-Lüdenscheidt", "García", "De Souza", "李"]
YEARS = ["2019", "2019a", "2019b", "2020", "1998", "n.d.", "in press", "2031", "1066", "19"]
FRAGMENTS = [
    "(", ")", "[", "]", "; ", ", ", " ", " and ", " & ", " et al.", " et al", "et al.,", "**", "*", "_", "__", "`", "```\n",
    "<sup>", "</sup>", "¹", "²³", "⁻", "@", "[@", "-@", "[-@", "<!--", "-->", "<!-- refcheck: ignore -->", "\n", "\n\n",
    "# ", "## References\n", "References\n", "**References**\n", "Bibliography:\n", "### Literature cited\n", "1. ", "2. ", "[1] ",
    "10) ", "- ", "* ", "  ", "\t", "\r\n", "\r", "p. 4", "pp. 3–5", "see ", "e.g., ", "–", "—", "-", "1-3", "3-1", "[1, 2]",
    "[2]–[5]", "(1, 2)", "doi:10.1000/xyz", "https://doi.org/10.1234/abc.", "x@example.org", "Received: 19.06.2023\n",
    "Accepted 14 July 2023\n", "Published online: 2023-07-14\n", "---\ntitle: T\n---\n", ". ", "J Cells 1:1–10.", "Title. ",
    "\u200b", "\ufeff", "\x00", "\x0c", "é", "e\u0301", "🙂", "IL-6", "Fig. 1", "Table 2", "n = 3", "[^1]", "](http://x)",
]


@st.composite
def citation_like(draw) -> str:
    """A short citation-ish string: (Name et al., 2019a; Name, 2020) / Name (2019) / [1-3] / [@key]."""
    kind = draw(st.sampled_from(["paren", "narrative", "numeric", "key", "entry"]))
    name = draw(st.sampled_from(NAMES))
    year = draw(st.sampled_from(YEARS))
    if kind == "paren":
        items = draw(st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(YEARS), st.booleans()), min_size=1, max_size=3))
        body = "; ".join(f"{n}{' et al.' if e else ''}, {y}" for n, y, e in items)
        return f"({body})"
    if kind == "narrative":
        return f"{name}{draw(st.sampled_from(['', ' et al.', ' and Lee']))} ({year})"
    if kind == "numeric":
        nums = draw(st.lists(st.integers(0, 40), min_size=1, max_size=3))
        return "[" + draw(st.sampled_from([", ", "-", "–", "; "])).join(map(str, nums)) + "]"
    if kind == "key":
        return "[@" + draw(st.from_regex(r"[a-z][a-z0-9_:]{0,8}", fullmatch=True)) + "]"
    label = draw(st.sampled_from(["", "1. ", "[2] ", "- "]))
    return f"{label}{name} J, Lee K. {year}. A title. J Cells 1:1–10.\n"


manuscript_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), citation_like(), st.text(max_size=8), st.sampled_from(NAMES), st.sampled_from(YEARS)),
    max_size=60,
).map("".join)


@st.composite
def structured_manuscript(draw) -> str:
    """Body text, a reference heading, then entries (numbered, bulleted or plain), with noise mixed in."""
    body = draw(manuscript_text)
    heading = draw(st.sampled_from(["## References", "References", "**References**", "# Bibliography:", "Literature cited", "### Works Cited"]))
    label = draw(st.sampled_from(["numbered", "bracketed", "bullet", "plain"]))
    entries = []
    for i, (name, year, noise) in enumerate(
        draw(st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(YEARS), manuscript_text), max_size=8)), 1
    ):
        prefix = {"numbered": f"{i}. ", "bracketed": f"[{i}] ", "bullet": "- ", "plain": ""}[label]
        entries.append(f"{prefix}{name} J, Lee K. {year}. A title {noise[:40]}. J Cells {i}:1–10.")
    sep = draw(st.sampled_from(["\n", "\n\n"]))
    tail = draw(st.sampled_from(["", "\n", "\n## Appendix\n\nMore text (Smith, 2019).\n"]))
    return f"{body}\n\n{heading}\n\n{sep.join(entries)}{tail}"


any_text = st.one_of(st.text(max_size=300), manuscript_text, structured_manuscript())


# ----------------------------------------------------------------------------- helpers


def assert_span(text: str, span: Span, path: str = "x.md") -> None:
    assert span.path == path
    assert 0 <= span.start <= span.end <= len(text), span
    for offset, line, column in ((span.start, span.line, span.column), (span.end, span.end_line, span.end_column)):
        assert line == text.count("\n", 0, offset) + 1, (span, offset)
        assert column == offset - (text.rfind("\n", 0, offset) + 1) + 1, (span, offset)


def render_json(report) -> str:
    out = io.StringIO()
    RENDERERS["json"](report, out)
    return out.getvalue()


CONFIG = Config(today=TODAY, select=("ALL", "et-al-misuse"))  # every rule, and the one off by default


# ----------------------------------------------------------------------------- properties


@SETTINGS
@given(any_text)
def test_reading_never_raises_and_spans_slice_back(text):
    manuscript = read_text(text, "x.md")
    source = manuscript.source.text
    assert source == text  # read_text takes text as given (newline normalisation is decode()'s job)
    for citation in manuscript.citations:
        assert_span(source, citation.span)
        assert source[citation.span.start : citation.span.end] == citation.text
        assert citation.items
        for item in citation.items:
            assert_span(source, item.span)
            assert source[item.span.start : item.span.end] == item.text
            assert citation.span.start <= item.span.start <= item.span.end <= citation.span.end, (citation, item)
    starts = [c.span.start for c in manuscript.citations]
    assert starts == sorted(starts)
    for a, b in zip(manuscript.citations, manuscript.citations[1:]):
        assert a.span.end <= b.span.start, (a, b)  # citations never overlap
    for reference in manuscript.references:
        for ref in (reference, *reference.parts):
            assert_span(source, ref.span)
            assert source[ref.span.start : ref.span.end] == ref.raw
    if manuscript.reference_section is not None:
        assert_span(source, manuscript.reference_section)


@SETTINGS
@given(any_text)
def test_checking_never_raises_and_findings_point_into_the_text(text):
    report = check(read_text(text, "x.md"), CONFIG)
    for finding in report.findings:
        assert_span(text, finding.span)
        assert finding.message
        if finding.fix is not None and finding.fix.span is not None:
            assert_span(text, finding.fix.span)
    keys = [f.sort_key() for f in report.findings]
    assert keys == sorted(keys)
    ids = {c.id for c in report.manuscripts[0].citations}
    refs = {r.id for r in report.manuscripts[0].references}
    for link in report.manuscripts[0].links:
        assert link.citation in ids and set(link.references) <= refs


@SETTINGS
@given(any_text)
def test_json_report_is_valid_and_deterministic(text):
    first = render_json(check(read_text(text, "x.md"), CONFIG))
    again = render_json(check(read_text(text, "x.md"), CONFIG))
    assert first == again
    assert render_json(check(read_text(text, "x.md"), CONFIG)) == first
    data = json.loads(first)
    for kind in ("citations", "references", "findings"):
        for entry in data[kind]:
            span = entry["span"]
            assert 0 <= span["start"] <= span["end"] <= len(text)
    for citation in data["citations"]:
        assert text[citation["span"]["start"] : citation["span"]["end"]] == citation["text"]
