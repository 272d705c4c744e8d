from django.db.backends.sqlite3 import base, operations

from portal.test_backends.flush import flush_with_audit_guard


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        return flush_with_audit_guard("sqlite", statements, tables)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
