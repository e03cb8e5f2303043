"""The API: log a set in one's own workout; train one's own models, read one's own
recommendation, follow one's own jobs.

Others' ids answer 404 (not 403): an id that is not yours does not exist for you.
"""

from __future__ import annotations

import re
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from api.serializers import (
    MAX_ID,
    ErrorSerializer,
    RecommendationSerializer,
    SetCreateSerializer,
    SetRefusedSerializer,
    SetSerializer,
    TaskStateSerializer,
    TrainRequestSerializer,
    TrainResponseSerializer,
)
from core.models import DisplayUnit, Satz, Trainingseinheit, Uebung, UserProfile
from core.plausibility import CONFIRM_CODE, implausible_weight
from core.workout_plan import ensure_in_workout
from ml_coach import prediction_cache
from ml_coach.ml_trainer import exercises_with_enough_data
from ml_coach.prediction_cache import cached_recommendation, cached_recommendations
from workers.dispatch import BrokerUnavailable, broker_breaker, queue_job
from workers.models import TrainingJob
from workers.tasks import retrain_model
from workers.training import sample_count

TASK_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
INTEGER_RE = re.compile(r"[+-]?[0-9]+")

UNAVAILABLE = "Hintergrunddienst (Celery/Redis) gerade nicht erreichbar; bitte später erneut."
COMMON_ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="Nicht angemeldet."),
    403: OpenApiResponse(ErrorSerializer, description="Nicht angemeldet (Session)."),
    404: OpenApiResponse(ErrorSerializer, description="Nicht vorhanden oder nicht Ihres."),
}


class BadRequest(APIException):
    """400 with one readable ``detail`` string (and the field errors, if any)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"


def invalid(serializer) -> BadRequest:
    errors = {field: [str(e) for e in msgs] for field, msgs in serializer.errors.items()}
    text = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
    return BadRequest(text or "Ungültige Anfrage.")


class MLTrainThrottle(ScopedRateThrottle):
    """The ``ml_train`` rate; skipped while Redis is known to be down (the request gets 503)."""

    def allow_request(self, request, view) -> bool:
        if broker_breaker.is_open():
            return True
        return super().allow_request(request, view)


def visible_exercise(user, uebung_id: int) -> Uebung:
    """The exercise if the user may see it (catalogue or their own), else 404."""
    if not 0 < uebung_id <= MAX_ID:
        raise NotFound()
    uebung = Uebung.objects.visible_to(user).filter(pk=uebung_id).first()
    if uebung is None:
        raise NotFound()
    return uebung


def own_workout(user, einheit_id: int) -> Trainingseinheit:
    """The requester's workout, else 404 (someone else's workout does not exist for you)."""
    einheit = Trainingseinheit.objects.filter(pk=einheit_id, user=user).first()
    if einheit is None:
        raise NotFound()
    return einheit


def display_unit(user) -> str:
    """The unit the lifter reads weights in: the plausibility question uses it."""
    profile = UserProfile.objects.filter(user=user).only("display_unit").first()
    return profile.display_unit if profile else DisplayUnit.KG


def not_found(request, *args, **kwargs) -> JsonResponse:
    """The API answers in JSON even for paths it does not know."""
    return JsonResponse({"detail": "Nicht gefunden."}, status=404)


class TrainView(APIView):
    throttle_classes = [MLTrainThrottle]
    parser_classes = [JSONParser]
    throttle_scope = "ml_train"

    @extend_schema(
        operation_id="ml_train",
        summary="Eigene Modelle (Staff: die eines Benutzers) neu trainieren",
        request=TrainRequestSerializer,
        responses={
            202: TrainResponseSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Ungültige Anfrage."),
            415: OpenApiResponse(ErrorSerializer, description="Nur application/json."),
            429: OpenApiResponse(ErrorSerializer, description="Zu viele Trainingsanfragen."),
            503: OpenApiResponse(ErrorSerializer, description="Celery/Redis nicht erreichbar."),
            **COMMON_ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            raise BadRequest("Erwartet ein JSON-Objekt.")
        payload = TrainRequestSerializer(data=request.data)
        if not payload.is_valid():
            raise invalid(payload)
        target = self._target_user(request, payload.validated_data.get("user_id"))
        uebung_id = payload.validated_data.get("uebung_id")
        if uebung_id is not None:
            visible_exercise(target, uebung_id)
            n = sample_count(target.pk, uebung_id)
            if n < settings.ML_MIN_SAMPLES:
                raise BadRequest(f"Nicht genug Daten: {n}/{settings.ML_MIN_SAMPLES} Sätze.")
            uebung_ids = [uebung_id]
        else:
            uebung_ids = exercises_with_enough_data(target.pk)
            if not uebung_ids:
                raise BadRequest("Keine Übungen mit genug Daten gefunden.")

        jobs = []
        try:
            for uebung_id in uebung_ids:
                job = queue_job(
                    request.user,
                    retrain_model,
                    (target.pk, uebung_id),
                    target.pk,
                    uebung_id,
                    force=True,
                )
                jobs.append(
                    {
                        "task_id": job.task_id,
                        "uebung_id": uebung_id,
                        "status_url": f"/api/ml/tasks/{job.task_id}/",
                    }
                )
        except BrokerUnavailable:  # logged where it happened (workers.dispatch)
            return Response({"detail": UNAVAILABLE}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response(
            {"task_ids": [job["task_id"] for job in jobs], "jobs": jobs},
            status=status.HTTP_202_ACCEPTED,
        )

    def _target_user(self, request: Request, user_id: int | None):
        if user_id is None or user_id == request.user.pk:
            return request.user
        if not request.user.is_staff:
            raise NotFound()
        target = get_user_model().objects.filter(pk=user_id).first()
        if target is None:
            raise NotFound()
        return target


def own_workout_id(user, raw: str | None) -> int | None:
    """The ``einheit`` query parameter: None when absent, 400 when not an integer, 404 when
    it is not a workout of ``user`` (others' workouts do not exist for the requester)."""
    if raw is None:
        return None
    if not INTEGER_RE.fullmatch(raw):
        raise BadRequest("einheit: eine ganze Zahl (die Id eines eigenen Trainings) erwartet.")
    if len(raw.lstrip("+-")) > len(str(MAX_ID)) or not 0 < int(raw) <= MAX_ID:
        raise NotFound()
    einheit = Trainingseinheit.objects.filter(pk=int(raw), user=user).only("pk").first()
    if einheit is None:
        raise NotFound()
    return einheit.pk


class PredictView(APIView):
    @extend_schema(
        operation_id="ml_predict",
        summary="Die eigene Empfehlung für eine Übung",
        description=(
            "Ohne `einheit` die Empfehlung für den nächsten Satz der Übung; mit `einheit` die "
            "für den nächsten Arbeitssatz in diesem Training (`set_number`: der wievielte, "
            "Aufwärmsätze zählen nicht)."
        ),
        parameters=[
            OpenApiParameter(
                "einheit",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                required=False,
                description="Id eines eigenen Trainings (Trainingseinheit); fremde: 404.",
            )
        ],
        responses={
            200: RecommendationSerializer,
            400: OpenApiResponse(ErrorSerializer, description="`einheit` ist keine ganze Zahl."),
            **COMMON_ERRORS,
        },
    )
    def get(self, request: Request, uebung_id: int) -> Response:
        uebung = visible_exercise(request.user, uebung_id)
        einheit_id = own_workout_id(request.user, request.query_params.get("einheit"))
        if einheit_id is None:
            recommendation = cached_recommendation(request.user.pk, uebung.pk)
        else:
            recommendation = cached_recommendations(request.user.pk, [uebung.pk], einheit_id)[
                uebung.pk
            ]
        return Response(recommendation.to_dict())


class TaskStateView(APIView):
    @extend_schema(
        operation_id="ml_task_state",
        summary="Zustand einer selbst eingeplanten Trainingsaufgabe",
        responses={200: TaskStateSerializer, **COMMON_ERRORS},
    )
    def get(self, request: Request, task_id: str) -> Response:
        # Task ids are UUIDs: anything else (NUL bytes break PostgreSQL) is simply not a job.
        if not TASK_ID_RE.fullmatch(task_id):
            raise NotFound()
        job = TrainingJob.objects.filter(task_id=task_id, requested_by=request.user).first()
        if job is None:
            raise NotFound()
        return Response(
            {
                "task_id": job.task_id,
                "state": job.state,
                "task": job.task_name,
                "user_id": job.user_id,
                "uebung_id": job.uebung_id,
                "created_at": job.created_at,
                "updated_at": job.updated_at,
                "result": job.result,
                "error": job.error or None,
            }
        )


class SetCreateView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="set_create",
        summary="Einen Satz in einer eigenen Trainingseinheit speichern",
        description=(
            "Ein Gewicht weit außerhalb der eigenen Historie der Übung (mehr als das 1,5-fache "
            "oder weniger als ein Zehntel des bisher schwersten Arbeitssatzes) wird erst mit "
            f"`confirm: true` gespeichert; ohne antwortet der Server 400 mit `code: "
            f"{CONFIRM_CODE}` und der Rückfrage in `detail`."
        ),
        request=SetCreateSerializer,
        responses={
            201: SetSerializer,
            400: OpenApiResponse(
                SetRefusedSerializer, description="Ungültige Anfrage oder Rückfrage zum Gewicht."
            ),
            415: OpenApiResponse(ErrorSerializer, description="Nur application/json."),
            **COMMON_ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            raise BadRequest("Erwartet ein JSON-Objekt.")
        payload = SetCreateSerializer(data=request.data)
        if not payload.is_valid():
            raise invalid(payload)
        data = payload.validated_data
        einheit = own_workout(request.user, data["einheit_id"])
        uebung = visible_exercise(request.user, data["uebung_id"])
        if not data["confirm"]:
            asked = implausible_weight(
                request.user.pk, uebung.pk, data["gewicht"], data["set_type"]
            )
            if asked is not None:
                return Response(
                    {
                        "detail": asked.question(display_unit(request.user)),
                        "code": CONFIRM_CODE,
                        "gewicht": float(asked.gewicht_kg),
                        "best_kg": float(asked.best_kg),
                    },
                    status=status.HTTP_400_BAD_REQUEST,
                )
        satz = self._create(einheit, uebung, data)
        return Response(SetSerializer(satz).data, status=status.HTTP_201_CREATED)

    def _create(self, einheit: Trainingseinheit, uebung: Uebung, data: dict) -> Satz:
        """Numbered as asked, or as the next set; a race for the next number retries."""
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    satz = Satz.objects.create(
                        einheit=einheit,
                        uebung=uebung,
                        satz_nr=data.get("satz_nr"),
                        gewicht=data["gewicht"],
                        wiederholungen=data["wiederholungen"],
                        rpe=data.get("rpe"),
                        set_type=data["set_type"],
                    )
                    ensure_in_workout(einheit, uebung.pk)
                    transaction.on_commit(
                        partial(prediction_cache.invalidate, einheit.user_id, uebung.pk)
                    )
                return satz
            except IntegrityError as error:
                if data.get("satz_nr") is not None:
                    raise BadRequest(
                        f"satz_nr: Satz {data['satz_nr']} dieser Übung gibt es in der "
                        "Trainingseinheit schon."
                    ) from error
        raise BadRequest("Der Satz konnte nicht gespeichert werden. Bitte erneut senden.")
