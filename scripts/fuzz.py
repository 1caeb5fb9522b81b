"""Fuzz every reader for a bounded time; keep what crashes or is slow as regression inputs.

    .venv/bin/python scripts/fuzz.py                       # 60 s per reader, all readers
    .venv/bin/python scripts/fuzz.py --seconds 300 --readers markdown,latex
    .venv/bin/python scripts/fuzz.py --no-save             # report only, write nothing
    .venv/bin/python scripts/fuzz.py --seed-corpus         # (re)write the regression inputs of
                                                           # tests/fuzz_targets.REGRESSIONS into the corpus

Each reader is one target (tests/fuzz_targets.py): Hypothesis draws structure-aware inputs (and
raw Unicode or bytes), each is read, checked offline with every rule and rendered, and the
properties of ``fuzz_targets.check_invariants`` are asserted; Hypothesis is told each input's
time (``hypothesis.target``) so it steers towards slow ones. An input that raises, trips an
invariant, or hits a reader's catch-all handler (``fuzz_targets.Swallowed``) is a *crash*: it is
shrunk (unless --no-shrink) and saved in tests/fuzz_corpus/<reader>/, a file per input named by
its hash. An input under 100 KB that takes more than 2 s is *slow* and saved the same way.
tests/test_fuzz_corpus.py replays every saved file. Exit status 1 when anything was found.

Atheris (libFuzzer for Python) would also do, and has a wheel for this platform, but is not a
dependency; Hypothesis is, and its structure-aware strategies reach the parsers' deep branches.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings, target  # noqa: E402

from tests import fuzz_targets as ft  # noqa: E402
from tests import timing  # noqa: E402

ROUND_EXAMPLES = 60  # examples per Hypothesis run; runs repeat (with new random draws) until time is up


@dataclasses.dataclass
class Found:
    kind: str  # "crash" | "slow"
    size: int
    seconds: float
    summary: str
    path: Path | None = None


@dataclasses.dataclass
class Result:
    reader: str
    inputs: int = 0
    seconds: float = 0.0
    worst_seconds: float = 0.0
    worst_size: int = 0
    found: list[Found] = dataclasses.field(default_factory=list)
    skipped: str | None = None

    @property
    def crashes(self) -> list[Found]:
        return [f for f in self.found if f.kind == "crash"]

    @property
    def slow(self) -> list[Found]:
        return [f for f in self.found if f.kind == "slow"]


def _size(data: str | bytes) -> int:
    return len(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))


def _summary(error: BaseException) -> str:
    """The exception, where it was raised and its message with numbers blanked: one crash while
    Hypothesis shrinks it (offsets change, the failure stays), two for two different failures."""
    frames = traceback.extract_tb(error.__traceback__)
    where = next((f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames) if "/refcheck/" in f.filename or "fuzz_targets" in f.filename),
                 "?")
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    first_line = re.sub(r"Span\(.*?\)", "Span(...)", first_line)
    return f"{type(error).__name__} at {where}: {re.sub(r'[0-9]+', 'N', first_line)[:160]}"


def _slow_again(reader: str, data) -> bool:
    factor = timing.speed_factor()
    return ft.run(reader, data).seconds > ft.SLOW_SECONDS * factor


def fuzz(reader: str, seconds: float, *, save: bool = True, shrink: bool = True, log=print) -> Result:
    """Fuzz one reader for about ``seconds`` (shrinking a crash may take a little longer)."""
    result = Result(reader)
    reason = ft.unavailable(reader)
    if reason:
        result.skipped = reason
        return result
    ft.run(reader, b"" if reader in ft.BINARY_READERS else "")  # imports and compiled patterns, before anything is timed
    slow_factor = timing.speed_factor()
    started = time.perf_counter()
    deadline = started + seconds
    failures: dict[str, str | bytes] = {}  # crash summary -> the last (so the most shrunk) input that raised it
    slow_seen: set[str] = set()

    phases = [Phase.generate, Phase.target] + ([Phase.shrink] if shrink else [])

    @settings(max_examples=ROUND_EXAMPLES, deadline=None, database=None, phases=phases, derandomize=False,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(ft.STRATEGIES[reader])
    def one(data):
        result.inputs += 1
        t0 = time.perf_counter()
        try:
            outcome = ft.run(reader, data)
        except Exception as error:
            failures[_summary(error)] = data
            raise
        elapsed = time.perf_counter() - t0
        size = _size(data)
        if elapsed > result.worst_seconds:
            result.worst_seconds, result.worst_size = elapsed, size
        target(outcome.seconds, label="seconds")
        # SLOW_SECONDS are reference seconds (tests/timing.py): scaled by this machine's speed, and
        # an input is slow only if it is slow again, at the speed measured then
        if outcome.seconds > ft.SLOW_SECONDS * slow_factor and size < ft.SLOW_SIZE and _slow_again(reader, data):
            name = ft.corpus_name(reader, data)
            if name not in slow_seen:
                slow_seen.add(name)
                path = ft.save(reader, data) if save else None
                result.found.append(Found("slow", size, outcome.seconds, f"{outcome.seconds:.1f} s for {size:,} bytes", path))
                log(f"  {reader}: slow input ({outcome.seconds:.1f} s, {size:,} bytes){f' -> {path}' if path else ''}")

    reported: set[str] = set()
    while time.perf_counter() < deadline:
        try:
            one()
        except Exception:  # noqa: BLE001 - recorded in failures by the test body; keep fuzzing
            pass
        for summary, data in failures.items():
            if summary in reported:
                continue
            reported.add(summary)
            path = ft.save(reader, data) if save else None
            result.found.append(Found("crash", _size(data), 0.0, summary, path))
            log(f"  {reader}: CRASH {summary}{f' -> {path}' if path else ''}")
        failures.clear()
    result.seconds = time.perf_counter() - started
    return result


def table(results: list[Result]) -> str:
    """The fuzzing rows of the robustness table (Markdown)."""
    lines = ["| Reader | Inputs tried | Seconds | Crashes | Slow inputs (> 2 s, < 100 KB) | Worst time |", "|---|---:|---:|---:|---:|---:|"]
    for r in results:
        if r.skipped:
            lines.append(f"| {r.reader} | skipped: {r.skipped} | | | | |")
            continue
        lines.append(f"| {r.reader} | {r.inputs:,} | {r.seconds:.0f} | {len(r.crashes)} | {len(r.slow)} | "
                     f"{r.worst_seconds:.2f} s ({r.worst_size:,} bytes) |")
    return "\n".join(lines) + "\n"


def seed_corpus() -> list[Path]:
    """Write the known regression inputs (fuzz_targets.REGRESSIONS) into the corpus."""
    return [ft.save(r.reader, r.build()) for r in ft.REGRESSIONS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="time per reader (default 60)")
    parser.add_argument("--readers", default=",".join(ft.READERS), help="comma-separated readers (default: all)")
    parser.add_argument("--no-save", action="store_true", help="do not write crashing or slow inputs into tests/fuzz_corpus/")
    parser.add_argument("--no-shrink", action="store_true", help="save crashing inputs as found, without shrinking them")
    parser.add_argument("--seed-corpus", action="store_true", help="write the known regression inputs into the corpus, then fuzz")
    args = parser.parse_args(argv)
    if args.seed_corpus:
        for path in seed_corpus():
            print(f"corpus: {path.relative_to(ROOT)}")
    readers = [r.strip() for r in args.readers.split(",") if r.strip()]
    unknown = sorted(set(readers) - set(ft.READERS))
    if unknown:
        parser.error(f"unknown readers: {', '.join(unknown)} (choose from {', '.join(ft.READERS)})")
    results = []
    for reader in readers:
        print(f"fuzzing {reader} for {args.seconds:g} s", flush=True)
        results.append(fuzz(reader, args.seconds, save=not args.no_save, shrink=not args.no_shrink))
    print()
    print(table(results))
    return 1 if any(r.found for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
