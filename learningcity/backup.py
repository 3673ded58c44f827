"""Backup and restore of the whole portal: the database and every stored file, in one archive.

``manage.py backup`` writes, ``manage.py restore`` reads, a tar archive (gzip-compressed when its
name ends in ``.gz`` or ``.tgz``) holding:

- ``database.pgdump``: PostgreSQL, ``pg_dump --format=custom`` of the configured database; or
  ``database.sqlite3``: SQLite, a consistent copy made with the ``sqlite3`` backup API;
- ``files/<name>``: every file of the default storage (uploads and compiled reports), found by
  walking it with ``listdir``, so the uploads folder (STORAGE=filesystem) and an S3 bucket alike;
- ``manifest.json`` (written last): format, time, Django version, database engine, the applied
  migrations, and the size and SHA-256 of the dump and of every file.

Nothing here prints or logs connection secrets: the PostgreSQL password reaches pg_dump and
pg_restore through their environment only, and their error output is shown with it masked.
"""

import datetime
import hashlib
import io
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
FILES_PREFIX = "files/"
DUMP_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore cannot go on; the message says why (and holds no secret)."""


# --- small helpers -------------------------------------------------------------------------------


class HashingReader:
    """A file's reader that computes the SHA-256 and the size of what passes through it."""

    def __init__(self, fileobj):
        self.fileobj = fileobj
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size=-1):
        data = self.fileobj.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


def sha256_of(fileobj) -> tuple[str, int]:
    """(SHA-256, size) of what remains to be read of ``fileobj``."""
    reader = HashingReader(fileobj)
    while reader.read(CHUNK):
        pass
    return reader.hexdigest(), reader.size


def count(number: int, noun: str) -> str:
    """``count(1, "file")`` is "1 file", ``count(3, "file")`` "3 files"."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def engine_of(connection) -> str:
    if connection.vendor not in DUMP_MEMBERS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def database_label(connection) -> str:
    """What to call the database in messages: its engine and name, never host or credentials."""
    return f"{connection.vendor} database {connection.settings_dict['NAME']}"


# --- PostgreSQL: pg_dump / pg_restore ------------------------------------------------------------


def _pg_environment(settings_dict) -> dict[str, str]:
    """The environment for pg_dump and pg_restore: the connection settings as PG* variables,
    so that the password never appears on a command line (visible to every local user)."""
    env = dict(os.environ)
    options = settings_dict.get("OPTIONS") or {}
    variables = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGSERVICE": options.get("service"),
        "PGPASSFILE": options.get("passfile"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
        "PGAPPNAME": "learningcity-backup",
    }
    for name, value in variables.items():
        if value:
            env[name] = str(value)
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client tools of the server's major "
            "version (Debian: postgresql-client-NN)."
        )
    return path


def _run_pg_tool(arguments: list[str], settings_dict) -> str:
    """Run a PostgreSQL client tool; its output, or BackupError with its messages (masked)."""
    result = subprocess.run(
        arguments,
        env=_pg_environment(settings_dict),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip()
        password = settings_dict.get("PASSWORD")
        if password:
            message = message.replace(str(password), "********")
        tool = Path(arguments[0]).name
        raise BackupError(f"{tool} failed (exit status {result.returncode}): {message}")
    return result.stdout


def pg_tool_version(name: str) -> str:
    return subprocess.run(
        [_pg_tool(name), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


# --- the database --------------------------------------------------------------------------------


def dump_database(connection, path: Path) -> None:
    """Write a dump of ``connection``'s database to ``path``."""
    if engine_of(connection) == "postgresql":
        settings_dict = connection.settings_dict
        _run_pg_tool(
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-password",
                f"--file={path}",
                f"--dbname={settings_dict['NAME']}",
            ],
            settings_dict,
        )
    else:
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            # A consistent copy even while other connections write (the backup API restarts).
            connection.connection.backup(target)
        except sqlite3.Error as error:
            raise BackupError(f"Copying the SQLite database failed: {error}") from error
        finally:
            target.close()


def restore_database(connection, path: Path) -> None:
    """Replace the content of ``connection``'s database with the dump at ``path``."""
    if engine_of(connection) == "postgresql":
        settings_dict = connection.settings_dict
        # pg_restore drops the tables: this process must not hold them open in a transaction.
        connection.close()
        _run_pg_tool(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                # All or nothing: a failed restore leaves the database as it was.
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                f"--dbname={settings_dict['NAME']}",
                str(path),
            ],
            settings_dict,
        )
    else:
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError("Cannot restore SQLite inside a transaction.")
        source = sqlite3.connect(path)
        try:
            # Copies every page over the live database, schema included, through the connection
            # Django uses, so the file is never replaced under an open connection.
            source.backup(connection.connection)
        except sqlite3.Error as error:
            raise BackupError(
                f"Restoring the SQLite database failed ({error}): stop the processes using it."
            ) from error
        finally:
            source.close()


def applied_migrations(connection) -> dict[str, list[str]]:
    """{app label: [applied migration names]}, from the django_migrations table."""
    state: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        state.setdefault(app_label, []).append(name)
    return state


def migration_gap(connection) -> tuple[int, int]:
    """(migrations of the code not applied in the database, applied ones the code lacks)."""
    executor = MigrationExecutor(connection)
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    unknown = set(executor.loader.applied_migrations) - set(executor.loader.graph.nodes)
    return len(unapplied), len(unknown)


# --- stored files --------------------------------------------------------------------------------


def stored_files(storage, path: str = "") -> Iterator[str]:
    """Every file name in ``storage`` under ``path``, walking it with ``listdir``.

    Works for any storage that lists: FileSystemStorage and S3Storage alike.
    """
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:  # the uploads folder does not exist yet: nothing stored
        return
    for name in sorted(files):
        if name and name != ".":  # an S3 "folder" marker object lists as "."
            yield posixpath.join(path, name) if path else name
    for directory in sorted(directories):
        yield from stored_files(storage, posixpath.join(path, directory) if path else directory)


# --- the archive ---------------------------------------------------------------------------------


def _write_mode(name: str, stream: bool) -> str:
    """Plain tar, or gzip when the name says so; ``stream`` for an unseekable output."""
    return ("w|" if stream else "w:") + ("gz" if name.endswith((".gz", ".tgz")) else "")


def _add(tar: tarfile.TarFile, arcname: str, fileobj, size: int) -> str:
    """Add ``size`` bytes of ``fileobj`` as ``arcname``; their SHA-256."""
    info = tarfile.TarInfo(arcname)
    info.size = size
    info.mtime = int(time.time())
    info.mode = 0o600
    reader = HashingReader(fileobj)
    tar.addfile(info, reader)
    return reader.hexdigest()


@dataclass
class BackupResult:
    manifest: dict
    database_bytes: int = 0
    file_bytes: int = 0
    vanished: int = 0

    @property
    def file_count(self) -> int:
        return len(self.manifest["files"])


def write_backup(fileobj, *, connection, storage, name: str, workdir: Path, stream=False):
    """Write the archive to ``fileobj`` (named ``name``, which picks the compression)."""
    engine = engine_of(connection)
    manifest = {
        "format": FORMAT,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "django": django.get_version(),
        "database": {"engine": engine, "member": DUMP_MEMBERS[engine]},
        "migrations": applied_migrations(connection),
        "storage": settings.STORAGES["default"]["BACKEND"],
        "files": [],
    }
    if engine == "postgresql":
        manifest["database"]["tool"] = pg_tool_version("pg_dump")
    result = BackupResult(manifest)
    with tarfile.open(
        fileobj=fileobj, mode=_write_mode(name, stream), format=tarfile.PAX_FORMAT
    ) as tar:
        dump = workdir / DUMP_MEMBERS[engine]
        dump_database(connection, dump)
        size = dump.stat().st_size
        with dump.open("rb") as dumped:
            manifest["database"]["sha256"] = _add(tar, DUMP_MEMBERS[engine], dumped, size)
        manifest["database"]["size"] = result.database_bytes = size
        dump.unlink()

        for stored in stored_files(storage):
            try:
                size = storage.size(stored)
            except Exception:
                if storage.exists(stored):
                    raise
                result.vanished += 1  # deleted since the listing (a report compiled again)
                continue
            with storage.open(stored, "rb") as content:
                digest = _add(tar, FILES_PREFIX + stored, content, size)
            manifest["files"].append({"name": stored, "size": size, "sha256": digest})
            result.file_bytes += size
        manifest["file_count"] = len(manifest["files"])
        manifest["file_bytes"] = result.file_bytes

        encoded = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
        _add(tar, MANIFEST, io.BytesIO(encoded), len(encoded))
    return result


@dataclass
class Archive:
    """An opened backup archive whose content has been checked against its manifest."""

    tar: tarfile.TarFile
    manifest: dict
    members: dict[str, tarfile.TarInfo] = field(default_factory=dict)

    def open(self, member: str):
        return self.tar.extractfile(self.members[member])

    def close(self) -> None:
        self.tar.close()


def open_archive(path: Path) -> Archive:
    """Open the archive at ``path`` and check every member against the manifest.

    Raises BackupError, before anything is changed, on a damaged or foreign archive.
    """
    try:
        # Plain or compressed. Stays open in the Archive; Archive.close() closes it.
        tar = tarfile.open(path, mode="r:*")  # noqa: SIM115
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{path} is not a readable backup archive: {error}") from error
    archive = Archive(tar, {})
    try:
        archive.members = {member.name: member for member in tar.getmembers()}
        _check(archive, path)
    except (tarfile.TarError, OSError, EOFError) as error:
        tar.close()
        raise BackupError(f"{path} is not a readable backup archive: {error}") from error
    except (KeyError, TypeError) as error:
        tar.close()
        raise BackupError(f"{MANIFEST} lacks an entry: {error}") from error
    except BaseException:
        tar.close()
        raise
    return archive


def _check(archive: Archive, path: Path) -> None:
    members = archive.members
    if MANIFEST not in members:
        raise BackupError(f"{path} has no {MANIFEST}: not a backup of this portal.")
    try:
        manifest = json.load(archive.open(MANIFEST))
    except ValueError as error:
        raise BackupError(f"{MANIFEST} is damaged: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r} (expected {FORMAT}).")
    archive.manifest = manifest

    expected = [(manifest["database"]["member"], manifest["database"])]
    expected += [(FILES_PREFIX + entry["name"], entry) for entry in manifest["files"]]
    problems = []
    for member_name, entry in expected:
        member = members.get(member_name)
        if member is None or not member.isfile():
            problems.append(f"{member_name}: missing")
            continue
        digest, size = sha256_of(archive.open(member_name))
        if size != entry["size"] or digest != entry["sha256"]:
            problems.append(f"{member_name}: checksum mismatch")
    if problems:
        shown = "; ".join(problems[:10]) + ("; ..." if len(problems) > 10 else "")
        raise BackupError(f"The archive is damaged ({len(problems)} problems): {shown}")


def check_engine(manifest: dict, connection) -> None:
    """Refuse an archive of another database engine (a PostgreSQL dump into SQLite...)."""
    engine = engine_of(connection)
    if manifest["database"]["engine"] != engine:
        raise BackupError(
            f"The archive holds a {manifest['database']['engine']} database; this portal uses "
            f"{engine}."
        )


@dataclass
class RestoreResult:
    files: int = 0
    file_bytes: int = 0
    verified: int = 0
    extra: list[str] = field(default_factory=list)
    pruned: int = 0
    unapplied: int = 0
    unknown: int = 0


def restore_backup(archive: Archive, *, connection, storage, workdir: Path, prune=False):
    """Restore the database, then every file through ``storage``, then verify the files."""
    manifest = archive.manifest
    check_engine(manifest, connection)
    result = RestoreResult()

    dump = workdir / manifest["database"]["member"]
    with archive.open(manifest["database"]["member"]) as source, dump.open("wb") as target:
        shutil.copyfileobj(source, target, CHUNK)
    restore_database(connection, dump)
    dump.unlink()
    # Content types are cached per process by id; the restored table may number them otherwise.
    if apps.is_installed("django.contrib.contenttypes"):
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
    result.unapplied, result.unknown = migration_gap(connection)

    for entry in manifest["files"]:
        name = entry["name"]
        if storage.exists(name):
            storage.delete(name)  # so that the file keeps its name (no "_abc123" suffix)
        with archive.open(FILES_PREFIX + name) as content:
            saved = storage.save(name, File(content, name=name))
        if saved != name:
            raise BackupError(f"The storage saved {name!r} as {saved!r}.")
        result.files += 1
        result.file_bytes += entry["size"]

    # Read every file back from the storage: what the portal will serve is what was saved.
    for entry in manifest["files"]:
        with storage.open(entry["name"], "rb") as stored:
            digest, size = sha256_of(stored)
        if digest != entry["sha256"] or size != entry["size"]:
            raise BackupError(f"{entry['name']} does not read back as it was saved.")
        result.verified += 1

    wanted = {entry["name"] for entry in manifest["files"]}
    result.extra = [name for name in stored_files(storage) if name not in wanted]
    if prune:
        for name in result.extra:
            storage.delete(name)
        result.pruned = len(result.extra)
    return result
