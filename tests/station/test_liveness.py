"""The `--hold` reconnect schedule, decided without waiting: `Backoff` takes the clock as an
argument, so these tests step it by hand (no sleeps, no timed asserts)."""

from __future__ import annotations

from wxcc_desk.station.liveness import Backoff, HoldTimings


def test_defaults_are_the_sdks() -> None:
    t = HoldTimings()
    # connection-service.ts / core/constants.ts: WS_DISCONNECT_ALLOWED, CONNECTIVITY_CHECK_INTERVAL,
    # LOST_CONNECTION_RECOVERY_TIMEOUT
    assert (t.liveness, t.retry, t.recovery) == (8.0, 5.0, 50.0)


def test_waits_are_at_least_the_sdk_interval_and_grow_after_repeated_failures() -> None:
    b = Backoff(HoldTimings())
    waits = []
    for _ in range(8):
        waits.append(b.wait())
        b.start(0.0)
        b.attempt_failed()
    assert waits == [5.0, 5.0, 10.0, 20.0, 40.0, 60.0, 60.0, 60.0]


def test_a_socket_that_dies_soon_counts_as_a_failure_and_a_stable_one_resets() -> None:
    b = Backoff(HoldTimings())
    b.socket_ended(opened=0.0, now=100.0)  # the login's own socket: nothing to blame yet
    assert b.wait() == 5.0
    for n in range(4):  # reconnect works, then the socket drops a second later: a flap
        b.start(float(n))
        b.socket_ended(opened=float(n), now=n + 1.0)
    assert b.failures == 4 and b.wait() == 40.0
    b.start(10.0)
    b.socket_ended(opened=10.0, now=10.0 + HoldTimings().stable)  # it held: back to 5 s
    assert b.failures == 0 and b.wait() == 5.0


def test_attempts_per_window_are_capped() -> None:
    t = HoldTimings(window=600.0, window_cap=3)
    b = Backoff(t)
    for at in (0.0, 100.0, 200.0):
        assert not b.over_cap(at)
        b.start(at)
    assert b.over_cap(300.0)  # a fourth within 600 s
    assert not b.over_cap(600.5)  # the first one has left the window


def test_window_keeps_no_growing_history() -> None:
    b = Backoff(HoldTimings(window=10.0, window_cap=1000))
    for n in range(10_000):
        b.start(float(n))
    assert len(b._attempts) <= 11


def test_timings_from_the_hidden_environment_knob() -> None:
    t = HoldTimings.from_env({"WXCC_HOLD_TIMINGS": "liveness=0.3, retry=0.05,bogus=1,stable=x"})
    assert (t.liveness, t.retry, t.stable) == (0.3, 0.05, 60.0)
    assert HoldTimings.from_env({"WXCC_HOLD_TIMINGS": "retry=0,liveness=-1"}) == HoldTimings()
    assert HoldTimings.from_env({}) == HoldTimings()
