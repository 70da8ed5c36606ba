"""What the installed tool says names only what a user has: no `docs/...` file (the wheel ships
no docs), whatever the command, its help or its errors."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from tests.support.cli import invoke

PACKAGE = Path(__file__).resolve().parents[1] / "cli" / "wxcc_desk"

COMMANDS = [
    [], ["login"], ["status"], ["logout"], ["diagnose"], ["sandbox"], ["demo"], ["schema"],
    ["teams-auth", "status"], ["teams-auth", "login"], ["teams-auth", "logout"],
    ["profiles", "init"], ["profiles", "list"], ["profiles", "show"],
    ["auth", "login"], ["auth", "status"], ["auth", "logout"],
]  # fmt: skip


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes of modules, classes and functions that are not commands
    (a command's docstring is its --help, checked through --help below)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def test_no_string_the_package_can_print_names_a_docs_file() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in skip
                and "docs/" in node.value
            ):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a) or "wxcc-desk")
def test_no_help_text_names_a_docs_file(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    run = invoke([*argv, "--help"], {})
    shown = capsys.readouterr()  # Typer writes the help to the process's stdout
    text = run.out + run.err + shown.out + shown.err
    assert run.code == 0, text
    assert "Usage:" in text
    assert "docs/" not in text


def test_the_sandbox_shows_its_tenant_format_and_faults() -> None:
    tenant = invoke(["sandbox", "--show-tenant"], {})
    assert tenant.code == 0, tenant.err
    assert yaml.safe_load(tenant.out)["users"]  # the shipped tenant, a real tenant file
    faults = invoke(["sandbox", "--show-faults"], {})
    assert faults.code == 0, faults.err
    assert "ws-half-open=N" in faults.out and "retry-after=S" in faults.out
    assert "docs/" not in tenant.out + faults.out  # printed to users who have no docs folder
