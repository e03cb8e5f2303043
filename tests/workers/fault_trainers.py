"""The coach's real ``train_and_store`` with fault hooks the fault tests arm through Redis.

Each hook is armed by a cache key holding its parameter and consumed by the first training
that sees it, so the redelivered or retried task runs undisturbed:

- ``PAUSE_BEFORE``: seconds to sleep after the task has used the database, before training
  (the test drops the worker's database connections meanwhile);
- ``PAUSE_IN_WRITE``: seconds to sleep half-way through writing the artifact's bytes (the test
  SIGKILLs the process then);
- ``FSIZE_LIMIT``: bytes the artifact write may put in its file (``RLIMIT_FSIZE``, binding
  for root too, set only around that write): it fails with EFBIG as on a full disk;
- ``MODEL_ROOT``: a model folder for this training only (e.g. one that cannot be created).
The worker records its pid under ``PID`` and every training start under ``CALLS``.
"""

from __future__ import annotations

import os
import resource
import signal
import time

from django.core.cache import cache
from django.test.utils import override_settings

PAUSE_BEFORE = "faults:pause-before"
PAUSE_IN_WRITE = "faults:pause-in-write"
FSIZE_LIMIT = "faults:fsize-limit"
MODEL_ROOT = "faults:model-root"
PID = "faults:pid"
PAUSED = "faults:paused"
CALLS = "faults:calls"
KEYS = (PAUSE_BEFORE, PAUSE_IN_WRITE, FSIZE_LIMIT, MODEL_ROOT, PID, PAUSED, CALLS)


def _take(key: str):
    value = cache.get(key)
    if value is not None:
        cache.delete(key)
    return value


class _HookedFile:
    """The artifact's file: half the bytes, flushed to disk, then a pause (to be killed in);
    or writes under an ``RLIMIT_FSIZE`` smaller than the artifact, as on a full disk."""

    def __init__(self, fh, pause: float | None, fsize: int | None) -> None:
        self._fh = fh
        self._pause = pause
        self._fsize = fsize

    def write(self, data: bytes) -> int:
        if self._fsize:
            return self._write_limited(data)
        half = len(data) // 2
        self._fh.write(data[:half])
        self._fh.flush()
        os.fsync(self._fh.fileno())
        cache.set(PAUSED, "in-write", timeout=300)
        time.sleep(self._pause or 0)
        return half + self._fh.write(data[half:])

    def _write_limited(self, data: bytes) -> int:
        previous_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
        previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        limit = max(1, min(self._fsize, len(data) // 2))  # never room for the whole artifact
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, previous_limit[1]))
        try:
            written = self._fh.write(data)
            self._fh.flush()
            return written
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, previous_limit)
            signal.signal(signal.SIGXFSZ, previous_handler)

    def __getattr__(self, name):
        return getattr(self._fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._fh.__exit__(*exc)


class _OsWithHookedFdopen:
    def __init__(self, pause: float | None, fsize: int | None) -> None:
        self._pause = pause
        self._fsize = fsize

    def fdopen(self, fd, *args, **kwargs):
        return _HookedFile(os.fdopen(fd, *args, **kwargs), self._pause, self._fsize)

    def __getattr__(self, name):
        return getattr(os, name)


def train(user_id: int, uebung_id: int, **options):
    from ml_coach import artifact_store
    from ml_coach.ml_trainer import train_and_store

    cache.set(PID, os.getpid(), timeout=300)
    if not cache.add(CALLS, 1, timeout=300):
        cache.incr(CALLS)

    pause = _take(PAUSE_BEFORE)
    if pause:
        cache.set(PAUSED, "before", timeout=300)
        time.sleep(float(pause))

    write_pause = _take(PAUSE_IN_WRITE)
    limit = _take(FSIZE_LIMIT)
    root = _take(MODEL_ROOT)
    try:
        if write_pause or limit:
            artifact_store.os = _OsWithHookedFdopen(
                float(write_pause) if write_pause else None, int(limit) if limit else None
            )
        if root:
            with override_settings(ML_MODEL_ROOT=root):
                return train_and_store(user_id, uebung_id, **options)
        return train_and_store(user_id, uebung_id, **options)
    finally:
        artifact_store.os = os
