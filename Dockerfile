# Production image: the web process (gunicorn) by default; docker-compose.yml runs the Celery
# worker and beat from the same image with other commands. Configuration comes from environment
# variables at run time (see learningcity/settings/production.py).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=learningcity.settings.production \
    MEDIA_ROOT=/data/media

# An unprivileged user to run every process; it owns only the uploads folder. A named volume
# mounted at /data/media starts with this folder's owner, so uploads are writable.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app \
    && mkdir -p /data/media \
    && chown app:app /data/media

# pg_dump and pg_restore for `manage.py backup` and `restore`, of PostgreSQL 16 like the server in
# docker-compose.yml (pg_dump refuses a server newer than itself; Debian's own is another
# version): from the PostgreSQL project's apt repository, set up by its script.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends ca-certificates postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install --yes --no-install-recommends postgresql-client-16 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, read from pyproject.toml, so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
# PYTHONPATH=/app above keeps the code imported from /app (next to templates/, static/ and
# locale/), not from the copy this puts in site-packages.
RUN pip install . \
    && rm -rf build ./*.egg-info

# Translations with Babel (a dependency), so the image needs no GNU gettext.
RUN pybabel compile --directory locale --domain django --statistics

# The production settings refuse to load without a real-looking SECRET_KEY; this throwaway value
# exists only for this build step and is not kept in the image's environment.
RUN SECRET_KEY="collectstatic-build-only-key-not-used-at-run-time-0123456789abcdefghij" \
    python manage.py collectstatic --noinput

USER app:app

EXPOSE 8000

# gunicorn.conf.py: the access log (standard output, with request ids) and the Prometheus metrics
# of all workers together.
CMD ["sh", "-c", "exec gunicorn learningcity.wsgi:application --config gunicorn.conf.py --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-2}"]
