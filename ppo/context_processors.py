from django.conf import settings

from ppo.selectors import memberships_of


def service(request) -> dict:
    """The service name and, for the header, the signed-in user's agencies."""
    context = {"service_name": settings.SERVICE_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        agencies = {m.agency.name: None for m in memberships_of(user=user)}
        context["header_agencies"] = list(agencies)
    return context
