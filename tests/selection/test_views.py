"""Selection pages: each with the personas who must be refused (404), the journeys that work,
bad input that writes nothing, and the letters' text read back from the PDF."""

import io
import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ppo.codes import EventKind
from ppo.models import ProgrammeMembership
from ppo.services import event_record, offender_access_grant, offender_create
from selection.models import Decision, FlagResponse, Matrix, PanelMeeting, Referral, ScoringRun
from selection.services import decision_record, matrix_save, panel_meeting_create
from tests.factories import MembershipFactory, ProgrammeMembershipFactory
from tests.selection.test_matrix import STOCKTON

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def matrix(scheme, coordinator):
    return matrix_save(scheme=scheme, document=STOCKTON, by=coordinator)


@pytest.fixture
def dean(scheme, police_om, coordinator):
    person = offender_create(
        scheme=scheme, by=police_om,
        fields={"local_id": "S-1", "first_name": "Dean", "last_name": "Smith",
                "date_of_birth": date(1990, 4, 1), "gender": "M"},
        aliases=[],
    )  # fmt: skip
    offender_access_grant(offenders=[person], agency=coordinator.memberships.get().agency, by=None)
    for days in (10, 20, 30):
        event_record(
            offender=person, by=police_om, kind=EventKind.ARREST,
            date=TODAY - timedelta(days=days), reference="", values={},
        )  # fmt: skip
    event_record(
        offender=person, by=police_om, kind=EventKind.DRUG_TEST, date=TODAY - timedelta(days=5),
        reference="", values={"result": "positive", "substance": "opiates"},
    )  # fmt: skip
    return person


@pytest.fixture
def meeting(scheme, coordinator, police_om):
    return panel_meeting_create(
        scheme=scheme, held_on=TODAY, chair="", by=coordinator,
        attendees=[(police_om.memberships.get().agency, "PC Lee")],
    )  # fmt: skip


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def test_the_transparency_page_is_for_everyone_in_the_scheme(
    client, scheme, matrix, police_om, steering_viewer, no_role_user, custody_officer,
    other_scheme,
):  # fmt: skip
    url = reverse("selection-scheme", args=[scheme.slug])
    for persona in (police_om, steering_viewer):
        content = get(client, persona, url).content.decode()
        assert "2 points for each conviction in the last 12 months (at most 20)" in content
        assert "<strong>20 points or more</strong>" in content
        assert "no arrest and no police intelligence for 6 months" in content
    outsider = MembershipFactory(agency__scheme=other_scheme, role="coordinator").user
    for persona in (no_role_user, custody_officer, outsider):
        assert get(client, persona, url).status_code == 404


def test_only_coordinators_change_the_matrix(client, scheme, matrix, coordinator, panel_member):
    url = reverse("matrix-edit", args=[scheme.slug])
    assert get(client, panel_member, url).status_code == 404
    assert client.post(url, {"name": "X", "threshold": 1}).status_code == 404
    response = get(client, coordinator, url)
    assert response.context["form"]["convictions_points_each"].value() == 2
    form = {"name": "Stockton 2027", "threshold": "15", "arrests_use": "on",
            "arrests_window_months": "6", "arrests_points_each": "2", "arrests_cap": "10",
            "manual_0_label": "Impact on the community", "manual_0_max": "10",
            "manual_0_key": "community_impact"}  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 302
    saved = Matrix.objects.get(version=2)
    assert saved.criteria == [
        {"type": "arrests", "window_months": 6, "points_each": 2, "cap": 10},
        {"type": "manual", "key": "community_impact", "label": "Impact on the community",
         "max": 10},
    ]  # fmt: skip


def test_matrix_editor_reports_every_problem_and_saves_nothing(client, scheme, coordinator):
    url = reverse("matrix-edit", args=[scheme.slug])
    client.force_login(coordinator)
    response = client.post(
        url,
        {
            "name": "",
            "threshold": "-1",
            "arrests_use": "on",
            "arrests_points_each": "-2",
            "manual_0_label": "Impact",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"name", "threshold", "arrests_window_months", "arrests_points_each",
                           "manual_0_max"}  # fmt: skip
    assert "There is a problem" in response.content.decode()
    response = client.post(url, {"name": "Empty", "threshold": "3"})
    assert "criteria: list at least one criterion." in response.content.decode()
    assert not Matrix.objects.exists()


def test_matrix_upload_and_download(client, scheme, coordinator, panel_member):
    client.force_login(coordinator)
    upload = reverse("matrix-upload", args=[scheme.slug])
    bad = SimpleUploadedFile("m.json", b'{"name": "X", "threshold": -1, "criteria": []}')
    response = client.post(upload, {"file": bad}, follow=True)
    assert "threshold: must be a whole number, 0 or more." in response.content.decode()
    good = SimpleUploadedFile("m.json", json.dumps(STOCKTON).encode())
    client.post(upload, {"file": good})
    assert Matrix.objects.get().version == 1
    client.force_login(panel_member)
    download = client.get(reverse("matrix-download", args=[scheme.slug, 1]))
    assert json.loads(download.content) == STOCKTON
    assert client.post(upload, {"file": good}).status_code == 404


def test_review_thresholds(client, scheme, coordinator, police_om):
    url = reverse("thresholds-edit", args=[scheme.slug])
    assert get(client, police_om, url).status_code == 404
    client.force_login(coordinator)
    fields = {"no_offending_months": 12, "two_year_review_months": 24,
              "quarterly_review_months": 3, "long_custody_months": 24, "reselection_months": 3,
              "release_notification_days": 0}  # fmt: skip
    response = client.post(url, fields)
    assert response.status_code == 200
    assert "release_notification_days" in response.context["form"].errors
    client.post(url, {**fields, "release_notification_days": 30})
    scheme.refresh_from_db()
    saved = scheme.review_thresholds
    assert (saved.no_offending_months, saved.release_notification_days) == (12, 30)
    assert saved.updated_by == coordinator
    client.post(url, {**fields, "release_notification_days": 14})  # the same row, changed
    saved.refresh_from_db()
    assert saved.release_notification_days == 14


def test_scoring_run_lists_visible_people_and_withholds_what_the_reader_may_not_see(
    client, scheme, matrix, dean, coordinator, panel_member, police_om
):
    url = reverse("scoring", args=[scheme.slug])
    assert get(client, police_om, url).status_code == 404
    client.force_login(coordinator)
    response = client.post(url, {"as_at_day": TODAY.day, "as_at_month": TODAY.month,
                                 "as_at_year": TODAY.year, "version": "1"})  # fmt: skip
    run = ScoringRun.objects.get()
    assert response.url == reverse("scoring-run", args=[scheme.slug, run.pk])
    page = client.get(response.url)
    content = page.content.decode()
    assert "SMITH, Dean" in content
    row = page.context["rows"][0]
    keys = [criterion["type"] for criterion in matrix.criteria]
    cells = dict(zip(keys, row["cells"], strict=True))
    assert cells["arrests"] == {"count": 3, "points": 3}
    # Local authority coordinators are not shown clinical treatment detail (default protocol).
    assert cells["class_a_positive"] is None
    # The panel member's probation agency has no grant on Dean: not listed at all.
    assert "SMITH, Dean" not in get(client, panel_member, response.url).content.decode()


def test_referral_from_the_record_to_the_outcome(
    client, scheme, dean, police_om, cjit_worker, coordinator, meeting
):
    url = reverse("referral-create", args=[dean.pk])
    assert get(client, cjit_worker, url).status_code == 404  # no grant on the record
    client.force_login(police_om)
    response = client.post(url, {"agency": police_om.memberships.get().agency.pk, "reasons": " "})
    assert "Enter why this person should be considered" in response.content.decode()
    assert not Referral.objects.exists()
    client.post(url, {"agency": police_om.memberships.get().agency.pk,
                      "reasons": "Three burglaries in a month"})  # fmt: skip
    mine = client.get(reverse("my-referrals")).content.decode()
    assert "Waiting for the panel" in mine
    queue = get(client, coordinator, reverse("referral-queue", args=[scheme.slug]))
    assert "Three burglaries in a month" in queue.content.decode()
    assert get(client, police_om, reverse("referral-queue", args=[scheme.slug])).status_code == 404
    decision_record(
        meeting=meeting,
        offender=dean,
        kind="select",
        rationale="Agreed",
        by=coordinator,
        referral=Referral.objects.get(),
        strand="catch_convict",
    )
    mine = get(client, police_om, reverse("my-referrals")).content.decode()
    assert "Select</strong> at the panel of" in mine


def test_panel_meetings_are_added_by_coordinators_with_attendees(
    client, scheme, coordinator, panel_member, police_om
):
    url = reverse("panels", args=[scheme.slug])
    assert get(client, police_om, url).status_code == 404
    assert get(client, panel_member, url).status_code == 200
    assert client.post(url, {}).status_code == 404
    client.force_login(coordinator)
    day = {"held_on_day": TODAY.day, "held_on_month": TODAY.month, "held_on_year": TODAY.year}
    response = client.post(url, {**day, "attendee_0_name": "PC Lee"})
    assert "Select the agency of PC Lee" in response.content.decode()
    response = client.post(url, day)
    assert "Add at least one attendee and their agency" in response.content.decode()
    assert not PanelMeeting.objects.exists()
    agency = police_om.memberships.get().agency
    response = client.post(
        url, {**day, "attendee_0_name": "PC Lee", "attendee_0_agency": agency.pk}
    )
    meeting = PanelMeeting.objects.get()
    assert response.url == reverse("panel-detail", args=[meeting.pk])


def test_the_agenda_and_a_decision_from_it(
    client, scheme, matrix, dean, coordinator, panel_member, police_om, meeting
):
    from selection.services import scoring_run_create

    scoring_run_create(scheme=scheme, matrix=matrix, on=TODAY, by=coordinator)
    listed = offender_create(
        scheme=scheme, by=coordinator,
        fields={"local_id": "S-2", "first_name": "Amy", "last_name": "Jones",
                "date_of_birth": date(1985, 1, 1), "gender": "F"},
        aliases=[],
    )  # fmt: skip
    ProgrammeMembershipFactory(offender=listed, start_date=TODAY - timedelta(days=800))
    agenda = get(client, coordinator, reverse("panel-detail", args=[meeting.pk]))
    content = agenda.content.decode()
    assert [item["person"] for item in agenda.context["candidates"]] == []  # 3 + 3 + ... < 20
    assert "Two-year review due" in content
    assert [p.local_id for p in agenda.context["reviews"]] == ["S-2"]
    assert get(client, police_om, reverse("panel-detail", args=[meeting.pk])).status_code == 404
    decide = reverse("decision-create", args=[meeting.pk, listed.pk])
    assert get(client, panel_member, decide).status_code == 404
    client.force_login(coordinator)
    response = client.post(decide, {"kind": "deselect", "rationale": "Stopped offending"})
    assert "Select why they are leaving the list" in response.content.decode()
    response = client.post(decide, {"kind": "retain", "rationale": "Still offending",
                                    "two_year_review": "on"})  # fmt: skip
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.kind, decision.two_year_review, decision.matrix) == ("retain", True, matrix)


def test_flags_are_acknowledged_by_those_who_work_the_case(
    client, scheme, police_om, panel_member, coordinator
):
    person = offender_create(
        scheme=scheme, by=police_om,
        fields={"local_id": "S-3", "first_name": "Lee", "last_name": "Hart",
                "date_of_birth": date(1985, 1, 1), "gender": "M"},
        aliases=[],
    )  # fmt: skip
    offender_access_grant(offenders=[person], agency=panel_member.memberships.get().agency, by=None)
    ProgrammeMembershipFactory(offender=person, start_date=TODAY - timedelta(days=800))
    page = get(client, police_om, reverse("offender-detail", args=[person.pk])).content.decode()
    assert "Two-year review due" in page
    assert "Acknowledge or snooze" in page
    url = reverse("flag-respond", args=[person.pk])
    client.force_login(panel_member)  # reads records, does not work the case
    assert (
        "Acknowledge or snooze"
        not in client.get(reverse("offender-detail", args=[person.pk])).content.decode()
    )
    assert client.post(url, {"code": "two_year_review", "kind": "acknowledged",
                             "reason": "x"}).status_code == 404  # fmt: skip
    client.force_login(police_om)
    later = TODAY + timedelta(days=14)
    client.post(url, {"code": "two_year_review", "kind": "snoozed", "reason": "Panel next month",
                      "snoozed_until_day": later.day, "snoozed_until_month": later.month,
                      "snoozed_until_year": later.year})  # fmt: skip
    assert FlagResponse.objects.get().snoozed_until == later
    register = client.get(reverse("offender-list"))
    assert [[f.label for f in person.flags] for person in register.context["page"]] == [
        ["Case conference overdue", "Stopped offending?", "Case review due"]
    ]  # the two-year review is snoozed
    page = client.get(reverse("offender-detail", args=[person.pk])).content.decode()
    assert f"Snoozed until {later.day} {later:%B %Y}" in page


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_letters_explain_the_persons_own_criteria(
    client, scheme, matrix, dean, coordinator, police_om, housing_officer, meeting
):
    url = reverse("letter", args=[dean.pk, "induction"])
    assert get(client, police_om, url).status_code == 404  # not selected yet
    decision_record(meeting=meeting, offender=dean, kind="select", rationale="Agreed",
                    by=coordinator, strand="rehabilitate_resettle")  # fmt: skip
    text = _pdf_text(get(client, police_om, url))
    assert "Dear Dean Smith" in text
    assert f"You were arrested 3 times in the 12 months up to {TODAY.day} {TODAY:%B %Y}." in text
    # The police are not shown clinical detail: the letter they print only says it exists.
    assert "heroin" not in text
    assert "The panel also took into account information other agencies hold." in text
    assert "You were convicted" not in text  # no convictions: not a reason
    assert "priority help to change" in text
    assert "no arrest" not in text.lower() or "6 months in a row" in text
    assert get(client, housing_officer, url).status_code == 404  # may not act on the case
    later = panel_meeting_create(
        scheme=scheme, held_on=TODAY, chair="", by=coordinator,
        attendees=[(police_om.memberships.get().agency, "PC Lee")],
    )  # fmt: skip
    decision_record(
        meeting=later,
        offender=dean,
        kind="deselect",
        rationale="Moved on",
        by=coordinator,
        exit_reason="stopped_offending",
        exit_destination="cjit",
    )
    exit_text = _pdf_text(get(client, police_om, reverse("letter", args=[dean.pk, "exit"])))
    assert "The reason: stopped offending." in exit_text
    assert "The drug intervention team (CJIT) will keep working with you" in exit_text
    assert ProgrammeMembership.objects.filter(offender=dean, programme="CJIT").exists()


def test_every_other_selection_endpoint_refuses_outsiders(
    client, scheme, matrix, dean, coordinator, panel_member, police_om, no_role_user, meeting,
    other_scheme,
):  # fmt: skip
    from selection.services import scoring_run_create

    run = scoring_run_create(scheme=scheme, matrix=matrix, on=TODAY, by=coordinator)
    outsider = MembershipFactory(agency__scheme=other_scheme, role="coordinator").user
    client.force_login(no_role_user)
    assert client.get(reverse("selection-index")).status_code == 404
    gets = [
        reverse("matrix-download", args=[scheme.slug, 1]),
        reverse("scoring-run", args=[scheme.slug, run.pk]),
        reverse("panel-detail", args=[meeting.pk]),
        reverse("decision-create", args=[meeting.pk, dean.pk]),
        reverse("letter", args=[dean.pk, "induction"]),
    ]
    for persona in (no_role_user, outsider):
        client.force_login(persona)
        assert [client.get(url).status_code for url in gets] == [404] * len(gets), persona
    score = reverse("manual-score", args=[meeting.pk, dean.pk, "community_impact"])
    for persona in (panel_member, police_om, outsider):
        client.force_login(persona)
        assert client.post(score, {"score": 5, "evidence": "x"}).status_code == 404


def test_the_panel_scores_a_manual_criterion_with_evidence(
    client, scheme, matrix, dean, coordinator, meeting
):
    from selection.models import ManualScore

    client.force_login(coordinator)
    url = reverse("manual-score", args=[meeting.pk, dean.pk, "community_impact"])
    response = client.post(url, {"score": 11, "evidence": "Shop staff threatened"}, follow=True)
    assert "Enter a score from 0 to 10" in response.content.decode()
    client.post(url, {"score": 7, "evidence": "Shop staff threatened"})
    assert ManualScore.objects.get().score == 7
    wrong = reverse("manual-score", args=[meeting.pk, dean.pk, "made_up"])
    response = client.post(wrong, {"score": 1, "evidence": "x"}, follow=True)
    assert "This matrix has no panel assessment called" in response.content.decode()
    assert ManualScore.objects.count() == 1


@pytest.mark.parametrize("people", [2, 12])
def test_selection_pages_cost_the_same_queries_however_many_people(
    client, scheme, matrix, coordinator, police_om, meeting, people, django_assert_max_num_queries
):
    from selection.services import referral_create, scoring_run_create
    from tests.factories import EventFactory

    agency = coordinator.memberships.get().agency
    for number in range(people):
        person = offender_create(
            scheme=scheme, by=coordinator,
            fields={"local_id": f"Q-{number}", "first_name": "Q", "last_name": f"P{number}",
                    "date_of_birth": date(1990, 1, 1), "gender": "M"},
            aliases=[],
        )  # fmt: skip
        for day in range(12):
            EventFactory(
                offender=person, kind=EventKind.CONVICTION, reference=str(day),
                date=TODAY - timedelta(days=day + 1), offence_category="robbery",
            )  # fmt: skip
        referral_create(offender=person, agency=agency, reasons="Why", evidence="", by=coordinator)
        ProgrammeMembershipFactory(offender=person, start_date=TODAY - timedelta(days=900 + number))
    run = scoring_run_create(scheme=scheme, matrix=matrix, on=TODAY, by=coordinator)
    client.force_login(coordinator)
    # The same count for 2 or 12 people: the budgets hold whatever the pool's size. Each
    # includes 1 for the second factor (django-otp's device).
    with django_assert_max_num_queries(11):  # with the access log entry
        assert client.get(reverse("scoring-run", args=[scheme.slug, run.pk])).status_code == 200
    with django_assert_max_num_queries(21):
        assert client.get(reverse("panel-detail", args=[meeting.pk])).status_code == 200


def test_a_cjit_worker_shown_clinical_detail_prints_it_in_the_letter(
    client, scheme, matrix, dean, coordinator, cjit_worker, meeting
):
    from sharing.models import ConsentKind
    from sharing.services import consent_record

    offender_access_grant(offenders=[dean], agency=cjit_worker.memberships.get().agency, by=None)
    consent_record(
        offender=dean, kind=ConsentKind.GIVEN, agency_types=["cjit"], agencies=[],
        categories=["treatment_clinical", "offending", "custody"], effective_date=TODAY,
        review_date=None, by=coordinator,
    )  # fmt: skip
    decision_record(meeting=meeting, offender=dean, kind="select", rationale="Agreed",
                    by=coordinator, strand="rehabilitate_resettle")  # fmt: skip
    text = _pdf_text(get(client, cjit_worker, reverse("letter", args=[dean.pk, "induction"])))
    assert "You tested positive for heroin or crack cocaine once" in text
    assert "You were arrested 3 times" in text
    assert "information other agencies hold" not in text


def test_what_a_reader_may_see_is_decided_today_even_for_an_old_run(
    client, scheme, matrix, dean, coordinator, police_om
):
    from selection.services import scoring_run_create
    from sharing.models import ConsentKind
    from sharing.services import consent_record

    long_ago = TODAY - timedelta(days=100)
    for kind, day in ((ConsentKind.GIVEN, long_ago), (ConsentKind.WITHDRAWN, TODAY)):
        consent_record(
            offender=dean, kind=kind, agency_types=["local_authority"], agencies=[],
            categories=["treatment_clinical"], effective_date=day, review_date=None,
            by=police_om,
        )  # fmt: skip
    old = scoring_run_create(scheme=scheme, matrix=matrix, on=TODAY - timedelta(days=1), by=None)
    page = get(client, coordinator, reverse("scoring-run", args=[scheme.slug, old.pk]))
    row = page.context["rows"][0]
    keys = [criterion["type"] for criterion in matrix.criteria]
    assert dict(zip(keys, row["cells"], strict=True))["class_a_positive"] is None
    # ... and the total, which would give the withheld points away, is withheld too.
    assert row["total_shown"] is False
    assert ">3<" not in page.content.decode().split('data-testid="ranking"')[1].split("</tr>")[1]
