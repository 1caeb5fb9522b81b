"""Properties over every reader, on structure-aware generated inputs (tests/fuzz_targets.py).

For Markdown, plain text, LaTeX, BibTeX, JATS XML and DOCX alike: reading, checking and rendering
never raise, no reader's catch-all handler has to swallow an exception, every span lies inside the
file it names with line and column agreeing with its offsets, citation items lie inside their
citation (where the format promises it), texts slice back where the format promises it, and the
same input gives a byte-identical JSON report. tests/test_properties.py holds the older Markdown
properties; scripts/fuzz.py runs the same targets for as long as one likes.

Settings suit CI: no deadline (the point is crashes and wrong spans; tests/test_adversarial.py
times things), and a modest number of examples so that the file runs in well under a minute.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests import fuzz_targets as ft

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


# Open defects in readers this work may not edit (reproducers below and in fuzz_targets.REGRESSIONS):
# the property runs, and its failures are expected until they are fixed. Not strict: a hundred
# random inputs may miss them.
OPEN = {reader: "; ".join(sorted({r.known for r in ft.REGRESSIONS if r.known and r.reader == reader}))
        for reader in ft.READERS if any(r.known and r.reader == reader for r in ft.REGRESSIONS)}


def _property(reader: str):
    reason = ft.unavailable(reader)

    @pytest.mark.skipif(reason is not None, reason=reason or "")
    @(pytest.mark.xfail(strict=False, reason=OPEN[reader]) if reader in OPEN else (lambda f: f))
    @SETTINGS
    @given(ft.STRATEGIES[reader])
    def test(data):
        ft.run(reader, data)

    test.__name__ = f"test_{reader}_reads_checks_and_renders_any_input"
    test.__doc__ = f"Any {reader} input: no exception, spans consistent, deterministic JSON (see fuzz_targets.check_invariants)."
    return test


test_markdown_reads_checks_and_renders_any_input = _property("markdown")
test_text_reads_checks_and_renders_any_input = _property("text")
test_latex_reads_checks_and_renders_any_input = _property("latex")
test_bibtex_reads_checks_and_renders_any_input = _property("bibtex")
test_jats_reads_checks_and_renders_any_input = _property("jats")
test_docx_reads_checks_and_renders_any_input = _property("docx")
test_pdf_reads_checks_and_renders_any_input = _property("pdf")


# ----------------------------------------------------------------------------- the checks can fail


def test_invariants_catch_a_span_that_points_outside_its_text():
    """The invariants are not vacuous: a citation moved past the end of its text is caught."""
    import dataclasses

    outcome = ft.run("markdown", "Cells divide (Smith, 2019).\n\n## References\n\nSmith J. 2019. T. J 1:1.\n", twice=False)
    manuscript = outcome.manuscript
    bad = dataclasses.replace(manuscript.citations[0], span=manuscript.source.span(0, 3)._replace(end=10_000))
    broken = dataclasses.replace(manuscript, citations=(bad,))
    with pytest.raises(AssertionError, match="outside"):
        ft.check_invariants("markdown", manuscript.source.text, broken, outcome.report, outcome.json)


def test_swallowed_errors_are_reported(monkeypatch):
    """An exception inside the reference parser is turned into an empty reference for users,
    but the fuzz target reports it."""
    from refcheck.readers import references

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(references, "_parse_head", broken)
    with pytest.raises(ft.Swallowed, match="ZeroDivisionError"):
        ft.run("markdown", "Text.\n\n## References\n\nSmith J. 2019. T. J 1:1.\n", twice=False)


# ----------------------------------------------------------------------------- known defects elsewhere


def _regression(name: str) -> ft.Regression:
    return next(r for r in ft.REGRESSIONS if r.name == name)


def test_jats_xref_with_markup_keeps_its_item_inside_the_citation():
    citation = ft.read("jats", _regression("xref-with-markup").build()).citations[0]
    item = citation.items[0]
    assert citation.span.start <= item.span.start <= item.span.end <= citation.span.end, (citation.span, item.span)


def test_jats_empty_xref_has_a_span_that_ends_after_it_starts():
    citation = ft.read("jats", _regression("empty-xref").build()).citations[0]
    assert citation.span.start <= citation.span.end, citation.span
