"""`profiles init` and `profiles list`: write a commented profile into the config folder, and
find every profile `-p NAME` could read, each loaded or with the error that stops it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from wxcc_desk.core.errors import ConfigError, UsageError, WxccError
from wxcc_desk.core.statefile import folder_fix, private_folder
from wxcc_desk.core.suggest import did_you_mean
from wxcc_desk.profiles.fields import show
from wxcc_desk.profiles.folders import (
    NAME_RE,
    NAME_RULE,
    SUFFIXES,
    default_search_dirs,
    profile_files,
)
from wxcc_desk.profiles.packaged import PACKAGED, packaged_text
from wxcc_desk.profiles.schema import Profile


class ProfileExists(ConfigError):
    default_code = "PROFILE_EXISTS"


@dataclass(frozen=True)
class Written:
    """What `profiles init` did: the file, the template, whether it replaced a file, and the
    file `-p NAME` reads instead when one of that name comes earlier in the search."""

    name: str
    path: Path
    template: str
    replaced: bool
    shadowed_by: Path | None


def check_new_name(name: str) -> str:
    """A name `-p NAME` finds again: a simple file name, not one that reads as a path."""
    if not NAME_RE.match(name) or name.endswith(SUFFIXES):
        raise ConfigError(
            f"{show(name)} cannot be a profile name",
            hint=f"use {NAME_RULE} characters, without .yaml (e.g. agent7)",
            code="BAD_PROFILE_NAME",
        )
    return name


def check_template(template: str) -> str:
    if template not in PACKAGED:
        raise UsageError(
            f"--from {show(template)} is not a packaged profile",
            hint=did_you_mean(template, PACKAGED) + f"use --from {' or --from '.join(PACKAGED)}",
        )
    return template


def template_text(template: str, name: str) -> str:
    """The packaged profile, its comments' suggested commands naming `name`."""
    lines = packaged_text(template).splitlines(keepends=True)
    return "".join(_named(line, name) if line.lstrip().startswith("#") else line for line in lines)


def _named(line: str, name: str) -> str:
    import re

    return re.sub(r"\bNAME\b", name, line).replace("-p sandbox", f"-p {name}")


def init_profile(
    name: str, template: str, env: Mapping[str, str], *, force: bool = False
) -> Written:
    """Write `template` as `<config folder>/NAME.yaml` (0600, atomically); an existing file is
    replaced only with `force`."""
    from wxcc_desk.profiles.folders import config_folder

    check_new_name(name)
    check_template(template)
    folder = config_folder(env)
    existing = [folder / f"{name}{s}" for s in SUFFIXES if (folder / f"{name}{s}").exists()]
    target = existing[0] if existing else folder / f"{name}.yaml"
    if existing and not force:
        raise ProfileExists(
            f"profile {name!r} already exists: {target}",
            hint=f"pass --force to replace it (`{_init_command(name, template)}`), or "
            "choose another name",
        )
    # 0700 (profiles say who works where); an existing folder keeps its mode
    private_folder(folder, "config", tighten=False)
    _write(
        target, template_text(template, name), replace=force, command=_init_command(name, template)
    )
    earlier = [f.path for f in profile_files(default_search_dirs(env)) if f.name == name]
    shadow = earlier[0] if earlier and earlier[0] != target else None
    return Written(name, target, template, bool(existing), shadow)


def _init_command(name: str, template: str) -> str:
    """The `profiles init` that replaces the profile, with the same `--from` (not the
    example in place of the sandbox profile)."""
    source = "" if template == "example" else f" --from {template}"
    return f"wxcc-desk profiles init {name}{source} --force"


def _write(target: Path, text: str, *, replace: bool, command: str) -> None:
    """Write a temp file (mkstemp: 0600) and fsync it, then rename it over the target or, when
    nothing may be replaced, link it (which fails if the target appeared meanwhile)."""
    try:
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as err:
        raise _unwritable(target, err) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        _publish(Path(temp), target, replace=replace)
    except FileExistsError:
        raise ProfileExists(
            f"profile {target.stem!r} already exists: {target}",
            hint=f"pass --force to replace it (`{command}`)",
        ) from None
    except OSError as err:
        raise _unwritable(target, err) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _publish(temp: Path, target: Path, *, replace: bool) -> None:
    if not replace:
        try:
            os.link(temp, target)
            return
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: check, then rename
            if os.path.lexists(target):
                raise FileExistsError(str(target)) from None
    os.replace(temp, target)
    if os.name == "posix":  # make the rename itself durable
        fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _unwritable(target: Path, err: OSError) -> ConfigError:
    return ConfigError(
        f"cannot write {target} ({err.strerror or err})",
        hint=folder_fix(target.parent, kind="config"),
    )


@dataclass(frozen=True)
class Listed:
    """One profile file: loaded (with the environment applied, as `-p NAME` would), or the
    error that stops it; `shadowed_by` is the file `-p NAME` reads instead."""

    name: str
    path: Path
    profile: Profile | None
    error: WxccError | None
    shadowed_by: Path | None


def list_profiles(
    env: Mapping[str, str], search_dirs: Sequence[Path] | None = None
) -> list[Listed]:
    from wxcc_desk.profiles.load import load_profile

    dirs = default_search_dirs(env) if search_dirs is None else search_dirs
    listed: list[Listed] = []
    for found in profile_files(dirs):
        try:
            profile, error = load_profile(str(found.path), env=env, search_dirs=dirs), None
        except ConfigError as err:
            profile, error = None, err
        listed.append(Listed(found.name, found.path, profile, error, found.shadowed_by))
    return listed
