from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.response import Response

from learningcity.permissions import Action, restrict

from .serializers import ErrorSerializer, VersionField


class ScopedViewSetMixin:
    """Narrows the viewset's queryset to the rows the user may read, or change when writing.

    A row outside the user's scope answers 404, exactly like a row that does not exist.
    """

    def get_queryset(self):
        action = Action.VIEW if self.request.method in SAFE_METHODS else Action.CHANGE
        return restrict(super().get_queryset(), self.request.user, action)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


def public(view_class):
    """``view_class`` open to anyone, like a published standard (the schema and its docs).

    DRF views already bypass LoginRequiredMiddleware: they authenticate on their own.
    """
    return type(view_class.__name__, (view_class,), {"permission_classes": [AllowAny]})


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid input: messages by field."),
    403: OpenApiResponse(ErrorSerializer, description="The user may not do this."),
    404: OpenApiResponse(ErrorSerializer, description="No such row within the user's scope."),
    409: OpenApiResponse(
        ErrorSerializer,
        description=(
            "The row changed since it was read (stale version), is in the wrong state, or was "
            "saved by another request at the same moment."
        ),
    ),
}


def responses(success: dict, *errors: int) -> dict:
    return {**success, **{code: ERRORS[code] for code in errors}}


class ScopedServiceViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Scoped list and retrieve; the subclass adds the writes it offers, each a service call.

    Only PATCH updates are offered (``partial_update``), so PUT answers 405.
    """

    def validated(self, serializer_class, *, partial: bool = False) -> dict:
        serializer = serializer_class(
            data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        # DRF's partial validation skips required fields; a version stays required on PATCH.
        missing = {
            name: [field.error_messages["required"]]
            for name, field in serializer.fields.items()
            if isinstance(field, VersionField) and field.required and name not in data
        }
        if missing:
            raise serializers.ValidationError(missing)
        return data

    def answer(self, obj, status_code: int = status.HTTP_200_OK) -> Response:
        """``obj`` after a service call, re-read with the list's joins and prefetches."""
        obj = self.queryset.get(pk=obj.pk)
        return Response(self.get_serializer(obj).data, status=status_code)
