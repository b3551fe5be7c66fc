"""The `cityrdf` command: parses arguments and calls the module of each verb; nothing else lives here.

Failures the user can act on (`CityrdfError`) and usage errors print one line, `error: <reason>`, and
exit 1 (data does not conform) or 2 (bad input). A bug prints one line and exits 3; `--debug` or
CITYRDF_DEBUG=1 shows its traceback.
"""

from __future__ import annotations

import errno
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from cityrdf.commands.compare import compare_app
from cityrdf.commands.export import export_app
from cityrdf.commands.imports import import_app
from cityrdf.errors import BadInput, CityrdfError, NotConforming
from cityrdf.opportunities.cli import opportunities_command
from cityrdf.terminal import configure_logging, shown
from cityrdf.world.cli import world_app

BUG = 3
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)  # the device or the user's quota is full
# Typer 0.28 carries its own click, whose usage errors are typer.TyperException
# (docs/decisions/0021-typer-0.28.md says why not 0.29).
USAGE_ERRORS = (typer.TyperException,)
ABORTS = (typer.Abort,)

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
        from cityrdf import __version__

        typer.echo(f"cityrdf {__version__}")
        raise typer.Exit()


@app.callback()
def cityrdf(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors.")
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", help="Also show the libraries' log lines and warnings."),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Build, validate, query and publish the cityrdf knowledge graph."""


NoReasoner = Annotated[
    bool, typer.Option("--no-reasoner", help="Skip the HermiT consistency check.")
]


@app.command()
def build(
    out: Annotated[
        Path | None, typer.Option("--out", help="Output directory (default: dist/).")
    ] = None,
    no_reasoner: NoReasoner = False,
) -> None:
    """Validate the graph, then write dist/cityrdf.{ttl,nt,jsonld,rdf} and manifest.json."""
    from cityrdf import build as build_module
    from cityrdf.project import current_project

    manifest = build_module.build(out, reason=not no_reasoner)
    target = out or current_project().dist_dir
    typer.echo(f"built {target}: {manifest['triples']} triples, {len(manifest['files'])} files")


@app.command()
def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files to check added to the project graph (does my file fit in?); "
            "with --alone, beside the ontology only."
        ),
    ] = None,
    alone: Annotated[
        bool,
        typer.Option(
            "--alone", help="Check FILE… with the ontology only, without the project data."
        ),
    ] = False,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", help="Report format.")
    ] = ReportFormat.text,
    no_reasoner: NoReasoner = False,
    engine: Annotated[
        str,
        typer.Option("--engine", help="SHACL engine: fastshacl (SPARQL on Oxigraph) or pyshacl."),
    ] = "fastshacl",
) -> None:
    """Check the data against the SHACL shapes, the QC queries and the HermiT reasoner."""
    from cityrdf.validate import validate_files

    if alone and not files:
        raise BadInput("--alone needs at least one FILE to check")
    report = validate_files(
        files or None, reason=not no_reasoner, engine=engine, with_project=not alone
    )
    typer.echo(report.to_json() if fmt is ReportFormat.json else report.to_text())
    if not report.conforms:
        raise NotConforming(f"validation failed: {report.summary()}")


@app.command()
def stats(
    fmt: Annotated[
        TableFormat, typer.Option("--format", help="Output format.")
    ] = TableFormat.table,
) -> None:
    """Count the cities, countries, agreements, memberships, claims, figures, table cells, concepts, works and triples."""
    from cityrdf import stats as stats_module

    typer.echo(stats_module.render(stats_module.stats(), fmt.value))


# ---------------------------------------------------------------------------------------------
# Verbs of the other areas. Each lives in its own module; register it here with a small
# `@app.command()` function that parses arguments and calls that module, in the slot for it.
# A group of sub-commands is declared in cityrdf.commands (or its area's `cli` module) and added here.
# --- query, queries (cityrdf.query) ---
@app.command("query")
def query_command(
    name: Annotated[str, typer.Argument(help="A stored question's name, or a .rq file.")],
    param: Annotated[
        list[str] | None, typer.Option("--param", help="key=value, once per parameter.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, tsv or json.")] = "table",
    endpoint: Annotated[
        str | None, typer.Option("--endpoint", help="A SPARQL 1.1 endpoint URL.")
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout", help="Seconds the query may take: in its walled worker, or the endpoint's."
        ),
    ] = 60.0,
) -> None:
    """Run a stored research question on the project graph or on an endpoint."""
    from cityrdf import query

    typer.echo(query.main(name, param, fmt, endpoint, timeout), nl=False)


@app.command("queries")
def queries_command() -> None:
    """List the stored research questions: names, titles (English, Persian), parameters."""
    from cityrdf import query

    typer.echo(query.list_queries(), nl=False)


# --- plot (cityrdf.plot) ---
@app.command("plot")
def plot_command(
    kind: Annotated[str, typer.Argument(help="timeline, regions, network, map or tables.")],
    out: Annotated[Path, typer.Option("--out", help="The picture to write (.png or .svg).")],
    source: Annotated[
        str | None, typer.Option("--source", help="map, network: a world source (wikipedia, ...).")
    ] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="with --source: a country's ISO code (IR).")
    ] = None,
) -> None:
    """Draw a picture of the graph: pacts per year, the paper's tables, the network, a world map,
    the paper's tables against the open data (tables)."""
    from cityrdf import plot

    typer.echo(f"wrote {plot.plot(kind, out, source=source, country=country)}")


# --- link (cityrdf.links) ---
@app.command()
def link(
    offline: Annotated[
        bool,
        typer.Option(
            "--offline",
            help="Refuse --endpoint: the offline sources only (the default without --endpoint).",
        ),
    ] = False,
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint",
            help="Wikidata SPARQL endpoint to ask too, e.g. https://query.wikidata.org/sparql.",
        ),
    ] = None,
    review: Annotated[
        Path | None, typer.Option("--review", help="Review CSV (default: data/links/review.csv).")
    ] = None,
    threshold: Annotated[
        float, typer.Option("--threshold", help="Score at which a candidate is accepted.")
    ] = 0.8,
) -> None:
    """Link cities and countries to Wikidata and GeoNames; write data/links/ and a review CSV."""
    from cityrdf import links

    links.print_summary(links.run(offline, endpoint, review, threshold))


# --- compare (cityrdf.compare), export (cityrdf.export, cityrdf.nanopubs) ---
app.add_typer(compare_app, name="compare")
app.add_typer(export_app, name="export")


# --- world import, world validate (cityrdf.world.cli) ---
app.add_typer(world_app, name="world")


# --- publish (cityrdf.publish) ---
@app.command()
def publish(
    out: Annotated[Path | None, typer.Option("--out", help="Site folder (default: site/).")] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Absolute base for the site's links.")
    ] = None,
    sparql_endpoint: Annotated[
        str | None,
        typer.Option("--sparql-endpoint", help="A SPARQL endpoint with this data, for VoID/DCAT."),
    ] = None,
) -> None:
    """Write the static Linked Data site: pages, RDF per resource, dumps, VoID, DCAT, docs."""
    from cityrdf import publish as publish_module

    typer.echo(str(publish_module.run(out, base_url, sparql_endpoint)))


# --- serve (cityrdf.serve) ---
@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="TCP port (0: any free one, printed on start).")
    ] = 8000,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds a SPARQL query may run.")
    ] = 10.0,
    max_results: Annotated[
        int, typer.Option("--max-results", help="Rows a SPARQL answer may carry.")
    ] = 10_000,
    processes: Annotated[
        int,
        typer.Option("--processes", help="Server processes accepting on the one port."),
    ] = 1,
) -> None:
    """Serve pages, RDF (content negotiation) and a read-only SPARQL endpoint over the graph."""
    from cityrdf import serve as serve_module

    serve_module.run(host, port, timeout, max_results, processes)


# --- push (cityrdf.push) ---
@app.command()
def push(
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint", help="The store's SPARQL endpoint, e.g. http://localhost:8890/sparql."
        ),
    ],
    graph: Annotated[str, typer.Option("--graph", help="IRI of the named graph to replace.")],
    user: Annotated[
        str | None, typer.Option("--user", help="User allowed to write (Virtuoso: dba).")
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            "--password",
            envvar="CITYRDF_PUSH_PASSWORD",
            show_envvar=True,
            help="That user's password (better in the environment: not in the shell's history "
            "or the process list).",
        ),
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="N-Triples to load (default: dist/cityrdf.nt).")
    ] = None,
    store_url: Annotated[
        str | None,
        typer.Option("--store-url", help="Graph Store Protocol endpoint, if not Virtuoso's."),
    ] = None,
    update_url: Annotated[
        str | None, typer.Option("--update-url", help="SPARQL Update endpoint, if not Virtuoso's.")
    ] = None,
) -> None:
    """Replace a named graph of a SPARQL 1.1 store with the build, then verify its count and content."""
    from cityrdf import push as push_module

    typer.echo(push_module.run(endpoint, graph, user, password, file, store_url, update_url))


# --- generate (cityrdf.generate) ---
@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="N-Triples file to write (*.nt).")],
    cities: Annotated[int, typer.Option("--cities", help="Number of cities.")] = 1000,
    pacts: Annotated[int, typer.Option("--pacts", help="Number of twinning agreements.")] = 1500,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same graph).")] = 0,
    pairs: Annotated[
        Path | None, typer.Option("--pairs", help="A QID<TAB>QID pairs file to convert instead.")
    ] = None,
) -> None:
    """Write a synthetic (or, with --pairs, a real) twinning network in cityrdf's ontology."""
    from cityrdf import generate as generate_module

    lines = (
        generate_module.pairs_lines(generate_module.read_pairs(pairs), seed)
        if pairs
        else generate_module.synthetic_lines(cities, pacts, seed)
    )
    typer.echo(f"wrote {out}: {generate_module.write_lines(lines, out)} triples")


# --- coverage (cityrdf.coverage) ---
class CoverageFormat(str, Enum):
    text = "text"
    csv = "csv"


@app.command()
def coverage(
    paper: Annotated[Path, typer.Argument(help="The paper's plain text (UTF-8).")],
    fmt: Annotated[
        CoverageFormat, typer.Option("--format", help="Report format.")
    ] = CoverageFormat.text,
    graph_files: Annotated[
        list[Path] | None,
        typer.Option(
            "--graph", help="Read the anchors from these RDF files, not the project graph."
        ),
    ] = None,
) -> None:
    """Report, unit by unit, what of the paper's text the graph anchors; bad quotes: FILE:LINE: quote: reason."""
    from cityrdf import coverage as coverage_module

    report = coverage_module.coverage(paper, graph_files or None)
    for error in report.errors:
        typer.echo(error, err=True)
    coverage_module.check(report)
    typer.echo(report.to_csv() if fmt is CoverageFormat.csv else report.to_text())
    if fmt is CoverageFormat.csv:
        typer.echo(report.summary(), err=True)


# --- import (cityrdf.importer; `import` is a Python keyword) ---
app.add_typer(import_app, name="import")


# --- opportunities (cityrdf.opportunities.command) ---
app.command("opportunities")(opportunities_command)


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app and turn every failure into one line and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    # --debug is accepted anywhere on the line, so it can be added to a failing command as it stands.
    debug = "--debug" in args or os.environ.get("CITYRDF_DEBUG", "") not in ("", "0")
    verbose = "--verbose" in args or debug
    args = [a for a in args if a not in ("--debug", "--verbose")] or ["--help"]
    configure_logging(verbose)
    try:
        code = app(args=args, prog_name="cityrdf", standalone_mode=False)
    except CityrdfError as err:
        _fail(str(err), err.exit_code)
    except OSError as err:
        if err.errno not in DISK_FULL:
            _internal_error(err, debug)
        where = f" writing {err.filename}" if err.filename else ""
        _fail(f"no space left on the device{where} ({err.strerror}); nothing was replaced", 2)
    except USAGE_ERRORS as err:  # unknown option or command, bad value
        if not err.format_message():  # a group called without its command: the help is shown
            sys.exit(err.exit_code)
        ctx = getattr(err, "ctx", None)  # a UsageError has one, a ClickException not
        where = f" (see `{ctx.command_path} --help`)" if ctx else ""
        _fail(err.format_message() + where, err.exit_code)
    except ABORTS:
        _fail("interrupted", 130)
    except Exception as err:  # noqa: BLE001 -- a bug: one line unless asked for the traceback
        _internal_error(err, debug)
    sys.exit(code if isinstance(code, int) else 0)


def _internal_error(err: Exception, debug: bool) -> None:
    if debug:
        raise err
    _fail(
        f"internal error: {type(err).__name__}: {err} (rerun with --debug for the traceback)", BUG
    )


def _fail(reason: str, exit_code: int) -> None:
    # a reason may quote outside text: no escape sequence or bidi override acts on the terminal
    print("error: " + shown(" ".join(reason.split())), file=sys.stderr)
    sys.exit(exit_code)


if __name__ == "__main__":
    main()
