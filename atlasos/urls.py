from django.contrib import admin
from django.urls import include, path

from atlasos import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("atlasos.accounts.urls")),
    path("", include("clients.urls")),
    path("", include("templates_engine.urls")),
    path("", include("tasks.urls")),
    path("", include("notifications.urls")),
    path("", include("documents.urls")),
    path("", include("portal.urls")),
    path("", include("inbox.urls")),
    path("", include("reconciliation.urls")),
    path("", include("reporting.urls")),
    path("inbox/hooks/", include("inbox.webhook_urls")),
]

handler403 = "atlasos.views.error_403"
handler404 = "atlasos.views.error_404"
handler500 = "atlasos.views.error_500"
