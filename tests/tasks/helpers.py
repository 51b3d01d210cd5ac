"""Helpers for the pack view tests: a stage's checklist items, and ticking them through HTTP;
and for the calendar tests: a page as a member sees it, and a client's row of the rows layout."""

import re

from atlasos.tenancy.context import practice_context
from tasks.models import PackItem
from tests.helpers import HTMX, reload, signed_in


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


def get(user, url: str, **kwargs) -> str:
    """The page at ``url`` as ``user`` sees it; it must answer 200."""
    response = signed_in(user).get(url, **kwargs)
    assert response.status_code == 200
    return response.content.decode()


def row_cells(page: str, client_name: str) -> list[str]:
    """The state of each stage in a client's row of the calendar's rows layout."""
    start = page.index(f">{client_name}</a>")
    row = page[start : page.index("</tr>", start)]
    return [
        state + (" current" if current else "")
        for state, current in re.findall(r'<td class="cal-cell cal-cell-(\w+)( is-current)?', row)
    ]
