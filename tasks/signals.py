"""Signals the cycle sends for the apps above it (tasks imports none of them).

``pack_delivered``: a pack has just become complete (its deliver stage is done), however it
happened: published through the Deliver panel or its deliver item ticked by hand. Sent inside
the transaction that completed it, with ``pack``, ``actor`` (the user, or None when the system
ticked) and ``now``; a receiver's work commits or rolls back with the tick. The portal closes
the period's open document requests on it (``portal.closing``).

``packs_created``: the recurrence (or an assignment) has just created ``packs`` (a list, the
rows saved). Sent inside the transaction that created them; the portal makes each new pack's
document request from its collect stage (``portal.requests.create_for_packs``), in bulk.
"""

from django.dispatch import Signal

pack_delivered = Signal()
packs_created = Signal()
