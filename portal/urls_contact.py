"""The client portal's sign-in pages, home and client switcher (included at /portal/)."""

from django.urls import path

from portal import views_contact_auth as views

urlpatterns = [
    path("", views.portal_home, name="portal_home"),
    path("switch/", views.portal_switch, name="portal_switch"),
    path("sign-in/", views.portal_sign_in, name="portal_sign_in"),
    path("sign-in/link/", views.sign_in_link, name="portal_sign_in_link"),
    path("link/<str:token>/", views.portal_link, name="portal_link"),
]
