"""The README as a newcomer follows it: its examples run as written and print what it shows, its
commands and options exist, and the files it names are in the repository."""

import itertools
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CITYRDF = str(Path(sys.executable).with_name("cityrdf"))


@dataclass
class ConsoleExample:
    """A `$ …cityrdf …` command of the README's console block, with the output it shows: the
    lines right after it (`head`) and those after a `…` line (`tail`)."""

    argv: list[str]
    head: list[str] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)


def console_examples(shared: Path) -> list[ConsoleExample]:
    """The block's cityrdf commands, as written: continued lines joined, the block's own shell
    variables expanded, `$S` (the folder of the paper and the reference files) as `shared`."""
    block = re.search(
        r"```console\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL
    )
    text = re.sub(r"\\\n\s*", " ", block.group(1))
    variables = {"S": str(shared)}
    examples: list[ConsoleExample] = []
    current, after_ellipsis = None, False
    for line in text.splitlines():
        if line.startswith("$ "):
            command = line[2:].split("#")[0].strip()
            assigned = re.fullmatch(r"(\w+)=(\S+)", command)
            if assigned:
                name, value = assigned.groups()
                if name != "S":  # S is where this machine keeps them, not the README's guess
                    variables[name] = re.sub(r"\$(\w+)", lambda m: variables[m[1]], value)
                current = None
                continue
            words = [re.sub(r"\$(\w+)", lambda m: variables[m[1]], w) for w in command.split()]
            assert words[0] == ".venv/bin/cityrdf", line
            current, after_ellipsis = ConsoleExample(words[1:]), False
            examples.append(current)
        elif line == "…":
            after_ellipsis = True
        elif current is not None:
            (current.tail if after_ellipsis else current.head).append(line)
    return examples


@pytest.fixture(scope="module")
def shared() -> Path:
    """The folder beside the checkout that holds the paper (paper/) and the reference files."""
    from tests.ontology.test_theory_prose import PAPER

    return PAPER.parents[1]


def unreadable(example: ConsoleExample) -> list[str]:
    """The files an example reads (a path with a folder in it) that are not there."""
    return [w for w in example.argv if "/" in w and not w.startswith("-") and not Path(w).is_file()]


def skip_without_shared(shared: Path, missing: list[str]) -> None:
    """A file the README reads and this machine lacks skips; one its path misses fails."""
    if missing and (shared / "paper").is_dir():
        pytest.fail(f"the README's paths miss {shared}'s files: {missing}")
    if missing:
        pytest.skip(f"not on this machine, so not run: {missing} (set CITYRDF_PAPER)")


def test_readme_examples_print_what_the_readme_shows(shared):
    shown = [e for e in console_examples(shared) if e.head or e.tail]
    assert {e.argv[0] for e in shown} >= {"query", "coverage"}
    missing = []
    for example in shown:
        if unreadable(example):
            missing += unreadable(example)
            continue
        done = subprocess.run(
            [CITYRDF, *example.argv], capture_output=True, text=True, check=True, timeout=120
        )
        printed = done.stdout.splitlines()
        assert printed[: len(example.head)] == example.head, example.argv
        assert printed[len(printed) - len(example.tail) :] == example.tail, example.argv
    skip_without_shared(shared, missing)


def test_every_readme_command_is_a_verb_with_the_options_it_uses_and_files_that_exist(shared):
    """As a newcomer runs the block: each verb exists and takes each option written after it,
    and each file the block reads (a path with a folder in it) is there."""
    examples = console_examples(shared)
    assert len(examples) >= 7
    if not (shared / "paper").is_dir():
        skip_without_shared(shared, [str(shared / "paper")])
    for example in examples:
        verb = list(itertools.takewhile(lambda w: not w.startswith("-"), example.argv))
        verb = verb[:2] if verb[0] in ("world", "export", "compare", "plot") else verb[:1]
        done = subprocess.run(
            [CITYRDF, *verb, "--help"], check=False, capture_output=True, text=True, timeout=120,
            env={**os.environ, "COLUMNS": "200"},
        )  # fmt: skip
        assert done.returncode == 0, (verb, done.stderr)
        for option in (w.split("=")[0] for w in example.argv if w.startswith("--")):
            assert option in done.stdout, (verb, option)
        assert unreadable(example) == [], example.argv


def test_every_file_the_readme_names_is_in_the_repository():
    """Links and `path/like/this` mentions that start at a top-level folder of the checkout lead
    to a tracked file or folder, unless git ignores them (what commands build: dist/, world/ …)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\]\(([^)\s#]+)", text))
    named |= set(re.findall(r"`([\w.-]+/[\w./-]*)`", text))
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    present = set(tracked) | {str(p) for f in tracked for p in Path(f).parents}
    top = {Path(f).parts[0] for f in tracked}
    checked, missing = [], []
    made = {"data/imported/"}  # `import pacts` makes it, and keeps it in git once it has
    for path in sorted(named):
        if "://" in path or Path(path).parts[0] not in top | {".cache"}:
            continue  # a URL, or a path inside a folder the sentence names (`qc/` of queries/)
        ignored = subprocess.run(["git", "check-ignore", "-q", path], check=False, cwd=ROOT)
        ignored = ignored.returncode == 0
        checked.append(path)
        if path.rstrip("/") not in present and not ignored and path not in made:
            missing.append(path)
    assert len(checked) > 20
    assert missing == []


def python_example() -> str:
    """The README's ```python block, as written."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(r"```python\n(.*?)```", text, re.DOTALL).group(1)


def test_readme_sparqlwrapper_example_reads_cityrdf_serve(tmp_path):
    from tests.loopback import cityrdf_serve

    with cityrdf_serve(ROOT) as server:
        code = python_example().replace("127.0.0.1:8000", f"127.0.0.1:{server.port}")
        assert code != python_example(), "the example names the default endpoint"
        script = tmp_path / "example.py"
        script.write_text(code, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, script], capture_output=True, text=True, check=True, timeout=120
        )
    printed = done.stdout.splitlines()
    assert len(printed) == 3
    assert printed == sorted(printed)
    assert "Tehran" not in printed
