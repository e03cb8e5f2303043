"""Signals the training log sends, and the profile every user gets.

``sets_imported`` lets higher layers (the workers) react to bulk imports, which bypass
``post_save``: one message per import instead of one per set.
"""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from core.models import UserProfile

# Sent after a bulk import has committed. kwargs: user_id (int), uebung_ids (list[int]).
sets_imported = Signal()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="core_create_profile")
def create_profile(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        UserProfile.objects.get_or_create(user=instance)
