"""The Crossref client and ``enrich`` against a misbehaving local Crossref (tests/crossref_server.py).

Each test starts a fake API on 127.0.0.1 (records taken from real recorded responses), points
a ``CrossrefClient`` over a plain ``requests.Session()`` (or a requests-cache session) at it
with short timeouts, scripts a fault, and checks what the client did (``client.stats``,
``client.down``), what the server saw (requests, timing, 429s) and what the manuscript ends
with (one Match per work, one note on what was not verified).
"""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import pytest
import requests

from refcheck.crossref.client import ERROR_FLOOR, CrossrefClient, RequestFailed, Unavailable, parse_message
from refcheck.crossref.session import make_session
from refcheck.enrich import enrich
from refcheck.readers import read_text
from tests.conftest import SHARED
from tests.test_crossref_client import FakeClock

try:
    from tests.crossref_server import FakeCrossref, Limits, load_cassette
except ImportError:  # run with tests/ on sys.path
    from crossref_server import FakeCrossref, Limits, load_cassette

RECORDED = SHARED / "fixtures" / "crossref-recorded"
MAILTO = "editor@example.org"
FINAL = {"verified", "mismatch", "not-found", "doi-not-found", "other-agency", "elsewhere", "unverified"}


def _recorded_items() -> list[dict]:
    items = []
    for path in ("test-works/test_works_with_many_ids.yaml", "test-works/test_works_mixed_ids_warn.yaml",
                 "test-workscontainer/test_workscontainer_with_two_ids.yaml"):
        items += [parse_message(r.body) for r in load_cassette(RECORDED / path) if r.status == 200]
    return items


RECORDS = _recorded_items()
AGENCIES = {"10.5281/zenodo.4567890": "datacite"}

MANUSCRIPT = """# Methylphenidate and microglia

Text citing everything (Sadasivan et al., 2012; Lee et al., 2012; Lieber et al., 1998; Tosatto et al., 2015;
Boulkedid et al., 2011; Zed & Ypsilon, 2021; Doe, 2019; Nobody, 2012; Xu et al., 2020; Iwasa et al., 2020).

## References

Sadasivan, S., Pond, B. B., Pani, A. K., Qu, C., Jiao, Y., & Smeyne, R. J. (2012). Methylphenidate exposure induces dopamine neuron loss and activation of microglia in the basal ganglia of mice. *PLoS ONE*, 7(3), e33693. https://doi.org/10.1371/journal.pone.0033693

Lee, H. J., Lee, J. K., Lee, H., Carter, J. E., Chang, J. W., Oh, W., Yang, Y. S., Suh, J.-G., Lee, B.-H., Jin, H. K., & Bae, J. (2012). Human umbilical cord blood-derived mesenchymal stem cells improve neuropathology and cognitive impairment in an Alzheimer's disease mouse model through modulation of neuroinflammation. *Neurobiology of Aging*, 33(3), 588-602. https://doi.org/10.1016/j.neurobiolaging.2010.03.024

Lieber, R. L., Jacks, T. M., Mohler, R. L., Schleim, K., Haven, M., Cuizon, D., Gershuni, D. H., Lopez, M. A., Hora, D., Nargund, R., Feeney, W., & Hickey, G. J. (1998). Growth hormone secretagogue increases muscle strength during remobilization after canine hindlimb immobilization. *Journal of Orthopaedic Research*, 15(4), 519-527. https://doi.org/10.1002/jor.1100150407

Tosatto, L., Horrocks, M. H., Dear, A. J., Knowles, T. P. J., Dalla Serra, M., Cremades, N., Dobson, C. M., & Klenerman, D. (2015). Single-molecule FRET studies on alpha-synuclein oligomerization of Parkinson's disease genetically related mutants. *Scientific Reports*, 5, 16696.

Boulkedid, R., Abdoul, H., Loustau, M., Sibony, O., & Alberti, C. (2011). Using and reporting the Delphi method for selecting healthcare quality indicators: A systematic review. *PLoS ONE*, 6(6), e20476.

Zed, Q., & Ypsilon, R. (2021). Raw measurements of hindlimb strength in dogs [Data set]. Zenodo. https://doi.org/10.5281/zenodo.4567890

Doe, J. (2019). A paper whose DOI was never registered. *Journal of Nothing*, 1(1), 1-2. https://doi.org/10.1234/never.registered.2019

Nobody, A. (2012). Microglia in the garden: an entirely unrelated treatise. *Falconry Quarterly*, 3, 1-10.

Xu, J., Qu, S., Sun, N., Zhang, W., Zhang, J., Song, Q., Lin, M., Gao, W., Zheng, Q., Han, M., Na, C., Xu, R., Chang, X., Yang, X., & Huang, J. (2020). Construction of a reference material panel for detecting KRAS/NRAS/EGFR/BRAF/MET mutations in plasma ctDNA. *Journal of Clinical Pathology*, 74(5), 314-320. https://doi.org/10.1136/jclinpath-2020-206745

Iwasa, S., Okita, N., Kuchiba, A., Ogawa, G., Kawasaki, M., Nakamura, K., Shoji, H., Honma, Y., Takashima, A., Kato, K., Hamaguchi, T., Boku, N., & Yamada, Y. (2020). Phase II study of lenvatinib for metastatic colorectal cancer refractory to standard chemotherapy: the LEMON study (NCCH1503). *ESMO Open*, 5(4), e000776.
"""

# what each reference is, when nothing goes wrong
EXPECTED = {
    "r1": "verified", "r2": "verified", "r3": "mismatch",  # printed 1998, the record says 1997
    "r4": "verified", "r5": "verified",  # found by search
    "r6": "other-agency", "r7": "doi-not-found", "r8": "not-found",
    "r9": "verified", "r10": "verified",
}
TOSATTO, BOULKEDID = "Single-molecule FRET", "Delphi method"  # in the search text of r4, r5


@pytest.fixture
def manuscript():
    m = read_text(MANUSCRIPT, "paper.md")
    assert [r.id for r in m.references] == list(EXPECTED)
    return m


@pytest.fixture
def server():
    fake = FakeCrossref(RECORDS, agencies=AGENCIES, lookup=Limits(50, 1.0, 5), search=Limits(50, 1.0, 5))
    with fake:
        yield fake


def make_client(url: str, session=None, **options) -> CrossrefClient:
    options.setdefault("timeout", (0.5, 1.0))
    options.setdefault("backoff", 0.05)
    return CrossrefClient(session if session is not None else requests.Session(), base_url=url, mailto=MAILTO, **options)


def statuses(result) -> dict[str, str]:
    return {m.reference: m.status for m in result.matches}


def by_id(result) -> dict:
    return {m.reference: m for m in result.matches}


def assert_nothing_lost(manuscript, result) -> None:
    """One final Match per work, in order; every unverified one says why; at most one note."""
    assert [m.reference for m in result.matches] == [r.id for r in manuscript.references]
    for match in result.matches:
        assert match.status in FINAL, match
        if match.status == "unverified":
            assert match.evidence.strip(), match
    unverified = [m for m in result.matches if m.status == "unverified"]
    crossref_notes = [n for n in result.notes if "not verified against Crossref" in n]
    assert len(crossref_notes) == (1 if unverified else 0), result.notes
    if unverified:
        assert crossref_notes[0].startswith(f"{len(unverified)} of {len(result.matches)} references")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:])]


class ClockedSession(requests.Session):
    """A plain session that notes the fake clock's time of every request it sends. With the fake
    clock as the client's clock and sleep, the waits asked for are exact and take no time, on any
    machine, loaded or not (tests/timing.py)."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock, self.sent = clock, []

    def get(self, *args, **kwargs):
        self.sent.append(self.clock())
        return super().get(*args, **kwargs)


def clocked_client(url: str, **options) -> tuple[CrossrefClient, ClockedSession]:
    clock = FakeClock()
    session = ClockedSession(clock)
    return make_client(url, session, clock=clock, sleep=clock.sleep, **options), session


# --- the normal case and nothing lost ------------------------------------------------------------


def test_every_reference_gets_its_expected_status(server, manuscript):
    client = make_client(server.url)
    result = enrich(manuscript, client)
    assert statuses(result) == EXPECTED
    matches = by_id(result)
    assert matches["r3"].differences == (("year", "1998", "1997"),)
    assert matches["r4"].via == "search" and matches["r4"].work.doi == "10.1038/srep16696"
    assert "candidates" in matches["r8"].evidence
    assert result.notes == () and client.down is None
    assert client.stats.errors == 0 and server.throttled == 0
    # 7 DOIs in one batch; r6 and r7 each cost a work look-up and an agency look-up; 4 searches
    assert server.count("lookup") == 5 and server.count("search") == 4


FAULTS = {
    "none": [],
    "every-search-500": [dict(kind="status", status=500, times=None, when=lambda s: s.pool == "search")],
    "malformed-batch": [dict(kind="malformed", times=1, when=lambda s: "filter" in s.query)],
    "truncated-everything": [dict(kind="truncate", times=None)],
    "429-then-fine": [dict(kind="status", status=429, headers={"Retry-After": "0"}, times=3)],
    "503-on-agency": [dict(kind="status", status=503, times=None, when="/agency")],
    "hang-on-a-search": [dict(kind="hang", times=1, when=TOSATTO)],
    "malformed-and-truncated-searches": [dict(kind="malformed", when=TOSATTO), dict(kind="truncate", when=BOULKEDID)],
}


@pytest.mark.parametrize("name", FAULTS)
def test_nothing_lost(server, manuscript, name):
    """Whatever goes wrong, every work ends with a final Match and no exception escapes enrich."""
    for fault in FAULTS[name]:
        server.fault(**fault)
    client = make_client(server.url, retries=1)
    result = enrich(manuscript, client)
    assert_nothing_lost(manuscript, result)
    if name == "none":
        assert statuses(result) == EXPECTED
    else:
        assert any(m.status != "unverified" for m in result.matches) or client.down


def test_user_agent_carries_the_contact_and_urls_do_not(server, manuscript):
    enrich(manuscript, make_client(server.url))
    assert server.requests
    for seen in server.requests:
        assert f"mailto:{MAILTO}" in seen.headers["user-agent"]
        assert seen.headers["user-agent"].startswith("refcheck/")
        assert MAILTO not in seen.raw_path and "mailto" not in seen.raw_path
        assert "mailto" not in seen.query


# --- 429 -------------------------------------------------------------------------------------------


def test_429_with_retry_after_waits_that_long_then_succeeds(server):
    server.fault("status", 429, headers={"Retry-After": "1"})
    client, session = clocked_client(server.url)
    work = client.work("10.1371/journal.pone.0033693")
    assert work is not None and work.page == "e33693"
    assert server.statuses() == [429, 200]
    [wait] = gaps(session.sent)
    assert wait == pytest.approx(1.0, abs=1e-6)
    assert (client.stats.asked, client.stats.requests, client.stats.throttled, client.stats.retries) == (1, 2, 1, 1)


def test_429_with_an_http_date_retry_after(server):
    server.fault("status", 429, headers={"Retry-After": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 2))})
    client, session = clocked_client(server.url)
    assert client.work("10.1371/journal.pone.0033693") is not None
    [wait] = gaps(session.sent)
    assert 0.9 <= wait <= 2.0  # the date (2 s from when it was written) has whole-second precision


def test_429_without_retry_after_backs_off_exponentially(server):
    client, session = clocked_client(server.url, backoff=0.2)
    for _ in range(30):  # learn the server's (fast) rate; 3 errors in 33 requests stay within budget
        assert client.work("10.1371/journal.pone.0033693") is not None
    server.fault("status", 429, times=3)
    assert client.work("10.1371/journal.pone.0033693") is not None
    assert server.statuses()[30:] == [429, 429, 429, 200]
    assert gaps(session.sent[30:]) == pytest.approx([0.2, 0.4, 0.8], abs=1e-6)
    assert (client.stats.throttled, client.stats.retries) == (3, 3)
    assert client.down is None


def test_retries_are_not_cut_short_by_the_error_budget(server):
    server.fault("status", 429, headers={"Retry-After": "0"}, times=3)
    client = make_client(server.url, retries=4)
    assert client.work("10.1371/journal.pone.0033693") is not None
    assert client.down is None and server.statuses() == [429, 429, 429, 200]


# --- 5xx -------------------------------------------------------------------------------------------


def test_500_and_503_are_retried_then_succeed(server):
    server.fault("status", 500)
    server.fault("status", 503)
    client = make_client(server.url, backoff=0.05)
    results = client.search("Tosatto 2015 Single-molecule FRET studies on alpha-synuclein Scientific Reports 5 16696")
    assert results and results[0].doi == "10.1038/srep16696"
    assert server.statuses() == [500, 503, 200]
    assert (client.stats.requests, client.stats.retries, client.stats.throttled) == (3, 2, 0)
    assert client.down is None


def test_persistent_500_leaves_that_reference_unverified_and_the_run_finishes(server, manuscript):
    server.fault("status", 500, times=None, when=TOSATTO)
    client = make_client(server.url, retries=1)
    result = enrich(manuscript, client)
    assert statuses(result) == {**EXPECTED, "r4": "unverified"}
    assert by_id(result)["r4"].evidence == "HTTP 500 after 2 attempts"
    assert client.down is None
    assert result.notes == ("1 of 10 references were not verified against Crossref: HTTP 500 after 2 attempts",)
    assert server.count(path="/works") and sum(1 for s in server.requests if s.status == 500) == 2


def test_one_persistently_failing_reference_does_not_end_online_work(server, manuscript):
    server.fault("status", 500, times=None, when=TOSATTO)
    client = make_client(server.url, backoff=0.01)  # default retries
    result = enrich(manuscript, client)
    assert client.down is None
    assert statuses(result) == {**EXPECTED, "r4": "unverified"}


# --- unreadable answers ------------------------------------------------------------------------------


def test_malformed_json_leaves_that_reference_unverified(server, manuscript):
    server.fault("malformed", when=BOULKEDID)
    client = make_client(server.url)
    result = enrich(manuscript, client)
    assert statuses(result) == {**EXPECTED, "r5": "unverified"}
    assert by_id(result)["r5"].evidence == "an unreadable answer (JSONDecodeError)"
    assert client.stats.failed == 1 and client.down is None
    assert len(result.notes) == 1 and "1 of 10" in result.notes[0] and "unreadable" in result.notes[0]


def test_truncated_body_leaves_that_reference_unverified(server, manuscript):
    server.fault("truncate", when=TOSATTO)
    client = make_client(server.url)
    result = enrich(manuscript, client)
    assert statuses(result) == {**EXPECTED, "r4": "unverified"}
    assert by_id(result)["r4"].evidence  # the requests exception's name
    assert client.stats.failed == 1 and client.down is None
    assert [s.fault for s in server.requests].count("truncate") == 1


def test_a_truncated_work_answer_is_a_failed_request(server):
    server.fault("truncate", when="/works/10.1371")
    client = make_client(server.url)
    with pytest.raises(RequestFailed):
        client.work("10.1371/journal.pone.0033693")
    assert client.work("10.1016/j.neurobiolaging.2010.03.024").volume == "33"  # the next one is fine


def test_a_malformed_batch_leaves_its_dois_unverified_and_searches_go_on(server, manuscript):
    server.fault("malformed", when=lambda s: "filter" in s.query)
    client = make_client(server.url)
    result = enrich(manuscript, client)
    got = statuses(result)
    with_doi = [r.id for r in manuscript.references if r.doi]
    assert {got[r] for r in with_doi} == {"unverified"}
    assert {k: v for k, v in got.items() if k not in with_doi} == {k: v for k, v in EXPECTED.items() if k not in with_doi}
    assert client.down is None


# --- no answer at all ------------------------------------------------------------------------------


@pytest.mark.timeout(300)  # a hang guard only (tests/timing.py): a loaded machine runs these several times slower
def test_a_server_that_never_answers_ends_the_run_within_seconds(server, manuscript):
    server.fault("hang", times=None)
    client = make_client(server.url, timeout=(0.5, 1.0))
    result = enrich(manuscript, client)
    assert client.down and "did not answer in time" in client.down
    assert (client.stats.requests, client.stats.errors, client.stats.retries) == (1, 1, 0)  # one timeout waited for
    assert set(statuses(result).values()) == {"unverified"}
    assert all(m.evidence == client.down for m in result.matches)
    assert result.notes == (f"10 of 10 references were not verified against Crossref: {client.down}",)
    assert server.count() == 1  # one timeout, then no more asking


@pytest.mark.timeout(300)  # a hang guard only (tests/timing.py): a loaded machine runs these several times slower
@pytest.mark.parametrize("where", ["closed-port", "port-1"])
def test_no_network_ends_online_work_at_the_first_failure(manuscript, where):
    url = f"http://127.0.0.1:{closed_port()}" if where == "closed-port" else "http://127.0.0.1:1"
    client = make_client(url)
    result = enrich(manuscript, client)
    assert client.down and "refused" in client.down
    assert (client.stats.requests, client.stats.retries) == (1, 0)  # nothing retried, nothing waited for
    assert set(statuses(result).values()) == {"unverified"}
    assert len(result.notes) == 1 and result.notes[0].startswith("10 of 10 references were not verified")
    with pytest.raises(Unavailable):
        client.work("10.1371/journal.pone.0033693")
    assert client.stats.requests == 1


# --- the error budget ------------------------------------------------------------------------------


SURNAMES = ["Smith", "Garcia", "Nguyen", "Okafor", "Schmidt", "Rossi", "Kowalski", "Tanaka", "Silva", "Hansen", "Dubois", "Haddad"]


def _searches_only(n: int):
    """A manuscript of ``n`` distinct, complete references without DOIs (each one search)."""
    refs = "\n\n".join(
        f"{SURNAMES[i % len(SURNAMES)]}, {chr(65 + i % 26)}. ({1990 + i % 30}). Effects of light on growth in "
        f"barley: field study {i + 1}. *Journal of Field Studies*, {i + 1}, {10 * i + 1}-{10 * i + 9}."
        for i in range(n)
    )
    m = read_text(f"# T\n\n## References\n\n{refs}\n", "many.md")
    assert len(m.references) == n and all(r.authors and r.year and r.title for r in m.references)
    return m


def test_error_budget_ends_online_work_and_stops_the_requests(server):
    server.limits["search"] = Limits(50, 1.0, 1)
    server.fault("malformed", times=None)
    manuscript = _searches_only(30)
    client = make_client(server.url)
    result = enrich(manuscript, client)
    assert re.search(rf"\b{ERROR_FLOOR} of \d+ requests", client.down or "")
    assert server.count() < ERROR_FLOOR + client.threads  # far fewer than the 30 searches
    assert_nothing_lost(manuscript, result)
    assert set(statuses(result).values()) == {"unverified"}
    assert client.down in result.notes[0]


def test_no_request_is_sent_once_online_work_has_ended(server):
    server.limits["search"] = Limits(50, 1.0, 1)
    server.fault("malformed", times=None)
    client = make_client(server.url)
    enrich(_searches_only(30), client)
    assert client.down
    # the third error trips the budget; with one search in flight at a time at most one more may
    # have started before it was counted (threads already waiting for a slot must not send)
    assert server.count() <= ERROR_FLOOR + 1


def test_error_budget_is_ten_percent_of_requests(server):
    client = make_client(server.url)
    for _ in range(30):
        assert client.work("10.1371/journal.pone.0033693") is not None
    server.fault("malformed", times=None)
    for n in range(1, 4):  # 3 errors in 33 requests: not above 10%
        with pytest.raises(RequestFailed):
            client.work("10.1371/journal.pone.0033693")
        assert client.down is None, n
    with pytest.raises(RequestFailed):  # the 4th in 34 is
        client.work("10.1371/journal.pone.0033693")
    assert re.search(r"\b4 of 34 requests", client.down or "")
    with pytest.raises(Unavailable):
        client.work("10.1371/journal.pone.0033693")
    assert server.count() == 34 and client.stats.requests == 34


# --- following the announced limits -----------------------------------------------------------------


@pytest.mark.timeout(300)  # a hang guard only (tests/timing.py): a loaded machine runs these several times slower
def test_rate_limit_headers_changing_mid_run_are_followed(server):
    server.limits["lookup"] = Limits(20, 1.0, 1)
    server.change_limits(after=4, pool="lookup", limit=4, interval=1.0)  # from 20/s to 4/s
    slept = []

    def sleep(seconds: float) -> None:  # the server enforces its limits in real time, so the waits are real
        slept.append(seconds)
        time.sleep(seconds)

    sent = []

    class Clocked(requests.Session):  # when each request leaves the client: its pacing, which a busy
        def send(self, request, **kwargs):  # server's arrival times blur (a late arrival shortens the next gap)
            sent.append(time.monotonic())
            return super().send(request, **kwargs)

    client = make_client(server.url, session=Clocked(), sleep=sleep)
    for _ in range(12):
        assert client.work("10.1371/journal.pone.0033693") is not None
    assert server.throttled == 0 and set(server.statuses()) == {200}
    assert (client.limits["lookup"].limit, client.limits["lookup"].interval) == (4, 1.0)
    after = gaps(sent[4:])
    assert min(after) >= 0.24, after  # spaced at 95% of 4/s: 0.263 s (a busy machine only widens the gaps)
    # ... and not slower than that: the waits it asked for add up to no more than the spacing
    # (a busy machine only shortens them), 4 gaps at 95% of 20/s and 8 at 95% of 4/s
    assert sum(slept) <= 4 / (20 * 0.95) + 8 / (4 * 0.95) + 0.05, sum(slept)


def test_ignoring_a_lowered_limit_would_be_throttled(server):
    """The control for the test above: the server really enforces the new limit."""
    server.limits["lookup"] = Limits(20, 1.0, 1)
    server.change_limits(after=1, pool="lookup", limit=2, interval=1.0)
    session = requests.Session()
    for _ in range(5):
        session.get(f"{server.url}/works/10.1371/journal.pone.0033693")
    assert server.throttled >= 2


@pytest.mark.timeout(300)  # a hang guard only (tests/timing.py): a loaded machine runs these several times slower
def test_concurrency_limit_is_followed_and_used(manuscript):
    search_heavy = _searches_only(12)
    with FakeCrossref(RECORDS, search=Limits(50, 1.0, 2), latency=0.15) as fake:
        client = make_client(fake.url)
        result = enrich(search_heavy, client)
    assert_nothing_lost(search_heavy, result)
    assert fake.over_concurrency == 0 and fake.throttled == 0
    assert fake.max_in_flight["search"] == 2  # two at once, as announced, never three


# --- agencies ------------------------------------------------------------------------------------------


def test_a_datacite_doi_is_other_agency(server):
    m = read_text("# T\n\n## References\n\nZed, Q. (2021). Raw data [Data set]. Zenodo. https://doi.org/10.5281/zenodo.4567890\n", "d.md")
    result = enrich(m, make_client(server.url))
    [match] = result.matches
    assert match.status == "other-agency" and "DataCite" in match.evidence
    assert [s.path for s in server.requests][1:] == ["/works/10.5281/zenodo.4567890", "/works/10.5281/zenodo.4567890/agency"]


def test_an_agency_404_is_doi_not_found(server):
    m = read_text("# T\n\n## References\n\nDoe, J. (2019). Nothing. *J*, 1, 1-2. https://doi.org/10.1234/never.registered.2019\n", "d.md")
    result = enrich(m, make_client(server.url))
    [match] = result.matches
    assert match.status == "doi-not-found"
    assert server.requests[-1].path == "/works/10.1234/never.registered.2019/agency" and server.requests[-1].status == 404


def test_a_doi_crossref_knows_is_not_sent_to_the_agency_route(server, manuscript):
    enrich(manuscript, make_client(server.url))
    asked = {s.doi for s in server.requests if s.path.endswith("/agency")}
    assert asked == {"10.5281/zenodo.4567890", "10.1234/never.registered.2019"}


# --- the cache ------------------------------------------------------------------------------------------


def test_a_warm_cache_makes_no_requests(server, manuscript, tmp_path):
    cache = tmp_path / "c.sqlite"
    first = make_client(server.url, make_session(cache))
    cold = enrich(manuscript, first)
    sent = server.count()
    assert sent == 9 and statuses(cold) == EXPECTED
    second = make_client(server.url, make_session(cache))
    warm = enrich(manuscript, second)
    assert server.count() == sent  # nothing new reached the server
    assert second.stats.requests == 0 and second.stats.cached == sent
    assert warm.matches == cold.matches


def test_404_answers_are_cached(server, tmp_path):
    cache = tmp_path / "c.sqlite"
    client = make_client(server.url, make_session(cache))
    assert client.work("10.1234/never.registered.2019") is None
    assert client.agency("10.1234/never.registered.2019") is None
    again = make_client(server.url, make_session(cache))
    assert again.work("10.1234/never.registered.2019") is None
    assert again.agency("10.1234/never.registered.2019") is None
    assert server.count() == 2 and again.stats.requests == 0 and again.stats.cached == 2


def test_failures_are_not_cached(server, tmp_path):
    cache = tmp_path / "c.sqlite"
    server.fault("status", 500, times=None, when="/works/10.1371")
    client = make_client(server.url, make_session(cache), retries=0)
    with pytest.raises(RequestFailed):
        client.work("10.1371/journal.pone.0033693")
    server.faults.clear()
    again = make_client(server.url, make_session(cache))
    assert again.work("10.1371/journal.pone.0033693") is not None
    assert again.stats.requests == 1


def test_the_contact_address_is_not_stored_in_the_cache(server, tmp_path):
    cache = tmp_path / "c.sqlite"
    client = make_client(server.url, make_session(cache))
    assert client.work("10.1371/journal.pone.0033693") is not None
    assert MAILTO in server.requests[0].headers["user-agent"]
    assert all(MAILTO.encode() not in f.read_bytes() for f in tmp_path.iterdir())  # the database and any journal


@pytest.mark.timeout(300)  # a hang guard only (tests/timing.py): a loaded machine runs these several times slower
def test_expired_answers_are_served_when_the_server_is_gone(server, manuscript, tmp_path):
    cache = tmp_path / "c.sqlite"
    cold = enrich(manuscript, make_client(server.url, make_session(cache, expire_days=1 / 86400)))
    assert statuses(cold) == EXPECTED
    time.sleep(1.2)  # every stored answer is now expired
    server.stop()
    client = make_client(server.url, make_session(cache, expire_days=1 / 86400))
    stale = enrich(manuscript, client)
    assert (client.stats.requests, client.stats.retries) == (1, 0)  # one refused connection, then the cache alone
    assert statuses(stale) == EXPECTED
    assert stale.notes == ()


@pytest.mark.timeout(300)  # a hang guard only (tests/timing.py)
def test_expired_cache_and_a_hanging_server_still_end_within_seconds(server, tmp_path):
    few = read_text(MANUSCRIPT.split("Zed, Q.")[0], "few.md")  # r1-r5: one batch and two searches
    assert [r.id for r in few.references] == ["r1", "r2", "r3", "r4", "r5"]
    cache = tmp_path / "c.sqlite"
    enrich(few, make_client(server.url, make_session(cache, expire_days=1 / 86400)))
    time.sleep(1.2)
    server.fault("hang", times=None)
    client = make_client(server.url, make_session(cache, expire_days=1 / 86400), timeout=(0.5, 1.0))
    asked_before = server.count()
    stale = enrich(few, client)
    assert statuses(stale) == {k: EXPECTED[k] for k in ("r1", "r2", "r3", "r4", "r5")}  # stale answers served ...
    assert server.count() - asked_before == 1 and client.stats.errors == 1  # ... after one timeout, not one per question
    assert client.down


@pytest.mark.parametrize("status", [429, 500])
def test_an_error_while_refreshing_an_expired_answer_does_not_end_online_work(server, tmp_path, status):
    """A 429 (or one 500) answered for an expired cache entry is the server talking, not the
    network gone: the client retries, and the next, uncached, question still goes online."""
    cache = tmp_path / "c.sqlite"
    assert make_client(server.url, make_session(cache, expire_days=1 / 86400)).work("10.1371/journal.pone.0033693")
    time.sleep(1.2)  # expired
    server.fault("status", status, headers={"Retry-After": "0"}, when="/works/10.1371")
    client = make_client(server.url, make_session(cache, expire_days=1 / 86400))
    assert client.work("10.1371/journal.pone.0033693").page == "e33693"
    assert client.down is None
    assert client.work("10.1016/j.neurobiolaging.2010.03.024").volume == "33"  # not in the cache
    assert server.statuses()[1:] == [status, 200, 200]  # retried, then asked online
