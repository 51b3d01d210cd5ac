"""PostgreSQL backend that carries the practice context into row-level security.

Before a cursor runs, ``app.practice_id`` on the raw connection is made to agree with the context
variable, so a persistent or pooled connection never keeps the previous request's practice. The
value last set is remembered per connection and the set is skipped when it already agrees (one
round trip less for every statement); the memory is dropped whenever the server may have undone
the setting: a new connection, a rollback, a rollback to a savepoint (a SET inside a transaction
is undone by either) and a close. The statement runs on the raw psycopg connection, so it is not
one of the queries Django counts.
"""

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus

from atlasos.tenancy.context import rls_setting_value

SET_PRACTICE_SQL = "SELECT set_config('app.practice_id', %s, false)"
UNKNOWN = object()


class DatabaseWrapper(base.DatabaseWrapper):
    rls_value = UNKNOWN

    def create_cursor(self, name=None):
        cursor = super().create_cursor(name)
        value = rls_setting_value()
        # In a failed transaction the only statement that can run is the rollback this cursor
        # is about to send; every other statement fails there anyway.
        failed = self.connection.info.transaction_status == TransactionStatus.INERROR
        if value != self.rls_value and not failed:
            with self.connection.cursor() as raw:
                raw.execute(SET_PRACTICE_SQL, [value])
            self.rls_value = value
        return cursor

    def get_new_connection(self, conn_params):
        self.rls_value = UNKNOWN
        return super().get_new_connection(conn_params)

    def _rollback(self):
        self.rls_value = UNKNOWN
        try:
            return super()._rollback()
        finally:
            self.rls_value = UNKNOWN

    def _savepoint_rollback(self, sid):
        try:
            return super()._savepoint_rollback(sid)
        finally:
            self.rls_value = UNKNOWN

    def _close(self):
        self.rls_value = UNKNOWN
        return super()._close()
