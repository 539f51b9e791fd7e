from rest_framework import serializers

from enterprises.models import Enterprise, KeyProject
from enterprises.permissions import enterprises_for_user, projects_for_user
from org.models import Cadre

from ..models import Assignment, AssignmentMode
from ..permissions import cadres_assignable_by


class AssignmentSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None)
    project_name = serializers.CharField(source="project.name", read_only=True, default=None)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "enterprise",
            "enterprise_name",
            "project",
            "project_name",
            "start_date",
            "term_end",
            "ended_on",
            "end_reason",
            "mode",
            "is_primary",
            "note",
        ]
        read_only_fields = fields


class AssignmentCreateSerializer(serializers.Serializer):
    """Input of a new link; the related choices are limited to the caller's area, so an id
    from elsewhere reads as "does not exist"."""

    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.none())
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.none(), required=False, allow_null=True
    )
    project = serializers.PrimaryKeyRelatedField(
        queryset=KeyProject.objects.none(), required=False, allow_null=True
    )
    start_date = serializers.DateField(required=False)
    term_end = serializers.DateField(required=False, allow_null=True)
    mode = serializers.ChoiceField(
        choices=AssignmentMode.choices, default=AssignmentMode.ONE_TO_ONE
    )
    is_primary = serializers.BooleanField(default=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.context["request"].user
        self.fields["cadre"].queryset = cadres_assignable_by(user)
        self.fields["enterprise"].queryset = enterprises_for_user(user)
        self.fields["project"].queryset = projects_for_user(user)


class AssignmentEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=200)
