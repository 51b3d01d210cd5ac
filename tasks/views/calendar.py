"""The calendar: a month of stage targets across every client (a grid of days, or clients as
rows and stages as columns), filtered through the URL, with a side panel to tick a pack's
checklist without leaving the page.

Every page runs a constant number of queries (see ``tasks.calendar``). Everything works with a
full page load; with htmx the filters and month links swap only ``#calendar-results`` (and push
the URL), a client opens in ``#calendar-panel``, and a tick there answers with the refreshed
panel and an ``HX-Trigger: pack-changed`` header on which the results re-fetch themselves.
"""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from atlasos.accounts.decorators import staff_required
from atlasos.htmx import is_fragment_request
from atlasos.redirects import local_url
from cycle.clock import Clock
from cycle.periods import add_months
from cycle.stages import STAGES, Stage
from cycle.status import Status
from tasks import services
from tasks.access import access_pack, access_pack_item
from tasks.calendar import (
    CELL_STATES,
    ENTRY_STATES,
    DayList,
    StageEntries,
    grid_range,
    month_counts,
    month_end,
    month_range,
    month_rows,
    month_weeks,
    stage_cells,
)
from tasks.extensions import pack_extras
from tasks.filters import filtered_packs, month_start
from tasks.models import Pack
from tasks.queries import pack_view

PAGE_SIZE = 50
FILTERS_FORM_ID = "calendar-filters"
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def calendar_clock(request: HttpRequest) -> Clock:
    """Today in the practice's timezone."""
    return Clock.for_practice(request.user.practice)


def _read_day(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


class MonthOutOfRange(Exception):
    """The URL asks for a real month the calendar does not run to (year 1, year 9999...)."""

    def __init__(self, first: datetime.date, day: datetime.date | None):
        super().__init__(first, day)
        self.first, self.day = first, day


def _calendar_month(
    request: HttpRequest, clock: Clock
) -> tuple[datetime.date, datetime.date | None]:
    """The month the URL asks for (``day=`` wins over ``month=``; an unreadable one is this
    month) and the day, if any; ``MonthOutOfRange`` outside ``month_range()``."""
    day = _read_day(request.GET.get("day"))
    first = day.replace(day=1) if day else month_start(request.GET.get("month"), clock.today)
    earliest, latest = month_range()
    if not earliest <= first <= latest:
        raise MonthOutOfRange(first, day)
    return first, day


def _out_of_range(request: HttpRequest, error: MonthOutOfRange) -> HttpResponse:
    earliest, latest = month_range()
    context = {
        "nav": "calendar",
        "first": error.first,
        "day": error.day,
        "earliest": earliest,
        "latest": latest,
    }
    return render(request, "tasks/calendar_out_of_range.html", context, status=400)


def _url(query: str) -> str:
    return f"{reverse('calendar')}?{query}" if query else reverse("calendar")


def _page(paginator: Paginator, number):
    page = paginator.get_page(number)
    page.object_list = list(page.object_list)
    return page


def _calendar_context(request: HttpRequest, clock: Clock) -> dict:
    """Everything the calendar page shows for the month, layout, day and filters in the URL."""
    first, day = _calendar_month(request, clock)
    form, packs = filtered_packs(request, clock)
    layout = "rows" if request.GET.get("layout") == "rows" else "month"
    if day:
        layout = "day"
    month = first.strftime("%Y-%m")
    # Links keep the filters; the layout is kept when moving between months.
    keep = {"layout": "rows"} if layout == "rows" else {}
    this_month = clock.today.replace(day=1)
    earliest, latest = month_range()
    prev_month = add_months(first, -1) if first > earliest else None
    next_month = add_months(first, 1) if first < latest else None
    state = {"month": month, **keep, "day": day.isoformat() if day else None}
    context = {
        "nav": "calendar",
        "form": form,
        "layout": layout,
        "first": first,
        "day": day,
        "today": clock.today,
        "state": state,
        # A day's list: the filters, then day=YYYY-MM-DD.
        "day_prefix": _url(form.querystring()) + ("&" if form.active else "?") + "day=",
        # No link beyond the calendar's first and last months.
        "prev_url": prev_month and _url(form.querystring(month=f"{prev_month:%Y-%m}", **keep)),
        "next_url": next_month and _url(form.querystring(month=f"{next_month:%Y-%m}", **keep)),
        "this_month_url": _url(form.querystring(month=this_month.strftime("%Y-%m"), **keep)),
        "is_this_month": first == this_month,
        "prev_month": prev_month,
        "next_month": next_month,
        "month_url": _url(form.querystring(month=month)),
        "rows_url": _url(form.querystring(month=month, layout="rows")),
        "page_base": _url(form.querystring(**state)) + "&",
        "clear_url": _url(urlencode({key: value for key, value in state.items() if value})),
        "statuses": list(Status),
        "entry_states": ENTRY_STATES,
        "cell_states": CELL_STATES,
        "stages": [(stage, Stage(stage).label, stage.capitalize()) for stage in STAGES],
    }
    if layout == "day":
        targets = DayList(StageEntries(packs, day, day, clock))
        page = _page(Paginator(targets, PAGE_SIZE), request.GET.get("page"))
        context.update(page=page, counts=targets.counts)
    elif layout == "rows":
        rows = Paginator(month_rows(packs, first, clock), PAGE_SIZE)
        page = _page(rows, request.GET.get("page"))
        for pack in page.object_list:
            pack.cells = stage_cells(pack, clock.today, first)
        counts = StageEntries(packs, first, month_end(first), clock).counts()
        context.update(page=page, counts=counts)
    else:
        start, end = grid_range(first)
        weeks = month_weeks(first, clock, StageEntries(packs, start, end, clock).by_day())
        context.update(weeks=weeks, weekdays=WEEKDAYS, counts=month_counts(weeks))
    page_number = context["page"].number if "page" in context else None
    context["self_url"] = _url(
        form.querystring(**state, page=page_number if page_number and page_number > 1 else None)
    )
    return context


@staff_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    try:
        context = _calendar_context(request, calendar_clock(request))
    except MonthOutOfRange as error:
        return _out_of_range(request, error)
    htmx = request.htmx
    if is_fragment_request(request):
        context["oob"] = True
        response = render(request, "tasks/calendar.html#results", context)
        if htmx.trigger == FILTERS_FORM_ID:
            # The form's own URL lists every field, empty or not; push the tidy one instead.
            response["HX-Push-Url"] = context["self_url"]
        return response
    return render(request, "tasks/calendar.html", context)


# --- the side panel ------------------------------------------------------------------------


def _calendar_url(request: HttpRequest, candidate: str) -> str:
    """``candidate`` if it is a calendar page of this site, else the calendar."""
    default = reverse("calendar")
    return local_url(request, candidate, default, under=default)


def _panel_context(request: HttpRequest, pack: Pack, *, back: str, error=None) -> dict:
    view = pack_view(pack, request.user, calendar_clock(request))
    return {
        "pack": pack,
        "view": view,
        "back": back,
        "error": error,
        "pack_extras": pack_extras(request, pack, page="panel"),
    }


@staff_required
@require_GET
def pack_panel(request: HttpRequest, code) -> HttpResponse:
    """The pack in the calendar's side panel: for htmx the panel alone; for a plain visit the
    calendar page (the month, layout and filters of the query string) with the panel open."""
    pack = access_pack(request, code)
    if is_fragment_request(request):
        back = _calendar_url(request, request.htmx.current_url_abs_path or "")
        return render(request, "tasks/_pack_panel.html", _panel_context(request, pack, back=back))
    query = request.GET.urlencode()
    back = _url(query)
    try:
        context = _calendar_context(request, calendar_clock(request))
    except MonthOutOfRange as error:
        return _out_of_range(request, error)
    context["panel"] = _panel_context(request, pack, back=back)
    return render(request, "tasks/calendar.html", context)


@staff_required
@require_POST
def item_tick(request: HttpRequest, code) -> HttpResponse:
    """Tick or untick a checklist item from the side panel: the refreshed panel for htmx (and
    ``pack-changed`` for the calendar to refresh), else back to the calendar page."""
    item = access_pack_item(request, code)
    pack_code, title = item.pack.code, item.title
    back = _calendar_url(request, request.POST.get("next", ""))
    done = request.POST.get("done")
    error = services.tick_from_form(item, request.user, done)
    if request.htmx:
        pack = access_pack(request, pack_code)
        context = _panel_context(request, pack, back=back, error=error)
        response = render(request, "tasks/_pack_panel.html", context)
        if error is None:
            response["HX-Trigger"] = "pack-changed"
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{'Ticked' if done == '1' else 'Unticked'} “{title}”.")
    return redirect(back)
