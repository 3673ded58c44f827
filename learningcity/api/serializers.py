"""Serializer pieces every app's API shares."""

from rest_framework import serializers

from learningcity.models import ReportingPeriod


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


class InputSerializer(serializers.ModelSerializer):
    """Checks a request's shape against the model's fields for a service; never saved."""

    def save(self, **kwargs):
        raise NotImplementedError("Input serializers are not saved: call the service.")


class ErrorSerializer(serializers.Serializer):
    """What a refused request answers: {"detail": "..."} (learningcity.api.exceptions)."""

    detail = serializers.CharField()
