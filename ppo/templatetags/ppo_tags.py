from datetime import datetime

from django import template
from django.utils import timezone

from ppo.selectors import scheme_coordinators

register = template.Library()


@register.filter
def coordinators(scheme):
    """The scheme's coordinators, from the prefetch that scheme_overviews made."""
    return scheme_coordinators(scheme)


@register.filter
def govuk_datetime(value: datetime | None) -> str:
    """'22 November 2026 at 1:05pm' in UK time, as the GOV.UK style guide writes times."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{suffix}"
