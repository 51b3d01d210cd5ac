"""URL converters for object codes, one per model.

Every URL that names a tenant object carries its UUID ``code`` through one of these converters,
so the isolation test can tell which model a route takes and build one in another practice.
"""

import uuid

from django.urls import register_converter

UUID_REGEX = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

CODE_CONVERTERS: dict[str, type] = {}


class CodeConverter:
    regex = UUID_REGEX
    model_label = ""

    def to_python(self, value: str) -> uuid.UUID:
        return uuid.UUID(value)

    def to_url(self, value) -> str:
        return str(value)


def register_code_converter(name: str, model_label: str) -> None:
    """``<name:code>`` in a URL pattern takes the code of a ``model_label`` object."""
    if name in CODE_CONVERTERS:
        return
    converter = type(f"{name.title().replace('_', '')}Converter", (CodeConverter,), {})
    converter.model_label = model_label
    CODE_CONVERTERS[name] = converter
    register_converter(converter, name)
