"""Helpers for the portal tests: the files in the throwaway MEDIA_ROOT, and the Deliver panel's
rows and markup. (Contacts and requests for the sending tests are in ``mailing.py``, sample
uploads in ``samples.py``.)"""

import re

from atlasos.tenancy.context import practice_context
from portal.models import Delivery, DeliveryDocument, PortalEmail


def stored_files(media) -> list[str]:
    if not media.exists():
        return []
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def counts(practice) -> tuple[int, int, int]:
    """The practice's deliveries, delivered documents and client emails."""
    with practice_context(practice.pk):
        return (
            Delivery.objects.count(),
            DeliveryDocument.objects.count(),
            PortalEmail.objects.count(),
        )


def panel(page: str) -> str:
    """The Deliver panel of a pack page."""
    return re.search(r'<div id="delivery".*?\n</div>', page, re.S).group(0)
