"""The coordinator's retention pages: the scheme's records due for review, keeping or erasing
one, and the scheme's retention period. Only the scheme's coordinators: anyone else, and any
record that is not the scheme's or not due, gets a 404 (deny by default)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format

from ppo.access import log_consultation, record_access
from ppo.erasure import offender_erase, offender_retain, scheme_retention_set
from ppo.forms import EraseForm, RetainForm, RetentionSettingsForm
from ppo.govuk import add_service_errors, posted
from ppo.models import Offender
from ppo.retention import due_record, erasures_of, records_due
from ppo.selectors import coordinated_scheme


def _consulted(request, people: list[Offender], on) -> dict:
    """What the coordinator may see of each record (names only where identity is shared
    with their agency), logged as a consultation like any page that names people."""
    access = record_access(user=request.user, offenders=people, on=on)
    log_consultation(request=request, access=access, purpose="page_view")
    return access


def _label(person: Offender, access) -> str:
    if access.shows_field("first_name"):
        return f"{person.full_name} ({person.local_id})"
    return f"Record {person.local_id}"


def retention_due(request, slug: str):
    scheme = coordinated_scheme(user=request.user, slug=slug)
    today = timezone.localdate()
    people = list(records_due(scheme=scheme, on=today))
    access = _consulted(request, people, today)
    return render(
        request,
        "ppo/retention_due.html",
        {
            "scheme": scheme,
            "rows": [(person, access[person.pk]) for person in people],
            "erasures": erasures_of(scheme=scheme),
        },
    )


def _decision_page(request, slug: str, pk: int, form_class):
    """The scheme, today, the due record, the bound form and what the page shows of it."""
    scheme = coordinated_scheme(user=request.user, slug=slug)
    today = timezone.localdate()
    person = due_record(scheme=scheme, pk=pk, on=today)
    access = _consulted(request, [person], today)[person.pk]
    context = {"scheme": scheme, "person": person, "label": _label(person, access)}
    return scheme, today, person, form_class(posted(request)), context


def retention_retain(request, slug: str, pk: int):
    """Keep a record due for review for another retention period, with the reason."""
    scheme, today, person, form, context = _decision_page(request, slug, pk, RetainForm)
    if request.method == "POST" and form.is_valid():
        try:
            decision = offender_retain(
                offender=person, by=request.user, reason=form.cleaned_data["reason"], on=today
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{context['label']} is kept. It is due for review again by "
                f"{date_format(decision.review_by)}.",
            )
            return redirect("retention-due", slug=scheme.slug)
    return render(request, "ppo/retention_retain.html", {**context, "form": form})


def retention_erase(request, slug: str, pk: int):
    """Erase a record due for review, after the coordinator confirms and gives the reason."""
    scheme, today, person, form, context = _decision_page(request, slug, pk, EraseForm)
    if request.method == "POST" and form.is_valid():
        try:
            log = offender_erase(
                offender=person, by=request.user, reason=form.cleaned_data["reason"], on=today
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"The record is erased. Its erasure reference is {log.reference}."
            )
            return redirect("retention-due", slug=scheme.slug)
    return render(request, "ppo/retention_erase.html", {**context, "form": form})


def retention_settings(request, slug: str):
    """The scheme's retention period, from 1 to 20 years."""
    scheme = coordinated_scheme(user=request.user, slug=slug)
    form = RetentionSettingsForm(
        posted(request), initial={"retention_years": scheme.retention_years}
    )
    if request.method == "POST" and form.is_valid():
        try:
            scheme_retention_set(
                scheme=scheme, years=form.cleaned_data["retention_years"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Retention period saved.")
            return redirect("retention-due", slug=scheme.slug)
    return render(request, "ppo/retention_settings.html", {"scheme": scheme, "form": form})
