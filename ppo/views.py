import base64
import logging
import math

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from ppo.access import log_consultation, log_lookup, only_where_shown, record_access
from ppo.codes import EventKind
from ppo.documents import render_pdf
from ppo.downloads import csv_download, pdf_download
from ppo.extensions import record_sections, register_flags
from ppo.forms import (
    ChangePasswordForm,
    EventForm,
    EventKindForm,
    GrantForm,
    ImportForm,
    LookupForm,
    ManagerForm,
    OffenderForm,
    RegisterFilterForm,
    SchemeChoiceForm,
    SecondFactorCodeForm,
    SignInForm,
)
from ppo.govuk import add_service_errors, posted, uploaded
from ppo.imports import ImportRejected, csv_import
from ppo.lookup import lookup_run
from ppo.middleware import second_factor_not_required
from ppo.models import LOOKUP_ROLES, REGISTER_ROLES
from ppo.selectors import (
    agencies_with_access,
    assignable_managers,
    can_edit_offender,
    coordinates_scheme,
    grantable_agencies,
    holds_role,
    memberships_of,
    offender_for,
    offender_page,
    recent_imports,
    register_filter_options,
    register_search,
    schemes_coordinated_by,
    schemes_editable_by,
    second_factor_device,
)
from ppo.services import (
    event_record,
    notifications_read,
    offender_access_grant,
    offender_access_revoke,
    offender_create,
    offender_manager_assign,
    offender_update,
    password_change,
    second_factor_enrol,
    second_factor_pending_key,
    second_factor_throttle_cap,
    second_factor_verify,
)

# Failed second-factor codes: for the service's monitoring, never shown to users.
security_log = logging.getLogger("ppo.security")


class SignInView(LoginView):
    template_name = "ppo/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


@login_not_required
def admin_sign_in(request):
    """Stands in for the admin's own sign-in page, so staff have one way to sign in.

    A signed-in user without admin access gets the 404 page rather than a redirect back to
    sign-in, which would loop.
    """
    if request.user.is_authenticated:
        return not_found(request)
    return redirect_to_login(
        request.GET.get("next", reverse("admin:index")), login_url=reverse("sign-in")
    )


def _next_page(request) -> str:
    """Where to go after the second factor: the page first asked for, if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _code_page(request, template: str, check, context: dict | None = None):
    """A page asking for a code from the person's app; `check(code)` returns what is wrong
    with it, or None when it was right and the session has passed the second factor."""
    if request.user.is_verified():
        return redirect(_next_page(request))
    form = SecondFactorCodeForm(posted(request))
    if form.is_valid():
        problem = check(form.cleaned_data["code"])
        if problem is None:
            return redirect(_next_page(request))
        form.add_error("code", problem)
    next_page = request.POST.get("next") or request.GET.get("next", "")
    return render(request, template, {"form": form, "next": next_page, **(context or {})})


SECOND_FACTOR_WRONG = (
    "The code is not right or has already been used. Enter the newest code your app shows"
)
SECOND_FACTOR_THROTTLED = "You have entered too many wrong codes. Wait {wait} and try again"


def _wait(until) -> str:
    """How long until `until`, as a person would say it: "1 second", "8 minutes"."""
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    count, unit = (seconds, "second") if seconds < 60 else (math.ceil(seconds / 60), "minute")
    return f"{count} {unit}{'s' if count > 1 else ''}"


@second_factor_not_required
def second_factor_code(request):
    """The second step of every sign-in: a code from the person's authenticator app."""
    device = second_factor_device(user=request.user)
    if device is None:
        return redirect_to_login(_next_page(request), reverse("sign-in-set-up"))

    def check(code: str) -> str | None:
        second_factor_throttle_cap(device=device)
        allowed, detail = device.verify_is_allowed()
        if not allowed:
            return SECOND_FACTOR_THROTTLED.format(wait=_wait(detail["locked_until"]))
        if second_factor_verify(request=request, device=device, code=code):
            return None
        security_log.warning(
            "Wrong second-factor code for user %s from %s",
            request.user.pk, request.META.get("REMOTE_ADDR"),
        )  # fmt: skip
        return SECOND_FACTOR_WRONG

    return _code_page(request, "ppo/sign_in_code.html", check)


@second_factor_not_required
def second_factor_set_up(request):
    """First sign-in: pair an authenticator app by QR code or setup key, proven by a code.

    Once set up it cannot be replaced from here (a stolen password must not re-pair it);
    the service administrator removes the old one in the admin when a phone is lost."""
    if second_factor_device(user=request.user) is not None:
        return redirect_to_login(_next_page(request), reverse("sign-in-code"))
    device = TOTPDevice(user=request.user, key=second_factor_pending_key(session=request.session))
    key = base64.b32encode(device.bin_key).decode()
    qr_code = segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, title="QR code to scan with your authenticator app"
    )
    # An image with its title as its name, for screen readers (segno writes a bare <svg>).
    qr_code = qr_code.replace("<svg ", '<svg role="img" ', 1)
    context = {
        "qr_code": mark_safe(qr_code),  # noqa: S308 - segno's own SVG, no user input in markup
        "setup_key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
    }

    def check(code: str) -> str | None:
        try:
            return None if second_factor_enrol(request=request, code=code) else SECOND_FACTOR_WRONG
        except ValidationError as refused:
            return refused.messages[0]

    return _code_page(request, "ppo/sign_in_set_up.html", check, context)


API_PREFIX = "/api/"


def not_found(request, exception=None):
    """The 404 page. Records a user may not see answer this too, never 403 (deny by default).

    Under /api/ (an address no API view matches, such as /api/v1/offenders/abc/) the answer
    is JSON like the API's own 404s, as the schema documents, not an HTML page."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def password_change_view(request):
    """Anyone signed in (both factors) changes their own password."""
    form = ChangePasswordForm(request.user, posted(request))
    if request.method == "POST" and form.is_valid():
        password_change(request=request, new_password=form.cleaned_data["new_password1"])
        messages.success(request, "Your password has been changed.")
        return redirect("home")
    return render(request, "ppo/password_change.html", {"form": form})


@login_not_required
def health(request):
    """For container health checks and load balancers: the app answers and reaches its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


# --- the register ----------------------------------------------------------------------------

PAGE_SIZE = 50


def _require_role(user, roles) -> None:
    """A page for other roles is a 404: deny by default, and do not confirm it exists."""
    if not holds_role(user=user, roles=roles):
        raise Http404


def _register(request, today):
    """The register as filtered by the query string, with the effective access already
    worked out by the filtering (see only_where_shown)."""
    _require_role(request.user, REGISTER_ROLES)
    filters = RegisterFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    people = register_search(
        user=request.user,
        on=today,
        q=criteria.get("q", ""),
        programme=criteria.get("programme", ""),
        status=criteria.get("status", ""),
        area=criteria.get("area", ""),
        manager_id=criteria.get("manager"),
    ).order_by("last_name", "first_name", "pk")
    people, known = only_where_shown(people, user=request.user, on=today, criteria=criteria)
    return filters, people, known


def offender_list(request):
    today = timezone.localdate()
    filters, people, known = _register(request, today)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    access = record_access(user=request.user, offenders=list(page), on=today, known=known)
    flags = register_flags(user=request.user, offenders=list(page), access=access, on=today)
    for person in page:
        person.access = access[person.pk]
        person.flags = flags.get(person.pk, [])
    options = register_filter_options(user=request.user, on=today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ppo/offender_list.html",
        {
            "filters": filters,
            "page": page,
            "areas": options["areas"],
            "managers": options["managers"],
            "query": query.urlencode(),
            "can_add": schemes_editable_by(user=request.user).exists(),
            "today": today,
        },
    )


REGISTER_CSV_HEADER = [
    "scheme", "local_id", "first_name", "last_name", "date_of_birth", "pnc_id", "area",
    "programmes", "status", "offender_managers",
]  # fmt: skip


def offender_export(request):
    """The filtered register as CSV, every row redacted for the reader and logged as an
    export. Column names follow offenders.csv where they mean the same thing; dates are
    YYYY-MM-DD and codes as in formats.md, for spreadsheets."""
    today = timezone.localdate()
    _, people, known = _register(request, today)
    people = list(people)
    access = record_access(user=request.user, offenders=people, on=today, known=known)
    log_consultation(request=request, access=access, purpose="export")
    return csv_download(
        f"register-{today.isoformat()}.csv",
        REGISTER_CSV_HEADER,
        (_register_row(person, access[person.pk]) for person in people),
    )


def _register_row(person, access) -> list:
    def shown(field, value):
        return value if access.shows_field(field) else access.notice

    return [
        person.scheme.slug,
        person.local_id,
        shown("first_name", person.first_name),
        shown("last_name", person.last_name),
        shown("date_of_birth", person.date_of_birth.isoformat()),
        shown("pnc_id", person.pnc_id),
        shown("area", person.area),
        ";".join(membership.programme for membership in person.current_programmes),
        person.status if access.shows_status else access.notice,
        ";".join(assignment.manager.full_name for assignment in person.current_assignments),
    ]


def offender_detail(request, pk: int):
    today = timezone.localdate()
    offender = offender_page(user=request.user, pk=pk, on=today)
    access_by_pk = record_access(user=request.user, offenders=[offender], on=today)
    log_consultation(request=request, access=access_by_pk, purpose="page_view")
    access = access_by_pk[offender.pk]
    coordinator = coordinates_scheme(user=request.user, scheme=offender.scheme)
    context = {
        "offender": offender,
        "access": access,
        "events": [event for event in offender.events.all() if access.shows_event(event.kind)],
        "today": today,
        "can_edit": can_edit_offender(user=request.user, offender=offender),
        "can_edit_details": access.shows_all_personal_fields,
        "coordinator": coordinator,
        "sections": record_sections(request=request, offender=offender, access=access, on=today),
    }
    if coordinator:
        with_access = agencies_with_access(offender=offender)
        context["agencies_with_access"] = with_access
        context["grant_form"] = GrantForm(
            agencies=grantable_agencies(offender=offender).exclude(pk__in=with_access)
        )
        context["manager_form"] = ManagerForm(memberships=assignable_managers(offender=offender))
    return render(request, "ppo/offender_detail.html", context)


def offender_record_pdf(request, pk: int):
    """The offender page as a PDF to print or attach, redacted exactly as the page is and
    logged as an export."""
    today = timezone.localdate()
    offender = offender_page(user=request.user, pk=pk, on=today)
    access_by_pk = record_access(user=request.user, offenders=[offender], on=today)
    log_consultation(request=request, access=access_by_pk, purpose="export")
    access = access_by_pk[offender.pk]
    agencies = sorted({m.agency.name for m in memberships_of(user=request.user)})
    pdf = render_pdf(
        "ppo/offender_record_pdf.html",
        {
            "offender": offender,
            "access": access,
            "events": [event for event in offender.events.all() if access.shows_event(event.kind)],
            "today": today,
            "produced_at": timezone.localtime(),
            "reader": request.user,
            "reader_agency": ", ".join(agencies),
        },
    )
    return pdf_download(f"record-{offender.local_id}-{today.isoformat()}.pdf", pdf)


@require_POST
def offender_manager(request, pk: int):
    """A coordinator names the person's offender manager from today."""
    offender = offender_for(user=request.user, pk=pk)
    if not coordinates_scheme(user=request.user, scheme=offender.scheme):
        raise Http404
    form = ManagerForm(request.POST, memberships=assignable_managers(offender=offender))
    if not form.is_valid():
        messages.error(request, "Select an offender manager.")
        return redirect("offender-detail", pk=offender.pk)
    membership = form.cleaned_data["membership"]
    offender_manager_assign(
        offender=offender,
        manager=membership.user,
        agency=membership.agency,
        by=request.user,
        on=timezone.localdate(),
    )
    messages.success(request, f"{membership.user.full_name} is now the offender manager.")
    return redirect("offender-detail", pk=offender.pk)


def offender_create_view(request):
    schemes = schemes_editable_by(user=request.user)
    if not schemes.exists():
        raise Http404
    form = OffenderForm(posted(request))
    # Most staff work in one scheme: only those in several are asked which.
    scheme_choice = (
        SchemeChoiceForm(posted(request), schemes=schemes) if schemes.count() > 1 else None
    )
    chosen_ok = scheme_choice is None or scheme_choice.is_valid()
    if request.method == "POST" and form.is_valid() and chosen_ok:
        scheme = scheme_choice.cleaned_data["scheme"] if scheme_choice else schemes.get()
        try:
            offender = offender_create(
                scheme=scheme,
                by=request.user,
                fields=form.offender_fields(),
                aliases=form.alias_list(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{offender.full_name} has been added to the register.")
            return redirect("offender-detail", pk=offender.pk)
    return render(request, "ppo/offender_form.html", {"form": form, "scheme_choice": scheme_choice})


def offender_edit(request, pk: int):
    offender = offender_for(user=request.user, pk=pk)
    if not can_edit_offender(user=request.user, offender=offender):
        raise Http404
    access = record_access(user=request.user, offenders=[offender], on=timezone.localdate())
    if not access[offender.pk].shows_all_personal_fields:
        # The form would show, and could overwrite, details withheld from this agency.
        raise Http404
    initial = {
        **{name: getattr(offender, name) for name in OffenderForm.base_fields if name != "aliases"},
        "aliases": "\n".join(offender.aliases.order_by("name").values_list("name", flat=True)),
        "version": offender.version,
    }
    form = OffenderForm(posted(request), initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            offender_update(
                offender=offender,
                version=form.cleaned_data["version"] or 0,
                by=request.user,
                fields=form.offender_fields(),
                aliases=form.alias_list(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The person's details have been saved.")
            return redirect("offender-detail", pk=offender.pk)
    return render(request, "ppo/offender_form.html", {"form": form, "offender": offender})


def event_create(request, pk: int):
    """Recording an event: choose what happened, then its details (two steps, one URL)."""
    offender = offender_for(user=request.user, pk=pk)
    if not can_edit_offender(user=request.user, offender=offender):
        raise Http404
    access = record_access(user=request.user, offenders=[offender], on=timezone.localdate())
    kind_form = EventKindForm(request.GET or None, access=access[offender.pk])
    if not kind_form.is_valid():
        return render(request, "ppo/event_kind.html", {"offender": offender, "form": kind_form})
    kind = kind_form.cleaned_data["kind"]
    form = EventForm(posted(request), kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            event_record(
                offender=offender,
                by=request.user,
                kind=kind,
                date=form.cleaned_data["date"],
                reference=form.cleaned_data["reference"],
                values=form.event_values(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{EventKind(kind).label} recorded.")
            return redirect("offender-detail", pk=offender.pk)
    return render(
        request,
        "ppo/event_form.html",
        {"offender": offender, "form": form, "kind_label": EventKind(kind).label},
    )


@require_POST
def offender_access(request, pk: int):
    """A coordinator grants an agency access to the record, or removes it."""
    offender = offender_for(user=request.user, pk=pk)
    if not coordinates_scheme(user=request.user, scheme=offender.scheme):
        raise Http404
    if "revoke" in request.POST:
        agency = (
            agencies_with_access(offender=offender)
            .filter(pk=_int_or_none(request.POST["revoke"]))
            .first()
        )
        if agency is None:
            raise Http404
        offender_access_revoke(offender=offender, agency=agency, by=request.user)
        messages.success(request, f"{agency.name} can no longer see this record.")
        return redirect("offender-detail", pk=offender.pk)
    form = GrantForm(request.POST, agencies=grantable_agencies(offender=offender))
    if form.is_valid():
        agency = form.cleaned_data["agency"]
        offender_access_grant(offenders=[offender], agency=agency, by=request.user)
        messages.success(request, f"{agency.name} can now see this record.")
    else:
        messages.error(request, "Select an agency to share the record with.")
    return redirect("offender-detail", pk=offender.pk)


def lookup(request):
    _require_role(request.user, LOOKUP_ROLES)
    # POST keeps the PNC ID, name and date of birth out of URLs, server logs and history.
    form = LookupForm(posted(request))
    answer = None
    if form.is_valid():
        answer = lookup_run(by=request.user, on=timezone.localdate(), **form.cleaned_data)
        log_lookup(request=request, matched_ids=answer.matched_ids)
    return render(request, "ppo/lookup.html", {"form": form, "answer": answer})


def import_upload(request):
    schemes = schemes_coordinated_by(user=request.user)
    if not schemes.exists():
        raise Http404
    form = ImportForm(posted(request), uploaded(request))
    problems = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = csv_import(
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                content=upload.read(),
                by=request.user,
                via="upload",
                schemes={scheme.slug for scheme in schemes},
            )
        except ImportRejected as rejected:
            problems = rejected.problems
        else:
            messages.success(request, report.summary)
            return redirect("import-upload")
    return render(
        request,
        "ppo/import_upload.html",
        {"form": form, "problems": problems, "recent": recent_imports(user=request.user)},
    )


def _int_or_none(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def notifications(request):
    """The signed-in user's notifications, newest first; opening the page reads them."""
    items, unread = notifications_read(user=request.user)
    return render(request, "ppo/notifications.html", {"items": items, "unread": unread})


def locked_out(request, credentials, *args, **kwargs):
    """django-axes calls this when a username has failed too often from this address."""
    return render(
        request, "ppo/sign_in.html", {"form": SignInForm(request), "locked_out": True}, status=429
    )


def sign_in_name(request, credentials) -> str:
    """The email address a sign-in attempt was for, as django-axes counts failures by it
    (lower case, as accounts are stored)."""
    name = (credentials or {}).get("username") or request.POST.get("username", "")
    return name.strip().lower()
