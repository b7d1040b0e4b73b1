"""Keeps derived state in step when memberships change outside ppo.services (the admin's
inline editing saves and deletes Membership rows directly)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ppo.models import Membership
from ppo.services import staff_groups_sync


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender, instance: Membership, **kwargs) -> None:
    staff_groups_sync(user=instance.user)
