"""The steering group's dashboard: figures over the last twelve months, never names. Each
chart is a title, column labels and rows, drawn by Chart.js and also shown as a table and
offered as CSV. Built once a day per scheme and kept in the cache until the history
changes (the key includes the newest record's id and count)."""

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.utils.formats import date_format

from cases.models import Action, NeedAssessment, PartnerReferral
from ppo.codes import ActionStatus, ExitReason, Need, NeedLevel, Pathway, Programme, Status
from ppo.dates import add_months
from ppo.models import Event, ProgrammeMembership, Scheme
from ppo.status import memberships_open_on, with_status
from reporting.reoffending import reoffending
from reporting.returns import month_end

MONTHS = 12
CUSTODY = {Status.CUSTODY_REMAND, Status.CUSTODY_SENTENCED}


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # Chart.js type: line or bar
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    stacked: bool = False

    def as_data(self) -> dict:
        """What the page hands to Chart.js: labels from the first column, a series per
        other column."""
        return {
            "type": self.kind,
            "stacked": self.stacked,
            "labels": [str(row[0]) for row in self.rows],
            "series": [
                {"label": name, "data": [row[index] for row in self.rows]}
                for index, name in enumerate(self.columns[1:], start=1)
            ],
        }


def month_ends(today: date) -> list[date]:
    """The last days of the twelve months that have ended, oldest first."""
    ends, first = [], today.replace(day=1)
    for _ in range(MONTHS):
        first = (first - timedelta(days=1)).replace(day=1)
        ends.append(month_end(first))
    return ends[::-1]


def _history_version(scheme: Scheme) -> str:
    """A digest that changes whenever the history the dashboard reads changes (stable
    across processes, unlike Python's hash of a string)."""
    mine = {"offender__scheme": scheme}
    parts = [
        Event.objects.filter(**mine).aggregate(n=Count("id"), top=Max("id"), at=Max("recorded_at")),
        ProgrammeMembership.objects.filter(**mine).aggregate(
            n=Count("id"), top=Max("id"), ended=Count("end_date"), exits=Count("exit_reason")
        ),
        Action.objects.filter(**mine).aggregate(n=Count("id"), at=Max("updated_at")),
        NeedAssessment.objects.filter(conference__offender__scheme=scheme).aggregate(
            n=Count("id"), top=Max("id")
        ),
        PartnerReferral.objects.filter(**mine).aggregate(n=Count("id"), moves=Sum("version")),
    ]
    return hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()


def dashboard(*, scheme: Scheme, today: date) -> list[Chart]:
    key = f"dashboard:{scheme.pk}:{today.isoformat()}:{_history_version(scheme)}"
    charts = cache.get(key)
    if charts is None:
        charts = _build(scheme, today)
        cache.set(key, charts, timeout=24 * 3600)
    return charts


def _build(scheme: Scheme, today: date) -> list[Chart]:
    ends = month_ends(today)
    ppo = ProgrammeMembership.objects.filter(offender__scheme=scheme, programme=Programme.PPO)
    cjit = ProgrammeMembership.objects.filter(offender__scheme=scheme, programme=Programme.CJIT)
    cohort = Chart("cohort", "PPOs on the list against the scheme's capacity", "line",
                   ["Month", "On the list", "Capacity (lowest)", "Capacity (highest)"])  # fmt: skip
    balance = Chart("balance", "In custody and in the community", "bar",
                    ["Month", "In custody", "In the community"], stacked=True)  # fmt: skip
    crossover = Chart("crossover", "PPOs also on the CJIT caseload", "bar",
                      ["Month", "PPOs on the CJIT caseload"])  # fmt: skip
    mix: Counter = Counter()
    for end in ends:
        ids = list(ppo.filter(memberships_open_on(end)).values_list("offender_id", flat=True))
        statuses = Counter(
            with_status(scheme.offenders.filter(pk__in=ids), on=end).values_list(
                "status", flat=True
            )
        )
        custody = sum(statuses[s] for s in CUSTODY)
        label = f"{end:%b %Y}"
        cohort.rows.append([label, len(ids), scheme.capacity_min, scheme.capacity_max])
        balance.rows.append([label, custody, len(ids) - custody])
        both = cjit.filter(memberships_open_on(end), offender_id__in=ids).values("offender_id")
        crossover.rows.append([label, both.distinct().count()])
        mix = statuses
    status_mix = Chart("status", f"Status of PPOs on {date_format(ends[-1], 'j F Y')}", "bar",
                       ["Status", "PPOs"])  # fmt: skip
    status_mix.rows = [[label, mix[code]] for code, label in Status.choices]

    flows = Chart("flows", "Selections and de-selections by reason", "bar",
                  ["Month", "Selected", *[label for _, label in ExitReason.choices]],
                  stacked=False)  # fmt: skip
    window = {"gte": ends[0].replace(day=1), "lte": ends[-1]}
    started = Counter(
        f"{d:%b %Y}"
        for d in ppo.filter(
            start_date__gte=window["gte"], start_date__lte=window["lte"]
        ).values_list("start_date", flat=True)
    )
    ended = Counter(
        (f"{d:%b %Y}", reason)
        for d, reason in ppo.filter(end_date__gte=ends[0].replace(day=1), end_date__lte=ends[-1])
        .values_list("end_date", "exit_reason")
    )  # fmt: skip
    for end in ends:
        label = f"{end:%b %Y}"
        flows.rows.append(
            [label, started[label], *[ended[(label, code)] for code in ExitReason.values]]
        )

    current = ppo.filter(memberships_open_on(ends[-1])).values("offender_id")
    needs = Chart("needs", "Needs of current PPOs at their latest case conference", "bar",
                  ["Need", "Some need", "Significant need"], stacked=True)  # fmt: skip
    latest: dict = {}
    for offender_id, need, level, held in NeedAssessment.objects.filter(
        conference__offender_id__in=current, conference__held_on__isnull=False
    ).values_list("conference__offender_id", "need", "level", "conference__held_on"):
        if (offender_id, need) not in latest or latest[(offender_id, need)][1] < held:
            latest[(offender_id, need)] = (level, held)
    levels = Counter((need, level) for (_, need), (level, _) in latest.items())
    needs.rows = [
        [label, levels[(code, NeedLevel.SOME)], levels[(code, NeedLevel.SIGNIFICANT)]]
        for code, label in Need.choices
    ]

    actions = Chart(
        "actions", "Actions by pathway", "bar",
        ["Pathway", "Open or in progress", "Done", "Not done"], stacked=True,
    )  # fmt: skip
    action_counts = Counter(
        Action.objects.filter(offender_id__in=current).values_list("pathway", "status")
    )
    actions.rows = [
        [label,
         action_counts[(code, ActionStatus.OPEN)] + action_counts[(code, ActionStatus.IN_PROGRESS)],
         action_counts[(code, ActionStatus.DONE)], action_counts[(code, ActionStatus.NOT_DONE)]]
        for code, label in Pathway.choices
    ]  # fmt: skip

    referrals = Chart("referrals", "Referrals to partner agencies by outcome", "bar",
                      ["Agency", "Accepted or further", "Rejected",
                       *[f"Rejected: {label.lower()}" for _, label in
                         PartnerReferral.RejectReason.choices]], stacked=False)  # fmt: skip
    by_service: dict[str, Counter] = {}
    for agency, service, state, reason in PartnerReferral.objects.filter(
        offender__scheme=scheme, sent_on__gte=ends[0].replace(day=1)
    ).values_list("agency__name", "service", "state", "reject_reason"):
        # A service outside the system is shown by its own name.
        counts = by_service.setdefault(agency or service, Counter())
        counts[
            "rejected" if state == "rejected" else "accepted" if state != "sent" else "sent"
        ] += 1
        if reason:
            counts[reason] += 1
    referrals.rows = [
        [service, counts["accepted"], counts["rejected"],
         *[counts[code] for code in PartnerReferral.RejectReason.values]]
        for service, counts in sorted(by_service.items())
    ]  # fmt: skip
    return [cohort, balance, status_mix, flows, crossover, needs, actions, referrals,
            _reoffending(scheme, today)]  # fmt: skip


def _reoffending(scheme: Scheme, today: date) -> Chart:
    """Offences before and after joining, for those who joined in the twelve months ending
    a year ago (so their year after has passed), against the target reduction."""
    entered_to = add_months(today, -12)
    measure = reoffending(
        scheme=scheme, entered_from=add_months(entered_to, -12), entered_to=entered_to
    )
    target = round(measure["offences_before"] * (100 - settings.REOFFENDING_TARGET_PCT) / 100)
    chart = Chart(
        "reoffending",
        f"Re-offending of the {measure['people']} who joined a year or two ago, against a "
        f"{settings.REOFFENDING_TARGET_PCT}% reduction",
        "bar", ["Offences charged", "12 months before", "12 months after", "Target after"],
    )  # fmt: skip
    chart.rows = [["Offences", measure["offences_before"], measure["offences_after"], target]]
    return chart
