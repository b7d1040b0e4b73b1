"""Reads of schemes, agencies and staff shared by pages, the API and other apps."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from ppo.identifiers import name_key, pnc_normalise
from ppo.models import (
    EDIT_ROLES,
    Agency,
    AgencyType,
    Event,
    ImportRun,
    Membership,
    Offender,
    OffenderAlias,
    OffenderGroupObjectPermission,
    OffenderManagerAssignment,
    ProgrammeMembership,
    Role,
    Scheme,
    User,
)
from ppo.models.register import VIEW_OFFENDER
from ppo.status import memberships_open_on, on_programme, with_status


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


# --- the register ----------------------------------------------------------------------------


def offenders_visible_to(*, user: User) -> QuerySet[Offender]:
    """The one gate on offender records: those on which one of the user's agencies holds a
    grant, through a role that reads records (REGISTER_ROLES). Superusers get no exemption
    and global permissions count for nothing (deny by default). Every page, API, search and
    export starts here.

    This reads guardian's group grant table directly rather than calling
    get_objects_for_user: that also ORs in per-user grants (which this service never gives),
    and the OR makes PostgreSQL scan the whole national register on every request instead of
    starting from the user's few thousand grants. The result is the same as
    get_objects_for_user(..., use_groups=True, with_superuser=False,
    accept_global_perms=False); a test holds the two equal.
    """
    granted = OffenderGroupObjectPermission.objects.filter(
        group__user=user,
        permission__codename=VIEW_OFFENDER,
        permission__content_type__app_label="ppo",
    ).values("content_object_id")
    return Offender.objects.filter(pk__in=granted)


def offender_for(*, user: User, pk: int) -> Offender:
    """One visible offender, or Http404 whether it is missing or merely not visible."""
    try:
        return offenders_visible_to(user=user).select_related("scheme").get(pk=pk)
    except (Offender.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_edit_offender(*, user: User, offender: Offender) -> bool:
    """Whether the user may change the person's details and record events: an offender
    manager or coordinator in an agency that holds a grant on the record."""
    return Membership.objects.filter(
        user=user,
        role__in=EDIT_ROLES,
        agency__group__offendergroupobjectpermission__content_object=offender,
    ).exists()


def coordinates_scheme(*, user: User, scheme: Scheme) -> bool:
    """Whether the user is one of the scheme's coordinators (grants, imports, the panel)."""
    return Membership.objects.filter(
        user=user, role=Role.COORDINATOR, agency__scheme=scheme
    ).exists()


def coordinated_scheme(*, user: User, slug: str) -> Scheme:
    """The scheme `slug` if the user is one of its coordinators, else Http404 (a scheme they
    do not coordinate looks the same as one that does not exist)."""
    scheme = Scheme.objects.filter(slug=slug).first()
    if scheme is None or not coordinates_scheme(user=user, scheme=scheme):
        raise Http404
    return scheme


def schemes_coordinated_by(*, user: User) -> QuerySet[Scheme]:
    return Scheme.objects.filter(
        agencies__memberships__user=user, agencies__memberships__role=Role.COORDINATOR
    ).distinct()


def agencies_with_access(*, offender: Offender) -> QuerySet[Agency]:
    return Agency.objects.filter(
        group__offendergroupobjectpermission__content_object=offender,
        group__offendergroupobjectpermission__permission__codename=VIEW_OFFENDER,
    ).order_by("name")


def current_manager_assignments(on: date) -> Prefetch:
    """Prefetch each offender's offender manager assignments open on `on`, with the user."""
    return Prefetch(
        "manager_assignments",
        queryset=OffenderManagerAssignment.objects.filter(memberships_open_on(on)).select_related(
            "manager", "agency"
        ),
        to_attr="current_assignments",
    )


def current_memberships(on: date) -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=ProgrammeMembership.objects.filter(memberships_open_on(on)).order_by("programme"),
        to_attr="current_programmes",
    )


def register_search(
    *,
    user: User,
    on: date,
    q: str = "",
    programme: str = "",
    status: str = "",
    area: str = "",
    manager_id: int | None = None,
) -> QuerySet[Offender]:
    """The register list: visible offenders matching the filters, each with `status` on
    `on`, current programmes and offender manager, in a fixed number of queries.

    `q` matches a name or alias (ignoring case, spaces and hyphens) or a PNC ID in any form.
    """
    people = with_status(offenders_visible_to(user=user), on=on)
    if q.strip():
        people = people.filter(_search_condition(q))
    if programme:
        people = people.filter(Exists(on_programme(programme, on)))
    if status:
        people = people.filter(status=status)
    if area:
        people = people.filter(area=area)
    if manager_id:
        people = people.filter(
            Exists(
                OffenderManagerAssignment.objects.filter(
                    memberships_open_on(on), offender_id=OuterRef("pk"), manager_id=manager_id
                )
            )
        )
    return people.select_related("scheme").prefetch_related(
        current_memberships(on), current_manager_assignments(on)
    )


def _search_condition(q: str) -> Q:
    try:
        return Q(pnc_id=pnc_normalise(q))
    except ValueError:
        pass
    key = name_key(q)
    alias_match = OffenderAlias.objects.filter(offender_id=OuterRef("pk"), name_key__contains=key)
    return Q(name_key__contains=key) | Q(Exists(alias_match)) | Q(pnc_id__icontains=q.strip())


def register_filter_options(*, user: User, on: date, scheme: Scheme | None = None) -> dict:
    """The areas and offender managers found among the user's visible records (of `scheme`
    only, when given: a scheme's team caseload offers its own managers)."""
    visible = offenders_visible_to(user=user)
    if scheme is not None:
        visible = visible.filter(scheme=scheme)
    areas = visible.exclude(area="").order_by("area").values_list("area", flat=True).distinct()
    managers = (
        User.objects.filter(
            Q(assignments__end_date__isnull=True) | Q(assignments__end_date__gt=on),
            assignments__offender__in=visible,
            assignments__start_date__lte=on,
        )
        .distinct()
        .order_by("full_name")
    )
    return {"areas": list(areas), "managers": list(managers)}


def offender_record(*, user: User, pk: int, on: date) -> Offender:
    """One visible person as the register API answers for them: a row of register_search
    (status, current programmes and offender managers) with aliases, or Http404."""
    try:
        return register_search(user=user, on=on).prefetch_related("aliases").get(pk=pk)
    except (Offender.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def offender_page(*, user: User, pk: int, on: date) -> Offender:
    """Everything the offender page shows, in a fixed number of queries (or Http404)."""
    people = with_status(offenders_visible_to(user=user), on=on).select_related("scheme")
    people = people.prefetch_related(
        current_manager_assignments(on),
        Prefetch("aliases", queryset=OffenderAlias.objects.order_by("name")),
        Prefetch("memberships", queryset=ProgrammeMembership.objects.order_by("-start_date")),
        Prefetch(
            "events",
            queryset=Event.objects.select_related("recorded_by").order_by("-date", "-id"),
        ),
    )
    try:
        return people.get(pk=pk)
    except (Offender.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def grantable_agencies(*, offender: Offender) -> QuerySet[Agency]:
    """Agencies a coordinator may share a record with: the scheme's own and shared ones."""
    return Agency.objects.filter(Q(scheme=offender.scheme) | Q(scheme__isnull=True)).order_by(
        "name"
    )


def recent_imports(*, user: User) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(imported_by=user)[:10]


def assignable_managers(*, offender: Offender) -> QuerySet[Membership]:
    """Offender managers in agencies that can see the record, for the manager form."""
    return (
        Membership.objects.filter(
            role=Role.OFFENDER_MANAGER,
            agency__group__offendergroupobjectpermission__content_object=offender,
            agency__group__offendergroupobjectpermission__permission__codename=VIEW_OFFENDER,
            user__is_active=True,
        )
        .select_related("user", "agency")
        .order_by("user__full_name")
    )


def holds_role(*, user: User, roles) -> bool:
    """Whether the user holds any of `roles` in any agency."""
    return Membership.objects.filter(user=user, role__in=roles).exists()


def schemes_editable_by(*, user: User) -> QuerySet[Scheme]:
    """Schemes where the user may add people: an offender manager or coordinator there."""
    return Scheme.objects.filter(
        agencies__memberships__user=user, agencies__memberships__role__in=EDIT_ROLES
    ).distinct()


def current_managers(*, offender: Offender, on: date) -> list[User]:
    """The person's offender managers on `on` (active accounts only), for notifications."""
    return list(
        User.objects.filter(
            is_active=True,
            assignments__in=OffenderManagerAssignment.objects.filter(
                memberships_open_on(on), offender=offender
            ),
        ).distinct()
    )


def scheme_coordinators_of(*, scheme: Scheme) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__agency__scheme=scheme,
            memberships__role=Role.COORDINATOR,
        ).distinct()
    )


def police_contacts(*, offender: Offender, on: date) -> list[User]:
    """Who the police contact is for a person: their offender managers in police agencies,
    else the offender managers of police agencies that hold the record."""
    managers = [
        user for user in current_managers(offender=offender, on=on)
        if user.memberships.filter(agency__type=AgencyType.POLICE).exists()
    ]  # fmt: skip
    if managers:
        return managers
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.OFFENDER_MANAGER,
            memberships__agency__type=AgencyType.POLICE,
            memberships__agency__group__offendergroupobjectpermission__content_object=offender,
        ).distinct()
    )


def second_factor_device(*, user: User) -> TOTPDevice | None:
    """The authenticator app the person set up, if they have finished setting one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
