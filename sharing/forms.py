from django import forms

from ppo import govuk
from ppo.models import Agency, AgencyType
from sharing.categories import Category
from sharing.models import ConsentKind, Gateway


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(
        label="What did the person decide?",
        choices=ConsentKind.choices,
        widget=govuk.Radios,
        error_messages={"required": "Select what the person decided"},
    )
    categories = forms.MultipleChoiceField(
        label="Which information does this cover?",
        choices=Category.choices,
        widget=govuk.Checkboxes,
        error_messages={"required": "Select the information the consent covers"},
    )
    agency_types = forms.MultipleChoiceField(
        label="Which kinds of agency?",
        choices=AgencyType.choices,
        widget=govuk.Checkboxes,
        required=False,
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Or which named agencies?",
        queryset=Agency.objects.none(),
        widget=govuk.Checkboxes,
        required=False,
    )
    effective_date = govuk.DateField(
        label="Date of the decision", help_text="For example, 5 1 2026"
    )
    review_date = govuk.DateField(
        label="Review date", required=False, help_text="When to ask the person again (optional)."
    )
    note = forms.CharField(label="Notes", widget=forms.Textarea, required=False, max_length=2000)
    evidence = forms.FileField(
        label="Signed consent form",
        required=False,
        help_text="A scan or photo of the signed form (optional).",
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies


NOT_SHARED, WITH_CONSENT, ALWAYS = "no", "consent", "always"
PROTOCOL_CHOICES = [
    (NOT_SHARED, "Not shared"),
    (WITH_CONSENT, "With consent"),
    (ALWAYS, "Without consent"),
]


class ProtocolForm(forms.Form):
    """One choice per (agency type, category): not shared, shared with the person's consent,
    or shared without it (a legal gateway). Field names are "<agency type>__<category>"."""

    note = forms.CharField(
        label="What has changed and why", max_length=500,
        error_messages={"required": "Say what has changed and why"},
    )  # fmt: skip

    def __init__(self, *args, allowed: dict[tuple[str, str], bool], **kwargs):
        super().__init__(*args, **kwargs)
        for agency_type in AgencyType.values:
            for category in Category.values:
                pair = (agency_type, category)
                initial = NOT_SHARED
                if pair in allowed:
                    initial = WITH_CONSENT if allowed[pair] else ALWAYS
                self.fields[f"{agency_type}__{category}"] = forms.ChoiceField(
                    choices=PROTOCOL_CHOICES, initial=initial, required=False
                )

    def rules(self) -> dict[tuple[str, str], bool]:
        return {
            tuple(name.split("__", 1)): value == WITH_CONSENT
            for name, value in self.cleaned_data.items()
            if name != "note" and value in (WITH_CONSENT, ALWAYS)
        }


class AccessLogFilterForm(forms.Form):
    reference = forms.CharField(label="Scheme reference", required=False, max_length=50)
    email = forms.EmailField(label="Staff email address", required=False)
    date_from = govuk.DateField(label="From", required=False)
    date_to = govuk.DateField(label="To", required=False)


class DisclosureForm(forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="Disclose to",
        empty_label="Select an agency",
        error_messages={"required": "Select the agency to disclose to"},
    )
    categories = forms.MultipleChoiceField(
        label="Which information?",
        choices=Category.choices,
        widget=govuk.Checkboxes,
        error_messages={"required": "Select the information to disclose"},
    )
    gateway = forms.ChoiceField(
        label="Legal gateway",
        choices=Gateway.choices,
        widget=govuk.Radios,
        error_messages={"required": "Select the legal gateway"},
    )
    reason = forms.CharField(
        label="Why is sharing without consent necessary?",
        widget=forms.Textarea,
        max_length=2000,
        help_text="Say how not sharing would prejudice the prevention or detection of crime.",
        error_messages={"required": "Explain why sharing without consent is necessary"},
    )
    expires_on = govuk.DateField(
        label="Sharing stops on",
        help_text="No later than needed. For example, 31 12 2026",
        required_message="Enter the date sharing stops",
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
