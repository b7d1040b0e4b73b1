"""The access matrix: every URL pattern and API route, asked for by every persona, answers
the status written here. A route added without an entry fails the test, with the statuses
it gave, so whoever adds it decides who may reach it.

Personas (one column each, in this order), all about the same Stockton record unless said:
  anon        not signed in
  own         offender manager in the agency that owns the record (Cleveland Police)
  deselected  the same offender manager, asking about a person since taken off the list
  withdrawn   CJIT worker: their agency was given the record, the person then withdrew consent
  no_grant    housing officer in the same scheme, never given the record
  other       offender manager of another scheme (Wakefield)
  custody     prison reception officer (checks "is this a PPO?" only)
  steering    steering group member (figures, never names)
  coord       the scheme's PPO coordinator
  pw_only     the record's offender manager with the right password but no code yet
  other_coord the PPO coordinator of another scheme (Wakefield)
  admin       the service administrator (staff account, no scheme)

Pages are asked with GET, except routes that only accept a POST, which are sent an empty
POST: refused personas must get the same 404 as for a record that does not exist, allowed
ones the form's errors (200), a redirect or 405 (GET on a POST-only route). Whoever a GET
refuses (404, a redirect to sign in or to the code, the API's 401/403) an empty POST must
refuse alike (or answer 405 where the route takes no POST at all): a form's handler cannot
be reached round its page's check. The admin's own
pages are Django's, behind is_staff; its index is here as one entry.
"""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cases.models import EnforcementFlag
from cases.services import (
    action_create,
    appointment_plan,
    conference_record,
    conference_schedule,
    partner_referral_send,
)
from ppo.codes import Need
from ppo.models import AgencyType, Role
from ppo.services import offender_access_grant, offender_create
from reporting.services import return_build
from selection.services import (
    decision_record,
    matrix_save,
    panel_meeting_create,
    scoring_run_create,
)
from sharing.categories import Category
from sharing.models import ConsentKind
from sharing.services import consent_record, subject_access_request
from sharing.subject_access import subject_access_build
from tests.clients import VerifiedClient
from tests.conftest import _persona
from tests.factories import ProgrammeMembershipFactory
from tests.selection.test_matrix import STOCKTON
from tests.sharing.consent_states import EVERYONE

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_MONTH = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
PERSONAS = ["anon", "own", "deselected", "withdrawn", "no_grant", "other", "custody",
            "steering", "coord", "pw_only", "other_coord", "admin"]  # fmt: skip
# Not through the second factor: GETs that redirect them are refusals (to the code page).
SIGNED_OUT = {"anon", "pw_only"}


def _person(scheme, by, local_id, first_name):
    return offender_create(
        scheme=scheme, by=by,
        fields={"local_id": local_id, "first_name": first_name, "last_name": "Smith",
                "date_of_birth": date(1990, 4, 1), "gender": "M"},
        aliases=[],
    )  # fmt: skip


def _case_records(person, police_om, police):
    """A conference, an action, a partner referral, an appointment and an enforcement flag."""
    conference = conference_schedule(
        offender=person, kind="conference", scheduled_for=TODAY, by=police_om
    )
    conference = conference_record(
        conference=conference, version=1, held_on=TODAY, attendees=[(police, "PC Lee")],
        offender_attended=True, offender_comments="", minutes="Plan agreed",
        needs=dict.fromkeys(Need.values, ("some", "")), by=police_om,
    )  # fmt: skip
    action = action_create(
        offender=person, conference=conference, pathway="drugs", description="Attend the DRR",
        lead_agency=police, lead_officer="PC Lee", due_date=TODAY + timedelta(days=30),
        by=police_om,
    )  # fmt: skip
    referral = partner_referral_send(
        offender=person, pathway="ete", service="College", agency=None, sent_on=TODAY,
        by=police_om,
    )  # fmt: skip
    appointment = appointment_plan(
        offender=person, agency=police, kind="supervision", at=timezone.now(), by=police_om
    )
    flag = EnforcementFlag.objects.create(
        offender=person, first_absence=appointment, second_absence=appointment, raised_on=TODAY
    )
    return {
        "conference": conference.pk, "action": action.pk, "partner_referral": referral.pk,
        "appointment": appointment.pk, "enforcement": flag.pk,
    }  # fmt: skip


@pytest.fixture
def world(scheme, other_scheme, police_om, cjit_worker, housing_officer, coordinator,
          steering_viewer, custody_officer, service_admin):  # fmt: skip
    police = police_om.memberships.get().agency
    cjit = cjit_worker.memberships.get().agency
    wakefield_om = _persona(
        other_scheme, "West Yorkshire Police", AgencyType.POLICE, Role.OFFENDER_MANAGER
    )
    wakefield_coordinator = _persona(
        other_scheme, "Safer Wakefield", AgencyType.LOCAL_AUTHORITY, Role.COORDINATOR
    )
    record = _person(scheme, police_om, "S-1", "Dean")
    for agency in (cjit, coordinator.memberships.get().agency):
        offender_access_grant(offenders=[record], agency=agency, by=None)
    # Consent to share everything with every partner, then withdrawn from CJIT alone.
    given = TODAY - timedelta(days=30)
    for kind, on, types in (
        (ConsentKind.GIVEN, given, EVERYONE),
        (ConsentKind.WITHDRAWN, given + timedelta(days=1), ["cjit"]),
    ):
        consent_record(
            offender=record, kind=kind, agency_types=types, agencies=[],
            categories=list(Category.values), effective_date=on, review_date=None, by=police_om,
        )  # fmt: skip
    deselected = _person(scheme, police_om, "S-2", "Lee")
    consent_record(
        offender=deselected, kind=ConsentKind.GIVEN, agency_types=EVERYONE, agencies=[],
        categories=list(Category.values), effective_date=given, review_date=None, by=police_om,
    )  # fmt: skip
    ProgrammeMembershipFactory(offender=deselected, start_date=date(2024, 3, 4))

    # Off every programme for longer than the scheme keeps records: due for review.
    due = _person(scheme, police_om, "S-3", "Kai")
    ProgrammeMembershipFactory(
        offender=due, start_date=date(2015, 5, 1), end_date=date(2018, 5, 1),
        exit_reason="stopped_offending", exit_destination="none",
    )  # fmt: skip

    # The panel selects the one and takes the other off the list (their letters exist).
    matrix = matrix_save(scheme=scheme, document=STOCKTON, by=coordinator)
    meeting = panel_meeting_create(
        scheme=scheme, held_on=TODAY, chair="", by=coordinator, attendees=[(police, "PC Lee")]
    )
    decision_record(
        meeting=meeting, offender=record, kind="select", rationale="Scores 24", by=coordinator,
        strand="catch_convict",
    )  # fmt: skip
    decision_record(
        meeting=meeting, offender=deselected, kind="deselect", rationale="No arrests in a year",
        by=coordinator, exit_reason="stopped_offending", exit_destination="mainstream",
    )  # fmt: skip
    objects = {
        "scheme": scheme.slug,
        "matrix": matrix.version,
        "scoring_run": scoring_run_create(
            scheme=scheme, matrix=matrix, on=TODAY, by=coordinator
        ).pk,
        "panel": meeting.pk,
        "month": LAST_MONTH.strftime("%Y-%m"),
        "due": due.pk,
    }
    return_build(scheme=scheme, first=LAST_MONTH, last=TODAY.replace(day=1) - timedelta(1))
    per_record = {}
    for person, letter in ((record, "induction"), (deselected, "exit")):
        per_record[person.pk] = {
            "pk": person.pk,
            "letter": letter,
            "export": subject_access_request(offender=person, by=coordinator).pk,
            **_case_records(person, police_om, police),
        }
    # The record's export is built, so that downloading it can be allowed; the de-selected
    # person's is still being built.
    subject_access_build(export_id=per_record[record.pk]["export"])
    users = {
        "anon": None, "own": police_om, "deselected": police_om, "withdrawn": cjit_worker,
        "no_grant": housing_officer, "other": wakefield_om, "custody": custody_officer,
        "steering": steering_viewer, "coord": coordinator, "pw_only": police_om,
        "other_coord": wakefield_coordinator, "admin": service_admin,
    }  # fmt: skip
    records = dict.fromkeys(PERSONAS, per_record[record.pk])
    records["deselected"] = per_record[deselected.pk]
    return users, records, objects


def _args(r, o):
    """URL arguments for each route, from the persona's record ids (r) and scheme objects (o)."""
    pk, slug = r["pk"], o["scheme"]
    return {
        "home": [], "sign-in": [], "sign-in-code": [], "sign-in-set-up": [], "sign-out": [],
        "password-change": [], "health": [], "background-check": [], "lookup": [],
        "notifications": [], "import-upload": [], "access-log": [], "selection-index": [],
        "my-referrals": [], "my-caseload": [], "offender-list": [], "offender-export": [],
        "offender-create": [], "returns": [slug], "outcomes": [slug], "dashboard": [slug],
        "return-detail": [slug, o["month"]],
        "offender-detail": [pk], "offender-record-pdf": [pk], "offender-edit": [pk],
        "event-create": [pk], "offender-access": [pk], "offender-manager": [pk],
        "offender-consent": [pk], "scheme-protocol": [slug], "subject-access": [pk],
        "subject-access-download": [pk, r["export"]], "offender-disclosures": [pk],
        "selection-scheme": [slug], "matrix-edit": [slug], "matrix-upload": [slug],
        "matrix-download": [slug, o["matrix"]], "thresholds-edit": [slug], "scoring": [slug],
        "scoring-run": [slug, o["scoring_run"]], "referral-queue": [slug], "panels": [slug],
        "panel-detail": [o["panel"]], "decision-create": [o["panel"], pk],
        "manual-score": [o["panel"], pk, "community_impact"], "referral-create": [pk],
        "flag-respond": [pk], "letter": [pk, r["letter"]],
        "team-caseload": [slug], "case-settings": [slug], "conference-pack": [slug],
        "case-plan": [pk], "plan-pdf": [pk], "conference-new": [pk], "action-new": [pk],
        "conference-detail": [r["conference"]], "action-edit": [r["action"]],
        "partner-referral-new": [pk], "partner-referral": [r["partner_referral"]],
        "appointment-new": [pk], "appointment": [r["appointment"]],
        "enforcement": [r["enforcement"]], "exit-plan": [pk],
        "api-schema": [], "api-docs": [], "api-me": [],
        "v1:offender-list": [], "v1:offender-detail": [pk], "v1:offender-memberships": [pk],
        "v1:offender-events": [pk], "v1:lookup": [],
        "retention-due": [slug], "retention-settings": [slug],
        "retention-retain": [slug, o["due"]], "retention-erase": [slug, o["due"]],
        "admin:index": [],
    }  # fmt: skip


# Expected status per persona, in the order of PERSONAS:
#   anon own deselected withdrawn no_grant other custody steering coord pw_only other_coord
#   admin
# 200 a page or download, 302 a redirect (to sign in for anon; after a POST; to one's scheme),
# 404 refused, 400 a bad API request, 403 the API to the signed-out, 415 a form posted to the
# API (it reads JSON only).
EXPECTED = {
    "access-log": "302 404 404 404 404 404 404 404 200 302 200 404",
    "action-edit": "302 200 200 404 404 404 404 404 200 302 404 404",
    "action-new": "302 200 200 200 404 404 404 404 200 302 404 404",
    # Admin is for staff accounts only (tests/ppo/test_admin.py), after the code.
    "admin:index": "302 302 302 302 302 302 302 302 302 302 302 200",
    "api-docs": "403 200 200 200 200 200 200 200 200 403 200 200",
    "api-me": "403 200 200 200 200 200 200 200 200 403 200 200",
    "api-schema": "403 200 200 200 200 200 200 200 200 403 200 200",
    # Supervision detail: withheld from CJIT once consent is withdrawn.
    "appointment": "302 200 200 404 404 404 404 404 200 302 404 404",
    "appointment-new": "302 200 200 404 404 404 404 404 200 302 404 404",
    "background-check": "302 404 404 404 404 404 404 404 404 302 404 302",
    "case-plan": "302 200 200 200 404 404 404 404 200 302 404 404",
    "case-settings": "302 404 404 404 404 404 404 404 200 302 404 404",
    "conference-detail": "302 200 200 200 404 404 404 404 200 302 404 404",
    "conference-new": "302 200 200 200 404 404 404 404 200 302 404 404",
    "conference-pack": "302 404 404 404 404 404 404 404 200 302 404 404",
    "dashboard": "302 404 404 404 404 404 404 200 200 302 404 404",
    "decision-create": "302 404 404 404 404 404 404 404 200 302 404 404",
    "enforcement": "302 200 200 404 404 404 404 404 200 302 404 404",
    "event-create": "302 200 200 200 404 404 404 404 200 302 404 404",
    "exit-plan": "302 200 200 404 404 404 404 404 200 302 404 404",
    "flag-respond": "302 302 302 302 404 404 404 404 302 302 404 404",
    # For monitoring, which has no session; a half-signed-in one is sent for its code.
    "health": "200 200 200 200 200 200 200 200 200 302 200 200",
    "home": "302 200 200 200 200 200 200 200 200 302 200 200",
    "import-upload": "302 404 404 404 404 404 404 404 200 302 200 404",
    "letter": "302 200 200 200 404 404 404 404 200 302 404 404",
    # Steering viewers see figures, never names.
    "lookup": "302 200 200 200 200 200 200 404 200 302 200 404",
    "manual-score": "302 404 404 404 404 404 404 404 302 302 404 404",
    "matrix-download": "302 404 404 404 404 404 404 404 200 302 404 404",
    "matrix-edit": "302 404 404 404 404 404 404 404 200 302 404 404",
    "matrix-upload": "302 404 404 404 404 404 404 404 302 302 404 404",
    # Offender managers only; their own people.
    "my-caseload": "302 200 200 200 200 200 404 404 404 302 404 404",
    "my-referrals": "302 200 200 200 200 200 404 404 200 302 200 404",
    "notifications": "302 200 200 200 200 200 200 200 200 302 200 200",
    "offender-access": "302 404 404 404 404 404 404 404 302 302 404 404",
    "offender-consent": "302 200 200 200 404 404 404 404 200 302 404 404",
    "offender-create": "302 200 200 200 200 200 404 404 200 302 200 404",
    # Withdrawn: the record, what consent covered withheld.
    "offender-detail": "302 200 200 200 404 404 404 404 200 302 404 404",
    "offender-disclosures": "302 404 404 404 404 404 404 404 200 302 404 404",
    # Only for those shown every personal field.
    "offender-edit": "302 200 200 404 404 404 404 404 200 302 404 404",
    "offender-export": "302 200 200 200 200 200 404 404 200 302 200 404",
    "offender-list": "302 200 200 200 200 200 404 404 200 302 200 404",
    "offender-manager": "302 404 404 404 404 404 404 404 302 302 404 404",
    "offender-record-pdf": "302 200 200 200 404 404 404 404 200 302 404 404",
    "outcomes": "302 404 404 404 404 404 404 200 200 302 404 404",
    "panel-detail": "302 404 404 404 404 404 404 404 200 302 404 404",
    "panels": "302 404 404 404 404 404 404 404 200 302 404 404",
    # Everyone's own password, once through both factors.
    "password-change": "302 200 200 200 200 200 200 200 200 302 200 200",
    "partner-referral": "302 200 200 404 404 404 404 404 200 302 404 404",
    "partner-referral-new": "302 200 200 200 404 404 404 404 200 302 404 404",
    "plan-pdf": "302 200 200 200 404 404 404 404 200 302 404 404",
    "referral-create": "302 200 200 200 404 404 404 404 200 302 404 404",
    "referral-queue": "302 404 404 404 404 404 404 404 200 302 404 404",
    "return-detail": "302 404 404 404 404 404 404 404 200 302 404 404",
    "retention-due": "302 404 404 404 404 404 404 404 200 302 404 404",
    "retention-erase": "302 404 404 404 404 404 404 404 200 302 404 404",
    "retention-retain": "302 404 404 404 404 404 404 404 200 302 404 404",
    "retention-settings": "302 404 404 404 404 404 404 404 200 302 404 404",
    "returns": "302 404 404 404 404 404 404 404 200 302 404 404",
    "scheme-protocol": "302 200 200 200 200 404 404 200 200 302 404 404",
    "scoring": "302 404 404 404 404 404 404 404 200 302 404 404",
    "scoring-run": "302 404 404 404 404 404 404 404 200 302 404 404",
    "selection-index": "302 302 302 302 302 302 404 302 302 302 302 404",
    "selection-scheme": "302 200 200 200 200 404 404 200 200 302 404 404",
    "sign-in": "200 302 302 302 302 302 302 302 302 302 302 302",
    "sign-in-code": "302 302 302 302 302 302 302 302 302 200 302 302",
    "sign-in-set-up": "302 302 302 302 302 302 302 302 302 302 302 302",
    "sign-out": "302 302 302 302 302 302 302 302 302 302 302 302",
    "subject-access": "302 404 404 404 404 404 404 404 200 302 404 404",
    # The scheme's coordinators and data protection officers, once it is built.
    "subject-access-download": "302 404 404 404 404 404 404 404 200 302 404 404",
    "team-caseload": "302 404 404 404 404 404 404 404 200 302 404 404",
    "thresholds-edit": "302 404 404 404 404 404 404 404 200 302 404 404",
    # The lookup is a POST of JSON: the matrix's empty form POST gets 415 wherever the role
    # may look up (tests/ppo/test_register_apis.py sends it JSON).
    "v1:lookup": "403 415 415 415 415 415 415 404 415 403 415 404",
    "v1:offender-detail": "403 200 200 200 404 404 404 404 200 403 404 404",
    "v1:offender-events": "403 200 200 200 404 404 404 404 200 403 404 404",
    "v1:offender-list": "403 200 200 200 200 200 404 404 200 403 200 404",
    "v1:offender-memberships": "403 200 200 200 404 404 404 404 200 403 404 404",
}  # fmt: skip


def _route_names(patterns=None, namespace=""):
    """Every named route, the admin's apart (one entry for its index)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                yield "admin:index"
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def _ask(client, name, args, persona) -> tuple[int, str | None]:
    """The route's status for the persona, and what is wrong if an empty POST gets past a
    refusal its GET gave."""
    url = reverse(name, args=args)
    response = client.get(url)
    if response.status_code == 405:  # a POST-only route: an empty POST, as a form would
        return client.post(url, {}).status_code, None
    refused = response.status_code in (401, 403, 404) or (
        persona in SIGNED_OUT and response.status_code == 302
    )
    if refused and name != "sign-out":
        posted = client.post(url, {})
        # 405: the route takes no POST from anyone, whatever the record (the API's detail).
        if posted.status_code != 405 and (posted.status_code, posted.get("Location")) != (
            response.status_code,
            response.get("Location"),
        ):
            return response.status_code, (
                f"{name} for {persona}: GET {response.status_code} but POST {posted.status_code}"
            )
    return response.status_code, None


def test_every_route_answers_every_persona_as_written(world):
    users, records, objects = world
    clients = {}
    for persona, user in users.items():
        # The password-only persona's session is one django-otp has not verified.
        clients[persona] = Client() if persona == "pw_only" else VerifiedClient()
        if user is not None:
            clients[persona].force_login(user)
    # Signing out last, or every request after it would be a signed-out one.
    names = sorted(set(_route_names()), key=lambda name: (name == "sign-out", name))
    wrong, posted_past = [], []
    for name in names:
        statuses = []
        for persona in PERSONAS:
            args = _args(records[persona], objects)
            if name not in args:
                statuses.append(None)
                continue
            status, problem = _ask(clients[persona], name, args[name], persona)
            statuses.append(status)
            if problem:
                posted_past.append(problem)
        row = " ".join(f"{status or '-':>3}" for status in statuses)
        if name not in EXPECTED:
            wrong.append(f'    "{name}": "{row}",  # no entry: what it answers now')
        elif EXPECTED[name] != row:
            wrong.append(f'    "{name}": "{row}",  # expected "{EXPECTED[name]}"')
    stale = sorted(set(EXPECTED) - set(names))
    assert not wrong, "Routes answering otherwise than written:\n" + "\n".join(wrong)
    assert not stale, f"Entries for routes that no longer exist: {stale}"
    assert not posted_past, "POSTs answered otherwise than their GET:\n" + "\n".join(posted_past)
