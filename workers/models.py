"""Who queued which background job: the API shows a task's state only to the one who queued it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrainingJob(models.Model):
    """One queued training task (API, admin or command), owned by the requester.

    The worker writes ``state``/``result`` here (task signals), so following a job needs
    neither the result backend nor Redis on the web side.
    """

    class State(models.TextChoices):
        PENDING = "PENDING", _("Eingeplant")
        STARTED = "STARTED", _("Läuft")
        RETRY = "RETRY", _("Wird wiederholt")
        SUCCESS = "SUCCESS", _("Erledigt")
        FAILURE = "FAILURE", _("Fehlgeschlagen")

    task_id = models.CharField(_("Task-ID"), max_length=64, unique=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angefordert von"),
        on_delete=models.CASCADE,
        related_name="training_jobs",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Modelle von"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    uebung = models.ForeignKey(
        "core.Uebung",
        verbose_name=_("Übung"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    task_name = models.CharField(_("Aufgabe"), max_length=200)
    state = models.CharField(
        _("Zustand"), max_length=10, choices=State.choices, default=State.PENDING
    )
    result = models.JSONField(_("Ergebnis"), null=True, blank=True)
    error = models.TextField(_("Fehler"), blank=True)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Trainingsauftrag")
        verbose_name_plural = _("Trainingsaufträge")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "created_at"], name="job_owner_idx")]

    def __str__(self) -> str:
        return f"{self.task_name} {self.task_id}"
