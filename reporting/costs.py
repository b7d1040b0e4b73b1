"""The cost of crime: the estimated saving to society from the change in offences, by
offence category, at the unit costs in force (a scheme's own, else the national defaults
from the Home Office 2003/04 figures). The assumption is stated with the figure."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from ppo.codes import OffenceCategory
from ppo.models import Scheme
from reporting.models import UnitCost
from reporting.reoffending import reoffending_detail

ASSUMPTION = (
    "Assumes each offence charged stands for one crime of its category, at the average cost "
    "of such a crime to victims, society and the criminal justice system; offences not "
    "charged, and categories without a unit cost, are not counted. A fall in offences is "
    "shown as a saving; it is not proof that the scheme caused it."
)


@dataclass(frozen=True)
class CostRow:
    category: str
    label: str
    before: int
    after: int
    pounds: int | None
    source: str

    @property
    def change(self) -> int:
        return self.after - self.before

    @property
    def saving(self) -> int | None:
        return None if self.pounds is None else (self.before - self.after) * self.pounds


def unit_costs(*, scheme: Scheme, on: date) -> dict[str, UnitCost]:
    """The unit cost in force on `on` for each category: the scheme's own, else national."""
    costs: dict[str, UnitCost] = {}
    rows = UnitCost.objects.filter(
        Q(scheme=scheme) | Q(scheme__isnull=True), effective_from__lte=on
    )
    # Nationals first, then the scheme's, each oldest first: later rows win.
    for cost in sorted(rows, key=lambda c: (c.scheme_id is not None, c.effective_from, c.pk)):
        costs[cost.offence_category] = cost
    return costs


def cost_of_crime(*, scheme: Scheme, entered_from: date, entered_to: date) -> dict:
    measure, by_category, people = reoffending_detail(
        scheme=scheme, entered_from=entered_from, entered_to=entered_to
    )
    costs = unit_costs(scheme=scheme, on=entered_to)
    rows = [
        CostRow(
            category=code, label=label, before=by_category.get(code, [0, 0])[0],
            after=by_category.get(code, [0, 0])[1],
            pounds=costs[code].pounds if code in costs else None,
            source=costs[code].source if code in costs else "",
        )
        for code, label in OffenceCategory.choices
        if code in by_category or code in costs
    ]  # fmt: skip
    return {
        "measure": measure,
        "people": people,
        "rows": rows,
        "saving": sum(row.saving or 0 for row in rows),
        "assumption": ASSUMPTION,
    }
