from django.urls import path

from tasks import views, views_feed

urlpatterns = [
    path("my-work/", views.my_work, name="my_work"),
    path("packs/reassign/", views.pack_bulk_reassign, name="pack_bulk_reassign"),
    path("packs/create-now/", views.packs_create_now, name="packs_create_now"),
    path("packs/<pack:code>/", views.pack_detail, name="pack_detail"),
    path("packs/<pack:code>/reassign/", views.pack_reassign, name="pack_reassign"),
    path("pack-items/<pack_item:code>/tick/", views.pack_item_tick, name="pack_item_tick"),
    path("pack-items/<pack_item:code>/note/", views.pack_item_note, name="pack_item_note"),
    path("clients/<client:code>/packs/", views.client_packs, name="client_packs"),
    path("feeds/<str:token>.ics", views_feed.calendar_feed, name="calendar_feed"),
]
