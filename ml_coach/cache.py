"""Recommendations through Django's cache (Redis), never at the cost of an error.

The key carries everything that changes the answer: the ACTIVE model (id + sha prefix, so a
retrain is visible at once), the newest set and the set count of this exercise (so a newly
logged, edited-by-replacement or deleted set shows at once) and a per-(user, exercise) version
counter that ``invalidate`` bumps for anything else. Reading those costs one query.
Redis down: django-redis is configured with IGNORE_EXCEPTIONS, and anything else it raises is
caught here too, so the recommendation is simply computed.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Subquery

from core.models import MLPredictionModel, ModelStatus, Satz
from ml_coach.predictor import MLPredictor
from ml_coach.recommendation import Recommendation

logger = logging.getLogger(__name__)
PREFIX = "mlcoach:rec"


def _version_key(user_id: int, uebung_id: int) -> str:
    return f"{PREFIX}:ver:{user_id}:{uebung_id}"


def _safe(call, default=None):
    try:
        return call()
    except Exception:
        logger.warning("cache unavailable; computing instead", exc_info=True)
        return default


def cache_key(user_id: int, uebung_id: int) -> str:
    """One query: newest set id, set count and the ACTIVE model's id and sha256."""
    active = MLPredictionModel.objects.filter(
        user_id=user_id, uebung_id=uebung_id, status=ModelStatus.ACTIVE
    )
    state = Satz.objects.filter(einheit__user_id=user_id, uebung_id=uebung_id).aggregate(
        last=Max("id"),
        n=Count("id"),
        model=Max(Subquery(active.values("id")[:1])),
        sha=Max(Subquery(active.values("artifact_sha256")[:1])),
    )
    version = f"{state['model']}-{state['sha'][:12]}" if state["model"] else "-"
    counter = _safe(lambda: cache.get(_version_key(user_id, uebung_id)), 0) or 0
    return (
        f"{PREFIX}:{user_id}:{uebung_id}:v{counter}:m{version}:s{state['last'] or 0}-{state['n']}"
    )


def cached_recommendation(user_id: int, uebung_id: int) -> Recommendation:
    """The recommendation, from the cache when it is current, else computed and stored."""
    key = cache_key(user_id, uebung_id)
    hit = _safe(lambda: cache.get(key))
    if isinstance(hit, dict):
        try:
            return Recommendation(**hit)
        except TypeError:
            pass
    rec = MLPredictor(user_id=user_id).recommend(uebung_id)
    data = rec.to_dict()
    data.pop("label", None)
    _safe(lambda: cache.set(key, data, settings.ML_PREDICTION_CACHE_SECONDS))
    return rec


def invalidate(user_id: int, uebung_id: int) -> None:
    """Make the next read recompute (e.g. after a set was edited in place)."""
    key = _version_key(user_id, uebung_id)

    def bump():
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, None)

    _safe(bump)
