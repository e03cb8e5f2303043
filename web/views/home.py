"""The start page: latest workouts and the coach's model count."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.models import MLPredictionModel, ModelStatus, Trainingseinheit
from web.workout_list import workouts_of

RECENT_WORKOUTS = 10


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    workouts = workouts_of(request.user)[:RECENT_WORKOUTS]
    n_models = MLPredictionModel.objects.filter(
        user=request.user, status=ModelStatus.ACTIVE
    ).count()
    context = {
        "workouts": workouts,
        "n_workouts": Trainingseinheit.objects.filter(user=request.user).count(),
        "n_models": n_models,
    }
    return render(request, "web/home.html", context)
