import pytest


@pytest.fixture
def media(settings, tmp_path):
    """The CSV import's uploads go to a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
