"""``manage.py seed_scale --applications N``: realistic volume for benchmarks, on PostgreSQL.

Run ``manage.py seed_demo --password PW --no-applications`` first: the scale seed builds on the
demo city's departments, officials and service catalogue. Then::

    manage.py seed_scale --applications 1000000 --password PW

adds officials (hundreds in all), ~125 citizens and 25 businesses per 1,000 applications, the
applications across every published service in steady-state proportions of their statuses, their
review tasks as each service's workflow defines them, open clock pauses and supplement notices,
licences, a few thousand delegated grants, and ~7 audit events per application appended to the
hash chain (``verify_audit`` passes afterwards); then ANALYZE. Written with COPY in blocks of
1,000 applications, each block one transaction: an interrupted run continues where it stopped, a
larger N adds the difference, the same N again changes nothing. On SQLite it refuses (COPY is
PostgreSQL's); the embedded database has seed_demo's demo applications instead.

Every seeded account signs in with the password given here (or DEMO_PASSWORD); every seeded
application's query code is 246810.

The subjects file (``--subjects``, default ``var/scale_subjects.json``) names good benchmark
users, so that ``make bench`` signs in as the same ones whatever the scale::

    {
      "format": "portal-scale-subjects/1",
      "applications": 1000000,          # scale-seeded applications in the database
      "seed": 12,
      "written_at": "2026-12-06T14:00:00+00:00",
      "password": "the one given to seed_scale (--password or DEMO_PASSWORD)",
      "query_code": "246810",           # of every seeded application
      "tracking_number_example": "ENT-REG-20250103-00012",
      "subjects": {
        "reviewer":        {"email", "user_id", "department", "role", "visible_open_tasks"},
        "department_head": {"email", "user_id", "department", "role", "visible_open_tasks"},
        "supervisor":      {"email", "user_id", "department", "role"},
        "intake_clerk":    {"email", "user_id", "department", "role", "waiting_applications"},
        "citizen":         {"email", "user_id", "visible_applications"}
      }
    }

The reviewer and the department head are those whose queues come closest to the shapes issue 12
measured at one million applications (a reviewer seeing 1.28 % of N open tasks, a head 5.8 %;
with the demo catalogue at 100 k: 1,670 and 4,101); the citizen is the busiest personal applicant
(~30 applications at any scale above a few thousand). Counts are those of the run that wrote the
file. Officials must still pass the second factor to open pages.
"""

import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.scale.seed import SeedScaleError, seed_scale, subjects_document


class Command(BaseCommand):
    help = "Seed N applications (with tasks, audit events, people) fast, on PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, required=True, metavar="N")
        parser.add_argument(
            "--password",
            help="Password of every seeded account (or set DEMO_PASSWORD).",
        )
        parser.add_argument(
            "--seed", type=int, default=12, help="Random seed (keep it for later runs)."
        )
        parser.add_argument(
            "--subjects",
            default=str(Path(settings.VAR_DIR) / "scale_subjects.json"),
            metavar="FILE",
            help="Where to write the benchmark subjects (JSON).",
        )

    def handle(self, *args, **options):
        password = options["password"] or os.environ.get("DEMO_PASSWORD", "")
        if not password:
            raise CommandError("Give the password with --password or DEMO_PASSWORD.")
        if options["applications"] < 0:
            raise CommandError("--applications must not be negative.")
        try:
            result = seed_scale(
                applications=options["applications"], password=password, seed=options["seed"]
            )
        except SeedScaleError as error:
            raise CommandError(str(error)) from error
        if result.added:
            rows = sum(result.rows.values())
            self.stdout.write(
                self.style.SUCCESS(
                    f"Added {result.added:,} applications ({result.applications_after:,} in all) "
                    f"and {rows:,} rows in {result.seconds:,.1f}s "
                    f"({rows / result.seconds:,.0f} rows/s)."
                )
            )
            for table, count in sorted(result.rows.items()):
                self.stdout.write(f"  {table}: {count:,}")
        else:
            self.stdout.write(
                f"Already {result.applications_after:,} scale-seeded applications; nothing to add."
            )
        document = subjects_document(seed=options["seed"], applications=result.applications_after)
        path = Path(options["subjects"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
        self.stdout.write(f"Benchmark subjects (written to {path}):")
        for role, subject in document["subjects"].items():
            details = ", ".join(f"{k}={v}" for k, v in subject.items() if k != "email")
            self.stdout.write(f"  {role:16} {subject['email']}  ({details})")
