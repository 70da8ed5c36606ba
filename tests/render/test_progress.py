"""The many-user progress display: a live bar only on a terminal outside CI, plain lines
otherwise (CI logs stay readable)."""

from __future__ import annotations

import io

from wxcc_desk.core.output import Output
from wxcc_desk.render.progress import make_progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _drive(stderr: io.StringIO, env: dict[str, str]) -> str:
    progress = make_progress(Output(stdout=io.StringIO(), stderr=stderr), env)
    progress.start(20)
    for n in range(20):
        progress.advance(f"agent{n}@example.com")
    progress.done()
    return stderr.getvalue()


def test_plain_lines_when_not_a_terminal() -> None:
    text = _drive(io.StringIO(), {})
    assert text.splitlines()[0] == "diagnosing 20 users"
    assert "diagnosed 20/20 users" in text
    assert len(text.splitlines()) <= 12  # one line per 10%, not one per user


def test_plain_lines_in_ci_even_on_a_terminal() -> None:
    text = _drive(_Tty(), {"CI": "true"})
    assert "diagnosed 20/20 users" in text
    assert "\x1b[" not in text


def test_live_bar_on_a_terminal() -> None:
    text = _drive(_Tty(), {})
    assert "diagnosing users" in text  # rich drew the bar on stderr
