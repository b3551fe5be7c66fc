"""`cityrdf import pacts` never corrupts or loses the project's data: one writer at a
time, the whole project validated before anything is replaced, `--out` kept out of the sources,
malformed cells refused as bad input."""

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cityrdf import importer
from cityrdf.errors import BadInput
from cityrdf.fs import lock
from cityrdf.importer import table as table_module
from cityrdf.importer.table import MAX_TABLE_ROWS

from .conftest import REAL_ROOT
from .test_import_pacts import GOOD_ROWS, HEADER, write_csv

CITYRDF = Path(sys.executable).with_name("cityrdf")
# The QC queries these tests need from the real project (the others check the paper's own lists,
# which the small fixture project does not hold).
QC_QUERIES = ("dangling-reference-violation.rq", "agreement-duplicate-violation.rq")


@pytest.fixture
def checked_project(project):
    """The fixture project with the project's dangling-reference and duplicate checks."""
    (project / "queries" / "qc").mkdir(parents=True)
    for name in QC_QUERIES:
        shutil.copy(REAL_ROOT / "queries" / "qc" / name, project / "queries" / "qc" / name)
    return project


def cityrdf(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CITYRDF), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "CITYRDF_HOME": str(project), **env},
        timeout=300,
        check=False,
    )


def snapshot(project: Path) -> dict[str, bytes]:
    """Every file of the project's sources, by path, with its bytes."""
    return {
        str(p.relative_to(project)): p.read_bytes()
        for p in sorted(project.rglob("*"))
        if p.is_file() and p.name != lock.LOCK_NAME
    }


# ---- one writer at a time


def test_two_concurrent_imports_of_one_new_city_in_two_countries_leave_a_valid_project(
    checked_project, tmp_path
):
    a = write_csv(
        tmp_path,
        "Tehran,Atlantisville,France,2001,gregorian,listed,City hall 2001,آتلانتیس\n",
        "a.csv",
    )
    b = write_csv(
        tmp_path,
        "Isfahan,Atlantisville,Vietnam,2002,gregorian,listed,City hall 2002,آتلانتیس\n",
        "b.csv",
    )
    env = {**os.environ, "CITYRDF_HOME": str(checked_project)}
    started = [
        subprocess.Popen(
            [str(CITYRDF), "import", "pacts", str(t)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for t in (a, b)
    ]
    done = [(p.wait(timeout=300), *p.communicate()) for p in started]
    assert sorted(code for code, _, _ in done) == [0, 1], done
    refused = next(err for code, _, err in done if code == 1)
    assert "partner_country: Atlantisville is in crid:country/" in refused
    written = sorted(p.name for p in (checked_project / "data" / "imported").iterdir())
    assert len(written) == 1 and written[0] in ("a.ttl", "b.ttl")
    check = cityrdf(checked_project, "validate", "--no-reasoner")
    assert check.returncode == 0, check.stdout[-2000:]


def test_an_import_waits_for_the_lock_and_then_sees_the_other_writers_data(project, tmp_path):
    table = write_csv(tmp_path, "Tehran,Nantes,France,2001,gregorian,listed,City hall 2001,نانت\n")
    results = []
    with lock.project_lock():
        worker = threading.Thread(target=lambda: results.append(importer.import_pacts(table)))
        worker.start()
        time.sleep(1.0)
        assert worker.is_alive() and not results  # blocked on the lock, nothing written yet
        assert not (project / "data" / "imported").exists()
    worker.join(timeout=120)
    assert results and results[0].changed


def test_an_import_that_cannot_get_the_lock_fails_clearly_and_writes_nothing(project, tmp_path):
    table = write_csv(tmp_path, "Tehran,Nantes,France,2001,gregorian,listed,City hall 2001,نانت\n")
    before = snapshot(project)
    with lock.project_lock():
        done = cityrdf(project, "import", "pacts", str(table), CITYRDF_LOCK_WAIT="0.5")
    assert done.returncode == 2
    assert done.stderr.startswith("error: another cityrdf process is writing the project")
    assert snapshot(project) == before


# ---- the whole project must validate


def test_reimporting_without_a_city_another_table_uses_is_refused_and_changes_nothing(
    checked_project, tmp_path
):
    first = write_csv(
        tmp_path,
        "Tehran,Xanadu,France,2001,gregorian,listed,City hall 2001,زانادو\n",
        "first.csv",
    )
    importer.import_pacts(first)
    second = write_csv(
        tmp_path, "Isfahan,Xanadu,France,2003,gregorian,listed,City hall 2003,\n", "second.csv"
    )
    importer.import_pacts(second)  # names the city the first table created
    before = snapshot(checked_project)
    write_csv(
        tmp_path, "Tehran,Nantes,France,2001,gregorian,listed,City hall 2001,نانت\n", "first.csv"
    )
    done = cityrdf(checked_project, "import", "pacts", str(first))
    assert done.returncode == 1
    assert done.stderr.startswith("error: the project would not validate with this import: ")
    assert "nothing written" in done.stderr
    second_file = checked_project / "data" / "imported" / "second.ttl"
    assert (
        "crid:city/xanadu: QC: a cityrdf resource that is linked to but never described "
        "(no rdf:type anywhere). (problem=linked from https://w3id.org/cityrdf/id/list/"
        "import-second--isfahan/2 by https://w3id.org/cityrdf/ontology#names but never described)"
    ) in done.stdout.splitlines()
    assert (
        f"{second_file}: crid:agreement/isfahan--xanadu: An agreement has exactly two"
        in done.stdout
    )
    assert snapshot(checked_project) == before


def test_findings_on_the_new_rows_are_named_by_row_and_column(project, tmp_path):
    table = write_csv(
        tmp_path, "Tehran,Nantes,France,2001,gregorian,listed,City hall 2001,Nantes نانت\n"
    )
    with pytest.raises(importer.BadRows) as caught:
        importer.import_pacts(table)
    assert caught.value.lines[0].startswith(f"{table}:2: partner_fa: A label's script")
    assert caught.value.exit_code == 1


# ---- --out never reaches the sources


def test_out_refuses_the_input_table(project, tmp_path):
    table = write_csv(tmp_path, "Tehran,Nantes,France,2001,gregorian,listed,City hall 2001,نانت\n")
    with pytest.raises(BadInput, match="that is the input table"):
        importer.import_pacts(table, out=table)
    link = tmp_path / "pacts-out.ttl"
    link.symlink_to(table)
    with pytest.raises(BadInput, match="that is the input table"):
        importer.import_pacts(table, out=link)


@pytest.mark.parametrize(
    "relative",
    [
        "data/project.ttl",
        "data/new.ttl",
        "data/imported/../project.ttl",
        "data/links/new.ttl",
        "ontology/cityrdf.ttl",
        "ontology/new.ttl",
        "shapes/cityrdf-shapes.ttl",
        "queries/new.ttl",
        "src/new.ttl",
    ],
)
def test_out_refuses_the_project_sources(project, tmp_path, relative):
    table = write_csv(tmp_path, "Tehran,Nantes,France,2001,gregorian,listed,City hall 2001,نانت\n")
    before = snapshot(project)
    # the project's own guard (cityrdf.project.refuse_overwriting_sources), before any row is read
    with pytest.raises(BadInput, match=r"is in \S+, a (source folder|folder of the code);"):
        importer.import_pacts(table, out=project / relative)
    assert snapshot(project) == before


def test_out_refuses_a_symlink_to_the_papers_twinning_file(project, tmp_path):
    table = write_csv(tmp_path, "Tehran,Nantes,France,2001,gregorian,listed,City hall 2001,نانت\n")
    twinning = project / "data" / "twinning.ttl"
    shutil.copy(REAL_ROOT / "data" / "twinning.ttl", twinning)
    outside = tmp_path / "harmless.ttl"
    outside.symlink_to(twinning)
    (project / "data" / "imported").mkdir()
    inside = project / "data" / "imported" / "pacts.ttl"
    inside.symlink_to(twinning)
    before = snapshot(project)
    for link in (outside, inside):
        done = cityrdf(project, "import", "pacts", str(table), "--out", str(link))
        assert done.returncode == 2, done.stderr
        assert f"(that is {twinning})" in done.stderr or "was not written by" in done.stderr
    assert snapshot(project) == before


@pytest.mark.parametrize("name", ["out.nt", "out.csv", "out.ttl.bak", "out", "out.TTL.txt"])
def test_out_must_be_turtle(project, tmp_path, name):
    table = write_csv(tmp_path, "Tehran,Nantes,France,2001,gregorian,listed,City hall 2001,نانت\n")
    with pytest.raises(BadInput, match=r"must be Turtle, named \*\.ttl"):
        importer.import_pacts(table, out=tmp_path / name)
    assert not (tmp_path / name).exists()


def test_out_never_replaces_a_file_that_no_import_wrote(project, tmp_path):
    table = write_csv(tmp_path, "Tehran,Nantes,France,2001,gregorian,listed,City hall 2001,نانت\n")
    mine = tmp_path / "notes.ttl"
    mine.write_text("<http://example.org/a> <http://example.org/b> 'mine' .\n", encoding="utf-8")
    with pytest.raises(BadInput, match="was not written by `cityrdf import pacts`"):
        importer.import_pacts(table, out=mine)
    assert "mine" in mine.read_text(encoding="utf-8")
    first = importer.import_pacts(table, out=tmp_path / "pacts.ttl")  # one it wrote: replaced
    assert importer.import_pacts(table, out=first.out).out == first.out


# ---- malformed cells are bad input (exit 2), never an internal error


@pytest.mark.parametrize(
    "source",
    [
        "https://example.org/a>b",
        "https://example.org/a<b",
        'https://example.org/a"b',
        "https://example.org/a{b}",
        "https://example.org/a|b",
        "https://example.org/a\\b",
        "https://example.org/a^b",
        "https://example.org/a`b",
    ],
)
def test_an_iri_with_a_character_iris_forbid_is_bad_input_with_its_row(project, tmp_path, source):
    row = f'Tehran,Nantes,France,2001,gregorian,listed,"{source.replace(chr(34), chr(34) * 2)}",نانت\n'
    table = write_csv(tmp_path, row)
    done = cityrdf(project, "import", "pacts", str(table))
    assert done.returncode == 2, done.stderr
    assert done.stdout.splitlines()[0].startswith(
        f"{table}:2: source: {source!r} is not a valid IRI"
    )
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert not (project / "data" / "imported").exists()


NAME_REFUSALS = [
    ("partner", "Nan\x07tes", "contains a control character (U+0007"),
    ("partner", "Nantes\u202egnp.exe", "contains a bidirectional control character (U+202E"),
    ("partner", "\u200fNantes", "contains a bidirectional control character (U+200F"),
    ("partner", "Nan\u2066tes\u2069", "contains a bidirectional control character (U+2066"),
    ("partner", "Nan\u200btes", "contains an invisible formatting character (U+200B"),
    ("partner", "Nan\ufefftes", "contains an invisible formatting character (U+FEFF"),
    ("partner", "Nan\u2028tes", "contains a line separator (U+2028"),
    ("partner", "Nan\ue000tes", "contains a private-use character (U+E000"),
    (
        "partner_fa",
        "نانت\u200c",
        "ZWNJ (U+200C at character 5) is allowed only between two Persian letters",
    ),
    (
        "partner_fa",
        "\u200dنانت",
        "ZWJ (U+200D at character 1) is allowed only between two Persian letters",
    ),
    ("partner", "Nan\u200ctes", "ZWNJ (U+200C at character 4) is allowed only between two Persian"),
    ("partner", '=HYPERLINK("http://x";"Nantes")', "would run as a formula in a spreadsheet"),
    ("partner", "+Nantes", "would run as a formula"),
    ("partner", "-2+3", "would run as a formula"),
    ("partner", "@SUM(1)", "would run as a formula"),
    ("partner_fa", "=نانت", "would run as a formula"),
    ("city", "=Tehran", "would run as a formula"),
    ("partner_country", "=France", "would run as a formula"),
    ("source", '=IMPORTXML("http://x"; "//a")', "would run as a formula"),
    ("source", "@Nantes city hall 2001", "would run as a formula"),
]


@pytest.mark.parametrize(("column", "text", "reason"), NAME_REFUSALS)
def test_names_with_hidden_characters_or_formulas_are_refused(
    project, tmp_path, column, text, reason
):
    cells = {
        "city": "Tehran",
        "partner": "Nantes",
        "partner_country": "France",
        "date": "2001",
        "calendar": "gregorian",
        "status": "listed",
        "source": "Nantes city hall 2001",
        "partner_fa": "نانت",
    }
    cells[column] = text
    quoted = ",".join('"' + v.replace('"', '""') + '"' for v in cells.values())
    table = write_csv(tmp_path, quoted + "\n", header=HEADER)
    with pytest.raises(importer.BadRows) as caught:
        importer.import_pacts(table)
    assert caught.value.exit_code == 2
    assert any(
        line.startswith(f"{table}:2: {column}: ") and reason in line for line in caught.value.lines
    ), caught.value.lines
    assert not (project / "data" / "imported").exists()


def test_zwnj_between_persian_letters_is_kept(project, tmp_path):
    table = write_csv(
        tmp_path, "Tehran,Saint-Nazaire,France,2001,gregorian,listed,City hall 2001,سن‌نازر\n"
    )
    importer.import_pacts(table)
    text = (project / "data" / "imported" / "pacts.ttl").read_text(encoding="utf-8")
    assert '"سن\u200cنازر"@fa' in text


# ---- bounded reading, and nothing left behind by a killed run


def xlsx_with_rows(path: Path, rows: int, extra_member: int = 0) -> Path:
    """An XLSX whose sheet holds the header, one good row and `rows` empty rows (a few MB that
    unpack to many rows), plus a member of `extra_member` zero bytes if asked."""
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(HEADER.strip().split(","))
    book.active.append(GOOD_ROW)
    plain = path.with_suffix(".plain.xlsx")
    book.save(plain)
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml" and rows:
                empty = "".join(
                    f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t> </t></is></c></row>'
                    for n in range(3, rows + 3)
                )
                data = data.replace(
                    b"</row></sheetData>", b"</row>" + empty.encode() + b"</sheetData>"
                ).replace(b'<dimension ref="A1:H2"', f'<dimension ref="A1:H{rows + 2}"'.encode())
            target.writestr(member, data)
        if extra_member:
            target.writestr("xl/media/filler.bin", bytes(extra_member))
    return path


GOOD_ROW = [
    "Isfahan",
    "Nantes",
    "France",
    "2015",
    "gregorian",
    "official",
    "https://example.org/nantes",
    "نانت",
]


def test_an_xlsx_that_unpacks_to_a_million_and_a_half_rows_is_refused_unopened(project, tmp_path):
    before = snapshot(project)
    table = xlsx_with_rows(tmp_path / "pacts.xlsx", 1_500_000)
    assert table.stat().st_size < 8 * 2**20
    with pytest.raises(BadInput, match=r"pacts\.xlsx: the workbook unpacks to [\d,]+ bytes"):
        importer.import_pacts(table)
    assert snapshot(project) == before


def test_an_xlsx_with_more_rows_than_the_cap_is_refused_at_the_first_row_past_it(
    project, tmp_path, monkeypatch
):
    monkeypatch.setattr(table_module, "MAX_TABLE_ROWS", 2_000)  # the real cap's rows take minutes
    before = snapshot(project)
    table = xlsx_with_rows(tmp_path / "pacts.xlsx", 3_000)
    with pytest.raises(BadInput, match=r"pacts\.xlsx:2002: more than 2,000 rows"):
        importer.import_pacts(table)
    assert snapshot(project) == before


def test_an_xlsx_that_unpacks_past_the_size_cap_is_refused_before_it_is_opened(project, tmp_path):
    table = xlsx_with_rows(tmp_path / "pacts.xlsx", 0, extra_member=100 * 2**20)
    assert table.stat().st_size < 2**20
    with pytest.raises(
        BadInput,
        match=r"pacts\.xlsx: the workbook unpacks to [\d,]+ bytes, which is larger than 64 MiB",
    ):
        importer.import_pacts(table)


def test_a_csv_with_more_rows_than_the_cap_is_refused(project, tmp_path):
    table = write_csv(tmp_path, "\n" * (MAX_TABLE_ROWS + 1))
    with pytest.raises(
        BadInput, match=rf"pacts\.csv:{MAX_TABLE_ROWS + 2}: more than {MAX_TABLE_ROWS:,} rows"
    ):
        importer.import_pacts(table)


def test_a_killed_imports_temporary_file_is_removed_by_the_next_import(project, tmp_path):
    """Killed while the project is checked, an import leaves its `.NAME.XXXX.tmp` beside the data
    file; the next import (holding the lock, so no other is writing) removes it."""
    table = write_csv(tmp_path, GOOD_ROWS)
    imported = project / "data" / "imported"
    running = subprocess.Popen(
        [str(CITYRDF), "import", "pacts", str(table)],
        env={**os.environ, "CITYRDF_HOME": str(project)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(1200):  # the temporary file exists while the whole project is validated
            leftovers = list(imported.glob(".*.tmp")) if imported.is_dir() else []
            if leftovers or running.poll() is not None:
                break
            time.sleep(0.05)
        running.kill()
    finally:
        running.wait()
    assert leftovers, "the import ended before its temporary file was seen"
    assert all(p.exists() for p in leftovers)
    importer.import_pacts(table)
    assert not list(imported.glob(".*.tmp"))
    assert (imported / "pacts.ttl").is_file()


def test_a_table_file_past_the_size_cap_is_refused_unread(project, tmp_path):
    table = write_csv(tmp_path, "")
    with table.open("r+b") as handle:  # sparse: 65 MiB on paper, nothing on the disk
        handle.truncate(65 * 2**20)
    with pytest.raises(BadInput, match=r"pacts\.csv: the file is larger than 64 MiB"):
        importer.import_pacts(table)
