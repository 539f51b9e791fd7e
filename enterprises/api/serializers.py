from rest_framework import serializers

from ..models import Enterprise


class EnterpriseSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name", read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "region",
            "region_code",
            "category",
            "tags",
            "employees",
            "address",
            "legal_representative",
            "green_channel",
            "integrity_restricted",
            "is_active",
        ]
        read_only_fields = fields
