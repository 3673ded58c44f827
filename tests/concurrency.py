"""Requests sent at the same moment from threads, each on its own database connection, for the
transactional race tests (PostgreSQL)."""

import threading
import time
from collections.abc import Callable

from django.db import close_old_connections, connection

from tests.integration.conftest import missing


def need_postgresql() -> None:
    if connection.vendor != "postgresql":
        missing("Concurrent writes need PostgreSQL: set DATABASE_URL=postgres://…")


def at_once(calls: list[Callable[[], object]]) -> list[object]:
    """Run ``calls`` in threads released together; their results (or exceptions) in order."""
    results: list[object] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=60)
            results[index] = call()
        except Exception as error:  # returned for the test to assert on
            results[index] = error
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def wait_until_blocked(*, polls: int = 6000) -> None:
    """Return once another connection waits for a lock (a row this connection's open transaction
    holds); fails after ``polls`` looks."""
    for _ in range(polls):
        with connection.cursor() as cursor:
            # Within a transaction the activity view is a snapshot unless cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.01)
    raise AssertionError("No other connection came to wait for the lock.")
