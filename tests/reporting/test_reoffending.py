"""The re-offending measure per formats.md, from histories built by hand: window edges,
offence date over charge date, TICs, days at liberty with custody inside the windows, the
rates, and the command."""

import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from ppo.codes import EventKind
from reporting.reoffending import reoffending
from tests.factories import EventFactory, OffenderFactory, ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db

START = date(2025, 4, 1)  # before: 1 April 2024 to 31 March 2025; after: to 31 March 2026


def _person(scheme, start=START):
    person = OffenderFactory(scheme=scheme)
    ProgrammeMembershipFactory(offender=person, start_date=start)
    return person


def charge(person, day, offence_date=None, ref=""):
    EventFactory(offender=person, kind=EventKind.CHARGE, date=day, offence_date=offence_date,
                 offence_category="theft_shop", reference=ref or day.isoformat())  # fmt: skip


def test_offences_and_tics_in_each_window(scheme):
    person = _person(scheme)
    charge(person, date(2024, 4, 1))  # first day before: counted
    charge(person, date(2024, 3, 31))  # a day earlier: not
    charge(person, date(2025, 4, 2), offence_date=date(2025, 3, 20))  # offence date decides
    charge(person, START)  # the start day is "after"
    charge(person, date(2026, 3, 31))  # last day after
    charge(person, date(2026, 4, 1))  # outside
    EventFactory(offender=person, kind=EventKind.CONVICTION, date=date(2025, 6, 1), tics=4,
                 offence_category="theft_shop", offence_date=date(2025, 3, 1))  # fmt: skip
    EventFactory(offender=person, kind=EventKind.CONVICTION, date=date(2025, 7, 1), tics=2,
                 offence_category="theft_shop", reference="2")  # fmt: skip
    result = reoffending(scheme=scheme, entered_from=START, entered_to=START)
    assert (result["people"], result["offences_before"], result["offences_after"]) == (1, 2, 2)
    assert result["change_pct"] == 0.0
    assert (result["tics_before"], result["tics_after"]) == (4, 2)


def test_days_at_liberty_leave_out_custody_and_rates_use_them(scheme):
    person = _person(scheme)
    # 30 days on remand before the start (1 to 31 January 2025: released on the 31st).
    EventFactory(offender=person, kind=EventKind.REMAND_START, date=date(2025, 1, 1))
    EventFactory(offender=person, kind=EventKind.REMAND_END, date=date(2025, 1, 31))
    # A sentence from 1 March 2026, still running at the end of the after window.
    EventFactory(offender=person, kind=EventKind.CUSTODY_START, date=date(2026, 3, 1))
    for number in range(3):
        charge(person, date(2024, 6, 1 + number))
    charge(person, date(2025, 6, 1))
    result = reoffending(scheme=scheme, entered_from=START, entered_to=START)
    assert result["days_at_liberty_before"] == 365 - 30
    assert result["days_at_liberty_after"] == 365 - 31  # 1 to 31 March 2026 in custody
    assert result["rate_per_365_at_liberty_before"] == round(3 * 365 / 335, 2)
    assert result["rate_per_365_at_liberty_after"] == round(1 * 365 / 334, 2)
    assert result["change_pct"] == -66.7


def test_only_people_who_joined_in_the_window_count(scheme):
    _person(scheme, start=date(2025, 3, 31))
    _person(scheme, start=START)
    _person(scheme, start=date(2025, 6, 30))
    _person(scheme, start=date(2025, 7, 1))
    result = reoffending(scheme=scheme, entered_from=START, entered_to=date(2025, 6, 30))
    assert result["people"] == 2
    assert result["change_pct"] is None  # no offences before: no percentage


def test_the_command(scheme, capsys):
    _person(scheme)
    call_command("reoffending", "--scheme", scheme.slug, "--entered-from", "2025-04-01",
                 "--entered-to", "2025-04-30", "--format", "json")  # fmt: skip
    result = json.loads(capsys.readouterr().out)
    assert list(result) == [
        "scheme", "entered_from", "entered_to", "people", "offences_before", "offences_after",
        "change_pct", "days_at_liberty_before", "days_at_liberty_after",
        "rate_per_365_at_liberty_before", "rate_per_365_at_liberty_after", "tics_before",
        "tics_after",
    ]  # fmt: skip
    with pytest.raises(CommandError, match="cannot be before"):
        call_command("reoffending", "--scheme", scheme.slug, "--entered-from", "2025-04-01",
                     "--entered-to", "2025-03-01")  # fmt: skip
    with pytest.raises(CommandError, match="not a date"):
        call_command("reoffending", "--scheme", scheme.slug, "--entered-from", "April",
                     "--entered-to", "2025-03-01")  # fmt: skip
