"""Robustness: every reader fuzzed for a fixed budget, and the 1 MB adversarial inputs through the command line.

    .venv/bin/python benchmarks/robustness.py                    # 60 s of fuzzing per reader, then the adversarial set
    .venv/bin/python benchmarks/robustness.py --seconds 20 --write
    .venv/bin/python benchmarks/robustness.py --skip-fuzz        # the adversarial set only

Fuzzing is scripts/fuzz.py's (structure-aware Hypothesis inputs, invariants of
tests/fuzz_targets.py); with --save the inputs it finds crashing or slow go into tests/fuzz_corpus/
(a measurement saves nothing by default: inputs hitting a known, still open defect would fail the
corpus replay until listed in fuzz_targets.REGRESSIONS). Each adversarial input of ``fuzz_targets.ADVERSARIAL`` is written to a file and run as
``python -m refcheck FILE --offline --format json`` (start-up included, cut off at --timeout).

Prints a Markdown "robustness table"; with --write it is stored as the ``robustness`` section of
benchmarks/RESULTS.md (``results.write_section``). Other harnesses add rows to the summary (faults
injected into the Crossref client, say) with ``Row`` and ``summary_table``::

    from robustness import Row, summary_table
    rows = [*fuzz_rows(...), Row("faults injected", "crossref", 500, 0, 0, "0.4 s", "timeouts, 429, resets")]

Run it on a quiet machine (``uptime``): the times are wall-clock, and the slow-input threshold
(2 s) is absolute.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# benchmarks/ goes last (Python put it first, as the script's directory): benchmarks/html.py must
# not hide the standard library's html, which the JATS reader imports
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import fuzz  # noqa: E402
from results import write_section  # noqa: E402

from tests import fuzz_targets as ft  # noqa: E402
from tests import timing  # noqa: E402


@dataclasses.dataclass
class Row:
    """One line of the summary: what was thrown at which target, and what came of it."""

    kind: str  # "fuzz", "adversarial 1 MB", "faults injected"...
    target: str  # a reader, or another component
    inputs: int
    crashes: int
    slow: int
    worst: str  # the worst time, as text (with what it was)
    notes: str = ""


def summary_table(rows: list[Row]) -> str:
    lines = ["| Kind | Target | Inputs tried | Crashes | Slow | Worst time | Notes |", "|---|---|---:|---:|---:|---|---|"]
    lines += [f"| {r.kind} | {r.target} | {r.inputs:,} | {r.crashes} | {r.slow} | {r.worst} | {r.notes} |" for r in rows]
    return "\n".join(lines) + "\n"


def fuzz_rows(results: list[fuzz.Result], seconds: float) -> list[Row]:
    rows = []
    for r in results:
        if r.skipped:
            rows.append(Row(f"fuzz {seconds:g} s", r.reader, 0, 0, 0, "", f"skipped: {r.skipped}"))
            continue
        notes = "; ".join(sorted({f.summary for f in r.crashes}))[:300]
        rows.append(Row(f"fuzz {seconds:g} s", r.reader, r.inputs, len(r.crashes), len(r.slow),
                        f"{r.worst_seconds:.2f} s ({r.worst_size:,} bytes)", notes))
    return rows


@dataclasses.dataclass
class Timed:
    adversarial: ft.Adversarial
    size: int
    seconds: float | None  # None: cut off
    exit_code: int | None
    error: str = ""


def run_adversarial(timeout: float, log=print) -> list[Timed]:
    out = []
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        for a in ft.ADVERSARIAL:
            if ft.unavailable(a.reader):
                continue
            data = a.build(ft.MB)
            path = Path(tmp) / f"{a.name}{ft.EXTENSIONS[a.reader]}"
            path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
            started = time.perf_counter()
            try:
                proc = subprocess.run([sys.executable, "-m", "refcheck", str(path), "--offline", "--format", "json"],
                                      capture_output=True, text=True, env=env, timeout=timeout)
                seconds, code = time.perf_counter() - started, proc.returncode
                error = proc.stderr.strip().splitlines()[-1][:200] if code not in (0, 1) or "Traceback" in proc.stderr else ""
            except subprocess.TimeoutExpired:
                seconds, code, error = None, None, ""
            out.append(Timed(a, path.stat().st_size, seconds, code, error))
            path.unlink()
            shown = f"{seconds:.2f} s" if seconds is not None else f"> {timeout:g} s"
            log(f"  {a.name:28} {a.reader:9} {shown}{'  ' + error if error else ''}", flush=True)
    return out


def adversarial_rows(timed: list[Timed], timeout: float) -> list[Row]:
    rows = []
    for reader in ft.READERS:
        mine = [t for t in timed if t.adversarial.reader == reader]
        if not mine:
            continue
        crashes = [t for t in mine if t.error]
        slow = [t for t in mine if t.seconds is None or t.seconds >= ft.ADVERSARIAL_SECONDS]
        worst = max(mine, key=lambda t: float("inf") if t.seconds is None else t.seconds)
        shown = f"> {timeout:g} s" if worst.seconds is None else f"{worst.seconds:.2f} s"
        known = sorted({t.adversarial.known for t in slow if t.adversarial.known})
        volume = [t.adversarial.name for t in slow if t.adversarial.volume]
        notes = "; ".join([*(f"known: {k}" for k in known), *([f"volume: {', '.join(volume)}"] if volume else [])])
        rows.append(Row("adversarial 1 MB", reader, len(mine), len(crashes), len(slow), f"{shown} ({worst.adversarial.name})", notes))
    return rows


def adversarial_table(timed: list[Timed], timeout: float) -> str:
    lines = ["| Input | Reader | Size | `refcheck FILE --offline --format json` | Exit | What it is |", "|---|---|---:|---:|---:|---|"]
    for t in timed:
        a = t.adversarial
        shown = f"> {timeout:g} s" if t.seconds is None else f"{t.seconds:.2f} s"
        if t.seconds is None or t.seconds >= ft.ADVERSARIAL_SECONDS:
            shown = f"**{shown}**"
        what = a.why + (" (volume)" if a.volume else "") + (f"; known: {a.known}" if a.known else "") + (f"; {t.error}" if t.error else "")
        lines.append(f"| {a.name} | {a.reader} | {t.size / 1e6:.2f} MB | {shown} | {'' if t.exit_code is None else t.exit_code} | {what} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="fuzzing time per reader (default 60)")
    parser.add_argument("--timeout", type=float, default=60.0, help="cut-off per adversarial run (default 60 s)")
    parser.add_argument("--skip-fuzz", action="store_true")
    parser.add_argument("--skip-adversarial", action="store_true")
    parser.add_argument("--save", action="store_true", help="save crashing or slow fuzz inputs into tests/fuzz_corpus/ (as scripts/fuzz.py does)")
    parser.add_argument("--write", action="store_true", help="store the table in benchmarks/RESULTS.md (section 'robustness')")
    args = parser.parse_args(argv)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    calibration = timing.calibrate()
    rows: list[Row] = []
    results: list[fuzz.Result] = []
    if not args.skip_fuzz:
        for reader in ft.READERS:
            print(f"fuzzing {reader} for {args.seconds:g} s", flush=True)
            results.append(fuzz.fuzz(reader, args.seconds, save=args.save))
        rows += fuzz_rows(results, args.seconds)
    timed: list[Timed] = []
    if not args.skip_adversarial:
        print(f"adversarial inputs ({len(ft.ADVERSARIAL)})", flush=True)
        timed = run_adversarial(args.timeout)
        rows += adversarial_rows(timed, args.timeout)

    text = (f"Measured {dt.date.today().isoformat()} on {os.cpu_count()} CPUs (load average {load:.2f} at the start), "
            f"Python {platform.python_version()}; tests/timing.py's calibration {calibration * 1000:.1f} ms against the reference "
            f"{timing.REFERENCE * 1000:.1f} ms, so this machine ran at {calibration / timing.REFERENCE:.2f}x the reference's time "
            f"(the tests hold these inputs to linear growth and to budgets in reference seconds, never to these numbers). Fuzzing: structure-aware Hypothesis inputs per reader (scripts/fuzz.py), "
            f"a crash is an exception, a broken invariant or an exception a reader's catch-all handler swallowed; slow is over "
            f"{ft.SLOW_SECONDS:g} s for under {ft.SLOW_SIZE // 1000} KB. Adversarial: `refcheck FILE --offline --format json` "
            f"as a whole process (start-up included); slow is {ft.ADVERSARIAL_SECONDS:g} s or more.\n\n")
    text += summary_table(rows)
    if timed:
        text += "\n" + adversarial_table(timed, args.timeout)
    print()
    print(text)
    if args.write:
        write_section("robustness", "## Robustness (benchmarks/robustness.py)\n\n" + text)
        print("written to benchmarks/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
