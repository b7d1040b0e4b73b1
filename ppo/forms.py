from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from ppo import govuk
from ppo.codes import (
    Ethnicity,
    EventKind,
    Gender,
    Programme,
    Status,
)
from ppo.erasure import ERASE_REASON_MISSING, RETAIN_REASON_MISSING, RETENTION_YEARS_RANGE
from ppo.events import BOOLEAN_COLUMNS, CODE_COLUMNS, DATE_COLUMNS, EVENT_SPECS, INTEGER_COLUMNS
from ppo.identifiers import crn_normalise, nomis_normalise, pnc_normalise
from ppo.models import Agency, Event, ImportKind, Membership, Scheme

# One message for every failed sign-in, so the page never reveals whether an email address
# has an account (or whether that account is disabled).
SIGN_IN_FAILED = "Enter a correct email address and password"


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
    )

    error_messages = {
        "invalid_login": SIGN_IN_FAILED,
        "inactive": SIGN_IN_FAILED,
    }


class ChangePasswordForm(PasswordChangeForm):
    """Django's checks (the current password; the new one twice, through
    AUTH_PASSWORD_VALIDATORS) in GOV.UK words. Saved by ppo.services.password_change."""

    error_messages = {
        "password_incorrect": "Your current password is not right. Enter it again",
        "password_mismatch": "The new passwords do not match. Enter the same new password twice",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, missing in (
            ("old_password", "Current password", "Enter your current password"),
            ("new_password1", "New password", "Enter a new password"),
            ("new_password2", "New password again", "Enter the new password again"),
        ):
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = missing


class SecondFactorCodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows now.",
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_code(self) -> str:
        # Apps show the code as "123 456"; people type it with or without the space.
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError("Enter the code as 6 digits, like 123456")
        return code


class OffenderForm(forms.Form):
    """A person's details. Identifiers are checked and normalised as the import does."""

    local_id = forms.CharField(
        label="Scheme reference",
        max_length=50,
        help_text="Your scheme's own reference for this person, unique in the scheme.",
        error_messages={"required": "Enter the scheme reference"},
    )
    first_name = forms.CharField(
        max_length=100, error_messages={"required": "Enter the first name"}
    )
    last_name = forms.CharField(max_length=100, error_messages={"required": "Enter the last name"})
    date_of_birth = govuk.DateField(
        label="Date of birth", past=True, help_text="For example, 27 3 1990"
    )
    gender = forms.ChoiceField(
        choices=Gender.choices, widget=govuk.Radios, error_messages={"required": "Select a gender"}
    )
    ethnicity = forms.ChoiceField(choices=govuk.optional_choices(Ethnicity.choices), required=False)
    pnc_id = forms.CharField(
        label="PNC ID", required=False, max_length=20, help_text="For example, 2004/0012345D"
    )
    cro_number = forms.CharField(label="CRO number", required=False, max_length=20)
    nomis_number = forms.CharField(
        label="Prison number", required=False, max_length=10, help_text="For example, A1234BC"
    )
    crn = forms.CharField(
        label="Probation case reference", required=False, max_length=10,
        help_text="For example, X123456",
    )  # fmt: skip
    aliases = forms.CharField(
        label="Other names (aliases)",
        required=False,
        widget=forms.Textarea,
        help_text="One name on each line.",
    )
    postcode = forms.CharField(required=False, max_length=10)
    area = forms.CharField(label="Neighbourhood or command unit", required=False, max_length=100)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["local_id"]

    def clean_pnc_id(self):
        return _normalised(self.cleaned_data["pnc_id"], pnc_normalise)

    def clean_nomis_number(self):
        return _normalised(self.cleaned_data["nomis_number"], nomis_normalise)

    def clean_crn(self):
        return _normalised(self.cleaned_data["crn"], crn_normalise)

    def clean_postcode(self):
        return self.cleaned_data["postcode"].strip().upper()

    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["aliases"].splitlines() if line.strip()]

    def offender_fields(self) -> dict:
        excluded = {"aliases", "version"}
        return {name: value for name, value in self.cleaned_data.items() if name not in excluded}


def _normalised(value: str, normalise) -> str:
    if not value.strip():
        return ""
    try:
        return normalise(value)
    except ValueError as error:
        raise forms.ValidationError(str(error)) from None


class EventKindForm(forms.Form):
    kind = forms.ChoiceField(
        label="What happened?",
        choices=EventKind.choices,
        widget=govuk.Radios,
        error_messages={
            "required": "Select what happened",
            "invalid_choice": "Select what happened",
        },
    )

    def __init__(self, *args, access, **kwargs):
        """Only kinds of event the user's agency is shown can be recorded: recording one
        it cannot see would reveal, through duplicate checks, what is already there."""
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (value, label) for value, label in EventKind.choices if access.shows_event(value)
        ]


EVENT_COLUMN_LABELS = {
    "offence_category": "Offence",
    "offence_date": "Date of the offence",
    "case_ref": "Court case reference",
    "tics": "Offences taken into consideration",
    "disposal": "Sentence",
    "breach": "Breach of an order or licence",
    "result": "Result",
    "substance": "Substance",
    "establishment": "Establishment",
    "sentence_months": "Sentence length in months",
    "expected_release": "Expected release date",
    "licence_end": "Licence ends",
    "order_type": "Type of order",
    "end_date": "End date",
    "to_area": "Moved to",
    "outcome": "Risk of harm",
}


class EventForm(forms.Form):
    """Recording one event of a given kind: its date, reference, and the columns the kind
    uses (ppo/events.py), required or optional as declared there."""

    date = govuk.DateField(label="Date", help_text="For example, 5 1 2026")
    reference = forms.CharField(
        label="Reference in the source system", required=False,
        max_length=Event._meta.get_field("reference").max_length,
        help_text="Optional: the crime, custody or case number this came from.",
    )  # fmt: skip

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        spec = EVENT_SPECS[kind]
        for column in spec.columns:
            self.fields[column] = _event_field(column, required=column in spec.required)

    def event_values(self) -> dict:
        return {column: self.cleaned_data.get(column) for column in EVENT_SPECS[self.kind].columns}


def _event_field(column: str, *, required: bool) -> forms.Field:
    label = EVENT_COLUMN_LABELS[column]
    messages = {"required": f"Enter the {label.lower()}"}
    if column in DATE_COLUMNS:
        return govuk.DateField(label=label, required=required)
    if column in INTEGER_COLUMNS:
        return forms.IntegerField(
            label=label, required=required, min_value=0, error_messages=messages,
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        )  # fmt: skip
    if column in BOOLEAN_COLUMNS:
        return forms.TypedChoiceField(
            label=label, required=False, widget=govuk.Radios,
            choices=[("", "Not known"), ("true", "Yes"), ("false", "No")],
            coerce=lambda value: value == "true", empty_value=None,
        )  # fmt: skip
    if column in CODE_COLUMNS:
        choices = CODE_COLUMNS[column].choices
        messages = {"required": f"Select the {label.lower()}"}
        if required:
            return forms.ChoiceField(
                label=label, choices=[("", "Select"), *choices], error_messages=messages
            )
        return forms.ChoiceField(
            label=label, choices=govuk.optional_choices(choices), required=False
        )
    max_length = Event._meta.get_field(column).max_length
    return forms.CharField(
        label=label, required=required, max_length=max_length, error_messages=messages
    )


class LookupForm(forms.Form):
    """Either a PNC ID, or first name, last name and date of birth."""

    pnc_id = forms.CharField(
        label="PNC ID", required=False, max_length=20, help_text="For example, 2004/0012345D"
    )
    first_name = forms.CharField(required=False, max_length=100)
    last_name = forms.CharField(required=False, max_length=100)
    date_of_birth = govuk.DateField(label="Date of birth", required=False)

    def clean_pnc_id(self):
        return _normalised(self.cleaned_data["pnc_id"], pnc_normalise)

    def clean(self):
        data = super().clean()
        if self.errors or data.get("pnc_id"):
            return data
        by_name = {
            "first_name": "Enter the first name",
            "last_name": "Enter the last name",
            "date_of_birth": "Enter the date of birth",
        }
        if not any(data.get(field) for field in by_name):
            raise forms.ValidationError("Enter a PNC ID, or a name and date of birth")
        for field, message in by_name.items():
            if not data.get(field):
                self.add_error(field, message)
        return data


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What does the file contain?",
        choices=ImportKind.choices,
        widget=govuk.Radios,
        error_messages={"required": "Select what the file contains"},
    )
    file = forms.FileField(
        label="Upload a CSV file",
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
    )


class GrantForm(forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="Agency",
        empty_label="Select an agency",
        error_messages={"required": "Select an agency"},
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class RegisterFilterForm(forms.Form):
    """The register list's search and filters (GET). Invalid values are simply ignored."""

    q = forms.CharField(label="Name, alias or PNC ID", required=False, max_length=100)
    programme = forms.ChoiceField(
        choices=govuk.optional_choices(Programme.choices, "Any programme"), required=False
    )
    status = forms.ChoiceField(
        label="Status today",
        choices=govuk.optional_choices(Status.choices, "Any status"),
        required=False,
    )
    area = forms.CharField(required=False, max_length=100)
    manager = forms.IntegerField(label="Offender manager", required=False)


class SchemeChoiceForm(forms.Form):
    scheme = forms.ModelChoiceField(
        queryset=Scheme.objects.none(),
        label="Scheme",
        empty_label=None,
        error_messages={"required": "Select a scheme"},
    )

    def __init__(self, *args, schemes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes


class ManagerForm(forms.Form):
    """Choose the offender manager among those who can see the record."""

    membership = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        label="Offender manager",
        empty_label="Select an offender manager",
        error_messages={"required": "Select an offender manager"},
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        field.queryset = memberships
        field.label_from_instance = lambda m: f"{m.user.full_name}, {m.agency.name}"


# --- retention -------------------------------------------------------------------------------


class RetentionSettingsForm(forms.Form):
    retention_years = forms.IntegerField(
        label="Years before a record is reviewed",
        min_value=1,
        max_value=20,
        error_messages={
            "required": RETENTION_YEARS_RANGE,
            "invalid": RETENTION_YEARS_RANGE,
            "min_value": RETENTION_YEARS_RANGE,
            "max_value": RETENTION_YEARS_RANGE,
        },
    )


class RetainForm(forms.Form):
    reason = forms.CharField(
        label="Why should the record be kept?",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": RETAIN_REASON_MISSING},
    )


class EraseForm(forms.Form):
    reason = forms.CharField(
        label="Why is the record being erased?",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": ERASE_REASON_MISSING},
    )
    confirm = forms.BooleanField(
        label="I understand that the record will be erased and cannot be got back",
        error_messages={"required": "Confirm that you understand the record cannot be got back"},
    )
