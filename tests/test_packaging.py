"""Packaging facts that need no build: one version source, the licence, what the sdist takes in.
(`python3 tasks.py smoke` builds the archives and checks what they hold.)"""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import pytest

from wxcc_desk import __version__
from wxcc_desk.app import main

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_version_has_one_source() -> None:
    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project["dynamic"]
    attr = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "wxcc_desk.__version__"
    assert importlib.metadata.version("wxcc-desk") == __version__


def test_version_option_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--version"])  # returns: exit 0
    assert capsys.readouterr().out.strip() == f"wxcc-desk {__version__}"


def test_the_licence_is_the_mit_text_the_metadata_names() -> None:
    assert PYPROJECT["project"]["license"] == "MIT"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 the wxcc-desk authors" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text


def test_classifiers_name_each_supported_python() -> None:
    classifiers = PYPROJECT["project"]["classifiers"]
    for minor in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {minor}" in classifiers
    assert PYPROJECT["project"]["requires-python"] == ">=3.11"


def test_the_sdist_takes_in_what_its_tests_read() -> None:
    lines = (ROOT / "MANIFEST.in").read_text(encoding="utf-8").splitlines()
    rules = {tuple(line.split()) for line in lines if line and not line.startswith("#")}
    for folder in ("docs", "profiles", "tests", "bench"):
        assert ("graft", folder) in rules
    included = {word for rule in rules if rule[0] == "include" for word in rule[1:]}
    assert {"LICENSE", "README.md", "CHANGELOG.md", "tasks.py"} <= included


def test_project_urls_are_https_and_reach_the_installed_metadata() -> None:
    urls = PYPROJECT["project"]["urls"]
    assert urls and all(url.startswith("https://") for url in urls.values())
    installed = importlib.metadata.metadata("wxcc-desk").get_all("Project-URL") or []
    assert {f"{label}, {url}" for label, url in urls.items()} <= set(installed)
