from django.core.exceptions import ValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from learningcity.workflow import ConflictError


def portal_exception_handler(exc, context):
    """Services raise Django's errors; the API answers them as 400, or 409 for a conflict."""
    if isinstance(exc, ValidationError):
        # Field errors as DRF writes them; anything else as DRF's {"detail": "..."}.
        body = (
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": " ".join(exc.messages)}
        )
        code = status.HTTP_409_CONFLICT if isinstance(exc, ConflictError) else 400
        set_rollback()
        return Response(body, status=code)
    return exception_handler(exc, context)
