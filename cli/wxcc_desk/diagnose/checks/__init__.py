"""Diagnose checks by layer, the runner that runs them, and the report they make.

`load_checks()` imports every check module so their `@check` decorators fill the registry.
"""

from __future__ import annotations

import importlib

MODULES = (
    "wxcc_desk.diagnose.checks.local",
    "wxcc_desk.diagnose.checks.network",
    "wxcc_desk.diagnose.checks.identity",
    "wxcc_desk.diagnose.checks.config",
    "wxcc_desk.diagnose.checks.service",
    "wxcc_desk.diagnose.checks.session",
    "wxcc_desk.diagnose.checks.websocket",
)
OPTIONAL = ("wxcc_desk.diagnose.checks.teams",)  # owned by the Teams engineer; absent is fine


def load_checks() -> None:
    for name in MODULES:
        importlib.import_module(name)
    for name in OPTIONAL:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
