"""Settings › Inbox rules: every member of staff reads what triage taught; managers and partners
point a rule at another client or delete it."""

import pytest
from django.test import Client as HttpClient

from atlasos.tenancy.context import practice_context
from inbox.models import RoutingRule
from tests.factories.clients import ClientFactory
from tests.factories.inbox import RoutingRuleFactory
from tests.factories.portal import PortalAccountFactory
from tests.helpers import reload, sign_in, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(practice):
    return ClientFactory(practice=practice, name="Acme Ltd", short_code="ACME01")


@pytest.fixture
def beta(practice):
    return ClientFactory(practice=practice, name="Beta Ltd", short_code="BETA01")


@pytest.fixture
def rule(practice, acme, partner):
    return RoutingRuleFactory(
        practice=practice,
        pattern="bills@acme.example",
        client=acme,
        times_used=5,
        times_right=4,
        created_by=partner,
    )


def test_the_rules_show_sender_client_how_often_right_and_when(practice, manager, rule):
    page = signed_in(manager).get("/settings/inbox/rules/").content.decode()
    row = page[page.index(f'id="rule-{rule.code}"') :]
    row = row[: row.index("</tr>")]
    assert "bills@acme.example" in row and "Acme Ltd" in row
    assert '<td class="num">4 of 5</td>' in row
    assert "Wed 18 Nov 2026" in row and "taught by Helen Marsh" in row
    assert f'action="/settings/inbox/rules/{rule.code}/"' in row
    assert f'action="/settings/inbox/rules/{rule.code}/delete/"' in row
    assert 'data-confirm="Delete the rule for bills@acme.example?' in row


def test_staff_read_the_rules_without_changing_them(practice, staff, rule):
    page = signed_in(staff).get("/settings/inbox/rules/").content.decode()
    assert "bills@acme.example" in page
    assert "/delete/" not in page and 'name="client"' not in page
    assert "Managers and partners can change or delete a rule." in page


def test_no_rules_yet_says_how_they_are_learned(practice, staff):
    page = signed_in(staff).get("/settings/inbox/rules/").content.decode()
    assert "No rules yet" in page and 'href="/inbox/triage/"' in page


def test_a_manager_points_a_rule_at_another_client_and_it_counts_again(
    practice, manager, rule, beta
):
    response = signed_in(manager).post(
        f"/settings/inbox/rules/{rule.code}/", {"client": "BETA01"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/settings/inbox/rules/"
    assert "Mail from bills@acme.example now goes to Beta Ltd" in response.content.decode()
    rule = reload(rule)
    assert (rule.client_id, rule.times_used, rule.times_right) == (beta.pk, 0, 0)


def test_the_same_client_changes_nothing(practice, partner, rule, acme):
    response = signed_in(partner).post(
        f"/settings/inbox/rules/{rule.code}/", {"client": "ACME01"}, follow=True
    )
    assert "already goes to Acme Ltd" in response.content.decode()
    assert reload(rule).times_used == 5


def test_an_unknown_client_leaves_the_rule_alone(practice, manager, rule, other_practice):
    theirs = ClientFactory(practice=other_practice, short_code="THEIR1")
    http = signed_in(manager)
    for value in ("", "NOPE", str(theirs.code)):
        response = http.post(f"/settings/inbox/rules/{rule.code}/", {"client": value}, follow=True)
        assert "was not changed" in response.content.decode(), value
    assert reload(rule).client_id == rule.client_id


def test_a_partner_deletes_a_rule(practice, partner, rule):
    response = signed_in(partner).post(f"/settings/inbox/rules/{rule.code}/delete/", follow=True)
    assert "Rule for bills@acme.example deleted" in response.content.decode()
    with practice_context(practice.pk):
        assert not RoutingRule.objects.exists()


def test_staff_may_not_change_or_delete_a_rule(practice, staff, rule, beta):
    http = signed_in(staff)
    assert http.post(f"/settings/inbox/rules/{rule.code}/", {"client": "BETA01"}).status_code == 403
    assert http.post(f"/settings/inbox/rules/{rule.code}/delete/").status_code == 403
    assert reload(rule).client_id == rule.client_id


def test_another_practices_rule_is_404(practice, manager, other_practice, beta):
    theirs = RoutingRuleFactory(practice=other_practice)
    http = signed_in(manager)
    assert (
        http.post(f"/settings/inbox/rules/{theirs.code}/", {"client": "BETA01"}).status_code == 404
    )
    assert http.post(f"/settings/inbox/rules/{theirs.code}/delete/").status_code == 404
    assert reload(theirs).pattern == theirs.pattern


def test_a_client_contact_is_refused(practice, rule):
    account = PortalAccountFactory(practice=practice)
    http = sign_in(HttpClient(), account.user, reauthenticate=False)
    assert http.get("/settings/inbox/rules/").status_code == 403
    assert http.post(f"/settings/inbox/rules/{rule.code}/delete/").status_code == 403


def test_the_editing_actions_are_posts(practice, manager, rule):
    http = signed_in(manager)
    assert http.get(f"/settings/inbox/rules/{rule.code}/").status_code == 405
    assert http.get(f"/settings/inbox/rules/{rule.code}/delete/").status_code == 405


# Session, user (with its practice), the page's count, its rules (with their clients and who
# taught them), the clients the picker suggests, the top bar's triage count, the bell's count.
RULES_QUERIES = 7


@pytest.mark.parametrize("count", [2, 40])
def test_the_rules_page_runs_the_same_queries_at_any_size(
    practice, manager, count, django_assert_max_num_queries
):
    RoutingRuleFactory.create_batch(count, practice=practice, created_by=manager)
    http = signed_in(manager)
    with django_assert_max_num_queries(RULES_QUERIES):
        assert http.get("/settings/inbox/rules/").status_code == 200
