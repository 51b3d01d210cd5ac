"""The project's own packages, found rather than listed: every installed app that lives in the
checkout, the core, and the cycle's vocabulary. Tests that read the source (the form-field
check, the hostile-input sweep, the import floors) walk these, so a new app is covered."""

from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def project_packages() -> set[str]:
    own = {
        top
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(ROOT / (top := app.name.split(".")[0]))
    }
    return own | {"atlasos", "cycle"}


def source_dirs() -> set[Path]:
    return {ROOT / package for package in project_packages()}
