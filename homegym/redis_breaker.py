"""A circuit breaker for the Redis cache: a dead or hung Redis costs one timeout, not one per call.

django-redis with ``IGNORE_EXCEPTIONS`` already turns a refused connection into a cache miss,
but a Redis that accepts connections and never answers makes *every* call wait the socket
timeout — a page with ten recommendations would wait ten seconds. The connection class trips
the breaker on the first failure; while it is open the client refuses at once (a miss), and
after ``OPEN_SECONDS`` one call tries Redis again.
"""

from __future__ import annotations

import logging
import time

from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.connection import Connection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OPEN_SECONDS = 10.0
_FAILURES = (RedisConnectionError, RedisTimeoutError, OSError)
_state = {"open_until": 0.0}


def is_open() -> bool:
    return time.monotonic() < _state["open_until"]


def trip(exc: BaseException) -> None:
    if not is_open():
        logger.warning("Redis-Cache nicht erreichbar (%s): %d s ohne Cache", exc, OPEN_SECONDS)
    _state["open_until"] = time.monotonic() + OPEN_SECONDS


def reset() -> None:
    _state["open_until"] = 0.0


class BreakerConnection(Connection):
    """A redis-py connection that trips the breaker when connecting or reading fails."""

    def connect(self, *args, **kwargs):
        try:
            return super().connect(*args, **kwargs)
        except _FAILURES as exc:
            trip(exc)
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except _FAILURES as exc:
            trip(exc)
            raise


class BreakerClient(DefaultClient):
    """django-redis client that answers "unavailable" at once while the breaker is open."""

    def get_client(self, write: bool = True, tried: list[int] | None = None):
        if is_open():
            raise ConnectionInterrupted(connection=None)
        return super().get_client(write=write, tried=tried)
