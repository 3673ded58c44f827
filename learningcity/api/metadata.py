from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import clone_request


class PortalMetadata(SimpleMetadata):
    """DRF's answer to OPTIONS, for actions on a collection too.

    DRF looks up the row of any view that takes PUT, to check the caller may change it; an
    action on the collection (``detail=False``, such as the caller's e-mail preferences) has no
    row in its path, and the lookup would fail on the missing id. Only a row's routes look it up.
    """

    def determine_actions(self, request, view):
        actions = {}
        for method in {"PUT", "POST"} & set(view.allowed_methods):
            view.request = clone_request(request, method)
            try:
                if hasattr(view, "check_permissions"):
                    view.check_permissions(view.request)
                on_a_row = getattr(view, "detail", True) and hasattr(view, "get_object")
                if method == "PUT" and on_a_row:
                    view.get_object()
            except (exceptions.APIException, PermissionDenied, Http404):
                pass
            else:
                actions[method] = self.get_serializer_info(view.get_serializer())
            finally:
                view.request = request
        return actions
