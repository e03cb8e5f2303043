"""Operators' controls: retrain from the admin, and the record of queued training jobs.

core's MLPredictionModel admin and Django's User admin are replaced by subclasses that add
the actions; everything else about them stays. The periodic tasks (with "run now") come from
django-celery-beat's own admin.
"""

from __future__ import annotations

import logging

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import MLPredictionModelAdmin
from core.models import MLPredictionModel
from workers.dispatch import queue_job
from workers.models import TrainingJob

logger = logging.getLogger(__name__)
User = get_user_model()


def _can_retrain(request: HttpRequest) -> bool:
    user = request.user
    return user.is_active and user.is_staff and user.has_perm("core.change_mlpredictionmodel")


class RetrainMixin:
    def has_retrain_permission(self, request: HttpRequest) -> bool:
        return _can_retrain(request)

    def _report(self, request: HttpRequest, queued: int, error: Exception | None) -> None:
        if error is not None:
            logger.warning("Training aus dem Admin nicht eingeplant: %s", error)
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


admin.site.unregister(MLPredictionModel)


@admin.register(MLPredictionModel)
class RetrainableMLPredictionModelAdmin(RetrainMixin, MLPredictionModelAdmin):
    actions = ["retrain_selected"]

    @admin.action(description=_("Ausgewählte Modelle neu trainieren"), permissions=["retrain"])
    def retrain_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        from workers.tasks import retrain_model

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
        except Exception as exc:
            error = exc
        self._report(request, queued, error)


admin.site.unregister(User)


@admin.register(User)
class RetrainUserAdmin(RetrainMixin, UserAdmin):
    actions = [*UserAdmin.actions, "retrain_all_models"]

    @admin.action(description=_("Alle Modelle dieses Users trainieren"), permissions=["retrain"])
    def retrain_all_models(self, request: HttpRequest, queryset: QuerySet) -> None:
        from workers.tasks import retrain_user_models

        queued, error = 0, None
        try:
            for user_id in queryset.values_list("pk", flat=True):
                queue_job(request.user, retrain_user_models, (user_id,), user_id, force=True)
                queued += 1
        except Exception as exc:
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
