"""Small helpers every page area uses."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from core.models import Trainingseinheit


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def own_workout(request: HttpRequest, pk: int) -> Trainingseinheit:
    """The requester's workout ``pk``; anyone else's answers 404."""
    return get_object_or_404(Trainingseinheit, pk=pk, user=request.user)


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """400 with a German sentence saying what was wrong (never a bare error page)."""
    return render(request, "web/bad_request.html", {"message": message}, status=400)
