"""Request and response shapes of the endpoints (also what the OpenAPI schema shows)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from core.models import GEWICHT_MAX_KG, RPE_MAX, RPE_MIN, WIEDERHOLUNGEN_MAX, Satz
from core.plausibility import CONFIRM_CODE
from core.validators import validate_half_step

MAX_ID = 2**63 - 1  # BigAutoField: larger ids would be a database error, not a 404


class TrainRequestSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Nur für Staff: Modelle dieses Benutzers trainieren. Standard: die eigenen.",
    )
    uebung_id = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Nur diese Übung. Standard: alle Übungen mit genug Daten.",
    )


class TrainJobSerializer(serializers.Serializer):
    task_id = serializers.CharField()
    uebung_id = serializers.IntegerField()
    status_url = serializers.CharField()


class TrainResponseSerializer(serializers.Serializer):
    task_ids = serializers.ListField(child=serializers.CharField())
    jobs = TrainJobSerializer(many=True)


class RecommendationSerializer(serializers.Serializer):
    uebung_id = serializers.IntegerField()
    source = serializers.ChoiceField(choices=["model", "baseline", "not_enough_data"])
    weight_kg = serializers.FloatField(allow_null=True)
    reps = serializers.IntegerField(allow_null=True)
    display_weight = serializers.FloatField(allow_null=True)
    display_unit = serializers.CharField()
    explanation = serializers.CharField()
    n_sets = serializers.IntegerField()
    min_samples = serializers.IntegerField()
    model_version = serializers.CharField(allow_blank=True)
    set_number = serializers.IntegerField(
        allow_null=True,
        help_text="Der wievielte Arbeitssatz des Trainings (1 = erster; Aufwärmsätze zählen "
        "nicht); null, wenn nicht bekannt.",
    )
    bodyweight = serializers.BooleanField(
        help_text="Ohne Last geloggt: nur Wiederholungen (und ggf. Zusatzgewicht) empfehlen."
    )
    label = serializers.CharField()


class TaskStateSerializer(serializers.Serializer):
    task_id = serializers.CharField()
    state = serializers.CharField(help_text="PENDING, STARTED, RETRY, SUCCESS oder FAILURE.")
    task = serializers.CharField()
    user_id = serializers.IntegerField()
    uebung_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    result = serializers.JSONField(allow_null=True)
    error = serializers.CharField(allow_null=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


SATZ_NR_MAX = 32767  # PositiveSmallIntegerField


class SetCreateSerializer(serializers.Serializer):
    """A set to log in one of the requester's workouts. Weights in kg, as stored."""

    einheit_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    uebung_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    gewicht = serializers.DecimalField(
        max_digits=7,
        decimal_places=3,
        min_value=0,
        max_value=GEWICHT_MAX_KG,
        coerce_to_string=False,
        help_text="Gewicht in kg (0: ohne Zusatzgewicht).",
    )
    wiederholungen = serializers.IntegerField(min_value=1, max_value=WIEDERHOLUNGEN_MAX)
    rpe = serializers.DecimalField(
        max_digits=3,
        decimal_places=1,
        min_value=RPE_MIN,
        max_value=RPE_MAX,
        required=False,
        allow_null=True,
        coerce_to_string=False,
        help_text="1–10 in halben Schritten.",
    )
    set_type = serializers.ChoiceField(
        choices=Satz.SetType.choices, required=False, default=Satz.SetType.NORMAL
    )
    satz_nr = serializers.IntegerField(
        min_value=1,
        max_value=SATZ_NR_MAX,
        required=False,
        allow_null=True,
        help_text="Standard: die nächste Nummer dieser Übung in der Trainingseinheit.",
    )
    confirm = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "true: auch ein Gewicht weit außerhalb der eigenen Historie speichern "
            f"(sonst 400 mit code={CONFIRM_CODE})."
        ),
    )

    def validate_rpe(self, value):
        if value is not None:
            try:
                validate_half_step(value)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages) from error
        return value


class SetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    einheit_id = serializers.IntegerField()
    uebung_id = serializers.IntegerField()
    satz_nr = serializers.IntegerField()
    gewicht = serializers.FloatField(help_text="kg")
    wiederholungen = serializers.IntegerField(allow_null=True)
    rpe = serializers.FloatField(allow_null=True)
    set_type = serializers.ChoiceField(choices=Satz.SetType.choices)


class SetRefusedSerializer(serializers.Serializer):
    """400: bad input (``detail``), or a weight to confirm (``code`` and the two weights)."""

    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=[CONFIRM_CODE], required=False)
    gewicht = serializers.FloatField(required=False, help_text="kg, wie gesendet")
    best_kg = serializers.FloatField(required=False, help_text="bisheriges Maximum (kg)")
