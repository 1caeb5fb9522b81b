"""One HTTP cache shared by many processes: a real ``redis-server``, and the SQLite file under contention.

The Redis tests start ``redis-server`` on a free loopback port (nothing saved to disk) and are
skipped, with the reason, where the binary is not installed (Debian: ``apt-get install
redis-server``). Crossref is the fake server of tests/crossref_server.py; what it saw is how
"asked once" is measured.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import time
from collections import Counter

import pytest

from refcheck.crossref.session import CacheUnavailable, make_session
from refcheck.enrich import enrich
from refcheck.readers import read_text
from tests.conftest import ROOT
from tests.crossref_server import FakeCrossref, Limits
from tests.redis_server import REDIS_SERVER, RedisServer, free_port
from tests.test_crossref_faults import AGENCIES, EXPECTED, MAILTO, MANUSCRIPT, RECORDS, make_client, statuses

needs_redis = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed (Debian: apt-get install redis-server)")


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture
def redis_url(redis_server):
    """The shared server, emptied for each test."""
    import redis

    redis.Redis.from_url(redis_server.url).flushall()
    return redis_server.url


from tests.test_crossref_cli import paper, server  # noqa: E402,F401 - the same fake Crossref and manuscript fixtures


def refcheck_process(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "refcheck", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "NO_COLOR": "1"})


def online(server, paper, cache: str, *args: str) -> subprocess.Popen:
    return refcheck_process(str(paper), "--crossref-url", server.url, "--cache", cache, "--mailto", MAILTO, "--format", "json", *args)


def finish(process: subprocess.Popen, timeout: float = 30) -> tuple[int, dict, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, json.loads(out) if out.strip() else {}, err


def match_statuses(report: dict) -> dict[str, str]:
    return {m["reference"]: m["status"] for m in report["matches"]}


def asked(server) -> Counter:
    """How many times each question (path and query) reached the server."""
    return Counter(s.raw_path for s in server.requests)


# --- Redis: one process ----------------------------------------------------------------------------


@needs_redis
def test_redis_keeps_the_answers_and_a_second_run_asks_nothing(server, redis_url):
    manuscript = read_text(MANUSCRIPT, "paper.md")
    cold = enrich(manuscript, make_client(server.url, make_session(redis_url)))
    assert statuses(cold) == EXPECTED
    sent = len(server.requests)
    assert sent == 9
    again = make_client(server.url, make_session(redis_url))  # a new session: nothing in memory
    warm = enrich(manuscript, again)
    assert len(server.requests) == sent
    assert again.stats.requests == 0 and again.stats.cached == sent
    assert warm.matches == cold.matches


@needs_redis
def test_redis_holds_json_under_refcheck_keys_without_the_contact_address(server, redis_url):
    import redis

    enrich(read_text(MANUSCRIPT, "paper.md"), make_client(server.url, make_session(redis_url)))
    connection = redis.Redis.from_url(redis_url)
    keys = connection.keys("*")
    responses = [k for k in keys if connection.type(k) == b"string"]
    assert len(responses) == 9 and all(k.startswith(b"refcheck:") for k in responses)
    for key in responses:
        value = connection.get(key)
        assert value.lstrip().startswith(b"{")  # JSON, never a pickle (which would run code when read)
        assert MAILTO.encode() not in value
        assert 0 < connection.ttl(key) <= 31 * 86400  # expires with the answer (30 days, plus an hour)


@needs_redis
def test_redis_going_away_leaves_every_answer_in_the_run(server, tmp_path, capsys, monkeypatch):
    from requests_cache import RedisCache

    manuscript = read_text(MANUSCRIPT, "paper.md")
    said, failed = [], []

    def counted(method):  # redis operations that failed: each is a refused connection (counted, not timed)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except Exception:
                failed.append(method.__name__)
                raise
        return call

    monkeypatch.setattr(RedisCache, "get_response", counted(RedisCache.get_response))
    monkeypatch.setattr(RedisCache, "save_response", counted(RedisCache.save_response))
    with RedisServer(tmp_path / "redis") as own:
        session = make_session(own.url, warn=said.append)
        client = make_client(server.url, session)
        assert client.work("10.1371/journal.pone.0033693") is not None
        own.stop()
        result = enrich(manuscript, client)
    # one failed operation, not one per question (a search or two already in flight may fail beside it)
    assert 1 <= len(failed) <= client.limits["search"].concurrency, failed
    assert statuses(result) == EXPECTED and result.notes == ()
    assert client.down is None and client.stats.failed == 0
    assert len(said) == 1 and "failed during the run" in said[0] and "continuing without it" in said[0]
    assert session.cache.off
    assert capsys.readouterr().err == ""  # told through warn only


def test_an_unreachable_redis_is_said_up_front():
    url = f"redis://:secret@127.0.0.1:{free_port()}/0"
    with pytest.raises(CacheUnavailable) as caught:
        make_session(url)
    assert str(caught.value).startswith(f"redis://127.0.0.1:{url.rsplit(':', 1)[1]} cannot be reached")
    assert "secret" not in str(caught.value)


# --- Redis: processes ------------------------------------------------------------------------------


@needs_redis
@pytest.mark.timeout(300)  # a hang guard only (tests/timing.py)
def test_two_processes_at_once_share_redis_and_a_later_one_asks_nothing(tmp_path, paper, redis_url):
    """Two runners started together each miss what the other has not stored yet, so a question
    reaches Crossref at most twice (never more), and the total stays within two cold runs; a
    runner that starts later asks nothing. (The latency makes the two runs overlap.)"""
    with FakeCrossref(RECORDS, agencies=AGENCIES, latency=0.05) as server:
        first, second = (online(server, paper, redis_url) for _ in range(2))
        (code1, report1, err1), (code2, report2, err2) = finish(first), finish(second)
        assert (code1, code2) == (1, 1) and err1 == err2 == ""
        assert match_statuses(report1) == match_statuses(report2) == EXPECTED
        assert report1["findings"] == report2["findings"]
        together = asked(server)
        assert set(together.values()) <= {1, 2}  # each question once or twice: never three times
        assert len(together) == 9 and sum(together.values()) <= 18

        before = len(server.requests)
        code3, report3, err3 = finish(online(server, paper, redis_url))
        assert len(server.requests) == before  # the fleet's cache answers everything
        assert (code3, err3) == (1, "") and report3["findings"] == report1["findings"]


@pytest.mark.timeout(300)  # a hang guard only (tests/timing.py)
def test_redis_unreachable_at_start_is_one_line_and_the_run_goes_on(server, paper, tmp_path):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    code, report, err = finish(online(server, paper, dead))
    assert code == 1 and "Traceback" not in err
    assert err.splitlines() == [f"refcheck: warning: HTTP cache unavailable ({dead} cannot be reached: "
                                f"Error 111 connecting to 127.0.0.1:{dead.split(':')[2].split('/')[0]}. Connection refused.); "
                                "continuing without it"]
    assert match_statuses(report) == EXPECTED  # Crossref was still asked, uncached
    offline = finish(refcheck_process(str(paper), "--offline", "--cache", dead, "--format", "json"))
    assert offline[0] == 0 and offline[2] == ""  # --offline never opens the cache (and finds nothing offline here)


@needs_redis
@pytest.mark.timeout(300)  # a hang guard only (tests/timing.py)
def test_redis_going_away_mid_run_is_one_line_and_nothing_is_lost(tmp_path, paper):
    with FakeCrossref(RECORDS, agencies=AGENCIES, latency=0.2, search=Limits(50, 1.0, 1)) as server, \
            RedisServer(tmp_path / "redis") as own:
        process = online(server, paper, own.url)
        deadline = time.monotonic() + 20
        while sum(s.status == 200 for s in server.requests) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        own.stop()
        code, report, err = finish(process)
    assert code == 1 and "Traceback" not in err
    [line] = err.splitlines()
    assert line.startswith(f"refcheck: warning: the Redis cache {own.url} failed during the run (")
    assert line.endswith("); continuing without it")
    assert match_statuses(report) == EXPECTED  # every answer received was used: none became "unverified"
    assert not any("not verified" in note for note in report["notes"])


# --- SQLite: one file, many processes --------------------------------------------------------------


@pytest.mark.timeout(300)  # a hang guard only (tests/timing.py)
def test_four_processes_share_one_sqlite_file(tmp_path, paper):
    cache = tmp_path / "shared.sqlite"
    with FakeCrossref(RECORDS, agencies=AGENCIES, latency=0.02) as server:
        processes = [online(server, paper, str(cache)) for _ in range(4)]
        results = [finish(p) for p in processes]
        for code, report, err in results:
            assert code == 1 and err == ""  # no "database is locked", no warning at all
            assert match_statuses(report) == EXPECTED
        together = asked(server)
        assert len(together) == 9 and max(together.values()) <= 4  # each at most once per process
        before = len(server.requests)
        code, report, err = finish(online(server, paper, str(cache)))
        assert len(server.requests) == before and err == ""  # the file holds every answer
    connection = sqlite3.connect(cache)
    assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert connection.execute("SELECT COUNT(*) FROM responses").fetchone()[0] == 9


def _write_many(args) -> tuple[int, list[str]]:
    """A worker process: store ``n`` answers through make_session's backend, reading some back."""
    path, n, worker = args
    from requests_cache.models import CachedRequest, CachedResponse

    said: list[str] = []
    session = make_session(path, warn=said.append)
    misses = 0
    for i in range(n):
        url = f"http://127.0.0.1/works/10.1/{worker}-{i}"
        session.cache.responses[f"{worker}-{i}"] = CachedResponse(status_code=200, content=b'{"message": %d}' % i, url=url,
                                                                  request=CachedRequest(method="GET", url=url))
        if session.cache.get_response(f"{(worker + 1) % 4}-{i}") is None:
            misses += 1  # the neighbour has not written it yet: fine
    return misses, said


@pytest.mark.timeout(300)  # a hang guard only (tests/timing.py)
def test_concurrent_writers_do_not_lock_or_corrupt_the_file(tmp_path):
    """Four processes writing 200 answers each into one new file at the same moment (the
    creation race included): nothing raised, nothing said, every row there, the file intact."""
    path = str(tmp_path / "busy.sqlite")
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_write_many, [(path, 200, w) for w in range(4)])
    assert all(said == [] for _, said in results)
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert connection.execute("SELECT COUNT(*) FROM responses").fetchone()[0] == 800
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # a write costs no fsync (WAL with synchronous=NORMAL): said by the cache's own connection, not by a clock
    session = make_session(path)
    assert session.cache.db.connection.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_a_cache_written_by_requests_cache_itself_is_read(server, tmp_path):
    """Earlier refcheck versions used requests-cache's own SQLite backend: same file layout."""
    import requests_cache

    path = tmp_path / "old.sqlite"
    old = requests_cache.CachedSession(str(path), backend="sqlite", allowable_codes=(200, 404), match_headers=False,
                                       ignored_parameters=["User-Agent", "mailto"])
    assert make_client(server.url, old).work("10.1371/journal.pone.0033693") is not None
    old.close()
    client = make_client(server.url, make_session(path))
    assert client.work("10.1371/journal.pone.0033693").page == "e33693"
    assert client.stats.requests == 0 and len(server.requests) == 1
