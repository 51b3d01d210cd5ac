"""PostgreSQL backend that carries the practice context into row-level security.

Before every cursor, ``app.practice_id`` is set on the raw connection from the context variable,
so a persistent or pooled connection never keeps the previous request's practice. The value is
not cached per connection: a SET inside a transaction is undone by a rollback. The statement
runs on the raw psycopg connection, so it is not one of the queries Django counts.
"""

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus

from atlasos.tenancy.context import rls_setting_value

SET_PRACTICE_SQL = "SELECT set_config('app.practice_id', %s, false)"


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        cursor = super().create_cursor(name)
        # In a failed transaction the only statement that can run is the rollback this cursor
        # is about to send; every other statement fails there anyway.
        if self.connection.info.transaction_status != TransactionStatus.INERROR:
            with self.connection.cursor() as raw:
                raw.execute(SET_PRACTICE_SQL, [rls_setting_value()])
        return cursor
