"""Exercises: one exercise's history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from core.models import Uebung
from web.history import exercise_history_data
from web.units import user_unit


@login_required
@require_GET
def exercise_history(request: HttpRequest, pk: int) -> HttpResponse:
    uebung = get_object_or_404(Uebung.objects.visible_to(request.user), pk=pk)
    unit = user_unit(request.user)
    data = exercise_history_data(request.user, uebung, unit)
    return render(request, "web/exercise_history.html", {"uebung": uebung, "unit": unit, **data})
