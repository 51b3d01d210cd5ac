"""The calendar on every kind of day of the month (``tests.clock.MONTH_DAYS``), for a practice
in London and one in Auckland (already on the next day for most of the UTC day): the month shown
by default and the today marker are the practice's today; a stage due yesterday shows overdue,
one due today or tomorrow does not — in the month grid and in each day's list.

Expectations come from the rules: today is the practice's local date; a stage is overdue once
its due date is before today; the grid runs from the Monday on or before the 1st to the Sunday on
or after the last day of the month.
"""

import datetime
import re

import pytest

from cycle.stages import STAGES
from tests.clock import MONTH_DAYS
from tests.factories.clients import ClientFactory
from tests.factories.tasks import PackFactory
from tests.factories.tenancy import PracticeFactory
from tests.month_days import (
    ONE_DAY,
    add_months,
    browser_of,
    local_today,
    member,
    month_first,
    month_label,
)

pytestmark = pytest.mark.django_db

ZONES = [
    pytest.param(("Europe/London", "GB"), id="london"),
    pytest.param(("Pacific/Auckland", "NZ"), id="auckland"),
]
# Client code → days from today to its collect target (its other stages are weeks later).
CASES = {"LATE": -1, "TODAY": 0, "SOON": 1}


def grid(first: datetime.date) -> tuple[datetime.date, datetime.date]:
    last = add_months(first, 1) - ONE_DAY
    return (
        first - datetime.timedelta(days=first.weekday()),
        last + datetime.timedelta(days=6 - last.weekday()),
    )


def day_cell(page: str, day: datetime.date) -> str:
    match = re.search(rf'<td id="day-{day.isoformat()}"[^>]*>.*?</td>', page, re.S)
    assert match, f"no cell for {day}"
    return match.group(0)


def day_row(page: str, client_name: str) -> str:
    match = re.search(rf"<tr>\s*<td><a [^>]*>{client_name}</a>.*?</tr>", page, re.S)
    assert match, f"no row for {client_name}"
    return match.group(0)


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("moment", MONTH_DAYS)
def test_the_calendar_is_drawn_for_the_practice_s_today(clock, moment, zone):
    tz_name, country = zone
    practice = PracticeFactory(name="Calendar Books", timezone=tz_name, country=country)
    bookkeeper = member(practice, "staff", "Tom Reilly")
    today = local_today(moment, tz_name)
    for code, offset in CASES.items():
        collect = today + datetime.timedelta(days=offset)
        later = {
            f"{stage}_due": collect + datetime.timedelta(days=40 + i)
            for i, stage in enumerate(STAGES[1:])
        }
        PackFactory(
            practice=practice,
            client=ClientFactory(practice=practice, name=f"{code.title()} Ltd", short_code=code),
            period=add_months(month_first(today), -1),
            preparer=bookkeeper,
            collect_due=collect,
            current_due=collect,
            **later,
        )
    clock.set(moment)
    browser = browser_of(bookkeeper)

    page = browser.get("/calendar/").content.decode()
    first = month_first(today)
    assert f"<title>Calendar · {month_label(first)}" in page
    assert f"Stage targets due each day of {month_label(first)}" in page
    marked = re.findall(r'<td id="day-([0-9-]+)"[^>]*aria-current="date"', page)
    assert marked == [today.isoformat()]
    assert '<span class="cal-today">Today</span>' in day_cell(page, today)

    start, end = grid(first)
    states = {"LATE": "overdue", "TODAY": "due", "SOON": "due"}
    for code, offset in CASES.items():
        day = today + datetime.timedelta(days=offset)
        if start <= day <= end:  # yesterday and tomorrow show in the grid, in the month or not
            cell = day_cell(page, day)
            assert f'class="cal-entry cal-entry-{states[code]}"' in cell, (code, day)
            assert f'<span class="code">{code}</span> Collect' in cell
            assert ("cal-count-overdue" in cell) == (states[code] == "overdue")

        if code == "TODAY":
            continue
        listing = browser.get(f"/calendar/?day={day.isoformat()}").content.decode()
        row = day_row(listing, f"{code.title()} Ltd")
        word = "Overdue" if states[code] == "overdue" else "Due"
        assert f'<span class="cal-mark cal-entry-{states[code]}">' in row
        assert f"</span> {word}</span>" in row
        # The pack's status: behind schedule only for the one due yesterday.
        assert ("badge-overdue" in row) == (code == "LATE"), (code, row)
