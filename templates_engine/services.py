"""Template workflows: the standard template, duplication, per-client checklists, and
carrying a template change into open packs on request."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from cycle.stages import STAGES, stage_index
from templates_engine.models import (
    ClientDisabledItem,
    ClientExtraItem,
    ClientTemplate,
    TaskTemplate,
    TemplateItem,
)
from templates_engine.standard import STANDARD_DESCRIPTION, STANDARD_ITEMS, STANDARD_NAME


@dataclass(frozen=True)
class ItemSpec:
    """One line of a client's checklist, ready to copy into a pack."""

    stage: str
    title: str
    guidance: str
    mandatory: bool
    position: int
    auto_key: str = ""
    template_item_id: int | None = None
    extra_item_id: int | None = None

    @classmethod
    def of_template_item(cls, item) -> "ItemSpec":
        """The line a template item puts on a checklist."""
        return cls(
            stage=item.stage,
            title=item.title,
            guidance=item.guidance,
            mandatory=item.mandatory,
            position=item.position,
            auto_key=item.auto_key,
            template_item_id=item.pk,
        )


def create_standard_template(created_by=None) -> TaskTemplate:
    """The practice's standard monthly template (in the practice's context)."""
    template, created = TaskTemplate.objects.get_or_create(
        name=STANDARD_NAME,
        defaults={"description": STANDARD_DESCRIPTION, "created_by": created_by},
    )
    if created:
        TemplateItem.objects.bulk_create(
            [
                TemplateItem(
                    template=template,
                    stage=stage,
                    title=title,
                    mandatory=mandatory,
                    auto_key=auto_key,
                    guidance=guidance,
                    position=(index + 1) * 10,
                )
                for index, (stage, title, mandatory, auto_key, guidance) in enumerate(
                    STANDARD_ITEMS
                )
            ]
        )
    return template


@transaction.atomic
def duplicate_template(template: TaskTemplate, *, name: str, created_by) -> TaskTemplate:
    copy = TaskTemplate.objects.create(
        name=name,
        description=template.description,
        recurrence=template.recurrence,
        created_by=created_by,
        **{f"{stage}_day": getattr(template, f"{stage}_day") for stage in STAGES},
    )
    TemplateItem.objects.bulk_create(
        [
            TemplateItem(
                template=copy,
                stage=item.stage,
                title=item.title,
                guidance=item.guidance,
                mandatory=item.mandatory,
                position=item.position,
                auto_key=item.auto_key,
            )
            for item in template.items.all()
        ]
    )
    return copy


def next_position(template: TaskTemplate, stage: str) -> int:
    top = template.items.filter(stage=stage).aggregate(top=Max("position"))["top"]
    return (top or 0) + 10


def checklist_from(
    template_items: list, extra_items: list, disabled_ids: set[int]
) -> list[ItemSpec]:
    """A client's checklist: the template's items less the optional ones switched off, plus
    the client's extra items, in stage order."""
    specs = [
        ItemSpec.of_template_item(i)
        for i in template_items
        if not (i.pk in disabled_ids and not i.mandatory)
    ]
    specs += [
        ItemSpec(
            stage=e.stage,
            title=e.title,
            guidance=e.guidance,
            mandatory=e.mandatory,
            position=e.position,
            extra_item_id=e.pk,
        )
        for e in extra_items
    ]
    specs.sort(key=lambda s: (stage_index(s.stage), s.position))
    return [
        ItemSpec(**{**s.__dict__, "position": (index + 1) * 10}) for index, s in enumerate(specs)
    ]


def client_checklist(client_template: ClientTemplate) -> list[ItemSpec]:
    return checklist_from(
        list(client_template.template.items.all()),
        list(client_template.extra_items.all()),
        set(client_template.disabled_items.values_list("template_item_id", flat=True)),
    )


def load_checklists(client_templates: list[ClientTemplate]) -> dict[int, list[ItemSpec]]:
    """Checklists for many client templates in three queries (the recurrence job's hot path)."""
    template_ids = {ct.template_id for ct in client_templates}
    ct_ids = [ct.pk for ct in client_templates]
    items_by_template: dict[int, list] = {}
    for item in TemplateItem.objects.filter(template_id__in=template_ids).order_by("position"):
        items_by_template.setdefault(item.template_id, []).append(item)
    extras: dict[int, list] = {}
    for extra in ClientExtraItem.objects.filter(client_template_id__in=ct_ids):
        extras.setdefault(extra.client_template_id, []).append(extra)
    disabled: dict[int, set[int]] = {}
    for ct_id, item_id in ClientDisabledItem.objects.filter(
        client_template_id__in=ct_ids
    ).values_list("client_template_id", "template_item_id"):
        disabled.setdefault(ct_id, set()).add(item_id)
    return {
        ct.pk: checklist_from(
            items_by_template.get(ct.template_id, []),
            extras.get(ct.pk, []),
            disabled.get(ct.pk, set()),
        )
        for ct in client_templates
    }
