"""The one profile writer of the tests: a profile file for the sandbox's sam (or another user)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

# Short enough that a test against a silent server ends quickly.
QUICK_TIMEOUTS = "timeouts: {connect: 2, request: 3, outcome: 3, keyring: 3}"


def write_profile(
    folder: Path,
    name: str = "diag",
    *,
    api: str = "http://127.0.0.1:9",
    identity: str | None = None,
    status: str | None = None,
    user: str = "sam@example.com",
    role: str = "supervisor_agent",
    number: str = "+14085550100",
    trust: str | None = None,
    teams: Mapping[str, str] | None = None,
    timeouts: str | None = QUICK_TIMEOUTS,
) -> Path:
    """`folder/name.yaml`: URLs (identity and status default to `api`), user, role, team Support,
    a dial number; `trust`, a `teams:` block and the timeouts line as asked."""
    lines = [
        f"api_url: {api}",
        f"identity_url: {identity or api}",
        f"status_url: {status or api}",
        f"user: {user}",
        f"role: {role}",
        "team: Support",
        "telephony:",
        "  option: dial_number",
        f'  number: "{number}"',
    ]
    if timeouts is not None:
        lines.append(timeouts)
    if trust is not None:
        lines.append(f"tls: {{trust: {trust}}}")
    if teams is not None:
        lines.append("teams:")
        lines += [f"  {k}: {v}" for k, v in teams.items()]
    path = folder / f"{name}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sandbox_teams(url: str) -> dict[str, str]:
    """A profile's `teams:` block for the sandbox's Microsoft side at `url`."""
    from wxcc_desk.sandbox.microsoft.state import SANDBOX_CLIENT_ID, SANDBOX_TENANT_DOMAIN

    return {
        "tenant": SANDBOX_TENANT_DOMAIN,
        "client_id": SANDBOX_CLIENT_ID,
        "authority_url": url,
        "graph_url": url,
    }
