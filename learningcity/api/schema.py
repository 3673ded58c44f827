"""Touches to the generated OpenAPI schema."""

from .serializers import VersionField


def versions_required_on_patch(result, generator, request, public):
    """drf-spectacular lists no required field in a PATCH body; a ``VersionField`` is one."""
    for schema in result.get("components", {}).get("schemas", {}).values():
        version = schema.get("properties", {}).get("version", {})
        if version.get("description") == VersionField.REQUIRED_HELP:
            required = schema.setdefault("required", [])
            if "version" not in required:
                required.append("version")
    return result
