"""`wxcc-desk schema [NAME]`: print a published JSON Schema, or list them."""

from typing import Annotated

import typer

from wxcc_desk.core.context import AppContext


def schema(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(
            help="The document's kind (status, login, error...) or `profile`; "
            "a document's `schema` value works too.",
            show_default=False,
            metavar="NAME",
        ),
    ] = None,
    list_names: Annotated[
        bool, typer.Option("--list", help="List the schemas (also without NAME).")
    ] = False,
) -> None:
    """Print the JSON Schema (draft 2020-12) of a JSON document the tool prints (login, event,
    status, logout, error, diagnose and the others: --list names them all) or of the profile file
    (profile; for editors through yaml-language-server). The files ship in the package and
    match this version. Without NAME, or with --list, list the names. An unknown NAME exits 2.

    Example: wxcc-desk schema status > status.schema.json
    """
    actx = ctx.ensure_object(AppContext)
    from wxcc_desk.render import contracts

    if list_names or name is None:
        actx.out.data(contracts.listing())
        return
    actx.out.data(contracts.schema_text(name).rstrip("\n"))
