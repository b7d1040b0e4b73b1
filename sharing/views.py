from datetime import UTC

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from ppo.downloads import csv_download
from ppo.govuk import add_service_errors, posted, uploaded
from ppo.models import Agency, AgencyType
from ppo.selectors import can_edit_offender, coordinates_scheme, offender_for, schemes_of
from sharing.categories import Category
from sharing.forms import AccessLogFilterForm, ConsentForm, DisclosureForm, ProtocolForm
from sharing.models import Purpose
from sharing.selectors import (
    access_log_for,
    can_read_access_log,
    consent_history,
    disclosures_of,
    is_authoriser_for,
    may_export_subject_access,
    protocol_in_force,
    protocol_rules,
    subject_access_exports,
    subject_access_offenders,
)
from sharing.services import (
    access_log_record,
    consent_record,
    disclosure_record,
    protocol_save,
    subject_access_request,
)


def offender_consent(request, pk: int):
    """The person's consent ledger, newest first, and (for those who may edit the record)
    the form to record a decision."""
    offender = offender_for(user=request.user, pk=pk)
    can_record = can_edit_offender(user=request.user, offender=offender)
    agencies = Agency.objects.filter(Q(scheme=offender.scheme) | Q(scheme__isnull=True))
    form = None
    if can_record:
        form = ConsentForm(posted(request), uploaded(request), agencies=agencies)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                consent_record(
                    offender=offender,
                    kind=data["kind"],
                    agency_types=data["agency_types"],
                    agencies=list(data["agencies"]),
                    categories=data["categories"],
                    effective_date=data["effective_date"],
                    review_date=data["review_date"],
                    by=request.user,
                    note=data["note"],
                    evidence=data["evidence"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "The consent decision has been recorded.")
                return redirect("offender-consent", pk=offender.pk)
    elif request.method == "POST":
        raise Http404
    if request.method == "GET":
        access_log_record(
            user=request.user,
            entries=[(offender.pk, [])],
            purpose=Purpose.CONSENT_VIEW,
            client_address=request.META.get("REMOTE_ADDR"),
            path=request.get_full_path(),
        )
    agency_names = {agency.pk: agency.name for agency in agencies}
    history = [
        {
            "entry": entry,
            "categories": [Category(code).label for code in entry.categories],
            "recipients": [AgencyType(code).label for code in entry.agency_types]
            + [agency_names.get(pk, "An agency no longer listed") for pk in entry.agency_ids],
        }
        for entry in consent_history(offender=offender)
    ]
    return render(
        request,
        "sharing/offender_consent.html",
        {"offender": offender, "form": form, "history": history},
    )


def scheme_protocol(request, slug: str):
    """The scheme's protocol in force as a grid; its coordinators save new versions."""
    scheme = get_object_or_404(schemes_of(user=request.user), slug=slug)
    editable = coordinates_scheme(user=request.user, scheme=scheme)
    in_force = protocol_in_force(scheme=scheme)
    form = ProtocolForm(
        posted(request) if editable else None, allowed=protocol_rules(scheme=scheme)
    )
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            saved = protocol_save(
                scheme=scheme, rules=form.rules(), by=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, f"Version {saved.version} of the protocol is now in force.")
            return redirect("scheme-protocol", slug=scheme.slug)
    grid = [
        {
            "label": label,
            "cells": [
                {"field": form[f"{agency_type}__{category}"], "category": category_label}
                for category, category_label in Category.choices
            ],
        }
        for agency_type, label in AgencyType.choices
    ]
    return render(
        request,
        "sharing/protocol.html",
        {
            "scheme": scheme,
            "protocol": in_force,
            "form": form,
            "grid": grid,
            "categories": Category.choices,
            "editable": editable,
        },
    )


ACCESS_LOG_PAGE = 50


def access_log(request):
    """Coordinators and data protection officers search the access log; ?format=csv
    downloads every matching entry."""
    if not can_read_access_log(user=request.user):
        raise Http404
    form = AccessLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = access_log_for(user=request.user, filters=filters)
    if request.GET.get("format") == "csv":
        return _access_log_csv(entries)
    page = Paginator(entries, ACCESS_LOG_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sharing/access_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _access_log_csv(entries):
    header = ["at_utc", "user", "scheme", "reference", "purpose", "categories", "client_address"]
    rows = (
        [
            entry.at.astimezone(UTC).isoformat(),
            entry.user.email,
            entry.offender.scheme.slug if entry.offender else "",
            entry.offender.local_id if entry.offender else "",
            entry.purpose,
            ";".join(entry.categories),
            entry.client_address or "",
        ]
        for entry in entries.iterator(chunk_size=2000)
    )
    return csv_download("access-log.csv", header, rows)


def offender_disclosures(request, pk: int):
    """Disclosures without consent for one person; an authoriser in the scheme records them."""
    offender = offender_for(user=request.user, pk=pk)
    may_record = is_authoriser_for(user=request.user, scheme=offender.scheme)
    # Reasons for sharing without consent often rest on intelligence: only those who decide
    # or oversee them read them.
    if not (may_record or may_export_subject_access(user=request.user, scheme=offender.scheme)):
        raise Http404
    agencies = Agency.objects.filter(Q(scheme=offender.scheme) | Q(scheme__isnull=True))
    form = DisclosureForm(posted(request) if may_record else None, agencies=agencies)
    if request.method == "POST":
        if not may_record:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                disclosure_record(
                    offender=offender,
                    by=request.user,
                    client_address=request.META.get("REMOTE_ADDR"),
                    **data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "The disclosure has been recorded.")
                return redirect("offender-disclosures", pk=offender.pk)
    return render(
        request,
        "sharing/offender_disclosures.html",
        {
            "offender": offender,
            "form": form if may_record else None,
            "disclosures": disclosures_of(offender=offender),
            "today": timezone.localdate(),
        },
    )


def subject_access(request, pk: int):
    """A person's subject access exports: request one, see progress, download when ready.
    Reached through scheme membership, not record grants: a data protection officer
    answers the person's request without reading the record in the service."""
    offender = get_object_or_404(subject_access_offenders(user=request.user), pk=pk)
    if request.method == "POST":
        subject_access_request(offender=offender, by=request.user)
        messages.success(
            request, "The export is being built. Refresh this page in a minute to download it."
        )
        return redirect("subject-access", pk=offender.pk)
    return render(
        request,
        "sharing/subject_access.html",
        {"offender": offender, "exports": subject_access_exports(offender=offender)},
    )


def subject_access_download(request, pk: int, export_id: int):
    offender = get_object_or_404(subject_access_offenders(user=request.user), pk=pk)
    export = get_object_or_404(
        subject_access_exports(offender=offender).filter(state="ready"), pk=export_id
    )
    access_log_record(
        user=request.user,
        entries=[(offender.pk, list(Category.values))],
        purpose=Purpose.EXPORT,
        client_address=request.META.get("REMOTE_ADDR"),
        path=request.get_full_path(),
    )
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1]
    )
