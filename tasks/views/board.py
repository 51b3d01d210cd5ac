"""The task board (partners and managers) and the kanban (every member of staff).

Both read the shared filters (``tasks.filters.PackFilterForm``) from the URL; with htmx the
filter form, the sort links and the pages swap the results only. Every figure is computed in
SQL in a fixed number of queries (see ``tasks.board``).
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from atlasos.accounts.decorators import manager_required, staff_required
from atlasos.htmx import is_fragment_request
from cycle.clock import Clock
from cycle.stages import STAGES, Stage
from cycle.status import days_behind
from tasks import board, kanban, stage_times
from tasks.charts import Column, Row, bar_rows, column_chart
from tasks.filters import filtered_packs

OVERDUE_PAGE_SIZE = 50


def _clock(request: HttpRequest) -> Clock:
    return Clock.for_practice(request.user.practice)


def _page_number(value, default: int = 1) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return default


@manager_required
@require_GET
def board_view(request: HttpRequest) -> HttpResponse:
    clock = _clock(request)
    form, packs = filtered_packs(request, clock)
    periods = board.board_periods(
        clock.today, clock.calendar, request.user.practice.pack_release_offset
    )
    current = periods[-1]

    rates = board.completion_rates(packs, periods)
    completion_chart = column_chart(
        [
            Column(
                label=rate.short_label,
                value=rate.percent,
                text=f"{rate.percent}%" if rate.clients else "–",
                note=f"{rate.complete} of {rate.clients}",
                highlight=rate.period == current,
            )
            for rate in rates
        ],
        chart_id="completion-chart",
        title=f"Clients delivered, {rates[0].label} to {rates[-1].label}",
        axis_label="% delivered",
    )

    loads = board.stage_loads(packs, clock.today)
    loads_chart = bar_rows(
        [Row(label=load.label, total=load.open, part=load.overdue) for load in loads],
        chart_id="stage-chart",
        title="Open packs by current stage",
    )
    times = stage_times.stage_times(request.user.practice, current, packs)

    workload = board.team_workload(packs, form.members.values(), clock.today)

    sort = request.GET.get("sort", "")
    if sort not in board.OVERDUE_SORTS:
        sort = board.DEFAULT_OVERDUE_SORT
    overdue = Paginator(board.overdue_packs(packs, clock.today, sort), OVERDUE_PAGE_SIZE)
    page = overdue.get_page(request.GET.get("page"))
    for pack in page.object_list:
        pack.days_behind = days_behind(pack.progress(), clock.today, clock.calendar)

    monday, sunday = board.week_of(clock.today)
    context = {
        "nav": "board",
        "form": form,
        "today": clock.today,
        "current": rates[-1],
        "rates": rates,
        "completion_chart": completion_chart,
        "loads": loads,
        "loads_chart": loads_chart,
        "bottleneck": board.bottleneck(loads),
        "bottleneck_sentence": board.bottleneck_sentence(loads),
        "open_total": sum(load.open for load in loads),
        "overdue_total": sum(load.overdue for load in loads),
        "stage_times": stage_times.stage_time_rows(times),
        "previous_label": rates[-2].label,
        "workload": workload,
        "week": (monday, sunday),
        "page": page,
        "sort": sort,
        "sort_links": _sort_links(form, sort),
        "query": form.querystring(sort=sort if sort != board.DEFAULT_OVERDUE_SORT else ""),
        "filters_query": form.querystring(),
    }
    if is_fragment_request(request):
        return render(request, "tasks/board.html#results", context)
    return render(request, "tasks/board.html", context)


def _sort_links(form, sort: str) -> dict:
    """For each sortable column: the link that sorts by it (reversing when it is already the
    sort) and its ``aria-sort`` value."""
    links = {}
    first_order = {
        "client": "ascending",
        "stage": "ascending",
        "days": "descending",  # the most days behind first
        "preparer": "ascending",
    }
    for key, first in first_order.items():
        active = sort in (key, f"-{key}")
        target = f"-{key}" if sort == key else key
        state = ""
        if active:
            flipped = {"ascending": "descending", "descending": "ascending"}[first]
            state = first if sort == key else flipped
        links[key] = {"href": "?" + form.querystring(sort=target), "aria_sort": state}
    return links


@staff_required
@require_GET
def kanban_view(request: HttpRequest) -> HttpResponse:
    clock = _clock(request)
    form, packs = filtered_packs(request, clock)
    loads = {load.stage: load for load in board.stage_loads(packs, clock.today)}
    cards = kanban.kanban_cards(packs, clock)

    more = request.GET.get("more", "")
    more_page = 1
    if more in STAGES:
        last_page = max(1, -(-loads[more].open // kanban.KANBAN_CARDS))
        more_page = min(_page_number(request.GET.get("page")), last_page)
        if more_page > 1:
            cards[more] = kanban.kanban_column_page(packs, clock, more, more_page)
    else:
        more = ""

    columns = []
    for stage in STAGES:
        load = loads[stage]
        page = more_page if stage == more else 1
        shown = cards.get(stage, [])
        first = (page - 1) * kanban.KANBAN_CARDS + 1
        columns.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "load": load,
                "cards": shown,
                "page": page,
                "first": first if shown else 0,
                "last": first + len(shown) - 1 if shown else 0,
                "previous": form.querystring(more=stage, page=page - 1) if page > 1 else "",
                "next": (
                    form.querystring(more=stage, page=page + 1)
                    if first + len(shown) - 1 < load.open
                    else ""
                ),
            }
        )
    context = {
        "nav": "board",
        "form": form,
        "today": clock.today,
        "columns": columns,
        "open_total": sum(load.open for load in loads.values()),
        "filters_query": form.querystring(),
    }
    if is_fragment_request(request):
        return render(request, "tasks/kanban.html#results", context)
    return render(request, "tasks/kanban.html", context)
