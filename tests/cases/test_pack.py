"""The conference pack: who is in it, what each entry shows to whom, the PDF, refusals and
a query count that does not grow with the people in it."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.services import action_create, conference_record, conference_schedule
from ppo.codes import EventKind
from ppo.services import event_record, offender_access_grant, offender_create
from tests.factories import MembershipFactory, ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _ppo(scheme, coordinator, police_om, number):
    person = offender_create(
        scheme=scheme, by=police_om,
        fields={"local_id": f"S-{number}", "first_name": "Pat", "last_name": f"Person{number:03d}",
                "date_of_birth": date(1990, 1, 1), "gender": "M"},
        aliases=[],
    )  # fmt: skip
    offender_access_grant(offenders=[person], agency=coordinator.memberships.get().agency,
                          by=None)  # fmt: skip
    ProgrammeMembershipFactory(offender=person, start_date=date(2025, 1, 6))
    return person


def _hold(person, by, day):
    conference = conference_schedule(offender=person, kind="conference", scheduled_for=day, by=by)
    return conference_record(
        conference=conference, version=1, held_on=day,
        attendees=[(by.memberships.get().agency, "PC Lee")], offender_attended=None,
        offender_comments="", minutes="", needs={}, assessable=[], by=by,
    )  # fmt: skip


def test_the_pack_has_everyone_due_with_what_happened_since(client, scheme, coordinator, police_om):
    booked = _ppo(scheme, coordinator, police_om, 1)
    _ppo(scheme, coordinator, police_om, 2)
    recent = _ppo(scheme, coordinator, police_om, 3)
    conference_schedule(offender=booked, kind="conference", scheduled_for=TODAY, by=police_om)
    _hold(booked, police_om, TODAY - timedelta(days=60))
    _hold(recent, police_om, TODAY - timedelta(days=10))  # not due: left out
    for days, kind in ((70, EventKind.ARREST), (30, EventKind.ARREST)):
        event_record(offender=booked, by=police_om, kind=kind, date=TODAY - timedelta(days=days),
                     reference=str(days), values={})  # fmt: skip
    agency = police_om.memberships.get().agency
    action_create(
        offender=booked,
        conference=None,
        pathway="attitudes",
        description="Course",
        lead_agency=agency,
        lead_officer="PC Lee",
        due_date=TODAY,
        by=police_om,
    )
    client.force_login(coordinator)
    response = client.get(reverse("conference-pack", args=[scheme.slug]),
                          {"date": TODAY.isoformat()})  # fmt: skip
    entries = response.context["entries"]
    assert [e.person.local_id for e in entries] == ["S-1", "S-2"]
    first = entries[0]
    assert first.booked
    assert first.last_conference == TODAY - timedelta(days=60)
    # Only the arrest since the last conference; the coordinator's local authority sees
    # offending (s115) and risk, so the action is shown too.
    assert [e.reference for e in first.events] == ["30"]
    assert [a.description for a in first.actions] == ["Course"]
    assert not entries[1].booked
    pdf = client.get(reverse("conference-pack", args=[scheme.slug]),
                     {"date": TODAY.isoformat(), "format": "pdf"})  # fmt: skip
    text = " ".join(" ".join(p.extract_text() for p in
                             PdfReader(io.BytesIO(pdf.content)).pages).split())  # fmt: skip
    assert "Conference pack: Stockton-on-Tees PPO scheme" in text
    assert "Pat Person001 (S-1)" in text
    assert "Conference overdue, not yet booked" in text
    assert recent.local_id + ")" not in text


def test_the_pack_is_for_the_schemes_coordinators(
    client, scheme, police_om, panel_member, steering_viewer, other_scheme
):
    outsider = MembershipFactory(agency__scheme=other_scheme, role="coordinator").user
    url = reverse("conference-pack", args=[scheme.slug])
    for persona in (police_om, panel_member, steering_viewer, outsider):
        client.force_login(persona)
        assert client.get(url).status_code == 404
        assert client.get(url, {"format": "pdf"}).status_code == 404


@pytest.mark.parametrize("people", [2, 12])
def test_the_pack_costs_the_same_queries_however_many_are_due(
    client, scheme, coordinator, police_om, people, django_assert_max_num_queries
):
    for number in range(people):
        person = _ppo(scheme, coordinator, police_om, number)
        event_record(offender=person, by=police_om, kind=EventKind.ARREST,
                     date=TODAY - timedelta(days=5), reference="", values={})  # fmt: skip
    client.force_login(coordinator)
    # 17 for the pack, 1 for the second factor (django-otp's device).
    with django_assert_max_num_queries(17 + 1):
        response = client.get(reverse("conference-pack", args=[scheme.slug]))
    assert len(response.context["entries"]) == people
