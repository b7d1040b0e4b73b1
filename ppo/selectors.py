"""Reads of schemes, agencies and staff shared by pages, the API and other apps."""

from django.db.models import Count, Prefetch, QuerySet

from ppo.models import Agency, Membership, Role, Scheme, User


def memberships_of(*, user: User) -> QuerySet[Membership]:
    """The user's memberships with agency and scheme, for the header and the home page."""
    return (
        Membership.objects.filter(user=user)
        .select_related("agency__scheme")
        .order_by("agency__name", "role")
    )


def roles_of(*, user: User, memberships: list[Membership]) -> list[Role]:
    """The roles a user acts in, in Role order. A superuser is always a service administrator."""
    held = {membership.role for membership in memberships}
    if user.is_superuser:
        held.add(Role.ADMIN)
    return [role for role in Role if role in held]


def schemes_of(*, user: User) -> QuerySet[Scheme]:
    """Schemes the user works in: those of their agencies (shared agencies add none)."""
    return Scheme.objects.filter(agencies__memberships__user=user).distinct().order_by("name")


def coordinators_prefetch() -> Prefetch:
    """Prefetch each scheme's coordinators (as memberships with their user) in one query."""
    return Prefetch(
        "agencies__memberships",
        queryset=Membership.objects.filter(role=Role.COORDINATOR).select_related("user"),
        to_attr="coordinator_memberships",
    )


def all_schemes() -> QuerySet[Scheme]:
    """Every scheme: custody suites and prisons receive people from any area."""
    return Scheme.objects.order_by("name")


def scheme_overviews(*, schemes: QuerySet[Scheme]) -> QuerySet[Scheme]:
    """Schemes with their agencies (and staff counts) and coordinators, in three queries."""
    agencies = Agency.objects.annotate(staff_count=Count("memberships__user", distinct=True))
    return schemes.prefetch_related(
        Prefetch("agencies", queryset=agencies.order_by("name")),
        coordinators_prefetch(),
    )


def scheme_coordinators(scheme: Scheme) -> list[User]:
    """The coordinators of a scheme prefetched by scheme_overviews, without further queries."""
    people = {
        membership.user
        for agency in scheme.agencies.all()
        for membership in agency.coordinator_memberships
    }
    return sorted(people, key=lambda user: user.full_name)


def setup_counts() -> dict[str, int]:
    """How much of the service is set up, for the administrator's home page."""
    return {
        "schemes": Scheme.objects.count(),
        "agencies": Agency.objects.count(),
        "staff": User.objects.filter(is_active=True).count(),
    }
