import pytest
from django.core.management import CommandError, call_command

from ppo.demo import DEMO_PASSWORD, PERSONAS
from ppo.models import Membership, Role, Scheme, User

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
    call_command("seed_demo")
    response = client.post(
        "/sign-in/", {"username": persona.email, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert f'data-testid="panel-{persona.role.value}"' in response.content.decode()
