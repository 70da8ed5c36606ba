"""`wxcc-desk profiles init|list|show`: create a first profile, find them all, and show every
setting in effect with its source.

Thin: each command parses its options, calls one function of `wxcc_desk.profiles` and renders
through `wxcc_desk.render.profiles`. Everything heavy is imported inside the functions.
"""

import typer

from wxcc_desk.core.context import AppContext

app = typer.Typer(
    help="Profiles: write a commented one into the config folder (init), list every profile "
    "-p NAME can find (list), show each setting in effect and where it came from (show).\n\n"
    "Example: wxcc-desk profiles init agent7, edit the file it names, then "
    "wxcc-desk profiles show agent7",
    no_args_is_help=True,
)


def _actx(ctx: typer.Context) -> AppContext:
    return ctx.ensure_object(AppContext)


@app.command("init")
def init(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="The profile's name: later `-p NAME`."),
    template: str = typer.Option(
        "example", "--from", metavar="example|sandbox", help="The packaged profile to start from."
    ),
    force: bool = typer.Option(False, "--force", help="Replace a profile of that name."),
) -> None:
    """Write a commented profile NAME.yaml into the config folder (the folder `-p NAME`
    searches after ./profiles; $WXCC_DESK_HOME/config/profiles when that is set), from the
    packaged example (every key, documented) or the sandbox profile. The file is written
    atomically, readable by you only (0600); its path goes to stdout. An existing profile is
    replaced only with --force (else exit 3, PROFILE_EXISTS); a name that is not a simple file
    name is exit 3 (BAD_PROFILE_NAME).

    Example: wxcc-desk profiles init agent7 (then edit it and `wxcc-desk login -p agent7`)
    """
    from wxcc_desk.profiles.store import init_profile
    from wxcc_desk.render import profiles as render

    actx = _actx(ctx)
    written = init_profile(name, template, actx.env, force=force)
    for line, style in render.init_lines(written):
        actx.out.say(line, style)
    actx.out.data(str(written.path))


@app.command("list")
def list_(
    ctx: typer.Context,
    as_json: bool = typer.Option(
        False, "--json", help="Print JSON (schema wxcc-desk/profiles-list/v1)."
    ),
) -> None:
    """List every profile in ./profiles and the config folder: name, user, region or URL,
    path. A file that does not load is listed with its error (exit 0 all the same); one that
    another file of the same name hides is marked.

    Example: wxcc-desk profiles list --json
    """
    from wxcc_desk.profiles.folders import config_folder, default_search_dirs
    from wxcc_desk.profiles.store import list_profiles
    from wxcc_desk.render import profiles as render

    actx = _actx(ctx)
    actx.json_output = as_json
    folders = default_search_dirs(actx.env)
    items = list_profiles(actx.env, folders)
    if as_json:
        actx.out.data(render.list_json(items, folders, config_folder(actx.env), actx.tracker))
    elif items:
        actx.out.data(render.list_table(items))
    else:
        for line in render.list_empty_lines(folders):
            actx.out.say(line)


@app.command("show")
def show(  # noqa: PLR0917 (Typer maps parameters to options)
    ctx: typer.Context,
    name: str | None = typer.Argument(
        None, metavar="[NAME]", help="Profile name or path, as for -p.", show_default=False
    ),
    profile: str | None = typer.Option(
        None, "--profile", "-p", help="The same as NAME (or WXCC_PROFILE); give one of them."
    ),
    team: str | None = typer.Option(None, "--team", help="As login's --team."),
    dial_number: str | None = typer.Option(None, "--dial-number", help="As login's."),
    as_json: bool = typer.Option(
        False, "--json", help="Print JSON (schema wxcc-desk/profiles-show/v1)."
    ),
) -> None:
    """Show every setting in effect for `-p NAME` and where it came from: default, the file
    and line, a WXCC_* environment variable, or a flag (--team, --dial-number, as login would
    take them). The profile is NAME or -p NAME, as for login (else WXCC_PROFILE); two
    different ones are exit 2. Profiles hold no secrets; a token-like value is masked anyway.
    A set WXCC_* variable that wxcc-desk does not read (a typo) gets a note with the closest
    one. Exit 3 when the profile is not found (with the closest name) or invalid.

    Example: wxcc-desk profiles show agent7 --team Sales --json (or -p agent7)
    """
    from wxcc_desk.profiles.load import load_profile
    from wxcc_desk.profiles.schema import FLAG_OPTIONS
    from wxcc_desk.profiles.settings import effective_settings, unknown_variables
    from wxcc_desk.render import profiles as render

    actx = _actx(ctx)
    actx.json_output = as_json
    overrides = {"team": team, "telephony.number": dial_number}
    loaded = load_profile(_one_profile(name, profile, actx), env=actx.env, overrides=overrides)
    settings = effective_settings(loaded, FLAG_OPTIONS)  # as `login -p NAME --team X`
    unknown = unknown_variables(actx.env)
    for line in render.unknown_lines(unknown):
        actx.out.say(line, "warn")
    if as_json:
        actx.out.data(render.show_json(loaded, settings, actx.tracker, unknown))
    else:
        actx.out.data(render.show_table(loaded, settings))


def _one_profile(name: str | None, flag: str | None, actx: AppContext) -> str:
    """NAME or -p NAME (the same one twice is fine), else WXCC_PROFILE."""
    from wxcc_desk.profiles.load import profile_name

    if name is not None and flag is not None and name != flag:
        import shlex

        from wxcc_desk.core.errors import UsageError

        raise UsageError(
            f"profiles show was given two profiles: {name!r} (NAME) and {flag!r} (-p)",
            hint=f"give one: `wxcc-desk profiles show -p {shlex.quote(name)}` or "
            f"`wxcc-desk profiles show -p {shlex.quote(flag)}`",
        )
    return profile_name(name or flag, actx.env)
