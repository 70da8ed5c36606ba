"""`wxcc-desk profiles init|list|show` through the real entry point: a first profile written into
the config folder from the packaged data, every profile found (broken ones with their error),
and every setting in effect with its source."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import CliRun, invoke
from tests.support.documents import check_output
from tests.support.profiles import write_profile
from wxcc_desk.profiles.load import load_profile
from wxcc_desk.profiles.packaged import packaged_text
from wxcc_desk.sandbox import SandboxHandle


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder: the checkout's own ./profiles must not be found."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def env(isolated_home: Path, work: Path) -> dict[str, str]:
    return {"WXCC_DESK_HOME": str(isolated_home), "NO_COLOR": "1"}


@pytest.fixture
def folder(isolated_home: Path) -> Path:
    return isolated_home / "config" / "profiles"


def run(env: dict[str, str], *argv: str, **more: str) -> CliRun:
    return invoke(["profiles", *argv], {**env, **more})


def one_error(result: CliRun, code: int) -> str:
    """The run failed with `code`, said one `error:` line and its fix, and no traceback."""
    assert result.code == code, result.text
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: "), result.stderr
    assert lines[1].startswith("  fix: "), result.stderr
    assert "Traceback" not in result.text
    return result.stderr


# --------------------------------------------------------------------------- init


def test_init_writes_the_commented_example_where_p_name_finds_it(
    env: dict[str, str], folder: Path
) -> None:
    result = run(env, "init", "agent7")
    assert result.code == 0, result.text
    path = folder / "agent7.yaml"
    assert result.stdout.strip() == str(path)
    assert str(path) in result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    text = path.read_text(encoding="utf-8")
    assert "-p agent7" in text
    assert "NAME" not in text
    # the same keys and values as the packaged example: only the comments name the profile
    keep = [line for line in packaged_text("example").splitlines() if not line.startswith("#")]
    assert [line for line in text.splitlines() if not line.startswith("#")] == keep
    profile = load_profile("agent7", env=env)
    assert (profile.path, profile.user, profile.region) == (path, "agent1@example.com", "us1")
    assert not list(folder.glob(".*")), "no temporary file left behind"


def test_init_never_overwrites_without_force(env: dict[str, str], folder: Path) -> None:
    assert run(env, "init", "agent7").code == 0
    path = folder / "agent7.yaml"
    path.write_text("# mine\n", encoding="utf-8")
    err = one_error(run(env, "init", "agent7"), 3)
    assert "already exists" in err
    assert "--force" in err
    assert path.read_text(encoding="utf-8") == "# mine\n"
    doc = run(env, "init", "agent7", "--force").stderr
    assert "replaced" in doc
    assert "region: us1" in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_force_fix_keeps_the_template_it_was_asked_for(env: dict[str, str]) -> None:
    assert run(env, "init", "lab", "--from", "sandbox").code == 0
    err = one_error(run(env, "init", "lab", "--from", "sandbox"), 3)
    assert "`wxcc-desk profiles init lab --from sandbox --force`" in err  # not the example
    err = one_error(run(env, "init", "lab"), 3)
    assert "`wxcc-desk profiles init lab --force`" in err


def test_init_into_a_blocked_config_folder_names_it_not_wxcc_desk_home(
    env: dict[str, str], folder: Path
) -> None:
    folder.parent.mkdir(parents=True)
    folder.write_text("a file where the profiles folder goes", encoding="utf-8")
    err = one_error(run(env, "init", "agent7"), 3)
    assert f"error: cannot write {folder / 'agent7.yaml'}" in err, err
    fix = err.splitlines()[1]
    assert fix.startswith(f"  fix: make {folder} a folder you can write to"), fix
    assert "WXCC_DESK_HOME" not in fix  # it would move the state folder too
    assert folder.read_text(encoding="utf-8").startswith("a file")  # nothing lost


def test_init_into_a_folder_that_cannot_be_made_names_the_one_in_the_way(
    env: dict[str, str], folder: Path
) -> None:
    folder.parent.parent.mkdir(parents=True, exist_ok=True)
    folder.parent.write_text("a file where the config folder goes", encoding="utf-8")
    err = one_error(run(env, "init", "agent7"), 3)
    assert f"cannot create the profiles folder {folder}" in err, err
    assert err.splitlines()[1].startswith(f"  fix: make {folder.parent} a folder you can write to")


def test_an_existing_yml_counts_as_the_profile(env: dict[str, str], folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "old.yml").write_text("# mine\n", encoding="utf-8")
    assert "already exists" in one_error(run(env, "init", "old"), 3)
    assert not (folder / "old.yaml").exists()


def test_init_from_the_sandbox_profile_signs_in(
    env: dict[str, str], sandbox: SandboxHandle
) -> None:
    result = run(env, "init", "lab", "--from", "sandbox")
    assert result.code == 0, result.text
    assert "-p lab" in Path(result.stdout.strip()).read_text(encoding="utf-8")
    station = {
        **env,
        "WXCC_BASE_URL": sandbox.url,
        "WXCC_ACCESS_TOKEN": sandbox.token("sam@example.com"),
    }
    login = invoke(["login", "-p", "lab", "--json"], station)
    assert login.code == 0, login.text
    assert login.doc["user"] == "sam@example.com"
    assert invoke(["logout", "-p", "lab"], station).code == 0


@pytest.mark.parametrize(
    "name", ["../evil", "a/b", "a b", ".hidden", "-x", "x.yaml", "x.yml", "n" * 65, "é"]
)
def test_init_refuses_a_name_that_is_no_simple_file_name(
    env: dict[str, str], isolated_home: Path, name: str
) -> None:
    result = run(env, "init", "--", name)
    err = one_error(result, 3)
    assert "cannot be a profile name" in err
    assert not (isolated_home / "config").exists()
    assert not any(isolated_home.parent.rglob("evil.yaml"))


def test_init_from_an_unknown_template_suggests_the_closest(env: dict[str, str]) -> None:
    err = one_error(run(env, "init", "x", "--from", "sandbx"), 2)
    assert "did you mean 'sandbox'?" in err


def test_init_warns_when_a_profile_in_the_working_folder_hides_it(
    env: dict[str, str], work: Path
) -> None:
    (work / "profiles").mkdir()
    write_profile(work / "profiles", "agent7")
    result = run(env, "init", "agent7")
    assert result.code == 0
    assert f"reads {work / 'profiles' / 'agent7.yaml'} first" in result.stderr


# --------------------------------------------------------------------------- list


def listed(result: CliRun) -> dict[str, dict[str, Any]]:
    assert result.code == 0, result.text
    doc = result.doc
    assert doc["schema"] == "wxcc-desk/profiles-list/v1"
    assert doc["ok"] is True
    assert doc["run_id"]
    assert doc["tracking_ids"] == {"sent": [], "server": []}
    return {f"{p['name']}@{Path(p['path']).parent.parent.name}": p for p in doc["profiles"]}


def test_list_shows_every_profile_and_a_broken_one_with_its_error(
    env: dict[str, str], folder: Path, work: Path
) -> None:
    run(env, "init", "agent7")
    run(env, "init", "lab", "--from", "sandbox")
    (folder / "broken.yaml").write_text("region: us1\nregion: eu1\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a profile", encoding="utf-8")
    (work / "profiles").mkdir()
    write_profile(work / "profiles", "agent7", api="http://127.0.0.1:9")
    table = run(env, "list")
    assert table.code == 0, table.text
    assert "agent1@example.com" in table.stdout
    assert "appears twice" in table.stdout
    assert "notes" not in table.stdout
    found = listed(run(env, "list", "--json"))
    assert set(found) == {"agent7@work", "agent7@config", "lab@config", "broken@config"}
    assert found["agent7@config"]["region"] == "us1"
    assert found["agent7@config"]["user"] == "agent1@example.com"
    assert found["agent7@config"]["shadowed_by"] == str(work / "profiles" / "agent7.yaml")
    assert found["agent7@work"]["shadowed_by"] is None
    assert found["lab@config"]["api_url"] == "http://127.0.0.1:8642"
    broken = found["broken@config"]
    assert broken["user"] is None
    assert broken["error"]["code"] == "CONFIG"
    assert "broken.yaml:2: key 'region' appears twice" in broken["error"]["message"]


def test_list_applies_the_environment_as_login_would(env: dict[str, str]) -> None:
    run(env, "init", "agent7")
    found = listed(run(env, "list", "--json", WXCC_USER="other@example.com"))
    assert found["agent7@config"]["user"] == "other@example.com"
    bad = listed(run(env, "list", "--json", WXCC_REGION="mars"))
    assert "WXCC_REGION" in bad["agent7@config"]["error"]["message"]


def test_list_with_no_profiles_says_how_to_make_one(env: dict[str, str]) -> None:
    result = run(env, "list")
    assert result.code == 0
    assert result.stdout == ""
    assert "wxcc-desk profiles init NAME" in result.stderr
    assert listed(run(env, "list", "--json")) == {}


# --------------------------------------------------------------------------- show


def settings(result: CliRun) -> dict[str, dict[str, Any]]:
    assert result.code == 0, result.text
    doc = result.doc
    assert doc["schema"] == "wxcc-desk/profiles-show/v1"
    assert doc["run_id"]
    assert "tracking_ids" in doc
    return doc["settings"]  # type: ignore[no-any-return]


def test_show_names_the_source_of_every_setting(env: dict[str, str], folder: Path) -> None:
    folder.mkdir(parents=True)
    path = folder / "p.yaml"
    path.write_text(
        "region: eu1\nuser: a@example.com\nrole: agent\nteam: Sales\n"
        "telephony:\n  number: '1001'\n",
        encoding="utf-8",
    )
    shown = settings(
        run(env, "show", "p", "--json", "--dial-number", "2002", WXCC_MULTI_LOGIN="takeover")
    )
    from wxcc_desk.profiles.fields import checkers

    assert set(shown) == set(checkers(None))
    assert shown["region"]["value"] == "eu1"
    assert shown["region"]["source"].endswith("p.yaml:1")
    assert shown["team"]["source"].endswith("p.yaml:4")
    assert shown["api_url"] == {
        "value": "https://api.wxcc-eu1.cisco.com",
        "source": f"region ({shown['region']['source']})",
        "kind": "derived",
        "masked": False,
    }
    assert shown["telephony.number"]["value"] == "2002"
    assert (shown["telephony.number"]["source"], shown["telephony.number"]["kind"]) == (
        "--dial-number",
        "flag",
    )
    assert shown["multi_login"] == {
        "value": "takeover",
        "source": "WXCC_MULTI_LOGIN",
        "kind": "env",
        "masked": False,
    }
    assert shown["timeouts.request"] == {
        "value": 20.0,
        "source": "default",
        "kind": "default",
        "masked": False,
    }
    assert shown["oauth.scopes"]["value"] == ["cjp:user", "cjp:config_read", "spark:people_read"]
    table = run(env, "show", "p", "--team", "Night")
    assert table.code == 0
    row = next(line for line in table.stdout.splitlines() if line.startswith("team "))
    assert row.split() == ["team", "Night", "--team"]


def test_show_masks_a_token_pasted_into_a_profile(env: dict[str, str], folder: Path) -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJlLXZhbHVl"
    folder.mkdir(parents=True)
    write_profile(folder, "p")
    (folder / "p.yaml").write_text(
        (folder / "p.yaml").read_text(encoding="utf-8").replace("team: Support", f"team: {token}"),
        encoding="utf-8",
    )
    shown = run(env, "show", "p", "--json")
    assert token not in shown.text
    assert settings(shown)["team"]["masked"] is True
    assert token not in run(env, "show", "p").text


def test_show_of_a_missing_profile_suggests_the_closest_name(env: dict[str, str]) -> None:
    run(env, "init", "sandbox", "--from", "sandbox")
    err = one_error(run(env, "show", "sandbx"), 3)
    assert "profile 'sandbx' not found" in err
    assert "did you mean 'sandbox'? (-p sandbox)" in err
    json_err = run(env, "show", "sandbx", "--json")
    assert json_err.doc["error"]["code"] == "PROFILE_NOT_FOUND"
    nothing_near = one_error(run(env, "show", "zzz"), 3)
    assert "did you mean" not in nothing_near
    assert "wxcc-desk profiles init zzz" in nothing_near


def test_show_takes_the_profile_as_p_too(env: dict[str, str]) -> None:
    """`profiles show -p NAME` as every other command takes it, and the did-you-mean's
    `(-p NAME)` advice is a form that works here."""
    run(env, "init", "sandbox", "--from", "sandbox")
    positional = run(env, "show", "sandbox", "--json")
    assert settings(run(env, "show", "-p", "sandbox", "--json")) == settings(positional)
    assert settings(run(env, "show", "--profile", "sandbox", "--json")) == settings(positional)
    assert settings(run(env, "show", "sandbox", "-p", "sandbox", "--json")) == settings(positional)
    assert settings(run(env, "show", "--json", WXCC_PROFILE="sandbox")) == settings(positional)
    hint = one_error(run(env, "show", "-p", "sandbx"), 3)
    assert "did you mean 'sandbox'? (-p sandbox)" in hint
    advised = hint.split("(-p ")[1].split(")")[0]
    assert run(env, "show", "-p", advised).code == 0


def test_show_given_two_different_profiles_is_a_usage_error(env: dict[str, str]) -> None:
    run(env, "init", "lab", "--from", "sandbox")
    err = one_error(run(env, "show", "lab", "-p", "other"), 2)
    assert "two profiles" in err and "'lab'" in err and "'other'" in err
    assert len(err.splitlines()) == 2  # one error line, one fix line
    assert "`wxcc-desk profiles show -p lab` or `wxcc-desk profiles show -p other`" in err
    as_json = run(env, "show", "lab", "-p", "other", "--json")
    assert as_json.code == 2 and as_json.doc["error"]["code"] == "USAGE"
    nothing = one_error(run(env, "show"), 3)
    assert "no profile given" in nothing


def test_show_of_an_invalid_profile_is_one_error_line(env: dict[str, str], folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "p.yaml").write_text(
        "region: us2\nuser: a@example.com\nrole: agent\nteam: x\n", encoding="utf-8"
    )
    err = one_error(run(env, "show", "p"), 3)
    assert "p.yaml:1: key 'region' must be one of" in err
    assert "did you mean 'us1'?" in err


def _help(env: dict[str, str], capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert invoke([*args, "--help"], env).code == 0
    return " ".join(capsys.readouterr().out.split())  # click writes help to sys.stdout


def test_help_of_the_group_and_its_commands(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert "profiles Profiles: write a commented one" in _help(env, capsys)
    group = _help(env, capsys, "profiles")
    assert all(f" {command} " in group for command in ("init", "list", "show"))
    init = _help(env, capsys, "profiles", "init")
    assert "--force" in init
    assert "Example: wxcc-desk profiles init agent7" in init
    assert "PROFILE_EXISTS" in init
    # The argument in capitals as every metavar (Typer braces a required one), not `{name}`.
    assert "Usage: wxcc-desk profiles init [OPTIONS] {NAME}" in init and "{name}" not in init
    assert "Example: wxcc-desk profiles list --json" in _help(env, capsys, "profiles", "list")
    show = _help(env, capsys, "profiles", "show")
    assert "Example: wxcc-desk profiles show agent7 --team Sales --json" in show
    assert "-p, --profile" in show and "[NAME]" in show


def test_a_failing_command_suggests_commands_with_its_profile(
    env: dict[str, str], sandbox: SandboxHandle
) -> None:
    """`logout` with no session: its fix names `login -p lab`, the profile this run used."""
    assert run(env, "init", "lab", "--from", "sandbox").code == 0
    station = {
        **env,
        "WXCC_BASE_URL": sandbox.url,
        "WXCC_ACCESS_TOKEN": sandbox.token("sam@example.com"),
    }
    plain = invoke(["logout", "-p", "lab"], station)
    assert plain.code == 6, plain.text
    assert "`wxcc-desk login -p lab` signs in" in plain.stderr
    as_json = invoke(["logout", "-p", "lab", "--json"], station)
    assert "`wxcc-desk login -p lab` signs in" in as_json.doc["error"]["hint"]


def test_show_notes_a_wxcc_variable_that_sets_nothing(env: dict[str, str]) -> None:
    run(env, "init", "agent7")
    secret = "CANARYvalue0123456789"
    result = run(env, "show", "agent7", "--json", WXCC_TEM="Night", WXCC_ZZZZZZZZ=secret)
    shown = settings(result)
    assert check_output(result.stdout) == ["profiles-show"]  # its published schema holds
    assert shown["team"]["value"] == "Sales"  # the typo set nothing
    assert result.doc["unknown_variables"] == [
        {"name": "WXCC_TEM", "did_you_mean": "WXCC_TEAM"},
        {"name": "WXCC_ZZZZZZZZ", "did_you_mean": None},
    ]
    assert (
        "note: WXCC_TEM is set but wxcc-desk reads no such variable; did you mean WXCC_TEAM?"
        in (result.stderr)
    )
    assert secret not in result.text
    clean = run(env, "show", "agent7", "--json", WXCC_TEAM="Night", WXCC_PROFILE="agent7")
    assert clean.doc["unknown_variables"] == []
    assert "note:" not in clean.stderr


def test_every_wxcc_variable_the_package_names_is_a_known_one() -> None:
    """The list `profiles show` checks against stays whole: every WXCC_* name in the
    package's strings is a loader variable or one of OTHER_VARIABLES."""
    import ast
    import re

    from wxcc_desk.profiles.load import ENV_KEYS
    from wxcc_desk.profiles.settings import OTHER_VARIABLES

    package = Path(__file__).resolve().parents[2] / "cli" / "wxcc_desk"
    named: set[str] = set()
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                named |= set(re.findall(r"\bWXCC_[A-Z][A-Z_]*[A-Z]\b", node.value))
    assert named, "the scan found nothing"
    assert named - {*ENV_KEYS, *OTHER_VARIABLES} == set()
