"""French as users type it (core.french): numbers, dates and yes/no read from what people write,
French display, and the same names still importable from core.validation."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core import french, validation
from desktop_app.core.french import (
    AnswerError,
    format_date,
    format_number,
    parse_date,
    parse_number,
    parse_yes_no,
)


@pytest.mark.parametrize(
    "typed,expected",
    [("12 500,50 €", 12500.5), ("1 234", 1234.0), ("-3,5", -3.5), ("1.234.567", 1234567.0), ("15 %", 15.0)],
)
def test_numbers_typed_the_french_way(typed, expected):
    assert parse_number(typed) == expected


def test_a_dot_and_three_digits_is_a_thousands_separator_for_whole_numbers():
    assert parse_number("1.234", integer=True) == 1234
    assert parse_number("1.234") == 1.234


@pytest.mark.parametrize(
    "typed",
    ["21/11/2026", "21/11/26", "21.11.2026", "2026-11-21", "21 novembre 2026", "samedi 21 nov. 2026", 46347],
)
def test_dates_typed_the_french_way(typed):
    assert parse_date(typed) == dt.date(2026, 11, 21)


def test_unreadable_answers_say_why_in_french():
    with pytest.raises(AnswerError, match="« douze » n'est pas un nombre"):
        parse_number("douze")
    with pytest.raises(AnswerError, match=r"« 31/02/2026 » n'est pas une date valide \(JJ/MM/AAAA\)"):
        parse_date("31/02/2026")
    with pytest.raises(AnswerError, match="répondez par « Oui » ou « Non »"):
        parse_yes_no("peut-être")


@pytest.mark.parametrize("typed,expected", [("Oui", True), ("x", True), ("✔", True), ("NON", False), ("faux", False)])
def test_yes_no(typed, expected):
    assert parse_yes_no(typed) is expected


def test_french_display():
    assert format_number(12500.5) == "12\u00a0500,5"
    assert format_number(3.0) == "3"
    assert format_date("2026-11-21") == "21/11/2026"


def test_callers_of_core_validation_keep_working():
    for name in ("AnswerError", "NBSP", "format_date", "format_number", "parse_date", "parse_number", "parse_yes_no"):
        assert getattr(validation, name) is getattr(french, name)
    with pytest.raises(validation.AnswerError):  # one exception class, caught under either name
        parse_date("bientôt")
