"""Mobile numbers stored before E.164 get their country code when the migration runs."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0003_department_document_prefix")]
AFTER = [("accounts", "0004_mobile_e164")]


@pytest.mark.django_db(transaction=True)
def test_stored_mainland_numbers_become_e164_and_back():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    OldUser = old_apps.get_model("accounts", "User")
    OldUser.objects.create(email="old@example.cn", mobile="13800138000", password="!")
    OldUser.objects.create(email="none@example.cn", mobile=None, password="!")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    NewUser = new_apps.get_model("accounts", "User")
    assert NewUser.objects.get(email="old@example.cn").mobile == "+8613800138000"
    assert NewUser.objects.get(email="none@example.cn").mobile is None

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    assert OldUser.objects.get(email="old@example.cn").mobile == "13800138000"

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
