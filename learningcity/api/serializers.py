"""Serializer pieces every app's API shares."""

from collections.abc import Callable

from django.urls import reverse
from rest_framework import serializers

from learningcity.models import ReportingPeriod
from learningcity.workflow import NEW


class VersionField(serializers.IntegerField):
    """The version of the record the client last read, so that a stale write is refused (409).

    On an update it is required, a PATCH included (``ScopedServiceViewSet.validated``): a
    change made without saying what it was made on could silently overwrite someone else's.
    On a create-or-edit (``creating=True``) it may be left out, which means 0: the client read
    no record, and one created meanwhile by someone else is refused as stale.
    """

    REQUIRED_HELP = (
        "Required, also on PATCH: the version the client last read. A stale one is refused "
        "with 409."
    )

    def __init__(self, *, creating: bool = False, **kwargs):
        if creating:
            kwargs.update(required=False, default=NEW, min_value=NEW)
            kwargs.setdefault(
                "help_text",
                "The version the client last read; 0 or left out: it read none. A stale one "
                "(someone else created or changed the record meanwhile) is refused with 409.",
            )
        else:
            kwargs.update(required=True, min_value=1, help_text=self.REQUIRED_HELP)
        super().__init__(**kwargs)


class CodeRelatedField(serializers.SlugRelatedField):
    """A row named by its code. A code with a NUL character names nothing, and PostgreSQL
    refuses to even compare it (a server error rather than a 400 otherwise)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


class PeriodCodeField(CodeRelatedField):
    """A reporting period, named by its code ("2025", "2025-H1", "2025-Q3", "2025-M07")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", ReportingPeriod.objects.all())
        super().__init__(slug_field="code", **kwargs)


class DownloadField(serializers.FileField):
    """A stored file as the URL of the portal's download view for it; null when none is stored.

    The same permission-checked view the pages link to, whatever the storage: it streams the file,
    or redirects to a short-lived signed URL of the bucket (learningcity.storage). The storage's
    own URL is never handed out: with STORAGE=s3 it is a signed bucket URL, made without the
    download's checks and expired a minute later; on the filesystem MEDIA_URL serves nothing.
    ``url_args`` gives the view's arguments for an object (default: its primary key). Absolute
    when the request is known, as DRF gives file URLs.
    """

    def __init__(self, view_name: str, *, url_args: Callable | None = None, **kwargs):
        self.view_name = view_name
        self.url_args = url_args or (lambda obj: [obj.pk])
        kwargs.setdefault(
            "help_text",
            "Download link of the file, null when none is stored. Open it with the API token or a "
            "signed-in session: it answers the file, or a redirect to a short-lived signed URL.",
        )
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        if not getattr(obj, self.field_name):
            return None
        url = reverse(self.view_name, args=self.url_args(obj))
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class InputSerializer(serializers.ModelSerializer):
    """Checks a request's shape against the model's fields for a service; never saved."""

    def save(self, **kwargs):
        raise NotImplementedError("Input serializers are not saved: call the service.")


class RowInputSerializer(serializers.Serializer):
    """One row of a list in a request body (``many=True`` inside an input serializer).

    A list given in a PATCH replaces the whole list, so each of its rows is checked whole: DRF
    would otherwise treat the row as partial too, leaving out its defaults and letting its
    required fields go missing ({"topic": "other"} without its counts).
    """

    def to_internal_value(self, data):
        if not getattr(self.root, "partial", False):
            return super().to_internal_value(data)
        row = type(self)(data=data, context=self.context)
        if not row.is_valid():
            raise serializers.ValidationError(row.errors)
        return row.validated_data


class ErrorSerializer(serializers.Serializer):
    """What a refused request answers: {"detail": "..."} (learningcity.api.exceptions)."""

    detail = serializers.CharField()
