"""The `cityrdf` command's contract: one-line errors, exit 1 / 2 / 3, tracebacks only with --debug."""

import pytest

from cityrdf import cli, stats
from cityrdf.errors import BadInput


def run_main(args, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(args)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--bogus"], "No such option: --bogus"),
        (["frobnicate"], "No such command 'frobnicate'"),
        (["stats", "--format", "xml"], "'xml' is not one of"),
        (["build", "--out"], "requires an argument"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args, reason, run_cityrdf):
    result = run_cityrdf(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and reason in result.stderr
    assert result.stderr.count("\n") == 1


def test_help_and_version_exit_0(run_cityrdf):
    assert run_cityrdf("--help").returncode == 0
    version = run_cityrdf("--version")
    assert version.returncode == 0 and version.stdout.startswith("cityrdf ")


def test_every_verb_of_this_area_is_registered(run_cityrdf):
    help_text = run_cityrdf("--help").stdout
    for verb in ("build", "validate", "stats"):
        assert verb in help_text


def test_cityrdf_error_prints_its_reason_and_exit_code(monkeypatch, capsys):
    def bad_input():
        raise BadInput("data/x.ttl:3:1: the prefix city: has not been declared")

    monkeypatch.setattr(stats, "stats", bad_input)
    code, _, err = run_main(["stats"], capsys)
    assert code == 2
    assert err == "error: data/x.ttl:3:1: the prefix city: has not been declared\n"


def test_a_bug_exits_3_with_one_line_and_no_traceback(monkeypatch, capsys):
    monkeypatch.setattr(stats, "stats", lambda: {}["missing"])
    monkeypatch.delenv("CITYRDF_DEBUG", raising=False)
    code, _, err = run_main(["stats"], capsys)
    assert code == 3
    assert err.startswith("error: internal error: KeyError") and "--debug" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("how", ["flag", "env"])
def test_debug_shows_the_traceback_of_a_bug(how, monkeypatch):
    monkeypatch.setattr(stats, "stats", lambda: {}["missing"])
    args = ["stats", "--debug"] if how == "flag" else ["stats"]
    if how == "env":
        monkeypatch.setenv("CITYRDF_DEBUG", "1")
    with pytest.raises(KeyError):
        cli.main(args)


def test_no_arguments_prints_the_help_and_no_empty_error(run_cityrdf):
    done = run_cityrdf()
    assert done.returncode == 0
    assert "Usage: cityrdf" in done.stdout and "import" in done.stdout
    assert done.stderr == ""


def test_a_group_without_its_command_prints_its_help_and_no_empty_error(run_cityrdf):
    done = run_cityrdf("import")
    assert "Usage: cityrdf import" in done.stdout and "pacts" in done.stdout
    assert "error" not in done.stderr


def test_python_dash_m_cityrdf_is_the_command():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "cityrdf", "--version"],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("cityrdf ")


def test_import_pacts_help_lists_every_column(run_cityrdf):
    from cityrdf.importer.table import OPTIONAL_COLUMNS, REQUIRED_COLUMNS

    help_text = run_cityrdf("import", "pacts", "--help").stdout
    assert [c for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if c not in help_text] == []
    assert "--new-city" in help_text


def test_push_reads_the_password_from_the_environment(monkeypatch, capsys):
    from cityrdf import push

    given = {}

    def fake_run(endpoint, graph, user, password, *rest):
        given.update(user=user, password=password)
        return "pushed"

    monkeypatch.setattr(push, "run", fake_run)
    monkeypatch.setenv("CITYRDF_PUSH_PASSWORD", "from-the-environment")
    code, out, _ = run_main(
        ["push", "--endpoint", "http://127.0.0.1:1/sparql", "--graph", "urn:g", "--user", "dba"],
        capsys,
    )
    assert (code, out, given) == (
        0,
        "pushed\n",
        {"user": "dba", "password": "from-the-environment"},
    )
    on_the_line = ["--password", "on-the-line"]
    run_main(
        ["push", "--endpoint", "http://127.0.0.1:1/sparql", "--graph", "urn:g", *on_the_line],
        capsys,
    )
    assert given["password"] == "on-the-line"  # the option still wins


def test_world_validate_counts_warnings_and_lists_them_on_request(project_root, capsys):
    world = project_root / "tests" / "fixtures" / "world" / "world.nq"
    code, out, _ = run_main(["world", "validate", str(world)], capsys)
    assert code == 0
    assert "0 violations, 1 warning (--warnings lists them)" in out
    assert "city/world/xx/nowhere" not in out
    code, out, _ = run_main(["world", "validate", "--warnings", str(world)], capsys)
    assert code == 0
    [listed] = [line for line in out.splitlines() if line.startswith("  ")]
    assert "Warning" in listed and "city/world/xx/nowhere" in listed and "MinCount" in listed


def test_serve_prints_the_address_it_listens_on(mini_project):
    import urllib.request

    from tests.loopback import cityrdf_serve

    with cityrdf_serve(mini_project) as server:  # --port 0: the port the system gave
        assert server.announcement == f"serving {server.url}/ (Ctrl+C stops)\n"
        assert server.port != 0
        with urllib.request.urlopen(server.url + "/", timeout=30) as answer:
            assert answer.status == 200
