from django.conf import settings
from django.urls import reverse

from ppo.models import LOOKUP_ROLES, REGISTER_ROLES, Role
from ppo.selectors import memberships_of


def service(request) -> dict:
    """The service name and, for signed-in users, their agencies and navigation by role."""
    context = {"service_name": settings.SERVICE_NAME}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    memberships = list(memberships_of(user=user))
    roles = {membership.role for membership in memberships}
    context["header_agencies"] = list({m.agency.name: None for m in memberships})
    items = [("Home", reverse("home"))]
    if roles & REGISTER_ROLES:
        items.append(("Register", reverse("offender-list")))
    if roles & LOOKUP_ROLES:
        items.append(("Is this a PPO?", reverse("lookup")))
    if Role.COORDINATOR in roles:
        items.append(("Import", reverse("import-upload")))
    if roles & {Role.COORDINATOR, Role.DATA_PROTECTION}:
        items.append(("Access log", reverse("access-log")))
    path = request.path
    context["navigation"] = [
        {
            "text": text,
            "href": href,
            "active": path == href or (href != "/" and path.startswith(href)),
        }
        for text, href in items
    ]
    return context
