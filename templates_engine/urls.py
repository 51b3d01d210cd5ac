from django.urls import path

from templates_engine import views

urlpatterns = [
    # Settings › Task templates
    path("settings/templates/", views.template_list, name="template_list"),
    path("settings/templates/new/", views.template_create, name="template_create"),
    path("settings/templates/<template:code>/", views.template_detail, name="template_detail"),
    path(
        "settings/templates/<template:code>/duplicate/",
        views.template_duplicate,
        name="template_duplicate",
    ),
    path(
        "settings/templates/<template:code>/archive/",
        views.template_archive,
        name="template_archive",
    ),
    path(
        "settings/templates/<template:code>/restore/",
        views.template_restore,
        name="template_restore",
    ),
    path("settings/templates/<template:code>/apply/", views.template_apply, name="template_apply"),
    path(
        "settings/templates/<template:code>/items/add/",
        views.template_item_add,
        name="template_item_add",
    ),
    path(
        "settings/template-items/<template_item:code>/",
        views.template_item_edit,
        name="template_item_edit",
    ),
    path(
        "settings/template-items/<template_item:code>/move/",
        views.template_item_move,
        name="template_item_move",
    ),
    path(
        "settings/template-items/<template_item:code>/delete/",
        views.template_item_delete,
        name="template_item_delete",
    ),
    # A client's templates
    path(
        "clients/assign-template/",
        views.client_bulk_assign_template,
        name="client_bulk_assign_template",
    ),
    path("clients/<client:code>/templates/", views.client_templates, name="client_templates"),
    path(
        "clients/<client:code>/templates/assign/",
        views.client_template_assign,
        name="client_template_assign",
    ),
    path(
        "client-templates/<client_template:code>/",
        views.client_template_detail,
        name="client_template_detail",
    ),
    path(
        "client-templates/<client_template:code>/days/",
        views.client_template_days,
        name="client_template_days",
    ),
    path(
        "client-templates/<client_template:code>/items/",
        views.client_template_item_switch,
        name="client_template_item_switch",
    ),
    path(
        "client-templates/<client_template:code>/extra-items/",
        views.client_extra_item_add,
        name="client_extra_item_add",
    ),
    path(
        "client-templates/<client_template:code>/deactivate/",
        views.client_template_deactivate,
        name="client_template_deactivate",
    ),
    path(
        "client-templates/<client_template:code>/reactivate/",
        views.client_template_reactivate,
        name="client_template_reactivate",
    ),
    path(
        "client-extra-items/<extra_item:code>/delete/",
        views.client_extra_item_delete,
        name="client_extra_item_delete",
    ),
]
