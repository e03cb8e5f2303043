"""Settings for worker subprocesses the tests start: the test settings plus the test trainer."""

from celery.signals import worker_init

from homegym.test_settings import *  # noqa: F403


@worker_init.connect(weak=False)
def use_test_trainer(**kwargs) -> None:
    """The worker trains through ``tests.workers.trainers.train`` (the real coach, observable).

    ``worker_init`` comes after Django is set up and the task modules are imported, and before
    the pool forks its processes: every process of the worker uses the test trainer.
    """
    import workers.training
    from tests.workers import trainers

    workers.training.train_and_store = trainers.train
