from django.urls import path

from tasks.views import board, calendar, feed, packs, template_packs

my_work_urls = [
    path("my-work/", packs.my_work, name="my_work"),
    path("packs/create-now/", packs.packs_create_now, name="packs_create_now"),
]

pack_urls = [
    path("packs/reassign/", packs.pack_bulk_reassign, name="pack_bulk_reassign"),
    path("packs/<pack:code>/", packs.pack_detail, name="pack_detail"),
    path("packs/<pack:code>/reassign/", packs.pack_reassign, name="pack_reassign"),
    path("pack-items/<pack_item:code>/tick/", packs.pack_item_tick, name="pack_item_tick"),
    path("pack-items/<pack_item:code>/note/", packs.pack_item_note, name="pack_item_note"),
    path("clients/<client:code>/packs/", packs.client_packs, name="client_packs"),
]

calendar_urls = [
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar/packs/<pack:code>/panel/", calendar.pack_panel, name="calendar_pack_panel"),
    path(
        "calendar/pack-items/<pack_item:code>/tick/",
        calendar.item_tick,
        name="calendar_item_tick",
    ),
    path("feeds/<str:token>.ics", feed.calendar_feed, name="calendar_feed"),
]

board_urls = [
    path("board/", board.board_view, name="board"),
    path("board/kanban/", board.kanban_view, name="kanban"),
]

# Templates applied to packs: the template and client pages of templates_engine link here.
template_pack_urls = [
    path(
        "settings/templates/<template:code>/apply/",
        template_packs.template_apply,
        name="template_apply",
    ),
    path(
        "clients/assign-template/",
        template_packs.client_bulk_assign_template,
        name="client_bulk_assign_template",
    ),
    path(
        "clients/<client:code>/templates/assign/",
        template_packs.client_template_assign,
        name="client_template_assign",
    ),
    path(
        "client-templates/<client_template:code>/reactivate/",
        template_packs.client_template_reactivate,
        name="client_template_reactivate",
    ),
]

urlpatterns = my_work_urls + pack_urls + calendar_urls + board_urls + template_pack_urls
