from django import forms

from cases.models import Appointment, CaseSettings, Conference, PartnerReferral
from ppo import govuk
from ppo.codes import ActionStatus, ExitDestination, Need, NeedLevel, Pathway
from ppo.models import Agency

ATTENDEE_ROWS = 8


class ConferenceScheduleForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of meeting?", choices=Conference.Kind.choices, widget=govuk.Radios,
        initial=Conference.Kind.CONFERENCE,
        error_messages={"required": "Select a case conference or a core group meeting"},
    )  # fmt: skip
    scheduled_for = govuk.DateField(label="Date", help_text="For example, 2 12 2026")


class ConferenceRecordForm(forms.Form):
    """What happened: the date, attendees by agency, whether the person came to the final
    part and what they said, minutes, and a level and note for each need."""

    held_on = govuk.DateField(label="Date it was held", past=True)
    offender_attended = forms.ChoiceField(
        label="Did the person attend the final part?", widget=govuk.Radios, required=False,
        choices=[("yes", "Yes"), ("no", "No")],
    )  # fmt: skip
    offender_comments = forms.CharField(
        label="The person's comments on the plan", widget=forms.Textarea, required=False,
        max_length=4000,
    )  # fmt: skip
    minutes = forms.CharField(
        label="Minutes", widget=forms.Textarea, required=False, max_length=20000
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, agencies, needs, **kwargs):
        super().__init__(*args, **kwargs)
        # Room for everyone recorded so far, and more.
        recorded = sum(1 for key in self.initial if key.endswith("_name"))
        self.attendee_count = max(ATTENDEE_ROWS, recorded + 2)
        for row in range(self.attendee_count):
            self.fields[f"attendee_{row}_name"] = forms.CharField(
                label=f"Attendee {row + 1}: name", required=False, max_length=200
            )
            self.fields[f"attendee_{row}_agency"] = forms.ModelChoiceField(
                label=f"Attendee {row + 1}: agency", queryset=agencies, required=False,
                empty_label="Select an agency",
            )  # fmt: skip
        self.need_codes = needs
        for need in needs:
            label = Need(need).label
            self.fields[f"need_{need}"] = forms.ChoiceField(
                label=label, choices=NeedLevel.choices, widget=govuk.Radios, required=False
            )
            self.fields[f"need_{need}_note"] = forms.CharField(
                label=f"{label}: note", required=False, max_length=2000
            )

    def attendee_rows(self):
        return [
            (self[f"attendee_{r}_name"], self[f"attendee_{r}_agency"])
            for r in range(self.attendee_count)
        ]

    def need_rows(self):
        return [(self[f"need_{need}"], self[f"need_{need}_note"]) for need in self.need_codes]

    def clean(self):
        data = super().clean()
        for row in range(self.attendee_count):
            name, agency = data.get(f"attendee_{row}_name"), data.get(f"attendee_{row}_agency")
            if name and not agency:
                self.add_error(f"attendee_{row}_agency", f"Select the agency of {name}")
        return data

    def attendees(self) -> list[tuple[Agency, str]]:
        data = self.cleaned_data
        return [
            (data[f"attendee_{r}_agency"], data[f"attendee_{r}_name"])
            for r in range(self.attendee_count)
            if data.get(f"attendee_{r}_agency") and data.get(f"attendee_{r}_name")
        ]

    def needs(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            n: (data.get(f"need_{n}") or "", data.get(f"need_{n}_note") or "")
            for n in self.need_codes
        }

    @staticmethod
    def initial_from(conference: Conference) -> dict:
        initial = {
            "held_on": conference.held_on,
            "offender_comments": conference.offender_comments,
            "minutes": conference.minutes,
            "version": conference.version,
            "offender_attended": {True: "yes", False: "no"}.get(conference.offender_attended, ""),
        }
        for row, attendee in enumerate(conference.attendees.all()):
            initial[f"attendee_{row}_name"] = attendee.name
            initial[f"attendee_{row}_agency"] = attendee.agency_id
        for assessment in conference.needs.all():
            initial[f"need_{assessment.need}"] = assessment.level
            initial[f"need_{assessment.need}_note"] = assessment.note
        return initial


class ActionForm(forms.Form):
    pathway = forms.ChoiceField(label="Pathway", choices=Pathway.choices)
    description = forms.CharField(label="Action", widget=forms.Textarea, max_length=2000)
    lead_agency = forms.ModelChoiceField(
        label="Lead agency", queryset=Agency.objects.none(), empty_label="Select an agency"
    )
    lead_officer = forms.CharField(label="Lead officer", max_length=200)
    due_date = govuk.DateField(label="Due by", help_text="For example, 31 1 2027")

    def __init__(self, *args, agencies, pathways, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].queryset = agencies
        self.fields["pathway"].choices = [(code, Pathway(code).label) for code in pathways]


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices, widget=govuk.Radios)
    outcome = forms.CharField(
        label="Outcome", widget=forms.Textarea, required=False, max_length=4000,
        help_text="Needed once the action is done or not done.",
    )  # fmt: skip
    lead_agency = forms.ModelChoiceField(label="Lead agency", queryset=Agency.objects.none())
    lead_officer = forms.CharField(label="Lead officer", max_length=200)
    due_date = govuk.DateField(label="Due by")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].queryset = agencies


class PartnerReferralForm(forms.Form):
    pathway = forms.ChoiceField(label="Pathway", choices=Pathway.choices)
    service = forms.CharField(label="Service referred to", max_length=200)
    agency = forms.ModelChoiceField(
        label="Partner agency (if it uses this service)", queryset=Agency.objects.none(),
        required=False, empty_label="Not listed",
    )  # fmt: skip
    sent_on = govuk.DateField(label="Date sent", past=True)

    def __init__(self, *args, agencies, pathways, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["pathway"].choices = [(code, Pathway(code).label) for code in pathways]


class PartnerReferralStepForm(forms.Form):
    to = forms.ChoiceField(label="What happened?", widget=govuk.Radios, choices=[])
    on = govuk.DateField(label="Date", past=True)
    reason = forms.ChoiceField(
        label="Why it was rejected", required=False,
        choices=govuk.optional_choices(PartnerReferral.RejectReason.choices, "Select a reason"),
    )  # fmt: skip
    detail = forms.CharField(label="Details of the rejection", required=False, max_length=2000)
    note = forms.CharField(label="Note", required=False, max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, steps, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(PartnerReferral.State.choices)
        self.fields["to"].choices = [(step, labels[step]) for step in steps]


class AppointmentForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of appointment", choices=Appointment.Kind.choices)
    agency = forms.ModelChoiceField(
        label="With", queryset=Agency.objects.none(), empty_label="Select an agency"
    )
    day = govuk.DateField(label="Date")
    time = forms.TimeField(label="Time", help_text="For example, 14:30", input_formats=["%H:%M"])

    def __init__(self, *args, agencies, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["kind"].choices = kinds


class AppointmentOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Did they attend?", choices=Appointment.Outcome.choices, widget=govuk.Radios
    )
    note = forms.CharField(label="Note", required=False, max_length=2000)


class FollowUpForm(forms.Form):
    follow_up = forms.CharField(
        label="What was done", widget=forms.Textarea, max_length=2000,
        help_text="Breach, recall, a warning, or why no action was taken.",
    )  # fmt: skip


class ExitPlanForm(forms.Form):
    removal_criteria = forms.CharField(
        label="What gets them off the list", widget=forms.Textarea, max_length=4000,
        help_text="As agreed with them: this goes in their induction letter.",
    )  # fmt: skip
    continuing_support = forms.CharField(
        label="Support that continues after the list", widget=forms.Textarea, required=False,
        max_length=4000,
    )  # fmt: skip
    destination = forms.ChoiceField(
        label="Where they go next", required=False,
        choices=govuk.optional_choices(ExitDestination.choices, "Not decided"),
    )  # fmt: skip
    agreed_with_offender_on = govuk.DateField(
        label="Date agreed with them", required=False, past=True
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CaseSettingsForm(forms.ModelForm):
    class Meta:
        model = CaseSettings
        fields = ["conference_months", "contacts_per_week"]
        labels = {
            "conference_months": "Months between case conferences",
            "contacts_per_week": "Contacts a week for a PPO in the community",
        }

    def clean_conference_months(self):
        months = self.cleaned_data["conference_months"]
        if not 3 <= months <= 6:
            raise forms.ValidationError("Enter a number of months from 3 to 6")
        return months

    def clean_contacts_per_week(self):
        contacts = self.cleaned_data["contacts_per_week"]
        if not 1 <= contacts <= 21:
            raise forms.ValidationError("Enter a number of contacts a week from 1 to 21")
        return contacts
