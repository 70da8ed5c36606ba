"""`profiles init`, `profiles list` and `profiles show`: their lines, tables and documents
(`wxcc-desk/profiles-list/v1`, `wxcc-desk/profiles-show/v1`, keys as in render/document.py)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wxcc_desk.core.text import plain
from wxcc_desk.render.document import document

if TYPE_CHECKING:
    from wxcc_desk.core.tracking import Tracker
    from wxcc_desk.profiles.schema import Profile
    from wxcc_desk.profiles.settings import Setting
    from wxcc_desk.profiles.store import Listed, Written


def _table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    from tabulate import tabulate

    clean = [[plain(cell) for cell in row] for row in rows]
    return tabulate(clean, headers=list(headers), tablefmt="plain")


# --------------------------------------------------------------------------- init


def init_lines(written: Written) -> list[tuple[str, str]]:
    """What `profiles init` says on stderr, with a style each; the path goes to stdout."""
    verb = "replaced" if written.replaced else "wrote"
    lines = [
        (
            f"{verb} profile {written.name!r} from the packaged {written.template} profile: "
            f"{written.path}",
            "info",
        ),
        (
            f"next: edit it, then `wxcc-desk profiles show {written.name}` and "
            f"`wxcc-desk login -p {written.name}`",
            "dim",
        ),
    ]
    if written.shadowed_by is not None:
        lines.append(
            (
                f"warning: -p {written.name} reads {written.shadowed_by} first (from this "
                "folder); rename one of them",
                "warn",
            )
        )
    return lines


# --------------------------------------------------------------------------- list


def _where(profile: Profile) -> str:
    return profile.region or profile.api_url


def _note(item: Listed) -> str:
    if item.error is not None:
        return f"error: {item.error.message}"
    if item.shadowed_by is not None:
        return f"not used: -p {item.name} reads {item.shadowed_by}"
    return ""


def list_table(items: Sequence[Listed]) -> str:
    rows = []
    for item in items:
        p = item.profile
        user, where = (p.user, _where(p)) if p is not None else ("-", "-")
        rows.append([item.name, user, where, str(item.path), _note(item)])
    return _table(rows, ["name", "user", "region or URL", "path", "note"])


def list_empty_lines(folders: Sequence[Path]) -> list[str]:
    looked = ", ".join(str(f) for f in folders)
    return [f"no profiles in {looked}", "  create one: wxcc-desk profiles init NAME"]


def _listed_dict(item: Listed) -> dict[str, Any]:
    p = item.profile
    return {
        "name": item.name,
        "path": str(item.path),
        "user": p.user if p else None,
        "role": p.role if p else None,
        "region": p.region if p else None,
        "api_url": p.api_url if p else None,
        "shadowed_by": str(item.shadowed_by) if item.shadowed_by else None,
        "error": _error_dict(item),
    }


def _error_dict(item: Listed) -> dict[str, Any] | None:
    if item.error is None:
        return None
    return {"code": item.error.code, "message": item.error.message, "hint": item.error.hint}


def list_json(
    items: Sequence[Listed], folders: Sequence[Path], config_folder: Path, tracker: Tracker
) -> str:
    return document(
        "profiles-list",
        tracker,
        folders=[str(f) for f in folders],
        config_folder=str(config_folder),
        profiles=[_listed_dict(item) for item in items],
    )


# --------------------------------------------------------------------------- show


def _shown(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)


def show_table(profile: Profile, settings: Sequence[Setting]) -> str:
    head = f"profile {profile.name} ({profile.path})\n\n"
    rows = [[s.key, _shown(s.value), s.source] for s in settings]
    return head + _table(rows, ["key", "value", "source"])


def unknown_lines(unknown: Sequence[tuple[str, str | None]]) -> list[str]:
    """A note per `WXCC_*` variable that sets nothing (stderr)."""
    lines = []
    for name, near in unknown:
        guess = f"; did you mean {near}?" if near else ""
        lines.append(plain(f"note: {name} is set but wxcc-desk reads no such variable{guess}"))
    return lines


def show_json(
    profile: Profile,
    settings: Sequence[Setting],
    tracker: Tracker,
    unknown: Sequence[tuple[str, str | None]] = (),
) -> str:
    return document(
        "profiles-show",
        tracker,
        profile={"name": profile.name, "path": str(profile.path) if profile.path else None},
        unknown_variables=[{"name": name, "did_you_mean": near} for name, near in unknown],
        settings={
            s.key: {"value": s.value, "source": s.source, "kind": s.kind, "masked": s.masked}
            for s in settings
        },
    )
