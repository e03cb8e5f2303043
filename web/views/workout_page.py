"""The training view's page and its per-exercise partial, shared by workout and set views."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.models import Satz, Trainingseinheit, Uebung
from web import lifting, recommendations
from web.forms import AddExerciseForm, SatzForm
from web.plate_view import PlateView
from web.units import user_unit

PLAN_SESSION_KEY = "hg_plan"
PLAN_KEEP_WORKOUTS = 10


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


def plan(request: HttpRequest, einheit_id: int) -> list[int]:
    return list(request.session.get(PLAN_SESSION_KEY, {}).get(str(einheit_id), []))


def plan_add(request: HttpRequest, einheit_id: int, uebung_ids: list[int]) -> None:
    """Exercises added to a workout before their first set live in the session."""
    plans: dict[str, list[int]] = dict(request.session.get(PLAN_SESSION_KEY, {}))
    key = str(einheit_id)
    ids = plans.pop(key, [])
    ids.extend(i for i in uebung_ids if i not in ids)
    plans[key] = ids
    while len(plans) > PLAN_KEEP_WORKOUTS:
        plans.pop(next(iter(plans)))
    request.session[PLAN_SESSION_KEY] = plans


def _set_form(block: ExerciseBlock, unit: str) -> SatzForm:
    """The next-set form, prefilled with the last set: the usual next set is the same again."""
    last = block.saetze[-1] if block.saetze else None
    return SatzForm.for_satz(last, unit, bodyweight=block.bodyweight)


def _blocks(
    request: HttpRequest,
    einheit: Trainingseinheit,
    unit: str,
    only: Uebung | None = None,
    bound: tuple[Uebung, SatzForm] | None = None,
) -> list[ExerciseBlock]:
    """The workout's exercises in order with their sets, forms and recommendations.

    A fixed number of queries whatever the number of exercises: one for the sets (with their
    exercises), one for planned exercises without sets yet; recommendations come from Redis.
    """
    saetze = Satz.objects.filter(einheit=einheit).select_related("uebung")
    if only is not None:
        saetze = saetze.filter(uebung=only)
    blocks: OrderedDict[int, ExerciseBlock] = OrderedDict()
    order_ids = [only.pk] if only is not None else plan(request, einheit.pk)
    for satz in saetze.order_by("id"):
        blocks.setdefault(satz.uebung_id, ExerciseBlock(uebung=satz.uebung)).saetze.append(satz)
    if bound is not None and bound[0].pk not in order_ids:
        order_ids.append(bound[0].pk)
    missing = [pk for pk in order_ids if pk not in blocks]
    if only is not None and missing:
        blocks[only.pk] = ExerciseBlock(uebung=only)
    elif missing:
        for uebung in Uebung.objects.visible_to(request.user).filter(pk__in=missing):
            blocks[uebung.pk] = ExerciseBlock(uebung=uebung)
    order = {pk: i for i, pk in enumerate(order_ids)}
    ordered = sorted(blocks.values(), key=lambda b: order.get(b.uebung.pk, len(order)))
    recs = recommendations.recommendations_for(request.user.pk, [b.uebung for b in ordered], unit)
    for block in ordered:
        block.saetze.sort(key=lambda s: s.satz_nr)
        block.rec = recs.get(block.uebung.pk)
    lifting.decorate(request.user, einheit, ordered, unit)
    for block in ordered:
        if bound is not None and block.uebung.pk == bound[0].pk:
            block.form = bound[1]
        else:
            block.form = _set_form(block, unit)
    return ordered


def _exercise_choices(user, exclude: set[int]) -> list[Uebung]:
    """Exercises to add: catalogue and own ones not yet in this workout (one query)."""
    return [
        u
        for u in Uebung.objects.visible_to(user).only("id", "name").order_by("name")
        if u.pk not in exclude
    ]


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
        "exercise_choices": _exercise_choices(request.user, {b.uebung.pk for b in blocks}),
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
