from rest_framework import viewsets
from rest_framework.permissions import SAFE_METHODS, AllowAny

from learningcity.permissions import Action, restrict


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
