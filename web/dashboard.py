"""The ML dashboard's figures: which coach models exist, how good they are, which are stale.

A model of an exercise logged without weights (pull-ups: every set 0 kg) or trained on no
samples has learned no weight: its row says so ("nur Wiederholungen", "keine Beispiele")
instead of "Aktiv", and it does not count as a trained model in the figures.

"Needs retraining" compares the set count a model was trained on (``samples_at_training``)
with the sets logged for that exercise now. A model is "better" when its validation MAE beats
the baseline's (repeat/progress the last weight) — otherwise the coach keeps the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import mean

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from core.models import MLPredictionModel, ModelStatus, Satz
from ml_coach.coach_model import VERDICT_TEXTS, gate_verdict
from web.units import from_kg

MAX_CHARTS = 40


@dataclass
class ModelRow:
    model: MLPredictionModel
    current_sets: int
    weighted_sets: int = 0  # of ``current_sets``: those with a weight above 0

    @property
    def reps_only(self) -> bool:
        """Sets logged, none with a weight: a bodyweight exercise, the coach suggests reps."""
        return self.current_sets > 0 and self.weighted_sets == 0

    @property
    def learned_weights(self) -> bool:
        """An active model that has learned weights from at least one sample."""
        return (
            self.model.status == ModelStatus.ACTIVE
            and self.model.n_samples > 0
            and not self.reps_only
        )

    @property
    def status_label(self) -> str:
        if self.model.status == ModelStatus.ACTIVE:
            if self.reps_only:
                return _("nur Wiederholungen")
            if self.model.n_samples == 0:
                return _("keine Beispiele")
        return self.model.get_status_display()

    @property
    def status_hint(self) -> str:
        """Why an active model is not shown as "Aktiv", or who recommends ("" for neither)."""
        if self.model.status != ModelStatus.ACTIVE:
            return ""
        if self.reps_only:
            return _("keine Gewichte – Wdh-Empfehlung")
        if self.model.n_samples == 0:
            return _("nichts gelernt – Empfehlung ohne Modell")
        verdict = gate_verdict(self.model.uses_model, self.model.parameters or {})
        return "" if verdict == "no_model" else str(VERDICT_TEXTS[verdict])

    @property
    def new_sets(self) -> int:
        return max(0, self.current_sets - self.model.samples_at_training)

    @property
    def needs_retraining(self) -> bool:
        if self.model.status == ModelStatus.OUTDATED:
            return True
        return self.model.status == ModelStatus.ACTIVE and self.new_sets > 0

    @property
    def better_than_baseline(self) -> bool | None:
        if self.model.mae is None or self.model.baseline_mae is None:
            return None
        return self.model.mae < self.model.baseline_mae

    @property
    def chart_id(self) -> str:
        return f"ml-chart-{self.model.pk}"


def current_models(models: QuerySet[MLPredictionModel]) -> list[MLPredictionModel]:
    """One row per (lifter, exercise): the active model, else the most recent attempt.

    An active model carries ``latest_failure``: a FAILED attempt newer than it (full disk,
    unwritable folder …), so the operator sees that retraining fails while the old model serves.
    """
    chosen: dict[tuple[int, int | None], MLPredictionModel] = {}
    failures: dict[tuple[int, int | None], MLPredictionModel] = {}
    for model in models.select_related("uebung", "user").order_by(
        "user__username", "uebung__name", "-trained_at", "-created_at"
    ):
        key = (model.user_id, model.uebung_id)
        kept = chosen.get(key)
        if kept is None or (
            model.status == ModelStatus.ACTIVE and kept.status != ModelStatus.ACTIVE
        ):
            chosen[key] = model
        failed = failures.get(key)
        if model.status == ModelStatus.FAILED and (
            failed is None or model.created_at > failed.created_at
        ):
            failures[key] = model
    for key, model in chosen.items():
        failed = failures.get(key)
        newer = failed is not None and failed.created_at > model.created_at
        model.latest_failure = failed if model.status == ModelStatus.ACTIVE and newer else None
    return list(chosen.values())


def set_counts(models: list[MLPredictionModel]) -> dict[tuple[int, int], tuple[int, int]]:
    """Current set counts per (user, exercise) in one query: all, and those with a weight.

    Counted like ``samples_at_training`` (every set of the exercise, warm-ups included), so
    "new sets since training" is the plain difference.
    """
    user_ids = {m.user_id for m in models}
    uebung_ids = {m.uebung_id for m in models if m.uebung_id}
    if not user_ids or not uebung_ids:
        return {}
    rows = (
        Satz.objects.filter(einheit__user__in=user_ids, uebung__in=uebung_ids)
        .values("einheit__user", "uebung")
        .annotate(n=Count("id"), weighted=Count("id", filter=Q(gewicht__gt=0)))
    )
    return {(r["einheit__user"], r["uebung"]): (r["n"], r["weighted"]) for r in rows}


def _series(values, unit: str) -> list[float | None]:
    return [float(from_kg(v, unit)) if v is not None else None for v in values or []]


def chart_data(row: ModelRow, unit: str, with_user: bool = False) -> dict | None:
    """The validation chart: actual top weight, the model's and the baseline's predictions."""
    validation = row.model.validation or {}
    dates = validation.get("dates") or []
    if not dates:
        return None
    title = row.model.uebung.name if row.model.uebung else _("gelöschte Übung")
    if with_user:
        title = f"{title} · {row.model.user.get_username()}"
    return {
        "id": row.chart_id,
        "title": title,
        "labels": [str(d)[:10] for d in dates],
        "unit": unit,
        "stepped": True,
        "datasets": [
            {
                "key": "actual",
                "label": _("Ist (Top-Gewicht)"),
                "data": _series(validation.get("actual"), unit),
            },
            {
                "key": "model",
                "label": _("ML-Modell"),
                "data": _series(validation.get("model"), unit),
            },
            {
                "key": "baseline",
                "label": _("Baseline"),
                "data": _series(validation.get("baseline"), unit),
            },
        ],
    }


def build_dashboard(
    models: QuerySet[MLPredictionModel], unit: str, with_user: bool = False
) -> dict:
    """Summary figures, one row per model and the chart data for the template."""
    current = current_models(models)
    counts = set_counts(current)
    rows = [ModelRow(m, *counts.get((m.user_id, m.uebung_id), (0, 0))) for m in current]
    active = [r.model for r in rows if r.learned_weights]
    r2s = [m.r2 for m in active if m.r2 is not None]
    maes = [m.mae for m in active if m.mae is not None]
    charts = [c for c in (chart_data(r, unit, with_user) for r in rows[:MAX_CHARTS]) if c]
    chart_ids = {c["id"] for c in charts}
    return {
        "rows": rows,
        "n_trained": len(active),
        "n_needs_retraining": sum(1 for r in rows if r.needs_retraining),
        "avg_r2": mean(r2s) if r2s else None,
        "avg_mae": from_kg(mean(maes), unit) if maes else None,
        "charts": charts,
        "chart_ids": chart_ids,
    }


def lifters_with_models() -> QuerySet:
    """Lifters that have models, for the staff filter's select."""
    return (
        get_user_model()
        .objects.filter(ml_models__isnull=False)
        .distinct()
        .order_by("username")
        .only("id", "username")
    )
