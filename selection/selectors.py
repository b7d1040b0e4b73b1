"""Reads for selection pages and commands."""

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from ppo.models import Membership, Offender, Role, Scheme, User
from ppo.selectors import offenders_visible_to, schemes_of
from selection.models import (
    Decision,
    DecisionKind,
    Matrix,
    PanelAttendee,
    PanelMeeting,
    Referral,
    ScoringRun,
)


def matrix_in_force(*, scheme: Scheme) -> Matrix | None:
    """The scheme's latest matrix version, or None before the first is saved."""
    return Matrix.objects.filter(scheme=scheme).order_by("-version").first()


def matrix_versions(*, scheme: Scheme) -> QuerySet[Matrix]:
    return Matrix.objects.filter(scheme=scheme).select_related("created_by").order_by("-version")


def scoring_runs(*, scheme: Scheme) -> QuerySet[ScoringRun]:
    return (
        ScoringRun.objects.filter(scheme=scheme)
        .select_related("matrix", "run_by")
        .defer("result")
        .order_by("-run_at")
    )


# --- who may use which selection page (deny by default: anything else is a 404) -----------

PANEL_ROLES = (Role.COORDINATOR, Role.PANEL_MEMBER)


def _scheme_with_role(user: User, slug: str, roles) -> Scheme:
    memberships = Membership.objects.filter(user=user, agency__scheme__slug=slug)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    if not memberships.exists():
        raise Http404
    return Scheme.objects.get(slug=slug)


def scheme_for_staff(*, user: User, slug: str) -> Scheme:
    """Anyone working in the scheme (the transparency page)."""
    return _scheme_with_role(user, slug, None)


def scheme_for_panel(*, user: User, slug: str) -> Scheme:
    return _scheme_with_role(user, slug, PANEL_ROLES)


def scheme_for_coordinator(*, user: User, slug: str) -> Scheme:
    return _scheme_with_role(user, slug, [Role.COORDINATOR])


def meeting_for(*, user: User, pk: int) -> PanelMeeting:
    """A panel meeting of a scheme where the user is a coordinator or panel member."""
    meeting = PanelMeeting.objects.select_related("scheme").filter(pk=pk).first()
    if (
        meeting is None
        or not Membership.objects.filter(
            user=user, agency__scheme=meeting.scheme, role__in=PANEL_ROLES
        ).exists()
    ):
        raise Http404
    return meeting


def selection_schemes(*, user: User) -> QuerySet[Scheme]:
    return schemes_of(user=user)


def waiting_referrals(*, scheme: Scheme) -> QuerySet[Referral]:
    """Referrals the panel has not decided (selected or not selected); deferred ones wait."""
    return (
        Referral.objects.filter(scheme=scheme)
        .exclude(decisions__kind__in=[DecisionKind.SELECT, DecisionKind.REJECT])
        .select_related("offender", "agency", "referred_by", "from_scheme")
        .order_by("created_at")
    )


def referrals_by(*, user: User) -> QuerySet[Referral]:
    """The user's referrals, newest first, each with the panel's decisions on it."""
    return (
        Referral.objects.filter(referred_by=user)
        .select_related("offender", "scheme", "agency")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("meeting").order_by("-decided_at"),
            )
        )
        .order_by("-created_at")
    )


def meetings_of(*, scheme: Scheme) -> QuerySet[PanelMeeting]:
    return (
        PanelMeeting.objects.filter(scheme=scheme)
        .annotate(decision_count=Count("decisions"))
        .prefetch_related(
            Prefetch("attendees", queryset=PanelAttendee.objects.select_related("agency"))
        )
        .order_by("-held_on")
    )


def run_for_meeting(*, meeting: PanelMeeting) -> ScoringRun | None:
    """The run a panel works from: the latest scoring as at the meeting date or before (the
    most recently run, among several as at the same date)."""
    return (
        ScoringRun.objects.filter(scheme_id=meeting.scheme_id, as_at__lte=meeting.held_on)
        .select_related("matrix")
        .order_by("-as_at", "-run_at")
        .first()
    )


def people_by_local_id(*, user: User, scheme: Scheme, local_ids) -> dict[str, Offender]:
    """Of these scheme references, the records the user may open, by reference."""
    people = offenders_visible_to(user=user).filter(scheme=scheme, local_id__in=list(local_ids))
    return {person.local_id: person for person in people}
