from datetime import date

import pytest

from ppo.identifiers import (
    crn_normalise,
    name_key,
    nomis_normalise,
    pnc_check_character,
    pnc_normalise,
)

TODAY = date(2026, 11, 22)


def test_check_character_follows_the_modulus_23_rule():
    # n = 040012345 -> 40012345 mod 23 = 40012345 - 23 * 1739667 = 4 -> "D"
    assert 40012345 % 23 == 4
    assert pnc_check_character(2004, 12345) == "D"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("2004/0012345D", "2004/0012345D"),
        ("04/12345D", "2004/0012345D"),
        ("04/0012345d", "2004/0012345D"),
        (" 2004 / 0012345D ", "2004/0012345D"),
        ("27/1234567" + pnc_check_character(1927, 1234567), "1927/1234567"
         + pnc_check_character(1927, 1234567)),
        ("26/1" + pnc_check_character(2026, 1), "2026/0000001" + pnc_check_character(2026, 1)),
    ],
)  # fmt: skip
def test_pnc_ids_are_stored_in_the_long_form(given, stored):
    assert pnc_normalise(given, today=TODAY) == stored


def test_a_wrong_check_character_is_refused_with_the_right_one_named():
    with pytest.raises(ValueError, match="should be D, not E"):
        pnc_normalise("2004/0012345E", today=TODAY)


@pytest.mark.parametrize("bad", ["", "2004-0012345D", "2004/12345678D", "204/0012345D", "2004/D"])
def test_malformed_pnc_ids_are_refused(bad):
    with pytest.raises(ValueError, match="format YYYY/NNNNNNNC"):
        pnc_normalise(bad, today=TODAY)


def test_prison_and_probation_numbers():
    assert nomis_normalise(" a1234bc ") == "A1234BC"
    assert crn_normalise("x123456") == "X123456"
    with pytest.raises(ValueError, match="A1234BC"):
        nomis_normalise("1234ABC")
    with pytest.raises(ValueError, match="X123456"):
        crn_normalise("X12345")


def test_name_key_ignores_case_spaces_and_hyphens():
    assert name_key("Mary-Jo", "Van  Der Berg") == name_key("maryjo", "vanderberg")
