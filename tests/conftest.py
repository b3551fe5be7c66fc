"""Fixtures shared by the whole suite. Each helper area adds its fixtures with small edits."""

import inspect
import os
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from cityrdf import project
from cityrdf.project import Project

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault(project.HOME_VARIABLE, str(ROOT))


@contextmanager
def activated(root: Path) -> Iterator[Project]:
    """`root` as the project of in-process code (the current project) and of `cityrdf`
    subprocesses (CITYRDF_HOME), for the block."""
    with pytest.MonkeyPatch.context() as patch, project.use(Project(root)) as active:
        patch.setenv(project.HOME_VARIABLE, str(root))
        yield active


@pytest.fixture
def use_project() -> Iterator:
    """`use_project(root)` makes `root` the current project until the test ends; returns it."""
    with ExitStack() as stack:
        yield lambda root: stack.enter_context(activated(Path(root)))


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def project_store():
    """The project graph as `cityrdf validate` loads it, once per session: only for tests that read
    it (a test that adds or removes a quad loads its own)."""
    from cityrdf.rdf import graph

    return graph.load_store()


@pytest.fixture(scope="session")
def published_project(tmp_path_factory):
    """`cityrdf publish` of the project (its report), once per session (ten seconds of CPU each
    time): only for tests that read the site (other settings publish their own)."""
    from cityrdf import publish

    # the project's own sources, even when a module's fixture project is in place, and not the
    # world layer a developer may have imported into the checkout: the site is the same everywhere
    root = tmp_path_factory.mktemp("published-project")
    for name in ("ontology", "data", "shapes", "queries"):
        (root / name).symlink_to(ROOT / name)
    with activated(root):
        return publish.publish(root / "site")


@pytest.fixture(scope="session")
def project_site(published_project) -> Path:
    """The folder of the project's published site (published_project)."""
    return published_project.out


TINY_PROJECT = ROOT / "tests" / "fixtures" / "tiny_project"


@pytest.fixture
def tiny_project(tmp_path, use_project) -> Path:
    """A copy of a three-city project (ontology, shapes, data, QC), the current project of in-process
    code and of `cityrdf` subprocesses."""
    root = tmp_path / "project"
    shutil.copytree(TINY_PROJECT, root)
    use_project(root)
    return root


@pytest.fixture
def project_with_own_world(tmp_path, use_project) -> Project:
    """The real sources (linked, read-only) in a project whose world/ is a fresh, absent folder."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("ontology", "data", "shapes", "queries"):
        (root / name).symlink_to(ROOT / name)
    return use_project(root)


@pytest.fixture
def run_cityrdf():
    """Run the `cityrdf` command in a subprocess (exit code, stdout, stderr), as a user would."""
    import subprocess
    import sys

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "cityrdf.cli", *map(str, args)],
            check=False,
            capture_output=True,
            text=True,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            timeout=300,
        )

    return run


@pytest.fixture
def run_cityrdf_here(capsys):
    """Run `cityrdf` in this process through `cityrdf.cli.main`, the console script's entry point
    (exit code, stdout, stderr like run_cityrdf), for tests of what a command says and writes
    rather than of the process: no interpreter start and imports per call."""
    import subprocess

    from cityrdf import cli

    def run(*args: str) -> subprocess.CompletedProcess:
        argv = list(map(str, args))
        capsys.readouterr()
        with pytest.raises(SystemExit) as stop:
            cli.main(argv)
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(argv, stop.value.code or 0, out, err)

    return run


MINI_PROJECT = ROOT / "tests" / "publish" / "fixtures" / "mini"


@pytest.fixture(scope="module")
def mini_project() -> Path:
    """The publish/serve fixture project (three cities, two pacts, a network, one stored question).

    Read-only and module-scoped, so one server or one published site serves a whole test module.
    """
    with activated(MINI_PROJECT):
        yield MINI_PROJECT


@pytest.fixture(scope="session")
def start_loopback_server():
    """A function that starts `cityrdf serve`'s app in uvicorn on a free 127.0.0.1 port (in a thread).

    It returns (server, base URL); set `server.should_exit = True` to stop it. With `store`, the
    app serves that store instead of the project.
    """
    import dataclasses
    import threading
    import time

    import uvicorn

    from cityrdf import serve
    from tests.loopback import bound_socket

    def start(settings: "serve.Settings", store=None) -> tuple[uvicorn.Server, str]:
        listening = bound_socket()  # handed to uvicorn: no other server can take its port
        port = listening.getsockname()[1]
        settings = dataclasses.replace(settings, host="127.0.0.1", port=port)
        server = uvicorn.Server(serve.server_config(settings, store))
        threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True).start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start within 20 s")
            time.sleep(0.05)
        return server, f"http://127.0.0.1:{port}"

    return start


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """A Virtuoso 7 on loopback in a temp dir (tests/virtuoso_server.py), stopped after the session.

    A missing binary FAILS (CI installs virtuoso-opensource; a skip would hide that), unless
    CITYRDF_SKIP_VIRTUOSO=1.
    """
    from tests.virtuoso_server import VIRTUOSO_BINARY, VirtuosoServer

    if os.environ.get("CITYRDF_SKIP_VIRTUOSO") == "1":
        pytest.skip("CITYRDF_SKIP_VIRTUOSO=1")
    if not Path(VIRTUOSO_BINARY).is_file():
        pytest.fail(
            f"{VIRTUOSO_BINARY} is missing: apt-get install virtuoso-opensource "
            "(or set CITYRDF_SKIP_VIRTUOSO=1 to skip the Virtuoso tests)",
            pytrace=False,
        )
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso")).start()
    yield server
    server.remove()


# `make test-fast` (pytest --fast): the tests a developer runs after every change. One or a few
# cheap tests per layer, each a claim that fails when its layer breaks: text, ontology, data,
# shapes, SHACL engine, QC, validation, dates, queries, linking, import, world layer, suggestions,
# generator, stats, publishing, serving, the endpoint's check, push, CLI. A file names all its
# tests, a test all its cases. They carry the `fast` marker in every run; with --fast the other
# test files are not even imported, and a name here that no longer exists stops the run, so a
# renamed test cannot silently leave its layer untested.
FAST_TESTS = (
    "tests/test_text.py",
    "tests/test_cli.py::test_usage_errors_exit_2_with_one_line",
    "tests/test_cli.py::test_cityrdf_error_prints_its_reason_and_exit_code",
    "tests/test_cli.py::test_a_bug_exits_3_with_one_line_and_no_traceback",
    "tests/test_cli.py::test_push_reads_the_password_from_the_environment",
    "tests/fs/test_csvsafe.py",
    "tests/test_project.py::test_a_subfolder_of_a_project_finds_the_project_above_it",
    "tests/ontology/test_persian.py",
    "tests/ontology/test_vocabularies.py",
    "tests/ontology/test_core_ontology.py::test_every_cr_term_has_one_english_and_one_persian",
    "tests/data/test_paper_content.py::test_each_list_has_the_printed_number_of_items",
    "tests/data/test_paper_content.py::test_a_pair_named_in_two_lists_is_one_agreement",
    "tests/shapes/test_shapes.py::test_every_fixture_file_is_in_the_manifest",
    "tests/shapes/test_shapes.py::test_every_shape_has_one_english_and_one_persian_message",
    "tests/checks/test_fastshacl.py::test_every_shape_of_the_project_compiles",
    "tests/checks/test_fastshacl.py::test_generated_graph_conforms",
    "tests/checks/test_fastshacl.py::test_targets_and_class_follow_subclasses",
    "tests/qc/test_qc.py::test_every_qc_query_has_a_broken_fixture",
    "tests/qc/test_qc.py::test_broken_fixture_names_the_offending_entity",
    "tests/validate/test_validate.py::test_agreement_with_one_party_is_reported_with_focus_node_path_component_and_file",
    "tests/validate/test_validate.py::test_every_row_of_a_qc_violation_query_is_a_violation",
    "tests/properties/test_dates.py::test_leap_esfand_has_30_days",
    "tests/properties/test_dates.py::test_impossible_jalali_dates_are_refused",
    "tests/query/test_runner.py::test_city_parameter_takes_a_label_in_any_case_or_an_iri",
    "tests/query/test_runner.py::test_csv_is_rfc4180_with_the_contract_header",
    "tests/query/test_manifest.py::test_every_stored_question_has_a_manifest_entry",
    "tests/links/test_command.py::test_offline_gazetteer_picks_the_verified_geonames_features",
    "tests/importer/test_import_pacts.py::test_good_csv_creates_agreements_cities_and_provenance",
    "tests/importer/test_import_pacts.py::test_a_near_miss_of_a_known_city_is_refused_unless_asked_for",
    "tests/coverage/test_coverage.py::test_quotes_in_standard_orthography_find_the_paper_as_printed",
    "tests/world/test_import.py::test_each_source_is_its_own_named_graph_and_nothing_is_in_the_default_graph",
    "tests/opportunities/test_features.py::test_link_prediction_measures_equal_networkx",
    "tests/opportunities/test_criteria.py",
    "tests/generate/test_generate.py::test_same_seed_gives_the_same_graph_and_another_seed_another",
    "tests/stats/test_stats.py::test_counts_on_the_tiny_project",
    "tests/publish/test_publish.py::test_city_page_shows_both_names_partners_sources_and_external_links",
    "tests/serve/test_serve.py::test_resource_content_negotiation_honours_accept_and_q_values",
    "tests/serve/test_ssrf.py::test_the_checker_accepts_queries_that_only_mention_service_in_text",
    "tests/push/test_push_offline.py::test_virtuoso_layout_gives_the_update_and_graph_store_endpoints",
    "tests/push/test_push_offline.py::test_parts_keep_triples_that_share_a_blank_node_together",
)


FAST_FILES = {entry.split("::")[0] for entry in FAST_TESTS}


def pytest_addoption(parser):
    parser.addoption(
        "--fast",
        action="store_true",
        help="run only the quick subset of tests/conftest.py FAST_TESTS (make test-fast)",
    )


def pytest_ignore_collect(collection_path, config):
    """With --fast, test files without a fast test are not imported (collecting them all takes
    longer than running the subset)."""
    if config.getoption("fast") and collection_path.name.startswith("test_"):
        return collection_path.relative_to(ROOT).as_posix() not in FAST_FILES
    return None


def _is_fast(nodeid: str, entry: str) -> bool:
    return nodeid == entry or nodeid.startswith((entry + "::", entry + "["))


# `make test` runs the suite on two xdist workers (-n 2 --dist loadgroup), and a fixture wider than
# a test is made once by each worker that needs it. So a module whose tests share a module-scoped
# fixture (a server, a published site) runs on one worker, and the modules that share an expensive
# session resource run on one worker together: the project's published site, Virtuoso, pySHACL's
# runs of the shape fixtures (tests/shacl_runs.py, a cache rather than a fixture).
SESSION_GROUPS = {"published_project": "project-site", "virtuoso": "virtuoso"}
MODULE_GROUPS = {"tests.shacl_runs": "pyshacl"}


def _session_group(item: pytest.Item) -> str | None:
    for name in item.fixturenames:  # with the fixtures its fixtures use
        if name in SESSION_GROUPS:
            return SESSION_GROUPS[name]
    for value in vars(item.module).values():
        used = value.__name__ if inspect.ismodule(value) else getattr(value, "__module__", None)
        if used in MODULE_GROUPS:
            return MODULE_GROUPS[used]
    return None


def _shares_a_module_fixture(item: pytest.Item) -> bool:
    return any(
        definitions[-1].scope in ("module", "class", "package")
        for definitions in item._fixtureinfo.name2fixturedefs.values()
    )


def assign_xdist_groups(items: list[pytest.Item]) -> None:
    """An `xdist_group` mark on each test that shares a fixture wider than itself (see above); a
    test with its own mark keeps it."""
    by_module: dict[str, list[pytest.Item]] = {}
    for item in items:
        if isinstance(item, pytest.Function) and item.get_closest_marker("xdist_group") is None:
            by_module.setdefault(item.nodeid.split("::")[0], []).append(item)
    for module, tests in by_module.items():
        group = next(filter(None, map(_session_group, tests)), None)
        if group is None and any(map(_shares_a_module_fixture, tests)):
            group = module
        if group is not None:
            for item in tests:
                item.add_marker(pytest.mark.xdist_group(group))


# before xdist reads the groups from the marks
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    assign_xdist_groups(items)
    matched = set()
    for item in items:
        for entry in FAST_TESTS:
            if _is_fast(item.nodeid, entry):
                item.add_marker(pytest.mark.fast)
                matched.add(entry)
    if not config.getoption("fast"):
        return
    missing = [e for e in FAST_TESTS if e not in matched]
    if missing:
        raise pytest.UsageError(
            "tests/conftest.py FAST_TESTS names tests that do not exist: " + ", ".join(missing)
        )
    others = [item for item in items if item.get_closest_marker("fast") is None]
    if others:
        config.hook.pytest_deselected(items=others)
        items[:] = [item for item in items if item.get_closest_marker("fast") is not None]
