"""Text from the service reaches tables and event lines without control or escape sequences:
a display name or team name cannot drive the terminal, a subStatus cannot forge an event line."""

from __future__ import annotations

import io

from tests.station.conftest import PROFILE, run_cli
from tests.support.sandbox_fixtures import MakeSandbox
from wxcc_desk.core.output import Output
from wxcc_desk.core.text import plain, strip_controls
from wxcc_desk.render.station import event_line
from wxcc_desk.sandbox.tenant import default_tenant
from wxcc_desk.station.model import StationEvent

NASTY = "\x1b[2J\x1b]0;owned\x07\x9b31m\r\n12:00:00  logged_out  forged\u202e\x00"


def test_plain_removes_sequences_and_controls() -> None:
    assert plain(f"Sam{NASTY}") == "Sam  12:00:00  logged_out  forged"
    assert plain("Zoë Ünal 田中") == "Zoë Ünal 田中"  # printable text is left alone
    assert strip_controls("a\x1b[31m\nb\x07") == "a\nb"


def test_an_event_line_stays_one_line() -> None:
    line = event_line(StationEvent("state", f"state -> Idle{NASTY}", {}, 0.0))
    assert "\n" not in line and "\r" not in line and "\x1b" not in line and "\x9b" not in line
    assert line.count("12:00:00") == 1  # the forged stamp is part of this line's text only


def test_output_never_writes_an_escape_sequence_but_its_own_colour() -> None:
    out, err = io.StringIO(), io.StringIO()
    o = Output(stdout=out, stderr=err, color=True)
    o.data(f"x{NASTY}")
    o.say(f"y{NASTY}", "warn")
    assert "\x1b" not in out.getvalue()
    assert err.getvalue().count("\x1b") == 2  # the colour on and off, nothing else


def test_status_table_with_hostile_names(make_sandbox: MakeSandbox) -> None:
    tenant = default_tenant()
    sam = next(u for u in tenant.users.values() if u.email == "sam@example.com")
    sam.first_name = f"Sam{NASTY}"
    support = next(t for t in tenant.teams.values() if t.name == "Support")
    sb = make_sandbox(tenant)
    assert run_cli(sb, "login", "-p", PROFILE).code == 0
    support.name = f"Support{NASTY}"  # renamed after login: status shows the service's name
    res = run_cli(sb, "status", "-p", PROFILE)
    assert res.code == 0, res.err
    for text in (res.out, res.err):
        assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text
    assert "forged" in res.out and "\n12:00:00" not in res.out
