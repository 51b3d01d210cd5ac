"""The hourly recurrence job on every kind of day of the month (``tests.clock.MONTH_DAYS``):
which period's packs exist on that day, the day each period's packs appeared, that running it
again the same day changes nothing, and that every due date is a working day.

The job runs every day from the 1st after each of the last two months until that month's packs
have appeared, then twice at the moment. Expectations come from the rules (``tests.month_days``):
a month's packs appear on the first working day after it ends, plus the practice's offset in
working days; each stage is due on its n-th working day after the period ends.
"""

import datetime

import pytest

from atlasos.tenancy.context import practice_context
from tasks.models import Pack, PackEvent, PackItem
from tasks.tasks import create_due_packs
from templates_engine.models import ClientTemplate, TaskTemplate
from templates_engine.standard import STANDARD_NAME
from tests.clock import MONTH_DAYS
from tests.factories.clients import ClientFactory
from tests.factories.tenancy import PracticeFactory
from tests.month_days import (
    ONE_DAY,
    STANDARD_DUE_DAYS,
    add_months,
    is_working_day,
    last_day,
    local_today,
    month_first,
    release_day,
    stage_dues,
)

pytestmark = pytest.mark.django_db

# The offset-2 practice's packs appear two working days after the others'.
SLOW_OFFSET = 2
# One client's own collect target (working days), overriding the template's.
OWN_COLLECT_DAY = 3


def assign(practice, client, template=None, **fields) -> ClientTemplate:
    with practice_context(practice.pk):
        template = template or TaskTemplate.objects.get(name=STANDARD_NAME)
        return ClientTemplate.objects.create(client=client, template=template, **fields)


def periods_of(practice, recurrence: str = "monthly") -> set[datetime.date]:
    with practice_context(practice.pk):
        return set(Pack.objects.filter(recurrence=recurrence).values_list("period", flat=True))


@pytest.fixture
def practices(practice):
    """The practice (packs on release day) with two monthly clients, one of them with its own
    collect target, and a practice whose packs appear ``SLOW_OFFSET`` working days later."""
    slow = PracticeFactory(name="Slow Start Books", pack_release_offset=SLOW_OFFSET)
    assign(practice, ClientFactory(practice=practice, name="Standard Ltd"))
    assign(
        practice,
        ClientFactory(practice=practice, name="Own Dates Ltd"),
        collect_day=OWN_COLLECT_DAY,
    )
    assign(slow, ClientFactory(practice=slow, name="Later Ltd"))
    return {0: practice, SLOW_OFFSET: slow}


def days_to_run(today: datetime.date) -> list[datetime.date]:
    """Every day from the 1st after each of the last two months ended until both practices'
    packs for it have appeared (no sooner can they, and nothing changes after), then today."""
    days = set()
    for back in (2, 1):
        period = add_months(month_first(today), -back)
        day = last_day(period) + ONE_DAY
        while day <= min(today, release_day(period, offset=SLOW_OFFSET)):
            days.add(day)
            day += ONE_DAY
    return sorted(days | {today})


def run_daily_until(clock, practices, moment) -> dict[tuple[int, datetime.date], datetime.date]:
    """Run the job on those days at the moment's time of day (twice on the moment's day);
    return (offset, period) → the first day its packs existed."""
    today = local_today(moment)
    appeared = {}
    for day in days_to_run(today):
        clock.set(moment - (today - day))
        create_due_packs()
        if day == today:
            clock.set(moment + datetime.timedelta(hours=1))
            create_due_packs()
        for offset, practice in practices.items():
            for period in periods_of(practice):
                appeared.setdefault((offset, period), day)
    return appeared


@pytest.mark.parametrize("moment", MONTH_DAYS)
def test_each_month_s_packs_appear_on_their_release_day_with_due_dates_on_working_days(
    clock, practices, moment
):
    appeared = run_daily_until(clock, practices, moment)
    today = local_today(moment)
    ended = add_months(month_first(today), -1)  # the month that has ended
    previous = add_months(ended, -1)
    for offset, practice in practices.items():
        expected = {previous: release_day(previous, offset=offset)}
        if release_day(ended, offset=offset) <= today:
            expected[ended] = release_day(ended, offset=offset)
        got = {period: day for (o, period), day in appeared.items() if o == offset}
        # Which months' packs exist today, and the day each appeared: not a day before its
        # release day (a weekend or bank holiday after the month end moves it), not a day after.
        assert got == expected, (practice.name, today)

    with practice_context(practices[0].pk):
        packs = list(Pack.objects.select_related("client"))
    assert len(packs) == 2 * len({p for (o, p) in appeared if o == 0})
    for pack in packs:
        due_days = dict(STANDARD_DUE_DAYS)
        if pack.client.name == "Own Dates Ltd":
            due_days["collect"] = OWN_COLLECT_DAY
        dues = stage_dues(pack.period, due_days=due_days)
        got = {stage: getattr(pack, f"{stage}_due") for stage in STANDARD_DUE_DAYS}
        assert got == dues, (pack.client.name, pack.period)
        assert all(is_working_day(day) and day > last_day(pack.period) for day in got.values())
        assert pack.current_stage == "collect" and pack.current_due == dues["collect"]


@pytest.mark.parametrize("moment", MONTH_DAYS)
def test_running_the_job_again_the_same_day_creates_nothing(clock, practice, moment):
    assign(practice, ClientFactory(practice=practice))
    assign(practice, ClientFactory(practice=practice))
    today = local_today(moment)
    ended = add_months(month_first(today), -1)
    released = release_day(ended) <= today

    created = []
    for hours in (0, 1, 2):
        clock.set(moment + datetime.timedelta(hours=hours))
        created.append(create_due_packs())

    assert created == [2 if released else 0, 0, 0]
    with practice_context(practice.pk):
        packs = list(Pack.objects.all())
        assert {pack.period for pack in packs} == ({ended} if released else set())
        items = {PackItem.objects.filter(pack=pack).count() for pack in packs}
        assert len(items) <= 1
        for pack in packs:
            assert PackEvent.objects.filter(pack=pack, action="created").count() == 1


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def financial_year_start(day: datetime.date, first_month: int) -> datetime.date:
    year = day.year if day.month >= first_month else day.year - 1
    return datetime.date(year, first_month, 1)


@pytest.mark.parametrize("moment", MONTH_DAYS)
def test_quarterly_and_annual_packs_assigned_that_day(clock, practice, moment):
    """A quarter (calendar quarters) or a financial year (to 31 March) has its pack once it has
    ended and its release day has come; on 31 March neither the quarter nor the year has
    ended yet."""
    client = ClientFactory(practice=practice, year_end_month=3, year_end_day=31)
    with practice_context(practice.pk):
        quarterly = TaskTemplate.objects.create(name="VAT quarter", recurrence="quarterly")
        annual = TaskTemplate.objects.create(name="Year end", recurrence="annual")
    assign(practice, client, quarterly)
    assign(practice, client, annual)
    today = local_today(moment)
    clock.set(moment)
    create_due_packs()
    create_due_packs()

    quarter = add_months(quarter_start(today), -3)
    year = add_months(financial_year_start(today, 4), -12)
    expected = {}
    if release_day(quarter, months=3) <= today:
        expected["quarterly"] = {quarter}
    if release_day(year, months=12) <= today:
        expected["annual"] = {year}
    got = {}
    for recurrence in ("quarterly", "annual"):
        if periods := periods_of(practice, recurrence):
            got[recurrence] = periods
    assert got == expected
    with practice_context(practice.pk):
        for pack in Pack.objects.all():
            months = 3 if pack.recurrence == "quarterly" else 12
            dues = stage_dues(pack.period, months)
            assert pack.collect_due == dues["collect"] and pack.deliver_due == dues["deliver"]
            assert is_working_day(pack.collect_due) and is_working_day(pack.deliver_due)
