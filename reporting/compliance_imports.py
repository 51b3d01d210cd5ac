"""Saving an imported VAT return or payroll summary for a client: refused when its figures do
not hold together (the boxes do not add up, rows were not read, the file's total disagrees
with its rows); a second import of the same VAT period or of the same pay month replaces the
first; a VAT period overlapping another one held is refused unless the bookkeeper says to
replace it."""

from __future__ import annotations

import datetime

from django.db import transaction

from clients.models import Client
from cycle.periods import add_months
from reporting.imports import ImportRefused
from reporting.models import PayrollSummary, VatReturn
from reporting.payroll_summary import PayrollSummary as ReadPayroll
from reporting.vat_return import VatReturn as ReadVatReturn

MAX_VAT_MONTHS = 12


def vat_period(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first day of ``start``'s month and the last of ``end``'s; refused when the period
    runs backwards or is longer than a year (an annual accounting scheme's return)."""
    first = start.replace(day=1)
    last = add_months(end.replace(day=1), 1) - datetime.timedelta(days=1)
    if last < first:
        raise ImportRefused("The VAT period ends before it starts: check the months.")
    if add_months(first, MAX_VAT_MONTHS) <= last:
        raise ImportRefused("A VAT period is at most twelve months: check the months.")
    return first, last


class Overlaps(ImportRefused):
    """The period overlaps returns held for other periods: saving would replace them."""

    def __init__(self, periods: list[str]):
        self.periods = periods
        held = ", ".join(periods)
        super().__init__(
            f"These months overlap the return held for {held}: VAT periods do not overlap, so "
            "check the months (or the file). To replace it, tick “Replace the return held” "
            "and save again."
        )


def _periods(returns) -> list[str]:
    return [f"{r.period_start:%b %Y} – {r.period_end:%b %Y}" for r in returns]


def overlapping(client: Client, first: datetime.date, last: datetime.date) -> list[str]:
    """The periods of the returns held that overlap ``first``–``last`` but are not it."""
    return _periods(
        r
        for r in VatReturn.objects.filter(
            client=client, period_start__lte=last, period_end__gte=first
        )
        if (r.period_start, r.period_end) != (first, last)
    )


def save_vat_return(
    client: Client,
    read: ReadVatReturn,
    start: datetime.date,
    end: datetime.date,
    user,
    replace_overlapping: bool = False,
) -> tuple[VatReturn, list[str]]:
    """The saved return and the periods of the returns it replaced: the same period's, and
    (only when ``replace_overlapping``: a return saved under the wrong months, now put right)
    the ones overlapping it; else ``Overlaps`` says which they are."""
    problems = read.problems()
    if problems:
        raise ImportRefused(" ".join(problems))
    if not read.boxes:
        raise ImportRefused("No VAT box was read from the file: nothing to save.")
    first, last = vat_period(start, end)
    boxes = {f"box{n}": read.boxes.get(n) for n in range(1, 10)}
    with transaction.atomic():
        list(Client.objects.select_for_update().filter(pk=client.pk).values_list("pk"))
        held = list(
            VatReturn.objects.filter(client=client, period_start__lte=last, period_end__gte=first)
        )
        others = _periods(r for r in held if (r.period_start, r.period_end) != (first, last))
        if others and not replace_overlapping:
            raise Overlaps(others)
        replaced = _periods(held)
        VatReturn.objects.filter(pk__in=[r.pk for r in held]).delete()
        saved = VatReturn.objects.create(
            client=client,
            period_start=first,
            period_end=last,
            **boxes,
            layout=read.layout[:60],
            filename=read.filename[:255],
            imported_by=user,
        )
    return saved, replaced


def save_payroll(
    client: Client, read: ReadPayroll, period: datetime.date, user
) -> tuple[PayrollSummary, bool]:
    problems = read.problems()
    if problems:
        raise ImportRefused(" ".join(problems))
    with transaction.atomic():
        saved, created = PayrollSummary.objects.update_or_create(
            client=client,
            period=period.replace(day=1),
            defaults={
                "gross_pay": read.gross_pay,
                "paye": read.paye,
                "employee_ni": read.employee_ni,
                "employer_ni": read.employer_ni,
                "employee_pension": read.employee_pension,
                "employer_pension": read.employer_pension,
                "student_loan": read.student_loan,
                "net_pay": read.net_pay,
                "employees": read.employees,
                "layout": read.layout[:60],
                "filename": read.filename[:255],
                "imported_by": user,
            },
        )
    return saved, not created
