"""Reminder settings: the practice's policy page, a client's override and pause on its
Requests tab, and what the request page says about the next reminder."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.test import Client as HttpClient
from django.urls import reverse

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from portal.models import DocumentRequest, ReminderSettings
from tests.clock import current_date
from tests.factories.clients import ClientFactory
from tests.helpers import sign_in
from tests.portal.mailing import open_request, portal_contact


@pytest.fixture
def managing(manager):
    return sign_in(HttpClient(), manager)


@pytest.fixture
def bakery(practice):
    return ClientFactory(practice=practice, name="Harbourview Bakery Ltd")


def rows(practice) -> list[dict]:
    with practice_context(practice.pk):
        return list(
            ReminderSettings.objects.order_by("pk").values(
                "client_id",
                "days_before",
                "every_days",
                "max_reminders",
                "escalate",
                "own_policy",
                "paused",
            )
        )


def texts(response) -> list[str]:
    return [
        str(m)
        for m in get_messages(response.wsgi_request)
        if not str(m).startswith("Successfully signed in")
    ]


# --- the practice's policy ------------------------------------------------------------------


def test_the_policy_page_shows_the_defaults_and_an_example(managing):
    page = managing.get(reverse("reminder_settings")).content.decode()
    assert 'name="days_before" value="3"' in page
    assert 'name="every_days" value="3"' in page and 'name="max_reminders" value="4"' in page
    assert "first 3 days before the due date, then every 3 days, at most 4" in page
    assert page.count("<li>Reminder on ") == 4


def test_a_manager_saves_the_policy(managing, practice):
    response = managing.post(
        reverse("reminder_settings"),
        {"days_before": "5", "every_days": "2", "max_reminders": "6", "escalate": ""},
    )
    assert response.status_code == 302
    assert texts(response) == ["Reminder policy saved. It applies from the next reminder run."]
    assert rows(practice) == [
        {
            "client_id": None,
            "days_before": 5,
            "every_days": 2,
            "max_reminders": 6,
            "escalate": False,
            "own_policy": False,
            "paused": False,
        }
    ]
    page = managing.get(reverse("reminder_settings")).content.decode()
    assert 'name="days_before" value="5"' in page
    assert page.count("<li>Reminder on ") == 6
    # Saving again updates the one row.
    managing.post(
        reverse("reminder_settings"),
        {"days_before": "1", "every_days": "1", "max_reminders": "1", "escalate": "on"},
    )
    assert [(r["days_before"], r["escalate"]) for r in rows(practice)] == [(1, True)]


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"days_before": "61", "every_days": "3", "max_reminders": "4"},
            "The first reminder must be 0 to 60 days before the due date.",
        ),
        (
            {"days_before": "3", "every_days": "0", "max_reminders": "4"},
            "Reminders after the due date must be 1 to 60 days apart.",
        ),
        (
            {"days_before": "3", "every_days": "3", "max_reminders": "21"},
            "Send between 1 and 20 reminders.",
        ),
        (
            {"days_before": "", "every_days": "3", "max_reminders": "4"},
            "Say how many days before the due date to start.",
        ),
        (
            {"days_before": "three", "every_days": "3", "max_reminders": "4"},
            "Enter a whole number.",
        ),
    ],
)
def test_a_bad_policy_says_why_and_stores_nothing(managing, practice, data, message):
    response = managing.post(reverse("reminder_settings"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert rows(practice) == []


def test_staff_cannot_change_the_policy(practice, staff):
    http = sign_in(HttpClient(), staff)
    assert http.get(reverse("reminder_settings")).status_code == 403
    assert http.post(reverse("reminder_settings"), {"days_before": "1"}).status_code == 403
    assert rows(practice) == []


def test_the_settings_area_links_to_reminders(managing):
    page = managing.get(reverse("template_list")).content.decode()
    assert f'href="{reverse("reminder_settings")}"' in page


# --- a client's override and pause -----------------------------------------------------------


def tab(http, client) -> str:
    return http.get(reverse("client_requests", args=[client.code])).content.decode()


def test_a_client_follows_the_practice_policy_until_given_its_own(managing, practice, bakery):
    assert "The practice's policy: first 3 days before the due date" in tab(managing, bakery)
    url = reverse("client_reminders", args=[bakery.code])
    response = managing.post(
        url,
        {"policy": "own", "days_before": "7", "every_days": "2", "max_reminders": "3"},
    )
    assert response.status_code == 302
    assert texts(response) == ["Harbourview Bakery Ltd now has its own reminder policy."]
    (row,) = rows(practice)
    assert row["client_id"] == bakery.pk and row["own_policy"] and not row["paused"]
    assert (row["days_before"], row["every_days"], row["max_reminders"]) == (7, 2, 3)
    assert "Its own policy: first 7 days before the due date" in tab(managing, bakery)

    response = managing.post(url, {"policy": "practice", "paused": "on"})
    assert texts(response) == ["Reminders paused for Harbourview Bakery Ltd."]
    (row,) = rows(practice)
    assert row["paused"] and not row["own_policy"] and row["days_before"] == 7
    assert "<strong>Paused</strong>" in tab(managing, bakery)

    managing.post(url, {"policy": "practice"})
    (row,) = rows(practice)
    assert not row["paused"] and not row["own_policy"]


def test_an_own_policy_without_its_numbers_says_so_and_stores_nothing(managing, practice, bakery):
    response = managing.post(
        reverse("client_reminders", args=[bakery.code]),
        {"policy": "own", "days_before": "3", "every_days": "", "max_reminders": "99"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Say how many days apart the later reminders are." in page
    assert "Send between 1 and 20 reminders." in page
    assert rows(practice) == []


def test_staff_see_the_clients_reminders_but_cannot_change_them(practice, staff, bakery):
    http = sign_in(HttpClient(), staff)
    page = tab(http, bakery)
    assert "The practice's policy" in page and "A manager can give" in page
    response = http.post(reverse("client_reminders", args=[bakery.code]), {"policy": "practice"})
    assert response.status_code == 403
    assert rows(practice) == []


# --- the request page -----------------------------------------------------------------------


def outlook_text(http, document_request) -> str:
    page = http.get(reverse("request_detail", args=[document_request.code])).content.decode()
    start = page.index('id="reminder-outlook">') + len('id="reminder-outlook">')
    return " ".join(page[start : page.index("</p>", start)].split())


def test_the_request_page_says_what_happens_next(managing, practice, bakery):
    today = current_date()
    portal_contact(practice, bakery, "Ann Baker", "ann@bakery.example")
    draft = open_request(practice, bakery, due=today + datetime.timedelta(days=10))
    assert outlook_text(managing, draft) == "Reminders start once the request is sent."

    sent = open_request(
        practice,
        bakery,
        due=today + datetime.timedelta(days=1),
        sent_at=wall_clock.now() - datetime.timedelta(days=20),
    )
    # Step 1 (3 days before) is due and not sent yet: the next run sends it.
    assert outlook_text(managing, sent) == "Next reminder: today (reminder 1 of 4)."

    with practice_context(practice.pk):
        ReminderSettings.objects.create(client=bakery, paused=True)
    assert outlook_text(managing, sent).startswith("Reminders are paused for Harbourview Bakery")

    with practice_context(practice.pk):
        ReminderSettings.objects.filter(client=bakery).update(paused=False)
        over = open_request(
            practice,
            bakery,
            due=today - datetime.timedelta(days=8),
            sent_at=wall_clock.now() - datetime.timedelta(days=20),
        )
    # Due 8 days ago: step 3 (due + 6 days) is the latest reached.
    assert outlook_text(managing, over) == "Next reminder: today (reminder 3 of 4)."
    with practice_context(practice.pk):
        DocumentRequest.objects.filter(pk=over.pk).update(escalated_at=wall_clock.now())
    assert outlook_text(managing, over).startswith("No more reminders; escalated on ")
