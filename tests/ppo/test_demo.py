import pytest
from django.core.management import CommandError, call_command

from ppo.demo import DEMO_PASSWORD, PERSONAS, demo_data_load
from ppo.models import Membership, Role, Scheme, User
from tests.clients import sign_in

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_two_schemes_and_a_persona_for_every_role():
    call_command("seed_demo")
    assert Scheme.objects.count() == 2
    assert {m.role for m in Membership.objects.all()} == set(Role)
    for persona in PERSONAS:
        assert User.objects.get(email=persona.email).check_password(DEMO_PASSWORD)


def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    counts = (User.objects.count(), Membership.objects.count(), Scheme.objects.count())
    names = sorted(User.objects.values_list("full_name", flat=True))
    call_command("seed_demo")
    assert (User.objects.count(), Membership.objects.count(), Scheme.objects.count()) == counts
    assert sorted(User.objects.values_list("full_name", flat=True)) == names


def test_seed_demo_refuses_without_demo_data_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="not allowed"):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda persona: persona.email)
def test_every_demo_persona_signs_in_to_their_role_home(client, persona):
    demo_data_load(people=False)
    user = User.objects.get(email=persona.email)
    sign_in(client, user, DEMO_PASSWORD)
    response = client.get("/")
    assert f'data-testid="panel-{persona.role.value}"' in response.content.decode()


def test_seed_demo_gives_each_scheme_people_with_consistent_history():
    from datetime import date

    from ppo.codes import Status
    from ppo.models import Event, Offender, OffenderManagerAssignment, ProgrammeMembership
    from ppo.selectors import offenders_visible_to
    from ppo.status import statuses_at

    call_command("seed_demo")
    stockton = Offender.objects.filter(scheme__slug="stockton")
    assert stockton.count() == 660
    current_ppos = ProgrammeMembership.objects.filter(
        offender__scheme__slug="stockton", programme="PPO", end_date__isnull=True
    )
    assert 40 <= current_ppos.count() <= 60
    # Every status occurs, and nobody is arrested while in custody.
    statuses = statuses_at(offenders=stockton, on=date.today())
    assert set(statuses.values()) == set(Status)
    police_om = User.objects.get(email="police.om@demo.example")
    assert offenders_visible_to(user=police_om).filter(scheme__slug="stockton").count() == 660
    # The police offender manager persona manages the scheme's current PPOs (their caseload).
    managed = OffenderManagerAssignment.objects.filter(offender__scheme__slug="stockton")
    assert set(managed.values_list("manager__email", flat=True)) == {police_om.email}
    assert managed.count() == current_ppos.count()
    housing = User.objects.get(email="housing.officer@demo.example")
    assert not offenders_visible_to(user=housing).exists()
    counts = (Offender.objects.count(), Event.objects.count())
    call_command("seed_demo")
    assert (Offender.objects.count(), Event.objects.count()) == counts


def test_no_simulated_arrest_falls_inside_custody():
    from django.db.models import Exists, OuterRef

    from ppo.codes import EventKind
    from ppo.models import Event

    call_command("seed_demo")
    arrests = Event.objects.filter(kind=EventKind.ARREST)
    in_custody = arrests.annotate(
        custody=Exists(
            Event.objects.filter(
                offender_id=OuterRef("offender_id"),
                kind=EventKind.CUSTODY_START,
                date__lt=OuterRef("date"),
            ).exclude(
                Exists(
                    Event.objects.filter(
                        offender_id=OuterRef("offender_id"),
                        kind=EventKind.RELEASE,
                        date__gte=OuterRef("date"),
                        date__lte=OuterRef(OuterRef("date")),
                    )
                )
            )
        )
    ).filter(custody=True)
    assert in_custody.count() == 0


def test_national_scale_builds_schemes_with_staff_and_people():
    from ppo.models import Offender, Scheme

    call_command("seed_demo", "--scale", "national", "--schemes", "3", "--people", "300")
    national = Scheme.objects.filter(slug__startswith="national-")
    assert national.count() == 3
    assert 200 <= Offender.objects.filter(scheme__in=national).count() <= 400
    om = User.objects.get(email="offender.manager1@national-001.demo.example")
    assert om.check_password(DEMO_PASSWORD)
    call_command("seed_demo", "--scale", "national", "--schemes", "3", "--people", "300")
    assert national.count() == 3


def test_seed_demo_records_consent_decisions_on_an_intact_ledger():
    from sharing.ledger import ledger_verify
    from sharing.models import ConsentEntry

    call_command("seed_demo")
    entries = ConsentEntry.objects.filter(offender__scheme__slug="stockton")
    assert 400 < entries.count() < 660
    assert {"given", "refused"} == set(entries.values_list("kind", flat=True))
    checked, breaks = ledger_verify()
    assert checked == ConsentEntry.objects.count()
    assert breaks == []
    call_command("seed_demo")
    assert ConsentEntry.objects.count() == checked


def test_seed_demo_sets_up_selection_once():
    from selection.models import Matrix, PanelMeeting, Referral, ScoringRun

    call_command("seed_demo")
    stockton = Matrix.objects.get(scheme__slug="stockton")
    run = ScoringRun.objects.get(scheme__slug="stockton")
    assert run.matrix == stockton
    assert any(row["above_threshold"] for row in run.result["ranking"])
    assert PanelMeeting.objects.filter(scheme__slug="stockton").count() == 2
    referrals = Referral.objects.filter(scheme__slug="stockton")
    assert referrals.count() == 2
    assert referrals.filter(from_cjit=True).exists()
    call_command("seed_demo")
    assert Matrix.objects.count() == 2
    assert Referral.objects.count() == 3  # Wakefield has one offender manager to refer


def test_seed_demo_gives_a_dozen_ppos_a_case_plan_once():
    from cases.models import Action, Appointment, Conference, ExitPlan

    call_command("seed_demo")
    held = Conference.objects.filter(offender__scheme__slug="stockton", held_on__isnull=False)
    assert held.count() == 12
    assert Action.objects.filter(offender__scheme__slug="stockton").count() == 36
    assert Appointment.objects.filter(offender__scheme__slug="stockton").count() == 48
    assert ExitPlan.objects.count() == 24
    call_command("seed_demo")
    assert Conference.objects.filter(held_on__isnull=False).count() == 24
