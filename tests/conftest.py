"""Fixtures shared by every test package."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from tests.factories import make_uebung, make_user

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real logs in ../shared/data; tests that need them skip visibly where absent."""
    if not (SHARED_DATA / "workouts").is_dir():
        pytest.skip(f"real logs not found at {SHARED_DATA} (../shared is absent)")
    return SHARED_DATA


@pytest.fixture
def catalogue(db):
    """The German exercise catalogue with its aliases, as the migration writes it.

    Seeded again here: a transactional test elsewhere flushes what the migration wrote.
    """
    from core.catalogue import seed_catalogue
    from core.models import Uebung

    seed_catalogue()
    return {u.name: u for u in Uebung.objects.filter(owner__isnull=True)}


@pytest.fixture
def user_a(db):
    return make_user("anna", password="pw-anna-123")


@pytest.fixture
def user_b(db):
    return make_user("bernd", password="pw-bernd-123")


@pytest.fixture
def bank(db):
    return make_uebung("Bankdrücken", equipment="barbell", muscle_group="chest")


@pytest.fixture
def kniebeuge(db):
    return make_uebung("Kniebeuge", equipment="barbell", muscle_group="legs")


@pytest.fixture(autouse=True)
def _cache_breaker_closed():
    """A test that breaks Redis on purpose must not leave the next test without a cache."""
    from homegym import redis_breaker

    redis_breaker.cache_breaker.reset()
    yield
    redis_breaker.cache_breaker.reset()


@pytest.fixture
def hung_redis():
    """A port that accepts TCP connections and never answers: a hung Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()
