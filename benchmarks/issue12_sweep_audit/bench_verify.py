# ruff: noqa - a rough measuring script (README.md), not application code
import os, sys, time, resource
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
django.setup()
from audit.checkpoints import verify_audit_trail
import inspect

kw = {}
if len(sys.argv) > 1 and "full" in inspect.signature(verify_audit_trail).parameters:
    kw["full"] = sys.argv[1] == "full"
prof = "prof" in sys.argv
import gc

if os.environ.get("NOGC"):
    gc.disable()
for _ in range(1 if prof else 3):
    t = time.perf_counter()
    c = time.process_time()
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    if prof:
        import cProfile, pstats

        pr = cProfile.Profile()
        pr.enable()
    r = verify_audit_trail(**kw)
    el = time.perf_counter() - t
    ch2 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - c + (ch2.ru_utime + ch2.ru_stime - ch.ru_utime - ch.ru_stime)
    walked = getattr(r, "walked", r.events)
    print(
        f"intact={r.intact} events={r.events} walked={walked} wall {el:.2f}s {walked / el:,.0f} events/s; cpu {cpu:.2f}s {walked / cpu:,.0f} events/cpu-s"
    )
    if prof:
        pr.disable()
        pstats.Stats(pr).sort_stats("tottime").print_stats(12)
