"""Gunicorn's settings for the portal's web processes.

Used by the image (Dockerfile), docker-compose.yml and the integration tests, with
``--config gunicorn.conf.py`` from the project folder (gunicorn also reads this file by itself
when started there). The command line keeps the rest: the application, ``--bind``, ``--workers``.

- The access log (standard output) is written in the portal's log format and carries the
  request's id: learningcity.access_log.
- Prometheus metrics are counted across all worker processes (prometheus_client's multiprocess
  mode; docs/deploy.md, Health endpoints): each worker writes its counters to files in
  ``PROMETHEUS_MULTIPROC_DIR`` and /metrics, whichever worker answers, adds up every worker's
  files, those of workers that have exited included. When the variable is not set, the master
  sets it to a private folder it creates here and removes on exit. Either way the folder is
  emptied when gunicorn starts: files of an earlier run would be counted again.
"""

import os
import shutil
import tempfile
from pathlib import Path

accesslog = "-"
logger_class = "learningcity.access_log.AccessLogger"

# Before any worker imports prometheus_client (workers load the application after the fork, and
# inherit the master's environment), so that every metric is written to the shared folder.
_OWN_FOLDER_PREFIX = "learningcity-metrics-"
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix=_OWN_FOLDER_PREFIX)


def on_starting(server):
    """Start from an empty metrics folder: one folder per gunicorn master."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    """A worker has exited (restarted, killed): its live gauges stop counting; counters stay."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    """Remove the metrics folder if this file created it (not one the environment named)."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    if folder.parent == Path(tempfile.gettempdir()) and folder.name.startswith(_OWN_FOLDER_PREFIX):
        shutil.rmtree(folder, ignore_errors=True)
