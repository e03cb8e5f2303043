"""Settings of the processes the fault tests start (worker, web): the test settings, the real
coach behind a trainer with fault hooks, short debounce and a short broker breaker.

``TEST_REDIS_URL`` (set by the test) points them at a Redis the test can stop and start.
"""

import os

from celery.signals import worker_init

import homegym.redis_breaker
import workers.dispatch
from homegym.test_settings import *  # noqa: F403

ML_RETRAIN_DEBOUNCE_SECONDS = int(os.environ.get("ML_RETRAIN_DEBOUNCE_SECONDS", "1"))
# The web process must notice a returned Redis within a test's patience, not after 30 s
# (broker breaker) or 10 s (cache breaker).
workers.dispatch.broker_breaker.open_seconds = float(os.environ.get("FAULT_BREAKER_SECONDS", "2"))
homegym.redis_breaker.cache_breaker.open_seconds = float(
    os.environ.get("FAULT_BREAKER_SECONDS", "2")
)


@worker_init.connect(weak=False)
def use_fault_trainer(**kwargs) -> None:
    """The worker trains through ``fault_trainers.train``; ``worker_init`` comes after Django
    is set up and before the pool forks, so every worker process uses it."""
    import workers.training
    from tests.workers import fault_trainers

    workers.training.train_and_store = fault_trainers.train


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django_redis": {"level": "ERROR"}},
}
