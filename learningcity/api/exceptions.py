import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from learningcity.workflow import COLLISION_MESSAGE, ConflictError, is_write_collision

logger = logging.getLogger(__name__)


def portal_exception_handler(exc, context):
    """Services raise Django's errors; the API answers them as 400, or 409 for a conflict.

    A write that collided with another one at the database (two clients creating the same
    record at the same moment: a unique constraint) is a conflict too: 409, never a 500. Any
    other IntegrityError is a defect of ours and stays a server error.
    """
    if isinstance(exc, IntegrityError) and is_write_collision(exc):
        logger.warning("Write conflict on %s: %s", context["request"].path, exc)
        set_rollback()
        return Response({"detail": str(COLLISION_MESSAGE)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ValidationError):
        # Field errors as DRF writes them; anything else as DRF's {"detail": "..."}.
        body = (
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": " ".join(exc.messages)}
        )
        code = status.HTTP_409_CONFLICT if isinstance(exc, ConflictError) else 400
        set_rollback()
        return Response(body, status=code)
    return exception_handler(exc, context)
