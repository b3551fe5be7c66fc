"""`cityrdf export quickstatements|nanopubs`: the graph for other tools (cityrdf.export,
cityrdf.nanopubs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cityrdf.commands.compare import PairsFile, WikidataEndpoint

export_app = typer.Typer(help="Export the graph for other tools.", no_args_is_help=True)


@export_app.command("quickstatements")
def export_quickstatements(
    out: Annotated[Path, typer.Option("--out", help="QuickStatements V1 file to write.")],
    pairs: PairsFile = None,
    endpoint: WikidataEndpoint = None,
    paper_qid: Annotated[
        str | None,
        typer.Option("--paper-qid", help="Wikidata item of the paper, for S248 references."),
    ] = None,
    include_unofficial: Annotated[
        bool,
        typer.Option(
            "--include-unofficial",
            help="Also export pairs the paper marks unofficial, saying so in the edit summary.",
        ),
    ] = False,
) -> None:
    """QuickStatements adding P190 (both directions, P580, reference) for pacts Wikidata lacks."""
    from cityrdf import export as export_module

    lines = export_module.run(out, pairs, endpoint, paper_qid, include_unofficial)
    typer.echo(f"wrote {out}: {len(lines)} statements")


@export_app.command("nanopubs")
def export_nanopubs(
    out: Annotated[Path, typer.Option("--out", help="Folder to write (replaced whole).")],
    created: Annotated[
        str | None,
        typer.Option(
            "--created",
            help="Creation time of the nanopubs, ISO 8601 (default: $SOURCE_DATE_EPOCH, else now).",
        ),
    ] = None,
) -> None:
    """Each claim and pact as a nanopublication (TriG, Trusty URI), plus a combined dump."""
    from cityrdf import nanopubs

    written = nanopubs.run(out, created)
    typer.echo(f"wrote {out}: {len(written)} nanopublications and {nanopubs.DUMP_NAME}")
