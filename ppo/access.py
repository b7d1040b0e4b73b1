"""What a user may see inside the records the grant gate lets them open.

The rules (protocol, consent, disclosures) belong to the sharing app, which ppo may not
import; the policy is handed in by name in settings.RECORD_ACCESS_POLICY. It returns, per
offender, an object answering shows_field(name), shows_event(kind), shows_status and withheld
(labels of categories not shown), and `notice`, the words to show in their place.
"""

from datetime import date

from django.conf import settings
from django.utils.module_loading import import_string

from ppo.models import Offender, User


def record_access(
    *, user: User, offenders: list[Offender], on: date, known: dict | None = None
) -> dict:
    """Access to each of `offenders`, reusing what `known` (from only_where_shown on the same
    request) already holds, so a filtered page still pays for effective access once."""
    known = known or {}
    missing = [offender for offender in offenders if offender.pk not in known]
    found = {}
    if missing:
        policy = import_string(settings.RECORD_ACCESS_POLICY)
        found = policy(user=user, offenders=missing, on=on)
    return {offender.pk: known.get(offender.pk) or found[offender.pk] for offender in offenders}


def log_consultation(*, request, access: dict, purpose: str) -> None:
    """Record that the user consulted these records and which categories they were shown
    (settings.ACCESS_LOG_WRITER, the sharing app's access log)."""
    writer = import_string(settings.ACCESS_LOG_WRITER)
    writer(
        user=request.user,
        entries=[(pk, sorted(item.categories)) for pk, item in access.items()],
        purpose=purpose,
        client_address=request.META.get("REMOTE_ADDR"),
        path=request.get_full_path(),
    )


def log_lookup(*, request, matched_ids: tuple[int, ...]) -> None:
    """A custody lookup consults each matching record's identity (or none, if no match)."""
    writer = import_string(settings.ACCESS_LOG_WRITER)
    writer(
        user=request.user,
        entries=[(pk, ["identity"]) for pk in matched_ids] or [(None, [])],
        purpose="lookup",
        client_address=request.META.get("REMOTE_ADDR"),
        path=request.path,
    )


def only_where_shown(people, *, user: User, on: date, criteria: dict):
    """Keep, of a filtered register, only people for whom every filter used matched
    information the user is shown: a status filter must not find someone whose status is
    withheld, nor a name search someone whose name is (that would reveal it). Returns the
    people kept and the access worked out for the candidates, for record_access to reuse."""
    checks = []
    if criteria.get("status"):
        checks.append(lambda access: access.shows_status)
    if criteria.get("area"):
        checks.append(lambda access: access.shows_field("area"))
    if criteria.get("q"):
        checks.append(
            lambda access: access.shows_field("first_name") and access.shows_field("pnc_id")
        )
    if not checks:
        return people, {}
    candidates = [Offender(pk=pk) for pk in people.values_list("pk", flat=True)]
    access = record_access(user=user, offenders=candidates, on=on)
    allowed = [pk for pk, item in access.items() if all(check(item) for check in checks)]
    return people.filter(pk__in=allowed), access
