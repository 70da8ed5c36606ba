"""Diagnose checks by layer, the runner that runs them, and the report they make.

`load_checks()` imports every check module so their `@check` decorators fill the registry.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wxcc_desk.diagnose.base import Check

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


def catalogue() -> list[Check]:
    """Every check, in the order reports list the layers (file order within a layer)."""
    from wxcc_desk.diagnose.base import REGISTRY, Layer

    load_checks()
    order = {layer: n for n, layer in enumerate(Layer)}
    return sorted(REGISTRY.values(), key=lambda c: order[c.layer])  # stable: file order kept
