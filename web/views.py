"""Thin page views: they read the requester's own data and render templates.

Every queryset is filtered by ``request.user``; another lifter's ids answer 404. Views that
take a set respond to htmx with the exercise's block (partial) and to a plain form post with a
redirect, so the training view works without JavaScript too.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.models import (
    MLPredictionModel,
    ModelStatus,
    Satz,
    Trainingseinheit,
    Uebung,
    UserProfile,
)
from ml_coach import prediction_cache
from web import recommendations
from web.dashboard import build_dashboard, lifters_with_models
from web.forms import (
    AddExerciseForm,
    DisplayUnitForm,
    ImportForm,
    SatzForm,
    WorkoutStartForm,
)
from web.history import exercise_history_data
from web.importing import run_import
from web.units import from_kg, user_unit
from workers.dispatch import BrokerUnavailable, queue_job
from workers.tasks import retrain_model

logger = logging.getLogger(__name__)

PLAN_SESSION_KEY = "hg_plan"
PLAN_KEEP_WORKOUTS = 10
RECENT_WORKOUTS = 10


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- start page and workouts -----------------------------------------------------------------


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
            _plan_add(request, einheit.pk, [u.pk for u in form.cleaned_data["uebungen"]])
            return redirect(einheit)
    status = 400 if form.errors else 200
    return render(request, "web/workout_start.html", {"form": form}, status=status)


# --- the training view -----------------------------------------------------------------------


@dataclass
class ExerciseBlock:
    """Everything the training view shows for one exercise of the workout."""

    uebung: Uebung
    saetze: list[Satz] = field(default_factory=list)
    form: SatzForm | None = None
    rec: recommendations.RecommendationView | None = None


def _plan(request: HttpRequest, einheit_id: int) -> list[int]:
    return list(request.session.get(PLAN_SESSION_KEY, {}).get(str(einheit_id), []))


def _plan_add(request: HttpRequest, einheit_id: int, uebung_ids: list[int]) -> None:
    """Exercises added to a workout before their first set live in the session."""
    plans: dict[str, list[int]] = dict(request.session.get(PLAN_SESSION_KEY, {}))
    key = str(einheit_id)
    ids = plans.pop(key, [])
    ids.extend(i for i in uebung_ids if i not in ids)
    plans[key] = ids
    while len(plans) > PLAN_KEEP_WORKOUTS:
        plans.pop(next(iter(plans)))
    request.session[PLAN_SESSION_KEY] = plans


def _blocks(
    request: HttpRequest,
    einheit: Trainingseinheit,
    unit: str,
    only: Uebung | None = None,
    bound: tuple[Uebung, SatzForm] | None = None,
) -> list[ExerciseBlock]:
    """The workout's exercises in order with their sets, forms and recommendations.

    A fixed number of queries whatever the number of exercises: one for the sets (with their
    exercises), one for planned exercises without sets yet; recommendations come from Redis.
    """
    saetze = Satz.objects.filter(einheit=einheit).select_related("uebung")
    if only is not None:
        saetze = saetze.filter(uebung=only)
    blocks: OrderedDict[int, ExerciseBlock] = OrderedDict()
    plan = [only.pk] if only is not None else _plan(request, einheit.pk)
    for satz in saetze.order_by("id"):
        blocks.setdefault(satz.uebung_id, ExerciseBlock(uebung=satz.uebung)).saetze.append(satz)
    if bound is not None and bound[0].pk not in plan:
        plan.append(bound[0].pk)
    missing = [pk for pk in plan if pk not in blocks]
    if only is not None and missing:
        blocks[only.pk] = ExerciseBlock(uebung=only)
    elif missing:
        for uebung in Uebung.objects.visible_to(request.user).filter(pk__in=missing):
            blocks[uebung.pk] = ExerciseBlock(uebung=uebung)
    order = {pk: i for i, pk in enumerate(plan)}
    ordered = sorted(blocks.values(), key=lambda b: order.get(b.uebung.pk, len(order)))
    recs = recommendations.recommendations_for(request.user.pk, [b.uebung for b in ordered], unit)
    for block in ordered:
        block.saetze.sort(key=lambda s: s.satz_nr)
        for satz in block.saetze:
            satz.gewicht_display = from_kg(satz.gewicht, unit)
        block.rec = recs.get(block.uebung.pk)
        if bound is not None and block.uebung.pk == bound[0].pk:
            block.form = bound[1]
        else:
            # Prefilled with the last set: the usual next set is the same again.
            block.form = SatzForm.for_satz(block.saetze[-1] if block.saetze else None, unit)
    return ordered


def _own_workout(request: HttpRequest, pk: int) -> Trainingseinheit:
    return get_object_or_404(Trainingseinheit, pk=pk, user=request.user)


@login_required
@require_GET
def workout(request: HttpRequest, pk: int) -> HttpResponse:
    einheit = _own_workout(request, pk)
    return _render_workout(request, einheit)


def _render_workout(
    request: HttpRequest,
    einheit: Trainingseinheit,
    *,
    bound: tuple[Uebung, SatzForm] | None = None,
    add_form: AddExerciseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    unit = user_unit(request.user)
    blocks = _blocks(request, einheit, unit, bound=bound)
    context = {
        "einheit": einheit,
        "blocks": blocks,
        "einheit_n_saetze": sum(len(b.saetze) for b in blocks),
        "unit": unit,
        "set_types": Satz.SetType.choices,
        "add_form": add_form or AddExerciseForm(user=request.user),
        "exercise_choices": _exercise_choices(request.user, {b.uebung.pk for b in blocks}),
    }
    return render(request, "web/workout.html", context, status=status)


def _exercise_choices(user, exclude: set[int]) -> list[Uebung]:
    """Exercises to add: catalogue and own ones not yet in this workout (one query)."""
    return [
        u
        for u in Uebung.objects.visible_to(user).only("id", "name").order_by("name")
        if u.pk not in exclude
    ]


def _render_block(
    request: HttpRequest,
    einheit: Trainingseinheit,
    uebung: Uebung,
    *,
    bound_form: SatzForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """One exercise's block (htmx partial) plus the workout summary out of band."""
    unit = user_unit(request.user)
    bound = (uebung, bound_form) if bound_form is not None else None
    blocks = _blocks(request, einheit, unit, only=uebung, bound=bound)
    n_saetze = Satz.objects.filter(einheit=einheit).count()
    context = {
        "einheit": einheit,
        "block": blocks[0],
        "unit": unit,
        "oob_summary": True,
        "n_saetze": n_saetze,
        "set_types": Satz.SetType.choices,
        # Keyboard flow: after a swap the cursor is back in the weight field of this exercise.
        "focus": True,
    }
    return render(request, "web/_exercise_block.html", context, status=status)


def _after_set_change(user_id: int, uebung_id: int) -> None:
    transaction.on_commit(lambda: prediction_cache.invalidate(user_id, uebung_id))


@login_required
@require_POST
def set_add(request: HttpRequest, pk: int, uebung_id: int) -> HttpResponse:
    einheit = _own_workout(request, pk)
    uebung = get_object_or_404(Uebung.objects.visible_to(request.user), pk=uebung_id)
    unit = user_unit(request.user)
    form = SatzForm(request.POST, unit=unit)
    if not form.is_valid():
        if is_htmx(request):
            return _render_block(request, einheit, uebung, bound_form=form, status=422)
        return _render_workout(request, einheit, bound=(uebung, form), status=400)
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
                _after_set_change(request.user.pk, uebung.pk)
            break
        except IntegrityError:
            # Two quick taps raced for the same satz_nr: take the next free one.
            continue
    else:
        form.add_error(None, _("Der Satz konnte nicht gespeichert werden. Bitte erneut senden."))
        if is_htmx(request):
            return _render_block(request, einheit, uebung, bound_form=form, status=409)
        return _render_workout(request, einheit, bound=(uebung, form), status=409)
    if uebung.pk not in _plan(request, einheit.pk):
        _plan_add(request, einheit.pk, [uebung.pk])
    if is_htmx(request):
        return _render_block(request, einheit, uebung)
    return redirect(f"{einheit.get_absolute_url()}#ex-{uebung.pk}")


@login_required
@require_POST
def exercise_add(request: HttpRequest, pk: int) -> HttpResponse:
    einheit = _own_workout(request, pk)
    form = AddExerciseForm(request.POST, user=request.user)
    if not form.is_valid():
        return _render_workout(request, einheit, add_form=form, status=400)
    uebung = form.cleaned_data["uebung"]
    if uebung.pk is None:
        try:
            with transaction.atomic():
                uebung.save()
        except IntegrityError:
            uebung = Uebung.objects.visible_to(request.user).get(name=uebung.name)
    _plan_add(request, einheit.pk, [uebung.pk])
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
    if request.method == "POST":
        form = SatzForm(request.POST, unit=unit)
        if form.is_valid():
            for name in ("gewicht", "wiederholungen", "rpe", "set_type"):
                setattr(satz, name, form.cleaned_data[name])
            with transaction.atomic():
                satz.save(update_fields=["gewicht", "wiederholungen", "rpe", "set_type"])
                _after_set_change(request.user.pk, satz.uebung_id)
            messages.success(request, _("Satz gespeichert."))
            return redirect(f"{satz.einheit.get_absolute_url()}#ex-{satz.uebung_id}")
    else:
        form = SatzForm.for_satz(satz, unit)
    status = 400 if form.errors else 200
    return render(
        request, "web/set_edit.html", {"satz": satz, "form": form, "unit": unit}, status=status
    )


@login_required
@require_POST
def set_delete(request: HttpRequest, pk: int) -> HttpResponse:
    satz = _own_satz(request, pk)
    einheit, uebung = satz.einheit, satz.uebung
    with transaction.atomic():
        satz.delete()
        _after_set_change(request.user.pk, uebung.pk)
    if is_htmx(request):
        return _render_block(request, einheit, uebung)
    messages.success(request, _("Satz gelöscht."))
    return redirect(f"{einheit.get_absolute_url()}#ex-{uebung.pk}")


# --- history, import, settings ---------------------------------------------------------------


@login_required
@require_GET
def exercise_history(request: HttpRequest, pk: int) -> HttpResponse:
    uebung = get_object_or_404(Uebung.objects.visible_to(request.user), pk=pk)
    unit = user_unit(request.user)
    data = exercise_history_data(request.user, uebung, unit)
    return render(request, "web/exercise_history.html", {"uebung": uebung, "unit": unit, **data})


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            outcome = run_import(request.user, form.cleaned_data)
            context["outcome"] = outcome
            status = 200 if outcome.ok else 400
        else:
            status = 400
    return render(request, "web/import.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def user_settings(request: HttpRequest) -> HttpResponse:
    profile, _created = UserProfile.objects.get_or_create(user=request.user)
    form = DisplayUnitForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Einstellungen gespeichert."))
        return redirect("web:settings")
    return render(request, "web/settings.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for docker-compose: the process answers and the database does too."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("healthz: database unavailable")
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


# --- ML dashboard ----------------------------------------------------------------------------


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
