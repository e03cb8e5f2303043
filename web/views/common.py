"""Small helpers every page area uses."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from core.models import Trainingseinheit


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def own_workout(request: HttpRequest, pk: int) -> Trainingseinheit:
    """The requester's workout ``pk``; anyone else's answers 404."""
    return get_object_or_404(Trainingseinheit, pk=pk, user=request.user)
