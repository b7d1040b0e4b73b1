import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sharing.categories import Category, default_rules
from sharing.selectors import protocol_rules
from sharing.services import protocol_save

pytestmark = pytest.mark.django_db


def test_a_scheme_without_a_protocol_uses_the_default(scheme):
    rules = protocol_rules(scheme=scheme)
    assert rules == default_rules()
    # Clinical detail only for drug and treatment services, and only with consent.
    assert rules[("cjit", Category.TREATMENT_CLINICAL)] is True
    assert rules[("treatment", Category.TREATMENT_CLINICAL)] is True
    assert ("police", Category.TREATMENT_CLINICAL) not in rules
    # Everyone else sees engagement, with consent.
    assert rules[("housing", Category.TREATMENT_ENGAGEMENT)] is True
    assert ("housing", Category.INTELLIGENCE) not in rules
    # Criminal justice agencies share offending without consent (s115); identity goes to all.
    assert rules[("police", Category.OFFENDING)] is False
    assert rules[("probation", Category.CUSTODY)] is False
    assert rules[("housing", Category.OFFENDING)] is True
    assert rules[("housing", Category.IDENTITY)] is False


def test_each_save_is_a_new_version_and_the_latest_is_in_force(scheme, coordinator):
    first = protocol_save(scheme=scheme, rules={("police", "offending"): False}, by=coordinator)
    second = protocol_save(
        scheme=scheme, rules={("police", "offending"): False, ("housing", "accommodation"): True},
        by=coordinator, note="Housing joins",
    )  # fmt: skip
    assert (first.version, second.version) == (1, 2)
    assert protocol_rules(scheme=scheme) == {
        ("police", "offending"): False,
        ("housing", "accommodation"): True,
    }
    assert first.rules.count() == 1


def test_unknown_agency_types_or_categories_are_refused(scheme, coordinator):
    with pytest.raises(ValidationError, match="Unknown"):
        protocol_save(scheme=scheme, rules={("pirates", "offending"): True}, by=coordinator)


def test_coordinator_saves_a_new_protocol_version_from_the_grid(client, coordinator, scheme):
    client.force_login(coordinator)
    url = reverse("scheme-protocol", args=[scheme.slug])
    assert 'data-testid="protocol-grid"' in client.get(url).content.decode()
    assert "Say what has changed and why" in client.post(url, {}).content.decode()
    client.post(
        url,
        {"note": "Police only", "police__offending": "always", "police__custody": "consent",
         "housing__finance": "no"},
    )  # fmt: skip
    assert protocol_rules(scheme=scheme) == {
        ("police", "offending"): False,
        ("police", "custody"): True,
    }


def test_other_staff_read_the_protocol_but_cannot_change_it(client, police_om, scheme):
    client.force_login(police_om)
    url = reverse("scheme-protocol", args=[scheme.slug])
    content = client.get(url).content.decode()
    assert "Save as a new version" not in content
    assert "Without consent" in content
    assert client.post(url, {"note": "x", "police__offending": "always"}).status_code == 404
    assert protocol_rules(scheme=scheme) == default_rules()


def test_staff_of_other_schemes_get_404(client, police_om, other_scheme):
    client.force_login(police_om)
    assert client.get(reverse("scheme-protocol", args=[other_scheme.slug])).status_code == 404
