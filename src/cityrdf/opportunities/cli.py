"""`cityrdf opportunities CITY`: partner suggestions (registered by cityrdf.cli)."""

from __future__ import annotations

from typing import Annotated

import typer


def opportunities_command(
    city: Annotated[str, typer.Argument(help="A city: slug (tehran), QID, IRI or English label.")],
    top: Annotated[int, typer.Option("--top", help="How many suggestions.")] = 10,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    country: Annotated[
        str | None, typer.Option("--country", help="Only candidates in this country.")
    ] = None,
    exclude_existing: Annotated[
        bool,
        typer.Option(
            "--exclude-existing/--include-existing", help="Leave out the city's current partners."
        ),
    ] = True,
    model: Annotated[str, typer.Option("--model", help="boosted or logistic.")] = "boosted",
) -> None:
    """Suggest partner cities from the world layer, explained by the paper's criteria."""
    from cityrdf.opportunities import command

    typer.echo(command.run(city, top, fmt, country, exclude_existing, model), nl=False)
