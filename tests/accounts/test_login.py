import pytest
from django.core import mail

from tests.factories.accounts import PASSWORD, UserFactory
from tests.helpers import sign_in

LOGIN = "/accounts/login/"


def test_member_signs_in_with_email_and_password_and_signs_out(client, staff):
    response = client.post(LOGIN, {"login": staff.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/clients/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/clients/").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, staff):
    response = client.post(LOGIN, {"login": staff.email, "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_failed_logins_are_throttled_per_account(client, staff):
    for _ in range(5):
        client.post(LOGIN, {"login": staff.email, "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    # Even the right password from another address is refused until the window passes.
    response = client.post(
        LOGIN, {"login": staff.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failed_logins_are_throttled_per_ip_address(client, practice):
    users = [UserFactory(practice=practice) for _ in range(11)]
    for user in users[:10]:
        client.post(LOGIN, {"login": user.email, "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    response = client.post(
        LOGIN, {"login": users[10].email, "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_deactivated_member_cannot_sign_in(client, staff):
    staff.is_active = False
    staff.save()
    response = client.post(LOGIN, {"login": staff.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)
    assert client.get("/clients/").status_code == 302


def test_password_reset_sends_a_link_that_sets_a_new_password(client, staff):
    response = client.post("/accounts/password/reset/", {"email": staff.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(word for word in body.split() if "/accounts/password/reset/key/" in word)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else "/" + path
    response = client.post(
        form_url, {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"}
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("a-new-long-passphrase")


def test_password_reset_for_unknown_email_reveals_nothing(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302


def test_sign_up_is_closed(client, db):
    response = client.get("/accounts/signup/")
    assert "closed" in response.content.decode().lower()


@pytest.mark.parametrize("path", ["/clients/", "/settings/team/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_session_cookie_is_http_only(client, staff):
    sign_in(client, staff, reauthenticate=False)
    assert client.cookies["sessionid"]["httponly"]
