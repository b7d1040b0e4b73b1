"""Calendar arithmetic as formats.md "Dates and periods" defines it: "N months before D" is
the same day N calendar months earlier, clamped to that month's last day (31 May minus 3
months is 28 or 29 February)."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months (negative for earlier), clamped."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_before(day: date, months: int) -> date:
    return add_months(day, -months)


def in_last_months(event_day: date, on: date, months: int) -> bool:
    """Whether an event dated `event_day` is in the last `months` months as at `on`."""
    return months_before(on, months) < event_day <= on
