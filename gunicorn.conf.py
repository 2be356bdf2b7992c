"""gunicorn settings for CareMentor (`gunicorn -c gunicorn.conf.py carementor.wsgi`).

Everything can be overridden by environment variables; the defaults suit a small VM."""

import json
import multiprocessing
import os
import time

from gunicorn.glogging import Logger

# Settings read this: persistent database connections (DATABASE_CONN_MAX_AGE) only here,
# where a fixed pool of workers each keeps one.
os.environ["CAREMENTOR_SERVER"] = "gunicorn"

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
worker_class = "gthread" if threads > 1 else "sync"
# A request that takes longer is killed (large work goes to the task queue instead).
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
# On SIGTERM, workers finish the requests they hold for up to this long, then exit.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or 30)
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE") or 5)
# Recycle workers now and then so a slow leak never grows; jitter keeps them from all
# restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 2000)
max_requests_jitter = max_requests // 10
# Load the app once in the master so workers fork warm (and a broken app fails at start).
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in {"1", "true", "yes"}
# Behind a reverse proxy on loopback or a private network.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
control_socket_disable = True


class JsonLogger(Logger):
    """Access log lines as JSON objects, with the request id the app sent back."""

    def access(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        if not self.access_log_enabled:
            return
        pairs = resp.headers.items() if hasattr(resp.headers, "items") else resp.headers
        request_id = next((v for k, v in pairs if k.lower() == "x-request-id"), "-")
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "request_id": request_id,
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": getattr(resp, "status_code", None),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.seconds * 1000 + request_time.microseconds / 1000, 1),
            "remote": environ.get("REMOTE_ADDR"),
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
        }
        try:
            self.access_log.info(json.dumps(line))
        except Exception:
            self.exception("access log line not written")


logger_class = JsonLogger


def post_fork(server, worker):  # type: ignore[no-untyped-def]
    # Connections opened while preloading belong to the master; never share them.
    from django.db import connections

    connections.close_all()
