import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Every raw message, attachment and filed document of these tests goes to a throwaway
    MEDIA_ROOT; the inbox addresses live under a fixed test domain."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ATLAS_INBOX_DOMAIN = "in.atlas.test"
    return settings.MEDIA_ROOT
