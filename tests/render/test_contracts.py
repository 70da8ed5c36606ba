"""`wxcc-desk schema`: the published schema files, how the command prints and lists them, and
the checks that keep the files and the code from drifting apart."""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.support.cli import invoke
from wxcc_desk.core.errors import ExitCode
from wxcc_desk.diagnose.base import Layer, Status
from wxcc_desk.render import contracts
from wxcc_desk.teams.model import STATES
from wxcc_desk.teams.store import ACCESS, PENDING, REFRESH

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "cli" / "wxcc_desk"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _run(*argv: str) -> Any:
    return invoke(list(argv), dict(os.environ))


def test_list_names_every_schema_with_what_it_describes() -> None:
    bare, listed = _run("schema"), _run("schema", "--list")
    assert bare.code == listed.code == 0 and bare.out == listed.out
    rows = dict(line.split(None, 1) for line in listed.out.splitlines())
    assert list(rows) == contracts.names()
    assert rows["status"] == "wxcc-desk/status/v1" and rows["profile"] == "wxcc-desk profile"


@pytest.mark.parametrize("name", contracts.names())
def test_each_schema_prints_as_a_draft_2020_12_schema(name: str) -> None:
    run = _run("schema", name)
    assert run.code == 0, run.err
    printed = json.loads(run.out)
    assert printed == contracts.schema(name)
    assert printed["$schema"] == DRAFT and printed["title"] and printed["description"]
    Draft202012Validator.check_schema(printed)


def test_a_documents_own_schema_value_names_its_schema() -> None:
    assert json.loads(_run("schema", "wxcc-desk/error/v1").out)["title"] == "wxcc-desk/error/v1"


def test_an_unknown_name_exits_2_with_the_names_and_a_guess() -> None:
    near = _run("schema", "statu")
    assert near.code == ExitCode.USAGE and near.out == ""
    assert "error: no schema named 'statu'" in near.err
    assert "did you mean `wxcc-desk schema status`?" in near.err
    assert ", ".join(contracts.names()) in near.err
    far = _run("schema", "zzzz", "--list")  # --list lists, whatever NAME says
    assert far.code == 0 and far.out == _run("schema").out
    far = _run("schema", "zzzz")
    assert far.code == ExitCode.USAGE and "did you mean" not in far.err
    as_json = invoke(["schema", "zzzz", "--json"], dict(os.environ))
    assert as_json.code == ExitCode.USAGE  # schema has no --json: a usage error


def test_the_files_ship_as_package_data() -> None:
    """Read through importlib.resources (what an installed wheel has), declared in pyproject."""
    folder = PACKAGE / "render" / "schemas"
    assert sorted(p.stem for p in folder.glob("*.json")) == contracts.names()
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = data["tool"]["setuptools"]["package-data"]["wxcc_desk"]
    assert "render/schemas/*.json" in globs


def _kinds_in_source() -> set[str]:
    """Every document kind the package writes: `"wxcc-desk/KIND/v1"` literals and the kinds
    passed to render.document.document() or document_dict()."""
    kinds: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        kinds |= set(re.findall(r"""["']wxcc-desk/([a-z][a-z-]*)/v1["']""", text))
        kinds |= set(re.findall(r"""\bdocument(?:_dict)?\(\s*["']([a-z][a-z-]*)["']""", text))
    return kinds


def test_every_document_kind_has_a_schema_and_every_schema_a_document() -> None:
    kinds = _kinds_in_source()
    assert {"login", "status", "logout", "error", "event", "diagnose"} <= kinds
    missing = sorted(kinds - set(contracts.names()))
    assert not missing, (
        f"no published schema for {', '.join(f'wxcc-desk/{k}/v1' for k in missing)}: add "
        f"cli/wxcc_desk/render/schemas/KIND.json (draft 2020-12, as the others; README "
        f"'JSON documents'); the CLI runner then validates every such document the tests print"
    )
    assert set(contracts.names()) - {"profile"} == kinds


def test_copied_definitions_stay_equal() -> None:
    """Each file stands alone (a user fetches one); the parts two files share are compared."""
    station = [contracts.schema(n)["$defs"]["station"] for n in ("login", "status", "logout")]
    assert station[0] == station[1] == station[2]
    record = contracts.schema("status")["$defs"]["session_record"]
    session = contracts.schema("session")
    for key in ("type", "required", "properties"):
        assert record[key] == session[key]


def test_closed_lists_equal_the_codes() -> None:
    error = contracts.schema("error")["properties"]["error"]["properties"]
    assert error["exit_code"]["enum"] == [int(c) for c in ExitCode if c is not ExitCode.OK]
    diagnose = contracts.schema("diagnose")["$defs"]["check"]["properties"]
    assert diagnose["status"]["enum"] == [str(s) for s in Status]
    assert diagnose["layer"]["enum"] == [str(layer) for layer in Layer]
    teams = contracts.schema("teams-auth-status")["properties"]
    assert teams["state"]["enum"] == list(STATES)
    removed = contracts.schema("teams-auth-logout")["properties"]["removed"]["items"]["enum"]
    assert removed == [REFRESH, ACCESS, PENDING]  # what TeamsStore.clear_tokens can name


@pytest.mark.parametrize("name", sorted(set(contracts.names()) - {"profile", "session"}))
def test_every_printed_document_requires_the_common_keys(name: str) -> None:
    """schema, run_id and tracking_ids {sent, server} (render/document.py), so a script can
    hand any document to support."""
    schema = contracts.schema(name)
    assert {"schema", "run_id", "tracking_ids"} <= set(schema["required"])
    tracking = schema["properties"]["tracking_ids"]
    assert tracking["type"] == "object" and tracking["required"] == ["sent", "server"]
