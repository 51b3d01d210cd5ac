"""The beat schedule without Celery beat, for the embedded mode (`make run`): every job in
``CELERY_BEAT_SCHEDULE`` runs in this process when its interval has passed.

With Redis and a worker, run ``celery beat`` instead (exactly one per deployment). Every job is
idempotent, so running this beside a real beat, or twice, does no harm; it only wastes work.
"""

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from atlasos.celery import app

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the periodic jobs in-process: once, or with --loop whenever each is due."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running (Ctrl-C stops)")
        parser.add_argument("--tick", type=float, default=30.0, help="seconds between checks")

    def handle(self, *args, loop: bool, tick: float, **options):
        app.loader.import_default_modules()  # registers every app's tasks
        schedule = {
            entry["task"]: float(entry["schedule"])
            for entry in settings.CELERY_BEAT_SCHEDULE.values()
        }
        last_run: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for name, every in schedule.items():
                if name in last_run and now - last_run[name] < every:
                    continue
                last_run[name] = now
                self._run(name)
            if not loop:
                return
            time.sleep(tick)

    def _run(self, name: str) -> None:
        try:
            result = app.tasks[name].apply()
            if result.failed():
                raise result.result
        except Exception:
            logger.exception("periodic job %s failed; it runs again at its next interval", name)
            self.stderr.write(f"{name}: failed (see the log)")
        else:
            self.stdout.write(f"{name}: {result.result}")
