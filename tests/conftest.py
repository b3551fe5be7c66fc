"""Fixtures shared by the whole suite. Each helper area adds its fixtures with small edits."""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("CITYRDF_HOME", str(ROOT))


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


TINY_PROJECT = ROOT / "tests" / "fixtures" / "tiny_project"


@pytest.fixture
def tiny_project(tmp_path, monkeypatch) -> Path:
    """A copy of a three-city project (ontology, shapes, data, QC) that the paths and CLI point at.

    Both in-process code (cityrdf.paths) and `cityrdf` subprocesses (CITYRDF_HOME) use the copy.
    """
    from cityrdf import paths

    root = tmp_path / "project"
    shutil.copytree(TINY_PROJECT, root)
    monkeypatch.setenv("CITYRDF_HOME", str(root))
    for name, sub in [
        ("ONTOLOGY_DIR", "ontology"),
        ("SHAPES_DIR", "shapes"),
        ("DATA_DIR", "data"),
        ("LINKS_DIR", "data/links"),
        ("QUERIES_DIR", "queries"),
        ("QC_DIR", "queries/qc"),
        ("DIST_DIR", "dist"),
        ("SITE_DIR", "site"),
        ("WORLD_DIR", "world"),
    ]:
        monkeypatch.setattr(paths, name, root / sub)
    monkeypatch.setattr(paths, "ROOT", root)
    return root


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


MINI_PROJECT = ROOT / "tests" / "publish" / "fixtures" / "mini"


@pytest.fixture(scope="module")
def mini_project() -> Path:
    """The publish/serve fixture project (three cities, two pacts, a network, one stored question).

    Read-only and module-scoped, so one server or one published site serves a whole test module.
    """
    from cityrdf import paths

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CITYRDF_HOME", str(MINI_PROJECT))
        for name, sub in [
            ("ONTOLOGY_DIR", "ontology"),
            ("SHAPES_DIR", "shapes"),
            ("DATA_DIR", "data"),
            ("LINKS_DIR", "data/links"),
            ("QUERIES_DIR", "queries"),
            ("QC_DIR", "queries/qc"),
            ("WORLD_DIR", "world"),
        ]:
            patch.setattr(paths, name, MINI_PROJECT / sub)
        yield MINI_PROJECT


@pytest.fixture(scope="session")
def start_loopback_server():
    """A function that starts `cityrdf serve`'s app in uvicorn on a free 127.0.0.1 port (in a thread).

    It returns (server, base URL); set `server.should_exit = True` to stop it. With `store`, the
    app serves that store instead of the project.
    """
    import dataclasses
    import socket
    import threading
    import time

    import uvicorn

    from cityrdf import serve

    def start(settings: "serve.Settings", store=None) -> tuple[uvicorn.Server, str]:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        settings = dataclasses.replace(settings, host="127.0.0.1", port=port)
        server = uvicorn.Server(serve.server_config(settings, store))
        threading.Thread(target=server.run, daemon=True).start()
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
