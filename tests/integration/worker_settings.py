"""Settings of the Celery worker that the worker tests start: the test settings, with a real
broker (REDIS_URL), email recorded to files in RECORDED_MAIL_DIR, and the clock set to the
test's moment (ATLAS_TEST_NOW)."""

import datetime
import os

from atlasos import clock
from atlasos.settings_test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "tests.integration.recording_mail.EmailBackend"
EMAIL_FILE_PATH = os.environ["RECORDED_MAIL_DIR"]

clock.run_from(datetime.datetime.fromisoformat(os.environ["ATLAS_TEST_NOW"]))
