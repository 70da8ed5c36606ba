"""What `scrub` removes from printed text without a registered secret: values after the secret
keys in forms, queries, JSON and YAML; and what it leaves, prose that names a variable."""

from __future__ import annotations

import pytest

from wxcc_desk.core.redact import scrub


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("access_token=while&x=1", "access_token=***&x=1"),  # a form or query: any value
        ("WXCC_ACCESS_TOKEN=short y", "WXCC_ACCESS_TOKEN=*** y"),  # a shell line
        ('{"access_token": "hello"}', '{"access_token": "***"}'),  # JSON: any value
        ("{'refresh_token': 'abc'}", "{'refresh_token': '***'}"),  # a Python repr
        ('access_token: "x"', 'access_token: "***"'),  # YAML, quoted
        ("access_token: abc123def456", "access_token: ***"),  # YAML, a token-like word
        ("refresh_token: eyJhbGciOi.e30.sig", "refresh_token: ***"),
        ("client_secret: " + "a" * 24, "client_secret: ***"),  # long, letters only
        ("Authorization: Bearer abc.def", "Authorization: ***"),
        ("code=4/0AbCdEf&state=s", "code=***&state=s"),
    ],
)
def test_secret_values_are_masked(text: str, shown: str) -> None:
    assert scrub(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "replace or unset WXCC_ACCESS_TOKEN: while it is set it is used before the keyring",
        "unset WXCC_TEAMS_REFRESH_TOKEN: otherwise the stored one is not used",
        '"exit_code": 3, "user_code": "ABCD"',
    ],
)
def test_prose_that_names_a_variable_is_left_whole(text: str) -> None:
    assert scrub(text) == text
