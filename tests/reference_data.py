"""Reference data that data migrations seed (key tasks, the indicator framework, award and
centre reference lists), for tests that run after a transactional test emptied the tables."""

from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.special import RunPython

PORTAL_APPS = {"districts", "awards", "clc", "indicators"}


def reseed() -> None:
    """Run again, in migration order, the data migrations of the portal's apps (idempotent)."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    plan = []
    for leaf in loader.graph.leaf_nodes():
        plan += [node for node in loader.graph.forwards_plan(leaf) if node not in plan]
    for app_label, name in plan:
        if app_label not in PORTAL_APPS:
            continue
        for operation in loader.graph.nodes[app_label, name].operations:
            if isinstance(operation, RunPython):
                operation.code(apps, connection.schema_editor)
