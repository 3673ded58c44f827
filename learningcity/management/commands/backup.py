import datetime
import os
import sys
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from learningcity.backup import BackupError, count, database_label, write_backup


class Command(BaseCommand):
    help = (
        "Back up the database and every stored file (uploads, compiled reports) into ONE tar "
        "archive with a manifest of SHA-256 checksums; `restore` puts it back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive",
            nargs="?",
            help=(
                "Where to write the archive (default: learningcity-backup-<UTC time>.tar in the "
                "current folder). '-' writes it to standard output. A name ending in .gz or .tgz "
                "is gzip-compressed. Temporary files go to TMPDIR."
            ),
        )

    def handle(self, *args, archive, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        if archive is None:
            now = datetime.datetime.now(datetime.UTC)
            archive = f"learningcity-backup-{now:%Y%m%dT%H%M%SZ}.tar"
        # With the archive on standard output, the messages go to standard error.
        messages = self.stderr if archive == "-" else self.stdout
        try:
            with tempfile.TemporaryDirectory(prefix="lc-backup-") as workdir:
                if archive == "-":
                    result = write_backup(
                        sys.stdout.buffer,
                        connection=connection,
                        storage=default_storage,
                        name="-",
                        workdir=Path(workdir),
                        stream=True,
                    )
                    sys.stdout.buffer.flush()
                    where = "standard output"
                else:
                    result = self.write_file(Path(archive), connection, Path(workdir))
                    where = archive
        except BackupError as error:
            raise CommandError(str(error)) from None
        messages.write(
            f"Backed up the {database_label(connection)} ({count(result.database_bytes, 'byte')}) "
            f"and {count(result.file_count, 'stored file')} ({count(result.file_bytes, 'byte')}) "
            f"to {where}."
        )
        if result.vanished:
            messages.write(f"{count(result.vanished, 'file')} deleted while listing: not included.")

    def write_file(self, path: Path, connection, workdir: Path):
        """Write the archive under a temporary name, then rename it: a failed backup never
        leaves a file that looks complete. Readable by its owner only (personal data)."""
        partial = path.with_name(path.name + ".partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as output:
                result = write_backup(
                    output,
                    connection=connection,
                    storage=default_storage,
                    name=path.name,
                    workdir=workdir,
                )
                output.flush()
                os.fsync(output.fileno())
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return result
