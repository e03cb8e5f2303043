"""A circuit breaker: after a failure, a dead or hung service is not tried again for a while.

A Redis that accepts connections and never answers makes every call wait the socket timeout;
with the breaker open, callers give up at once instead. The cache (``homegym.redis_breaker``)
and the task broker (``workers.dispatch``) each have one. It lives in ``core`` because ``core``
is the one package every layer may import.
"""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)


class CircuitBreaker:
    """Open for ``open_seconds`` after ``trip``; process-local, shared by all threads."""

    def __init__(self, name: str, open_seconds: float) -> None:
        self.name = name
        self.open_seconds = open_seconds
        self._open_until = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self, reason: object) -> None:
        """Open (or keep open) the breaker; the outage is logged once, when it opens."""
        if not self.is_open():
            logger.warning(
                "%s unreachable (%s): not tried for %g s", self.name, reason, self.open_seconds
            )
        self._open_until = time.monotonic() + self.open_seconds

    def reset(self) -> None:
        self._open_until = 0.0
