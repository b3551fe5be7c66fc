"""`cityrdf import pacts`: a researcher's own table as project data (cityrdf.importer). Declared
here, not in the importer package, whose `__init__` loads Oxigraph: `cityrdf --help` lists it cheaply.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import_app = typer.Typer(help="Bring your own data into the graph.", no_args_is_help=True)


@import_app.command("pacts")
def import_pacts(
    table: Annotated[Path, typer.Argument(help="A CSV or XLSX table of twinning pacts.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Data file (default: data/imported/<stem>.ttl).")
    ] = None,
    new_city: Annotated[
        bool,
        typer.Option(
            "--new-city",
            help="Accept a name spelled almost like a known city's as a new city (else refused "
            "as a likely typo, e.g. Teheran).",
        ),
    ] = False,
) -> None:
    """Check a table of pacts row by row and write it as a data file; bad rows: FILE:ROW: column: reason.

    Columns (header row, any order): city, partner, partner_country (a name or ISO code), date
    (YYYY, YYYY-MM or YYYY-MM-DD), calendar (gregorian or jalali), status (listed, unofficial,
    official or friendship), source (a citation or an http(s) URL); optional: city_fa, partner_fa
    (Persian names, required for a new city), partner_country_fa (required for a new country).
    """
    from cityrdf import importer

    importer.run(table, out, echo=typer.echo, new_city=new_city)
