"""Settings for the test suite: the real settings, with a throwaway key and fast hashing.

Under pytest-xdist each worker process (PYTEST_XDIST_WORKER: gw0, gw1...) gets its own Redis
database and media folder (pytest-django already gives it its own test database): the tests
clear the cache, and on Redis a clear empties the whole database.
"""

import os
from urllib.parse import urlsplit, urlunsplit

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker and os.environ.get("REDIS_URL"):
    # From the URL the suite was given, kept for the processes the tests start (a Celery
    # worker inherits this environment and must land on the same database, not one further).
    _redis = urlsplit(os.environ.setdefault("ATLASOS_SUITE_REDIS_URL", os.environ["REDIS_URL"]))
    _db = int(_redis.path.strip("/") or 0) + int(_worker.removeprefix("gw"))
    os.environ["REDIS_URL"] = urlunsplit(_redis._replace(path=f"/{_db}"))

os.environ.setdefault("SECRET_KEY", "test-suite-key-not-a-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# One process runs the suite: its local-memory cache is the shared cache (REDIS_URL wins).
os.environ.setdefault("ATLASOS_SINGLE_PROCESS", "true")

from atlasos.settings import *  # noqa: E402,F403
from atlasos.settings import VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media" / (_worker or "main")
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
