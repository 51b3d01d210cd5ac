"""Migration operation that puts a tenant table behind row-level security (PostgreSQL only)."""

from django.db.migrations.operations.base import Operation

# `CASE` keeps the bypass value '*' from ever being cast; an unset or empty setting matches
# no row. The same expression guards reads (USING) and writes (WITH CHECK).
POLICY_EXPRESSION = (
    "CASE current_setting('app.practice_id', true)"
    " WHEN '*' THEN true"
    " WHEN '' THEN false"
    " ELSE practice_id = current_setting('app.practice_id', true)::bigint END"
)
POLICY_NAME = "tenant_isolation"


def enable_sql(table: str, quote) -> list[str]:
    name = quote(table)
    return [
        f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS {POLICY_NAME} ON {name}",
        f"CREATE POLICY {POLICY_NAME} ON {name} "
        f"USING ({POLICY_EXPRESSION}) WITH CHECK ({POLICY_EXPRESSION})",
    ]


def disable_sql(table: str, quote) -> list[str]:
    name = quote(table)
    return [
        f"DROP POLICY IF EXISTS {POLICY_NAME} ON {name}",
        f"ALTER TABLE {name} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {name} DISABLE ROW LEVEL SECURITY",
    ]


class EnableRowLevelSecurity(Operation):
    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def deconstruct(self):
        return (self.__class__.__name__, [self.model_name], {})

    def state_forwards(self, app_label, state):
        pass

    def _run(self, app_label, schema_editor, state, builder):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = state.apps.get_model(app_label, self.model_name)
        for statement in builder(model._meta.db_table, schema_editor.quote_name):
            schema_editor.execute(statement)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(app_label, schema_editor, to_state, enable_sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(app_label, schema_editor, from_state, disable_sql)

    def describe(self):
        return f"Enable row-level security on {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"rls_{self.model_name.lower()}"
