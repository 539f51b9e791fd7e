from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from ..permissions import assignments_for_user, can_manage_assignments
from ..services import AssignmentError, assignment_create, assignment_end
from .serializers import AssignmentCreateSerializer, AssignmentEndSerializer, AssignmentSerializer


class AssignmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Links in the caller's scope. POST creates a link through the same rules as the portal;
    POST …/end/ ends one."""

    serializer_class = AssignmentSerializer
    filter_backends: list = []

    def get_queryset(self):
        qs = assignments_for_user(self.request.user).select_related(
            "cadre", "enterprise", "project"
        )
        if self.request.query_params.get("status") == "active":
            qs = qs.current()
        return qs.order_by("-start_date", "-pk")

    def create(self, request, *args, **kwargs):
        if not can_manage_assignments(request.user):
            raise PermissionDenied
        incoming = AssignmentCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        try:
            assignment = assignment_create(actor=request.user, **incoming.validated_data)
        except AssignmentError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def end(self, request, pk=None, format=None):  # noqa: A002 - DRF's format-suffix keyword
        assignment = self.get_object()
        if not can_manage_assignments(request.user):
            raise PermissionDenied
        incoming = AssignmentEndSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            assignment = assignment_end(
                actor=request.user, assignment=assignment, **incoming.validated_data
            )
        except AssignmentError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(AssignmentSerializer(assignment).data)
