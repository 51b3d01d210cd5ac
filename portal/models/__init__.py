from portal.models.access import PortalAccount, PortalGrant, PortalLink
from portal.models.delivery import Delivery, DeliveryDocument
from portal.models.mail import PortalEmail, QueryReminder, Reminder, ReminderSettings
from portal.models.queries import ClientQuery, ClientQueryDocument
from portal.models.requests import (
    DocumentRequest,
    RequestItem,
    RequestItemDocument,
    RequestStatus,
)

__all__ = [
    "ClientQuery",
    "ClientQueryDocument",
    "Delivery",
    "DeliveryDocument",
    "DocumentRequest",
    "PortalAccount",
    "PortalEmail",
    "PortalGrant",
    "PortalLink",
    "QueryReminder",
    "Reminder",
    "ReminderSettings",
    "RequestItem",
    "RequestItemDocument",
    "RequestStatus",
]
