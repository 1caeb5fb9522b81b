"""How the test suite times things: never against a fixed number of seconds.

Machines of one kind differ 2-3x in single-thread speed, and CI runs on whichever one the session
had, busy or not. A test that says "under 5 s" passes where it was written and fails elsewhere, so
no test here compares a duration with a constant. Two measures hold on any machine:

**Growth.** The same kind of input at two sizes, both well-formed (built to size, not cut), each
timed as the best of a few runs. At 8x the size a linear step costs about 8x the time and a
quadratic one 64x; ``assert_linear`` fails above ``GROWTH_LIMIT`` (20x). Below ``FLOOR`` reference
seconds at the larger size, growth is not judged: fixed costs dominate there, and no quadratic
step that slow on a megabyte hurts anyone.

**Budget.** A duration in *reference seconds*: the time something takes on the reference machine
(where ``REFERENCE`` was measured), scaled by how long ``calibrate()``'s fixed pure-Python workload
takes on this machine, now. A ``Stopwatch`` calibrates just before and just after what it times
and judges against the slower of the two, so a machine 2x slower, or loaded by another process
for the whole measurement, gets a 2x budget. It is for "refused quickly, not read" and "no hang"
checks, whose budgets are an order of magnitude above the expected time.

Waits that are the program's own (back-off, Retry-After, rate-limit spacing, timeouts) are not
measured at all: those tests give the code a fake clock and assert the waits it asked for, or
count the requests and timeouts that happened.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import regex as re

GROWTH_LIMIT = 20.0  # time(8n) / time(n): linear is ~8, quadratic 64
FLOOR = 0.5  # reference seconds at the larger size below which growth is not judged
REFERENCE = 0.0105  # calibrate() on the machine where the budgets were set (2 cores, quiet; best of 5)

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


def calibrate(runs: int = 5) -> float:
    """Seconds this machine takes now for the fixed workload: the best of ``runs``."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        _workload()
        best = min(best, time.perf_counter() - started)
    return best


def speed_factor() -> float:
    """How much slower than the reference machine this one is now (2.0: twice as slow)."""
    return calibrate() / REFERENCE


class Stopwatch:
    """Times a block and judges it in reference seconds::

        with Stopwatch() as watch:
            refuse(huge_file)
        watch.assert_within(2.0, "refusing a 100 MB file")
    """

    def __enter__(self) -> Stopwatch:
        self.before = calibrate()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.elapsed = time.perf_counter() - self.started
        self.after = calibrate()

    @property
    def factor(self) -> float:
        return max(self.before, self.after) / REFERENCE

    def reference_seconds(self) -> float:
        """The time measured, converted to the reference machine."""
        return self.elapsed / self.factor

    def assert_within(self, reference_seconds: float, what: str = "") -> None:
        budget = reference_seconds * self.factor
        assert self.elapsed < budget, (
            f"{what or 'it'} took {self.elapsed:.2f} s, over its budget of {reference_seconds:g} reference seconds "
            f"({budget:.2f} s on this machine now, which is {self.factor:.2f}x the reference)")


def best_time(run: Callable[[], object], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def assert_linear(measure: Callable[[int], float], size: int, *, ratio: int = 8, what: str = "") -> tuple[float, float]:
    """``measure(n)`` times the input built at about n bytes; it is called at ``size // ratio`` and
    ``size``. Fails when the larger one takes over ``GROWTH_LIMIT`` times the smaller (ratio 8)
    and over ``FLOOR`` reference seconds. The small size is timed best of 3; the large once, and
    twice more only if the first looks too slow (a busy moment is not a verdict). Returns both times."""
    small = min(measure(size // ratio) for _ in range(3))
    limit = GROWTH_LIMIT * ratio / 8
    large = measure(size)
    floor = FLOOR * speed_factor()
    for _ in range(2):
        if large <= max(limit * small, floor):
            break
        large = min(large, measure(size))
        floor = max(floor, FLOOR * speed_factor())
    assert large <= max(limit * small, floor), (
        f"{what}: {small:.3f} s at {size // ratio:,} bytes, {large:.3f} s at {size:,} bytes: "
        f"{large / small:.1f}x for {ratio}x the input (linear is {ratio}x, the limit {limit:g}x)")
    return small, large
