"""The training view's page and its per-exercise partial, shared by workout and set views.

The exercises' order, the ones planned without sets yet, and their notes come from
``WorkoutExercise`` rows in the database: the same on every device and after every login.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.models import Satz, Trainingseinheit, Uebung, WorkoutExercise
from core.workout_plan import ordered_uebung_ids
from web import lifting, recommendations
from web.catalogue import exercise_options
from web.forms import SatzForm
from web.planning import planned_set_values
from web.plate_view import PlateView
from web.previous import PreviousSet, PreviousSets, previous_sets
from web.units import user_unit
from web.workout_forms import AddExerciseForm, ExerciseNotesForm


@dataclass
class PlannedSet:
    """A set the plan still expects, with the values it is pre-filled with."""

    satz_nr: int
    values: dict
    previous: PreviousSet | None = None


@dataclass
class ExerciseBlock:
    """Everything the training view shows for one exercise of the workout."""

    uebung: Uebung
    saetze: list[Satz] = field(default_factory=list)
    form: SatzForm | None = None
    rec: recommendations.RecommendationView | None = None
    # Filled by ``web.lifting.decorate``: rest timer, plate calculator, bodyweight display.
    rest_seconds: int = 0
    plates: PlateView | None = None
    bodyweight: bool = False
    plate_calc: bool = False
    entry: WorkoutExercise | None = None
    planned: list[PlannedSet] = field(default_factory=list)
    position: int = 0
    is_last: bool = False
    # Strong's "previous" for the set the empty form row will log.
    next_previous: PreviousSet | None = None

    @property
    def notes_form(self) -> ExerciseNotesForm:
        return ExerciseNotesForm(initial={"notes": self.entry.notes if self.entry else ""})


def _plan_rest(block: ExerciseBlock) -> None:
    """The planned sets not logged yet (warm-ups do not count), pre-filled; the form takes
    the next one's values."""
    if block.entry is None or not block.entry.planned_sets:
        return
    work = sum(1 for s in block.saetze if s.set_type != Satz.SetType.WARMUP)
    next_nr = max((s.satz_nr for s in block.saetze), default=0) + 1
    for i in range(max(block.entry.planned_sets - work, 0)):
        values = planned_set_values(block.rec, block.entry.target_reps)
        block.planned.append(PlannedSet(next_nr + i, values))


def _blocks(
    request: HttpRequest,
    einheit: Trainingseinheit,
    unit: str,
    only: Uebung | None = None,
    bound: tuple[Uebung, SatzForm] | None = None,
) -> list[ExerciseBlock]:
    """The workout's exercises in order with their sets, plans, forms and recommendations.

    A fixed number of queries whatever the number of exercises: the plan rows, the sets (each
    with its exercise), and the exercise only just picked; recommendations come from Redis.
    """
    entries_qs = WorkoutExercise.objects.filter(einheit=einheit).select_related("uebung")
    saetze_qs = Satz.objects.filter(einheit=einheit).select_related("uebung")
    entries = list(entries_qs)
    saetze = list(saetze_qs.order_by("id"))
    order = ordered_uebung_ids(entries, saetze)
    blocks = {e.uebung_id: ExerciseBlock(uebung=e.uebung, entry=e) for e in entries}
    for satz in saetze:
        blocks.setdefault(satz.uebung_id, ExerciseBlock(uebung=satz.uebung)).saetze.append(satz)
    if bound is not None and bound[0].pk not in blocks:
        blocks[bound[0].pk] = ExerciseBlock(uebung=bound[0])
        order.append(bound[0].pk)
    ordered = [blocks[pk] for pk in order]
    for position, block in enumerate(ordered, start=1):
        block.position = position
        block.is_last = position == len(ordered)
    if only is not None:
        ordered = [b for b in ordered if b.uebung.pk == only.pk] or [ExerciseBlock(uebung=only)]
    recs = recommendations.recommendations_for(
        request.user.pk, [b.uebung for b in ordered], unit, einheit.pk
    )
    for block in ordered:
        block.saetze.sort(key=lambda s: s.satz_nr)
        block.rec = recs.get(block.uebung.pk)
        _plan_rest(block)
    lifting.decorate(request.user, einheit, ordered, unit)
    for block in ordered:
        if bound is not None and block.uebung.pk == bound[0].pk:
            block.form = bound[1]
        elif block.planned:
            block.form = SatzForm(
                initial=block.planned[0].values, unit=unit, bodyweight=block.bodyweight
            )
        else:
            # Prefilled with the last set: the usual next set is the same again.
            last = block.saetze[-1] if block.saetze else None
            block.form = SatzForm.for_satz(last, unit, bodyweight=block.bodyweight)
    _show_previous(einheit, ordered, unit)
    return ordered


def _show_previous(einheit: Trainingseinheit, blocks: list[ExerciseBlock], unit: str) -> None:
    """Last time's value per set row, planned set and the next set's form (one query).

    Working sets are numbered without warm-ups; a warm-up is matched by its own order.
    """
    last_time = previous_sets(
        einheit,
        [b.uebung.pk for b in blocks],
        unit,
        bodyweight_ids=[b.uebung.pk for b in blocks if b.bodyweight],
    )
    for block in blocks:
        sets = last_time.get(block.uebung.pk, PreviousSets())
        counts = {True: 0, False: 0}
        for satz in block.saetze:
            warmup = satz.set_type == Satz.SetType.WARMUP
            counts[warmup] += 1
            satz.previous = sets.get(counts[warmup], warmup=warmup)
        for i, planned in enumerate(block.planned, start=1):
            planned.previous = sets.get(counts[False] + i)
        warmup = block.form is not None and block.form["set_type"].value() == Satz.SetType.WARMUP
        block.next_previous = sets.get(counts[warmup] + 1, warmup=warmup)


def render_workout(
    request: HttpRequest,
    einheit: Trainingseinheit,
    *,
    bound: tuple[Uebung, SatzForm] | None = None,
    add_form: AddExerciseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    unit = user_unit(request.user)
    blocks = _blocks(request, einheit, unit, bound=bound)
    context = {
        "einheit": einheit,
        "blocks": blocks,
        "einheit_n_saetze": sum(len(b.saetze) for b in blocks),
        "unit": unit,
        "set_types": Satz.SetType.choices,
        "add_form": add_form or AddExerciseForm(user=request.user),
        "exercise_choices": exercise_options(request.user),
    }
    return render(request, "web/workout.html", context, status=status)


def render_block(
    request: HttpRequest,
    einheit: Trainingseinheit,
    uebung: Uebung,
    *,
    bound_form: SatzForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """One exercise's block (htmx partial) plus the workout summary out of band."""
    unit = user_unit(request.user)
    bound = (uebung, bound_form) if bound_form is not None else None
    blocks = _blocks(request, einheit, unit, only=uebung, bound=bound)
    n_saetze = Satz.objects.filter(einheit=einheit).count()
    context = {
        "einheit": einheit,
        "block": blocks[0],
        "unit": unit,
        "oob_summary": True,
        "n_saetze": n_saetze,
        "set_types": Satz.SetType.choices,
        # Keyboard flow: after a swap the cursor is back in the weight field of this exercise.
        "focus": True,
    }
    return render(request, "web/_exercise_block.html", context, status=status)
