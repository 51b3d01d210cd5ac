"""The per-practice job runner: how every beat job does its work for every practice.

Beat starts a job with no practice in context, and tenant data may only be read inside one
(DESIGN.md §3). So each job:

1. reads the practices inside ``unscoped("beat: <job>")``, the one logged bypass;
2. runs its work for each practice inside that practice's ``practice_context``;
3. logs a practice whose work raised, with the job's name and the practice id, and goes on with
   the next: one practice's bad row never stops the job for the others, and the job's next run
   tries that practice again (every job is idempotent, so a retry is harmless).
"""

import logging
from collections.abc import Callable

from atlasos.tenancy.context import practice_context, unscoped
from atlasos.tenancy.models import Practice

logger = logging.getLogger(__name__)


def for_each_practice(job: str, work: Callable[[Practice], int]) -> int:
    """Run ``work(practice)`` for every practice in its own context; the total of what it
    returned (for the practices that did not fail)."""
    with unscoped(f"beat: {job}"):
        practices = list(Practice.objects.order_by("pk"))
    total = 0
    for practice in practices:
        try:
            with practice_context(practice.pk):
                done = work(practice)
        except Exception:
            logger.exception(
                "beat job %s failed for practice %s; its next run tries again", job, practice.pk
            )
            continue
        if done:
            logger.info("beat job %s: %s for practice %s", job, done, practice.pk)
        total += done
    return total
