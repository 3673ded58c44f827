"""Django's ``migrate``, one process at a time on PostgreSQL.

Every web container runs ``migrate`` as it starts: two started at once would both apply the same
migration and one would fail. Each run holds a PostgreSQL session advisory lock, so a second run
waits for the first, then finds nothing left to do. SQLite (one process) needs no lock.
"""

from django.core.management.commands import migrate
from django.db import DatabaseError, connections

# A fixed key shared by every process of the portal: pg_advisory_lock(bigint).
MIGRATE_LOCK_KEY = 7_236_183_301_540_001


class Command(migrate.Command):
    help = migrate.Command.help + " One run at a time: a second waits for the first to finish."

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            return super().handle(*args, **options)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATE_LOCK_KEY])
            if not cursor.fetchone()[0]:
                if options["verbosity"] >= 1:
                    self.stdout.write("Another migrate is running: waiting for it to finish.")
                cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK_KEY])
        try:
            return super().handle(*args, **options)
        finally:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_KEY])
            except DatabaseError:
                connection.close()  # ending the session releases its locks too
