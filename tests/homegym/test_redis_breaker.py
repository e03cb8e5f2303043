"""The cache breaker: a hung Redis costs one socket timeout, then misses are immediate."""

from __future__ import annotations

import time

import pytest
from django_redis.cache import RedisCache

from homegym import redis_breaker
from homegym.redis_breaker import BreakerConnection


def _cache(port: int, timeout: float) -> RedisCache:
    return RedisCache(
        f"redis://127.0.0.1:{port}/1",
        {
            "OPTIONS": {
                "CLIENT_CLASS": "homegym.redis_breaker.BreakerClient",
                "CONNECTION_POOL_KWARGS": {"connection_class": BreakerConnection},
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": timeout,
                "SOCKET_TIMEOUT": timeout,
            }
        },
    )


@pytest.fixture(autouse=True)
def closed_breaker():
    redis_breaker.cache_breaker.reset()
    yield
    redis_breaker.cache_breaker.reset()


def test_hung_redis_costs_one_timeout_then_misses_are_immediate(hung_redis):
    cache = _cache(hung_redis, timeout=0.3)
    start = time.perf_counter()
    assert cache.get("a", "fallback") == "fallback"
    first = time.perf_counter() - start
    start = time.perf_counter()
    results = [cache.get(f"k{i}", i) for i in range(20)]
    rest = time.perf_counter() - start
    assert results == list(range(20))
    assert first >= 0.25  # the first call did wait for Redis
    assert rest < 0.1  # the next twenty did not
    assert redis_breaker.cache_breaker.is_open()


def test_breaker_closes_again_and_a_working_redis_is_used(settings):
    from django.core.cache import cache

    redis_breaker.cache_breaker.trip(RuntimeError("test"))
    assert cache.get("breaker-test", "miss") == "miss"  # open: no Redis call
    redis_breaker.cache_breaker.reset()
    cache.set("breaker-test", "hit", 5)
    assert cache.get("breaker-test") == "hit"
    cache.delete("breaker-test")
