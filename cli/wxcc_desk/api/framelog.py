"""The frames a notification socket keeps: in order, numbered, and bounded.

Positions count every frame ever received, so a reader's place survives the oldest frames being
let go. Only the newest `KEPT_FRAMES` frames, at most `KEPT_BYTES` of them, stay in memory: a
long `--hold` or a flood of frames keeps no history that grows with time. A reader that fell
behind what is kept skips ahead to the oldest frame still kept.
"""

from __future__ import annotations

from collections import deque
from typing import Generic, Protocol, TypeVar

KEPT_FRAMES = 512
KEPT_BYTES = 8 * 1024 * 1024


class Sized(Protocol):
    @property
    def size(self) -> int: ...


F = TypeVar("F", bound=Sized)


class FrameLog(Generic[F]):
    def __init__(self, kept_frames: int = KEPT_FRAMES, kept_bytes: int = KEPT_BYTES) -> None:
        self._frames: deque[F] = deque()
        self._base = 0  # position of the oldest frame kept
        self._bytes = 0
        self._max_frames = kept_frames
        self._max_bytes = kept_bytes

    @property
    def end(self) -> int:
        """The position after the newest frame."""
        return self._base + len(self._frames)

    @property
    def kept(self) -> tuple[int, int]:
        """How many frames and bytes are held now."""
        return len(self._frames), self._bytes

    def append(self, frame: F) -> None:
        self._frames.append(frame)
        self._bytes += frame.size
        while len(self._frames) > 1 and (
            len(self._frames) > self._max_frames or self._bytes > self._max_bytes
        ):
            self._bytes -= self._frames.popleft().size
            self._base += 1

    def at(self, index: int) -> tuple[int, F | None]:
        """The frame at `index` (or the oldest kept, when that one is gone) and its position;
        None at the end."""
        index = max(index, self._base)
        if index >= self.end:
            return index, None
        return index, self._frames[index - self._base]
