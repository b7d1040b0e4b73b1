"""The register API: same permission rules as the pages, 400 listing every problem, 409 on a
stale version, token and session authentication."""

from datetime import date

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from ppo.codes import Programme
from ppo.models import Event, LookupLog, Offender
from ppo.services import offender_create
from tests.clients import VerifiedAPIClient
from tests.factories import ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return VerifiedAPIClient()


@pytest.fixture
def dean(scheme, police_om):
    return offender_create(
        scheme=scheme,
        by=police_om,
        fields={
            "local_id": "S-1", "first_name": "Dean", "last_name": "Smith",
            "date_of_birth": date(1990, 4, 1), "gender": "M", "pnc_id": "2004/0012345D",
        },
        aliases=["Deano Smith"],
    )  # fmt: skip


def test_schema_is_valid_openapi_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_docs_page_is_served_to_staff_from_local_files(client, police_om):
    client.force_login(police_om)
    content = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in content


def test_list_and_retrieve_with_a_token(api, dean, police_om):
    token = Token.objects.create(user=police_om)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    listed = api.get("/api/v1/offenders/").json()
    assert listed["count"] == 1
    assert listed["results"][0]["pnc_id"] == "2004/0012345D"
    one = api.get(f"/api/v1/offenders/{dean.pk}/").json()
    assert one["aliases"] == ["Deano Smith"]
    assert one["status"] == "community_non_statutory"
    assert one["version"] == 1


def test_list_filters_like_the_register_page(api, dean, police_om, scheme):
    ProgrammeMembershipFactory(offender=dean, programme=Programme.PPO, start_date=date(2025, 1, 1))
    api.force_authenticate(police_om)
    assert api.get("/api/v1/offenders/", {"programme": "PPO"}).json()["count"] == 1
    assert api.get("/api/v1/offenders/", {"programme": "IOM"}).json()["count"] == 0
    assert api.get("/api/v1/offenders/", {"q": "deano"}).json()["count"] == 1
    assert api.get("/api/v1/offenders/", {"status": "bogus"}).status_code == 400


@pytest.mark.parametrize("persona", ["cjit_worker", "housing_officer", "no_role_user"])
def test_people_without_a_grant_get_404(api, dean, request, persona):
    api.force_authenticate(request.getfixturevalue(persona))
    for url in (
        f"/api/v1/offenders/{dean.pk}/",
        f"/api/v1/offenders/{dean.pk}/events/",
        f"/api/v1/offenders/{dean.pk}/memberships/",
    ):
        assert api.get(url).status_code == 404, url
    assert api.patch(f"/api/v1/offenders/{dean.pk}/", {"version": 1}).status_code == 404
    listed = api.get("/api/v1/offenders/")
    assert listed.status_code == 404 or listed.json()["count"] == 0


def test_anonymous_callers_are_refused(api, dean):
    assert api.get("/api/v1/offenders/").status_code == 403
    assert api.post("/api/v1/lookup/", {"pnc_id": "2004/0012345D"}).status_code == 403


def test_create_lists_every_problem_and_writes_nothing(api, police_om):
    api.force_authenticate(police_om)
    response = api.post(
        "/api/v1/offenders/",
        {"scheme": "stockton", "local_id": "", "first_name": "A", "date_of_birth": "2999-01-01",
         "gender": "Q", "pnc_id": "2004/0012345E"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) >= {"local_id", "last_name", "gender", "pnc_id"}
    assert not Offender.objects.exists()


def test_create_refuses_a_future_birth_date_and_an_unknown_scheme(api, police_om):
    api.force_authenticate(police_om)
    person = {
        "local_id": "S-9", "first_name": "A", "last_name": "B",
        "date_of_birth": "2999-01-01", "gender": "M",
    }  # fmt: skip
    response = api.post("/api/v1/offenders/", {**person, "scheme": "stockton"}, format="json")
    assert response.json() == {"date_of_birth": ["Date of birth must be in the past"]}
    response = api.post("/api/v1/offenders/", {**person, "scheme": "wakefield"}, format="json")
    assert response.json() == {
        "scheme": ["You cannot add people to this scheme"],
        "date_of_birth": ["Date of birth must be in the past"],
    }


def test_create_then_update_with_optimistic_locking(api, police_om):
    api.force_authenticate(police_om)
    created = api.post(
        "/api/v1/offenders/",
        {"scheme": "stockton", "local_id": "S-2", "first_name": "Kim", "last_name": "Lee",
         "date_of_birth": "1988-07-03", "gender": "F", "aliases": ["Kimmy"]},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201
    body = created.json()
    url = f"/api/v1/offenders/{body['id']}/"
    first = api.patch(url, {"area": "North", "version": body["version"]}, format="json")
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = api.patch(url, {"area": "South", "version": body["version"]}, format="json")
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.json()["detail"]
    assert api.patch(url, {"area": "South"}, format="json").status_code == 400
    assert Offender.objects.get(pk=body["id"]).area == "North"


def test_events_are_recorded_and_listed(api, dean, police_om):
    api.force_authenticate(police_om)
    url = f"/api/v1/offenders/{dean.pk}/events/"
    bad = api.post(url, {"kind": "drug_test", "date": "2026-01-05"}, format="json")
    assert bad.status_code == 400
    assert "result" in bad.json()
    good = api.post(
        url, {"kind": "charge", "date": "2026-01-05", "offence_category": "robbery",
              "case_ref": "C1"}, format="json",
    )  # fmt: skip
    assert good.status_code == 201
    listed = api.get(url).json()["results"]
    assert listed[0]["kind"] == "charge"
    assert "result" not in listed[0]
    duplicate = api.post(
        url, {"kind": "charge", "date": "2026-01-05", "offence_category": "robbery"},
        format="json",
    )  # fmt: skip
    assert duplicate.status_code == 400
    assert Event.objects.count() == 1


def test_panel_members_read_but_may_not_write(api, dean, panel_member, coordinator):
    from ppo.services import offender_access_grant

    offender_access_grant(
        offenders=[dean], agency=panel_member.memberships.get().agency, by=coordinator
    )
    api.force_authenticate(panel_member)
    assert api.get(f"/api/v1/offenders/{dean.pk}/").status_code == 200
    assert api.patch(f"/api/v1/offenders/{dean.pk}/", {"version": 1}).status_code == 403
    response = api.post(
        f"/api/v1/offenders/{dean.pk}/events/", {"kind": "arrest", "date": "2026-01-01"}
    )
    assert response.status_code == 403


def test_lookup_api_has_one_shape_for_no_match_and_not_listed(api, dean, custody_officer):
    api.force_authenticate(custody_officer)
    not_listed = api.post("/api/v1/lookup/", {"pnc_id": "04/12345D"}, format="json").json()
    no_match = api.post(
        "/api/v1/lookup/", {"first_name": "No", "last_name": "One", "date_of_birth": "1990-01-01"},
        format="json",
    ).json()  # fmt: skip
    assert not_listed == no_match == {"on_list": False, "entries": []}
    ProgrammeMembershipFactory(offender=dean, programme=Programme.IOM, start_date=date(2025, 1, 1))
    listed = api.post("/api/v1/lookup/", {"pnc_id": "2004/0012345D"}, format="json").json()
    assert listed["on_list"] is True
    assert listed["entries"][0]["scheme"] == "Stockton-on-Tees PPO scheme"
    assert LookupLog.objects.count() == 3


def test_lookup_api_lists_every_problem(api, custody_officer):
    api.force_authenticate(custody_officer)
    response = api.post("/api/v1/lookup/", {"first_name": "A"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"last_name", "date_of_birth"}
    bad_pnc = api.post("/api/v1/lookup/", {"pnc_id": "nonsense"}, format="json")
    assert "pnc_id" in bad_pnc.json()


def test_lookup_api_refuses_steering_viewers(api, steering_viewer):
    api.force_authenticate(steering_viewer)
    assert api.post("/api/v1/lookup/", {"pnc_id": "2004/0012345D"}).status_code == 404


def test_list_query_count_does_not_grow_with_rows(
    api, police_om, scheme, django_assert_max_num_queries
):
    for number in range(25):
        person = offender_create(
            scheme=scheme, by=police_om,
            fields={"local_id": f"S-{number}", "first_name": "A", "last_name": f"B{number}",
                    "date_of_birth": date(1990, 1, 1), "gender": "M"},
            aliases=[f"Alias {number}"],
        )  # fmt: skip
        ProgrammeMembershipFactory(offender=person, start_date=date(2025, 1, 1))
    api.force_authenticate(police_om)
    # Includes effective access (2) and one insert into the access log for the whole page.
    with django_assert_max_num_queries(9):
        response = api.get("/api/v1/offenders/")
    assert response.json()["count"] == 25


def test_create_lists_scheme_and_field_problems_together(api, police_om):
    api.force_authenticate(police_om)
    response = api.post(
        "/api/v1/offenders/",
        {"scheme": "wakefield", "local_id": "W-1", "first_name": "A", "last_name": "B",
         "date_of_birth": "2090-01-01", "gender": "M", "pnc_id": "2004/0012345E"},
        format="json",
    )  # fmt: skip
    assert set(response.json()) == {"scheme", "date_of_birth", "pnc_id"}


def test_duplicate_reference_is_a_field_error(api, dean, police_om):
    api.force_authenticate(police_om)
    response = api.post(
        "/api/v1/offenders/",
        {"scheme": "stockton", "local_id": "S-1", "first_name": "A", "last_name": "B",
         "date_of_birth": "1990-01-01", "gender": "M"},
        format="json",
    )  # fmt: skip
    assert response.json() == {"local_id": ["This scheme already has someone with this reference"]}


def test_list_filters_by_offender_manager(api, dean, police_om):
    from ppo.models import OffenderManagerAssignment

    OffenderManagerAssignment.objects.create(
        offender=dean, manager=police_om, agency=police_om.memberships.get().agency,
        start_date=date(2025, 1, 1),
    )  # fmt: skip
    api.force_authenticate(police_om)
    assert api.get("/api/v1/offenders/", {"manager_id": police_om.pk}).json()["count"] == 1
    assert api.get("/api/v1/offenders/", {"manager_id": 999999}).json()["count"] == 0


def test_coordinators_record_memberships_others_may_not(api, dean, coordinator, police_om):
    from ppo.services import offender_access_grant

    offender_access_grant(offenders=[dean], agency=coordinator.memberships.get().agency, by=None)
    url = f"/api/v1/offenders/{dean.pk}/memberships/"
    api.force_authenticate(police_om)
    assert api.post(url, {"programme": "PPO", "start_date": "2026-01-01"}).status_code == 403
    api.force_authenticate(coordinator)
    bad = api.post(
        url, {"programme": "IOM", "start_date": "2026-01-01", "end_date": "2025-01-01",
              "strand": "catch_convict", "exit_reason": "other"}, format="json",
    )  # fmt: skip
    assert bad.status_code == 400
    assert set(bad.json()) == {"end_date", "strand"}
    good = api.post(
        url, {"programme": "PPO", "start_date": "2026-01-01", "strand": "catch_convict",
              "referral_source": "cjit"}, format="json",
    )  # fmt: skip
    assert good.status_code == 201
    assert api.get(url).json()[0]["referral_source"] == "cjit"
    again = api.post(url, {"programme": "PPO", "start_date": "2026-01-01"}, format="json")
    assert "start_date" in again.json()


def test_an_address_no_api_view_matches_is_a_json_404(api, police_om):
    api.force_authenticate(police_om)
    response = api.get("/api/v1/offenders/abc/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_create_refuses_a_body_that_is_not_an_object(api, police_om):
    api.force_authenticate(police_om)
    response = api.post("/api/v1/offenders/", ["not", "an", "object"], format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"non_field_errors", "scheme"}


def test_the_api_reads_json_only(api, dean, police_om):
    api.force_authenticate(police_om)
    url = f"/api/v1/offenders/{dean.pk}/"
    response = api.patch(url, {"area": "North", "version": 1}, format="multipart")
    assert response.status_code == 415
    assert Offender.objects.get(pk=dean.pk).area == ""


def test_one_record_has_its_current_programmes_as_the_list_does(api, dean, police_om):
    ProgrammeMembershipFactory(offender=dean, programme=Programme.PPO, start_date=date(2025, 1, 1))
    api.force_authenticate(police_om)
    one = api.get(f"/api/v1/offenders/{dean.pk}/").json()
    listed = api.get("/api/v1/offenders/").json()["results"][0]
    assert [row["programme"] for row in one["programmes"]] == ["PPO"]
    assert one == listed
