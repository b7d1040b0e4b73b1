"""Keeps derived state in step: agency groups when memberships change outside ppo.services
(the admin's inline editing saves and deletes Membership rows directly), and the session's
start when someone signs in."""

import time

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ppo.middleware import SESSION_SEEN, SESSION_STARTED
from ppo.models import Membership
from ppo.services import staff_groups_sync


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender, instance: Membership, **kwargs) -> None:
    staff_groups_sync(user=instance.user)


@receiver(user_logged_in)
def session_started(sender, request, user, **kwargs) -> None:
    """The absolute session limit counts from sign-in (ppo.middleware)."""
    request.session[SESSION_STARTED] = time.time()
    request.session[SESSION_SEEN] = time.time()
