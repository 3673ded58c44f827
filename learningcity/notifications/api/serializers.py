from rest_framework import serializers

from ..choices import NoticeKind
from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(NoticeKind.choices, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    url = serializers.CharField(
        read_only=True, help_text="The item's page on the portal (a path: prefix the site)."
    )
    unread = serializers.BooleanField(source="is_unread", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_display", "title", "body", "url", "created_at", "read_at"]
        fields += ["unread"]
        read_only_fields = fields


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many unread notices were marked read.")


# One boolean per kind of notice: whether the caller wants it by e-mail.
EmailPreferencesSerializer = type(
    "EmailPreferencesSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "E-mail on (true) or off (false) per kind of notice.",
        **{
            kind.value: serializers.BooleanField(
                required=False, help_text=f"E-mail the notices of kind “{kind.value}”."
            )
            for kind in NoticeKind
        },
    },
)
