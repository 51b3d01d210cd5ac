"""Staff routes of delivery: publishing a pack's final documents to the client's portal."""

from django.urls import path

from portal import views_delivery as delivery

urlpatterns = [
    path("packs/<pack:code>/deliver/", delivery.pack_deliver, name="pack_deliver"),
]
