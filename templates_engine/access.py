"""Fetch task-template objects for a view: another practice's object is a 404."""

from django.shortcuts import get_object_or_404

from templates_engine.models import ClientExtraItem, ClientTemplate, TaskTemplate, TemplateItem


def access_template(request, code) -> TaskTemplate:
    return get_object_or_404(TaskTemplate.objects, code=code)


def access_template_item(request, code) -> TemplateItem:
    return get_object_or_404(TemplateItem.objects.select_related("template"), code=code)


def access_client_template(request, code) -> ClientTemplate:
    return get_object_or_404(
        ClientTemplate.objects.select_related("template", "client__preparer", "client__reviewer"),
        code=code,
    )


def access_extra_item(request, code) -> ClientExtraItem:
    return get_object_or_404(
        ClientExtraItem.objects.select_related("client_template__client"), code=code
    )
