"""Staff routes that give a client's contact portal access (outside /portal/, which is the
contacts' own)."""

from django.urls import path

from portal import views_portal_access as views

urlpatterns = [
    path(
        "client-contacts/<client_contact:code>/portal/invite/",
        views.portal_invite,
        name="client_contact_portal_invite",
    ),
    path(
        "client-contacts/<client_contact:code>/portal/revoke/",
        views.portal_revoke,
        name="client_contact_portal_revoke",
    ),
]
