#!/bin/bash
# A/B of verify_audit: main's code vs this branch with 1 and 2 processes
cd /work/wt/sweep
export CELERY_BROKER_URL=redis://127.0.0.1:6379/4 DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal_sweep PYTHONPATH=/work/wt/sweep
put() { for f in approvals/models/audit_chain.py approvals/models/audit.py approvals/services/audit_checkpoint.py; do cp /tmp/sweep_work/$1$(echo $f | tr / _) $f; done; }
for round in 1 2; do
  put old/; echo "== main (model instance per event)"; uptime; timeout 600 .venv/bin/python /tmp/sweep_work/bench_verify.py | tail -2
  put new_; echo "== branch, 1 process"; AUDIT_VERIFY_WORKERS=1 timeout 600 .venv/bin/python /tmp/sweep_work/bench_verify.py full | tail -2
  echo "== branch, 2 processes"; timeout 600 .venv/bin/python /tmp/sweep_work/bench_verify.py full | tail -2
done
put new_
git status --short
