"""The review flag case management adds (conference_overdue), and case conferences held as
case reviews for selection's quarterly_review_due: a selection.flags.FlagExtension."""

from datetime import date

from django.db.models import OuterRef, Q, Subquery
from django.utils.formats import date_format

from cases.models import Conference, EnforcementFlag
from cases.selectors import case_settings_for
from ppo.dates import add_months, months_before
from selection.flags import FlagRule


class ConferenceFlags:
    # Custody, because the flag is held back during a long sentence: a reader not shown
    # custody must not learn of one from the flag's absence.
    rules = [FlagRule("conference_overdue", "Case conference overdue", frozenset({"custody"}))]
    review_date = "last_conference"

    def context(self, scheme):
        return case_settings_for(scheme)

    def annotations(self, on: date) -> dict:
        held = Conference.objects.filter(
            offender_id=OuterRef("pk"), kind=Conference.Kind.CONFERENCE, held_on__lte=on
        ).order_by("-held_on")
        booked = Conference.objects.filter(
            offender_id=OuterRef("pk"), kind=Conference.Kind.CONFERENCE, held_on__isnull=True,
            scheduled_for__gte=on,
        ).order_by("scheduled_for")  # fmt: skip
        return {
            "last_conference": Subquery(held.values("held_on")[:1]),
            "next_conference": Subquery(booked.values("scheduled_for")[:1]),
        }

    def fired(self, row: dict, on: date, thresholds, settings) -> list[tuple[str, str]]:
        """Overdue: on the list more than the scheme's interval, and no case conference held
        within it; not while the person serves a sentence long enough to be considered for
        removal (they have no community plan to review)."""
        since = row["listed_since"]
        if since is None:
            return []
        release = row["expected_release"] if row["in_sentenced_custody"] else None
        if release and release > add_months(on, thresholds.long_custody_months):
            return []
        months = settings.conference_months
        window_from = months_before(on, months)
        last = row["last_conference"]
        if since >= window_from or (last and last > window_from):
            return []
        held = f"the last was on {date_format(last, 'j F Y')}" if last else "none held yet"
        booked = row["next_conference"]
        next_one = f" One is booked for {date_format(booked, 'j F Y')}." if booked else " Book one."
        return [(
            "conference_overdue",
            f"No case conference for {months} months ({held}).{next_one}",
        )]  # fmt: skip


CONFERENCES = ConferenceFlags()


class EnforcementFlags:
    """Two unacceptable absences within 28 days, not yet followed up, as a review flag on
    the record, the register and the panel agenda."""

    rules = [FlagRule("enforcement_due", "Consider breach or recall", frozenset({"supervision"}))]
    review_date = ""

    def context(self, scheme):
        return None

    def annotations(self, on: date) -> dict:
        open_flags = EnforcementFlag.objects.filter(
            offender_id=OuterRef("pk"), raised_on__lte=on
        ).filter(Q(followed_up_on__isnull=True) | Q(followed_up_on__gt=on))
        return {
            "enforcement_raised": Subquery(
                open_flags.order_by("-raised_on").values("raised_on")[:1]
            )
        }

    def fired(self, row: dict, on: date, thresholds, context) -> list[tuple[str, str]]:
        raised = row["enforcement_raised"]
        if raised is None:
            return []
        return [(
            "enforcement_due",
            f"Two appointments missed within 28 days (flagged {date_format(raised, 'j F Y')}): "
            "consider breach or recall, and record the follow-up.",
        )]  # fmt: skip


ENFORCEMENT = EnforcementFlags()
