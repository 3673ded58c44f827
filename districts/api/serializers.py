from rest_framework import serializers

from districts.models import AdministrativeUnit


class UnitBriefSerializer(serializers.ModelSerializer):
    """The short form used when a unit is nested in another resource."""

    class Meta:
        model = AdministrativeUnit
        fields = ["code", "name"]


class DistrictSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    province = UnitBriefSerializer(source="parent", read_only=True)
    ward_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = AdministrativeUnit
        fields = ["code", "name", "kind", "kind_display", "province", "ward_count"]


class WardSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    district = UnitBriefSerializer(source="parent", read_only=True)

    class Meta:
        model = AdministrativeUnit
        fields = ["code", "name", "kind", "kind_display", "district"]
