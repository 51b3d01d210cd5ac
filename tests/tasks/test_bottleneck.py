"""The bottleneck figures: days spent in each stage (median and 90th percentile, this period
and last) from a hand-built event history, and the stage holding the most overdue packs.

Times are UTC. The practice is in Europe/London: October 2026 ends at midnight starting
1 November (00:00 UTC, GMT); September ends at midnight starting 1 October (23:00 UTC on
30 September, BST).
"""

from datetime import UTC, date, datetime

import pytest

from atlasos.tenancy.context import practice_context
from cycle.stages import STAGES
from tasks.board import bottleneck_sentence, stage_loads
from tasks.models import Pack
from tasks.stage_times import stage_time_rows, stage_times
from tests.factories.tasks import PackEventFactory, PackFactory

OCTOBER = date(2026, 10, 1)
SEPTEMBER = date(2026, 9, 1)
AUGUST = date(2026, 8, 1)


def at(month, day, hour=0, minute=0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def pack_with_history(practice, period, *, created=None, completed=(), **fields) -> Pack:
    """A pack with a ``created`` event at ``created`` (none if None) and a ``stage_completed``
    event for each (stage, moment) in ``completed``; plus a tick that must be ignored."""
    pack = PackFactory(practice=practice, period=period, **fields)
    if created is not None:
        PackEventFactory(practice=practice, pack=pack, action="created", created_at=created)
    for stage, moment in completed:
        PackEventFactory(
            practice=practice, pack=pack, action="stage_completed", stage=stage, created_at=moment
        )
        PackEventFactory(
            practice=practice, pack=pack, action="ticked", stage=stage, created_at=at(12, 1)
        )
    return pack


@pytest.fixture
def history(practice, other_practice, staff, manager):
    """Four October packs, two September packs, one August pack and another practice's
    October pack. Days in each stage, worked out by hand:

    October (this period)
      A  created 1 Nov 06:00; collect done 3 Nov 06:00 → collect 2.0
                              capture done 4 Nov 18:00 → capture 1.5
      B  created 1 Nov 06:00; collect done 5 Nov 06:00 → collect 4.0
                              capture done 6 Nov 06:00 → capture 1.0
                              reconcile done 5 Nov 12:00, before capture → reconcile 0.0
                              (never below zero)
      C  created 1 Nov 06:00; collect done 1 Nov 12:00, then again 2 Nov 06:00 (reopened
                              and completed again: the latest counts) → collect 1.0
                              capture done 7 Nov 06:00 → capture 5.0
      D  created 20 Oct 06:00, before the period ended, so collect starts at the period's
                              end (1 Nov 00:00); collect done 11 Nov 00:00 → collect 10.0
                              (still in capture: adds nothing to capture)
      collect   1, 2, 4, 10   n=4  median at 1.5 → 2 + .5·(4−2) = 3.0
                                   p90 at 2.7 → 4 + .7·(10−4) = 8.2
      capture   1, 1.5, 5     n=3  median 1.5;  p90 at 1.8 → 1.5 + .8·(5−1.5) = 4.3
      reconcile 0             n=1  median 0, p90 0
    September (last period)
      E  no created event: collect starts at the period's end (30 Sep 23:00 UTC);
                              collect done 2 Oct 23:00 → 2.0; capture done 3 Oct 11:00 → 0.5
      F  created 1 Oct 05:00; collect done 1 Oct 17:00 → 0.5; capture done 5 Oct 17:00 → 4.0
      collect   0.5, 2    median 1.25; p90 at .9 → 0.5 + .9·1.5 = 1.85
      capture   0.5, 4    median 2.25; p90 at .9 → 0.5 + .9·3.5 = 3.65
    """
    packs = {
        "A": pack_with_history(
            practice,
            OCTOBER,
            created=at(11, 1, 6),
            completed=[("collect", at(11, 3, 6)), ("capture", at(11, 4, 18))],
            preparer=staff,
        ),
        "B": pack_with_history(
            practice,
            OCTOBER,
            created=at(11, 1, 6),
            completed=[
                ("collect", at(11, 5, 6)),
                ("capture", at(11, 6, 6)),
                ("reconcile", at(11, 5, 12)),
            ],
            preparer=staff,
        ),
        "C": pack_with_history(
            practice,
            OCTOBER,
            created=at(11, 1, 6),
            completed=[
                ("collect", at(11, 1, 12)),
                ("collect", at(11, 2, 6)),
                ("capture", at(11, 7, 6)),
            ],
            preparer=manager,
        ),
        "D": pack_with_history(
            practice,
            OCTOBER,
            created=at(10, 20, 6),
            completed=[("collect", at(11, 11))],
            preparer=manager,
        ),
        "E": pack_with_history(
            practice,
            SEPTEMBER,
            completed=[("collect", at(10, 2, 23)), ("capture", at(10, 3, 11))],
        ),
        "F": pack_with_history(
            practice,
            SEPTEMBER,
            created=at(10, 1, 5),
            completed=[("collect", at(10, 1, 17)), ("capture", at(10, 5, 17))],
        ),
        # Two months back: not counted.
        "G": pack_with_history(
            practice, AUGUST, created=at(9, 1, 5), completed=[("collect", at(9, 30))]
        ),
    }
    pack_with_history(
        other_practice,
        OCTOBER,
        created=at(11, 1, 6),
        completed=[("collect", at(11, 25)), ("capture", at(11, 26))],
    )
    return packs


def figures(times, which, stage):
    t = times[which][stage]
    return (
        t.packs,
        None if t.median is None else round(t.median, 6),
        None if t.p90 is None else round(t.p90, 6),
    )


@pytest.mark.parametrize("portable", [False, True], ids=["native", "window-functions"])
def test_days_in_each_stage_match_the_hand_worked_figures(
    in_practice, history, portable, django_assert_num_queries
):
    with django_assert_num_queries(1):
        times = stage_times(in_practice, OCTOBER, portable=portable)
    assert figures(times, "current", "collect") == (4, 3.0, 8.2)
    assert figures(times, "current", "capture") == (3, 1.5, 4.3)
    assert figures(times, "current", "reconcile") == (1, 0.0, 0.0)
    for stage in ("prepare", "review", "deliver"):
        assert figures(times, "current", stage) == (0, None, None)
    assert figures(times, "previous", "collect") == (2, 1.25, 1.85)
    assert figures(times, "previous", "capture") == (2, 2.25, 3.65)
    assert figures(times, "previous", "reconcile") == (0, None, None)
    rows = stage_time_rows(times)
    assert [row.stage for row in rows] == list(STAGES)
    assert rows[0].label == "Collect documents" and rows[0].current.median == pytest.approx(3.0)


def test_both_percentile_forms_agree(in_practice, history):
    """percentile_cont (PostgreSQL) and the window-function form give the same answer on
    every group of the history and on a larger one (on SQLite both use the window form)."""
    start = at(11, 1).timestamp()
    for k in range(11):
        # Durations 0.25·k² days: uneven gaps.
        done = datetime.fromtimestamp(start + 21600 * k * k, UTC)
        pack_with_history(in_practice, OCTOBER, created=at(11, 1), completed=[("collect", done)])
    native = stage_times(in_practice, OCTOBER)
    portable = stage_times(in_practice, OCTOBER, portable=True)
    for which in ("current", "previous"):
        for stage in STAGES:
            assert figures(native, which, stage) == figures(portable, which, stage)
    # 15 collect values: 0.25·k² for k = 0…10 and A–D's 2, 4, 1, 10, sorted
    # 0, .25, 1, 1, 2, 2.25, 4, 4, 6.25, 9, 10, 12.25, 16, 20.25, 25:
    # median at 7 → 4; p90 at 12.6 → 16 + .6·(20.25 − 16) = 18.55.
    assert figures(native, "current", "collect") == (15, 4.0, 18.55)


def test_filters_narrow_the_packs_counted(in_practice, history, staff):
    times = stage_times(in_practice, OCTOBER, Pack.objects.filter(preparer=staff))
    # Only A (2.0) and B (4.0): median 3.0, p90 at .9 → 2 + .9·2 = 3.8.
    assert figures(times, "current", "collect") == (2, 3.0, 3.8)
    assert figures(times, "current", "capture") == (2, 1.25, 1.45)
    assert figures(times, "previous", "collect") == (0, None, None)


def test_another_practice_sees_only_its_own_history(history, other_practice):
    with practice_context(other_practice.pk):
        times = stage_times(other_practice, OCTOBER)
    # Its one pack: created 1 Nov 06:00, collect done 25 Nov 00:00 → 23.75 days; none of ours.
    assert figures(times, "current", "collect") == (1, 23.75, 23.75)
    assert figures(times, "previous", "collect") == (0, None, None)


# --- which stage holds the most overdue packs -----------------------------------------------

TODAY = date(2026, 11, 25)


def open_in(practice, stage, *, overdue: bool):
    """An open October pack whose current stage is ``stage``; overdue when its due date
    passed (stages before it are done)."""
    index = STAGES.index(stage)
    due = date(2026, 11, 20) if overdue else date(2026, 11, 30)
    fields = {f"{s}_due": date(2026, 11, 2) for s in STAGES[:index]}
    fields.update({f"{s}_done_at": at(11, 2) for s in STAGES[:index]})
    fields.update({f"{s}_due": due for s in STAGES[index:]})
    return PackFactory(
        practice=practice, period=OCTOBER, current_stage=stage, current_due=due, **fields
    )


def test_the_stage_with_most_overdue_packs_in_words(in_practice):
    for _ in range(2):
        open_in(in_practice, "capture", overdue=True)
    for _ in range(3):
        open_in(in_practice, "reconcile", overdue=True)
    open_in(in_practice, "reconcile", overdue=False)
    open_in(in_practice, "review", overdue=False)
    PackFactory(practice=in_practice, period=OCTOBER, current_stage="", completed_at=at(11, 20))
    loads = stage_loads(Pack.objects.all(), TODAY)
    assert [(load.stage, load.open, load.overdue) for load in loads] == [
        ("collect", 0, 0),
        ("capture", 2, 2),
        ("reconcile", 4, 3),
        ("prepare", 0, 0),
        ("review", 1, 0),
        ("deliver", 0, 0),
    ]
    assert bottleneck_sentence(loads) == "Reconcile bank is holding 4 packs, 3 overdue."


def test_a_tie_names_the_earlier_stage(in_practice):
    for stage in ("reconcile", "capture", "capture", "reconcile"):
        open_in(in_practice, stage, overdue=True)
    open_in(in_practice, "reconcile", overdue=False)
    loads = stage_loads(Pack.objects.all(), TODAY)
    assert bottleneck_sentence(loads) == "Capture transactions is holding 2 packs, 2 overdue."


def test_nothing_overdue_says_so(in_practice):
    assert bottleneck_sentence(stage_loads(Pack.objects.all(), TODAY)) == "No open packs."
    open_in(in_practice, "collect", overdue=False)
    loads = stage_loads(Pack.objects.all(), TODAY)
    assert bottleneck_sentence(loads) == "No open pack is overdue: nothing is stuck."
