"""Which project a command works on (cityrdf.project): $CITYRDF_HOME, the working directory or a
folder above it, the editable checkout; and a non-editable install run from a project's folders."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cityrdf import project, stats
from cityrdf.errors import BadInput
from cityrdf.project import Project, current_project

ROOT = Path(__file__).resolve().parents[1]
TINY_PROJECT = ROOT / "tests" / "fixtures" / "tiny_project"


@pytest.fixture
def without_home(monkeypatch):
    monkeypatch.delenv(project.HOME_VARIABLE, raising=False)


def test_a_subfolder_of_a_project_finds_the_project_above_it(tmp_path, without_home):
    root = shutil.copytree(TINY_PROJECT, tmp_path / "tiny")
    (root / "data" / "notes").mkdir()
    assert Project.find(root / "data" / "notes") == Project(root)
    assert Project.find(root) == Project(root)


def test_a_folder_named_ontology_without_the_core_file_is_no_project(tmp_path, without_home):
    """A look-alike above the real project (ontology/ and data/ without ontology/cityrdf.ttl) is
    passed over."""
    (tmp_path / "ontology").mkdir()
    (tmp_path / "data").mkdir()
    root = shutil.copytree(TINY_PROJECT, tmp_path / "data" / "tiny")
    (tmp_path / "ontology" / "other.ttl").write_text("")
    assert Project.find(root / "queries") == Project(root)
    assert not project.is_project(tmp_path)


def test_cityrdf_home_comes_before_the_working_directory(tmp_path, monkeypatch):
    root = shutil.copytree(TINY_PROJECT, tmp_path / "tiny")
    monkeypatch.setenv(project.HOME_VARIABLE, str(tmp_path / "elsewhere"))
    (tmp_path / "elsewhere").mkdir()
    assert Project.find(root) == Project((tmp_path / "elsewhere").resolve())


def test_cityrdf_home_that_is_no_folder_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv(project.HOME_VARIABLE, str(tmp_path / "missing"))
    with pytest.raises(BadInput, match="CITYRDF_HOME=.*missing: no such folder") as failure:
        Project.find()
    assert "\n" not in str(failure.value)


def test_outside_any_project_the_editable_checkout_is_the_project(tmp_path, without_home):
    """This suite runs from an editable install: the checkout above the package is the fallback."""
    assert Project.find(tmp_path) == Project(ROOT)


def test_a_project_in_use_is_current_until_the_block_ends(tmp_path):
    before = current_project()
    with project.use(Project(tmp_path)) as active:
        assert current_project() == active and active.data_dir == tmp_path / "data"
        with project.use(Project(tmp_path / "inner")):
            assert current_project().root == tmp_path / "inner"
        assert current_project() == active
    assert current_project() == before


def test_every_folder_is_below_the_root():
    tiny = Project(TINY_PROJECT)
    assert tiny.qc_dir == TINY_PROJECT / "queries" / "qc"
    assert tiny.links_dir == TINY_PROJECT / "data" / "links"
    assert tiny.imported_dir == TINY_PROJECT / "data" / "imported"
    assert {tiny.dist_dir.parent, tiny.site_dir.parent, tiny.world_dir.parent} == {TINY_PROJECT}


# -- a non-editable install -------------------------------------------------------------------


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """cityrdf installed with pip (not editable, no dependencies, offline) into its own folder,
    built from a copy of the package's sources so that the checkout stays as it is."""
    sources = tmp_path_factory.mktemp("sources")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, sources / name)
    shutil.copytree(ROOT / "src", sources / "src", ignore=shutil.ignore_patterns("*.egg-info"))
    target = tmp_path_factory.mktemp("site-packages")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"]
        + ["--no-build-isolation", "--target", str(target), str(sources)],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode:  # e.g. a setuptools older than pyproject.toml's [build-system] asks
        pytest.fail(f"pip install --target failed: {done.stderr.strip()}", pytrace=False)
    return target


def run_installed(installed: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`python ARGS` in `cwd`, importing the installed copy, without CITYRDF_HOME."""
    env = {k: v for k, v in os.environ.items() if k != project.HOME_VARIABLE}
    env["PYTHONPATH"] = str(installed)
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def test_the_installed_package_is_the_one_that_runs(installed, tmp_path):
    done = run_installed(installed, "-c", "import cityrdf; print(cityrdf.__file__)", cwd=tmp_path)
    assert Path(done.stdout.strip()).is_relative_to(installed), done.stderr
    assert (installed / "cityrdf" / "templates").is_dir()


def test_an_installed_cityrdf_counts_the_project_it_is_run_in(installed, tmp_path):
    root = shutil.copytree(TINY_PROJECT, tmp_path / "tiny")
    with project.use(Project(root)):
        expected = stats.render(stats.stats(), "json")
    for cwd in (root, root / "queries" / "qc"):
        done = run_installed(installed, "-m", "cityrdf", "stats", "--format", "json", cwd=cwd)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == expected.strip()


def test_an_installed_cityrdf_takes_the_site_scripts_from_the_project_it_serves(
    installed, tmp_path
):
    root = shutil.copytree(TINY_PROJECT, tmp_path / "tiny")
    code = "from cityrdf.views.assets import node_modules; print(node_modules())"
    done = run_installed(installed, "-c", code, cwd=root / "queries")
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()) == root.resolve() / "node_modules"


def test_an_installed_cityrdf_outside_any_project_fails_in_one_line(installed, tmp_path):
    done = run_installed(installed, "-m", "cityrdf", "stats", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().startswith(f"error: no cityrdf project in {tmp_path.resolve()}")
    assert "CITYRDF_HOME" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_a_source_folder_that_is_a_link_protects_where_it_leads(tmp_path):
    """A project whose data/ links to a folder elsewhere (a checkout sharing another's sources):
    a path into that folder is a path into the sources, however it is written."""
    shared = tmp_path / "shared-data"
    shared.mkdir()
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "data").symlink_to(shared)
    with project.use(Project(tmp_path / "p")):
        for target in (shared / "places.ttl", tmp_path / "p" / "data" / "places.ttl"):
            with pytest.raises(BadInput, match="source folder"):
                project.refuse_overwriting_sources(target)
        project.refuse_overwriting_sources(tmp_path / "p" / "dist" / "cityrdf.ttl")


@pytest.mark.parametrize("folder", project.CODE_FOLDERS)
def test_no_output_goes_among_the_code(tmp_path, folder):
    with project.use(Project(tmp_path / "p")):
        with pytest.raises(BadInput, match="a folder of the code"):
            project.refuse_overwriting_sources(tmp_path / "p" / folder / "cityrdf.ttl")
        with pytest.raises(BadInput, match="would replace"):
            project.refuse_overwriting_sources(tmp_path / "p")
