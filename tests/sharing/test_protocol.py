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
