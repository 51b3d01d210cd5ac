"""Views of tasks: one module per page family (see urls.py)."""
