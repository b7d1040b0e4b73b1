import pytest
from django.core.exceptions import ValidationError

from sharing.categories import Category, default_rules
from sharing.selectors import protocol_rules
from sharing.services import protocol_save

pytestmark = pytest.mark.django_db


def test_a_scheme_without_a_protocol_uses_the_default(scheme):
    rules = protocol_rules(scheme=scheme)
    assert rules == default_rules()
    assert ("cjit", Category.TREATMENT_CLINICAL) in rules
    assert ("treatment", Category.TREATMENT_CLINICAL) in rules
    assert ("police", Category.TREATMENT_CLINICAL) not in rules
    assert ("housing", Category.TREATMENT_ENGAGEMENT) in rules
    assert ("housing", Category.INTELLIGENCE) not in rules


def test_each_save_is_a_new_version_and_the_latest_is_in_force(scheme, coordinator):
    first = protocol_save(scheme=scheme, rules={("police", "offending")}, by=coordinator)
    second = protocol_save(
        scheme=scheme, rules={("police", "offending"), ("housing", "accommodation")},
        by=coordinator, note="Housing joins",
    )  # fmt: skip
    assert (first.version, second.version) == (1, 2)
    assert protocol_rules(scheme=scheme) == {("police", "offending"), ("housing", "accommodation")}
    assert first.rules.count() == 1


def test_unknown_agency_types_or_categories_are_refused(scheme, coordinator):
    with pytest.raises(ValidationError, match="Unknown"):
        protocol_save(scheme=scheme, rules={("pirates", "offending")}, by=coordinator)


def test_coordinator_saves_a_new_protocol_version_from_the_grid(client, coordinator, scheme):
    from django.urls import reverse

    client.force_login(coordinator)
    url = reverse("scheme-protocol", args=[scheme.slug])
    assert 'data-testid="protocol-grid"' in client.get(url).content.decode()
    assert "Say what has changed and why" in client.post(url, {}).content.decode()
    client.post(url, {"note": "Police only", "police__offending": "on", "police__custody": "on"})
    assert protocol_rules(scheme=scheme) == {("police", "offending"), ("police", "custody")}


def test_other_staff_read_the_protocol_but_cannot_change_it(client, police_om, scheme):
    from django.urls import reverse

    client.force_login(police_om)
    url = reverse("scheme-protocol", args=[scheme.slug])
    assert "Save as a new version" not in client.get(url).content.decode()
    assert client.post(url, {"note": "x", "police__offending": "on"}).status_code == 404
    assert protocol_rules(scheme=scheme) == default_rules()


def test_staff_of_other_schemes_get_404(client, police_om, other_scheme):
    from django.urls import reverse

    client.force_login(police_om)
    assert client.get(reverse("scheme-protocol", args=[other_scheme.slug])).status_code == 404
