"""RC7xx, end to end through enrich(): what Crossref says about a work becomes findings.

A fake client stands in for Crossref (the real client is tested against a local server and
recorded responses elsewhere); it answers from a small table of records, as Crossref would.
"""

from __future__ import annotations

import dataclasses

import pytest

from refcheck.api import Config, check
from refcheck.crossref.client import Unavailable
from refcheck.model import Name, Work
from refcheck.readers import read_text
from refcheck.rules import RULES
from tests.conftest import TODAY


class FakeCrossref:
    """Answers lookups and searches from ``records``; ``agencies`` for DOIs it does not hold.

    When ``down`` (no network), every question raises Unavailable, as the real client does.
    """

    threads = 1

    def __init__(self, *records: Work, agencies: dict[str, str] | None = None, down: str | None = None):
        self.by_doi = {r.doi.lower(): r for r in records}
        self.records = records
        self.agencies = agencies or {}
        self.down = down
        self.asked: list[str] = []
        self.short_dois: dict[str, str] = {}

    def _ask(self, what: str) -> None:
        if self.down:
            raise Unavailable(self.down)
        self.asked.append(what)

    def works(self, dois):
        self._ask(f"batch:{len(dois)}")
        return {d.lower(): self.by_doi[d.lower()] for d in dois if d.lower() in self.by_doi}

    def work(self, doi):
        self._ask(f"work:{doi}")
        return self.by_doi.get(doi.lower())

    def agency(self, doi):
        self._ask(f"agency:{doi}")
        return self.agencies.get(doi.lower())

    def expand_short_doi(self, short):
        self._ask(f"handle:{short}")
        return self.short_dois.get(short.lower())

    def search(self, text, rows=5):
        self._ask("search")
        return list(self.records[:rows])


SMITH = Work(
    doi="10.1000/smith.2019", title="A study of cell division in yeast", authors=(Name("Smith", "John"), Name("Lee", "Kim")),
    year="2019", container_title="Journal of Biology", volume="12", issue="3", page="100-110", type="journal-article",
)
ENTRY = "- Smith J, Lee K. 2019. A study of cell division in yeast. J Biol 12(3):100–10."


def findings(entry: str, client: FakeCrossref) -> list[tuple[str, str]]:
    md = f"Cells divide (Smith and Lee, 2019).\n\n## References\n\n{entry}\n"
    report = check(read_text(md, "paper.md"), Config(select=("RC7",), today=TODAY), crossref=client)
    return [(f.rule, f.message) for f in report.findings]


def rule_names(entry: str, client: FakeCrossref) -> list[str]:
    return [name for name, _ in findings(entry, client)]


CASES = {
    "doi-not-found": (ENTRY + " doi:10.1000/nothing.here", FakeCrossref()),
    "metadata-mismatch": (ENTRY, FakeCrossref(dataclasses.replace(SMITH, volume="13"))),
    "doi-available": (ENTRY, FakeCrossref(SMITH)),
    # same authors and title, but another year, volume and pages: close, yet not the printed work
    "reference-not-found": (ENTRY, FakeCrossref(dataclasses.replace(SMITH, doi="10.1000/smith.2001", year="2001", volume="1", page="5-9"))),
    "retracted-work": (ENTRY, FakeCrossref(dataclasses.replace(SMITH, updates=(("retraction", "retraction-watch", "10.1000/notice"),)))),
    "work-has-update": (ENTRY, FakeCrossref(dataclasses.replace(SMITH, updates=(("correction", "publisher", "10.1000/corr"),)))),
    "preprint-has-published-version": (ENTRY, FakeCrossref(dataclasses.replace(SMITH, type="posted-content", relations=(("is-preprint-of", "10.1000/published"),)))),
    "doi-points-elsewhere": (ENTRY + " doi:10.1000/other", FakeCrossref(Work("10.1000/other", "Quantum effects in superconducting rings", (Name("Zhou", "W"),), "2011", "Phys Rev B", "4", None, "1-9"))),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_fires(name):
    entry, client = CASES[name]
    assert name in rule_names(entry, client)


def test_every_crossref_rule_has_a_case():
    assert {r.name for r in RULES if "crossref" in r.needs} == set(CASES)


def test_a_verified_reference_gives_only_the_doi_it_lacks():
    assert findings(ENTRY, FakeCrossref(SMITH)) == [("doi-available", "the entry Smith and Lee 2019 has a DOI: 10.1000/smith.2019")]


def test_a_printed_doi_that_agrees_gives_nothing_and_costs_one_batch():
    client = FakeCrossref(SMITH)
    assert rule_names(ENTRY + " doi:10.1000/smith.2019", client) == []
    assert client.asked == ["batch:1"]


def test_the_mismatch_lists_each_field_with_both_values():
    (message,) = [m for n, m in findings(ENTRY, FakeCrossref(dataclasses.replace(SMITH, volume="13", year="2018"))) if n == "metadata-mismatch"]
    assert "'2019'" in message and "'2018'" in message and "'12'" in message and "'13'" in message


def test_a_datacite_doi_is_not_an_error():
    client = FakeCrossref(agencies={"10.5281/zenodo.1": "datacite"})
    assert rule_names(ENTRY + " doi:10.5281/zenodo.1", client) == []
    assert client.asked[-1] == "agency:10.5281/zenodo.1"


def test_new_versions_are_not_updates_worth_reporting():
    client = FakeCrossref(dataclasses.replace(SMITH, updates=(("new_version", "publisher", "10.1000/v2"),)))
    assert "work-has-update" not in rule_names(ENTRY, client)


def test_the_same_retraction_from_two_sources_is_one_finding():
    notices = (("retraction", "publisher", "10.1000/n"), ("retraction", "retraction-watch", "10.1000/n"))
    client = FakeCrossref(dataclasses.replace(SMITH, updates=notices))
    assert rule_names(ENTRY, client).count("retracted-work") == 1


def test_not_found_is_never_called_fabricated_and_shows_the_closest_record():
    entry, client = CASES["reference-not-found"]
    (message,) = [m for n, m in findings(entry, client) if n == "reference-not-found"]
    assert "not found" in message and "closest record" in message and "fabricat" not in message


def test_without_network_there_are_no_crossref_findings_and_one_note():
    client = FakeCrossref(SMITH, down="api.crossref.org could not be reached (no network or DNS)")
    md = f"Cells divide (Smith and Lee, 2019).\n\n## References\n\n{ENTRY}\n"
    report = check(read_text(md, "paper.md"), Config(today=TODAY), crossref=client)
    assert not [f for f in report.findings if f.code.startswith("RC7")]
    assert report.notes == ("1 of 1 references were not verified against Crossref: api.crossref.org could not be reached (no network or DNS)",)


def test_offline_runs_say_once_that_crossref_was_not_consulted():
    md = f"Cells divide (Smith and Lee, 2019).\n\n## References\n\n{ENTRY}\n"
    report = check(read_text(md, "paper.md"), Config(today=TODAY))
    assert len([n for n in report.notes if "Crossref was not consulted" in n]) == 1


def test_an_unrelated_closest_candidate_is_not_named():
    unrelated = Work("10.1000/other", "Quantum effects in superconducting rings", (Name("Zhou", "W"),), "2011", "Phys Rev B", "4", None, "1-9")
    (message,) = [m for n, m in findings(ENTRY, FakeCrossref(unrelated)) if n == "reference-not-found"]
    assert message == "the entry Smith and Lee 2019 was not found in Crossref"
