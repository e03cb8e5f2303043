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
from django.db.models import Count, Max

from core.models import MLPredictionModel, ModelStatus, Satz, Trainingseinheit
from ml_coach.prediction_service import MLPredictor, model_version
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


def _format_key(
    user_id: int, uebung_id: int, counter, model_version: str, last, n, einheit_id=None
) -> str:
    return (
        f"{PREFIX}:{user_id}:{uebung_id}:v{counter or 0}:m{model_version or '-'}"
        f":s{last or 0}-{n or 0}:e{einheit_id or '-'}"
    )


def cache_key(user_id: int, uebung_id: int) -> str:
    """Everything that changes the answer, read in one query (plus the invalidation counter)."""
    pair = [user_id, uebung_id, ModelStatus.ACTIVE.value]
    with connection.cursor() as cursor:
        cursor.execute(_state_sql(), [*pair, *pair, user_id, uebung_id])
        last, n, model_id, sha = cursor.fetchone()
    version = f"{model_id}-{sha[:12]}" if model_id else ""
    counter = _safe(lambda: cache.get(_version_key(user_id, uebung_id)), 0)
    return _format_key(user_id, uebung_id, counter, version, last, n)


def cache_keys(
    user_id: int, uebung_ids: list[int], einheit_id: int | None = None
) -> dict[int, str]:
    """The keys of many exercises at once: two queries and one Redis call for any number."""
    sets = {
        row["uebung_id"]: row
        for row in Satz.objects.filter(einheit__user_id=user_id, uebung_id__in=uebung_ids)
        .values("uebung_id")
        .annotate(last=Max("id"), n=Count("id"))
    }
    active = {
        row.uebung_id: row
        for row in MLPredictionModel.objects.filter(
            user_id=user_id, uebung_id__in=uebung_ids, status=ModelStatus.ACTIVE
        ).only("id", "uebung_id", "artifact_sha256")
    }
    version_keys = {pk: _version_key(user_id, pk) for pk in uebung_ids}
    counters = _safe(lambda: cache.get_many(list(version_keys.values())), {}) or {}
    return {
        pk: _format_key(
            user_id,
            pk,
            counters.get(version_keys[pk]),
            model_version(active.get(pk)),
            sets.get(pk, {}).get("last"),
            sets.get(pk, {}).get("n"),
            einheit_id,
        )
        for pk in uebung_ids
    }


def _from_cache(hit) -> Recommendation | None:
    if isinstance(hit, dict):
        try:
            return Recommendation(**hit)
        except TypeError:
            return None
    return None


def _compute_and_store(
    user_id: int, uebung_id: int, key: str, einheit_id: int | None = None
) -> Recommendation:
    rec = MLPredictor(user_id=user_id).recommend(uebung_id, einheit=einheit_id)
    data = rec.to_dict()
    data.pop("label", None)
    _safe(lambda: cache.set(key, data, settings.ML_PREDICTION_CACHE_SECONDS))
    return rec


def cached_recommendation(user_id: int, uebung_id: int) -> Recommendation:
    """The recommendation, from the cache when it is current, else computed and stored."""
    key = cache_key(user_id, uebung_id)
    rec = _from_cache(_safe(lambda: cache.get(key)))
    return rec if rec is not None else _compute_and_store(user_id, uebung_id, key)


def cached_recommendations(
    user_id: int, uebung_ids: list[int], einheit_id: int | None = None
) -> dict[int, Recommendation]:
    """Many recommendations (a whole workout): a fixed number of queries when the cache is warm.

    With ``einheit_id`` each is the recommendation for the *next* set of that workout. Misses
    are computed one by one and stored, exactly as ``cached_recommendation`` does.
    """
    keys = cache_keys(user_id, list(dict.fromkeys(uebung_ids)), einheit_id)
    hits = _safe(lambda: cache.get_many(list(keys.values())), {}) or {}
    result = {}
    for pk, key in keys.items():
        rec = _from_cache(hits.get(key))
        result[pk] = rec if rec is not None else _compute_and_store(user_id, pk, key, einheit_id)
    return result


def invalidate(user_id: int, uebung_id: int) -> None:
    """Make the next read recompute (e.g. after a set was edited in place)."""
    key = _version_key(user_id, uebung_id)

    def bump():
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, None)

    _safe(bump)
