"""The WxCC sandbox: a real HTTP + WebSocket server on loopback (docs/sandbox.md).

`run_sandbox(...)` serves it in a background thread and yields a `SandboxHandle`.
Importing this package imports aiohttp: command modules import it inside functions.
"""

from __future__ import annotations

from wxcc_desk.sandbox.faults import Fault, FaultError, parse_fault
from wxcc_desk.sandbox.handle import ControlError, SandboxHandle, SandboxUser
from wxcc_desk.sandbox.model import Tenant
from wxcc_desk.sandbox.server import create_app, make_world, run_sandbox
from wxcc_desk.sandbox.tenant import TenantError, default_tenant, load_tenant, parse_tenant

__all__ = [
    "ControlError",
    "Fault",
    "FaultError",
    "SandboxHandle",
    "SandboxUser",
    "Tenant",
    "TenantError",
    "create_app",
    "default_tenant",
    "load_tenant",
    "make_world",
    "parse_fault",
    "parse_tenant",
    "run_sandbox",
]
