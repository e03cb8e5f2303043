"""Recommendations through Django's cache (Redis), never at the cost of an error.

The key carries everything that changes the answer: the ACTIVE model (id + sha prefix, so a
retrain is visible at once), the newest set and the set count of this exercise (so a newly
logged, edited-by-replacement or deleted set shows at once) and a per-(user, exercise) version
counter that ``invalidate`` bumps for anything else. Reading those costs one query.
Redis down: django-redis is configured with IGNORE_EXCEPTIONS, and anything else it raises is
caught here too, so the recommendation is simply computed.
"""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from core.models import MLPredictionModel, ModelStatus, Satz, Trainingseinheit
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


@functools.cache
def _state_sql() -> str:
    """Newest set id, set count and the ACTIVE model's id and sha256 in one statement.

    Plain SQL on purpose: compiling the equivalent ORM aggregate cost more than running it,
    and this runs on every page view that shows a recommendation.
    """
    satz, einheit, model = Satz._meta, Trainingseinheit._meta, MLPredictionModel._meta
    col = lambda meta, name: connection.ops.quote_name(meta.get_field(name).column)  # noqa: E731
    q = connection.ops.quote_name
    active = (
        f"FROM {q(model.db_table)} m WHERE m.{col(model, 'user')} = %s "
        f"AND m.{col(model, 'uebung')} = %s AND m.{col(model, 'status')} = %s "
        f"ORDER BY m.{col(model, 'id')} DESC LIMIT 1"
    )
    return (
        f"SELECT MAX(s.{col(satz, 'id')}), COUNT(s.{col(satz, 'id')}), "
        f"(SELECT m.{col(model, 'id')} {active}), "
        f"(SELECT m.{col(model, 'artifact_sha256')} {active}) "
        f"FROM {q(satz.db_table)} s JOIN {q(einheit.db_table)} e "
        f"ON s.{col(satz, 'einheit')} = e.{col(einheit, 'id')} "
        f"WHERE e.{col(einheit, 'user')} = %s AND s.{col(satz, 'uebung')} = %s"
    )


def cache_key(user_id: int, uebung_id: int) -> str:
    """Everything that changes the answer, read in one query (plus the invalidation counter)."""
    pair = [user_id, uebung_id, ModelStatus.ACTIVE.value]
    with connection.cursor() as cursor:
        cursor.execute(_state_sql(), [*pair, *pair, user_id, uebung_id])
        last, n, model_id, sha = cursor.fetchone()
    version = f"{model_id}-{sha[:12]}" if model_id else "-"
    counter = _safe(lambda: cache.get(_version_key(user_id, uebung_id)), 0) or 0
    return f"{PREFIX}:{user_id}:{uebung_id}:v{counter}:m{version}:s{last or 0}-{n}"


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
