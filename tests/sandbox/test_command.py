"""`wxcc-desk sandbox` as a user runs it: first line, user lines, clean stop, refusals."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from wxcc_desk.app import main
from wxcc_desk.core.context import AppContext
from wxcc_desk.core.output import Output


def _run_main(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        main(argv, AppContext(out=Output(stdout=out, stderr=err)))
    except SystemExit as done:
        code = int(done.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serves_until_signalled(sig: signal.Signals) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "wxcc_desk", "sandbox", "--port", "0", "--rate-limit", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        first = proc.stdout.readline().strip()  # type: ignore[union-attr]
        assert first.startswith("sandbox listening on http://127.0.0.1:")
        url = first.rsplit(" ", 1)[1]
        users = [proc.stdout.readline().rstrip("\n").split("\t") for _ in range(6)]  # type: ignore[union-attr]
        by_email = {u[0]: u for u in users}
        assert by_email["sam@example.com"][1] == "agent,supervisor"
        assert by_email["admin@example.com"][1] == "admin"
        token = by_email["alice@example.com"][2]
        me = httpx.get(
            f"{url}/v1/people/me", headers={"Authorization": f"Bearer {token}"}, trust_env=False
        )
        assert me.json()["emails"] == ["alice@example.com"]
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "sandbox stopped" in err
    assert "Traceback" not in err


def test_non_loopback_host_refused_with_the_fix() -> None:
    code, _, err = _run_main(["sandbox", "--host", "0.0.0.0"])
    assert code == 2
    assert "non-loopback" in err
    assert "--allow-remote" in err


def test_bad_tenant_exits_3_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("users:\n  - email: someone@example.com\n    shoe_size: 9\n")
    code, out, err = _run_main(["sandbox", "--tenant", str(bad)])
    assert code == 3
    assert out == ""
    first = err.splitlines()[0]
    assert first.startswith(f"error: {bad}:3: users[0].shoe_size: unknown key (keys here: ")
    keys = first.split("keys here: ", 1)[1].split(";", 1)[0].split(", ")
    assert "email" in keys and "shoe_size" not in keys  # what a user entry accepts
    assert first.endswith("; a whole file: `wxcc-desk sandbox --show-tenant`)")
    assert "Traceback" not in err


def test_a_bad_fault_is_a_usage_error_and_a_busy_port_a_config_error() -> None:
    code, _, err = _run_main(["sandbox", "--fault", "explode"])
    assert code == 2
    assert "unknown fault kind" in err
    code, _, err = _run_main(["sandbox", "--fault", "status=major:Agent"])
    assert code == 2
    assert "matches no component" in err and "Contact Center" in err
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = _run_main(["sandbox", "--port", str(port)])
    assert code == 3  # the flags are right: the machine refuses the port
    assert "cannot listen" in err and "pick another --port" in err
    code, _, err = _run_main(["sandbox", "--host", "10.255.255.1", "--allow-remote"])
    assert code == 3
    assert "--host 10.255.255.1 is not an address of this machine" in err
    assert "--port" not in err.split("fix:", 1)[1]  # the port was never the problem


def test_help_mentions_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = _run_main(["sandbox", "--help"])
    out = capsys.readouterr().out  # click prints help to the process's stdout
    assert code == 0
    for flag in (
        "--host",
        "--port",
        "--tenant",
        "--latency-ms",
        "--rate-limit",
        "--fault",
        "--allow-remote",
    ):
        assert flag in out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_closed_stdout_does_not_stop_the_sandbox() -> None:
    """`wxcc-desk sandbox | head -1`: the reader is gone before the sandbox prints; it goes on
    serving (it once said 'cannot listen ... Broken pipe' and exited 2)."""
    port = _free_port()
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read: every write to stdout fails with EPIPE
    proc = subprocess.Popen(
        [sys.executable, "-m", "wxcc_desk", "sandbox", "--port", str(port), "--rate-limit", "0"],
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(write_end)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                answer = httpx.get(f"{url}/v1/people/me", trust_env=False, timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.communicate()[1]
                time.sleep(0.05)
        assert answer.status_code == 401  # serving: a request without a token is refused
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert f"stdout was closed; still serving on {url}" in err
    assert "cannot listen" not in err and "Traceback" not in err and "Exception ignored" not in err
