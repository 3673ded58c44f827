from django.core.exceptions import ValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from learningcity.workflow import ConflictError


def portal_exception_handler(exc, context):
    """Services raise Django's errors; the API answers them as 400, or 409 for a conflict."""
    if isinstance(exc, ValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        code = status.HTTP_409_CONFLICT if isinstance(exc, ConflictError) else 400
        return Response(detail, status=code)
    return exception_handler(exc, context)
