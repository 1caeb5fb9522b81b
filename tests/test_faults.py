"""Faults around a run, and proof that they lose nothing: the cache file, the output, Ctrl-C.

Each test breaks one thing (a corrupted, truncated, deleted or read-only cache; an output path
that cannot be written; a full disk; SIGINT while Crossref answers arrive) and checks the
three promises: one clear line (no traceback), the exit status of the findings (2 when the
report itself cannot be written, 130 when interrupted), and nothing already had is lost (the
answers in the cache, the old report or lockfile whole). Crossref is the fake server of
tests/crossref_server.py; read-only files are made so by permission bits, with the process
run without root's override capabilities (``setpriv``) when the tests run as root.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from refcheck.crossref.session import make_session
from refcheck.enrich import enrich
from refcheck.readers import read_text
from tests.conftest import ROOT
from tests.crossref_server import FakeCrossref, Limits
from tests.test_crossref_faults import AGENCIES, EXPECTED, MAILTO, MANUSCRIPT, RECORDS, SURNAMES, make_client, statuses

COLD = 9  # requests a cold run of MANUSCRIPT makes (a batch, 2 x (work + agency), 4 searches)


from tests.test_crossref_cli import paper, server  # noqa: E402,F401 - the same fake Crossref and manuscript fixtures


def run(*args: str, prefix: tuple[str, ...] = (), timeout: float = 30, **options) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "-m", "refcheck", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "NO_COLOR": "1"}, **options)


def online(server, paper, *args: str, **options) -> subprocess.CompletedProcess:
    return run(str(paper), "--crossref-url", server.url, "--mailto", MAILTO, "--format", "json", *args, **options)


def match_statuses(result: subprocess.CompletedProcess) -> dict[str, str]:
    return {m["reference"]: m["status"] for m in json.loads(result.stdout)["matches"]}


def requests_made(server, action) -> int:
    before = len(server.requests)
    action()
    return len(server.requests) - before


def fill(server, cache: Path) -> int:
    """Run MANUSCRIPT's questions through a cache at ``cache``, in this process; the requests it took."""
    session = make_session(cache)
    client = make_client(server.url, session)
    assert statuses(enrich(read_text(MANUSCRIPT, "paper.md"), client)) == EXPECTED
    session.close()  # as at the end of a run: the WAL is folded into the file
    return client.stats.requests


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- running without write permission, as root too ------------------------------------------------


def _unprivileged() -> tuple[str, ...] | None:
    """A command prefix under which permission bits apply to this process, or None."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = (setpriv, "--bounding-set=-dac_override,-dac_read_search", "--")
    try:
        ok = subprocess.run([*prefix, "true"], capture_output=True, timeout=10).returncode == 0
    except OSError:
        ok = False
    return prefix if ok else None


UNPRIVILEGED = _unprivileged()
needs_permissions = pytest.mark.skipif(
    UNPRIVILEGED is None, reason="running as root without setpriv (util-linux): read-only permission bits would not apply")


# --- the cache file: corrupted, truncated, damaged inside ------------------------------------------


def test_random_bytes_at_the_default_cache_path_are_moved_aside_and_the_cache_rebuilt(server, paper, tmp_path, monkeypatch):
    cache = tmp_path / "cache" / "crossref.sqlite"
    cache.parent.mkdir()
    garbage = random.Random(1).randbytes(5000)
    cache.write_bytes(garbage)
    monkeypatch.setenv("REFCHECK_CACHE", str(cache))  # the default path: refcheck's own file
    first = online(server, paper)
    assert first.returncode == 1 and match_statuses(first) == EXPECTED
    assert first.stderr.splitlines() == [f"refcheck: warning: the HTTP cache {cache} is damaged (file is not a database); "
                                         "moved to crossref.sqlite.corrupt, starting a new one"]
    assert (cache.parent / "crossref.sqlite.corrupt").read_bytes() == garbage  # kept, for whoever wants to look
    second = online(server, paper)
    assert second.stderr == "" and len(server.requests) == COLD  # the rebuilt cache answered everything


def test_a_cache_option_naming_a_file_that_is_not_sqlite_is_left_untouched(server, paper, tmp_path):
    other = tmp_path / "notes.sqlite"
    other.write_bytes(b"my notes, not a database\n" * 100)
    before = digest(other)
    result = online(server, paper, "--cache", str(other))
    assert result.returncode == 1 and match_statuses(result) == EXPECTED and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"refcheck: warning: HTTP cache unavailable ({other} is not a SQLite database and was "
                                          "left untouched: delete it or choose another --cache); continuing without it"]
    assert digest(other) == before and sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite", "paper.md"]


@pytest.mark.parametrize("keep", [3000, 0.5])
def test_a_truncated_cache_is_rebuilt(server, paper, tmp_path, keep):
    cache = tmp_path / "c.sqlite"
    assert fill(server, cache) == COLD
    data = cache.read_bytes()
    assert data.startswith(b"SQLite format 3\x00") and len(data) > 100_000
    cache.write_bytes(data[: keep if isinstance(keep, int) else int(len(data) * keep)])
    result = online(server, paper, "--cache", str(cache))
    assert result.returncode == 1 and match_statuses(result) == EXPECTED
    [line] = result.stderr.splitlines()
    assert line.startswith(f"refcheck: warning: the HTTP cache {cache} is damaged (") and line.endswith("moved to c.sqlite.corrupt, starting a new one")
    assert fill(server, cache) == 0


@pytest.mark.parametrize("seed", [0, 25])  # 25's bytes also land inside a stored answer (see the test below)
def test_damage_found_in_the_middle_of_a_run_is_said_once_and_the_run_completes(server, paper, tmp_path, seed):
    cache = tmp_path / "c.sqlite"
    fill(server, cache)
    size = cache.stat().st_size
    with open(cache, "r+b") as f:  # the header and schema intact, pages further in overwritten
        f.seek(int(size * 0.6))
        f.write(random.Random(seed).randbytes(8192))  # seeded: the same damage on every run
    result = online(server, paper, "--cache", str(cache))
    assert result.returncode == 1 and match_statuses(result) == EXPECTED and "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert "is damaged (database disk image is malformed); moved to c.sqlite.corrupt" in line
    fill(server, cache)  # what the new file lacks (read from the old one before the damage showed)
    assert fill(server, cache) == 0


def test_an_answer_damaged_inside_its_row_is_fetched_again_in_silence(server, paper, tmp_path):
    cache = tmp_path / "c.sqlite"
    fill(server, cache)
    with sqlite3.connect(cache) as db:  # the file's structure sound, one stored answer's bytes not
        [(key,)] = db.execute("SELECT key FROM responses ORDER BY key LIMIT 1").fetchall()
        db.execute("UPDATE responses SET value = ? WHERE key = ?", (b"\x80\xf6" * 64, key))
    db.close()
    before = len(server.requests)
    result = online(server, paper, "--cache", str(cache))
    assert result.returncode == 1 and match_statuses(result) == EXPECTED
    assert result.stderr == ""  # no "Unable to deserialize response" from requests-cache's logger
    assert len(server.requests) == before + 1  # that one answer again, and it replaced the damaged row
    assert fill(server, cache) == 0


def test_a_cache_deleted_during_the_run_is_recreated_and_nothing_is_said(server, tmp_path, capsys):
    path = tmp_path / "c.sqlite"
    said = []
    client = make_client(server.url, make_session(path, warn=said.append))
    assert client.work("10.1371/journal.pone.0033693") is not None  # stored in the file about to go
    for name in ("c.sqlite", "c.sqlite-wal", "c.sqlite-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    manuscript = read_text(MANUSCRIPT, "paper.md")
    result = enrich(manuscript, client)
    assert statuses(result) == EXPECTED and result.notes == () and said == []
    assert path.exists()  # a new file, holding every answer since the deletion
    again = make_client(server.url, make_session(path))
    assert statuses(enrich(manuscript, again)) == EXPECTED and again.stats.requests == 0
    assert again.work("10.1371/journal.pone.0033693") is not None and again.stats.requests == 1  # only what was deleted
    assert capsys.readouterr().err == ""


# --- a cache that cannot be written ------------------------------------------------------------


@needs_permissions
@pytest.mark.parametrize("where", ["file", "directory"])
def test_a_read_only_cache_is_read_but_not_written_with_one_note(server, paper, tmp_path, where):
    folder = tmp_path / "cache"
    folder.mkdir()
    cache = folder / "c.sqlite"
    assert fill(server, cache) == COLD
    for leftover in folder.glob("c.sqlite-*"):
        leftover.unlink()
    before = digest(cache)
    cache.chmod(0o444) if where == "file" else folder.chmod(0o555)
    try:
        warm = online(server, paper, "--cache", str(cache), prefix=UNPRIVILEGED)
        assert warm.returncode == 1 and warm.stderr == "" and match_statuses(warm) == EXPECTED
        assert len(server.requests) == COLD  # everything came from the read-only cache
        edited = MANUSCRIPT.replace("Nobody, A. (2012)", "Nobody, A. (2013)")  # one reference not in the cache
        paper.write_text(edited, encoding="utf-8")
        result = online(server, paper, "--cache", str(cache), prefix=UNPRIVILEGED)
    finally:
        cache.chmod(0o644)
        folder.chmod(0o755)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(server.requests) == COLD + 1
    assert result.stderr.splitlines() == [f"refcheck: warning: the HTTP cache {cache} cannot be written (attempt to write a "
                                          "readonly database); answers are read from it but not stored"]
    assert match_statuses(result)["r8"] == "not-found"  # the new answer was used all the same
    assert digest(cache) == before


def test_a_full_disk_under_the_cache_stops_its_writes_not_the_answers(server, tmp_path):
    path = tmp_path / "c.sqlite"
    said = []
    session = make_session(path, warn=said.append)
    connection = session.cache.db.connection
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow: SQLITE_FULL, as on a full disk
    client = make_client(server.url, session)
    result = enrich(read_text(MANUSCRIPT, "paper.md"), client)
    assert statuses(result) == EXPECTED and result.notes == () and client.stats.failed == 0
    assert said == [f"the HTTP cache {path} cannot be written (database or disk is full); answers are read from it but not stored"]


def test_a_cache_locked_by_another_process_is_skipped_then_left_alone(server, tmp_path, monkeypatch):
    import sqlite3

    from refcheck.crossref import session as sessions

    from requests_cache.backends.base import BaseCache

    monkeypatch.setattr(sessions, "BUSY_TIMEOUT", 0.2)
    attempted = []  # writes tried: each one waits BUSY_TIMEOUT for the lock (counted, not timed: tests/timing.py)
    save = BaseCache.save_response
    monkeypatch.setattr(BaseCache, "save_response", lambda self, *args, **kwargs: (attempted.append(1), save(self, *args, **kwargs))[1])
    path = tmp_path / "c.sqlite"
    said = []
    client = make_client(server.url, make_session(path, warn=said.append))
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock and does not let go
    try:
        dois = ["10.1371/journal.pone.0033693", "10.1016/j.neurobiolaging.2010.03.024", "10.1002/jor.1100150407",
                "10.1136/jclinpath-2020-206745", "10.1371/journal.pone.0020476"]
        assert all(client.work(doi) is not None for doi in dois)  # every answer arrives
        assert len(attempted) == sessions.LOCKED_LIMIT == 3  # three waits, then no more writing, so no more waiting
    finally:
        other.execute("ROLLBACK")
    assert said == [f"the HTTP cache {path} stayed locked by another process; continuing without it"]
    assert client.stats.failed == 0 and not any("locked" in s for s in said[1:])


@needs_permissions
def test_a_cache_that_cannot_be_created_is_bypassed_with_one_note(server, paper, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = online(server, paper, "--cache", str(folder / "c.sqlite"), prefix=UNPRIVILEGED)
    finally:
        folder.chmod(0o755)
    assert result.returncode == 1 and match_statuses(result) == EXPECTED
    assert result.stderr.splitlines() == [f"refcheck: warning: HTTP cache unavailable (cannot create {folder / 'c.sqlite'}: "
                                          f"{folder} is not writable); continuing without it"]
    assert list(folder.iterdir()) == []


# --- the report and the lockfile cannot be written ---------------------------------------------------


def offline_cli(*args: str) -> int:
    """``refcheck.cli.main`` in this process; its exit status (the caller reads stderr)."""
    import gc

    from refcheck.cli import main

    try:
        with pytest.raises(SystemExit) as stopped:
            main(list(args))
    finally:
        gc.enable()  # the command turns the cyclic collector off for its run
    return stopped.value.code


@needs_permissions
def test_output_into_a_read_only_directory_is_exit_2_and_leaves_nothing(paper, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = run(str(paper), "--offline", "-f", "json", "-o", str(folder / "report.json"), prefix=UNPRIVILEGED)
    finally:
        folder.chmod(0o755)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [f"refcheck: error: cannot write {folder / 'report.json'}: Permission denied"]
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("when", ["while rendering", "on fsync"])
def test_disk_full_while_writing_the_report_keeps_the_old_one(paper, tmp_path, monkeypatch, capsys, when):
    from refcheck.render import RENDERERS

    report = tmp_path / "report.json"
    report.write_text('{"old": "report"}\n', encoding="utf-8")
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    if when == "while rendering":
        real = RENDERERS["json"]

        def render(rep, out, **options):
            real(rep, out, **options)
            out.flush()  # half of it reached the temporary file ...
            raise full  # ... then the disk filled up

        monkeypatch.setitem(RENDERERS, "json", render)
    else:
        def fsync(fd):
            raise full

        monkeypatch.setattr(os, "fsync", fsync)
    code = offline_cli(str(paper), "--offline", "-f", "json", "-o", str(report))
    assert code == 2
    assert capsys.readouterr().err.splitlines() == [f"refcheck: error: cannot write {report}: No space left on device"]
    assert report.read_text(encoding="utf-8") == '{"old": "report"}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paper.md", "report.json"]  # no temporary file left


dev_full = pytest.mark.skipif(not (os.path.exists("/dev/full") and stat.S_ISCHR(os.stat("/dev/full").st_mode)),
                              reason="no /dev/full character device")


@dev_full
def test_a_report_to_dev_full_is_exit_2_and_the_device_stays_a_device(paper, tmp_path):
    link = tmp_path / "report.json"
    link.symlink_to("/dev/full")  # through a link: were the device ever replaced, only the link would be
    result = run(str(paper), "--offline", "-f", "json", "-o", str(link))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"refcheck: error: cannot write {link}: No space left on device"]
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode) and link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paper.md", "report.json"]


@dev_full
def test_standard_output_on_a_full_disk_is_exit_2_without_a_traceback(paper):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "refcheck", str(paper), "--offline"], cwd=ROOT, stdout=full,
                                stderr=subprocess.PIPE, text=True, timeout=30, env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["refcheck: error: cannot write the report to standard output: No space left on device"]


def test_a_new_report_gets_ordinary_permissions_and_an_old_one_keeps_its_own(paper, tmp_path):
    fresh, kept = tmp_path / "fresh.json", tmp_path / "kept.json"
    kept.write_text("{}", encoding="utf-8")
    kept.chmod(0o640)
    umask = os.umask(0o022)
    os.umask(umask)
    for target in (fresh, kept):
        assert run(str(paper), "--offline", "-f", "json", "-o", str(target)).returncode == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


def test_a_report_through_a_symlink_replaces_the_target_and_keeps_the_link(paper, tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "report.json"
    link.symlink_to(target)
    assert run(str(paper), "--offline", "-f", "json", "-o", str(link)).returncode == 0
    assert link.is_symlink() and json.loads(target.read_text(encoding="utf-8"))["schema_version"]


def test_an_unwritable_lockfile_still_leaves_the_report(server, paper, tmp_path):
    lock = tmp_path / "missing" / "refcheck.lock.json"  # its directory does not exist
    report = tmp_path / "report.json"
    result = online(server, paper, "--no-cache", "--lock", str(lock), "-o", str(report))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"refcheck: error: cannot write {lock}: No such file or directory"]
    assert {m["reference"]: m["status"] for m in json.loads(report.read_text(encoding="utf-8"))["matches"]} == EXPECTED


def test_an_unwritable_report_still_leaves_the_lockfile(server, paper, tmp_path):
    lock = tmp_path / "refcheck.lock.json"
    result = online(server, paper, "--no-cache", "--lock", str(lock), "-o", str(tmp_path / "missing" / "report.json"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"refcheck: error: cannot write {tmp_path / 'missing' / 'report.json'}: No such file or directory"]
    assert len(json.loads(lock.read_text(encoding="utf-8"))["references"]) == 10  # the Crossref answers are kept
    assert requests_made(server, lambda: online(server, paper, "--no-cache", "--lock", str(lock))) == 0


# --- Ctrl-C while Crossref answers arrive ------------------------------------------------------------


def _searches(n: int) -> str:
    """A manuscript of ``n`` references without DOIs: one search each, nothing else."""
    refs = "\n\n".join(
        f"{SURNAMES[i % len(SURNAMES)]}, {chr(65 + i % 26)}. ({1990 + i % 30}). Effects of light on growth in "
        f"barley: field study {i + 1}. *Journal of Field Studies*, {i + 1}, {10 * i + 1}-{10 * i + 9}."
        for i in range(n))
    return f"# T\n\n## References\n\n{refs}\n"


# refcheck as a Ctrl-C can stop it, however the suite was started: a job that a shell without job
# control starts in the background (`pytest &` in a script, a CI runner) inherits SIGINT ignored,
# and Python then installs no KeyboardInterrupt handler; both tests below failed that way (exit 0/1
# instead of 130) whether the machine was loaded or not.
INTERRUPTIBLE_REFCHECK = [sys.executable, "-c", "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
                          "runpy.run_module('refcheck', run_name='__main__', alter_sys=True)"]


def _answered(server) -> int:
    return sum(1 for s in server.requests if s.status == 200)


@pytest.mark.timeout(300)  # a hang guard only (tests/timing.py): a loaded machine runs these several times slower
def test_ctrl_c_during_searches_exits_130_and_keeps_the_answers_received(tmp_path):
    paper = tmp_path / "many.md"
    paper.write_text(_searches(12), encoding="utf-8")
    cache, lock = tmp_path / "c.sqlite", tmp_path / "refcheck.lock.json"
    # a lockfile from an earlier run, which the interrupted one must leave as it was
    earlier = tmp_path / "earlier.md"
    earlier.write_text(_searches(2), encoding="utf-8")
    with FakeCrossref(RECORDS, search=Limits(50, 1.0, 1), latency=1.5) as server:  # slow enough that Ctrl-C lands mid-run on a loaded machine
        assert online(server, earlier, "--no-cache", "--lock", str(lock)).returncode in (0, 1)
        locked = lock.read_bytes()
        start = len(server.requests)
        process = subprocess.Popen([*INTERRUPTIBLE_REFCHECK, str(paper), "--crossref-url", server.url, "--cache", str(cache),
                                    "--lock", str(lock), "--format", "json"], cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_COLOR": "1"})
        deadline = time.monotonic() + 120  # a hang guard: the loop ends as soon as the condition holds
        while _answered(server) - start < 3 and time.monotonic() < deadline:  # some answers are in
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)  # a hang guard (a loaded machine winds down slowly)
        asked = len(server.requests) - start
        answered = _answered(server) - start
        assert process.returncode == 130
        assert err == "refcheck: interrupted\n" and out == ""
        assert 3 <= answered == asked < 12  # it stopped asking: the other searches were never sent
        assert lock.read_bytes() == locked  # not truncated, not half rewritten
        assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("c.sqlite")) == ["earlier.md", "many.md", "refcheck.lock.json"]
        server.latency = 0
        rerun = requests_made(server, lambda: online(server, paper, "--cache", str(cache)))
    assert rerun == 12 - answered  # every answer received before Ctrl-C came from the cache


@pytest.mark.timeout(300)  # a hang guard only (tests/timing.py): a loaded machine runs these several times slower
def test_ctrl_c_while_the_main_thread_waits_for_a_doi_batch(paper, tmp_path):
    with FakeCrossref(RECORDS, agencies=AGENCIES, latency=10.0) as server:  # Ctrl-C lands while the batch is awaited, however loaded the machine
        process = subprocess.Popen([*INTERRUPTIBLE_REFCHECK, str(paper), "--crossref-url", server.url, "--cache",
                                    str(tmp_path / "c.sqlite"), "--format", "json"], cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_COLOR": "1"})
        deadline = time.monotonic() + 120  # a hang guard: the loop ends as soon as the condition holds
        while not server.requests and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)  # a hang guard (a loaded machine winds down slowly)
    assert process.returncode == 130 and err == "refcheck: interrupted\n" and out == ""
