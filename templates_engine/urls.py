from django.urls import path

from templates_engine.views import client_templates, templates

# Settings › Task templates
template_urls = [
    path("settings/templates/", templates.template_list, name="template_list"),
    path("settings/templates/new/", templates.template_create, name="template_create"),
    path("settings/templates/<template:code>/", templates.template_detail, name="template_detail"),
    path(
        "settings/templates/<template:code>/duplicate/",
        templates.template_duplicate,
        name="template_duplicate",
    ),
    path(
        "settings/templates/<template:code>/archive/",
        templates.template_archive,
        name="template_archive",
    ),
    path(
        "settings/templates/<template:code>/restore/",
        templates.template_restore,
        name="template_restore",
    ),
]

template_item_urls = [
    path(
        "settings/templates/<template:code>/items/add/",
        templates.template_item_add,
        name="template_item_add",
    ),
    path(
        "settings/template-items/<template_item:code>/",
        templates.template_item_edit,
        name="template_item_edit",
    ),
    path(
        "settings/template-items/<template_item:code>/move/",
        templates.template_item_move,
        name="template_item_move",
    ),
    path(
        "settings/template-items/<template_item:code>/delete/",
        templates.template_item_delete,
        name="template_item_delete",
    ),
]

# A client's templates (assigning one creates packs: tasks serves that, see tasks/urls.py)
client_template_urls = [
    path(
        "clients/<client:code>/templates/",
        client_templates.client_templates,
        name="client_templates",
    ),
    path(
        "client-templates/<client_template:code>/",
        client_templates.client_template_detail,
        name="client_template_detail",
    ),
    path(
        "client-templates/<client_template:code>/days/",
        client_templates.client_template_days,
        name="client_template_days",
    ),
    path(
        "client-templates/<client_template:code>/items/",
        client_templates.client_template_item_switch,
        name="client_template_item_switch",
    ),
    path(
        "client-templates/<client_template:code>/extra-items/",
        client_templates.client_extra_item_add,
        name="client_extra_item_add",
    ),
    path(
        "client-templates/<client_template:code>/deactivate/",
        client_templates.client_template_deactivate,
        name="client_template_deactivate",
    ),
    path(
        "client-extra-items/<extra_item:code>/delete/",
        client_templates.client_extra_item_delete,
        name="client_extra_item_delete",
    ),
]

urlpatterns = template_urls + template_item_urls + client_template_urls
