"""Helpers for the pack view tests: a stage's checklist items, and ticking them through HTTP."""

from atlasos.tenancy.context import practice_context
from tasks.models import PackItem
from tests.helpers import HTMX, reload


def items(pack, stage, *, mandatory=None) -> list[PackItem]:
    with practice_context(pack.practice_id):
        queryset = PackItem.objects.filter(pack=pack, stage=stage)
        if mandatory is not None:
            queryset = queryset.filter(mandatory=mandatory)
        return list(queryset.select_related("done_by"))


def tick(http, item, done=True, htmx=False):
    return http.post(
        f"/pack-items/{item.code}/tick/",
        {"done": "1" if done else "0"},
        headers=HTMX if htmx else {},
    )


def tick_stage(http, pack, stage):
    for item in items(pack, stage, mandatory=True):
        assert tick(http, item).status_code == 302
    return reload(pack)
