import logging.config
import os

from celery import Celery, signals

from learningcity import logs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learningcity.settings.base")

app = Celery("learningcity")
# All Celery settings live in Django settings under the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def use_django_logging(**kwargs):
    """Workers log as the web does (settings.LOGGING: redaction, LOG_FORMAT, request_id).

    Without a receiver here Celery would replace the root logger's handlers with its own.
    """
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@signals.task_prerun.connect
def set_task_request_id(task_id=None, task=None, **kwargs):
    """Log lines written while a worker runs a task carry the task id as request_id.

    A task run eagerly inside a web request keeps the request's id.
    """
    if not task.request.is_eager:
        logs.request_id.set(task_id)


@signals.task_postrun.connect
def clear_task_request_id(task=None, **kwargs):
    if not task.request.is_eager:
        logs.request_id.set(None)
