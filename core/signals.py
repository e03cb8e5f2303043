"""Signals the training log sends, and the profile every user gets.

``sets_imported`` lets higher layers (the workers) react to bulk imports, which bypass
``post_save``: one message per import instead of one per set. ``training_requested`` lets a
command of ``core`` have a user's models trained right away without importing the coach or
the workers (``core`` is the bottom layer): whoever can train connects to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from core.models import UserProfile

# Sent after a bulk import has committed. kwargs: user_id (int), uebung_ids (list[int]),
# caller_trains (bool): True when the importer has the models trained itself (a command
# training synchronously, the import page queueing one task), so nobody else should queue.
sets_imported = Signal()

# Sent by commands that want a user's models trained now, in this process. kwargs: user_id
# (int), uebung_ids (list[int] | None: None = every exercise of the user), force (bool),
# progress (callable taking one line of text, or None). A receiver returns a summary dict.
training_requested = Signal()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="core_create_profile")
def create_profile(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        UserProfile.objects.get_or_create(user=instance)


def request_training(
    user_id: int,
    uebung_ids: Iterable[int] | None = None,
    *,
    force: bool = False,
    progress: Callable[[str], object] | None = None,
) -> list[dict]:
    """Ask the connected trainers to train now; their summaries (empty list: nobody listens).

    A receiver that raises is reported through ``progress`` instead of failing the caller:
    the import before it has committed, and the nightly run catches up on any training.
    """
    ids = None if uebung_ids is None else sorted(set(uebung_ids))
    summaries: list[dict] = []
    responses = training_requested.send_robust(
        sender=None, user_id=user_id, uebung_ids=ids, force=force, progress=progress
    )
    for _receiver, response in responses:
        if isinstance(response, Exception):
            if progress is not None:
                progress(f"Training fehlgeschlagen: {response.__class__.__name__}: {response}")
        elif isinstance(response, dict):
            summaries.append(response)
    return summaries
