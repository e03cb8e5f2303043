"""Settings for the test suite: the production settings, pointed at test-only Redis databases.

``TEST_REDIS_URL`` names the Redis server (default the local one); the suite uses logical
databases 10–12 so it never touches a running instance's broker or cache.
"""

import os
import tempfile

from homegym.settings import *  # noqa: F403
from homegym.settings import CACHES, redis_db_url

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REDIS_URL = redis_db_url(TEST_REDIS_URL, 10)
CELERY_BROKER_URL = REDIS_URL
CACHE_REDIS_URL = redis_db_url(TEST_REDIS_URL, 11)
CELERY_RESULT_BACKEND = redis_db_url(TEST_REDIS_URL, 12)
CACHES["default"]["LOCATION"] = CACHE_REDIS_URL
CACHES["default"]["KEY_PREFIX"] = "homegym-test"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ML_MODEL_ROOT = Path(os.environ.get("TEST_ML_MODEL_ROOT", "/tmp/homegym-test-models"))  # noqa: F405

# SQLite: a test database file (not Django's in-memory default) so that worker, web and beat
# processes started by the fault tests can open the same database; one file per test run.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get(  # noqa: F405
        "TEST_SQLITE_PATH",
        os.path.join(tempfile.gettempdir(), f"homegym-test-{os.getpid()}.sqlite3"),
    )
