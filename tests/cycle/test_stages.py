import pytest

from cycle.stages import (
    DEFAULT_DUE_DAYS,
    PREPARATION_STAGES,
    STAGES,
    Stage,
    stage_index,
    validate_due_days,
)


def test_stages_run_in_cycle_order():
    assert STAGES == ("collect", "capture", "reconcile", "prepare", "review", "deliver")
    assert PREPARATION_STAGES == ("collect", "capture", "reconcile", "prepare")
    assert all(type(stage) is str for stage in STAGES + PREPARATION_STAGES)


def test_stage_labels_are_the_words_on_screen():
    assert Stage.choices == [
        ("collect", "Collect documents"),
        ("capture", "Capture transactions"),
        ("reconcile", "Reconcile bank"),
        ("prepare", "Prepare accounts"),
        ("review", "Partner review"),
        ("deliver", "Deliver to client"),
    ]


def test_stage_index_follows_the_cycle():
    assert [stage_index(stage) for stage in STAGES] == [0, 1, 2, 3, 4, 5]
    assert stage_index(Stage.REVIEW) == 4


def test_stage_index_rejects_an_unknown_stage():
    with pytest.raises(ValueError, match="Unknown stage 'invoice'"):
        stage_index("invoice")


def test_default_due_days_are_valid():
    assert validate_due_days(DEFAULT_DUE_DAYS) == []


def test_two_stages_may_share_a_day():
    assert validate_due_days({**DEFAULT_DUE_DAYS, "review": 15, "deliver": 15}) == []


def test_a_missing_stage_is_reported():
    days = {stage: day for stage, day in DEFAULT_DUE_DAYS.items() if stage != "reconcile"}
    assert validate_due_days(days) == ["Reconcile needs a target working day."]


@pytest.mark.parametrize("day", [0, 61, -3, 5.5, "5", True, None])
def test_a_day_that_is_not_a_whole_number_from_1_to_60_is_reported(day):
    errors = validate_due_days({**DEFAULT_DUE_DAYS, "collect": day})
    assert len(errors) == 1
    assert errors[0].startswith("Collect")


def test_a_later_stage_due_before_an_earlier_one_is_reported():
    errors = validate_due_days({**DEFAULT_DUE_DAYS, "capture": 4})
    assert errors == [
        "Capture is due before Collect (working day 4 is before working day 5): "
        "a later stage cannot be due earlier."
    ]


def test_going_backwards_is_reported_against_the_latest_earlier_target():
    # Reconcile (6) is after capture (4) but still before collect (7).
    days = {**DEFAULT_DUE_DAYS, "collect": 7, "capture": 4, "reconcile": 6}
    errors = validate_due_days(days)
    assert [error.split(" (")[0] for error in errors] == [
        "Capture is due before Collect",
        "Reconcile is due before Collect",
    ]


def test_an_unknown_stage_name_is_reported():
    assert validate_due_days({**DEFAULT_DUE_DAYS, "invoice": 3}) == [
        "'invoice' is not a stage of the cycle."
    ]
