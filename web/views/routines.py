"""Routines: list, create (empty or from a workout), edit, start and delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.models import Routine, RoutineExercise
from core.routines import plan_of_routine, plan_of_workout, save_routine
from web.catalogue import exercise_options
from web.views.common import own_workout
from web.views.workouts import start_now
from web.workout_forms import RoutineExerciseFormSet, RoutineForm, RoutineNameForm

ROUTINE_EXISTS = gettext_lazy("Du hast schon eine Routine mit diesem Namen.")


def _own_routine(request: HttpRequest, pk: int) -> Routine:
    return get_object_or_404(Routine, pk=pk, user=request.user)


@login_required
@require_GET
def routine_list(request: HttpRequest) -> HttpResponse:
    entries = RoutineExercise.objects.select_related("uebung").order_by("position", "id")
    routines = Routine.objects.filter(user=request.user).prefetch_related(
        Prefetch("exercises", queryset=entries)
    )
    return render(request, "web/routine_list.html", {"routines": routines})


@login_required
@require_http_methods(["GET", "POST"])
def routine_new(request: HttpRequest) -> HttpResponse:
    return _create(request, workout=None)


@login_required
@require_http_methods(["GET", "POST"])
def routine_from_workout(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a workout as a routine: its exercises in order, set counts, usual reps."""
    return _create(request, workout=own_workout(request, pk))


def _create(request: HttpRequest, workout) -> HttpResponse:
    initial = {"name": workout.name} if workout is not None else {}
    form = RoutineNameForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        plan = plan_of_workout(workout) if workout is not None else []
        try:
            routine = save_routine(request.user, form.cleaned_data["name"], plan)
        except IntegrityError:
            form.add_error("name", ROUTINE_EXISTS)
        else:
            messages.success(request, _("Routine „%(name)s“ gespeichert.") % {"name": routine})
            return redirect(routine)
    status = 400 if form.errors else 200
    context = {"form": form, "workout": workout}
    return render(request, "web/routine_new.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def routine(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a routine: name, notes, each exercise's place, sets and reps; add or drop one."""
    routine = _own_routine(request, pk)
    form = RoutineForm(request.POST or None, instance=routine)
    entries = routine.exercises.select_related("uebung").order_by("position", "id")
    formset = RoutineExerciseFormSet(request.POST or None, instance=routine, queryset=entries)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                form.save()
                formset.save()
                _append(routine, form.cleaned_data.get("neue_uebung"))
        except IntegrityError:
            form.add_error("name", ROUTINE_EXISTS)
        else:
            messages.success(request, _("Routine gespeichert."))
            return redirect(routine)
    status = 400 if form.errors or formset.total_error_count() else 200
    context = {
        "routine": routine,
        "form": form,
        "formset": formset,
        "exercise_choices": exercise_options(request.user),
    }
    return render(request, "web/routine.html", context, status=status)


def _append(routine: Routine, uebung) -> None:
    if uebung is None or routine.exercises.filter(uebung=uebung).exists():
        return
    last = routine.exercises.aggregate(m=Max("position"))["m"] or 0
    RoutineExercise.objects.create(routine=routine, uebung=uebung, position=last + 1)


@login_required
@require_POST
def routine_start(request: HttpRequest, pk: int) -> HttpResponse:
    routine = _own_routine(request, pk)
    return start_now(request, routine.name, plan_of_routine(routine))


@login_required
@require_http_methods(["GET", "POST"])
def routine_delete(request: HttpRequest, pk: int) -> HttpResponse:
    routine = _own_routine(request, pk)
    if request.method == "POST":
        routine.delete()
        messages.success(request, _("Routine gelöscht. Deine Trainings bleiben."))
        return redirect("web:routine_list")
    return render(request, "web/routine_delete.html", {"routine": routine})
