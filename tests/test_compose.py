"""docker-compose.yml scales: `docker compose up --scale web=3 --scale worker=2` works.

The file is read with PyYAML and its structure checked: object storage (MinIO and the one-shot
job that creates the bucket), the nginx proxy as the only published port, balancing over the
`web` replicas by their DNS name, no fixed container names, a Celery worker per queue, and the
health checks. With the `docker compose` plugin installed, `docker compose config -q` validates
the file too. No test needs a database.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
SERVICES = {
    "postgres",
    "redis",
    "minio",
    "createbucket",
    "web",
    "worker",
    "worker-reports",
    "beat",
    "proxy",
}
DJANGO_SERVICES = ("web", "worker", "worker-reports", "beat", "migrate")
BUCKET = "learningcity"


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


@pytest.fixture(scope="module")
def nginx_conf():
    # Without comments: what nginx reads.
    lines = NGINX_CONF.read_text(encoding="utf-8").splitlines()
    return "\n".join(line.split("#", 1)[0] for line in lines)


def environment(service) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def as_text(command) -> str:
    return command if isinstance(command, str) else " ".join(str(part) for part in command)


def keys_anywhere(node, key) -> list:
    """Every value of ``key`` at any depth of the parsed YAML."""
    found = []
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                found.append(value)
            found += keys_anywhere(value, key)
    elif isinstance(node, list):
        for item in node:
            found += keys_anywhere(item, key)
    return found


def named_volumes(service) -> set[str]:
    names = set()
    for volume in service.get("volumes", []):
        source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source", "")
        if source and not source.startswith((".", "/", "~")):
            names.add(source)
    return names


def condition(service, dependency) -> str:
    depends_on = service.get("depends_on") or {}
    if isinstance(depends_on, list):
        return "service_started" if dependency in depends_on else ""
    return (depends_on.get(dependency) or {}).get("condition", "")


def nginx_location(conf: str, prefix: str) -> str:
    match = re.search(r"location\s+" + re.escape(prefix) + r"\s*\{(.*?)\n    \}", conf, re.S)
    assert match, f"no location {prefix}"
    return match.group(1)


def resolve(conf: str, value: str) -> str:
    """A proxy_pass target with the server's `set $name value;` variables substituted."""
    for name, setting in re.findall(r"^\s*set\s+\$(\w+)\s+(\S+);", conf, re.M):
        value = value.replace(f"${name}", setting)
    return value


# --- services and scaling ------------------------------------------------------------------------


def test_every_service_is_there(services):
    assert set(services) >= SERVICES


def test_no_fixed_container_names_anywhere(compose):
    # A fixed name allows one container per service: --scale would fail.
    assert keys_anywhere(compose, "container_name") == []


def test_only_the_proxy_publishes_a_host_port(services):
    publishing = sorted(name for name, service in services.items() if service.get("ports"))
    assert publishing == ["proxy"]
    (port,) = services["proxy"]["ports"]
    assert str(port).endswith(":80")


def test_replicas_do_not_pin_anything_that_would_clash(services):
    for name in ("web", "worker", "worker-reports"):
        service = services[name]
        assert "hostname" not in service
        assert "ports" not in service
        assert not named_volumes(service), f"{name}: replicas would share a volume"


def test_named_volumes_are_declared(compose, services):
    declared = set(compose.get("volumes") or {})
    used = set().union(*(named_volumes(service) for service in services.values()))
    assert {"postgres-data", "redis-data", "minio-data"} <= declared
    assert used == declared


# --- object storage ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DJANGO_SERVICES)
def test_django_services_store_files_in_the_minio_bucket(services, name):
    env = environment(services[name])
    assert env["STORAGE"] == "s3"
    assert env["AWS_STORAGE_BUCKET_NAME"] == BUCKET
    assert env["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
    # Secrets come from the environment, never from this file.
    assert env["AWS_SECRET_ACCESS_KEY"].startswith("${")
    assert env["SECRET_KEY"].startswith("${")


def test_minio_keeps_its_data_in_a_volume_and_has_a_healthcheck(services):
    minio = services["minio"]
    assert minio["image"].startswith("minio/minio:")
    assert "minio-data" in named_volumes(minio)
    assert "mc ready local" in as_text(minio["healthcheck"]["test"])
    assert environment(minio)["MINIO_ROOT_PASSWORD"].startswith("${")


def test_a_one_shot_job_creates_the_bucket(services):
    job = services["createbucket"]
    assert job["image"].startswith("minio/mc:")
    assert job.get("restart", "no") == "no"
    assert condition(job, "minio") == "service_healthy"
    script = as_text(job["entrypoint"]).replace("$$", "$")
    assert 'mc mb --ignore-existing "minio/$BUCKET"' in script
    assert environment(job)["BUCKET"] == BUCKET
    # The portal's own account is the one web and the workers use.
    assert environment(job)["APP_USER"] == environment(services["web"])["AWS_ACCESS_KEY_ID"]
    assert environment(job)["APP_PASSWORD"] == environment(services["web"])["AWS_SECRET_ACCESS_KEY"]
    for name in ("web", "worker", "worker-reports"):
        assert condition(services[name], "createbucket") == "service_completed_successfully"


# --- the Django processes ------------------------------------------------------------------------


def test_migrations_run_once_before_web_and_workers(services):
    assert "manage.py migrate" in as_text(services["migrate"]["command"])
    for name in ("web", "worker", "worker-reports"):
        assert condition(services[name], "migrate") == "service_completed_successfully"
        assert "migrate" not in as_text(services[name]["command"])


def test_a_celery_worker_per_queue_and_one_beat(services):
    worker = as_text(services["worker"]["command"])
    reports = as_text(services["worker-reports"]["command"])
    assert re.search(r"celery -A learningcity worker .*-Q default\b", worker)
    assert re.search(r"celery -A learningcity worker .*-Q reports\b", reports)
    assert "celery -A learningcity beat" in as_text(services["beat"]["command"])
    assert "deploy" not in services["beat"]  # never replicated


def test_web_is_liveness_checked_on_healthz_with_python(services):
    test = as_text(services["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/healthz" in test
    assert "urllib" in test
    assert "curl" not in test  # python:3.11-slim has no curl


def test_the_proxy_checks_readiness_through_itself(services):
    test = as_text(services["proxy"]["healthcheck"]["test"])
    assert "http://127.0.0.1/readyz" in test
    assert "wget" in test  # the alpine image has busybox's wget, no curl


def test_workers_answer_a_ping(services):
    for name in ("worker", "worker-reports"):
        test = as_text(services[name]["healthcheck"]["test"])
        assert "inspect ping" in test and "celery@$$HOSTNAME" in test


# --- the proxy -----------------------------------------------------------------------------------


def test_proxy_is_official_nginx_with_the_config_from_deploy(services):
    proxy = services["proxy"]
    assert re.fullmatch(r"nginx:[\w.-]+", proxy["image"])
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]
    assert condition(proxy, "web") == "service_healthy"


def test_nginx_balances_over_the_web_replicas_by_dns_name(nginx_conf):
    root = nginx_location(nginx_conf, "/")
    (target,) = re.findall(r"proxy_pass\s+(\S+);", root)
    assert resolve(nginx_conf, target) == "http://web:8000"
    # A variable target is looked up through Docker's DNS at request time: every replica,
    # including those added later with --scale, gets requests.
    assert target.startswith("$")
    assert re.search(r"^resolver\s+127\.0\.0\.11\b", nginx_conf, re.M)
    for header in ("Host $http_host", "X-Real-IP $remote_addr", "X-Forwarded-Proto $scheme"):
        assert f"proxy_set_header {header};" in root


def test_signed_downloads_reach_minio_under_storage(nginx_conf):
    root = nginx_location(nginx_conf, "/")
    storage = nginx_location(nginx_conf, "/storage/")
    assert "proxy_redirect http://minio:9000/ /storage/;" in root
    assert "absolute_redirect off;" in nginx_conf
    (target,) = re.findall(r"proxy_pass\s+(\S+);", storage)
    assert resolve(nginx_conf, target) == "http://minio:9000$storage_uri"
    # Signed for Host minio:9000 and the path without /storage: sent to MinIO unchanged.
    assert "proxy_set_header Host minio:9000;" in storage
    assert re.search(r"map \$request_uri \$storage_uri \{\s*~\^/storage\(", nginx_conf)
    assert re.search(r"limit_except GET \{\s*deny all;", storage)
    assert 'proxy_set_header Cookie "";' in storage


def test_nginx_serves_nothing_itself(nginx_conf):
    assert set(re.findall(r"location\s+(\S+)\s*\{", nginx_conf)) == {"/", "/storage/"}
    assert not re.search(r"^\s*(root|alias|return|autoindex)\b", nginx_conf, re.M)


def test_the_client_address_reaches_the_portal(services, nginx_conf):
    assert environment(services["web"])["CLIENT_IP_META_KEY"] == "HTTP_X_REAL_IP"
    assert "proxy_set_header X-Real-IP $remote_addr;" in nginx_conf


# --- docker compose itself -----------------------------------------------------------------------


def compose_available() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
    return probe.returncode == 0


def test_docker_compose_accepts_the_file():
    # `config` only reads the file: it needs the compose plugin, not a running daemon.
    if not compose_available():
        pytest.skip("the docker compose plugin is not installed: structure checked above only")
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 50,
        "POSTGRES_PASSWORD": "postgres0password",
        "MINIO_ROOT_PASSWORD": "minio0root0password",
        "MINIO_APP_PASSWORD": "minio0app0password",
    }
    result = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE), "config", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
