from datetime import date, datetime

from django import forms, template
from django.utils import timezone
from django.utils.formats import date_format

from ppo.codes import Status
from ppo.events import EVENT_SPECS
from ppo.forms import EVENT_COLUMN_LABELS
from ppo.selectors import scheme_coordinators

register = template.Library()


@register.filter
def coordinators(scheme):
    """The scheme's coordinators, from the prefetch that scheme_overviews made."""
    return scheme_coordinators(scheme)


@register.filter
def govuk_datetime(value: datetime | None) -> str:
    """'22 November 2026 at 1:05pm' in UK time, as the GOV.UK style guide writes times."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{suffix}"


@register.inclusion_tag("includes/field.html")
def govuk_field(field, hint: str = "", classes: str = ""):
    """Render a form field with GOV.UK Frontend markup: label, hint, error and control."""
    widget = field.field.widget
    kind = getattr(widget, "govuk_type", None)
    if kind is None:
        if isinstance(widget, forms.Textarea):
            kind = "textarea"
        elif isinstance(widget, forms.Select):
            kind = "select"
        elif isinstance(widget, forms.ClearableFileInput | forms.FileInput):
            kind = "file"
        else:
            kind = "input"
    described_by = " ".join(
        part
        for part, present in (
            (f"{field.auto_id}-hint", bool(hint or field.help_text)),
            (f"{field.auto_id}-error", bool(field.errors)),
        )
        if present
    )
    return {
        "field": field,
        "kind": kind,
        "hint": hint or field.help_text,
        "classes": classes,
        "described_by": described_by,
        "input_type": getattr(widget, "input_type", "text"),
        "date_parts": _date_parts(field) if kind == "date" else [],
    }


def _date_parts(field):
    values = field.value()
    if not isinstance(values, list | tuple):
        values = field.field.widget.decompress(values)
    return [
        {"name": f"{field.html_name}_{part}", "id": f"{field.auto_id}_{part}", "label": part,
         "value": "" if value is None else value, "width": 4 if part == "year" else 2}
        for part, value in zip(("day", "month", "year"), values, strict=False)
    ]  # fmt: skip


@register.filter
def error_anchor(field) -> str:
    """The id an error summary link should point at: the field's first focusable control."""
    kind = getattr(field.field.widget, "govuk_type", None)
    if kind == "date":
        return f"{field.auto_id}_day"
    if kind in ("radios", "checkboxes"):
        return f"{field.auto_id}_0"
    return field.auto_id


@register.filter
def status_label(value: str) -> str:
    return Status(value).label if value in Status.values else ""


@register.filter
def event_details(event) -> list[tuple[str, str]]:
    """The filled-in columns of an event's kind, as (label, value shown to people)."""
    details = []
    for column in EVENT_SPECS[event.kind].columns:
        value = getattr(event, column)
        if value in (None, ""):
            continue
        display = getattr(event, f"get_{column}_display", None)
        if display is not None:
            shown = display()
        elif isinstance(value, bool):
            shown = "Yes" if value else "No"
        elif isinstance(value, date):
            shown = date_format(value)
        else:
            shown = str(value)
        details.append((EVENT_COLUMN_LABELS[column], shown))
    if event.reference:
        details.append(("Reference", event.reference))
    return details


@register.filter
def identity_rows(offender, access) -> list[tuple[str, str]]:
    """The personal details rows, each field either its value or the withheld notice."""
    rows = [
        ("date_of_birth", "Date of birth", date_format(offender.date_of_birth)),
        ("gender", "Gender", offender.get_gender_display()),
        ("ethnicity", "Ethnicity", offender.get_ethnicity_display()),
        ("pnc_id", "PNC ID", offender.pnc_id),
        ("cro_number", "CRO number", offender.cro_number),
        ("nomis_number", "Prison number", offender.nomis_number),
        ("crn", "Probation case reference", offender.crn),
        ("postcode", "Postcode", offender.postcode),
        ("area", "Area", offender.area),
    ]
    return [
        (label, value if access.shows_field(name) else access.notice) for name, label, value in rows
    ]


@register.filter
def shows_field(access, name: str) -> bool:
    return access.shows_field(name)
