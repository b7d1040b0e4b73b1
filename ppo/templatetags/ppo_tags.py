from django import template

from ppo.selectors import scheme_coordinators

register = template.Library()


@register.filter
def coordinators(scheme):
    """The scheme's coordinators, from the prefetch that scheme_overviews made."""
    return scheme_coordinators(scheme)
