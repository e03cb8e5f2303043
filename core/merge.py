"""Merge one exercise into another for one lifter: sets, plans, routines and names move.

Used when an import created "Bench Press" beside the catalogue's "Bankdrücken (Langhantel)",
or a lifter logged one exercise under two names. Only the lifter's own data moves; a catalogue
exercise stays for everyone else, a lifter's own source exercise is deleted afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from core.models import RoutineExercise, Satz, Uebung, UebungAlias, WorkoutExercise
from core.names import fold_name
from core.signals import sets_imported


class MergeError(ValueError):
    """The merge cannot be done (same exercise, not the lifter's); the message is German."""


@dataclass
class MergeResult:
    sets_moved: int = 0
    sets_renumbered: int = 0
    workouts: int = 0
    source_deleted: bool = False


def _check(user, source: Uebung, target: Uebung) -> None:
    if source.pk == target.pk:
        raise MergeError("Eine Übung kann nicht mit sich selbst zusammengeführt werden.")
    for uebung in (source, target):
        if uebung.owner_id not in (None, user.pk):
            raise MergeError("Diese Übung gehört einem anderen Benutzer.")


def merge_exercises(user, source: Uebung, target: Uebung) -> MergeResult:
    """Move ``user``'s sets of ``source`` onto ``target`` in one transaction.

    Within a workout that has sets of both, the moved sets follow the target's sets (their
    ``satz_nr`` is renumbered so the unique position holds). After commit the target's
    retrain is requested through ``core.signals.sets_imported``, the debounced path.
    """
    _check(user, source, target)
    result = MergeResult()
    with transaction.atomic():
        _move_sets(user, source, target, result)
        _move_workout_entries(user, source, target)
        _move_routine_entries(user, source, target)
        _move_names(user, source, target)
        if source.owner_id == user.pk:
            source.delete()
            result.source_deleted = True
        if result.sets_moved:
            payload = {"user_id": user.pk, "uebung_ids": [target.pk]}
            transaction.on_commit(lambda: sets_imported.send(sender=Satz, **payload))
    return result


def _move_sets(user, source: Uebung, target: Uebung, result: MergeResult) -> None:
    moving = list(
        Satz.objects.select_for_update()
        .filter(einheit__user=user, uebung=source)
        .order_by("einheit_id", "satz_nr", "id")
    )
    if not moving:
        return
    workouts = {s.einheit_id for s in moving}
    after = dict(
        Satz.objects.filter(einheit_id__in=workouts, uebung=target)
        .values("einheit_id")
        .annotate(m=Max("satz_nr"))
        .values_list("einheit_id", "m")
    )
    for satz in moving:
        satz.uebung = target
        if satz.einheit_id in after:
            after[satz.einheit_id] += 1
            satz.satz_nr = after[satz.einheit_id]
            result.sets_renumbered += 1
    Satz.objects.bulk_update(moving, ["uebung", "satz_nr"], batch_size=500)
    result.sets_moved = len(moving)
    result.workouts = len(workouts)


def _move_workout_entries(user, source: Uebung, target: Uebung) -> None:
    entries = WorkoutExercise.objects.filter(einheit__user=user, uebung=source)
    both = dict(
        WorkoutExercise.objects.filter(
            einheit__user=user, uebung=target, einheit__in=entries.values("einheit")
        ).values_list("einheit_id", "pk")
    )
    for entry in entries:
        kept_pk = both.get(entry.einheit_id)
        if kept_pk is None:
            entry.uebung = target
            entry.save(update_fields=["uebung"])
            continue
        kept = WorkoutExercise.objects.get(pk=kept_pk)
        kept.planned_sets = max(kept.planned_sets, entry.planned_sets)
        kept.target_reps = kept.target_reps or entry.target_reps
        kept.notes = "\n".join(n for n in (kept.notes, entry.notes) if n)
        kept.save(update_fields=["planned_sets", "target_reps", "notes"])
        entry.delete()


def _move_routine_entries(user, source: Uebung, target: Uebung) -> None:
    entries = RoutineExercise.objects.filter(routine__user=user, uebung=source)
    has_target = set(
        RoutineExercise.objects.filter(routine__user=user, uebung=target).values_list(
            "routine_id", flat=True
        )
    )
    entries.filter(routine_id__in=has_target).delete()
    entries.update(uebung=target)


def _move_names(user, source: Uebung, target: Uebung) -> None:
    """The source's name (and the aliases it had for this lifter) now mean the target."""
    names = [source.name]
    own = UebungAlias.objects.filter(owner=user, uebung=source)
    if source.owner_id is None:
        names += list(
            UebungAlias.objects.filter(owner__isnull=True, uebung=source).values_list(
                "name", flat=True
            )
        )
    names += list(own.values_list("name", flat=True))
    own.delete()
    target_key = fold_name(target.name)
    for name in names:
        key = fold_name(name)
        if key and key != target_key:
            UebungAlias.objects.update_or_create(
                owner=user, key=key, defaults={"uebung": target, "name": name[:200]}
            )
