"""`textfile.read_text`: a user's text file as Windows and other editors save it, or one line why not."""

import pytest

from cityrdf.errors import BadInput
from cityrdf.fs.textfile import numbered_lines, read_text, reading_csv


@pytest.mark.parametrize(
    "saved",
    [
        b"Q1\tQ2\nQ3\tQ4\n",
        "\ufeffQ1\tQ2\nQ3\tQ4\n".encode(),  # Notepad's byte-order mark
        b"Q1\tQ2\r\nQ3\tQ4\r\n",  # Windows line ends
        "\ufeffQ1\tQ2\r\nQ3\tQ4\r\n".encode(),
    ],
    ids=["plain", "bom", "crlf", "bom-crlf"],
)
def test_a_bom_and_crlf_line_ends_read_as_the_plain_text(tmp_path, saved):
    path = tmp_path / "pairs.tsv"
    path.write_bytes(saved)
    assert numbered_lines(path)[:2] == [(1, "Q1\tQ2"), (2, "Q3\tQ4")]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("Q1\tQ2\nIa\xe8i\n".encode("latin-1"), ":2: not UTF-8 text (byte 0xe8"),
        (b"\xff\xfeQ\x001\x00", ":1: not UTF-8 text (byte 0xff"),
        (b"Q1\tQ2\nQ3\tQ4\nQ5\0\n", ":3: NUL byte"),
    ],
    ids=["latin1", "utf16", "nul"],
)
def test_bytes_that_are_not_text_are_refused_at_their_line(tmp_path, content, reason):
    path = tmp_path / "pairs.tsv"
    path.write_bytes(content)
    with pytest.raises(BadInput) as refused:
        read_text(path, "pairs file")
    assert str(refused.value).startswith(f"{path}{reason}")


def test_a_missing_file_and_a_folder_are_named_as_such(tmp_path):
    with pytest.raises(BadInput, match="nope.tsv: no such pairs file"):
        read_text(tmp_path / "nope.tsv", "pairs file")
    with pytest.raises(BadInput, match="is a folder, not a pairs file"):
        read_text(tmp_path, "pairs file")


def test_a_csv_file_reads_as_the_text_reader_reads_it(tmp_path):
    table = tmp_path / "t.csv"
    table.write_bytes("\ufeffname,iso\r\nتهران,IR\r\n".encode())
    with reading_csv(table) as reader:
        assert list(reader) == [{"name": "تهران", "iso": "IR"}]  # BOM dropped, CRLF read


def test_a_row_that_is_not_valid_csv_is_one_line_at_its_place(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("name,iso\nTehran,IR\n" + "x" * 200_000 + ",IR\n", encoding="utf-8")
    with pytest.raises(BadInput) as err, reading_csv(table) as reader:
        list(reader)
    assert str(err.value).startswith(f"{table}:3: not valid CSV")
    assert "\n" not in str(err.value)
