import shutil
import sys
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from learningcity.backup import (
    CHUNK,
    BackupError,
    check_engine,
    count,
    database_label,
    open_archive,
    restore_backup,
)


class Command(BaseCommand):
    help = (
        "Restore a `backup` archive: checks it, asks for confirmation (or --yes), REPLACES the "
        "database, writes every file back to the storage and verifies their checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive; '-' reads it from standard input.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (needed with '-')."
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Also delete the stored files that are not in the archive.",
        )

    def handle(self, *args, archive, yes, prune, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            with tempfile.TemporaryDirectory(prefix="lc-restore-") as workdir:
                workdir = Path(workdir)
                if archive == "-":
                    if not yes:
                        raise CommandError("Reading the archive from standard input needs --yes.")
                    path = workdir / "archive"
                    with path.open("wb") as spooled:
                        shutil.copyfileobj(sys.stdin.buffer, spooled, CHUNK)
                else:
                    path = Path(archive)
                    if not path.is_file():
                        raise CommandError(f"No such archive: {archive}")
                self.restore(path, connection, workdir, yes=yes, prune=prune)
        except BackupError as error:
            raise CommandError(str(error)) from None

    def restore(self, path: Path, connection, workdir: Path, *, yes: bool, prune: bool):
        archive = open_archive(path)  # checks every member before anything changes
        try:
            self.restore_archive(archive, connection, workdir, yes=yes, prune=prune)
        finally:
            archive.close()

    def restore_archive(self, archive, connection, workdir: Path, *, yes: bool, prune: bool):
        manifest = archive.manifest
        self.stdout.write(
            f"Backup of {manifest['created']}: a {manifest['database']['engine']} database and "
            f"{count(len(manifest['files']), 'file')}; every checksum matches."
        )
        check_engine(manifest, connection)
        if not yes:
            self.confirm(database_label(connection))
        result = restore_backup(
            archive, connection=connection, storage=default_storage, workdir=workdir, prune=prune
        )
        self.stdout.write(f"Restored the {database_label(connection)}.")
        self.stdout.write(
            f"Restored {count(result.files, 'file')} ({count(result.file_bytes, 'byte')}); "
            f"{result.verified} of {len(manifest['files'])} read back from the storage with "
            "matching checksums."
        )
        if result.pruned:
            self.stdout.write(
                f"Deleted {count(result.pruned, 'stored file')} that the backup does not have."
            )
        elif result.extra:
            self.stdout.write(
                f"Left in place {count(len(result.extra), 'stored file')} that the backup does "
                "not have (--prune deletes them)."
            )
        if result.unapplied:
            self.stdout.write(
                f"The code has {count(result.unapplied, 'migration')} the backup lacks: run "
                "`manage.py migrate`."
            )
        if result.unknown:
            self.stderr.write(
                f"The backup has {count(result.unknown, 'migration')} this code does not know: it "
                "comes from a newer version of the portal."
            )

    def confirm(self, target: str):
        if not sys.stdin.isatty():
            raise CommandError(
                "Refusing to restore without confirmation: run it in a terminal, or pass --yes."
            )
        answer = input(
            f"This REPLACES the {target} and overwrites stored files of the same names. "
            "Type 'yes' to continue: "
        )
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled; nothing was changed.")
