"""Outside text shown in a terminal (cityrdf.terminal): controls, separators and bidi formatting
characters come out as escapes, Persian joiners stay, and the places that print outside names use it."""

from __future__ import annotations

import pytest

from cityrdf import cli, compare, terminal

HOSTILE = "Teh\x1b]0;owned\x07ran \u202eexe.txt\u2066 \x9b31m\u2028"


def test_every_character_a_terminal_acts_on_is_shown_as_its_escape():
    shown = terminal.shown(HOSTILE)
    assert shown == "Teh\\x1b]0;owned\\x07ran \\u202eexe.txt\\u2066 \\x9b31m\\u2028"
    assert all(ch.isprintable() for ch in shown)


@pytest.mark.parametrize("text", ["تهران", "می\u200cشود", "Isfahan – Kazan", "Zürich"])
def test_ordinary_and_persian_text_is_kept(text):
    assert terminal.shown(text) == text


def test_a_rich_cell_is_text_not_markup():
    assert terminal.cell("[link=https://evil.example]x[/link]").plain == (
        "[link=https://evil.example]x[/link]"
    )


def test_the_comparison_table_shows_wikidatas_labels_escaped(capsys):
    row = compare.Row("wikidata only", ("Q1", "Q2"), (HOSTILE, "[red]Kazan[/red]"))
    compare.print_table([row])
    out = capsys.readouterr().out
    assert not any(ch in out for ch in "\x1b\x07\u202e\u2066\x9b")
    assert "[red]" in out  # shown, not read as markup


def test_an_error_reason_reaches_the_terminal_escaped(capsys):
    with pytest.raises(SystemExit):
        cli._fail("the store said: " + HOSTILE, 2)
    err = capsys.readouterr().err
    assert not any(ch in err for ch in "\x1b\x07\u202e\u2066\x9b")
    assert "Teh\\x1b]0;owned\\x07ran" in err
