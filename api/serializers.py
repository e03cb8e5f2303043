"""Request and response shapes of the ML endpoints (also what the OpenAPI schema shows)."""

from __future__ import annotations

from rest_framework import serializers

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
