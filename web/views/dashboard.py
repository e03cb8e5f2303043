"""The ML dashboard: the lifter's models (staff: everyone's) and staff's retrain button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.models import MLPredictionModel
from web.dashboard import build_dashboard, lifters_with_models
from web.units import user_unit
from workers.dispatch import BrokerUnavailable, queue_job
from workers.tasks import retrain_model


@login_required
@require_GET
def ml_dashboard(request: HttpRequest) -> HttpResponse:
    """Users see their own models; staff see everyone's, optionally filtered by lifter."""
    unit = user_unit(request.user)
    models = MLPredictionModel.objects.all()
    selected_user = None
    lifters = None
    if request.user.is_staff:
        lifters = list(lifters_with_models())
        raw = request.GET.get("user", "")
        # ASCII digits within the id range only: "²" or 2**70 must not reach the database.
        if raw.isascii() and raw.isdigit() and int(raw) < 2**63:
            selected_user = int(raw)
            models = models.filter(user_id=selected_user)
    else:
        models = models.filter(user=request.user)
    context = {
        "unit": unit,
        "lifters": lifters,
        "selected_user": selected_user,
        **build_dashboard(models, unit, with_user=request.user.is_staff),
    }
    return render(request, "web/ml_dashboard.html", context)


@login_required
@require_POST
def ml_retrain(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff only: queue a retraining of one model's (lifter, exercise) through Celery."""
    if not request.user.is_staff:
        raise PermissionDenied
    model = get_object_or_404(MLPredictionModel.objects.select_related("uebung", "user"), pk=pk)
    back = reverse("web:ml_dashboard")
    if request.POST.get("user", "").isdigit():
        back = f"{back}?user={request.POST['user']}"
    if model.uebung_id is None:
        messages.error(request, _("Die Übung dieses Modells gibt es nicht mehr."))
        return redirect(back)
    try:
        # force: staff asked for it, even when no new sets arrived since the last training.
        # queue_job fails fast on a hung broker and records a job the API can follow.
        queue_job(
            request.user,
            retrain_model,
            (model.user_id, model.uebung_id),
            model.user_id,
            model.uebung_id,
            force=True,
        )
    except BrokerUnavailable:  # logged where it happened (workers.dispatch)
        # Nothing was lost, the sets are stored: say so.
        messages.error(
            request,
            _("Neu-Training konnte nicht eingereiht werden (Warteschlange nicht erreichbar)."),
        )
    else:
        messages.success(
            request,
            _("Neu-Training für %(uebung)s (%(user)s) eingereiht.")
            % {"uebung": model.uebung, "user": model.user},
        )
    return redirect(back)
