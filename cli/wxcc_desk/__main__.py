"""The `wxcc-desk` console script and `python -m wxcc_desk`: Ctrl-C and SIGTERM handled from the
first line the tool runs to its exit.

`app.main` turns a signal into one line and its exit code while a command runs. A signal can also
land while Python imports the app (a tenth of a second on a loaded machine) or after the command
has printed its result, where Python's defaults would print a traceback (Ctrl-C) or end the
process with no word (SIGTERM). So SIGTERM raises from this module's first lines, a signal before
`main` runs gets the same line (and error document with `--json`), and once the exit code is
decided both signals are ignored (`interrupt.settle`). Only the milliseconds in which Python
starts, before this module runs, keep Python's defaults.
"""

import signal
import sys


class _Early(BaseException):
    """SIGTERM before `core.interrupt` (and its Terminated) is imported."""


def _early(_signum: int, _frame: object) -> None:
    raise _Early


signal.signal(signal.SIGTERM, _early)  # first: every import below takes time

try:
    from typing import NoReturn

    from wxcc_desk.core import interrupt
except (KeyboardInterrupt, _Early) as stop:  # the very first imports: no app to report with yet
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    ctrl_c = isinstance(stop, KeyboardInterrupt)
    how = "interrupted (Ctrl-C)" if ctrl_c else "terminated (SIGTERM)"
    sys.stderr.write(f"{how}: the command stopped before it started; run it again\n")
    sys.exit(130 if ctrl_c else 143)


def run() -> None:
    interrupt.for_process()
    code: str | int | None = 0
    try:
        try:
            from wxcc_desk.app import main
        except BaseException as stop:  # a signal can surface as another error in an import
            stopped = isinstance(stop, KeyboardInterrupt | interrupt.Terminated | _Early)
            if not stopped and not interrupt.signalled():
                raise
            _outside(stop)
        main()
    except SystemExit as done:
        code = done.code
    except (KeyboardInterrupt, interrupt.Terminated, _Early) as stop:  # while main ended
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
