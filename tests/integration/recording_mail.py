"""An email backend for worker-process tests: each message goes to its own file in
``EMAIL_FILE_PATH`` (written whole, then renamed, so a reader never sees half a message), and
the backend then waits ``SLOW_MAIL_SECONDS`` — time for a test to kill the worker between
sending a message and marking it sent."""

import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        directory = Path(settings.EMAIL_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        pause = float(os.environ.get("SLOW_MAIL_SECONDS", "0"))
        for message in email_messages:
            name = uuid.uuid4().hex
            partial = directory / f"{name}.part"
            partial.write_bytes(message.message().as_bytes())
            partial.rename(directory / f"{name}.eml")
            time.sleep(pause)
        return len(email_messages)
