"""The frames a socket keeps are bounded by count and bytes; positions survive trimming."""

from __future__ import annotations

from dataclasses import dataclass

from wxcc_desk.api.framelog import FrameLog


@dataclass
class F:
    n: int
    size: int = 10


def test_count_bound_keeps_the_newest_and_positions() -> None:
    log: FrameLog[F] = FrameLog(kept_frames=3, kept_bytes=1000)
    for n in range(10):
        log.append(F(n))
    assert log.end == 10 and log.kept == (3, 30)
    assert log.at(9) == (9, F(9))
    assert log.at(2) == (7, F(7))  # a reader that fell behind skips to the oldest kept
    assert log.at(10) == (10, None)


def test_byte_bound_and_one_frame_always_kept() -> None:
    log: FrameLog[F] = FrameLog(kept_frames=100, kept_bytes=25)
    for n in range(5):
        log.append(F(n))
    assert log.kept == (2, 20)
    log.append(F(99, size=500))  # larger than the whole bound: kept alone, it is the newest
    assert log.kept == (1, 500) and log.at(0) == (5, F(99, size=500))
