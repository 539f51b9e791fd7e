from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from org.scoping import regions_for_user

from ..forms import EnterpriseFilterForm
from ..selectors import enterprise_list
from .serializers import EnterpriseSerializer


class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    """Enterprises in the caller's scope; the same filters as the enterprise list page."""

    serializer_class = EnterpriseSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        if self.action != "list":
            return enterprise_list(user=user)
        form = EnterpriseFilterForm(self.request.query_params, regions=regions_for_user(user))
        if not form.is_valid():
            raise serializers.ValidationError(
                {field: [str(e) for e in errors] for field, errors in form.errors.items()}
                or {"detail": [str(_("Invalid filter."))]}
            )
        return enterprise_list(user=user, **form.filter_kwargs())
