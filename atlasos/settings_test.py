"""Settings for the test suite: the real settings, with a throwaway key and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-key-not-a-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# One process runs the suite: its local-memory cache is the shared cache (REDIS_URL wins).
os.environ.setdefault("ATLASOS_SINGLE_PROCESS", "true")

from atlasos.settings import *  # noqa: E402,F403
from atlasos.settings import VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
