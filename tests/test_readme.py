"""The README's example runs and prints what the README shows."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CITYRDF = str(Path(sys.executable).with_name("cityrdf"))


def console_examples() -> list[tuple[list[str], list[str]]]:
    """(argv, shown output lines before the first '…') for each `$ …cityrdf query …` line."""
    block = re.search(
        r"```console\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL
    )
    examples, current = [], None
    for line in block.group(1).splitlines():
        if line.startswith("$ "):
            command = line[2:].split("#")[0].split()
            current = (command[1:], []) if "query" in command else None
            if current:
                examples.append(current)
        elif current is not None and line != "…":
            current[1].append(line)
        elif line == "…":
            current = None
    return examples


def test_readme_query_example_prints_what_the_readme_shows():
    examples = console_examples()
    assert examples, "the README has a `cityrdf query` example"
    for argv, shown in examples:
        done = subprocess.run(
            [CITYRDF, *argv], capture_output=True, text=True, check=True, timeout=120
        )
        assert done.stdout.splitlines()[: len(shown)] == shown


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
