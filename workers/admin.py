"""Operators' controls: retrain from the admin, and the record of queued training jobs.

The ``MLPredictionModel`` admin is registered here, not in ``core.admin``: its action queues
Celery tasks, and only this layer may (``workers`` imports ``core``, never the other way).
Django's own User admin is replaced by a subclass that adds "retrain all models"; everything
else about it stays. The periodic tasks (with "run now") come from django-celery-beat's admin.
A broker that cannot be reached is logged by ``workers.dispatch``; the actions only say so.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ARTIFACT_READONLY_FIELDS
from core.models import MLPredictionModel
from workers.dispatch import BrokerUnavailable, queue_job
from workers.models import TrainingJob
from workers.tasks import retrain_model, retrain_user_models

User = get_user_model()


def _can_retrain(request: HttpRequest) -> bool:
    user = request.user
    return user.is_active and user.is_staff and user.has_perm("core.change_mlpredictionmodel")


class RetrainMixin:
    def has_retrain_permission(self, request: HttpRequest) -> bool:
        return _can_retrain(request)

    def _report(self, request: HttpRequest, queued: int, error: BrokerUnavailable | None) -> None:
        if error is not None:
            self.message_user(
                request,
                _("Celery/Redis nicht erreichbar: %(n)d Aufgabe(n) eingeplant, der Rest nicht.")
                % {"n": queued},
                messages.ERROR,
            )
            return
        self.message_user(
            request,
            ngettext(
                "%(n)d Trainingsaufgabe eingeplant.",
                "%(n)d Trainingsaufgaben eingeplant.",
                queued,
            )
            % {"n": queued},
            messages.SUCCESS,
        )


@admin.register(MLPredictionModel)
class MLPredictionModelAdmin(RetrainMixin, admin.ModelAdmin):
    list_display = (
        "user",
        "uebung",
        "status",
        "uses_model",
        "n_samples",
        "r2",
        "mae",
        "baseline_mae",
        "trained_at",
        "training_seconds",
    )
    list_filter = ("status", "uses_model", "algorithm")
    search_fields = ("user__username", "uebung__name", "error_text")
    list_select_related = ("user", "uebung")
    readonly_fields = ARTIFACT_READONLY_FIELDS
    actions = ["retrain_selected"]

    @admin.action(description=_("Ausgewählte Modelle neu trainieren"), permissions=["retrain"])
    def retrain_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        pairs = sorted(
            set(queryset.filter(uebung__isnull=False).values_list("user_id", "uebung_id"))
        )
        queued, error = 0, None
        try:
            for user_id, uebung_id in pairs:
                queue_job(
                    request.user,
                    retrain_model,
                    (user_id, uebung_id),
                    user_id,
                    uebung_id,
                    force=True,
                )
                queued += 1
        except BrokerUnavailable as exc:
            error = exc
        self._report(request, queued, error)


admin.site.unregister(User)


@admin.register(User)
class RetrainUserAdmin(RetrainMixin, UserAdmin):
    actions = [*UserAdmin.actions, "retrain_all_models"]

    @admin.action(description=_("Alle Modelle dieses Users trainieren"), permissions=["retrain"])
    def retrain_all_models(self, request: HttpRequest, queryset: QuerySet) -> None:
        queued, error = 0, None
        try:
            for user_id in queryset.values_list("pk", flat=True):
                queue_job(request.user, retrain_user_models, (user_id,), user_id, force=True)
                queued += 1
        except BrokerUnavailable as exc:
            error = exc
        self._report(request, queued, error)


@admin.register(TrainingJob)
class TrainingJobAdmin(admin.ModelAdmin):
    list_display = ("created_at", "task_name", "state", "user", "uebung", "requested_by")
    list_filter = ("state", "task_name")
    search_fields = ("task_id", "user__username", "requested_by__username")
    list_select_related = ("user", "uebung", "requested_by")
    readonly_fields = (
        "task_id",
        "requested_by",
        "user",
        "uebung",
        "task_name",
        "state",
        "result",
        "error",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
