"""Touches to the generated OpenAPI schema (drf-spectacular postprocessing hooks): the answers
every operation may give besides its own, and the version a PATCH body must carry."""

from .serializers import VersionField

ERROR = {
    "type": "object",
    "description": 'What a refused request answers: {"detail": "..."}.',
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
INVALID = {
    "type": "object",
    "description": (
        "Invalid input: a list of messages by field (nested fields by name or row number), "
        'or {"detail": "..."} for the request as a whole.'
    ),
    "additionalProperties": {},
}
COMMON = {
    "401": "No valid session or token.",
    "403": "The user may not do this.",
    "404": "No such row within the user's scope, or no such page of a list.",
    "429": "Too many requests: wait as the Retry-After header says.",
}
# Writes only: the row changed since the client read it (its version), or another write reached
# the database first (learningcity.api.exceptions).
CONFLICT = "The record changed since it was read, or another write collided with this one."
WRITES = ("post", "put", "patch", "delete")


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def document_error_responses(result, generator, request, public):
    """Every operation documents the errors it may answer.

    DRF answers 401, 403, 404 and 429 to any request (authentication, permissions and scope,
    a row or a page that is not there, throttling), 400 to any request with parameters or a body
    and 409 to a write that met a newer version or a colliding write; an operation's own
    description of one of these is kept.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    error = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", *WRITES):
                continue
            responses = operation.setdefault("responses", {})
            for code, description in COMMON.items():
                responses.setdefault(code, {"description": description, "content": _json(error)})
            if method in WRITES:
                responses.setdefault("409", {"description": CONFLICT, "content": _json(error)})
            if operation.get("parameters") or operation.get("requestBody"):
                responses.setdefault(
                    "400", {"description": INVALID["description"], "content": _json(INVALID)}
                )
    return result


def versions_required_on_patch(result, generator, request, public):
    """drf-spectacular lists no required field in a PATCH body; a ``VersionField`` is one."""
    for schema in result.get("components", {}).get("schemas", {}).values():
        version = schema.get("properties", {}).get("version", {})
        if version.get("description") == VersionField.REQUIRED_HELP:
            required = schema.setdefault("required", [])
            if "version" not in required:
                required.append("version")
    return result
