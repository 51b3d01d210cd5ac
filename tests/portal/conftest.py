import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Every stored file of these tests goes to a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AWS_STORAGE_BUCKET_NAME = ""
    return settings.MEDIA_ROOT


def stored_files(media) -> list[str]:
    if not media.exists():
        return []
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
