"""The six fixed stages of the cycle and the target working days for each.

Pure module: no ORM, no settings. `TextChoices` comes from Django only so the same choices can be
used on model fields and forms.
"""

from django.db import models


class Stage(models.TextChoices):
    COLLECT = "collect", "Collect documents"
    CAPTURE = "capture", "Capture transactions"
    RECONCILE = "reconcile", "Reconcile bank"
    PREPARE = "prepare", "Prepare accounts"
    REVIEW = "review", "Partner review"
    DELIVER = "deliver", "Deliver to client"


STAGES: tuple[str, ...] = tuple(stage.value for stage in Stage)

# The stages done by the preparer before the pack goes to a reviewer.
PREPARATION_STAGES: tuple[str, ...] = (
    Stage.COLLECT.value,
    Stage.CAPTURE.value,
    Stage.RECONCILE.value,
    Stage.PREPARE.value,
)

# Target for each stage, in working days after the period ends.
DEFAULT_DUE_DAYS: dict[str, int] = {
    "collect": 5,
    "capture": 8,
    "reconcile": 10,
    "prepare": 12,
    "review": 14,
    "deliver": 15,
}

MIN_DUE_DAY = 1
MAX_DUE_DAY = 60


def stage_index(stage: str) -> int:
    """Position of `stage` in the cycle (collect is 0, deliver is 5)."""
    try:
        return STAGES.index(stage)
    except ValueError:
        raise ValueError(f"Unknown stage {stage!r}; expected one of {', '.join(STAGES)}.") from None


def _name(stage: str) -> str:
    return stage.capitalize()


def validate_due_days(days: dict) -> list[str]:
    """Messages for everything wrong with a stage → target-working-day mapping; [] when valid.

    Two stages may share a day (review and delivery on the same day is common); a later stage may
    not be due before an earlier one.
    """
    errors = []
    for key in days:
        if key not in STAGES:
            errors.append(f"{key!r} is not a stage of the cycle.")

    # The latest valid target so far and its stage, so "reconcile 4" after "collect 5, capture 3"
    # is reported against collect, the stage it actually precedes.
    latest_day, latest_stage = None, None
    for stage in STAGES:
        if stage not in days or days[stage] is None:
            errors.append(f"{_name(stage)} needs a target working day.")
            continue
        day = days[stage]
        # bool is an int subclass; True is not a working day.
        if (
            not isinstance(day, int)
            or isinstance(day, bool)
            or not MIN_DUE_DAY <= day <= MAX_DUE_DAY
        ):
            errors.append(
                f"{_name(stage)} must be a whole number of working days from {MIN_DUE_DAY} "
                f"to {MAX_DUE_DAY} (got {day!r})."
            )
            continue
        if latest_day is not None and day < latest_day:
            errors.append(
                f"{_name(stage)} is due before {_name(latest_stage)} (working day {day} is "
                f"before working day {latest_day}): a later stage cannot be due earlier."
            )
        else:
            latest_day, latest_stage = day, stage
    return errors
