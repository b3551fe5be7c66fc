"""Every input of the bad-input corpus gets its exit code and one line of reason, never a traceback.

The corpus is tests/bad_inputs/corpus.py. Cases run in-process through `cityrdf.cli.main` (a
subprocess each would take minutes on two cores); a sample also runs as real processes.
"""

import os
import re
import shutil
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

from cityrdf import cli
from cityrdf.project import SOURCE_FOLDERS

from .bad_inputs.corpus import Case, build_corpus, write_corpus
from .conftest import ROOT, activated
from .misbehaving_endpoint import MisbehavingEndpoint

CORPUS = build_corpus()
CITYRDF = Path(sys.executable).with_name("cityrdf")


def as_param(case: Case):
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.fixture(scope="module")
def copied_project(tmp_path_factory) -> Path:
    """A throw-away copy of the project's sources: the `{project}` that outputs try to reach."""
    root = tmp_path_factory.mktemp("copied_project")
    for name in SOURCE_FOLDERS:
        shutil.copytree(ROOT / name, root / name)
    return root


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory, copied_project) -> Path:
    folder = tmp_path_factory.mktemp("bad_inputs")
    write_corpus(folder, CORPUS, copied_project)
    return folder


def sources_of(root: Path) -> dict[str, bytes]:
    """Every path under the source folders, with a file's bytes (a folder's: empty)."""
    return {
        str(path.relative_to(root)): path.read_bytes() if path.is_file() else b""
        for name in SOURCE_FOLDERS
        for path in sorted((root / name).rglob("*"))
    }


@pytest.fixture(scope="module")
def endpoint() -> str:
    """The misbehaving endpoint of the `query --endpoint` cases, on loopback."""
    server = MisbehavingEndpoint().start()
    yield server.base
    server.stop()


def argv_of(case: Case, folder: Path, endpoint: str = "", project: Path = ROOT) -> list[str]:
    return [
        arg.replace("{dir}", str(folder))
        .replace("{endpoint}", endpoint)
        .replace("{project}", str(project))
        for arg in case.argv
    ]


def check(case: Case, folder: Path, exit_code: int, stdout: str, stderr: str) -> None:
    assert "Traceback" not in stdout + stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"stderr is not one line: {stderr[:1000]!r}"
    assert (exit_code, case.reason in lines[0]) == (case.exit, True), lines[0][:500]
    if case.located:
        files = [arg for arg in argv_of(case, folder) if arg.startswith(str(folder))]
        assert any(re.search(re.escape(file) + r":\d+", lines[0]) for file in files), (
            f"no FILE:LINE in {lines[0][:300]!r}"
        )


def test_the_corpus_has_at_least_200_inputs():
    assert len(CORPUS.cases) >= 200


@pytest.mark.parametrize("case", [as_param(c) for c in CORPUS.cases])
def test_bad_input_gets_one_line_reason_and_exit_code(
    case, corpus_dir, endpoint, copied_project, capsys
):
    with ExitStack() as stack:
        if case.in_copy:
            stack.enter_context(activated(copied_project))
            sources = sources_of(copied_project)
        with pytest.raises(SystemExit) as stop:
            cli.main(argv_of(case, corpus_dir, endpoint, copied_project))
    out, err = capsys.readouterr()
    check(case, corpus_dir, stop.value.code, out, err)
    assert not any((corpus_dir / "out").iterdir()), "a failed command wrote output"
    assert (corpus_dir / "someone-elses" / "notes.txt").is_file(), "a refused command removed it"
    if case.in_copy:
        assert sources_of(copied_project) == sources, "a refused command changed the sources"


SAMPLE = [
    "validate-unclosed-iri.ttl",
    "validate-relative-iri.nt",
    "validate-not-json.jsonld",
    "validate-mismatched-tag.rdf",
    "validate-huge-line.ttl",
    "validate-signing-date-impossible.ttl",
    "import-latin1.csv",
    "import-row-jalali-month-13.csv",
    "import-row-source-iri-0.csv",
    "import-row-name-rlo.csv",
    "import-out-is-input",
    "query-unknown-0",
    "query-inject-city-0",
    "query-inject-iri-0",
    "unknown-option",
    "query-param-iri-parse-0",
    "query-endpoint-fault-redirect-other-host",
    "query-endpoint-fault-no-type",
    "query-endpoint-fault-drip-body",
    "input-generate-pairs-latin1-line-2",
    "input-query-file-binary",
    "input-push-file-folder",
    "range-query-timeout-infinite",
    "range-serve-port-huge",
    "output-publish-foreign-folder",
]


@pytest.mark.parametrize("case_id", SAMPLE)
def test_bad_input_as_a_real_process(case_id, corpus_dir, endpoint):
    case = next(c for c in CORPUS.cases if c.id == case_id)
    done = subprocess.run(
        check=False,
        args=[CITYRDF, *argv_of(case, corpus_dir, endpoint)],
        capture_output=True,
        text=True,
        env={**os.environ, "CITYRDF_DEBUG": ""},
        timeout=300,
    )
    check(case, corpus_dir, done.returncode, done.stdout, done.stderr)
