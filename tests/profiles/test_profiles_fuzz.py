"""The profile loader never raises anything but its own ConfigError, whatever the file holds."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wxcc_desk.core.errors import ConfigError
from wxcc_desk.profiles.fields import checkers
from wxcc_desk.profiles.load import load_profile

KEYS = sorted(checkers(None))
TOP = sorted({key.split(".")[0] for key in KEYS})
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["us1", "agent", "desktop", "idle", "http://127.0.0.1:1", "os", "a@b.co"])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _section_values() -> st.SearchStrategy[object]:
    sub = st.sampled_from([key.split(".", 1)[1] for key in KEYS if "." in key])
    return st.dictionaries(sub, VALUES, max_size=4) | VALUES


DOCS = st.dictionaries(st.sampled_from(TOP) | st.text(max_size=6), _section_values(), max_size=8)
SAFE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _load(path: Path, env: dict[str, str]) -> None:
    try:
        load_profile(str(path), env=env)
    except ConfigError as err:
        assert err.message and "\n" not in err.message
        assert err.hint


@SAFE
@given(text=st.text(max_size=300))
def test_any_text(tmp_path_factory: object, text: str) -> None:
    path = Path(str(tmp_path_factory.mktemp("fz"))) / "p.yaml"  # type: ignore[attr-defined]
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _load(path, {})


@SAFE
@given(raw=st.binary(max_size=200))
def test_any_bytes(tmp_path_factory: object, raw: bytes) -> None:
    path = Path(str(tmp_path_factory.mktemp("fz"))) / "p.yaml"  # type: ignore[attr-defined]
    path.write_bytes(raw)
    _load(path, {})


@SAFE
@given(
    doc=DOCS,
    env=st.dictionaries(
        st.sampled_from(
            [
                "WXCC_TEAM",
                "WXCC_REGION",
                "WXCC_BASE_URL",
                "WXCC_REDIRECT_PORT",
                "WXCC_TIMEOUT_KEYRING",
                "WXCC_CA_BUNDLE",
                "WXCC_REMEMBER",
            ]
        ),
        st.text(max_size=20),
    ),
)
def test_schema_shaped_documents(
    tmp_path_factory: object, doc: dict[str, object], env: dict[str, str]
) -> None:
    path = Path(str(tmp_path_factory.mktemp("fz"))) / "p.yaml"  # type: ignore[attr-defined]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    _load(path, env)


ODD_YAML = [
    "a: &x [*x]\n",
    "region: !!binary aGVsbG8=\nuser: a@b.co\nrole: agent\nteam: t\n",
    "region: 2001-01-01\n",
    "? [a, b]\n: 1\n",
    "<<: {region: us1}\nuser: a@b.co\nrole: supervisor\n",
    "x: " + "[" * 2000 + "]" * 2000 + "\n",
    "a: &a [1,2]\nb: &b [*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c]\n",
    'region: us1\nuser: a@b.co\nrole: agent\nteam: t\ntls: {ca_bundle: "a\\0b"}\n',
    "!!set {a, b}\n",
    # An alias bomb inside the first key checked: its full repr would be gigabytes.
    "multi_login: [&a [x,x,x,x,x,x,x,x,x], &b [*a,*a,*a,*a,*a,*a,*a,*a,*a],\n"
    "  &c [*b,*b,*b,*b,*b,*b,*b,*b,*b], &d [*c,*c,*c,*c,*c,*c,*c,*c,*c],\n"
    "  &e [*d,*d,*d,*d,*d,*d,*d,*d,*d], &f [*e,*e,*e,*e,*e,*e,*e,*e,*e],\n"
    "  &g [*f,*f,*f,*f,*f,*f,*f,*f,*f], &h [*g,*g,*g,*g,*g,*g,*g,*g,*g],\n"
    "  &i [*h,*h,*h,*h,*h,*h,*h,*h,*h], [*i,*i,*i,*i,*i,*i,*i,*i,*i]]\n",
    "multi_login: &a [1,2,3,4,5,6,7,8,9]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n",
    "--- 1\n--- 2\n",
    "region: us1\nuser: a@b.co\nrole: agent\nteam: t\ntimeouts: {request: 1e999}\n",
    "region: us1\nuser: a@b.co\nrole: agent\nteam: t\napi_url: 'https://[::1'\n",
    "region: us1\nuser: a@b.co\nrole: agent\nteam: t\napi_url: 'https://h:99999'\n",
    "1: 2\n",
    "true: false\n",
]


def test_odd_yaml(tmp_path: Path) -> None:
    for n, text in enumerate(ODD_YAML):
        path = tmp_path / f"p{n}.yaml"
        path.write_text(text, encoding="utf-8")
        _load(path, {})


def test_a_path_with_a_nul_is_one_error_line() -> None:
    """Found by the fuzz test below (`'\x00/0'` was a ValueError, exit 70)."""
    with pytest.raises(ConfigError, match="NUL character"):
        load_profile("\x00/0", env={}, search_dirs=[])


@SAFE
@given(name=st.text(max_size=80))
def test_any_profile_name_or_path(name: str) -> None:
    try:
        load_profile(name, env={}, search_dirs=[])
    except ConfigError as err:
        assert err.message and "\n" not in err.message
        assert err.message.isprintable()
