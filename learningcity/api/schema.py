"""The answers every API operation may give besides its own, added to the OpenAPI schema."""

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


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the errors it may answer.

    DRF answers 401, 403, 404 and 429 to any request (authentication, permissions and scope,
    a row or a page that is not there, throttling) and 400 to any request with parameters or
    a body; an operation's own description of one of these is kept.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    error = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code, description in COMMON.items():
                responses.setdefault(code, {"description": description, "content": _json(error)})
            if operation.get("parameters") or operation.get("requestBody"):
                responses.setdefault(
                    "400", {"description": INVALID["description"], "content": _json(INVALID)}
                )
    return result
