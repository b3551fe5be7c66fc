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
