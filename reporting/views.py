import json
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ppo.access import record_access
from ppo.dates import add_months
from ppo.documents import render_pdf
from ppo.downloads import csv_download, pdf_download
from ppo.govuk import posted
from ppo.models import Membership, Role, Scheme
from ppo.selectors import (
    all_schemes,
    coordinated_scheme,
    memberships_of,
    offenders_visible_to,
    register_search,
    roles_of,
    scheme_overviews,
    schemes_of,
    setup_counts,
)
from reporting.costs import cost_of_crime
from reporting.dashboard import dashboard
from reporting.forms import OutcomeWindowForm, UnitCostForm
from reporting.models import MonthlyReturn
from reporting.returns import (
    ReturnRefused,
    month_bounds,
    monthly_return,
    previous_month,
    return_csv,
    return_rows,
    return_xlsx,
)
from reporting.selectors import (
    background_status,
    recorded_since_filing,
    return_differences,
    returns_of,
)
from reporting.services import (
    background_check_request,
    return_checksum,
    return_submit,
    return_text,
    unit_cost_set,
)

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
        # The coordinator's panel links pages only a scheme's coordinators may open.
        coordinated = {m.agency.scheme_id for m in memberships if m.role == Role.COORDINATOR}
        context["coordinated_schemes"] = [
            scheme for scheme in context["my_schemes"] if scheme.pk in coordinated
        ]
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


# --- monthly returns -------------------------------------------------------------------------

RETURN_MONTHS_LISTED = 12


def returns_list(request, slug: str):
    """The last twelve months that have ended, each with its return's state."""
    scheme = coordinated_scheme(user=request.user, slug=slug)
    filed = {r.month: r for r in returns_of(scheme=scheme)}
    first, _ = previous_month()
    months = []
    for _ in range(RETURN_MONTHS_LISTED):
        months.append((first, filed.get(first)))
        first = (first - timedelta(days=1)).replace(day=1)
    return render(request, "reporting/returns.html", {"scheme": scheme, "months": months})


def return_detail(request, slug: str, month: str):
    """A month's return: the figures as the history gives them now; once submitted, the
    figures filed, and any that changed since with the back-dated records that changed
    them. ?format=json|csv|xlsx|pdf downloads it (the filed one, once submitted)."""
    scheme = coordinated_scheme(user=request.user, slug=slug)
    try:
        first, last = month_bounds(month, today=timezone.localdate())
    except ReturnRefused:
        raise Http404 from None
    now = monthly_return(scheme=scheme, first=first, last=last)
    filed = MonthlyReturn.objects.filter(scheme=scheme, month=first).first()
    submitted = filed if filed and filed.state == MonthlyReturn.State.SUBMITTED else None
    if request.method == "POST":
        try:
            return_submit(scheme=scheme, first=first, last=last,
                          reviewed=request.POST.get("reviewed", ""), by=request.user)  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"The return for {first:%B %Y} is submitted.")
        return redirect("return-detail", slug=scheme.slug, month=month)
    shown = json.loads(submitted.filed) if submitted else now
    download = request.GET.get("format")
    if download:
        return _return_download(scheme, first, last, shown, submitted, download)
    return render(
        request,
        "reporting/return.html",
        {
            "scheme": scheme, "first": first, "last": last, "month": month,
            "rows": return_rows(shown), "submitted": submitted,
            "reviewed": return_checksum(now),
            "changes": return_differences(filed=shown, now=now) if submitted else [],
            "causes": (
                recorded_since_filing(filed=submitted, last=last, user=request.user)
                if submitted else []
            ),
        },
    )  # fmt: skip


def _return_download(scheme, first, last, document, submitted, download: str):
    name = f"return-{scheme.slug}-{first:%Y-%m}"
    if download == "json":
        text = submitted.filed if submitted else return_text(document)
        response = HttpResponse(text, content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    if download == "csv":
        response = HttpResponse(return_csv(document), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if download == "xlsx":
        response = HttpResponse(
            return_xlsx(document),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    if download == "pdf":
        pdf = render_pdf(
            "reporting/return_pdf.html",
            {"scheme": scheme, "first": first, "last": last, "rows": return_rows(document),
             "produced_at": timezone.localtime(), "reader": None},
        )  # fmt: skip
        return pdf_download(f"{name}.pdf", pdf)
    raise Http404


# --- outcomes: re-offending and the cost of crime ----------------------------------------------


def _outcomes_scheme(request, slug: str) -> tuple[Scheme, bool]:
    """Coordinators and steering group members of the scheme (figures only, no names)."""
    scheme = Scheme.objects.filter(slug=slug).first()
    roles = set(
        Membership.objects.filter(user=request.user, agency__scheme=scheme).values_list(
            "role", flat=True
        )
    ) if scheme else set()  # fmt: skip
    if not roles & {Role.COORDINATOR, Role.STEERING_VIEWER}:
        raise Http404
    return scheme, Role.COORDINATOR in roles


FEWEST_SHOWN = 5


def outcomes(request, slug: str):
    scheme, is_coordinator = _outcomes_scheme(request, slug)
    today = timezone.localdate()
    default_to = add_months(today, -12)
    window = OutcomeWindowForm(
        request.GET or None,
        initial={"entered_from": add_months(default_to, -12), "entered_to": default_to},
    )
    entered_from, entered_to = add_months(default_to, -12), default_to
    if window.is_valid():
        entered_from, entered_to = (
            window.cleaned_data["entered_from"],
            window.cleaned_data["entered_to"],
        )
    cost_form = UnitCostForm(posted(request)) if is_coordinator else None
    if request.method == "POST":
        if cost_form is None:
            raise Http404
        if cost_form.is_valid():
            unit_cost_set(scheme=scheme, by=request.user, values=cost_form.cleaned_data)
            messages.success(request, "Unit cost saved.")
            return redirect("outcomes", slug=scheme.slug)
    result = cost_of_crime(scheme=scheme, entered_from=entered_from, entered_to=entered_to)
    return render(
        request,
        "reporting/outcomes.html",
        {"scheme": scheme, "window": window, "result": result, "measure": result["measure"],
         "cost_form": cost_form, "entered_from": entered_from, "entered_to": entered_to,
         "persons": _person_rows(request, result["people"]) if is_coordinator else None,
         # So few people that the figures could point to someone: not for the steering group.
         "too_few": not is_coordinator and 0 < result["measure"]["people"] < FEWEST_SHOWN},
    )  # fmt: skip


def _person_rows(request, people) -> list[tuple]:
    """Each person's own figures, for coordinators, only for records they may open (named
    where they are shown the name); the steering group sees totals only."""
    visible = {
        person.pk: person
        for person in offenders_visible_to(user=request.user).filter(
            pk__in=[p.offender_id for p in people]
        )
    }
    access = record_access(user=request.user, offenders=list(visible.values()),
                           on=timezone.localdate())  # fmt: skip
    rows = []
    for windows in people:
        person = visible.get(windows.offender_id)
        if person is None:
            continue
        reader = access[person.pk]
        named = reader.shows_field("first_name")
        rows.append((
            person, person.full_name if named else f"Record {person.local_id}", windows,
            reader.shows("offending"), reader.shows("custody"),
        ))  # fmt: skip
    return rows


def steering_dashboard(request, slug: str):
    """Figures for the steering group, never names: each chart with its table and CSV."""
    scheme, _ = _outcomes_scheme(request, slug)
    charts = dashboard(scheme=scheme, today=timezone.localdate())
    wanted = request.GET.get("chart")
    if wanted:
        chart = next((c for c in charts if c.key == wanted), None)
        if chart is None:
            raise Http404
        return csv_download(f"{scheme.slug}-{chart.key}.csv", chart.columns, chart.rows)
    return render(
        request,
        "reporting/dashboard.html",
        {"scheme": scheme, "charts": [(chart, chart.as_data()) for chart in charts]},
    )
