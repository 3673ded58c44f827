"""The deployment files hold together: docker-compose.yml, Dockerfile, .dockerignore and the
vendored front-end assets listed in static/vendor/README.md.

No Docker engine runs where the tests do, so these read the files and check their structure.
None of them needs a database.
"""

import json
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor"
APP_SERVICES = ("web", "worker", "beat", "worker-reports", "migrate")
EXPECTED_ENV = {
    "DJANGO_SETTINGS_MODULE": "learningcity.settings.production",
    "DATABASE_URL": "postgres://learningcity:${POSTGRES_PASSWORD}@postgres:5432/learningcity",
    "REDIS_URL": "redis://redis:6379/0",
    "SECRET_KEY": "${SECRET_KEY:?set SECRET_KEY}",
    "ALLOWED_HOSTS": "${ALLOWED_HOSTS:-localhost}",
    "SECURE_SSL_REDIRECT": "${SECURE_SSL_REDIRECT:-false}",
    "MEDIA_ROOT": "/data/media",
}


# --- helpers -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def compose_text():
    return (ROOT / "docker-compose.yml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def compose(compose_text):
    return yaml.safe_load(compose_text)


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def as_dict(environment):
    """Compose accepts `environment` as a mapping or as a list of KEY=VALUE strings."""
    if isinstance(environment, list):
        return dict(item.split("=", 1) for item in environment)
    return {key: str(value) for key, value in environment.items()}


def as_text(command):
    """A compose command or healthcheck test (string or list) as one string."""
    return command if isinstance(command, str) else " ".join(str(part) for part in command)


def mounts(service):
    """{target: source} of a service's volumes, short or long syntax."""
    result = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source"), volume["target"]
        result[target] = source
    return result


def dockerfile_instructions():
    """(INSTRUCTION, arguments) pairs, with comments dropped and continuation lines joined."""
    instructions, current = [], ""
    for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        keyword, _, arguments = current.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        current = ""
    return instructions


def exec_form_or_shell(arguments):
    """A CMD/RUN argument string as one command line, whichever form it was written in."""
    if arguments.startswith("["):
        return " ".join(json.loads(arguments))
    return arguments


# --- docker-compose.yml --------------------------------------------------------------------------
def test_compose_has_its_services_and_no_obsolete_version_key(compose, services):
    assert set(services) == {
        "postgres",
        "redis",
        "minio",
        "createbucket",
        "migrate",
        "web",
        "worker",
        "worker-reports",
        "beat",
        "proxy",
    }
    assert "version" not in compose


def test_backing_services_use_the_pinned_images(services):
    assert services["postgres"]["image"] == "postgres:16-alpine"
    assert services["redis"]["image"] == "redis:7-alpine"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_are_built_from_the_project_dockerfile(services, name):
    build = services[name]["build"]
    context = build if isinstance(build, str) else build.get("context")
    assert context in {".", "./"}


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_get_the_production_environment(services, name):
    environment = as_dict(services[name]["environment"])
    for key, value in EXPECTED_ENV.items():
        assert environment.get(key) == value, key


def test_app_services_share_one_environment_block_from_an_extension_anchor(
    compose, compose_text, services
):
    environments = [as_dict(services[name]["environment"]) for name in APP_SERVICES]
    assert environments[0] == environments[1] == environments[2]
    shared = [
        key
        for key, value in compose.items()
        if key.startswith("x-") and isinstance(value, dict) and as_dict(value) == environments[0]
    ]
    assert shared, "the environment should live in a top-level x- extension"
    assert re.search(rf"^{re.escape(shared[0])}:\s*&[\w-]+", compose_text, re.MULTILINE)


def test_database_url_matches_the_postgres_service(services):
    postgres_env = as_dict(services["postgres"]["environment"])
    url = urlsplit(EXPECTED_ENV["DATABASE_URL"])
    assert url.hostname == "postgres"
    assert url.port == 5432
    assert url.username == postgres_env["POSTGRES_USER"] == "learningcity"
    assert url.path == "/" + postgres_env["POSTGRES_DB"]
    assert "${POSTGRES_PASSWORD" in postgres_env["POSTGRES_PASSWORD"]


def test_postgres_redis_and_web_have_healthchecks(services):
    postgres = as_text(services["postgres"]["healthcheck"]["test"])
    redis = as_text(services["redis"]["healthcheck"]["test"])
    web = as_text(services["web"]["healthcheck"]["test"])
    assert "pg_isready" in postgres
    assert "redis-cli" in redis
    assert "ping" in redis
    assert "http://127.0.0.1:8000/healthz" in web
    assert "urllib" in web
    assert "curl" not in web  # python:3.11-slim has no curl


def test_web_waits_for_healthy_postgres_and_redis(services):
    depends_on = services["web"]["depends_on"]
    assert depends_on["postgres"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"


def test_postgres_data_lives_in_a_declared_named_volume(compose, services):
    source = mounts(services["postgres"])["/var/lib/postgresql/data"]
    assert not source.startswith((".", "/", "~")), "a bind mount, not a named volume"
    assert source in (compose.get("volumes") or {})


@pytest.mark.parametrize("name", APP_SERVICES)
def test_uploads_live_in_the_bucket_not_in_a_volume(services, name):
    # With several web replicas (and hosts) files go to object storage (tests/test_compose.py).
    assert as_dict(services[name]["environment"])["STORAGE"] == "s3"
    assert "/data/media" not in mounts(services[name])


def test_no_service_sets_container_name(services):
    assert [name for name, service in services.items() if "container_name" in service] == []


def test_migrations_run_once_then_web_serves_with_gunicorn(services):
    # One-shot migrate service: web replicas started together must not migrate concurrently.
    assert "manage.py migrate --noinput" in as_text(services["migrate"]["command"])
    assert services["migrate"]["restart"] == "no"
    depends_on = services["web"]["depends_on"]
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"
    command = as_text(services["web"]["command"])
    assert "migrate" not in command
    assert "gunicorn" in command
    assert "learningcity.wsgi:application" in command
    assert "0.0.0.0:8000" in command
    assert "ports" not in services["web"]  # only the proxy publishes a port


def test_web_command_is_a_valid_shell_line(services):
    command = services["web"]["command"]
    assert command[:2] == ["sh", "-c"]
    # Compose turns $$ into $ before the shell sees the line.
    words = shlex.split(command[2].replace("$$", "$"))
    assert words[:2] == ["exec", "gunicorn"]  # gunicorn replaces the shell: it gets the signals
    assert "--workers" in words
    # The access log with request ids, and the metrics of every worker (tests/integration).
    assert words[words.index("--config") + 1] == "gunicorn.conf.py"


def test_worker_and_beat_run_the_learningcity_celery_app(services):
    worker = as_text(services["worker"]["command"])
    beat = as_text(services["beat"]["command"])
    assert "celery -A learningcity worker" in worker
    assert "celery -A learningcity beat" in beat
    assert "--schedule /tmp/celerybeat-schedule" in beat


# --- Dockerfile, .dockerignore -------------------------------------------------------------------
def test_dockerfile_starts_from_python_311_slim():
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")


def test_dockerfile_does_not_run_as_root():
    instructions = dockerfile_instructions()
    users = [
        (i, arguments) for i, (keyword, arguments) in enumerate(instructions) if keyword == "USER"
    ]
    assert users, "the Dockerfile needs a USER line"
    last_index, last_user = users[-1]
    assert last_user.split(":")[0] not in {"root", "0"}
    cmd_index = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "CMD")
    assert last_index < cmd_index


def test_dockerfile_cmd_runs_gunicorn_on_port_8000():
    instructions = dockerfile_instructions()
    cmd = exec_form_or_shell([a for keyword, a in instructions if keyword == "CMD"][-1])
    assert "gunicorn" in cmd
    assert "learningcity.wsgi:application" in cmd
    assert "0.0.0.0:8000" in cmd
    assert "--workers ${WEB_CONCURRENCY:-2}" in cmd
    assert "--config gunicorn.conf.py" in cmd  # the access log is set there
    assert (ROOT / "gunicorn.conf.py").is_file()
    assert ("EXPOSE", "8000") in instructions


def test_dockerfile_installs_the_project_and_builds_translations_and_static_files():
    instructions = dockerfile_instructions()
    runs = [
        exec_form_or_shell(arguments) for keyword, arguments in instructions if keyword == "RUN"
    ]
    assert any("pip install ." in run for run in runs)
    assert any(
        re.search(r"pybabel compile .*(-d|--directory) locale", run)
        and re.search(r"(-D|--domain) django", run)
        for run in runs
    )
    assert not any("compilemessages" in run for run in runs)
    collectstatic = [run for run in runs if "collectstatic --noinput" in run]
    assert len(collectstatic) == 1
    assert "SECRET_KEY=" in collectstatic[0]


def test_dockerfile_keeps_the_build_secret_key_out_of_the_image_environment():
    instructions = dockerfile_instructions()
    persistent = [a for keyword, a in instructions if keyword in {"ENV", "ARG"}]
    assert not any("SECRET_KEY" in arguments for arguments in persistent)
    assert any(
        "DJANGO_SETTINGS_MODULE=learningcity.settings.production" in arguments
        for keyword, arguments in instructions
        if keyword in {"ENV", "RUN"}
    )


def test_dockerignore_keeps_local_state_out_of_the_build_context():
    patterns = {
        line.strip().removeprefix("**/").rstrip("/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    expected = {
        ".venv",
        "var",
        "staticfiles",
        ".git",
        "__pycache__",
        ".pytest_cache",
        ".ruff_cache",
    }
    assert expected <= patterns


# --- static/vendor -------------------------------------------------------------------------------
def vendor_table():
    """Rows of the asset table in static/vendor/README.md: (files, package, version)."""
    rows = []
    lines = (VENDOR / "README.md").read_text(encoding="utf-8").splitlines()
    table = [line for line in lines if line.startswith("|")]
    for line in table[2:]:  # after the header and the |---| line
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        files = re.findall(r"`([^`]+)`", cells[1])
        rows.append((files, cells[2].strip("`"), cells[3]))
    return rows


def test_vendor_readme_lists_each_package_with_an_exact_version():
    rows = vendor_table()
    packages = {package: version for _, package, version in rows}
    assert set(packages) == {"bootstrap", "htmx.org", "chart.js", "bootstrap-icons"}
    for package, version in packages.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), package
    assert packages["bootstrap"].startswith("5.3.")
    assert packages["htmx.org"].startswith("2.0.")
    assert packages["chart.js"].startswith("4.")
    assert packages["bootstrap-icons"].startswith("1.")


def test_every_file_the_vendor_readme_lists_exists():
    listed = [name for files, _, _ in vendor_table() for name in files]
    assert len(listed) >= 7
    missing = [name for name in listed if not (VENDOR / name).is_file()]
    assert missing == []


def test_every_vendored_file_is_listed_in_the_readme():
    listed = {name for files, _, _ in vendor_table() for name in files}
    present = {
        path.relative_to(VENDOR).as_posix()
        for path in VENDOR.rglob("*")
        if path.is_file() and path.name != "README.md"
    }
    assert present == listed


def test_vendored_files_are_the_listed_versions_without_source_maps():
    for files, package, version in vendor_table():
        for name in files:
            if not name.endswith((".css", ".js")):
                continue
            text = (VENDOR / name).read_text(encoding="utf-8")
            assert version in text, f"{name} is not {package} {version}"
            assert "sourceMappingURL" not in text, name


def test_bootstrap_icons_css_finds_its_fonts():
    css = VENDOR / "bootstrap-icons" / "bootstrap-icons.min.css"
    urls = re.findall(r"url\(\"?([^\")?#]+)", css.read_text(encoding="utf-8"))
    assert {Path(url).suffix for url in urls} == {".woff2", ".woff"}
    for url in urls:
        assert (css.parent / url).is_file(), url
