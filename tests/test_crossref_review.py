"""The "With Crossref" acceptance list of ../shared/acceptance/review.md, replayed from cassettes/.

The cassette is assembled from confirmed facts (cassettes/README.md): works with no confirmed
record have no recorded answer, and must end up unverified, said once in a note.
Re-record for real on a machine with network (record mode "once", contact address filtered):

    rm cassettes/review.yaml && REFCHECK_RECORD=1 .venv/bin/python -m pytest tests/test_crossref_review.py
"""

from __future__ import annotations

import os
from collections import defaultdict

import pytest
import requests
import vcr
from vcr.errors import CannotOverwriteExistingCassetteException

from refcheck.api import Config, check_paths
from refcheck.crossref.client import CrossrefClient, RequestFailed
from tests.conftest import ROOT, TODAY

RECORDING = os.environ.get("REFCHECK_RECORD") == "1"


class Replay(requests.Session):
    """A session for replaying: a request the cassette does not hold has no answer."""

    def get(self, url, **kwargs):
        try:
            return super().get(url, **kwargs)
        except CannotOverwriteExistingCassetteException:
            raise RequestFailed("no recorded response") from None


@pytest.fixture(scope="module")
def report():
    recorder = vcr.VCR(
        record_mode="once" if RECORDING else "none",
        match_on=["method", "scheme", "host", "port", "path", "query"],
        filter_headers=["user-agent"],  # the polite pool's contact address never lands in a cassette
        decode_compressed_response=True,
    )
    with recorder.use_cassette(str(ROOT / "cassettes" / "review.yaml")):
        session = requests.Session() if RECORDING else Replay()
        # every unrecorded search is one "error": without a budget the run would stop asking
        # one thread: vcrpy's patched connections are not thread-safe
        client = CrossrefClient(session, mailto=os.environ.get("REFCHECK_MAILTO"), error_budget=1.0, threads=1,
                                **({} if RECORDING else {"sleep": lambda seconds: None}))
        return check_paths([ROOT / "review.md"], Config(today=TODAY), crossref=client)


def _by_entry(report, rule):
    """Entry label (or "3.1"/"3.2" for the works of entry 3; "15a"/"15b" for the two 15s) -> messages."""
    manuscript = report.manuscripts[0]
    names = {}
    fifteen = iter(("15a", "15b"))
    for ref in manuscript.references:
        label = next(fifteen) if ref.label == "15" else ref.label
        names[ref.span.line] = label
        for i, part in enumerate(ref.parts):
            names[(part.span.line, part.span.column)] = f"{ref.label}.{i + 1}"
    out = defaultdict(list)
    for f in report.findings:
        if f.rule == rule:
            out[names.get((f.span.line, f.span.column)) or names[f.span.line]].append(f.message)
    return out


def test_the_doi_is_offered_for_every_entry_with_a_confirmed_record(report):
    offered = _by_entry(report, "doi-available")
    expected = {"2", "4", "10", "11", "15a", "17", "18", "19", "20", "23", "24", "3.1", "3.2"}
    assert expected <= set(offered)
    assert "10.7287/peerj.preprints.148v1" in offered["3.1"][0] and "10.1016/j.tips.2020.06.009" in offered["3.2"][0]


def test_the_fix_appends_the_doi_at_the_end_of_the_entry(report):
    (finding,) = [f for f in report.findings if f.rule == "doi-available" and "pharmaceutics14020381" in f.message]
    assert finding.fix.replacement == " https://doi.org/10.3390/pharmaceutics14020381"
    assert finding.fix.span.start == finding.fix.span.end == finding.span.end


def test_mismatches_name_the_field_and_both_values(report):
    mismatch = _by_entry(report, "metadata-mismatch")
    assert "Rio, L. G. D." in mismatch["10"][0] and "Garcia-del Rio" in mismatch["10"][0]
    assert "'S233'" in mismatch["11"][0] and "S233-S245" in mismatch["11"][0].replace("–", "-")
    assert "'3342'" in mismatch["24"][0] and "3342-3356" in mismatch["24"][0].replace("–", "-")
    assert all(len(messages) == 1 for messages in mismatch.values())  # one finding per reference


def test_no_mismatch_where_the_record_agrees(report):
    mismatch = _by_entry(report, "metadata-mismatch")
    assert not {"4", "17", "19"} & set(mismatch)


def test_unrecorded_works_are_unverified_in_one_note_and_entry_8_is_not_searched(report):
    manuscript = report.manuscripts[0]
    status = {m.reference: m.status for m in manuscript.matches}
    assert status["r8"] == "incomplete"
    unverified = [r for r, s in status.items() if s == "unverified"]
    assert unverified and all(m.evidence for m in manuscript.matches if m.status == "unverified")
    notes = [n for n in report.notes if "not verified" in n]
    assert notes == [f"{len(unverified)} of {len(status)} references were not verified against Crossref: no recorded response"]
    assert not [f for f in report.findings if f.rule in ("doi-not-found", "reference-not-found") and f.span.line == 121]


def test_the_offline_findings_are_all_still_there(report):
    offline = {(f.rule, f.span.line) for f in report.findings if not f.code.startswith("RC7")}
    assert offline == {
        ("duplicate-reference-number", 130), ("incomplete-reference", 121), ("reference-never-cited", 119),
        ("merged-references", 115), ("citation-after-manuscript-date", 91), ("citation-after-manuscript-date", 101),
        ("malformed-citation", 89), ("inconsistent-citation-format", 85), ("citation-author-mismatch", 99),
        ("citation-context", 89),
    }
