from portal.models.access import PortalAccount, PortalGrant, PortalLink
from portal.models.delivery import Delivery, DeliveryDocument
from portal.models.documents import (
    DocType,
    Document,
    DocumentRequest,
    RequestItem,
    RequestItemDocument,
    RequestStatus,
    Source,
)
from portal.models.mail import PortalEmail, Reminder, ReminderSettings

__all__ = [
    "Delivery",
    "DeliveryDocument",
    "DocType",
    "Document",
    "DocumentRequest",
    "PortalAccount",
    "PortalEmail",
    "PortalGrant",
    "PortalLink",
    "Reminder",
    "ReminderSettings",
    "RequestItem",
    "RequestItemDocument",
    "RequestStatus",
    "Source",
]
