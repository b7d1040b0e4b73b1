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


def record_access(*, user: User, offenders: list[Offender], on: date) -> dict:
    policy = import_string(settings.RECORD_ACCESS_POLICY)
    return policy(user=user, offenders=offenders, on=on)
