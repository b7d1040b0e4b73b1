"""Every write to schemes, agencies, staff and memberships goes through here."""

import logging
import time
import uuid
from datetime import date

import django_otp
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from guardian.shortcuts import assign_perm

from ppo.codes import EventKind, ExitDestination, ExitReason, Programme
from ppo.events import NULLABLE_EVENT_COLUMNS, event_problems
from ppo.identifiers import name_key
from ppo.models import (
    REGISTER_ROLES,
    Agency,
    AgencyType,
    Event,
    GrantChange,
    Membership,
    Notification,
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
from ppo.selectors import second_factor_device
from ppo.status import memberships_open_on

logger = logging.getLogger(__name__)


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
    """Create an agency in a scheme (or shared, scheme=None) with the group that holds its
    grants; idempotent on (scheme, name)."""
    existing = Agency.objects.filter(scheme=scheme, name=name).first()
    if existing is not None:
        return existing, False
    agency = Agency(name=name, type=type, scheme=scheme)
    agency.group = Group.objects.create(name=f"agency-{uuid.uuid4().hex}")
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
    """Give a user a role in an agency; adding a role they already hold changes nothing.

    The user joins the agency's group through the signal in ppo.signals.
    """
    return Membership.objects.get_or_create(user=user, agency=agency, role=role)


def staff_groups_sync(*, user: User) -> None:
    """Make the user's groups exactly those of the agencies where they hold a role that reads
    offender records (REGISTER_ROLES), so the agency's grants reach them and nobody else.

    Called whenever memberships change (including through the admin, by signal), so a user
    who leaves an agency loses its grants on their next request.
    """
    groups = Group.objects.filter(
        agency__memberships__user=user, agency__memberships__role__in=REGISTER_ROLES
    ).distinct()
    user.groups.set(groups)


# --- the register ----------------------------------------------------------------------------

DUPLICATE_REFERENCE = "This scheme already has someone with this reference"
CONFLICT = (
    "Someone else changed this record while you were editing it. Your changes have not been "
    "saved: check the record as it is now, then make them again."
)


@transaction.atomic
def offender_create(
    *, scheme: Scheme, by: User | None, fields: dict, aliases: list[str]
) -> Offender:
    """Add a person to a scheme's register and grant access to the creating agencies
    (creating_agencies). Validates everything first; raises ValidationError by field."""
    offender = Offender(scheme=scheme, **fields)
    offender.name_key = name_key(offender.first_name, offender.last_name)
    _validate_offender(offender)
    receivers = creating_agencies(scheme=scheme, user=by)
    if not receivers:
        raise ValidationError(NO_RECEIVING_AGENCY.capitalize())
    offender.save()
    _aliases_set(offender, aliases)
    for agency in receivers:
        offender_access_grant(offenders=[offender], agency=agency, by=by)
    return offender


@transaction.atomic
def offender_update(
    *, offender: Offender, version: int, by: User, fields: dict, aliases: list[str]
) -> Offender:
    """Change a person's details, refusing if the record changed since `version` was read
    (optimistic locking): ValidationError with code "conflict" and nothing written."""
    for name, value in fields.items():
        setattr(offender, name, value)
    offender.name_key = name_key(offender.first_name, offender.last_name)
    _validate_offender(offender)
    updated = Offender.objects.filter(pk=offender.pk, version=version).update(
        **fields, name_key=offender.name_key, version=version + 1, updated_at=timezone.now()
    )
    if updated == 0:
        raise ValidationError(CONFLICT, code="conflict")
    _aliases_set(offender, aliases)
    offender.refresh_from_db()
    return offender


def _validate_offender(offender: Offender) -> None:
    errors: dict[str, list[str]] = {}
    try:
        # The (scheme, local_id) constraint is checked below so its error names the field.
        offender.full_clean(exclude=["name_key", "version"], validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    duplicate = Offender.objects.filter(scheme=offender.scheme_id, local_id=offender.local_id)
    if offender.pk:
        duplicate = duplicate.exclude(pk=offender.pk)
    if offender.local_id and duplicate.exists():
        errors.setdefault("local_id", []).append(DUPLICATE_REFERENCE)
    if offender.date_of_birth and offender.date_of_birth > timezone.localdate():
        errors.setdefault("date_of_birth", []).append("Date of birth must be in the past")
    if errors:
        raise ValidationError(errors)


def _aliases_set(offender: Offender, names: list[str]) -> None:
    wanted = sorted({name.strip() for name in names} - {""})
    offender.aliases.exclude(name__in=wanted).delete()
    OffenderAlias.objects.bulk_create(
        [OffenderAlias(offender=offender, name=name, name_key=name_key(name)) for name in wanted],
        ignore_conflicts=True,
    )


@transaction.atomic
def event_record(
    *, offender: Offender, by: User, kind: EventKind, date: date, reference: str, values: dict
) -> Event:
    """Record one event. Checks the columns its kind uses (ppo/events.py) and that it is not
    already recorded; raises ValidationError by field, writing nothing."""
    errors = {
        column: [f"{column.replace('_', ' ').capitalize()} {message}"]
        for column, message in event_problems(kind, date, values).items()
    }
    duplicate = Event.objects.filter(
        offender=offender, kind=kind, date=date, reference=reference
    ).exists()
    if duplicate:
        errors.setdefault("date", []).append(
            f"{EventKind(kind).label} on this date is already recorded"
        )
    if errors:
        raise ValidationError(errors)
    stored = {
        column: ("" if value is None and column not in NULLABLE_EVENT_COLUMNS else value)
        for column, value in values.items()
    }
    return Event.objects.create(
        offender=offender, kind=kind, date=date, reference=reference, recorded_by=by, **stored
    )


NO_RECEIVING_AGENCY = (
    "nobody could see the new record: the scheme has no coordinator yet, so add one first"
)


def creating_agencies(*, scheme: Scheme, user: User | None) -> list[Agency]:
    """Who is granted a record created in `scheme`: the creating user's agencies in that
    scheme where they hold a role that reads records; failing that (a command-line import,
    or a user from a shared agency), the agencies of the scheme's coordinators, who can then
    share it further. Empty when the scheme has neither: callers must refuse to create."""
    if user is not None:
        mine = Agency.objects.filter(
            scheme=scheme, memberships__user=user, memberships__role__in=REGISTER_ROLES
        ).distinct()
        if mine.exists():
            return list(mine)
    return list(Agency.objects.filter(scheme=scheme, memberships__role=Role.COORDINATOR).distinct())


@transaction.atomic
def offender_access_grant(*, offenders: list[Offender], agency: Agency, by: User | None) -> None:
    """Let an agency's staff see these records. The only writer of grants (with revoke)."""
    already = set(
        OffenderGroupObjectPermission.objects.filter(
            group=agency.group, content_object__in=offenders, permission__codename=VIEW_OFFENDER
        ).values_list("content_object_id", flat=True)
    )
    new = [offender for offender in offenders if offender.pk not in already]
    if not new:
        return
    assign_perm(
        f"ppo.{VIEW_OFFENDER}", agency.group, Offender.objects.filter(pk__in=[o.pk for o in new])
    )
    GrantChange.objects.bulk_create(
        [GrantChange(offender=o, agency=agency, granted=True, by=by) for o in new]
    )


@transaction.atomic
def offender_access_revoke(*, offender: Offender, agency: Agency, by: User) -> None:
    """Stop an agency's staff seeing a record; takes effect on their next request."""
    removed, _ = OffenderGroupObjectPermission.objects.filter(
        group=agency.group, content_object=offender, permission__codename=VIEW_OFFENDER
    ).delete()
    if removed:
        GrantChange.objects.create(offender=offender, agency=agency, granted=False, by=by)
        # A manager whose agency can no longer see the record cannot go on managing it.
        OffenderManagerAssignment.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gt=timezone.localdate()),
            offender=offender,
            agency=agency,
        ).update(end_date=timezone.localdate())


@transaction.atomic
def offender_manager_assign(
    *, offender: Offender, manager: User, agency: Agency, by: User, on: date
) -> OffenderManagerAssignment:
    """Name the person's offender manager from `on`, ending the current assignment then.

    The manager must hold the offender manager role in an agency that can see the record.
    Naming the current manager again changes nothing.
    """
    allowed = Membership.objects.filter(
        user=manager,
        agency=agency,
        role=Role.OFFENDER_MANAGER,
        agency__group__offendergroupobjectpermission__content_object=offender,
    ).exists()
    if not allowed:
        raise ValidationError(
            {"manager": ["Choose an offender manager from an agency that can see this record"]}
        )
    # One coordinator at a time: two saving at once would leave two open assignments.
    Offender.objects.select_for_update().filter(pk=offender.pk).first()
    current = OffenderManagerAssignment.objects.filter(memberships_open_on(on), offender=offender)
    same = current.filter(manager=manager, agency=agency).first()
    if same is not None:
        return same
    current.update(end_date=on)
    return OffenderManagerAssignment.objects.create(
        offender=offender, manager=manager, agency=agency, start_date=on
    )


@transaction.atomic
def programme_membership_record(
    *, offender: Offender, by: User, programme: str, start_date: date, values: dict
) -> ProgrammeMembership:
    """Record a programme membership as programmes.csv would (the same checks). Selection
    panel decisions open memberships through this and close them with
    programme_membership_close."""
    membership = ProgrammeMembership(
        offender=offender, programme=programme, start_date=start_date, **values
    )
    errors: dict[str, list[str]] = {}
    end = values.get("end_date")
    if end and end < start_date:
        errors["end_date"] = ["The end date cannot be before the start date"]
    if values.get("strand") and programme != Programme.PPO:
        errors["strand"] = ["A strand is only for PPO memberships"]
    for field in ("exit_reason", "exit_destination"):
        if values.get(field) and not end:
            errors[field] = ["Only an ended membership has an exit: give the end date"]
    if ProgrammeMembership.objects.filter(
        offender=offender, programme=programme, start_date=start_date
    ).exists():
        errors.setdefault("start_date", []).append(
            "This membership is already recorded with this start date"
        )
    if errors:
        raise ValidationError(errors)
    membership.save()
    return membership


def programme_membership_close(
    *, membership: ProgrammeMembership, end_date: date, exit_reason: str, exit_destination: str
) -> ProgrammeMembership:
    """End an open membership on `end_date`, with why and where to. The caller holds the
    person's row lock (a panel decision)."""
    errors: dict[str, list[str]] = {}
    if membership.end_date is not None:
        errors["end_date"] = ["This membership has already ended"]
    elif end_date < membership.start_date:
        errors["end_date"] = ["The end date cannot be before the start date"]
    if exit_reason not in ExitReason.values:
        errors["exit_reason"] = ["Select why they are leaving"]
    if exit_destination not in ExitDestination.values:
        errors["exit_destination"] = ["Select where they go next"]
    if errors:
        raise ValidationError(errors)
    membership.end_date = end_date
    membership.exit_reason = exit_reason
    membership.exit_destination = exit_destination
    membership.save(update_fields=["end_date", "exit_reason", "exit_destination"])
    return membership


def notify(*, user: User, key: str, text: str, url: str = "") -> bool:
    """Give `user` a notification about `key`, once: returns False if they already had it.

    A new one is also emailed, once the transaction commits (so a rolled-back job sends
    nothing). The email says only that there is something to read: no personal data
    travels by email."""
    _, created = Notification.objects.get_or_create(
        user=user, key=key, defaults={"text": text[:500], "url": url}
    )
    if created and user.email:
        transaction.on_commit(lambda: _email_notice(user.email))
    return created


def notifications_read(*, user: User, most: int = 200) -> tuple[list[Notification], set[int]]:
    """The person's newest notifications, and which of them were unread: now read."""
    items = list(user.notifications.all()[:most])
    unread = {item.pk for item in items if item.read_at is None}
    if unread:
        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return items, unread


def _email_notice(address: str) -> None:
    """Tell someone there is a notification to read."""
    _email(
        address,
        subject=f"{settings.SERVICE_NAME}: a new notification",
        message=(
            "You have a new notification about a record you work with. Sign in to read it: "
            f"{settings.SITE_URL}{reverse('notifications')}"
        ),
    )


def _email(address: str, *, subject: str, message: str) -> None:
    """An email that carries no personal data. A mail server that is down must not undo or
    fail the work that sent it: that is done either way."""
    try:
        send_mail(subject=subject, message=message, from_email=None, recipient_list=[address])
    except OSError:
        logger.exception("Could not email %r", subject)


def password_change(*, request, new_password: str) -> None:
    """Set the signed-in person's new password (the form has checked the current one and the
    new one against AUTH_PASSWORD_VALIDATORS). This session carries on, with a new key; every
    other session of theirs ends at its next request, as its password hash no longer
    matches. An email tells them, in case it was not them."""
    user = request.user
    user.set_password(new_password)
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)
    logging.getLogger("ppo.security").info("Password changed for user %s", user.pk)
    transaction.on_commit(
        lambda: _email(
            user.email,
            subject=f"{settings.SERVICE_NAME}: your password was changed",
            message=(
                "The password of your account was changed. If it was not you, tell your "
                "service administrator straight away."
            ),
        )
    )


SECOND_FACTOR_PENDING_KEY = "ppo_second_factor_pending_key"


def second_factor_pending_key(*, session) -> str:
    """The authenticator-app key offered to this session for setting up. It lives in the
    session only: someone else signing in with the same password is offered another, and
    nothing is stored until a code proves an app holds it (second_factor_enrol). Kept for
    the session, so reloading the page does not change the QR code."""
    if SECOND_FACTOR_PENDING_KEY not in session:
        session[SECOND_FACTOR_PENDING_KEY] = random_hex(20)
    return session[SECOND_FACTOR_PENDING_KEY]


SECOND_FACTOR_ALREADY_SET_UP = (
    "An authenticator app has just been set up for your account in another window. "
    "Enter a code from that app instead"
)


def second_factor_enrol(*, request, code: str) -> bool:
    """Stores the session's pending key as the person's app when `code` is right for it, and
    marks the session as having passed the second factor; False for a wrong code. One app
    per person: if another session finished setting one up first, ValidationError."""
    key = request.session.get(SECOND_FACTOR_PENDING_KEY)
    if key is None:
        return False
    device = TOTPDevice(user=request.user, key=key, name="Authenticator app", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(code), device.tolerance):
        return False
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=request.user.pk).first()
        if second_factor_device(user=request.user) is not None:
            raise ValidationError(SECOND_FACTOR_ALREADY_SET_UP, code="already_set_up")
        device.last_t = totp.t()  # the code that proved it cannot be used again
        device.save()
    del request.session[SECOND_FACTOR_PENDING_KEY]
    request.session.cycle_key()
    django_otp.login(request, device)
    return True


# django-otp doubles the wait after each wrong code without limit, so someone holding a
# person's password could keep them out for days. Counting at most this many failures caps
# the wait at 2 ** 9 seconds (about 8.5 minutes), which still puts guessing a 6-digit code
# years away.
SECOND_FACTOR_FAILURES_COUNTED = 10


def second_factor_throttle_cap(*, device: TOTPDevice) -> None:
    """Keeps the device's failure count, and so its wait, within the cap above."""
    if device.throttling_failure_count > SECOND_FACTOR_FAILURES_COUNTED:
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_count=SECOND_FACTOR_FAILURES_COUNTED
        )
        device.throttling_failure_count = SECOND_FACTOR_FAILURES_COUNTED


def second_factor_verify(*, request, device: TOTPDevice, code: str) -> bool:
    """Checks a code against the person's device and, when right, marks this session as
    having passed the second factor. A code is accepted once only: the device records the
    time step of the last code it accepted, under a row lock (django_otp.verify_token), and
    repeated wrong codes slow further attempts down exponentially (django-otp throttling)."""
    verified = django_otp.verify_token(request.user, device.persistent_id, code)
    if verified is None:
        return False
    # A new session key at the change of privilege, as at sign-in (session fixation).
    request.session.cycle_key()
    django_otp.login(request, verified)
    return True
