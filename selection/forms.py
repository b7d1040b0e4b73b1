from django import forms
from django.utils.text import slugify

from ppo import govuk
from ppo.codes import ExitDestination, ExitReason, OffenceCategory, Strand
from ppo.models import Agency, Scheme
from selection.matrix import CATALOGUE
from selection.models import DecisionKind, FlagResponse, ReviewThresholds


class FlagResponseForm(forms.Form):
    # Checked against the flag rules by flag_respond.
    code = forms.CharField(widget=forms.HiddenInput, max_length=30)
    kind = forms.ChoiceField(
        label="What do you want to do?", choices=FlagResponse.Kind.choices, widget=govuk.Radios,
        error_messages={"required": "Choose acknowledge or snooze"},
    )  # fmt: skip
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea, max_length=2000,
        error_messages={"required": "Enter the reason"},
    )  # fmt: skip
    snoozed_until = govuk.DateField(
        label="Snooze until", required=False, help_text="Only to snooze. For example, 5 1 2027"
    )


class ReferralForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="Referring agency", queryset=Agency.objects.none(), empty_label=None
    )
    reasons = forms.CharField(
        label="Why should the panel consider this person?", widget=forms.Textarea,
        max_length=4000, error_messages={"required": "Enter why this person should be considered"},
    )  # fmt: skip
    evidence = forms.CharField(
        label="Evidence", widget=forms.Textarea, required=False, max_length=4000,
        help_text="Recent offending, intelligence, drug tests, missed appointments (optional).",
    )  # fmt: skip

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


ATTENDEE_ROWS = 8


class PanelMeetingForm(forms.Form):
    held_on = govuk.DateField(label="Date of the meeting", help_text="For example, 2 12 2026")
    chair = forms.CharField(label="Chair", required=False, max_length=200)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        for row in range(ATTENDEE_ROWS):
            self.fields[f"attendee_{row}_name"] = forms.CharField(
                label=f"Attendee {row + 1}: name", required=False, max_length=200
            )
            self.fields[f"attendee_{row}_agency"] = forms.ModelChoiceField(
                label=f"Attendee {row + 1}: agency", queryset=agencies, required=False,
                empty_label="Select an agency",
            )  # fmt: skip

    def attendee_rows(self):
        return [
            (self[f"attendee_{row}_name"], self[f"attendee_{row}_agency"])
            for row in range(ATTENDEE_ROWS)
        ]

    def clean(self):
        data = super().clean()
        for row in range(ATTENDEE_ROWS):
            name, agency = data.get(f"attendee_{row}_name"), data.get(f"attendee_{row}_agency")
            if name and not agency:
                self.add_error(f"attendee_{row}_agency", f"Select the agency of {name}")
        return data

    def attendees(self) -> list[tuple[Agency, str]]:
        data = self.cleaned_data
        return [
            (data[f"attendee_{row}_agency"], data[f"attendee_{row}_name"])
            for row in range(ATTENDEE_ROWS)
            if data.get(f"attendee_{row}_agency") and data.get(f"attendee_{row}_name")
        ]


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Decision", choices=DecisionKind.choices, widget=govuk.Radios,
        error_messages={"required": "Select a decision"},
    )  # fmt: skip
    rationale = forms.CharField(
        label="Reasons for the decision", widget=forms.Textarea, max_length=4000,
        error_messages={"required": "Enter the reasons for the decision"},
    )  # fmt: skip
    strand = forms.ChoiceField(
        label="Strand (when selecting)", required=False,
        choices=govuk.optional_choices(Strand.choices, "Select a strand"),
    )  # fmt: skip
    exit_reason = forms.ChoiceField(
        label="Why they leave the list (when removing)", required=False,
        choices=govuk.optional_choices(ExitReason.choices, "Select a reason"),
    )  # fmt: skip
    exit_destination = forms.ChoiceField(
        label="Where they go next (when removing)", required=False,
        choices=govuk.optional_choices(ExitDestination.choices, "Select where"),
    )  # fmt: skip
    to_scheme = forms.ModelChoiceField(
        label="Receiving scheme (when they moved area)", required=False,
        queryset=Scheme.objects.none(), empty_label="Not using this service, or not known",
    )  # fmt: skip
    two_year_review = forms.BooleanField(
        label="This is their two-year review", required=False,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )  # fmt: skip

    def __init__(self, *args, schemes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_scheme"].queryset = schemes


class ScoringRunForm(forms.Form):
    as_at = govuk.DateField(label="Score as at", past=True, help_text="For example, 30 6 2026")
    version = forms.ChoiceField(label="Matrix version")

    def __init__(self, *args, matrices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [
            (m.version, f"Version {m.version}: {m.name}") for m in matrices
        ]


class ManualScoreForm(forms.Form):
    score = forms.IntegerField(label="Score", min_value=0)
    evidence = forms.CharField(label="Evidence", widget=forms.Textarea, max_length=4000)


class ThresholdsForm(forms.ModelForm):
    class Meta:
        model = ReviewThresholds
        fields = [
            "no_offending_months", "two_year_review_months", "quarterly_review_months",
            "long_custody_months", "reselection_months", "release_notification_days",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.min_value = 1
            field.widget.attrs["min"] = 1
            field.validators.append(_at_least_one)


def _at_least_one(value):
    if value is not None and value < 1:
        raise forms.ValidationError("Enter a whole number, 1 or more")


# --- the matrix editor ---------------------------------------------------------------------

MANUAL_ROWS = 3
NUMBER_LABELS = {
    "window_months": "Counted over the last (months)", "points_each": "Points each",
    "cap": "Most points", "days": "Within (days)", "points": "Points", "years": "Under (years)",
    "max": "Most points",
}  # fmt: skip


class MatrixForm(forms.Form):
    """The matrix as fields: a checkbox per criterion type with its numbers, a weight per
    offence category, and rows for panel assessments. It builds the matrix.json document;
    matrix_save checks it as the import does."""

    name = forms.CharField(label="Name of this matrix", max_length=200)
    threshold = forms.IntegerField(label="Threshold (points)", min_value=0)
    note = forms.CharField(
        label="What changed and why", required=False, max_length=500, widget=forms.Textarea
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Room for every assessment of the version being edited, and one more.
        existing = sum(1 for key in self.initial if key.endswith("_label"))
        self.manual_count = max(MANUAL_ROWS, existing + 1)
        for kind, spec in CATALOGUE.items():
            if kind == "manual":
                continue
            self.fields[f"{kind}_use"] = forms.BooleanField(label=spec.label, required=False)
            for key in spec.numbers:
                self.fields[f"{kind}_{key}"] = forms.IntegerField(
                    label=NUMBER_LABELS[key], required=False, min_value=spec.numbers[key]
                )
        for code, label in OffenceCategory.choices:
            self.fields[f"weight_{code}"] = forms.IntegerField(
                label=label, required=False, min_value=0
            )
        for row in range(self.manual_count):
            self.fields[f"manual_{row}_label"] = forms.CharField(
                label=f"Panel assessment {row + 1}", required=False, max_length=200
            )
            self.fields[f"manual_{row}_max"] = forms.IntegerField(
                label="Most points", required=False, min_value=0
            )
            self.fields[f"manual_{row}_key"] = forms.CharField(
                required=False, widget=forms.HiddenInput
            )

    def criterion_groups(self):
        """(kind, spec, use field, number fields) for the template."""
        return [
            (kind, spec, self[f"{kind}_use"], [self[f"{kind}_{key}"] for key in spec.numbers])
            for kind, spec in CATALOGUE.items()
            if kind != "manual"
        ]

    def weight_fields(self):
        return [self[f"weight_{code}"] for code in OffenceCategory.values]

    def manual_rows(self):
        return [
            (self[f"manual_{row}_label"], self[f"manual_{row}_max"], self[f"manual_{row}_key"])
            for row in range(self.manual_count)
        ]

    def clean(self):
        data = super().clean()
        for kind, spec in CATALOGUE.items():
            if kind == "manual" or not data.get(f"{kind}_use"):
                continue
            for key in spec.numbers:
                if data.get(f"{kind}_{key}") is None and f"{kind}_{key}" not in self.errors:
                    self.add_error(
                        f"{kind}_{key}", f"{spec.label}: enter {NUMBER_LABELS[key].lower()}"
                    )
        if data.get("offence_weight_use") and all(
            data.get(f"weight_{code}") is None for code in OffenceCategory.values
        ):
            self.add_error("weight_burglary_dwelling", "Give at least one offence a weight")
        for row in range(self.manual_count):
            if data.get(f"manual_{row}_label") and data.get(f"manual_{row}_max") is None:
                self.add_error(f"manual_{row}_max", "Enter the most points for this assessment")
        return data

    def document(self) -> dict:
        data = self.cleaned_data
        criteria = []
        for kind, spec in CATALOGUE.items():
            if kind == "manual" or not data.get(f"{kind}_use"):
                continue
            criterion = {"type": kind, **{key: data[f"{kind}_{key}"] for key in spec.numbers}}
            if kind == "offence_weight":
                criterion["weights"] = {
                    code: data[f"weight_{code}"]
                    for code in OffenceCategory.values
                    if data.get(f"weight_{code}") is not None
                }
            criteria.append(criterion)
        for row in range(self.manual_count):
            label = (data.get(f"manual_{row}_label") or "").strip()
            if label:
                # The key keeps the panel's scores attached across versions: kept from the
                # version edited, made from the label for a new assessment.
                key = data.get(f"manual_{row}_key") or slugify(label).replace("-", "_")[:40]
                criteria.append(
                    {"type": "manual", "key": key, "label": label, "max": data[f"manual_{row}_max"]}
                )
        return {"name": data["name"].strip(), "threshold": data["threshold"], "criteria": criteria}

    @staticmethod
    def initial_from(document: dict) -> dict:
        initial = {"name": document["name"], "threshold": document["threshold"]}
        manual = 0
        for criterion in document["criteria"]:
            kind = criterion["type"]
            if kind == "manual":
                initial[f"manual_{manual}_label"] = criterion["label"]
                initial[f"manual_{manual}_max"] = criterion["max"]
                initial[f"manual_{manual}_key"] = criterion["key"]
                manual += 1
                continue
            initial[f"{kind}_use"] = True
            for key in CATALOGUE[kind].numbers:
                initial[f"{kind}_{key}"] = criterion[key]
            for code, points in criterion.get("weights", {}).items():
                initial[f"weight_{code}"] = points
        return initial


class MatrixUploadForm(forms.Form):
    file = forms.FileField(label="Upload a matrix.json file")
    note = forms.CharField(label="What changed and why", required=False, max_length=500)
