# ruff: noqa - a rough measuring script (README.md), not application code
import os, sys, time, resource
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
django.setup()
import portal.celery  # noqa
import logging

logging.disable(logging.INFO)
from django.db import connection, reset_queries
from django.conf import settings

settings.DEBUG = True
from approvals.services.sweep import sweep_deadlines
from approvals.models.working_calendar import working_calendar

working_calendar()
import subprocess

count = [0]


def counter(execute, sql, params, many, context):
    count[0] += 1
    return execute(sql, params, many, context)


settings.DEBUG = False
t = time.perf_counter()
c = time.process_time()
with connection.execute_wrapper(counter):
    r = sweep_deadlines()
el = time.perf_counter() - t
cpu = time.process_time() - c
n = len(r.deemed_accepted)
print(
    f"{sys.argv[1]}: deemed {n} in {el:.1f}s wall ({el / n * 1000:.1f} ms/app), {cpu:.1f}s cpu ({cpu / n * 1000:.1f} ms/app), {count[0]} queries ({count[0] / n:.1f}/app)"
)
