#!/usr/bin/env python3
"""Project tasks that need nothing but Python: `python3 tasks.py demo|test|bench|setup|lint|smoke`.

`lint` is ruff, strict mypy and import-linter (the layer contracts); `test` is lint, `smoke`, then
pytest. `smoke`: the sdist and wheel built, the wheel installed in a fresh virtualenv outside the
checkout and used as a user would, and tests run from the unpacked sdist against that install.

Each task first makes sure `.venv` exists and holds the project with its dev extras, reinstalling
only when pyproject.toml changed, so a fresh clone needs no other step.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import selectors
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".wxcc-desk-installed"


def _run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, check=False)
    if result.returncode != 0:
        sys.exit(result.returncode)


def setup() -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    _run(BIN / "python", "-m", "pip", "install", "-q", "--upgrade", "pip")
    _drop_replaced()
    _run(BIN / "python", "-m", "pip", "install", "-q", "-e", ".[dev]")
    STAMP.write_text(wanted)


# Distributions the project no longer uses, each with the one that replaces it under the same
# import name (phonenumberslite ships the `phonenumbers` module without its 47 MB of geocoding,
# carrier and time-zone data). When an old one is in .venv, both go before the install: removing
# only the old one would delete files the replacement shares with it (an older checkout's setup
# installs the old one over the new).
REPLACED = {"phonenumbers": "phonenumberslite"}


def _drop_replaced() -> None:
    for old, new in REPLACED.items():
        probe_code = f"import importlib.metadata as m; m.distribution('{old}')"
        probe = subprocess.run(
            [str(BIN / "python"), "-c", probe_code], capture_output=True, check=False
        )
        if probe.returncode == 0:
            _run(BIN / "python", "-m", "pip", "uninstall", "-q", "-y", old, new)


def lint() -> None:
    setup()
    _run(BIN / "ruff", "check", "cli", "tests", "bench", "tasks.py")
    _run(BIN / "mypy", "--strict", "cli/wxcc_desk", "bench")
    _run(BIN / "lint-imports")  # the layer contracts in pyproject.toml [tool.importlinter]


def test() -> None:
    lint()
    if not sys.argv[2:]:  # the whole suite: first the package as a user gets it (tasks.py smoke)
        smoke()
    # 4 workers: the suite mostly waits on loopback sockets and deadlines, not on the CPU
    _run(BIN / "python", "-m", "pytest", "-q", "-n", "4", *sys.argv[2:])


def demo() -> None:
    setup()
    _run(BIN / "wxcc-desk", "demo")


def bench() -> None:
    setup()
    _run(BIN / "python", "bench/run.py", *sys.argv[2:])


# ---------------------------------------------------------------------------------------------
# smoke: the built package on its own. `python3 tasks.py smoke [--full] [--python PYTHON]`

FOOTPRINT_LIMIT_MB = 80.0  # site-packages of a fresh install, pip and setuptools aside (README)
IN_SDIST = (
    "LICENSE",
    "README.md",
    "CHANGELOG.md",
    "tasks.py",
    "tests/conftest.py",
    "docs/",
    "profiles/sandbox.yaml",
    "profiles/example.yaml",
    "bench/run.py",
)
# The tests run from the unpacked sdist (`--full` runs all of them, ~2.5 minutes more). `test`
# runs the whole suite on the checkout anyway; this subset shows the archive holds what the
# tests read, each kind once: the profiles/ folder and the package data equal to it, the JSON
# Schemas, tests/support and area conftests, tests/station/data, the JUnit XSD, the bench/
# package, the published specs (through WXCC_DESK_SPECS) and subprocess runs with
# PYTHONPATH=<sdist>/cli; ~30 s.
SDIST_TESTS = (
    "tests/core",
    "tests/profiles",
    "tests/station/test_standalone_demo.py",
    "tests/station/test_preflight.py",
    "tests/station/test_login_e2e.py",
    "tests/sandbox/test_spec_validation.py",
    "tests/diagnose/test_ci_outputs.py",
    "tests/render/test_contracts.py",
    "tests/auth/test_cli_credentials.py",
    "tests/bench",
    "tests/test_app.py",
    "tests/test_completion.py",
    "tests/test_packaging.py",
)


def _step(title: str) -> float:
    print(f"== smoke: {title}", flush=True)
    return time.perf_counter()


def _sh(
    args: list[str | Path], cwd: Path, env: dict[str, str], expect: int = 0, label: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run one command of the smoke test; anything but the `expect`ed exit ends the task."""
    print("+", label or " ".join(str(a) for a in args), flush=True)
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != expect:
        sys.stdout.write(done.stdout[-4000:])
        sys.stderr.write(done.stderr[-4000:])
        sys.exit(f"smoke: exit {done.returncode}, expected {expect}: {' '.join(map(str, args))}")
    return done


def _user_env(home: Path) -> dict[str, str]:
    """A user's environment, built from scratch: nothing of the caller's WXCC_*, proxies, XDG
    folders or keyring leaks in, and nothing is written outside `home`."""
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "NO_COLOR": "1",
        "WXCC_DESK_NONINTERACTIVE": "1",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    for name in ("SYSTEMROOT", "TMPDIR", "TEMP", "TMP"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def _build(out: Path) -> tuple[Path, Path]:
    """The sdist, then the wheel built from that sdist (what `python -m build` does)."""
    _sh(
        [BIN / "python", "-m", "build", "--no-isolation", "--outdir", out, ROOT],
        ROOT,
        dict(os.environ),
    )
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel


def _check_archives(sdist: Path, wheel: Path) -> None:
    with tarfile.open(sdist) as tar:
        names = tar.getnames()
    top = names[0].split("/")[0]
    missing = [want for want in IN_SDIST if not any(n.startswith(f"{top}/{want}") for n in names)]
    with zipfile.ZipFile(wheel) as whl:
        if not any(n.endswith(".dist-info/licenses/LICENSE") for n in whl.namelist()):
            missing.append("LICENSE in the wheel")
    if missing:
        sys.exit(f"smoke: the archives lack {', '.join(missing)}")
    print(f"sdist {sdist.name}: {len(names)} entries; wheel {wheel.name}: LICENSE in dist-info")


_FOOTPRINT = """
import importlib.metadata as md, os, sysconfig
from pathlib import Path
aside = set()
for name in ("pip", "setuptools"):
    try:
        dist = md.distribution(name)
    except md.PackageNotFoundError:
        continue
    aside |= {Path(dist.locate_file(f)).resolve() for f in dist.files or ()}
total = 0
for root, _, files in os.walk(sysconfig.get_paths()["purelib"]):
    for f in files:
        path = Path(root, f)
        if path.resolve() not in aside:
            total += path.lstat().st_size
print(total)
"""


def _footprint(vpy: Path, work: Path) -> float:
    size = int(_sh([vpy, "-c", _FOOTPRINT], work, _user_env(work), label="(footprint)").stdout)
    mb = size / 1e6
    verdict = "ok" if mb <= FOOTPRINT_LIMIT_MB else "OVER"
    print(
        f"installed footprint: {mb:.1f} MB (site-packages, pip and setuptools aside); "
        f"limit {FOOTPRINT_LIMIT_MB:.0f} MB: {verdict}"
    )
    if mb > FOOTPRINT_LIMIT_MB:
        sys.exit("smoke: the installed footprint is over its limit")
    return mb


def _read_until(proc: subprocess.Popen[bytes], prefix: str, deadline_s: float) -> list[str]:
    """The lines the process prints on stdout up to one that starts with `prefix`; exit when
    that takes too long. Reads the pipe itself: a buffered reader would hide lines from select."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    got = ""
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        end = time.monotonic() + deadline_s
        while not any(line.startswith(prefix) for line in got.split("\n")[:-1]):
            if not sel.select(timeout=max(0.0, end - time.monotonic())):
                proc.kill()
                sys.exit(f"smoke: the sandbox printed {got!r} in {deadline_s:.0f} s, no {prefix}")
            chunk = os.read(fd, 65536)
            if not chunk:
                sys.exit(f"smoke: the sandbox ended early (exit {proc.wait()}) after {got!r}")
            got += chunk.decode()
    return got.split("\n")[:-1]  # whole lines only


def _station_walk(tool: Path, work: Path) -> None:
    """`wxcc-desk sandbox` from the install on a free port; a profile made by `profiles init`
    and pointed at it; login, status, logout with `-p` and that profile's name; then the
    sandbox stopped by SIGTERM (exit 0)."""
    env = _user_env(work / "home")
    sandbox = subprocess.Popen(
        [str(tool), "sandbox", "--port", "0"],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        first = _read_until(sandbox, "sam@example.com\t", 30.0)
        url = first[0].removeprefix("sandbox listening on ")
        if not re.fullmatch(r"http://127\.0\.0\.1:\d+", url):
            sys.exit(f"smoke: unexpected first line of the sandbox: {first[0]!r}")
        token = next(ln for ln in first if ln.startswith("sam@example.com\t")).split("\t")[2]
        # The user's first profile, as the README says: `profiles init` into the config folder,
        # then pointed at this sandbox's port; found by name from then on.
        made = _sh([tool, "profiles", "init", "smoke", "--from", "sandbox"], work, env)
        written = Path(made.stdout.strip())
        if work / "home" not in written.parents:
            sys.exit(f"smoke: profiles init wrote {written}, outside the user's home")
        text = written.read_text(encoding="utf-8")
        written.write_text(text.replace("http://127.0.0.1:8642", url), encoding="utf-8")
        shown = json.loads(_sh([tool, "profiles", "show", "smoke", "--json"], work, env).stdout)
        if shown["settings"]["api_url"]["value"] != url:
            sys.exit(f"smoke: profiles show says api_url {shown['settings']['api_url']}")
        profile = "smoke"
        env["WXCC_ACCESS_TOKEN"] = token
        login = json.loads(_sh([tool, "login", "-p", profile, "--json"], work, env).stdout)
        status = json.loads(_sh([tool, "status", "-p", profile, "--json"], work, env).stdout)
        if not (login["ok"] and status["logged_in"]):
            sys.exit(f"smoke: login/status documents say otherwise: {login} {status}")
        _sh([tool, "logout", "-p", profile, "--json"], work, env)
        _sh([tool, "status", "-p", profile], work, env, expect=6)  # 6: not logged in
    finally:
        if os.name == "nt":
            sandbox.terminate()
        else:
            sandbox.send_signal(signal.SIGTERM)
        try:
            code = sandbox.wait(timeout=15)
        except subprocess.TimeoutExpired:
            sandbox.kill()
            sys.exit("smoke: the sandbox did not stop within 15 s of SIGTERM")
    if code != 0:
        sys.exit(f"smoke: the sandbox exited {code} on SIGTERM, expected 0")


def _use_installed(venv_dir: Path, work: Path, version: str) -> None:
    tool = venv_dir / ("Scripts" if os.name == "nt" else "bin") / "wxcc-desk"
    env = _user_env(work / "home")
    said = _sh([tool, "--version"], work, env).stdout.strip()
    if said != f"wxcc-desk {version}":
        sys.exit(f"smoke: --version says {said!r}, the wheel is {version}")
    demo = _sh([tool, "demo"], work, env).stdout
    if not all(part in demo for part in ("== login ==", "== status ==", "== logout ==")):
        sys.exit(f"smoke: demo printed no login/status/logout walk:\n{demo}")
    _sh(
        [tool, "--show-completion", "bash"],
        work,
        {**env, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
    )
    _station_walk(tool, work)


def _sdist_tests(sdist: Path, wheel: Path, vpy: Path, work: Path, full: bool) -> None:
    with tarfile.open(sdist) as tar:
        tar.extractall(work / "src", filter="data")
    (src,) = (work / "src").iterdir()
    _run(BIN / "python", "-m", "pip", "--python", vpy, "install", "-q", f"{wheel}[test]")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WXCC_") and k != "PYTHONPATH"}
    specs = ROOT.parent / "shared" / "specs"
    if specs.is_dir():  # the published specs are not ours to ship: the checkout's copy
        env["WXCC_DESK_SPECS"] = str(specs)
    where = _sh([vpy, "-c", "import wxcc_desk; print(wxcc_desk.__file__)"], src, env).stdout
    if src in Path(where.strip()).parents or ROOT in Path(where.strip()).parents:
        sys.exit(f"smoke: the sdist tests would import a checkout's wxcc_desk ({where.strip()})")
    args = [] if full else list(SDIST_TESTS)
    print(f"+ (in {src}) python -m pytest -q {' '.join(args) or '(the whole suite)'}", flush=True)
    done = subprocess.run(
        [str(vpy), "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=src,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"smoke: the tests from the unpacked sdist failed (exit {done.returncode})")


def smoke() -> None:
    """The package as a user gets it, outside the checkout: build the sdist and the wheel (from
    the sdist), install the wheel in a fresh virtualenv in a temp folder, check its footprint,
    run `--version`, `demo` and a sandbox login/status/logout with it, then run tests from the
    unpacked sdist against that install (`--full`: all of them). `--python PYTHON`: the
    virtualenv's interpreter (default: the one running tasks.py), e.g. to try Python 3.13."""
    setup()
    own = sys.argv[2:] if sys.argv[1] == "smoke" else []
    full = "--full" in own
    python = own[own.index("--python") + 1] if "--python" in own[:-1] else sys.executable
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="wxcc-desk-smoke-") as tmp:
        work = Path(tmp)
        (work / "home").mkdir()
        t = _step("build the sdist and the wheel")
        sdist, wheel = _build(work / "dist")
        _check_archives(sdist, wheel)
        version = wheel.name.split("-")[1]
        print(f"   {time.perf_counter() - t:.1f} s")
        t = _step(f"install {wheel.name} in a fresh virtualenv ({work / 'venv'})")
        venv_dir = work / "venv"
        subprocess.run([python, "-m", "venv", "--without-pip", venv_dir], check=True)
        vpy = venv_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
        _run(BIN / "python", "-m", "pip", "--python", vpy, "install", "-q", wheel)
        _footprint(vpy, work)
        print(f"   {time.perf_counter() - t:.1f} s")
        t = _step("use the installed tool: --version, demo, completion, profiles init, sandbox")
        _use_installed(venv_dir, work, version)
        print(f"   {time.perf_counter() - t:.1f} s")
        t = _step("tests from the unpacked sdist, against the installed wheel")
        _sdist_tests(sdist, wheel, vpy, work, full)
        print(f"   {time.perf_counter() - t:.1f} s")
    print(f"smoke: passed in {time.perf_counter() - start:.0f} s")


TASKS = {
    "setup": setup,
    "lint": lint,
    "test": test,
    "demo": demo,
    "bench": bench,
    "smoke": smoke,
}

if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else ""
    if name not in TASKS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(TASKS)}}} [args]")
    TASKS[name]()
