"""Views of templates_engine: one module per page family (see urls.py)."""
