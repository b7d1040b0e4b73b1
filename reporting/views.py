from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ppo.access import record_access
from ppo.models import Role
from ppo.selectors import (
    all_schemes,
    memberships_of,
    register_search,
    roles_of,
    scheme_overviews,
    schemes_of,
    setup_counts,
)
from reporting.selectors import background_status
from reporting.services import background_check_request

CASELOAD_SHOWN = 25

# Roles whose home panel describes the schemes the user works in.
SCHEME_ROLES = {
    Role.OFFENDER_MANAGER,
    Role.COORDINATOR,
    Role.PANEL_MEMBER,
    Role.AUTHORISER,
    Role.STEERING_VIEWER,
}


def home(request):
    """One home page, with a panel for each role the user holds, in a fixed order."""
    memberships = list(memberships_of(user=request.user))
    roles = roles_of(user=request.user, memberships=memberships)
    context = {"memberships": memberships, "roles": roles, "Role": Role}
    if Role.OFFENDER_MANAGER in roles:
        today = timezone.localdate()
        caseload = register_search(user=request.user, on=today, manager_id=request.user.pk)
        context["caseload"] = list(caseload.order_by("last_name", "first_name")[:CASELOAD_SHOWN])
        access = record_access(user=request.user, offenders=context["caseload"], on=today)
        for person in context["caseload"]:
            person.access = access[person.pk]
        context["caseload_count"] = caseload.count() if context["caseload"] else 0
    if SCHEME_ROLES.intersection(roles):
        context["my_schemes"] = list(scheme_overviews(schemes=schemes_of(user=request.user)))
    if Role.CUSTODY_OFFICER in roles:
        context["all_schemes"] = list(scheme_overviews(schemes=all_schemes()))
    if Role.ADMIN in roles:
        context["setup_counts"] = setup_counts()
        context["background"] = background_status()
    return render(request, "reporting/home.html", context)


@require_POST
def background_check(request):
    """An administrator asks a worker to prove the job queue is running."""
    memberships = list(memberships_of(user=request.user))
    if Role.ADMIN not in roles_of(user=request.user, memberships=memberships):
        raise Http404
    background_check_request(by=request.user)
    messages.success(
        request,
        "Check sent to the background worker. Refresh this page in a few seconds to see "
        "whether it was completed.",
    )
    return redirect("home")
