from django import forms

from ppo import govuk
from ppo.codes import OffenceCategory


class OutcomeWindowForm(forms.Form):
    entered_from = govuk.DateField(label="Joined the list from", past=True)
    entered_to = govuk.DateField(label="Joined the list up to", past=True)

    def clean(self):
        data = super().clean()
        start, end = data.get("entered_from"), data.get("entered_to")
        if start and end and end < start:
            self.add_error("entered_to", "Joined the list up to cannot be before the start")
        return data


class UnitCostForm(forms.Form):
    offence_category = forms.ChoiceField(label="Offence", choices=OffenceCategory.choices)
    pounds = forms.IntegerField(label="Cost of one offence (£)", min_value=0, max_value=10_000_000)
    effective_from = govuk.DateField(label="From")
