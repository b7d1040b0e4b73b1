"""What case management adds to the offender page (see ppo/extensions.py): the plan at a
glance, with what the reader is shown of it."""

from datetime import date

from django.template.loader import render_to_string

from cases.models import OPEN_ACTION, Action, Conference


def record_section(*, request, offender, access, on: date) -> str:
    actions = [
        action
        for action in Action.objects.filter(OPEN_ACTION, offender=offender).only(
            "pathway", "due_date", "status"
        )
        if access.shows_pathway(action.pathway)
    ]
    next_conference = (
        Conference.objects.filter(offender=offender, held_on__isnull=True, scheduled_for__gte=on)
        .order_by("scheduled_for")
        .first()
    )
    return render_to_string(
        "cases/record_section.html",
        {
            "offender": offender,
            "open_actions": len(actions),
            "overdue_actions": sum(1 for action in actions if action.due_date < on),
            "next_conference": next_conference,
        },
        request=request,
    )
