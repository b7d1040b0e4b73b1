"""Every write to schemes, agencies, staff and memberships goes through here."""

from django.db import transaction

from ppo.models import Agency, AgencyType, Membership, Role, Scheme, User


@transaction.atomic
def scheme_create(
    *, slug: str, name: str, capacity_min: int, capacity_max: int
) -> tuple[Scheme, bool]:
    """Create a scheme, or return the existing one with that slug unchanged.

    Returns (scheme, created). Validates the capacity band before writing.
    """
    existing = Scheme.objects.filter(slug=slug).first()
    if existing is not None:
        return existing, False
    scheme = Scheme(slug=slug, name=name, capacity_min=capacity_min, capacity_max=capacity_max)
    scheme.full_clean()
    scheme.save()
    return scheme, True


@transaction.atomic
def agency_create(*, name: str, type: AgencyType, scheme: Scheme | None) -> tuple[Agency, bool]:
    """Create an agency in a scheme (or shared, scheme=None); idempotent on (scheme, name)."""
    existing = Agency.objects.filter(scheme=scheme, name=name).first()
    if existing is not None:
        return existing, False
    agency = Agency(name=name, type=type, scheme=scheme)
    agency.full_clean()
    agency.save()
    return agency, True


@transaction.atomic
def staff_create(
    *,
    email: str,
    full_name: str,
    password: str,
    phone: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> tuple[User, bool]:
    """Create a staff account, or return the existing account for that email unchanged."""
    existing = User.objects.filter(email=email.strip().lower()).first()
    if existing is not None:
        return existing, False
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        phone=phone,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    return user, True


@transaction.atomic
def membership_add(*, user: User, agency: Agency, role: Role) -> tuple[Membership, bool]:
    """Give a user a role in an agency; adding a role they already hold changes nothing."""
    return Membership.objects.get_or_create(user=user, agency=agency, role=role)
