"""The timing checks themselves (tests/timing.py): growth catches a quadratic step and lets a linear
one pass on any machine; budgets scale with the machine's measured speed."""

from __future__ import annotations

import pytest

from tests import timing


def test_linear_growth_passes(reference_machine):
    timing.assert_linear(lambda n: n * 2e-6, 1_000_000, what="linear")  # 2 s at 1 MB: judged, and linear


@pytest.fixture
def reference_machine(monkeypatch):
    """Models of timings, judged as on the reference machine (the real speed plays no part)."""
    monkeypatch.setattr(timing, "speed_factor", lambda: 1.0)


def test_quadratic_growth_fails(reference_machine):
    with pytest.raises(AssertionError, match=r"64\.0x for 8x the input"):
        timing.assert_linear(lambda n: (n / 1_000_000) ** 2 * 10, 1_000_000, what="quadratic")


def test_growth_too_fast_to_time_is_not_judged(reference_machine):
    """Below FLOOR reference seconds, fixed costs and noise dominate: no verdict."""
    timing.assert_linear(lambda n: (n / 1_000_000) ** 2 * 0.01, 1_000_000, what="tiny")


def test_one_slow_moment_is_measured_again_before_a_verdict(reference_machine):
    times = iter([0.1, 5.0, 0.12, 0.8])  # small, large in a busy moment; then both again, quietly
    small, large = timing.assert_linear(lambda n: next(times), 1_000_000)
    assert (small, large) == (0.1, 0.8)


def test_a_budget_in_reference_seconds_is_judged_on_the_best_round(reference_machine):
    times = iter([0.5, 6.0, 0.5, 4.0])  # the large input over 5 reference seconds once, then within them
    assert timing.assert_linear(lambda n: next(times), 1_000_000, budget=5.0) == (0.5, 4.0)
    times = iter([0.5, 6.0] * 3)
    with pytest.raises(AssertionError, match="over 5 reference seconds"):
        timing.assert_linear(lambda n: next(times), 1_000_000, budget=5.0)


def test_a_real_quadratic_loop_is_caught():
    """Not a model: real time of a real O(n^2) loop, on whatever machine runs this."""

    def quadratic(n: int) -> float:
        k = n // 200  # k * k steps: 25 million at 1 MB (about 1.5 s here, 3x the floor), 390,000 at 125 KB
        started = timing.cpu_time()
        total = 0
        for i in range(k):
            for j in range(k):
                total += i ^ j
        return timing.cpu_time() - started

    with pytest.raises(AssertionError, match="for 8x the input"):
        timing.assert_linear(quadratic, 1_000_000, what="nested loops")


def test_a_real_linear_loop_is_judged_and_passes():
    def linear(n: int) -> float:
        started = timing.cpu_time()
        total = 0
        for i in range(n):  # 20 million steps at the large size: over the floor on any machine
            total += i ^ 7
        return timing.cpu_time() - started

    _, large = timing.assert_linear(linear, 20_000_000, what="one loop")
    assert large > timing.FLOOR * timing.speed_factor() / 2, "long enough to be judged"


def test_a_budget_scales_with_the_slower_calibration(monkeypatch):
    readings = iter([timing.REFERENCE, 3 * timing.REFERENCE])  # the machine got busy between the two calibrations
    monkeypatch.setattr(timing, "calibrate", lambda runs=5: next(readings))
    clock = iter([10.0, 14.0])
    monkeypatch.setattr(timing, "cpu_time", lambda: next(clock))
    with timing.Stopwatch() as watch:
        pass
    assert watch.factor == 3 and watch.elapsed == 4.0 and watch.reference_seconds() == pytest.approx(4 / 3)
    watch.assert_within(1.5, "four seconds at a third of the speed")
    with pytest.raises(AssertionError, match="over its budget of 1 reference seconds"):
        watch.assert_within(1.0, "the same")


def test_a_time_clearly_within_its_budget_needs_no_calibration(monkeypatch):
    """A quarter of the budget passes on any machine of this kind: most stopwatches time
    milliseconds, and calibrating each would cost the suite minutes."""
    def refuse(runs=5):
        raise AssertionError("calibrated")

    monkeypatch.setattr(timing, "calibrate", refuse)
    clock = iter([10.0, 10.2])
    monkeypatch.setattr(timing, "cpu_time", lambda: next(clock))
    with timing.Stopwatch() as watch:
        pass
    watch.assert_within(1.0, "0.2 s of a 1 s budget")
    with pytest.raises(AssertionError, match="calibrated"):
        watch.assert_within(0.5, "0.2 s of a 0.5 s budget: judged at this machine's speed")


def test_calibration_is_positive_and_repeatable():
    first, second = timing.calibrate(), timing.calibrate()
    assert first > 0 and second > 0
    assert max(first, second) / min(first, second) < 10  # best-of-5 readings a moment apart agree
