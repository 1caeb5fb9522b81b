"""The command line with Crossref: a local fake server, the cache, the lockfile, no network."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT
from tests.crossref_server import FakeCrossref
from tests.test_crossref_faults import AGENCIES, MANUSCRIPT, RECORDS

MAILTO = "editor@example.org"


def refcheck(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "refcheck", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "NO_COLOR": "1", **env})


@pytest.fixture
def server():
    with FakeCrossref(RECORDS, agencies=AGENCIES) as fake:
        yield fake


@pytest.fixture
def paper(tmp_path):
    path = tmp_path / "paper.md"
    path.write_text(MANUSCRIPT, encoding="utf-8")
    return path


def online(server, paper, tmp_path, *args):
    return refcheck(str(paper), "--crossref-url", server.url, "--cache", str(tmp_path / "cache.sqlite"),
                    "--mailto", MAILTO, "--format", "json", *args)


def test_findings_come_from_the_server_and_the_contact_is_only_in_the_user_agent(server, paper, tmp_path):
    result = online(server, paper, tmp_path)
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert {"doi-not-found", "metadata-mismatch", "doi-available", "reference-not-found"} <= rules
    assert "doi-points-elsewhere" not in rules
    seen = server.requests
    assert seen and all(MAILTO in s.headers.get("user-agent", "") for s in seen)
    assert not any(MAILTO in s.path or MAILTO in json.dumps(s.query) for s in seen)
    assert MAILTO.encode() not in (tmp_path / "cache.sqlite").read_bytes()


def test_a_warm_cache_asks_nothing(server, paper, tmp_path):
    first = online(server, paper, tmp_path)
    asked = len(server.requests)
    second = online(server, paper, tmp_path)
    assert len(server.requests) == asked
    assert json.loads(second.stdout)["findings"] == json.loads(first.stdout)["findings"]


def test_the_lockfile_settles_unchanged_references_and_asks_only_about_edited_ones(server, paper, tmp_path):
    lock = tmp_path / "refcheck.lock.json"
    first = online(server, paper, tmp_path, "--no-cache", "--lock", str(lock))
    data = json.loads(lock.read_text(encoding="utf-8"))
    assert data["version"] == 1 and list(data["references"]) == sorted(data["references"])
    assert MAILTO not in lock.read_text(encoding="utf-8")
    asked = len(server.requests)
    again = online(server, paper, tmp_path, "--no-cache", "--lock", str(lock))
    assert len(server.requests) == asked  # nothing new: no request at all
    assert json.loads(again.stdout)["findings"] == json.loads(first.stdout)["findings"]
    paper.write_text(MANUSCRIPT.replace("Growth hormone secretagogue", "Growth-hormone secretagogue"), encoding="utf-8")
    online(server, paper, tmp_path, "--no-cache", "--lock", str(lock))
    assert 1 <= len(server.requests) - asked <= 2  # the edited entry (a batch, maybe its DOI alone)


def test_offline_with_a_lockfile_still_reports_what_the_lockfile_knows(server, paper, tmp_path):
    lock = tmp_path / "refcheck.lock.json"
    online(server, paper, tmp_path, "--no-cache", "--lock", str(lock))
    server.stop()
    result = refcheck(str(paper), "--offline", "--lock", str(lock), "--format", "json")
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert {"doi-not-found", "doi-available"} <= rules


def test_a_broken_lockfile_is_a_usage_error_not_a_traceback(paper, tmp_path):
    lock = tmp_path / "refcheck.lock.json"
    lock.write_text("{not json", encoding="utf-8")
    result = refcheck(str(paper), "--offline", "--lock", str(lock))
    assert result.returncode == 2 and "lockfile" in result.stderr and "Traceback" not in result.stderr


def test_without_network_the_run_says_so_once_and_exits_on_findings_alone(paper, tmp_path):
    result = refcheck(str(paper), "--crossref-url", "http://127.0.0.1:9", "--cache", str(tmp_path / "c.sqlite"))
    assert result.stdout.count("were not verified against Crossref") == 1
    assert "Traceback" not in result.stderr
    offline = refcheck(str(paper), "--offline")
    assert result.returncode == offline.returncode


def waits_without_network(paper, tmp_path, monkeypatch, capsys) -> list[float]:
    """The whole command, in this process, with every wait the client asks for noted (and done)."""
    from refcheck import cli

    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    made = cli._client

    def recording(*args):
        client = made(*args)
        client.sleep = sleep
        for limit in client.limits.values():
            limit.sleep = sleep
        return client

    monkeypatch.setattr(cli, "_client", recording)
    with pytest.raises(SystemExit) as exited:
        cli.main([str(paper), "--crossref-url", "http://127.0.0.1:9", "--cache", str(tmp_path / "c.sqlite"), "--no-color"])
    assert exited.value.code in (0, 1)
    assert capsys.readouterr().out.count("were not verified against Crossref") == 1
    return slept


def test_without_network_no_request_waits_out_its_turn(paper, tmp_path, monkeypatch, capsys):
    """Online work ends at the first failure, and requests queued behind the rate limit stop
    waiting: the waits asked for, summed over the client's threads, are a fraction of a second.
    Counted, not timed (tests/timing.py): the same on any machine. (That a queued request stops
    waiting once cancelled is tested on the rate limit itself, in test_crossref_client.py.)"""
    assert sum(waits_without_network(paper, tmp_path, monkeypatch, capsys)) < 0.5


def test_an_unreachable_shared_cache_is_said_once_and_the_run_goes_on(paper, tmp_path):
    result = refcheck(str(paper), "--crossref-url", "http://127.0.0.1:9", "--cache", "redis://127.0.0.1:9/0")
    assert result.stderr.count("HTTP cache unavailable") == 1 and "Traceback" not in result.stderr
    assert "were not verified against Crossref" in result.stdout
