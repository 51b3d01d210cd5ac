"""Fetch reconciliation rows for a view: another practice's is a 404, the same answer as
"does not exist"."""

from django.shortcuts import get_object_or_404

from reconciliation.models import Line, Match, Reconciliation


def access_reconciliation(request, code) -> Reconciliation:
    return get_object_or_404(
        Reconciliation.objects.select_related("bank_account", "client"), code=code
    )


def access_match(request, code) -> Match:
    return get_object_or_404(
        Match.objects.select_related(
            "reconciliation", "reconciliation__bank_account", "reconciliation__client"
        ),
        code=code,
    )


def access_line(request, code) -> Line:
    return get_object_or_404(Line.objects.select_related("bank_account"), code=code)
