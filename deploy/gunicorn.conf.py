"""gunicorn's configuration for the portal's web processes.

Used by deploy/systemd/portal-web.service (``gunicorn --config deploy/gunicorn.conf.py``) and by
``make stack``, which runs that unit's command line. Everything that differs between machines
comes from the environment file (deploy/portal.env.template):

- ``PORTAL_WEB_BIND``: the address nginx proxies to (default ``127.0.0.1:8000``);
- ``GUNICORN_WORKERS``: worker processes (default two per CPU plus one);
- ``GUNICORN_TIMEOUT``: seconds a request may take before its worker is replaced (default 60;
  nginx's ``proxy_read_timeout`` in deploy/nginx/portal.conf.template is a little longer).
"""

import multiprocessing
import os

bind = os.environ.get("PORTAL_WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
# On SIGTERM (systemctl stop, a release), requests in hand get this long to finish.
graceful_timeout = 30
# nginx keeps connections to gunicorn open between requests (its upstream keepalive).
keepalive = 75
# Replace each worker now and then, so that a slow leak cannot grow for ever.
max_requests = 2000
max_requests_jitter = 200
# The heartbeat file each worker touches: in memory, so that a slow disk cannot get it killed
# (gunicorn creates it there with mkstemp and unlinks it at once).
SHM = "/dev/shm"  # noqa: S108
worker_tmp_dir = SHM if os.path.isdir(SHM) else None
# The portal writes one log line per request itself (LOG_FORMAT); gunicorn's own access log would
# say the same thing again, without the request id and the pseudonymous user.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# X-Forwarded-* are read by the portal itself (TRUSTED_PROXY_*, BEHIND_TLS_PROXY), not by gunicorn.
forwarded_allow_ips = "127.0.0.1,::1"
proc_name = "portal-web"


def child_exit(server, worker):
    """A worker that exits leaves its /metrics files behind: mark them dead, so that its gauges
    stop counting (prometheus-client's multiprocess mode, PROMETHEUS_MULTIPROC_DIR)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
