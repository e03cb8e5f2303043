"""The plate calculator for any weight: a page (works without JavaScript) and an htmx line."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from web.lifting import profile_of
from web.plate_view import plate_set, plates_for
from web.settings_forms import PlateQueryForm
from web.units import human, user_unit
from web.views.common import is_htmx


@login_required
@require_GET
def plates(request: HttpRequest) -> HttpResponse:
    """``?gewicht=62,5`` in the lifter's unit. htmx gets the result line (422 on bad input)."""
    unit = user_unit(request.user)
    profile = profile_of(request.user)
    form = PlateQueryForm(request.GET if "gewicht" in request.GET else None)
    result = None
    label = ""
    if form.is_bound and form.is_valid():
        weight = form.cleaned_data["gewicht"]
        result = plates_for(weight, unit, profile)
        label = _("Scheiben für %(weight)s %(unit)s:") % {"weight": human(weight), "unit": unit}
    bad = form.is_bound and not form.is_valid()
    context = {"form": form, "plates": result, "label": label, "unit": unit}
    if is_htmx(request):
        return render(request, "web/_plates_result.html", context, status=422 if bad else 200)
    plate_unit, bar, owned = plate_set(profile)
    context.update({"plate_unit": plate_unit, "bar": bar, "owned": owned})
    return render(request, "web/plates.html", context, status=400 if bad else 200)
