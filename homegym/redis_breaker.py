"""A circuit breaker for the Redis cache: a dead or hung Redis costs one timeout, not one per call.

django-redis with ``IGNORE_EXCEPTIONS`` already turns a refused connection into a cache miss,
but a Redis that accepts connections and never answers makes *every* call wait the socket
timeout — a page with ten recommendations would wait ten seconds. The connection class trips
the breaker on the first failure; while it is open the client refuses at once (a miss), and
after ``cache_breaker.open_seconds`` one call tries Redis again.
"""

from __future__ import annotations

from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.connection import Connection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.circuit_breaker import CircuitBreaker

_FAILURES = (RedisConnectionError, RedisTimeoutError, OSError)
cache_breaker = CircuitBreaker("Redis cache", open_seconds=10.0)


class BreakerConnection(Connection):
    """A redis-py connection that trips the breaker when connecting or reading fails."""

    def connect(self, *args, **kwargs):
        try:
            return super().connect(*args, **kwargs)
        except _FAILURES as exc:
            cache_breaker.trip(exc)
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except _FAILURES as exc:
            cache_breaker.trip(exc)
            raise


class BreakerClient(DefaultClient):
    """django-redis client that answers "unavailable" at once while the breaker is open."""

    def get_client(self, write: bool = True, tried: list[int] | None = None):
        if cache_breaker.is_open():
            raise ConnectionInterrupted(connection=None)
        return super().get_client(write=write, tried=tried)
