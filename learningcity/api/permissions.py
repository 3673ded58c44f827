from rest_framework.permissions import SAFE_METHODS, BasePermission

from learningcity.choices import Role


class RoleScopedPermission(BasePermission):
    """Signed-in, active users only; API consumers read and never write.

    Which rows a user reaches is decided by the viewset's scoped queryset, not here.
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        return request.method in SAFE_METHODS or user.role != Role.API_CONSUMER
