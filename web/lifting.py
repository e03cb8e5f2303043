"""What the training view shows while lifting, beyond sets and the coach's recommendation:
weights at display precision, record badges, the rest time after a set and the plates.

``decorate`` is called once per render with all of the view's exercise blocks, so the extras
cost a fixed number of queries (one for the records) whatever the number of exercises.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.models import Trainingseinheit, Uebung, UserProfile
from web import personal_records
from web.plate_view import plates_for
from web.units import shown_weight


def is_bodyweight(uebung: Uebung) -> bool:
    """Bodyweight exercises log added weight (0 = none): shown as reps and "+X kg"."""
    return uebung.is_bodyweight or uebung.equipment == Uebung.Equipment.BODYWEIGHT


def rest_seconds(uebung: Uebung, profile: UserProfile) -> int:
    """Heavy barbell sets need longer rests than isolation or machine work."""
    if uebung.equipment == Uebung.Equipment.BARBELL:
        return profile.rest_seconds_barbell
    return profile.rest_seconds_other


def profile_of(user) -> UserProfile:
    try:
        return user.profile
    except UserProfile.DoesNotExist:
        return UserProfile.objects.get_or_create(user=user)[0]


def decorate(user, einheit: Trainingseinheit, blocks: Sequence, unit: str) -> None:
    """Adds to each block and set what the templates show; ``blocks`` are ExerciseBlocks."""
    profile = profile_of(user)
    bests = personal_records.earlier_bests(user, einheit, [b.uebung.pk for b in blocks])
    for block in blocks:
        uebung = block.uebung
        block.bodyweight = is_bodyweight(uebung)
        block.rest_seconds = rest_seconds(uebung, profile)
        marked = personal_records.mark_records(
            bests.get(uebung.pk, personal_records.Bests()), block.saetze
        )
        for satz in block.saetze:
            satz.gewicht_display = shown_weight(satz.gewicht, unit)
            satz.records = marked.get(satz.pk, [])
        block.plate_calc = uebung.equipment == Uebung.Equipment.BARBELL
        block.plates = None
        if block.plate_calc and block.rec and block.rec.has_value:
            block.plates = plates_for(block.rec.weight, unit, profile)
