"""Settings for worker subprocesses the tests start: the test settings plus the test trainer."""

from homegym.test_settings import *  # noqa: F403

ML_TRAIN_CALLABLE = "tests.workers.trainers.train"
