"""Form pieces for GOV.UK Design System patterns, shared by every app's forms.

GOV.UK asks for dates as three boxes (day, month, year) and words its error messages in a
particular way ("Date of birth must be a real date"); this module does both.
"""

from datetime import date

from django import forms
from django.utils import timezone


class DateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes. Rendered by includes/field.html."""

    template_name = "django/forms/widgets/multiwidget.html"
    govuk_type = "date"
    parts = ("day", "month", "year")

    def __init__(self, attrs=None):
        widgets = {part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in self.parts}
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.Field):
    """A date from the GOV.UK date input, with GOV.UK's error messages."""

    widget = DateInput

    def __init__(self, *, past: bool = False, required_message: str = "", **kwargs):
        self.past = past
        self.required_message = required_message
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, date):
            return value
        parts = dict(zip(DateInput.parts, value or ("", "", ""), strict=False))
        parts = {name: (text or "").strip() for name, text in parts.items()}
        if not any(parts.values()):
            return None
        label = self.label or "Date"
        missing = [name for name, text in parts.items() if not text]
        if missing:
            raise forms.ValidationError(f"{label} must include a {' and '.join(missing)}")
        try:
            day, month, year = (int(parts[name]) for name in DateInput.parts)
            if year < 1000:
                raise ValueError(year)
            value = date(year, month, day)
        except ValueError:
            raise forms.ValidationError(f"{label} must be a real date") from None
        return value

    def validate(self, value):
        if value is None and self.required:
            raise forms.ValidationError(
                self.required_message or f"Enter the {(self.label or 'date').lower()}"
            )
        if value is not None and self.past and value > timezone.localdate():
            raise forms.ValidationError(f"{self.label} must be in the past")


class Radios(forms.RadioSelect):
    govuk_type = "radios"


def optional_choices(choices, empty_label: str = "Not recorded") -> list[tuple[str, str]]:
    """Choices for a select whose empty value means 'not recorded'."""
    return [("", empty_label), *choices]


class Checkboxes(forms.CheckboxSelectMultiple):
    govuk_type = "checkboxes"


def posted(request):
    """The submitted data, or None for a GET: binds a form even when a POST is empty, so an
    empty submission gets its errors rather than a blank form."""
    return request.POST if request.method == "POST" else None


def uploaded(request):
    return request.FILES if request.method == "POST" else None


def add_service_errors(form, error) -> None:
    """Put a service's ValidationError on the form: by field where it names one of the form's
    fields, otherwise as an error of the whole form."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error)
