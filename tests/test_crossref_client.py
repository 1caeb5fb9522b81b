"""The Crossref client's pure parts on real recorded responses: parsing, URLs, pacing headers.

``../shared/fixtures/*.json`` are single decoded responses; ``crossref-recorded/**.yaml`` are
vcrpy cassettes habanero recorded against the live API (June 2026). Everything goes through
the client's own ``parse_work`` / ``parse_items`` / ``parse_message`` / ``parse_agency``.
"""

from __future__ import annotations

import functools
import json
import threading
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from requests.structures import CaseInsensitiveDict

from refcheck.crossref.client import (
    API,
    BATCH,
    RATE_MARGIN,
    CrossrefClient,
    RateLimit,
    RequestFailed,
    agency_url,
    batch_url,
    batchable,
    parse_agency,
    parse_items,
    parse_message,
    parse_work,
    retry_after,
    search_url,
    user_agent,
    work_url,
)
from refcheck.crossref.match import differences
from refcheck.model import Name, Reference
from tests.conftest import SHARED

try:
    from tests.crossref_server import load_cassette
except ImportError:  # run with tests/ on sys.path
    from crossref_server import load_cassette

FIXTURES = SHARED / "fixtures"
RECORDED = FIXTURES / "crossref-recorded"
MAILTO = "editor@example.org"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def body_of(data: dict) -> bytes:
    """The response body as the wire carried it (JSON envelope, or the raw text body)."""
    body = data["body"]
    return body["_raw_body"].encode() if "_raw_body" in body else json.dumps(body).encode()


def headers_of(data: dict) -> CaseInsensitiveDict:
    return CaseInsensitiveDict({k: v[0] if isinstance(v, list) else v for k, v in data["response_headers"].items()})


@functools.cache
def _load(path: Path):
    return tuple(load_cassette(path))


def cassette(path: str):
    return _load(RECORDED / path)


def recorded_work(doi: str):
    for path in sorted(RECORDED.rglob("*.yaml")):
        for r in _load(path):
            if r.status == 200 and r.uri.lower().endswith("/works/" + doi.lower()):
                return parse_work(parse_message(r.body))
    raise LookupError(doi)


# --- single works ------------------------------------------------------------------------------


def test_pone_work_fields_and_its_correction():
    work = parse_work(parse_message(body_of(fixture("works_doi_200_pone.0033693.json"))))
    assert work.doi == "10.1371/journal.pone.0033693"
    assert work.title == "Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of Microglia in the Basal Ganglia of Mice"
    assert work.authors == (
        Name("Sadasivan", "Shankar"), Name("Pond", "Brooks B."), Name("Pani", "Amar K."),
        Name("Qu", "Chunxu"), Name("Jiao", "Yun"), Name("Smeyne", "Richard J."),
    )
    assert (work.year, work.container_title, work.volume, work.issue, work.page) == ("2012", "PLoS ONE", "7", "3", "e33693")
    assert work.type == "journal-article"
    assert work.article_number is None
    # updated-by: the correction notice published on 2012-05-08
    assert work.updates == (("correction", "publisher", "10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda"),)
    assert work.relations == ()


def test_cassette_work_is_the_same_as_the_fixture():
    [recorded] = [r for r in cassette("test-works/test_works_with_one_id.yaml") if r.status == 200]
    assert parse_work(parse_message(recorded.body)) == parse_work(parse_message(body_of(fixture("works_doi_200_pone.0033693.json"))))


def test_journal_article_with_pages_and_a_review_relation():
    work = recorded_work("10.1016/j.neurobiolaging.2010.03.024")
    assert work.title.startswith("Human umbilical cord blood-derived mesenchymal stem cells improve neuropathology")
    assert len(work.authors) == 11
    assert work.authors[0] == Name("Lee", "Hyun Ju") and work.authors[-1] == Name("Bae", "Jae-sung")
    assert (work.year, work.container_title, work.volume, work.issue, work.page) == ("2012", "Neurobiology of Aging", "33", "3", "588-602")
    assert work.relations == (("has-review", "10.3410/f.3904957.3650055"),)
    assert work.updates == ()


def test_article_number_without_pages():
    work = recorded_work("10.1038/srep16696")
    assert work.page is None and work.article_number == "16696"
    assert work.authors[4] == Name("Dalla Serra", "Mauro")  # a two-word surname stays whole
    assert work.title == "Single-molecule FRET studies on alpha-synuclein oligomerization of Parkinson’s disease genetically related mutants"


def test_elocator_in_both_page_and_article_number():
    work = recorded_work("10.1136/esmoopen-2020-000776")
    assert (work.page, work.article_number, work.volume, work.issue, work.year) == ("e000776", "e000776", "5", "4", "2020")
    assert work.container_title == "ESMO Open"


def test_title_markup_is_kept_raw_and_matching_sees_through_it():
    work = recorded_work("10.1136/jclinpath-2020-206745")
    assert "<i>KRAS</i>" in work.title  # parse_work keeps the record as it is ...
    printed = Reference("r1", None, "", authors=(Name("Xu", "J."),), year="2020", volume="74", page="314-320",
                        title="Construction of a reference material panel for detecting KRAS/NRAS/EGFR/BRAF/MET mutations in plasma ctDNA",
                        container_title="Journal of Clinical Pathology")
    assert differences(printed, work) == ()  # ... and the comparison cleans it


def test_author_without_given_name_and_missing_locators():
    work = recorded_work("10.3892/ijo_00000353")
    assert work.authors == (Name("Stravopodis", ""),)
    assert (work.volume, work.issue, work.page, work.year) == (None, None, None, "2009")


def test_a_record_without_publication_date_has_no_year():
    work = recorded_work("10.1109/icdcsw.2003.1203662")  # issued [[null]]; created 2004-06-22 (the deposit)
    assert work.page == "877-882" and work.type == "proceedings-article"
    assert work.year is None
    printed = Reference("r1", None, "", authors=(Name("Arya", "V."),), year="2003", page="877-882",
                        title="Accurate and explicit differentiation of wireless and congestion losses")
    assert differences(printed, work) == ()


def test_every_recorded_work_parses():
    """Every 200 JSON answer about works in the cassettes: one work or a list, each with a DOI."""
    count = 0
    for path in sorted(RECORDED.rglob("*.yaml")):
        for r in _load(path):
            if r.status != 200 or "/works" not in r.uri or "/transform" in r.uri or "/agency" in r.uri:
                continue
            message = parse_message(r.body)
            works = parse_items(r.body) if "items" in message else [parse_work(message)]
            for work in works:
                assert work.doi.startswith("10."), (path.name, work)
                count += 1
    assert count > 100


# --- lists -------------------------------------------------------------------------------------


def test_search_results_keep_order_score_and_type():
    [r] = cassette("test-works/test_works_query.yaml")
    works = parse_items(r.body)
    assert [w.doi for w in works] == ["10.1093/obo/9780199830060-0238", "10.1093/obo/9780199830060-0023"]
    assert works[0].title == "Communicating Ecology" and works[0].authors == () and works[0].year == "2022"
    assert works[1].authors == (Name("Kessler", "André"),)
    assert works[0].type == "reference-entry" and works[0].score == pytest.approx(11.044969)


def test_field_query_results():
    [r] = cassette("test-works/test_works_field_queries.yaml")
    works = parse_items(r.body)
    assert len(works) == 20
    first = works[0]
    assert (first.doi, first.title, first.container_title, first.volume, first.issue, first.page, first.year) == (
        "10.1111/ele.14024", "The forecast trap", "Ecology Letters", "25", "7", "1655-1664", "2022")
    assert all(w.authors and any(a.family == "Boettiger" for a in w.authors) for w in works[:3])


def test_select_answer_has_only_doi_and_title():
    works = parse_items(body_of(fixture("works_select_DOI_title_polite.json")))
    assert len(works) == 20
    assert works[0].doi == "10.1093/obo/9780199830060-0238" and works[0].title == "Communicating Ecology"
    assert all(w.authors == () and w.year is None and w.container_title is None for w in works)


def test_several_container_titles_and_entities_kept():
    sample = parse_items(cassette("test-random_dois/test_random_dois_sample_param.yaml")[0].body)
    [spie] = [w for w in sample if w.doi == "10.1117/12.2214605"]
    assert spie.container_titles == ("SPIE Proceedings", "Optical Coherence Tomography and Coherence Domain Optical Methods in Biomedicine XX")
    assert spie.container_title == "SPIE Proceedings" and spie.page == "96973B" and spie.type == "proceedings-article"
    [chapter] = [w for w in sample if w.type == "book-chapter"]
    assert chapter.container_title == "Progress in Colloid &amp; Polymer Science"  # entities are matching's business


def test_items_skip_what_is_not_a_work():
    body = json.dumps({"status": "ok", "message": {"items": [{"DOI": "10.1/a", "title": ["A"]}, "junk", None, {"DOI": "10.1/b"}]}})
    assert [w.doi for w in parse_items(body)] == ["10.1/a", "10.1/b"]


# --- agencies ----------------------------------------------------------------------------------


def test_agency_answers():
    assert parse_agency(body_of(fixture("agency_200.json"))) == "crossref"
    [r] = cassette("test-registration_agency/test_registration_agency.yaml")
    assert parse_agency(r.body) == "crossref"
    datacite = {"status": "ok", "message-type": "work-agency", "message": {"DOI": "10.5281/zenodo.1", "agency": {"id": "DataCite", "label": "DataCite"}}}
    assert parse_agency(json.dumps(datacite)) == "datacite"
    assert parse_agency(json.dumps({"status": "ok", "message": {"DOI": "10.1/x"}})) is None


def test_agency_404_is_plain_text():
    [r] = cassette("test-registration_agency/test_registration_agency_bad_request.yaml")
    assert r.status == 404 and r.body == b"Resource not found."
    with pytest.raises(ValueError):
        parse_agency(r.body)


# --- answers that are not a work ---------------------------------------------------------------


def test_404_plain_text_body_is_not_an_envelope():
    data = fixture("works_doi_404_text_plain.json")
    assert data["status"]["code"] == 404 and headers_of(data)["content-type"] == "text/plain"
    with pytest.raises(ValueError):
        parse_message(body_of(data))


def test_400_validation_failure_is_an_error():
    data = fixture("works_400_validation_failure.json")
    with pytest.raises(ValueError, match="failed"):
        parse_message(body_of(data))
    with pytest.raises(ValueError):
        parse_items(body_of(data))


@pytest.mark.parametrize("path", [
    "test-cursor/test_cursor_fails_cursor_value.yaml",  # a 404 JSON resource-failure
    "test-funders/test_funders_fail_limit.yaml",  # 400 validation failures
    "test-types/test_types_query_filters_not_allowed_with_typeid.yaml",
    "test-works/test_works_bad_id_warn.yaml",  # 404 text
])
def test_recorded_failures_raise_value_error(path):
    [r] = cassette(path)
    assert r.status in (400, 404)
    with pytest.raises(ValueError):
        parse_message(r.body)


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b'"ok"', b'{"status": "ok"}', b"<html>502 Bad Gateway</html>"])
def test_not_an_envelope_raises_value_error(body):
    with pytest.raises(ValueError):
        parse_message(body)


def test_a_single_work_is_not_a_list():
    with pytest.raises(ValueError, match="without items"):
        parse_items(body_of(fixture("works_doi_200_pone.0033693.json")))


# --- rate limit headers ------------------------------------------------------------------------


def test_public_pool_headers():
    limit = RateLimit()
    limit.update(headers_of(fixture("works_doi_200_pone.0033693.json")))
    assert (limit.limit, limit.interval, limit.concurrency) == (5, 1.0, 1)


def test_polite_pool_headers():
    data = fixture("works_select_DOI_title_polite.json")
    assert headers_of(data)["x-api-pool"] == "polite"
    limit = RateLimit()
    limit.update(headers_of(data))
    assert (limit.limit, limit.interval, limit.concurrency) == (10, 1.0, 3)


def test_recorded_pools_in_cassettes():
    limit = RateLimit()
    [polite] = cassette("test-works/test_works_query.yaml")
    limit.update(CaseInsensitiveDict(polite.headers))
    assert (limit.limit, limit.concurrency) == (10, 3)
    public = cassette("test-works/test_works_mixed_ids_warn.yaml")[1]  # the 404 carries them too
    assert public.status == 404
    limit.update(CaseInsensitiveDict(public.headers))
    assert (limit.limit, limit.interval, limit.concurrency) == (5, 1.0, 1)


def test_header_names_are_case_insensitive_and_intervals_parsed():
    limit = RateLimit()
    limit.update(CaseInsensitiveDict({"X-Rate-Limit-Limit": "50", "X-Rate-Limit-Interval": "500ms", "X-Concurrency-Limit": "4"}))
    assert (limit.limit, limit.interval, limit.concurrency) == (50, 0.5, 4)
    limit.update({"x-rate-limit-interval": "1m"})
    assert limit.interval == 60


@pytest.mark.parametrize("bad", [
    {"x-rate-limit-limit": "0", "x-rate-limit-interval": "0s", "x-concurrency-limit": "0"},
    {"x-rate-limit-limit": "-5", "x-rate-limit-interval": "soon", "x-concurrency-limit": "many"},
    {},
])
def test_nonsense_headers_keep_the_previous_limits(bad):
    limit = RateLimit()
    limit.update({"x-rate-limit-limit": "10", "x-rate-limit-interval": "1s", "x-concurrency-limit": "3"})
    limit.update(bad)
    assert (limit.limit, limit.interval, limit.concurrency) == (10, 1.0, 3)


class FakeClock:
    """A clock that moves only when slept on: waits are exact and instant (tests/timing.py)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_requests_are_spaced_at_95_percent_of_the_announced_rate():
    clock = FakeClock()
    limit = RateLimit(clock=clock, sleep=clock.sleep)
    limit.update(headers_of(fixture("works_select_DOI_title_polite.json")))  # 10 per 1 s
    starts = []
    for _ in range(11):
        limit.acquire()
        starts.append(clock.now)
        limit.release()
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert gaps == pytest.approx([1 / (10 * RATE_MARGIN)] * 10)
    assert starts[-1] - starts[0] > 1.0  # 11 requests never fit in one interval


def test_pause_delays_the_next_request():
    clock = FakeClock()
    limit = RateLimit(clock=clock, sleep=clock.sleep)
    limit.acquire()
    limit.release()
    limit.pause(2.0)
    before = len(clock.slept)
    limit.acquire()
    assert sum(clock.slept[before:]) == pytest.approx(2.0)  # in short steps, so a run that ends online work stops waiting


def test_a_queued_request_stops_waiting_once_online_work_has_ended():
    clock = FakeClock()
    limit = RateLimit(clock=clock, sleep=clock.sleep)
    limit.pause(30.0)
    limit.acquire(cancelled=lambda: len(clock.slept) >= 2)
    assert sum(clock.slept) < 1.0


def test_concurrency_limit_blocks_the_next_request():
    limit = RateLimit(limit=1000)
    limit.update({"x-concurrency-limit": "2"})
    limit.acquire()
    limit.acquire()
    third = threading.Thread(target=limit.acquire, daemon=True)
    third.start()
    third.join(0.3)
    assert third.is_alive()  # blocked: two in flight
    limit.release()
    third.join(1.0)
    assert not third.is_alive()


def test_retry_after_values():
    assert retry_after("3") == 3.0
    assert retry_after(" 0 ") == 0.0
    now = 1445412480.0  # Wed, 21 Oct 2015 07:28:00 GMT
    assert retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=now) == pytest.approx(30.0)
    assert retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now=now) == 0.0  # already past
    assert retry_after(None) is None and retry_after("") is None and retry_after("soon") is None


# --- URLs ----------------------------------------------------------------------------------------

ODD_DOIS = [
    "10.1002/(SICI)1097-4636(199812)43:4<387::AID-JBM5>3.0.CO;2-B",
    "10.1000/a#b?c=d&e",
    "10.1000/with space",
    "10.1000/100%pure",
    "10.1000/ünïcode–dash",
    "10.1000/a+b",
]


@pytest.mark.parametrize("doi", ODD_DOIS)
def test_work_url_keeps_odd_dois_in_the_path(doi):
    url = work_url(API, doi)
    parts = urlsplit(url)
    assert parts.query == "" and parts.fragment == ""  # '#', '?' and '&' did not escape the path
    assert unquote(parts.path) == "/works/" + doi
    assert " " not in url and all(ord(c) < 128 for c in url)
    assert unquote(urlsplit(agency_url(API, doi)).path) == f"/works/{doi}/agency"


def test_work_url_leaves_ordinary_dois_readable():
    assert work_url(API + "/", "10.1371/journal.pone.0033693") == "https://api.crossref.org/works/10.1371/journal.pone.0033693"
    assert agency_url("http://127.0.0.1:8080", "10.1126/science.169.3946.635") == "http://127.0.0.1:8080/works/10.1126/science.169.3946.635/agency"


def test_batch_url_filter():
    dois = ["10.1371/journal.pone.0033693", "10.1002/(SICI)1097-4636(199812)43:4<387::AID-JBM5>3.0.CO;2-B", "10.1000/a&b=c"]
    query = parse_qs(urlsplit(batch_url(API, dois)).query)
    assert query == {"filter": [",".join("doi:" + d for d in dois)], "rows": ["3"]}
    assert urlsplit(batch_url(API, dois)).path == "/works"


def test_batchable():
    assert batchable("10.1371/journal.pone.0033693")
    assert batchable("10.1002/(SICI)1097-4636(199812)43:4<387::AID-JBM5>3.0.CO;2-B")
    assert not batchable("10.1000/a,b")  # a comma would split the filter
    assert not batchable("10.1000/with space")
    assert not batchable("11.1000/x") and not batchable("10.12/x")


def test_search_url_sends_the_whole_reference():
    text = "Smith J & Lee K. 2019. Cells: a=b? #1. J Cell Sci 12:3–4. Müller"
    url = search_url(API, text)
    assert urlsplit(url).path == "/works"
    assert parse_qs(urlsplit(url).query) == {"query.bibliographic": [text], "rows": ["5"]}
    assert parse_qs(urlsplit(search_url(API, "x", rows=2)).query)["rows"] == ["2"]


def test_user_agent_contact():
    assert "mailto:" + MAILTO in user_agent(MAILTO)
    assert "mailto" not in user_agent(None)
    assert user_agent(None).startswith("refcheck/")


# --- the client over a recording session --------------------------------------------------------


class Canned:
    """A requests-like response."""

    def __init__(self, status: int, body: bytes, headers: dict) -> None:
        self.status_code, self.content, self.headers = status, body, CaseInsensitiveDict(headers)


class RecordingSession:
    """Answers from the recorded fixtures and keeps every call."""

    def __init__(self, answer) -> None:
        self.answer = answer
        self.calls: list[tuple[str, dict, object]] = []

    def get(self, url, headers=None, timeout=None, **kwargs):
        self.calls.append((url, dict(headers or {}), timeout))
        return self.answer(url)


def _fixture_answer(url: str) -> Canned:
    pone = fixture("works_doi_200_pone.0033693.json")
    polite = fixture("works_select_DOI_title_polite.json")
    missing = fixture("works_doi_404_text_plain.json")
    if url.endswith("/agency"):
        return Canned(200, body_of(fixture("agency_200.json")), headers_of(fixture("agency_200.json")))
    if "query.bibliographic" in url or "filter=" in url:
        return Canned(200, body_of(polite), headers_of(polite))
    if "pone.0033693" in url:
        return Canned(200, body_of(pone), headers_of(pone))
    if "bad-request" in url:
        data = fixture("works_400_validation_failure.json")
        return Canned(400, body_of(data), headers_of(data))
    return Canned(404, body_of(missing), headers_of(missing))


def test_mailto_goes_in_the_user_agent_only():
    session = RecordingSession(_fixture_answer)
    client = CrossrefClient(session, base_url="http://crossref.test", mailto=MAILTO, timeout=(0.5, 2.0), sleep=lambda s: None)
    client.work("10.1371/journal.pone.0033693")
    client.work("10.1371/notarealdoi")
    client.agency("10.1126/science.169.3946.635")
    client.works(["10.1/a", "10.2/b"])
    client.search("Sadasivan S 2012 Methylphenidate exposure PLoS ONE 7 e33693")
    assert len(session.calls) == 5
    for url, headers, timeout in session.calls:
        assert MAILTO not in unquote(url) and "mailto" not in url
        assert url.startswith("http://crossref.test/works")
        assert f"mailto:{MAILTO}" in headers["User-Agent"]
        assert headers["Accept"] == "application/json"
        assert timeout == (0.5, 2.0)


def test_client_reads_fixture_answers():
    session = RecordingSession(_fixture_answer)
    client = CrossrefClient(session, base_url="http://crossref.test", sleep=lambda s: None)
    work = client.work("10.1371/journal.pone.0033693")
    assert work.title.startswith("Methylphenidate Exposure") and work.updates[0][0] == "correction"
    assert (client.limits["lookup"].limit, client.limits["lookup"].concurrency) == (5, 1)  # public pool
    assert client.work("10.1371/notarealdoi") is None  # 404 text/plain: no such DOI, not an error
    assert client.agency("10.1126/science.169.3946.635") == "crossref"
    assert len(client.search("ecology")) == 20
    assert (client.limits["search"].limit, client.limits["search"].concurrency) == (10, 3)  # polite pool
    with pytest.raises(RequestFailed, match="400"):
        client.work("10.1000/bad-request")
    assert (client.stats.requests, client.stats.retries, client.stats.throttled) == (5, 0, 0)
    assert client.down is None


def test_works_are_batched_by_forty():
    session = RecordingSession(_fixture_answer)
    client = CrossrefClient(session, base_url="http://crossref.test", sleep=lambda s: None)
    dois = [f"10.5555/x{i}" for i in range(2 * BATCH + 5)]
    client.works(dois)
    assert len(session.calls) == 3
    rows = [int(parse_qs(urlsplit(url).query)["rows"][0]) for url, _, _ in session.calls]
    assert rows == [BATCH, BATCH, 5]
    sent = [d[4:] for url, _, _ in session.calls for d in parse_qs(urlsplit(url).query)["filter"][0].split(",")]
    assert sent == dois


def test_an_unreadable_200_is_a_failed_request_and_an_error():
    session = RecordingSession(lambda url: Canned(200, b'{"status":"ok","message":{', {}))
    client = CrossrefClient(session, base_url="http://crossref.test", sleep=lambda s: None)
    with pytest.raises(RequestFailed, match="unreadable"):
        client.work("10.1/x")
    assert client.stats.failed == 1 and client.down is None


def test_a_long_retry_after_ends_online_work_without_waiting():
    slept = []
    session = RecordingSession(lambda url: Canned(429, b"Too Many Requests", {"Retry-After": "3600"}))
    client = CrossrefClient(session, base_url="http://crossref.test", sleep=slept.append)
    from refcheck.crossref.client import Unavailable

    with pytest.raises(Unavailable, match="3600"):
        client.work("10.1/x")
    assert sum(slept) < 1  # the waits it asked for: none worth the name (sleep is recorded, not done)
    assert "3600" in client.down and client.stats.throttled == 1
    with pytest.raises(Unavailable):
        client.work("10.1/y")
    assert len(session.calls) == 1
