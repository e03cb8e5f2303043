"""The start page: latest workouts and the coach's model count."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.models import MLPredictionModel, ModelStatus, Trainingseinheit

RECENT_WORKOUTS = 10


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    workouts = (
        Trainingseinheit.objects.filter(user=request.user)
        .annotate(n_saetze=Count("saetze"), n_uebungen=Count("saetze__uebung", distinct=True))
        .order_by("-datum")[:RECENT_WORKOUTS]
    )
    n_models = MLPredictionModel.objects.filter(
        user=request.user, status=ModelStatus.ACTIVE
    ).count()
    return render(request, "web/home.html", {"workouts": workouts, "n_models": n_models})
