"""API fuzzing (issue 8): schemathesis reads the OpenAPI schema the app serves at /api/schema/
and sends every operation 100 generated requests, valid and invalid. Every answer must be
documented: no server error; status code, content type, headers and body as the schema says;
invalid requests refused and valid reads accepted.

The caller is a police offender manager signed in with a token (a browser session would need
the second factor), who may see one person in full, one in part (the postcode is withheld
from police without consent) and not a third; recording a membership, which only the
scheme's coordinators may do, is fuzzed as the coordinator too. Each request runs in a
savepoint rolled back afterwards, so a fuzzed write never changes what the next request
sees, and nothing outlives the test's own transaction. Generation is derandomized: the
same requests every run.
"""

from datetime import date

import pytest
import schemathesis
from _pytest.nodeid import NodeId
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from rest_framework.authtoken.models import Token

from config.wsgi import application
from ppo.codes import EventKind, Programme
from ppo.models import AgencyType, Offender, Role
from ppo.services import event_record, offender_access_grant, offender_create
from sharing.categories import Category
from sharing.models import ConsentKind
from sharing.services import consent_record
from tests.conftest import _persona
from tests.factories import ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 100

if not hasattr(pytest.Function, "_nodeid"):
    # schemathesis 4.32.5 names each operation's report by rewriting the running item's
    # `_nodeid`, which pytest 9.2 replaced with a structured `_id`. Map the one to the other
    # until schemathesis follows.
    pytest.Function._nodeid = property(
        lambda item: item.nodeid,
        lambda item, value: setattr(item, "_id", NodeId.parse(value)),
    )


@pytest.fixture
def share_everything():
    """In place of tests/ppo/conftest.py's: the default protocol applies here, as in service,
    so that answers withhold some of what they show."""


def _person(scheme, by, local_id: str, first: str, last: str, **fields):
    return offender_create(
        scheme=scheme,
        by=by,
        fields={"local_id": local_id, "first_name": first, "last_name": last,
                "date_of_birth": date(1990, 4, 1), "gender": "M", **fields},
        aliases=[f"{first[:3]} {last}"],
    )  # fmt: skip


@pytest.fixture
def register(scheme, other_scheme, police_om, coordinator):
    """Kim, whom the officer sees in full and may change (she consented to police seeing
    where she lives); Dean, whose postcode is withheld from police without consent (so they
    may read but not change him); Wakefield's Lee, whom they may not see. The scheme's
    coordinator sees Kim and Dean too."""
    kim = _person(scheme, police_om, "S-1", "Kim", "Lee", pnc_id="2004/0012345D")
    consent_record(
        offender=kim, kind=ConsentKind.GIVEN, agency_types=[AgencyType.POLICE], agencies=[],
        categories=[Category.ACCOMMODATION], effective_date=date(2025, 1, 1),
        review_date=None, by=police_om,
    )  # fmt: skip
    dean = _person(scheme, police_om, "S-2", "Dean", "Smith", postcode="TS18 1AB")
    for person in (kim, dean):
        ProgrammeMembershipFactory(
            offender=person, programme=Programme.PPO, start_date=date(2025, 1, 1)
        )
        event_record(
            offender=person, by=police_om, kind=EventKind.ARREST, date=date(2026, 1, 4),
            reference="", values={"offence_category": "theft_shop"},
        )  # fmt: skip
        event_record(
            offender=person, by=police_om, kind=EventKind.DRUG_TEST, date=date(2026, 1, 5),
            reference="", values={"result": "positive", "substance": "opiates"},
        )  # fmt: skip
    offender_access_grant(
        offenders=[kim, dean], agency=coordinator.memberships.get().agency, by=coordinator
    )
    wakefield_om = _persona(
        other_scheme, "West Yorkshire Police", AgencyType.POLICE, Role.OFFENDER_MANAGER
    )
    hidden = _person(other_scheme, wakefield_om, "W-1", "Lee", "Hidden")
    missing = Offender.objects.order_by("pk").last().pk + 1000
    return {"kim": kim.pk, "dean": dean.pk, "hidden": hidden.pk, "missing": missing}


@pytest.fixture
def in_process_requests():
    """Requests reach the app in this thread, inside the test's transaction; as Django's test
    client does, keep the request signals from closing that connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _schema(user, register: dict, *, authenticated: bool = True):
    """The schema as the app serves it, read with `user`'s token; requests generated from it
    carry that token too, unless not `authenticated`."""
    token = Token.objects.get_or_create(user=user)[0].key
    config = {
        "seed": 8,
        "generation": {
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
            "database": "none",
        },
        # Values that pass the checks a schema cannot state, mixed into generated requests so
        # that valid ones reach the services and their answers are checked too.
        "dictionaries": {
            "offenders": {"values": list(register.values())},
            "versions": {"values": [1]},
            "schemes": {"values": ["stockton", "wakefield"]},
            "pnc-ids": {"values": ["2004/0012345D", "04/12345D", "1999/0000001G"]},
            "prison-numbers": {"values": ["A1234BC"]},
            "case-references": {"values": ["X123456"]},
            "past-dates": {"values": ["1990-04-01", "2026-01-04"]},
        },
        "parameters": {
            "path.id": {"dictionary": "offenders", "probability": 0.8},
            "body.version": {"dictionary": "versions", "probability": 0.8},
            "body.scheme": {"dictionary": "schemes", "probability": 0.8},
            "body.pnc_id": {"dictionary": "pnc-ids", "probability": 0.7},
            "body.nomis_number": {"dictionary": "prison-numbers", "probability": 0.7},
            "body.crn": {"dictionary": "case-references", "probability": 0.7},
            "body.date_of_birth": {"dictionary": "past-dates", "probability": 0.7},
        },
        # The coverage phase (boundary values of every constraint, one at a time) would more
        # than double the run for what the fuzzer's invalid requests largely find too.
        "phases": {"coverage": {"enabled": False}},
        "operations": [
            {
                # A schema cannot state every rule a write is checked against (a PNC ID's
                # check character, which schemes the caller may add to, duplicates, the
                # columns each kind of event needs, a PNC ID or a name and date of birth to
                # look up), so valid-looking writes and lookups may get 400.
                "include-method": ["POST", "PUT", "PATCH"],
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "400", "403", "404", "409"]
                    }
                },
            }
        ],
        "checks": {
            # Probes each successful request again without a token and with a wrong one: a
            # property of the operation, not of the request, so it is checked once for every
            # operation by test_every_operation_refuses_callers_without_a_valid_token.
            "ignored_auth": {"enabled": False},
        },
    }
    if authenticated:
        config["auth"] = {"openapi": {"tokenAuth": {"api_key": f"Token {token}"}}}
    return schemathesis.openapi.from_wsgi(
        "/api/schema/",
        application,
        config=schemathesis.Config.from_dict(config),
        headers={"Authorization": f"Token {token}"},
    )


@pytest.fixture
def officer_schema(register, police_om, in_process_requests):
    return _schema(police_om, register)


@pytest.fixture
def coordinator_schema(register, coordinator, in_process_requests):
    return _schema(coordinator, register)


officer = schemathesis.pytest.from_fixture("officer_schema")
# Only a scheme's coordinators record memberships: as the officer that operation stops at
# 403 before reading the body, so it is fuzzed as a coordinator as well.
coordinator_memberships = schemathesis.pytest.from_fixture("coordinator_schema").include(
    method="POST", path="/api/v1/offenders/{id}/memberships/"
)


def _call_and_validate(case) -> None:
    """Send the request and run every enabled check on the answer, then undo its writes."""
    with transaction.atomic():
        try:
            case.call_and_validate()
        finally:
            transaction.set_rollback(True)


@officer.parametrize()
def test_every_operation_answers_as_its_schema_says(case):
    _call_and_validate(case)


@coordinator_memberships.parametrize()
def test_recording_memberships_as_a_coordinator_answers_as_the_schema_says(case):
    _call_and_validate(case)


def test_every_operation_refuses_callers_without_a_valid_token(
    register, police_om, in_process_requests
):
    schema = _schema(police_om, register, authenticated=False)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 11
    for operation in operations:
        path = {"id": register["kim"]} if "{id}" in operation.path else None
        for headers in ({}, {"Authorization": "Token not-a-real-token"}):
            body = {"body": {}, "media_type": "application/json"} if operation.body else {}
            case = operation.Case(path_parameters=path, **body)
            with transaction.atomic():
                response = case.call(headers=headers)
                transaction.set_rollback(True)
            assert response.status_code in (401, 403), (operation.label, headers)
            case.validate_response(response, headers=headers)
