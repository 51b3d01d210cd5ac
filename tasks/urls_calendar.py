from django.urls import path

from tasks import views_calendar

urlpatterns = [
    path("calendar/", views_calendar.calendar, name="calendar"),
    path(
        "calendar/packs/<pack:code>/panel/",
        views_calendar.pack_panel,
        name="calendar_pack_panel",
    ),
    path(
        "calendar/pack-items/<pack_item:code>/tick/",
        views_calendar.item_tick,
        name="calendar_item_tick",
    ),
]
