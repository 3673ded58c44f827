"""Serializer pieces every app's API shares."""

from rest_framework import serializers

from learningcity.models import ReportingPeriod


class PeriodCodeField(serializers.SlugRelatedField):
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
