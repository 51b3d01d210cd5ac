from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse


@dataclass(frozen=True)
class ConfiguredSite:
    """What allauth's email templates call ``current_site``. Without the sites framework allauth
    takes it from the request's Host header, which a stranger chooses where ``ALLOWED_HOSTS`` is
    wide; this one comes from ``SITE_URL``."""

    name: str
    domain: str


def site_url(path: str) -> str:
    """An absolute link on the configured site, whatever host the request came in on."""
    return settings.SITE_URL.rstrip("/") + path


def on_configured_site(url: str) -> str:
    """``url`` moved to the configured site when it is an absolute link to another host.

    allauth builds some links from the request (the sign-up and reset-request links of its
    "unknown account" and "account already exists" emails) before any adapter hook sees them.
    """
    parts = urlsplit(url)
    site = urlsplit(settings.SITE_URL)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return url
    if (parts.scheme, parts.netloc) == (site.scheme, site.netloc):
        return url
    path = site.path.rstrip("/") + parts.path
    return urlunsplit((site.scheme, site.netloc, path, parts.query, parts.fragment))


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Practices are set up by the platform; people join a practice by invitation.
        return False

    # Every link in an email is built from SITE_URL, never from the request's Host header: a
    # password-reset link pointing at a stranger's host would hand them the reset key.

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_url(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return site_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def format_email_subject(self, subject: str) -> str:
        return f"[AtlasOS] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        context = {
            name: on_configured_site(value) if isinstance(value, str) else value
            for name, value in context.items()
        }
        context["current_site"] = ConfiguredSite(
            name="AtlasOS", domain=urlsplit(settings.SITE_URL).netloc
        )
        super().send_mail(template_prefix, email, context)
