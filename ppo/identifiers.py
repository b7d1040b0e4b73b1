"""Identifiers and codes of the interchange contract (shared/formats.md), validated once here
for forms, the API and imports alike. Each validator raises ValueError with a message for
people, or returns the value in its stored form."""

import re
from datetime import date

PNC_CHECK_CHARACTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
_PNC = re.compile(r"^(\d{2}|\d{4})/(\d{1,7})([A-Z])$")
_NOMIS = re.compile(r"^[A-Z]\d{4}[A-Z]{2}$")
_CRN = re.compile(r"^[A-Z]\d{6}$")
_NAME_NOISE = re.compile(r"[\s\-]+")


def pnc_check_character(year: int, serial: int) -> str:
    """The check character: PNC_CHECK_CHARACTERS[n mod 23], n = YY followed by the serial."""
    return PNC_CHECK_CHARACTERS[int(f"{year % 100:02d}{serial:07d}") % 23]


def pnc_normalise(value: str, *, today: date | None = None) -> str:
    """A PNC id as YYYY/NNNNNNNC, from YYYY/NNNNNNNC or YY/NNNNNNNC (serial of 1-7 digits).

    A two-digit year YY means 19YY when above this year's last two digits, else 20YY.
    Raises ValueError for a wrong shape or a wrong check character.
    """
    compact = value.strip().upper().replace(" ", "")
    match = _PNC.match(compact)
    if not match:
        raise ValueError(
            "Enter a PNC ID in the format YYYY/NNNNNNNC or YY/NNNNNNNC, like 2004/0012345X"
        )
    year_text, serial_text, check = match.groups()
    year = int(year_text)
    if len(year_text) == 2:
        this_year = (today or date.today()).year
        year += 1900 if year > this_year % 100 else 2000
    serial = int(serial_text)
    expected = pnc_check_character(year, serial)
    if check != expected:
        raise ValueError(f"PNC ID check character is wrong: it should be {expected}, not {check}")
    return f"{year:04d}/{serial:07d}{check}"


def nomis_normalise(value: str) -> str:
    compact = value.strip().upper()
    if not _NOMIS.match(compact):
        raise ValueError("Enter a prison number in the format A1234BC")
    return compact


def crn_normalise(value: str) -> str:
    compact = value.strip().upper()
    if not _CRN.match(compact):
        raise ValueError("Enter a probation case reference in the format X123456")
    return compact


def name_key(*parts: str) -> str:
    """A name for matching, ignoring case, spaces and hyphens: "Mary-Jo Neil" -> "maryjoneil"."""
    return _NAME_NOISE.sub("", "".join(parts)).casefold()
