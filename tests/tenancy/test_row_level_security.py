"""The second wall: PostgreSQL row-level security on every tenant table."""

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.utils import DatabaseError

from atlasos.tenancy.context import practice_context, unscoped
from atlasos.tenancy.models import TenantModel
from tests.factories import FACTORIES
from tests.helpers import needs_postgres

pytestmark = [needs_postgres, pytest.mark.postgres]


def tenant_models():
    return [m for m in apps.get_models() if issubclass(m, TenantModel)]


def test_tenant_models_are_found():
    labels = {m._meta.label for m in tenant_models()}
    assert {"clients.Client", "clients.BankAccount", "accounts.Invitation"} <= labels


@pytest.mark.django_db
def test_test_role_is_neither_superuser_nor_bypassrls():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        superuser, bypass = cursor.fetchone()
    assert superuser is False, "tests must not run as a superuser: RLS would be bypassed"
    assert bypass is False, "tests must not run as a BYPASSRLS role"


@pytest.mark.django_db
@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m._meta.label)
def test_every_tenant_table_has_a_forced_policy(model):
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = %s",
            [table],
        )
        enabled, forced = cursor.fetchone()
        cursor.execute("SELECT qual, with_check FROM pg_policies WHERE tablename = %s", [table])
        policies = cursor.fetchall()
    assert enabled and forced, f"{table}: add EnableRowLevelSecurity to its migration"
    assert len(policies) == 1, f"{table} has {len(policies)} policies"
    using, check = policies[0]
    assert "app.practice_id" in using and "app.practice_id" in check


@pytest.fixture
def rows_in_two_practices(practice, other_practice):
    missing = [m._meta.label for m in tenant_models() if m._meta.label not in FACTORIES]
    assert not missing, f"add a factory to its app's module in tests/factories/ for {missing}"
    for model in tenant_models():
        FACTORIES[model._meta.label](practice=practice)
        FACTORIES[model._meta.label](practice=other_practice)
    return practice, other_practice


def count_rows(table: str, practice_id=None) -> int:
    sql = f'SELECT count(*) FROM "{table}"'  # noqa: S608 - table names from the model registry
    params = []
    if practice_id is not None:
        sql += " WHERE practice_id = %s"
        params = [practice_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_raw_sql_in_one_practice_sees_no_row_of_another(rows_in_two_practices):
    mine, theirs = rows_in_two_practices
    for model in tenant_models():
        table = model._meta.db_table
        with practice_context(mine.pk):
            assert count_rows(table, theirs.pk) == 0, table
            assert count_rows(table) == count_rows(table, mine.pk) >= 1, table
        with practice_context(theirs.pk):
            assert count_rows(table, mine.pk) == 0, table


@pytest.mark.django_db
def test_raw_sql_without_a_practice_sees_nothing(rows_in_two_practices):
    for model in tenant_models():
        assert count_rows(model._meta.db_table) == 0, model._meta.db_table


@pytest.mark.django_db
def test_unscoped_sees_every_practice(rows_in_two_practices):
    with unscoped("test: RLS bypass value"):
        for model in tenant_models():
            assert count_rows(model._meta.db_table) >= 2


@pytest.mark.django_db
def test_writing_a_row_into_another_practice_is_refused_by_the_database(rows_in_two_practices):
    mine, theirs = rows_in_two_practices
    with practice_context(mine.pk):
        with (
            pytest.raises(DatabaseError, match="row-level security"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "INSERT INTO clients_tag (practice_id, code, name) "
                "VALUES (%s, gen_random_uuid(), 'smuggled')",
                [theirs.pk],
            )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE clients_client SET name = 'hijacked' WHERE practice_id = %s", [theirs.pk]
            )
            assert cursor.rowcount == 0


@pytest.mark.django_db
def test_the_setting_follows_the_context_on_a_reused_connection(practice, other_practice):
    def setting():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('app.practice_id', true)")
            return cursor.fetchone()[0]

    with practice_context(practice.pk):
        assert setting() == str(practice.pk)
    assert setting() == ""
    with practice_context(other_practice.pk):
        assert setting() == str(other_practice.pk)
    with unscoped("test"):
        assert setting() == "*"


def current_setting():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.practice_id', true)")
        return cursor.fetchone()[0]


class Undo(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_the_setting_is_right_after_a_rollback_undid_it(practice, other_practice):
    # The backend skips the set when the connection already has the value; a rollback undoes a
    # set made inside its transaction, so the next statement must set it again.
    with practice_context(practice.pk):
        assert current_setting() == str(practice.pk)
    with pytest.raises(Undo), transaction.atomic(), practice_context(other_practice.pk):
        assert current_setting() == str(other_practice.pk)
        raise Undo
    with practice_context(other_practice.pk):
        assert current_setting() == str(other_practice.pk)
    assert current_setting() == ""


@pytest.mark.django_db
def test_the_setting_is_right_after_a_savepoint_rollback(practice, other_practice):
    with transaction.atomic(), practice_context(practice.pk):
        assert current_setting() == str(practice.pk)
        sid = transaction.savepoint()
        with practice_context(other_practice.pk):
            assert current_setting() == str(other_practice.pk)
            transaction.savepoint_rollback(sid)  # the server is back to the first practice
            assert current_setting() == str(other_practice.pk)
        assert current_setting() == str(practice.pk)
