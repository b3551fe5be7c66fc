"""`cityrdf compare wikidata`: the paper's pairs against Wikidata's P190 (cityrdf.compare)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

compare_app = typer.Typer(help="Compare the paper with other sources.", no_args_is_help=True)
# shared with `cityrdf export quickstatements`, which asks Wikidata the same question
PairsFile = Annotated[
    Path | None,
    typer.Option("--pairs", help="Wikidata P190 pairs, QID<TAB>QID[<TAB>start] per line."),
]
WikidataEndpoint = Annotated[
    str | None, typer.Option("--endpoint", help="A Wikidata SPARQL endpoint to ask for P190.")
]


@compare_app.command("wikidata")
def compare_wikidata(
    pairs: PairsFile = None,
    endpoint: WikidataEndpoint = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for comparison.csv/.md (default: dist/compare/)."),
    ] = None,
) -> None:
    """The paper's pairs vs Wikidata's P190: in both, only in one, and signing years vs P580."""
    from cityrdf import compare as compare_module

    compare_module.run(pairs, endpoint, out)
