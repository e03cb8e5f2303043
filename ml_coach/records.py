"""Plain set records: the only input the coach learns from, with or without a database.

The trainer and predictor build them from ``core.models.Satz`` rows; the backtest builds them
from parsed export files. Everything downstream (sessions, features, models) sees only these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

WARMUP = "warmup"


@dataclass(frozen=True, slots=True)
class SetRecord:
    """One logged set of one lifter for one exercise; weights in kg."""

    performed_at: datetime  # start of the workout the set belongs to
    weight_kg: float  # 0.0 when no load was logged
    reps: int | None
    rpe: float | None
    set_type: str  # "normal" | "warmup" | "dropset" | "failure" | "" (unknown)
    session_key: str  # identifies the workout; sets sharing it form one session
    set_order: int = 1
    set_id: int | None = None  # database id when there is one
    workout_name: str = ""  # the workout's name ("Push", "Beine schwer"): known before set 1

    @property
    def is_warmup(self) -> bool:
        return self.set_type == WARMUP


def sort_records(records: Iterable[SetRecord]) -> list[SetRecord]:
    """Time order, then position inside the workout: what every consumer expects."""
    return sorted(records, key=lambda r: (r.performed_at, r.session_key, r.set_order))


def working_sets(records: Iterable[SetRecord]) -> list[SetRecord]:
    return [r for r in records if not r.is_warmup]


def records_from_parsed(parsed_sets: Iterable) -> dict[str, list[SetRecord]]:
    """Group parsed file rows (``core.importers.records.ParsedSet``) by exercise name."""
    by_exercise: dict[str, list[SetRecord]] = {}
    for s in parsed_sets:
        rec = SetRecord(
            performed_at=s.started_at,
            weight_kg=float(s.weight_kg or 0.0),
            reps=s.reps,
            rpe=s.rpe,
            set_type=s.set_type or "",
            session_key=s.started_at.isoformat(),
            set_order=s.set_order,
            workout_name=s.workout_name or "",
        )
        by_exercise.setdefault(s.exercise, []).append(rec)
    return {name: sort_records(recs) for name, recs in by_exercise.items()}


# The columns of a ``Satz`` a SetRecord is made from, in ``record_from_row``'s order.
SET_COLUMNS = (
    "id",
    "einheit_id",
    "einheit__datum",
    "gewicht",
    "wiederholungen",
    "rpe",
    "set_type",
    "satz_nr",
    "einheit__name",
)


def record_from_row(
    pk, einheit_id, datum, gewicht, reps, rpe, set_type, satz_nr, workout_name=""
) -> SetRecord:
    """One ``values_list(*SET_COLUMNS)`` row as a plain record."""
    return SetRecord(
        performed_at=datum,
        weight_kg=float(gewicht or 0),
        reps=reps,
        rpe=float(rpe) if rpe is not None else None,
        set_type=set_type or "",
        session_key=str(einheit_id),
        set_order=satz_nr,
        set_id=pk,
        workout_name=workout_name or "",
    )


def records_for(user_id: int, uebung_id: int, **filters) -> list[SetRecord]:
    """A user's sets of one exercise from the database, time-ordered (one query); ``filters``
    narrow it further (e.g. ``einheit_id=...``)."""
    from core.models import Satz

    rows = (
        Satz.objects.filter(einheit__user_id=user_id, uebung_id=uebung_id, **filters)
        .order_by("einheit__datum", "einheit_id", "satz_nr", "id")
        .values_list(*SET_COLUMNS)
    )
    return [record_from_row(*row) for row in rows]


def sets_state(sets) -> tuple:
    """What changes when a set in ``sets`` (a ``Satz`` queryset) is added, deleted or edited:
    count, newest id, the sums of weight, reps and RPE and the number of warm-ups (one
    aggregate query)."""
    from django.db.models import Count, Max, Q, Sum

    from core.models import Satz

    state = sets.aggregate(
        n=Count("id"),
        last=Max("id"),
        kg=Sum("gewicht"),
        reps=Sum("wiederholungen"),
        rpe=Sum("rpe"),
        warmups=Count("id", filter=Q(set_type=Satz.SetType.WARMUP)),
    )
    return tuple(state[k] for k in ("n", "last", "kg", "reps", "rpe", "warmups"))


def history_state(user_id: int, uebung_id: int, before, einheit_id: int) -> tuple:
    """What identifies a workout's past: ``sets_state`` of the exercise's sets in other
    workouts up to ``before``."""
    from core.models import Satz

    return sets_state(
        Satz.objects.filter(
            einheit__user_id=user_id, uebung_id=uebung_id, einheit__datum__lte=before
        ).exclude(einheit_id=einheit_id)
    )
