"""The Celery app. Tasks that touch tenant data subclass ``PracticeTask``: they take
``practice_id`` as a keyword argument and run inside that practice's context. Every task has
``delay_on_commit`` (DjangoTask): enqueue only once the transaction that made the work commits."""

import os

from celery import Celery
from celery.contrib.django.task import DjangoTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlasos.settings")

app = Celery("atlasos", task_cls=DjangoTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class PracticeTask(DjangoTask):
    abstract = True

    def __call__(self, *args, **kwargs):
        from atlasos.tenancy.context import practice_context

        practice_id = kwargs.get("practice_id")
        if practice_id is None:
            raise TypeError(f"{self.name} needs practice_id=... as a keyword argument.")
        with practice_context(practice_id):
            return super().__call__(*args, **kwargs)
