"""Where profiles live: the folders `-p NAME` searches, the config folder `profiles init` writes
to, the profile files found there, and the rule for a profile's name."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from wxcc_desk.core.errors import ConfigError
from wxcc_desk.core.suggest import closest
from wxcc_desk.profiles.fields import expand_user, show

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
SUFFIXES = (".yaml", ".yml")
NAME_RULE = "letters, digits, '.', '_' or '-', starting with a letter or digit, at most 64"
MAX_FILES = 1000  # profiles per folder that listing and did-you-mean look at


def config_folder(env: Mapping[str, str]) -> Path:
    """`<config_dir>/profiles` (`$WXCC_DESK_HOME/config/profiles` when that is set): the
    folder `-p NAME` searches second and `profiles init` writes to."""
    home = env.get("WXCC_DESK_HOME")
    if home:
        return Path(home) / "config" / "profiles"
    import platformdirs

    return Path(platformdirs.user_config_path("wxcc-desk", appauthor=False)) / "profiles"


def default_search_dirs(env: Mapping[str, str]) -> list[Path]:
    """`./profiles`, then the config folder (`config_folder`)."""
    try:
        here = Path.cwd()
    except OSError:  # the working directory was deleted under us
        return [config_folder(env)]
    return [here / "profiles", config_folder(env)]


def looks_like_path(name_or_path: str) -> bool:
    """`-p` takes a path when the argument has a slash or a YAML suffix, else a name."""
    return os.sep in name_or_path or "/" in name_or_path or name_or_path.endswith(SUFFIXES)


@dataclass(frozen=True)
class Found:
    """One profile file in a search folder; `shadowed_by` is the file `-p NAME` reads instead."""

    name: str
    path: Path
    shadowed_by: Path | None = None


def profile_files(search_dirs: Sequence[Path]) -> list[Found]:
    """Every `*.yaml`/`*.yml` file in the folders, in search order (name order within one), each
    marked when an earlier one of the same name is what `-p NAME` would read."""
    first: dict[str, Path] = {}
    found: list[Found] = []
    for folder in dict.fromkeys(search_dirs):
        for path in _yaml_files(folder):
            name = path.stem
            found.append(Found(name, path, first.get(name)))
            first.setdefault(name, path)
    return found


def _yaml_files(folder: Path) -> list[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError:  # missing or unreadable: nothing here
        return []
    files = [p for p in entries if p.suffix in SUFFIXES and _is_file(p)]
    # NAME.yaml before NAME.yml, as find_profile reads them
    files.sort(key=lambda p: (p.stem, SUFFIXES.index(p.suffix)))
    return files[:MAX_FILES]


def find_profile(name_or_path: str, search_dirs: Sequence[Path]) -> Path:
    """A path as given when it looks like one, else NAME.yaml/NAME.yml in the search folders."""
    if looks_like_path(name_or_path):
        return expand_user(Path(name_or_path))
    if not NAME_RE.match(name_or_path):
        raise ConfigError(
            f"profile name {show(name_or_path)} is not a simple name",
            hint=f"use {NAME_RULE} characters (`wxcc-desk profiles list` shows your profiles), "
            "or pass the path of a profile file",
        )
    for folder in search_dirs:
        for suffix in SUFFIXES:
            candidate = folder / f"{name_or_path}{suffix}"
            if _is_file(candidate):
                return candidate
    raise not_found(name_or_path, search_dirs)


def not_found(name: str, search_dirs: Sequence[Path]) -> ConfigError:
    looked = ", ".join(str(folder) for folder in search_dirs)
    near = closest(name, [f.name for f in profile_files(search_dirs)])
    init = f"wxcc-desk profiles init {name}" + (" --from sandbox" if name == "sandbox" else "")
    if near is not None:
        hint = f"did you mean {near!r}? (-p {near}); or create {name!r} with `{init}`"
    else:
        hint = f"create it with `{init}` (`wxcc-desk profiles list` shows your profiles)"
    return ConfigError(
        f"profile {name!r} not found (looked in {looked})",
        hint=hint,
        code="PROFILE_NOT_FOUND",
    )


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # an unreadable folder on the way: not found here, keep looking
        return False
