import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Notification


class NotificationFilterSet(django_filters.FilterSet):
    """Shared by the list page and the API."""

    unread = django_filters.BooleanFilter(
        field_name="read_at",
        lookup_expr="isnull",
        label=_("Unread only"),
        help_text=_("true: only the notices not read yet."),
    )

    class Meta:
        model = Notification
        fields = ["unread"]
