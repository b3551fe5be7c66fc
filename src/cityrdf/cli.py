"""The `cityrdf` command: parses arguments and calls the module of each verb; nothing else lives here.

Failures the user can act on (`CityrdfError`) and usage errors print one line, `error: <reason>`, and
exit 1 (data does not conform) or 2 (bad input). A bug prints one line and exits 3; `--debug` or
CITYRDF_DEBUG=1 shows its traceback.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import click
import typer

from cityrdf import __version__
from cityrdf.errors import CityrdfError, NotConforming

BUG = 3
# Typer ≥ 0.29 vendors click and raises its own exceptions; older typer raises click's.
USAGE_ERRORS = (click.ClickException, getattr(typer, "TyperException", click.ClickException))
ABORTS = (click.Abort, typer.Abort)

app = typer.Typer(
    name="cityrdf",
    help="A Linked Open Data knowledge graph of sister cities, from Zahrani & Rajaei's paper.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


class ReportFormat(str, Enum):
    text = "text"
    json = "json"


class TableFormat(str, Enum):
    table = "table"
    json = "json"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"cityrdf {__version__}")
        raise typer.Exit()


@app.callback()
def cityrdf(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Build, validate, query and publish the cityrdf knowledge graph."""


NoReasoner = Annotated[bool, typer.Option("--no-reasoner", help="Skip the HermiT consistency check.")]


@app.command()
def build(
    out: Annotated[Path | None, typer.Option("--out", help="Output directory (default: dist/).")] = None,
    no_reasoner: NoReasoner = False,
) -> None:
    """Validate the graph, then write dist/cityrdf.{ttl,nt,jsonld,rdf} and manifest.json."""
    from cityrdf import build as build_module, paths

    manifest = build_module.build(out, reason=not no_reasoner)
    target = out or paths.DIST_DIR
    typer.echo(f"built {target}: {manifest['triples']} triples, {len(manifest['files'])} files")


@app.command()
def validate(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Validate these files with the ontology instead of the project data.")
    ] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="Report format.")] = ReportFormat.text,
    no_reasoner: NoReasoner = False,
) -> None:
    """Check the data against the SHACL shapes, the QC queries and the HermiT reasoner."""
    from cityrdf.validate import validate_files

    report = validate_files(files or None, reason=not no_reasoner)
    typer.echo(report.to_json() if fmt is ReportFormat.json else report.to_text())
    if not report.conforms:
        raise NotConforming(report.summary())


@app.command()
def stats(fmt: Annotated[TableFormat, typer.Option("--format", help="Output format.")] = TableFormat.table) -> None:
    """Count the cities, countries, agreements, memberships, claims, concepts, works and triples."""
    from cityrdf import stats as stats_module

    typer.echo(stats_module.render(stats_module.stats(), fmt.value))


# ---------------------------------------------------------------------------------------------
# Verbs of the other areas. Each lives in its own module; register it here with a small
# `@app.command()` function that parses arguments and calls that module, in the slot for it.
# --- query, queries (cityrdf.query) ---
# --- plot (cityrdf.plot) ---
# --- link (cityrdf.link) ---
# --- compare (cityrdf.compare) ---
# --- export (cityrdf.export) ---
# --- publish (cityrdf.publish) ---
# --- serve (cityrdf.serve) ---
# --- push (cityrdf.push) ---
# --- generate (cityrdf.generate) ---
# --- import (cityrdf.importer; `import` is a Python keyword) ---
# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app and turn every failure into one line and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    # --debug is accepted anywhere on the line, so it can be added to a failing command as it stands.
    debug = "--debug" in args or os.environ.get("CITYRDF_DEBUG", "") not in ("", "0")
    args = [a for a in args if a != "--debug"]
    try:
        code = app(args=args, prog_name="cityrdf", standalone_mode=False)
    except CityrdfError as err:
        _fail(str(err), err.exit_code)
    except USAGE_ERRORS as err:  # unknown option or command, bad value
        where = f" (see `{err.ctx.command_path} --help`)" if getattr(err, "ctx", None) else ""
        _fail(err.format_message() + where, err.exit_code)
    except ABORTS:
        _fail("interrupted", 130)
    except Exception as err:  # a bug: say so in one line unless asked for the traceback
        if debug:
            raise
        _fail(f"internal error: {type(err).__name__}: {err} (rerun with --debug for the traceback)", BUG)
    sys.exit(code if isinstance(code, int) else 0)


def _fail(reason: str, exit_code: int) -> None:
    print("error: " + " ".join(reason.split()), file=sys.stderr)
    sys.exit(exit_code)


if __name__ == "__main__":
    main()
