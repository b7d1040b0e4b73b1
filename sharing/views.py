from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render

from ppo.govuk import posted, uploaded
from ppo.models import Agency, AgencyType
from ppo.selectors import can_edit_offender, offender_for
from sharing.categories import Category
from sharing.forms import ConsentForm
from sharing.selectors import consent_history
from sharing.services import consent_record


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
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, "The consent decision has been recorded.")
                return redirect("offender-consent", pk=offender.pk)
    elif request.method == "POST":
        raise Http404
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
