from datetime import date

import pytest

from bot.leads.validation import (
    is_skip,
    normalise_email,
    normalise_phone,
    parse_contact,
    parse_court_date,
    parse_courthouse,
    parse_name,
    parse_time_window,
    parse_yes_no,
)

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("416-555-0123", "+14165550123"),
        ("(647) 555 0199", "+16475550199"),
        ("1 905 555 0100", "+19055550100"),
        ("+1.613.555.0142", "+16135550142"),
        ("4165550123", "+14165550123"),
    ],
)
def test_canadian_phone_numbers_become_e164(text, expected):
    assert normalise_phone(text) == expected


@pytest.mark.parametrize(
    "text", ["555-0123", "041-555-0123", "416-155-0123", "call me maybe", "+44 20 7946 0958", ""]
)
def test_bad_phone_numbers_are_refused(text):
    assert normalise_phone(text) is None


@pytest.mark.parametrize("text", ["sam@example.ca", "a.b+tag@Mail.Example.COM"])
def test_emails_are_accepted(text):
    assert normalise_email(text) is not None


@pytest.mark.parametrize("text", ["sam@", "sam example.ca", "sam@example", "<b>@x.ca", "a@b..ca"])
def test_bad_emails_are_refused(text):
    assert normalise_email(text) is None


def test_contact_is_phone_or_email():
    assert parse_contact("Sam@Example.CA") == ("email", "Sam@example.ca")
    assert parse_contact("416 555 0123") == ("phone", "+14165550123")
    assert parse_contact("at home") is None


@pytest.mark.parametrize(
    "text, expected", [("Sam", "Sam"), ("  Marie-Ève  O'Neil ", "Marie-Ève O'Neil")]
)
def test_names(text, expected):
    assert parse_name(text) == expected


@pytest.mark.parametrize("text", ["", "12345", "<script>", "x" * 81, "sam@example.ca"])
def test_bad_names(text):
    assert parse_name(text) is None


def test_yes_no_and_time_window():
    assert parse_yes_no("Yes") is True and parse_yes_no("nope") is False
    assert parse_yes_no("maybe later") is None
    assert parse_time_window("mornings are best") == "morning"
    assert parse_time_window("whenever") == "any time"
    assert parse_time_window("tuesday") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-12-03", "2026-12-03"),
        ("Dec 3 2026", "2026-12-03"),
        ("December 3rd", "2026-12-03"),
        ("jan 5", "2027-01-05"),
    ],
)
def test_court_dates(text, expected):
    assert parse_court_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["12/03/2026", "2025-01-01", "2026-02-30", "soon", "2031-01-01"])
def test_bad_court_dates(text):
    assert parse_court_date(text, TODAY) is None


def test_skip_and_courthouse():
    assert is_skip("Don't know") and is_skip("skip") and not is_skip("2026-12-03")
    assert (
        parse_courthouse("Toronto courthouse, 10 Armoury St") == "Toronto courthouse, 10 Armoury St"
    )
    assert parse_courthouse("<img src=x>") is None


@pytest.mark.parametrize(
    "text",
    ["30 Feb", "feb 30 2027", "²", "dec ³", "dec " + "9" * 5000],
    ids=["30 Feb", "feb 30 2027", "superscript", "dec superscript", "huge number"],
)
def test_impossible_court_dates_are_refused_not_raised(text):
    # Found by the hypothesis fuzz test (tests/unit/test_fuzz_input.py): these used to raise.
    assert parse_court_date(text, TODAY) is None
