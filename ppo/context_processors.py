from django.conf import settings

from ppo.selectors import memberships_of


def request_memberships(request) -> list:
    """The signed-in user's memberships, read once per request (the header and the menu both
    need them)."""
    if not hasattr(request, "_memberships"):
        request._memberships = list(memberships_of(user=request.user))
    return request._memberships


def service(request) -> dict:
    """The service name and, for signed-in users, their agencies (the menu is reporting's)."""
    context = {"service_name": settings.SERVICE_NAME}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    memberships = request_memberships(request)
    context["header_agencies"] = list({m.agency.name: None for m in memberships})
    return context
