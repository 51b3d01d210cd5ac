"""The cycle's vocabulary: the six stages, periods, working days, a pack's status rules, and the
practice's clock (today and its working-day calendar).

Pure modules that import no app: every floor above (clients, templates_engine, tasks, portal,
inbox, reconciliation, reporting) speaks these words. Only the core (``atlasos``) is below it.
"""
