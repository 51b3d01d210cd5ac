"""The demo practice (``manage.py seed_demo``, run by ``make run``): the top floor. It imports
every app to build a practice mid-flight on any day; nothing imports it."""
