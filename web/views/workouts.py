"""Workouts: start one, show it, add an exercise to it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.models import Trainingseinheit, Uebung
from web.forms import AddExerciseForm, WorkoutStartForm
from web.views.common import own_workout
from web.views.workout_page import plan_add, render_workout


@login_required
@require_http_methods(["GET", "POST"])
def workout_start(request: HttpRequest) -> HttpResponse:
    form = WorkoutStartForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                einheit = Trainingseinheit.objects.create(
                    user=request.user,
                    datum=form.cleaned_data["datum"],
                    name=form.cleaned_data["name"],
                )
        except IntegrityError:
            form.add_error("datum", _("Zu diesem Zeitpunkt beginnt schon ein Training von dir."))
        else:
            plan_add(request, einheit.pk, [u.pk for u in form.cleaned_data["uebungen"]])
            return redirect(einheit)
    status = 400 if form.errors else 200
    return render(request, "web/workout_start.html", {"form": form}, status=status)


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
    plan_add(request, einheit.pk, [uebung.pk])
    return redirect(f"{einheit.get_absolute_url()}#ex-{uebung.pk}")
