from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ppo.models import Role, Scheme
from ppo.selectors import memberships_of, scheme_overviews, schemes_of, setup_counts
from reporting.selectors import background_status
from reporting.services import background_check_request


def home(request):
    """One home page, with a panel for each role the user holds, in a fixed order."""
    memberships = list(memberships_of(user=request.user))
    roles = {membership.role for membership in memberships}
    context = {
        "memberships": memberships,
        "roles": [role for role in Role if role in roles],
        "Role": Role,
    }
    if roles & {
        Role.COORDINATOR,
        Role.PANEL_MEMBER,
        Role.AUTHORISER,
        Role.STEERING_VIEWER,
        Role.OFFENDER_MANAGER,
    }:
        context["my_schemes"] = list(scheme_overviews(schemes=schemes_of(user=request.user)))
    if Role.CUSTODY_OFFICER in roles:
        # Custody suites and prisons receive people from any area, so they see every scheme.
        context["all_schemes"] = list(scheme_overviews(schemes=Scheme.objects.order_by("name")))
    if _is_admin(request.user, roles):
        context["setup_counts"] = setup_counts()
        context["background"] = background_status()
    return render(request, "reporting/home.html", context)


@require_POST
def background_check(request):
    """An administrator asks a worker to prove the job queue is running."""
    roles = {membership.role for membership in memberships_of(user=request.user)}
    if not _is_admin(request.user, roles):
        raise Http404
    background_check_request(by=request.user)
    messages.success(
        request,
        "Check sent to the background worker. Refresh this page in a few seconds to see "
        "whether it was completed.",
    )
    return redirect("home")


def _is_admin(user, roles: set[str]) -> bool:
    return user.is_superuser or Role.ADMIN in roles
