import pytest
from allauth.mfa.models import Authenticator

from tests.helpers import sign_in


@pytest.fixture
def mfa_practice(practice):
    practice.require_mfa = True
    practice.save()
    return practice


def test_member_without_authenticator_is_sent_to_set_one_up(client, mfa_practice, staff):
    sign_in(client, staff, reauthenticate=False)
    response = client.get("/clients/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_member_can_set_up_totp_and_then_works(client, mfa_practice, staff):
    from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time

    sign_in(client, staff)
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]
    code = hotp_value(secret, next(yield_hotp_counters_from_time()))
    response = client.post("/accounts/2fa/totp/activate/", {"code": f"{code:06d}"})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert client.get("/clients/").status_code == 200


def test_sign_in_asks_for_the_code_once_totp_is_on(client, mfa_practice, staff):
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    response = client.post(
        "/accounts/login/", {"login": staff.email, "password": "correct-horse-battery"}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session


def test_partner_makes_two_factor_compulsory(client, practice, partner):
    sign_in(client, partner)
    response = client.post(
        "/settings/practice/",
        {
            "name": practice.name,
            "country": "GB",
            "timezone": "Europe/London",
            "pack_release_offset": "0",
            "require_mfa": "on",
        },
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.require_mfa
