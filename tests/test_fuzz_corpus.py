"""The fuzz corpus replayed, and a short fuzz run.

tests/fuzz_corpus/<reader>/ holds inputs that once crashed a reader, broke an invariant or were
slow (scripts/fuzz.py saves them, a file per input named by its hash; the known regressions come
from ``fuzz_targets.REGRESSIONS`` via ``scripts/fuzz.py --seed-corpus``). Each is read from its file
the way the command line reads it (``refcheck.readers.load``), checked offline and rendered, with
the invariants of ``fuzz_targets.check_invariants``, in a bounded time.

The short fuzz run (a few seconds per reader, nothing saved) is skipped with REFCHECK_SKIP_FUZZ=1,
for a machine too busy to give it those seconds.
"""

from __future__ import annotations

import os
import sys
import time

import pytest

from tests import fuzz_targets as ft
from tests.timing import Stopwatch

REPLAY_SECONDS = 2 * ft.SLOW_SECONDS  # reference seconds; every file is under 100 KB and takes a fraction of one
FILES = ft.corpus_files()


def test_the_corpus_holds_inputs_for_every_reader():
    readers = {reader for reader, _ in FILES}
    assert {"markdown", "text", "bibtex", "jats"} <= readers, readers
    assert all(path.stat().st_size < ft.SLOW_SIZE for _, path in FILES), "corpus files are small regression inputs"


def _case(reader, path):
    known = ft.KNOWN.get((reader, path.name))
    marks = [pytest.mark.xfail(strict=True, raises=AssertionError, reason=known)] if known else []
    return pytest.param(reader, path, marks=marks, id=f"{reader}/{path.name}")


@pytest.mark.parametrize("reader, path", [_case(r, p) for r, p in FILES])
def test_corpus_file_replays(reader, path):
    reason = ft.unavailable(reader)
    if reason:
        pytest.skip(reason)
    data = path.read_bytes()
    with Stopwatch() as watch:
        ft.run(reader, data, path=path, twice=False)
    watch.assert_within(REPLAY_SECONDS, path.name)  # reference seconds (tests/timing.py)


def test_regressions_are_in_the_corpus():
    """Every known regression input is committed (run ``scripts/fuzz.py --seed-corpus`` after adding one)."""
    names = {p.name for _, p in FILES}
    missing = [f"{r.reader}/{r.name}" for r in ft.REGRESSIONS if ft.corpus_name(r.reader, r.build()) not in names]
    assert not missing, missing


SHORT_RUN_SECONDS = 4.0  # per reader: about 25 s for all six


# The JATS reader has open defects the fuzzer finds within seconds (fuzz_targets.KNOWN); not strict,
# since a few seconds of random inputs may miss them.
_OPEN = {reader: "; ".join(sorted({r.known for r in ft.REGRESSIONS if r.known and r.reader == reader}))
         for reader in ft.READERS if any(r.known and r.reader == reader for r in ft.REGRESSIONS)}


@pytest.mark.skipif(os.environ.get("REFCHECK_SKIP_FUZZ") == "1", reason="REFCHECK_SKIP_FUZZ=1")
@pytest.mark.parametrize("reader", [pytest.param(r, marks=[pytest.mark.xfail(strict=False, reason=_OPEN[r])] if r in _OPEN else [])
                                    for r in ft.READERS])
def test_short_fuzz_run_finds_nothing(reader):
    sys.path.insert(0, str(ft.ROOT / "scripts"))
    try:
        import fuzz
    finally:
        sys.path.remove(str(ft.ROOT / "scripts"))
    result = fuzz.fuzz(reader, SHORT_RUN_SECONDS, save=False, shrink=True, log=lambda *_: None)
    if result.skipped:
        pytest.skip(result.skipped)
    assert result.inputs > 0
    assert not result.found, [(f.kind, f.summary) for f in result.found]
