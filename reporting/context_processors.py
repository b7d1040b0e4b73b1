from django.urls import reverse

from ppo.context_processors import request_memberships
from ppo.models import LOOKUP_ROLES, REGISTER_ROLES, Role

# Roles that see how people are selected (the transparency page) and take part in it.
SELECTION_ROLES = REGISTER_ROLES | {Role.STEERING_VIEWER}


def navigation(request) -> dict:
    """The service menu by role. Built here, in the top app, because it links every app's
    pages (ppo and sharing may not know about selection or reporting)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = {membership.role for membership in request_memberships(request)}
    items = [("Home", reverse("home"))]
    if Role.OFFENDER_MANAGER in roles:
        items.append(("My caseload", reverse("my-caseload")))
    if roles & REGISTER_ROLES:
        items.append(("Register", reverse("offender-list")))
    if roles & LOOKUP_ROLES:
        items.append(("Is this a PPO?", reverse("lookup")))
    if roles & SELECTION_ROLES:
        items.append(("Selection", reverse("selection-index")))
    if roles & REGISTER_ROLES:
        items.append(("My referrals", reverse("my-referrals")))
        items.append(("Notifications", reverse("notifications")))
    coordinated = [m.agency.scheme for m in request_memberships(request)
                   if m.role == Role.COORDINATOR and m.agency.scheme]  # fmt: skip
    if coordinated:
        items.append(("Team caseload", reverse("team-caseload", args=[coordinated[0].slug])))
        items.append(("Returns", reverse("returns", args=[coordinated[0].slug])))
    figures = (Role.COORDINATOR, Role.STEERING_VIEWER)
    steering = [
        m.agency.scheme for m in request_memberships(request)
        if m.role in figures and m.agency.scheme
    ]  # fmt: skip
    if steering:
        items.append(("Dashboard", reverse("dashboard", args=[steering[0].slug])))
        items.append(("Outcomes", reverse("outcomes", args=[steering[0].slug])))
    if Role.COORDINATOR in roles:
        items.append(("Import", reverse("import-upload")))
    if roles & {Role.COORDINATOR, Role.DATA_PROTECTION}:
        items.append(("Access log", reverse("access-log")))
    path = request.path
    return {
        "navigation": [
            {
                "text": text,
                "href": href,
                "active": path == href or (href != "/" and path.startswith(href)),
            }
            for text, href in items
        ]
    }
