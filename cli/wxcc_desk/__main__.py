"""The `wxcc-desk` console script and `python -m wxcc_desk`: Ctrl-C and SIGTERM handled from the
first line the tool runs to its exit.

`app.main` turns a signal into one line and its exit code while a command runs. A signal can also
land while Python imports the app (a tenth of a second on a loaded machine), in the console
script's own lines, or after the command has printed its result, where Python's defaults would
print a traceback (Ctrl-C) or end the process with no word (SIGTERM). So this module's first
lines only note a signal (nothing can be raised where no code of ours would catch it); `run`
sets the handlers that raise, stops at once for a signal noted before it, and once the exit
code is decided both signals are ignored (`interrupt.settle`). Only the moments before this
module's first line (Python starting, the console script's imports) keep Python's defaults.
"""

import signal

_noted: list[int] = []  # signals that came before `run`: it stops for them


def _note(signum: int, _frame: object) -> None:
    _noted.append(signum)


signal.signal(signal.SIGINT, _note)  # first: every line below takes time
signal.signal(signal.SIGTERM, _note)

import sys  # noqa: E402 - after the handlers, on purpose
from typing import NoReturn  # noqa: E402

from wxcc_desk.core import interrupt  # noqa: E402


def run() -> None:
    code: str | int | None = 0
    try:
        try:
            interrupt.for_process(_noted)  # inside the try: its handlers raise from here on
            interrupt.raise_swallowed()  # a signal noted before now: stop before any work
            from wxcc_desk.app import main
        except BaseException as stop:  # a signal can surface as another error in an import
            stopped = isinstance(stop, KeyboardInterrupt | interrupt.Terminated)
            if not stopped and not interrupt.signalled():
                raise
            _outside(stop)
        main()
    except SystemExit as done:
        code = done.code
    except (KeyboardInterrupt, interrupt.Terminated) as stop:  # while main ended
        try:
            _outside(stop)
        except SystemExit as done:
            code = done.code
    finally:
        interrupt.settle()
    sys.exit(code)


def _outside(stop: BaseException) -> NoReturn:
    interrupt.settle()  # a second signal must not cut the line short
    from wxcc_desk.app import stopped_outside_main

    stopped_outside_main(ctrl_c=interrupt.by_ctrl_c(stop))


if __name__ == "__main__":
    run()
