"""`cityrdf world import|validate`: the world layer's commands (registered by cityrdf.cli)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

world_app = typer.Typer(
    help="The world layer: other sources of sister-city pairs.", no_args_is_help=True
)


@world_app.command("import")
def world_import(
    wikidata_pairs: Annotated[
        Path | None,
        typer.Option("--wikidata-pairs", help="Wikidata P190 pairs, QID<TAB>QID per line."),
    ] = None,
    wikidata_labels: Annotated[
        Path | None, typer.Option("--wikidata-labels", help="Their labels, QID<TAB>label per line.")
    ] = None,
    wikipedia: Annotated[
        Path | None, typer.Option("--wikipedia", help="A table city1,country1,city2,country2.")
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint",
            help="A Wikidata SPARQL endpoint to read P190 from (at most 50 pages of statements "
            "and 64 MiB of answers a run).",
        ),
    ] = None,
    places: Annotated[
        Path | None,
        typer.Option("--places", help="Natural Earth populated places CSV (default: ../shared's)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the N-Quads files (default: world/).")
    ] = None,
    no_merge: Annotated[
        bool, typer.Option("--no-merge", help="Keep duplicate nodes apart (merges.sssom.tsv).")
    ] = False,
) -> None:
    """Import outside sources into world/{source}.nq, one named graph each."""
    from cityrdf.world import run as world_run

    report = world_run.run(
        wikidata_pairs, wikidata_labels, wikipedia, endpoint, places, out, merge=not no_merge
    )
    world_run.print_summary(report)


@world_app.command("validate")
def world_validate(
    files: Annotated[
        list[Path] | None, typer.Argument(help="World N-Quads files (default: world/*.nq).")
    ] = None,
    warnings: Annotated[
        bool, typer.Option("--warnings", help="List every warning too, not only violations.")
    ] = False,
) -> None:
    """Check each world graph against shapes/world/ (exit 1 on a violation)."""
    from cityrdf.errors import NotConforming
    from cityrdf.text import plural
    from cityrdf.world.validate import validate_world

    found = validate_world(files or None)
    violations = 0
    for graph, findings in found.items():
        errors = [f for f in findings if f.severity == "Violation"]
        violations += len(errors)
        others = [f for f in findings if f.severity != "Violation"]
        typer.echo(
            f"{graph}: {plural(len(errors), 'violation')}, {plural(len(others), 'warning')}"
            + ("" if warnings or not others else " (--warnings lists them)")
        )
        for f in errors[:20] + (others if warnings else []):
            typer.echo(f"  {f.severity} {f.focus_node} {f.path} {f.component}: {f.message}")
    if violations:
        raise NotConforming(f"{plural(violations, 'violation')} in the world graphs")
