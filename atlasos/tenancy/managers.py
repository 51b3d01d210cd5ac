"""Scoped managers: the first wall of tenancy.

``Model.objects`` is filtered to the practice in context and refuses to run without one.
``Model.unscoped_objects`` sees every practice but refuses to run outside ``unscoped(...)``.
Both refuse at evaluation time, so a queryset built at import time (a form class attribute)
cannot leak: it raises the first time it touches the database.
"""

from django.db import connections, models

from atlasos.tenancy.context import (
    PracticeContextError,
    current_practice_id,
    current_state,
    is_unscoped,
)


class TenantQuerySet(models.QuerySet):
    _scope_error: str | None = None

    def _clone(self):
        clone = super()._clone()
        clone._scope_error = self._scope_error
        return clone

    def _check_scope(self) -> None:
        if self._scope_error:
            raise PracticeContextError(self._scope_error)

    def sql_with_params(self) -> tuple[str, tuple]:
        """The queryset's SQL and parameters, to embed in a raw query: checked like any other
        evaluation, so raw SQL built on a scoped queryset keeps its practice filter."""
        self._check_scope()
        return self.query.sql_with_params()

    def _fetch_all(self):
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def count(self):
        self._check_scope()
        return super().count()

    def exists(self):
        self._check_scope()
        return super().exists()

    def contains(self, obj):
        self._check_scope()
        return super().contains(obj)

    def aggregate(self, *args, **kwargs):
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._check_scope()
        return super().update(**kwargs)

    def _update(self, values):
        self._check_scope()
        return super()._update(values)

    def delete(self):
        self._check_scope()
        return super().delete()

    def _raw_delete(self, using):
        self._check_scope()
        return super()._raw_delete(using)

    def iterator(self, chunk_size=None):
        self._check_scope()
        return super().iterator(chunk_size=chunk_size)

    def explain(self, **options):
        self._check_scope()
        return super().explain(**options)

    def update_each(self, objs, fields: list[str]) -> None:
        """``bulk_update(objs, fields)`` as one ``executemany`` of a plain UPDATE per row,
        matched on its pk and on the practice in context: Django's ``bulk_update`` builds a
        CASE expression of every row for every field, which for a few dozen rows costs more
        than the update itself (bench/inbox.py). The rows must be saved ones."""
        self._check_scope()
        objs = list(objs)
        if not objs:
            return
        connection = connections[self.db]
        meta = self.model._meta
        quote = connection.ops.quote_name
        columns = [meta.get_field(name) for name in fields]
        # Names from the model's own metadata, quoted; every value is a parameter.
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
        sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
        practice_id = current_practice_id()
        if practice_id is not None:
            sql += f" AND {quote('practice_id')} = %s"
        rows = []
        for obj in objs:
            if obj.pk is None:
                raise ValueError("update_each() of an unsaved row.")
            row = [
                field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns
            ]
            row.append(obj.pk)
            if practice_id is not None:
                row.append(practice_id)
            rows.append(row)
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    def bulk_create(self, objs, *args, **kwargs):
        self._check_scope()
        objs = list(objs)
        practice_id = current_practice_id()
        for obj in objs:
            if obj.practice_id is None:
                if practice_id is None:
                    raise PracticeContextError("bulk_create() of a tenant row without a practice.")
                obj.practice_id = practice_id
            elif practice_id is not None and obj.practice_id != practice_id:
                raise PracticeContextError("bulk_create() of another practice's row.")
        return super().bulk_create(objs, *args, **kwargs)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """The default manager: rows of the practice in context, nothing else."""

    def get_queryset(self):
        queryset = super().get_queryset()
        state = current_state()
        if isinstance(state, int):
            return queryset.filter(practice_id=state)
        queryset = queryset.none()
        queryset._scope_error = (
            "Tenant query without a practice: enter practice_context(practice_id)."
            if state is None
            else "Default tenant manager inside unscoped(): enter practice_context() "
            "or use unscoped_objects."
        )
        return queryset


class UnscopedManager(models.Manager.from_queryset(TenantQuerySet)):
    """Every practice's rows. Works only inside ``unscoped(reason)``."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if is_unscoped():
            return queryset
        queryset = queryset.none()
        queryset._scope_error = "unscoped_objects used outside unscoped(reason)."
        return queryset
