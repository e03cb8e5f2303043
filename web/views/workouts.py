"""Workouts: the list of all of them, start one (free, from a routine, like last time),
show, rename, finish and delete one, and arrange its exercises."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.models import Routine, Satz, Uebung, WorkoutExercise
from core.routines import plan_of_workout, repeat_candidates, start_workout
from core.workout_plan import PlannedExercise, add_exercises, move, remove
from ml_coach import prediction_cache
from web.catalogue import exercise_options
from web.pagination import BadPage, pager, paginate
from web.views.common import bad_request, own_workout
from web.views.workout_page import render_workout
from web.workout_forms import (
    DATUM_TAKEN,
    AddExerciseForm,
    ExerciseNotesForm,
    WorkoutEditForm,
    WorkoutStartForm,
)
from web.workout_list import WORKOUTS_PER_PAGE, months_of, workouts_of

FINISH_MAX = timedelta(hours=24)  # longer: a past workout; its duration is typed, not timed
MOVES = {"hoch": -1, "runter": 1}


@login_required
@require_GET
def workout_list(request: HttpRequest) -> HttpResponse:
    try:
        page = paginate(request, workouts_of(request.user), WORKOUTS_PER_PAGE)
    except BadPage as exc:
        return bad_request(request, str(exc))
    context = {"months": months_of(request.user, page), **pager(request, page)}
    return render(request, "web/workout_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def workout_start(request: HttpRequest) -> HttpResponse:
    form = WorkoutStartForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            einheit = start_workout(
                request.user, form.cleaned_data["datum"], form.workout_name(), form.plan()
            )
        except IntegrityError:
            form.add_error("datum", DATUM_TAKEN)
        else:
            return redirect(einheit)
    context = {
        "form": form,
        "routines": Routine.objects.filter(user=request.user).annotate(n=Count("exercises")),
        "repeat": repeat_candidates(request.user),
        "exercise_choices": exercise_options(request.user),
    }
    return render(request, "web/workout_start.html", context, status=400 if form.errors else 200)


def start_now(request: HttpRequest, name: str, plan: list[PlannedExercise]) -> HttpResponse:
    """A workout starting this moment with the plan's exercises, then its page."""
    try:
        einheit = start_workout(request.user, timezone.now(), name, plan)
    except IntegrityError:
        messages.error(request, DATUM_TAKEN)
        return redirect("web:workout_start")
    return redirect(einheit)


@login_required
@require_POST
def workout_repeat(request: HttpRequest, pk: int) -> HttpResponse:
    """Wie letztes Mal: a new workout with this one's exercises, set counts and reps."""
    einheit = own_workout(request, pk)
    return start_now(request, einheit.name, plan_of_workout(einheit))


@login_required
@require_GET
def workout(request: HttpRequest, pk: int) -> HttpResponse:
    einheit = own_workout(request, pk)
    return render_workout(request, einheit)


@login_required
@require_POST
def exercise_add(request: HttpRequest, pk: int) -> HttpResponse:
    einheit = own_workout(request, pk)
    form = AddExerciseForm(request.POST, user=request.user)
    if not form.is_valid():
        return render_workout(request, einheit, add_form=form, status=400)
    uebung = form.cleaned_data["uebung"]
    if uebung.pk is None:
        try:
            with transaction.atomic():
                uebung.save()
        except IntegrityError:
            uebung = Uebung.objects.visible_to(request.user).get(name=uebung.name)
    add_exercises(einheit, [PlannedExercise(uebung.pk)])
    return redirect(f"{einheit.get_absolute_url()}#ex-{uebung.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def workout_edit(request: HttpRequest, pk: int) -> HttpResponse:
    einheit = own_workout(request, pk)
    form = WorkoutEditForm(request.POST or None, instance=einheit)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except IntegrityError:
            form.add_error("datum", DATUM_TAKEN)
        else:
            _recommendations_changed(einheit)
            messages.success(request, _("Training gespeichert."))
            return redirect(einheit)
    status = 400 if form.errors else 200
    return render(
        request, "web/workout_edit.html", {"einheit": einheit, "form": form}, status=status
    )


def _recommendations_changed(einheit) -> None:
    """The coach reads a workout's name and date: its exercises' cached answers are stale."""
    uebung_ids = set(einheit.saetze.values_list("uebung_id", flat=True))
    uebung_ids |= set(
        WorkoutExercise.objects.filter(einheit=einheit).values_list("uebung_id", flat=True)
    )
    user_id = einheit.user_id
    transaction.on_commit(
        lambda: [prediction_cache.invalidate(user_id, uebung_id) for uebung_id in uebung_ids]
    )


@login_required
@require_POST
def workout_finish(request: HttpRequest, pk: int) -> HttpResponse:
    """The duration is the time from the start until now (a past workout: typed in)."""
    einheit = own_workout(request, pk)
    if einheit.duration is not None:
        messages.info(request, _("Dieses Training ist schon beendet."))
        return redirect(einheit)
    elapsed = timezone.now() - einheit.datum
    if not timedelta(0) < elapsed <= FINISH_MAX:
        messages.error(
            request,
            _("Das Training begann nicht in den letzten 24 Stunden: bitte die Dauer eintragen."),
        )
        return redirect("web:workout_edit", pk=einheit.pk)
    einheit.duration = timedelta(seconds=round(elapsed.total_seconds()))
    einheit.save(update_fields=["duration"])
    messages.success(request, _("Training beendet."))
    return redirect(einheit)


@login_required
@require_http_methods(["GET", "POST"])
def workout_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page (works without JavaScript) that says what goes, then the delete."""
    einheit = own_workout(request, pk)
    saetze = Satz.objects.filter(einheit=einheit)
    uebung_ids = sorted(
        set(saetze.values_list("uebung_id", flat=True))
        | set(WorkoutExercise.objects.filter(einheit=einheit).values_list("uebung_id", flat=True))
    )
    counts = {"n_saetze": saetze.count(), "n_uebungen": len(uebung_ids)}
    if request.method == "POST":
        user_id = request.user.pk
        with transaction.atomic():
            einheit.delete()
            transaction.on_commit(
                lambda: [prediction_cache.invalidate(user_id, pk) for pk in uebung_ids]
            )
        messages.success(
            request,
            _("Training gelöscht (%(n_saetze)s Sätze, %(n_uebungen)s Übungen).") % counts,
        )
        return redirect("web:workout_list")
    return render(request, "web/workout_delete.html", {"einheit": einheit, **counts})


def _own_entry_target(request: HttpRequest, pk: int, uebung_id: int):
    einheit = own_workout(request, pk)
    uebung = get_object_or_404(Uebung.objects.visible_to(request.user), pk=uebung_id)
    return einheit, uebung


def _back(einheit, uebung_id: int) -> HttpResponse:
    return redirect(f"{einheit.get_absolute_url()}#ex-{uebung_id}")


@login_required
@require_POST
def exercise_notes(request: HttpRequest, pk: int, uebung_id: int) -> HttpResponse:
    einheit, uebung = _own_entry_target(request, pk, uebung_id)
    form = ExerciseNotesForm(request.POST)
    if not form.is_valid():
        return bad_request(request, " ".join(form.errors["notes"]))
    add_exercises(einheit, [PlannedExercise(uebung.pk)])
    WorkoutExercise.objects.filter(einheit=einheit, uebung=uebung).update(
        notes=form.cleaned_data["notes"]
    )
    messages.success(request, _("Notiz gespeichert."))
    return _back(einheit, uebung.pk)


@login_required
@require_POST
def exercise_move(request: HttpRequest, pk: int, uebung_id: int) -> HttpResponse:
    einheit, uebung = _own_entry_target(request, pk, uebung_id)
    step = MOVES.get(request.POST.get("richtung", ""))
    if step is None:
        return bad_request(request, _("Richtung muss „hoch“ oder „runter“ sein."))
    move(einheit, uebung.pk, step)
    return _back(einheit, uebung.pk)


@login_required
@require_POST
def exercise_remove(request: HttpRequest, pk: int, uebung_id: int) -> HttpResponse:
    einheit, uebung = _own_entry_target(request, pk, uebung_id)
    if remove(einheit, uebung.pk):
        messages.success(request, _("%(name)s aus dem Training genommen.") % {"name": uebung})
    else:
        messages.error(
            request, _("Übungen mit Sätzen bleiben im Training: erst die Sätze löschen.")
        )
    return redirect(f"{reverse('web:workout', args=[einheit.pk])}#add-exercise")
