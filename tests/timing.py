"""How the test suite times things: never against a fixed number of seconds.

Machines of one kind differ 2-3x in single-thread speed, and CI runs on whichever one the session
had, busy or not. A test that says "under 5 s" passes where it was written and fails elsewhere, so
no test here compares a duration with a constant. Two measures hold on any machine:

**Growth.** The same kind of input at two sizes, both well-formed (built to size, not cut), timed
alternately, the best of up to three rounds. At 8x the size a linear step costs about 8x the time and a
quadratic one 64x; ``assert_linear`` fails above ``GROWTH_LIMIT`` (20x). Below ``FLOOR`` reference
seconds at the larger size, growth is not judged: fixed costs dominate there, and no quadratic
step that slow on a megabyte hurts anyone.

**Budget.** A duration in *reference seconds*: the time something takes on the reference machine
(where ``REFERENCE`` was measured), scaled by how long ``calibrate()``'s fixed pure-Python workload
takes on this machine, now. A ``Stopwatch`` calibrates twice right after what it times (only when
the time is over ``CLEARLY_WITHIN`` of the budget: a quarter of it passes on any machine of this
kind, none being 4x faster than the reference, and most stopwatches in the suite time a few
milliseconds) and judges against the slower calibration, so a machine 2x slower gets a 2x budget.
It is for "refused quickly, not read" and "no hang" checks, whose budgets are an order of
magnitude above the expected time.

Waits that are the program's own (back-off, Retry-After, rate-limit spacing, timeouts) are not
measured at all: those tests give the code a fake clock and assert the waits it asked for, or
count the requests and timeouts that happened.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable

import regex as re

GROWTH_LIMIT = 20.0  # time(8n) / time(n): linear is ~8, quadratic 64
FLOOR = 0.5  # reference seconds at the larger size below which growth is not judged
REFERENCE = 0.0105  # calibrate() on the machine where the budgets were set (2 cores, quiet; best of 5)
CLEARLY_WITHIN = 0.25  # a time under this share of its budget passes without calibrating

_TEXT = "Cells divide (Smith et al., 2019) and Lee (2020) agrees; see [3, 4] and Müller (2018a). " * 60
_PATTERN = re.compile(r"\(([A-Z][\w-]+)(?: et al\.)?, (\d{4})[a-z]?\)|\[(\d+(?:, \d+)*)\]")


def _workload() -> int:
    """Regular expressions, strings, dictionaries and small objects: the kind of work refcheck does."""
    seen: dict[str, int] = {}
    for _ in range(45):
        for match in _PATTERN.finditer(_TEXT):
            key = (match.group(1) or match.group(3) or "").lower()
            seen[key] = seen.get(key, 0) + 1
        words = sorted({w.strip(".,;()[]") for w in _TEXT.split()})
        " ".join(words).encode("utf-8")
    return len(seen)


def cpu_time() -> float:
    """CPU seconds used so far by this process and the children it has waited for.

    What every timing here measures: other processes competing for the CPU do not count (a
    process waiting for its turn uses none), so a loaded machine measures about as a quiet one;
    a slower machine still measures slower, which calibration accounts for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def calibrate(runs: int = 5) -> float:
    """CPU seconds this machine takes now for the fixed workload: the best of ``runs``."""
    best = float("inf")
    for _ in range(runs):
        started = cpu_time()
        _workload()
        best = min(best, cpu_time() - started)
    return best


def speed_factor() -> float:
    """How much slower than the reference machine this one is now (2.0: twice as slow)."""
    return calibrate(3) / REFERENCE


class Stopwatch:
    """Times a block and judges it in reference seconds::

        with Stopwatch() as watch:
            refuse(huge_file)
        watch.assert_within(2.0, "refusing a 100 MB file")
    """

    _factor: float | None = None

    def __enter__(self) -> Stopwatch:
        self.started = cpu_time()
        return self

    def __exit__(self, *exc) -> None:
        self.elapsed = cpu_time() - self.started

    @property
    def factor(self) -> float:
        """How much slower than the reference this machine is now: the slower of two calibrations."""
        if self._factor is None:
            self._factor = max(calibrate(), calibrate()) / REFERENCE
        return self._factor

    def reference_seconds(self) -> float:
        """The time measured, converted to the reference machine."""
        return self.elapsed / self.factor

    def assert_within(self, reference_seconds: float, what: str = "") -> None:
        if self.elapsed < reference_seconds * CLEARLY_WITHIN:
            return  # within budget on any machine of this kind: no calibration needed
        budget = reference_seconds * self.factor
        assert self.elapsed < budget, (
            f"{what or 'it'} took {self.elapsed:.2f} s, over its budget of {reference_seconds:g} reference seconds "
            f"({budget:.2f} s on this machine now, which is {self.factor:.2f}x the reference)")


def seconds(run: Callable[[], object]) -> float:
    """The CPU seconds ``run()`` takes (``cpu_time``)."""
    started = cpu_time()
    run()
    return cpu_time() - started


def assert_linear(measure: Callable[[int], float], size: int, *, ratio: int = 8, what: str = "",
                  budget: float | None = None) -> tuple[float, float]:
    """``measure(n)`` times the input built at about n bytes; it is called at ``size // ratio`` and
    ``size``, alternately, so both see the same load. Fails when the larger one takes over
    ``GROWTH_LIMIT`` times the smaller (at ratio 8) and over ``FLOOR`` reference seconds, or, with
    ``budget``, over that many reference seconds; the verdict is on the best of up to three rounds
    (a busy moment is not a verdict), at the slowest calibration around them. Returns the best
    times, small and large."""
    limit = GROWTH_LIMIT * ratio / 8
    factor = speed_factor()
    small = large = float("inf")

    def fine() -> bool:
        return large <= max(limit * small, FLOOR * factor) and (budget is None or large <= budget * factor)

    for _ in range(3):
        small = min(small, measure(size // ratio))
        large = min(large, measure(size))
        factor = max(factor, speed_factor())
        if fine():
            break
    assert large <= max(limit * small, FLOOR * factor), (
        f"{what}: {small:.3f} s at {size // ratio:,} bytes, {large:.3f} s at {size:,} bytes: "
        f"{large / small:.1f}x for {ratio}x the input (linear is {ratio}x, the limit {limit:g}x)")
    assert budget is None or large <= budget * factor, (
        f"{what}: {large:.2f} s at {size:,} bytes, over {budget:g} reference seconds "
        f"({budget * factor:.2f} s on this machine now, {factor:.2f}x the reference)")
    return small, large
