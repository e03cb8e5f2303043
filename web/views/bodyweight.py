"""Body weight: log a reading (one per day; the same day again replaces it), list, chart, delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.models import Koerpergewicht
from web.bodyweight import chart_spec
from web.pagination import BadPage, pager, paginate
from web.settings_forms import KoerpergewichtForm
from web.units import human_weight, user_unit
from web.views.common import bad_request

PER_PAGE = 50


@login_required
@require_http_methods(["GET", "POST"])
def bodyweight(request: HttpRequest) -> HttpResponse:
    unit = user_unit(request.user)
    readings = list(Koerpergewicht.objects.filter(user=request.user).order_by("-datum"))
    latest = readings[0].gewicht if readings else None
    form = KoerpergewichtForm(request.POST or None, unit=unit, known_kg=latest)
    if request.method == "POST" and form.is_valid():
        datum, kg = form.cleaned_data["datum"], form.cleaned_data["gewicht"]
        _reading, created = Koerpergewicht.objects.update_or_create(
            user=request.user, datum=datum, defaults={"gewicht": kg}
        )
        text = (
            _("%(weight)s %(unit)s am %(date)s gespeichert.")
            if created
            else _(
                "%(weight)s %(unit)s am %(date)s gespeichert (ersetzt den Eintrag dieses Tages)."
            )
        )
        params = {
            "weight": human_weight(kg, unit),
            "unit": unit,
            "date": date_format(datum, "SHORT_DATE_FORMAT"),
        }
        messages.success(request, text % params)
        return redirect("web:bodyweight")
    try:
        page = paginate(request, readings, PER_PAGE)
    except BadPage as exc:
        return bad_request(request, str(exc))
    context = {
        **pager(request, page),
        "form": form,
        "unit": unit,
        "n_readings": len(readings),
        "chart": chart_spec(readings, unit) if readings else None,
    }
    return render(request, "web/bodyweight.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def bodyweight_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks, POST deletes: the page works without JavaScript."""
    reading = get_object_or_404(Koerpergewicht, pk=pk, user=request.user)
    if request.method == "POST":
        reading.delete()
        messages.success(request, _("Eintrag gelöscht."))
        return redirect("web:bodyweight")
    unit = user_unit(request.user)
    return render(request, "web/bodyweight_delete.html", {"reading": reading, "unit": unit})
