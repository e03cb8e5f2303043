"""Sets: log one (htmx partial or plain post), edit one, delete one (confirmed)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.models import Satz, Uebung
from core.plausibility import logged_best
from core.workout_plan import ensure_in_workout
from ml_coach import prediction_cache
from web.forms import SatzForm
from web.lifting import is_bodyweight
from web.units import user_unit
from web.views.common import is_htmx, own_workout
from web.views.workout_page import render_block, render_workout


def _after_set_change(user_id: int, uebung_id: int) -> None:
    transaction.on_commit(lambda: prediction_cache.invalidate(user_id, uebung_id))


@login_required
@require_POST
def set_add(request: HttpRequest, pk: int, uebung_id: int) -> HttpResponse:
    einheit = own_workout(request, pk)
    uebung = get_object_or_404(Uebung.objects.visible_to(request.user), pk=uebung_id)
    unit = user_unit(request.user)
    last = Satz.objects.filter(einheit=einheit, uebung=uebung).order_by("-satz_nr").first()
    form = SatzForm(
        request.POST,
        unit=unit,
        known_kg=last.gewicht if last else None,
        bodyweight=is_bodyweight(uebung),
        best_kg=logged_best(request.user.pk, uebung.pk),
    )
    if not form.is_valid():
        if is_htmx(request):
            return render_block(request, einheit, uebung, bound_form=form, status=422)
        return render_workout(request, einheit, bound=(uebung, form), status=400)
    data = form.cleaned_data
    for _attempt in range(3):
        try:
            with transaction.atomic():
                Satz.objects.create(  # numbered as the next set of this exercise
                    einheit=einheit,
                    uebung=uebung,
                    gewicht=data["gewicht"],
                    wiederholungen=data["wiederholungen"],
                    rpe=data["rpe"],
                    set_type=data["set_type"],
                )
                ensure_in_workout(einheit, uebung.pk)
                _after_set_change(request.user.pk, uebung.pk)
            break
        except IntegrityError:
            # Two quick taps raced for the same satz_nr: take the next free one.
            continue
    else:
        form.add_error(None, _("Der Satz konnte nicht gespeichert werden. Bitte erneut senden."))
        if is_htmx(request):
            return render_block(request, einheit, uebung, bound_form=form, status=409)
        return render_workout(request, einheit, bound=(uebung, form), status=409)
    if is_htmx(request):
        return render_block(request, einheit, uebung)
    return redirect(f"{einheit.get_absolute_url()}#ex-{uebung.pk}")


def _own_satz(request: HttpRequest, pk: int) -> Satz:
    return get_object_or_404(
        Satz.objects.select_related("einheit", "uebung"), pk=pk, einheit__user=request.user
    )


@login_required
@require_http_methods(["GET", "POST"])
def set_edit(request: HttpRequest, pk: int) -> HttpResponse:
    satz = _own_satz(request, pk)
    unit = user_unit(request.user)
    bodyweight = is_bodyweight(satz.uebung)
    if request.method == "POST":
        form = SatzForm(
            request.POST,
            unit=unit,
            known_kg=satz.gewicht,
            bodyweight=bodyweight,
            best_kg=logged_best(request.user.pk, satz.uebung_id, exclude_satz_id=satz.pk),
            accepted_kg=satz.gewicht,
        )
        if form.is_valid():
            for name in ("gewicht", "wiederholungen", "rpe", "set_type"):
                setattr(satz, name, form.cleaned_data[name])
            with transaction.atomic():
                satz.save(update_fields=["gewicht", "wiederholungen", "rpe", "set_type"])
                _after_set_change(request.user.pk, satz.uebung_id)
            messages.success(request, _("Satz gespeichert."))
            return redirect(f"{satz.einheit.get_absolute_url()}#ex-{satz.uebung_id}")
    else:
        form = SatzForm.for_satz(satz, unit, bodyweight=bodyweight)
    status = 400 if form.errors else 200
    return render(
        request, "web/set_edit.html", {"satz": satz, "form": form, "unit": unit}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def set_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks (the no-JavaScript path); POST deletes (htmx confirms in the browser first)."""
    satz = _own_satz(request, pk)
    if request.method == "GET":
        unit = user_unit(request.user)
        context = {
            "satz": satz,
            "unit": unit,
            "bodyweight": is_bodyweight(satz.uebung),
            "cancel_url": f"{satz.einheit.get_absolute_url()}#ex-{satz.uebung_id}",
        }
        return render(request, "web/set_delete.html", context)
    einheit, uebung = satz.einheit, satz.uebung
    with transaction.atomic():
        satz.delete()
        _after_set_change(request.user.pk, uebung.pk)
    if is_htmx(request):
        return render_block(request, einheit, uebung)
    messages.success(request, _("Satz gelöscht."))
    return redirect(f"{einheit.get_absolute_url()}#ex-{uebung.pk}")
