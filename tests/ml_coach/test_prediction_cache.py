from copy import deepcopy
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache

from core.models import Satz, Trainingseinheit
from ml_coach import prediction_cache
from ml_coach.ml_trainer import train_and_store
from ml_coach.prediction_cache import cache_key, cached_recommendation, invalidate
from tests.factories import linear_progression, log_history

pytestmark = pytest.mark.django_db


def test_cached_recommendation_is_stored_and_served(user_a, bank, clear_cache, monkeypatch):
    log_history(user_a, bank, linear_progression(12))
    first = cached_recommendation(user_a.pk, bank.pk)
    assert cache.get(cache_key(user_a.pk, bank.pk))["weight_kg"] == first.weight_kg
    monkeypatch.setattr(prediction_cache, "MLPredictor", None)  # a hit must not compute
    assert cached_recommendation(user_a.pk, bank.pk) == first


def test_retrain_changes_the_key(user_a, bank, clear_cache, population):
    log_history(user_a, bank, linear_progression(42, every=3))
    population()
    before = cache_key(user_a.pk, bank.pk)
    assert cached_recommendation(user_a.pk, bank.pk).source == "baseline"
    row = train_and_store(user_a.pk, bank.pk)
    after = cache_key(user_a.pk, bank.pk)
    assert before != after and f"{row.pk}-{row.artifact_sha256[:12]}" in after
    assert cached_recommendation(user_a.pk, bank.pk).source == "model"


def test_a_new_set_changes_the_cached_recommendation(user_a, bank, clear_cache):
    log_history(user_a, bank, linear_progression(12))
    assert cached_recommendation(user_a.pk, bank.pk).weight_kg == 67.5
    last = Trainingseinheit.objects.filter(user=user_a).order_by("-datum").first()
    einheit = Trainingseinheit.objects.create(user=user_a, datum=last.datum + timedelta(days=2))
    Satz.objects.create(einheit=einheit, uebung=bank, gewicht=Decimal("70"), wiederholungen=8)
    assert cached_recommendation(user_a.pk, bank.pk).weight_kg == 70.0


def test_invalidate_changes_the_key(user_a, bank, clear_cache):
    log_history(user_a, bank, linear_progression(12))
    before = cache_key(user_a.pk, bank.pk)
    invalidate(user_a.pk, bank.pk)
    assert cache_key(user_a.pk, bank.pk) != before
    invalidate(user_a.pk, bank.pk)
    assert cache_key(user_a.pk, bank.pk) != before


def test_redis_down_computes_instead_of_failing(user_a, bank, settings):
    caches = deepcopy(settings.CACHES)
    caches["default"]["LOCATION"] = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.CACHES = caches  # Django resets its cache handler on this setting change
    from django.core.cache import cache as dead

    dead.set("probe", 1)
    assert dead.get("probe", "down") == "down"
    log_history(user_a, bank, linear_progression(12))
    assert cached_recommendation(user_a.pk, bank.pk).weight_kg == 67.5
    invalidate(user_a.pk, bank.pk)


def test_batch_lookup_uses_the_same_keys_and_answers(user_a, bank, clear_cache, monkeypatch):
    from core.models import Uebung

    squat = Uebung.objects.create(name="Kniebeuge")
    log_history(user_a, bank, linear_progression(12))
    log_history(user_a, squat, linear_progression(12, start=80.0))
    ids = [bank.pk, squat.pk]
    assert prediction_cache.cache_keys(user_a.pk, ids) == {
        pk: cache_key(user_a.pk, pk) for pk in ids
    }
    single = {pk: cached_recommendation(user_a.pk, pk) for pk in ids}
    monkeypatch.setattr(prediction_cache, "MLPredictor", None)  # warm: nothing may be computed
    assert prediction_cache.cached_recommendations(user_a.pk, ids) == single
    invalidate(user_a.pk, bank.pk)
    with pytest.raises(TypeError):  # the invalidated one is a miss and must be computed
        prediction_cache.cached_recommendations(user_a.pk, ids)
