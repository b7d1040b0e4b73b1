"""Register pages: deny by default (404), forms, optimistic locking and query budgets."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ppo.codes import EventKind, Programme
from ppo.models import Event, LookupLog, Offender, OffenderManagerAssignment
from ppo.services import offender_access_grant, offender_create
from tests.factories import EventFactory, ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db


def _person(scheme, by, local_id="S-1", **fields):
    values = {
        "local_id": local_id, "first_name": "Dean", "last_name": "Smith",
        "date_of_birth": date(1990, 4, 1), "gender": "M", "pnc_id": "2004/0012345D",
    }  # fmt: skip
    values.update(fields)
    return offender_create(scheme=scheme, by=by, fields=values, aliases=["Deano Smith"])


@pytest.fixture
def dean(scheme, police_om):
    return _person(scheme, police_om)


def _urls(pk):
    return [
        reverse("offender-detail", args=[pk]),
        reverse("offender-edit", args=[pk]),
        reverse("event-create", args=[pk]),
    ]


def test_people_without_a_grant_get_404_on_every_record_page(
    client, dean, cjit_worker, housing_officer, steering_viewer, custody_officer
):
    for persona in (cjit_worker, housing_officer, steering_viewer, custody_officer):
        client.force_login(persona)
        for url in _urls(dean.pk):
            assert client.get(url).status_code == 404, (persona, url)
        assert client.post(reverse("offender-access", args=[dean.pk])).status_code == 404


def test_roles_that_do_not_read_records_get_404_on_the_register(
    client, steering_viewer, custody_officer, service_admin
):
    for persona in (steering_viewer, custody_officer, service_admin):
        client.force_login(persona)
        assert client.get(reverse("offender-list")).status_code == 404


def test_search_finds_by_name_alias_and_pnc_and_hides_others(client, dean, police_om, scheme):
    client.force_login(police_om)
    for q in ("dean smith", "DEANO-SMITH", "04/12345D", "2004/0012345d"):
        content = client.get(reverse("offender-list"), {"q": q}).content.decode()
        assert "SMITH, Dean" in content, q
    content = client.get(reverse("offender-list"), {"q": "nobody"}).content.decode()
    assert "No one found" in content


def test_register_filters_by_programme_status_and_manager(client, dean, police_om, scheme):
    other = _person(scheme, police_om, local_id="S-2", first_name="Amy", pnc_id="")
    ProgrammeMembershipFactory(offender=dean, programme=Programme.PPO, start_date=date(2025, 1, 1))
    EventFactory(offender=other, kind=EventKind.REMAND_START, date=date(2025, 1, 1))
    OffenderManagerAssignment.objects.create(
        offender=other,
        manager=police_om,
        agency=police_om.memberships.get().agency,
        start_date=date(2025, 1, 1),
    )
    client.force_login(police_om)

    def names(**params):
        page = client.get(reverse("offender-list"), params).context["page"]
        return [person.first_name for person in page]

    assert names(programme="PPO") == ["Dean"]
    assert names(status="custody_remand") == ["Amy"]
    assert names(manager=police_om.pk) == ["Amy"]
    assert sorted(names()) == ["Amy", "Dean"]


def test_register_query_count_does_not_grow_with_rows(
    client, police_om, scheme, django_assert_max_num_queries
):
    for number in range(30):
        person = _person(scheme, police_om, local_id=f"S-{number}", pnc_id="")
        ProgrammeMembershipFactory(offender=person, start_date=date(2025, 1, 1))
    client.force_login(police_om)
    # 11 for the register, 2 for effective access, 4 for review flags (the scheme's
    # thresholds and case settings, everyone's flags, responses to them), 1 for the second
    # factor (django-otp's device).
    with django_assert_max_num_queries(18):
        response = client.get(reverse("offender-list"))
    assert len(response.context["page"]) == 30


def test_offender_page_shows_the_timeline_within_a_query_budget(
    client, dean, police_om, django_assert_max_num_queries
):
    for day in range(60):
        EventFactory(offender=dean, kind=EventKind.ARREST, date=date(2025, 1, 1) + timedelta(day))
    client.force_login(police_om)
    # 10 for the page, 2 for effective access, 1 to write the access log, 7 for what
    # selection adds (thresholds, case settings, flags, responses, edit right, decisions,
    # referral), 2 for the plan summary (open actions, next conference), 1 for the second
    # factor (django-otp's device).
    with django_assert_max_num_queries(23):
        response = client.get(reverse("offender-detail", args=[dean.pk]))
    content = response.content.decode()
    assert content.count('class="moj-timeline__item"') == 60
    assert "Deano Smith" in content


def test_adding_a_person_reports_every_problem_and_writes_nothing(client, police_om, scheme):
    client.force_login(police_om)
    future = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("offender-create"),
        {
            "local_id": "", "first_name": "A", "last_name": "",
            "date_of_birth_day": future.day, "date_of_birth_month": future.month,
            "date_of_birth_year": future.year, "gender": "", "pnc_id": "2004/0012345E",
            "nomis_number": "nope",
        },
    )  # fmt: skip
    content = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Enter the scheme reference",
        "Enter the last name",
        "Date of birth must be in the past",
        "Select a gender",
        "it should be D, not E",
        "Enter a prison number in the format A1234BC",
    ):
        assert message in content
    assert not Offender.objects.exists()


def test_adding_a_person_grants_the_creating_agency(client, police_om, cjit_worker, scheme):
    client.force_login(police_om)
    response = client.post(
        reverse("offender-create"),
        {
            "local_id": "S-7", "first_name": "Kim", "last_name": "Lee",
            "date_of_birth_day": "3", "date_of_birth_month": "7", "date_of_birth_year": "1988",
            "gender": "F", "aliases": "Kimmy Lee\nK Lee",
        },
    )  # fmt: skip
    person = Offender.objects.get(local_id="S-7")
    assert response.url == reverse("offender-detail", args=[person.pk])
    assert person.aliases.count() == 2
    client.force_login(cjit_worker)
    assert client.get(response.url).status_code == 404


def test_a_duplicate_reference_is_a_field_error(client, dean, police_om):
    client.force_login(police_om)
    response = client.post(
        reverse("offender-create"),
        {
            "local_id": "S-1", "first_name": "X", "last_name": "Y",
            "date_of_birth_day": "1", "date_of_birth_month": "1", "date_of_birth_year": "1990",
            "gender": "M",
        },
    )  # fmt: skip
    assert "This scheme already has someone with this reference" in response.content.decode()
    assert Offender.objects.count() == 1


def test_the_second_of_two_simultaneous_edits_is_refused(client, dean, police_om):
    client.force_login(police_om)
    url = reverse("offender-edit", args=[dean.pk])
    form = client.get(url).context["form"]
    data = {
        "first_name": "Dean", "last_name": "Smith", "date_of_birth_day": "1",
        "date_of_birth_month": "4", "date_of_birth_year": "1990", "gender": "M",
        "version": form.initial["version"],
    }  # fmt: skip
    assert client.post(url, {**data, "area": "North"}).status_code == 302
    response = client.post(url, {**data, "area": "South"})
    assert "Someone else changed this record" in response.content.decode()
    dean.refresh_from_db()
    assert (dean.area, dean.version) == ("North", 2)


def test_recording_an_event_takes_two_steps(client, dean, police_om):
    client.force_login(police_om)
    url = reverse("event-create", args=[dean.pk])
    assert "What happened?" in client.get(url).content.decode()
    step_two = f"{url}?kind=drug_test"
    response = client.post(
        step_two,
        {"date_day": "5", "date_month": "1", "date_year": "2026", "result": "positive"},
    )
    assert "Substance is required for a positive drug test" in response.content.decode()
    response = client.post(
        step_two,
        {
            "date_day": "5", "date_month": "1", "date_year": "2026",
            "result": "positive", "substance": "cocaine",
        },
    )  # fmt: skip
    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.kind, event.substance, event.recorded_by) == ("drug_test", "cocaine", police_om)


def test_panel_members_can_read_but_not_edit(client, dean, panel_member, coordinator, scheme):
    panel_agency = panel_member.memberships.get().agency
    offender_access_grant(offenders=[dean], agency=panel_agency, by=coordinator)
    client.force_login(panel_member)
    assert client.get(reverse("offender-detail", args=[dean.pk])).status_code == 200
    assert client.get(reverse("offender-edit", args=[dean.pk])).status_code == 404


def test_coordinator_shares_and_unshares_a_record(client, dean, coordinator, cjit_worker):
    coordinator_agency = coordinator.memberships.get().agency
    offender_access_grant(offenders=[dean], agency=coordinator_agency, by=None)
    cjit = cjit_worker.memberships.get().agency
    client.force_login(coordinator)
    url = reverse("offender-access", args=[dean.pk])
    client.post(url, {"agency": cjit.pk})
    client.force_login(cjit_worker)
    assert client.get(reverse("offender-detail", args=[dean.pk])).status_code == 200
    client.force_login(coordinator)
    client.post(url, {"revoke": cjit.pk})
    client.post(url, {"revoke": "junk"})
    client.force_login(cjit_worker)
    assert client.get(reverse("offender-detail", args=[dean.pk])).status_code == 404


def test_lookup_answers_on_list_with_manager_contact(client, dean, police_om, custody_officer):
    ProgrammeMembershipFactory(
        offender=dean, programme=Programme.PPO, start_date=date(2025, 1, 1), strand="catch_convict"
    )
    OffenderManagerAssignment.objects.create(
        offender=dean, manager=police_om, agency=police_om.memberships.get().agency,
        start_date=date(2025, 1, 1),
    )  # fmt: skip
    client.force_login(custody_officer)
    content = client.post(reverse("lookup"), {"pnc_id": "04/12345D"}).content.decode()
    assert "On a list" in content
    assert police_om.email in content
    assert "Catch and convict" in content
    by_alias = client.post(
        reverse("lookup"),
        {"first_name": "deano", "last_name": "SMITH", "date_of_birth_day": "1",
         "date_of_birth_month": "4", "date_of_birth_year": "1990"},
    ).content.decode()  # fmt: skip
    assert "On a list" in by_alias
    log = LookupLog.objects.order_by("at").first()
    assert (log.by, log.pnc_id, log.on_list) == (custody_officer, "2004/0012345D", True)
    assert list(log.matches.all()) == [dean]


def test_lookup_gives_the_same_answer_for_no_match_and_not_on_a_list(client, dean, custody_officer):
    client.force_login(custody_officer)

    def answer(pnc):
        response = client.post(reverse("lookup"), {"pnc_id": pnc})
        content = response.content.decode()
        return content.split('data-testid="lookup-answer"')[1].split("Check someone else")[0]

    known_not_listed = answer("2004/0012345D")
    unknown = answer("2005/0000001" + "ZABCDEFGHJKLMNPQRTUVWXY"[50000001 % 23])
    assert known_not_listed == unknown
    assert "Not on a PPO or IOM list" in unknown


def test_lookup_asks_for_enough_to_go_on(client, custody_officer):
    client.force_login(custody_officer)
    content = client.post(reverse("lookup"), {"first_name": "Dean"}).content.decode()
    assert "Enter the last name" in content
    assert "Enter the date of birth" in content
    assert not LookupLog.objects.exists()


def test_lookup_is_refused_to_roles_without_it(client, steering_viewer):
    client.force_login(steering_viewer)
    assert client.get(reverse("lookup")).status_code == 404


def test_coordinator_uploads_a_file_and_sees_every_problem(client, coordinator, scheme):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(coordinator)
    header = "scheme,local_id,first_name,last_name,date_of_birth,gender\n"
    bad = SimpleUploadedFile("o.csv", (header + "stockton,S-1,A,B,1990-01-01,Q\n").encode())
    response = client.post(reverse("import-upload"), {"kind": "offenders", "file": bad})
    assert "line 2, column gender" in response.content.decode()
    good = SimpleUploadedFile("o.csv", (header + "stockton,S-1,A,B,1990-01-01,M\n").encode())
    response = client.post(reverse("import-upload"), {"kind": "offenders", "file": good})
    assert response.status_code == 302
    assert Offender.objects.get().scheme == scheme


def test_an_upload_may_not_touch_another_scheme(client, coordinator, other_scheme):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(coordinator)
    header = "scheme,local_id,first_name,last_name,date_of_birth,gender\n"
    upload = SimpleUploadedFile("o.csv", (header + "wakefield,W-1,A,B,1990-01-01,M\n").encode())
    response = client.post(reverse("import-upload"), {"kind": "offenders", "file": upload})
    assert "you cannot import into scheme &#x27;wakefield&#x27;" in response.content.decode()
    assert not Offender.objects.exists()


def test_only_coordinators_may_upload(client, police_om):
    client.force_login(police_om)
    assert client.get(reverse("import-upload")).status_code == 404


def test_coordinator_names_an_offender_manager_who_can_see_the_record(
    client, dean, coordinator, police_om, cjit_worker
):
    offender_access_grant(offenders=[dean], agency=coordinator.memberships.get().agency, by=None)
    police_membership = police_om.memberships.get()
    cjit_membership = cjit_worker.memberships.get()
    client.force_login(coordinator)
    url = reverse("offender-manager", args=[dean.pk])
    # The CJIT worker's agency cannot see the record, so they cannot be named.
    client.post(url, {"membership": cjit_membership.pk})
    assert not OffenderManagerAssignment.objects.exists()
    client.post(url, {"membership": police_membership.pk})
    client.post(url, {"membership": police_membership.pk})
    assignment = OffenderManagerAssignment.objects.get()
    assert (assignment.manager, assignment.end_date) == (police_om, None)
    content = client.get(reverse("offender-detail", args=[dean.pk])).content.decode()
    assert police_om.email in content


def test_naming_a_new_manager_ends_the_previous_assignment(dean, police_om, coordinator, scheme):
    from ppo.models import Role
    from ppo.services import offender_manager_assign
    from tests.factories import MembershipFactory

    police = police_om.memberships.get().agency
    second = MembershipFactory(agency=police, role=Role.OFFENDER_MANAGER).user
    offender_manager_assign(
        offender=dean, manager=police_om, agency=police, by=coordinator, on=date(2026, 1, 1)
    )
    offender_manager_assign(
        offender=dean, manager=second, agency=police, by=coordinator, on=date(2026, 6, 1)
    )
    first, latest = OffenderManagerAssignment.objects.order_by("start_date")
    assert first.end_date == date(2026, 6, 1)
    assert (latest.manager, latest.end_date) == (second, None)


def test_only_coordinators_name_offender_managers(client, dean, police_om):
    client.force_login(police_om)
    membership = police_om.memberships.get()
    response = client.post(
        reverse("offender-manager", args=[dean.pk]), {"membership": membership.pk}
    )
    assert response.status_code == 404


def test_an_empty_submission_shows_its_errors(client, police_om, scheme):
    client.force_login(police_om)
    content = client.post(reverse("offender-create"), {}).content.decode()
    assert "Enter the scheme reference" in content
    assert not Offender.objects.exists()


def test_removing_an_agencys_access_ends_its_managers_assignment(dean, police_om, coordinator):
    from ppo.services import offender_access_revoke, offender_manager_assign

    police = police_om.memberships.get().agency
    offender_manager_assign(
        offender=dean, manager=police_om, agency=police, by=coordinator, on=date(2026, 1, 1)
    )
    offender_access_revoke(offender=dean, agency=police, by=coordinator)
    assert OffenderManagerAssignment.objects.get().end_date == timezone.localdate()


def test_lookup_details_are_never_put_in_the_address(client, custody_officer):
    client.force_login(custody_officer)
    client.get(reverse("lookup"), {"pnc_id": "2004/0012345D"})
    assert not LookupLog.objects.exists()
