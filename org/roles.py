"""The roles of the portal. Each role is a Django group of the same name (created by a data
migration); a user may hold several."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CADRE = "cadre", _("Cadre (service commissioner)")
    ENTERPRISE = "enterprise", _("Enterprise liaison person")
    LIAISON_OFFICE = "liaison_office", _("Liaison office")
    DEPARTMENT = "department", _("Department handler")
    SPECIAL_GROUP = "special_group", _("Special group member")
    LEADER = "leader", _("Leader")
    OFFICE_POINT_PERSON = "office_point_person", _("Office point person")
    ADMIN = "admin", _("Administrator")


# Roles whose view of the registry is the region subtree of their account.
REGION_SCOPED_ROLES = frozenset(
    {
        Role.CADRE,
        Role.LIAISON_OFFICE,
        Role.DEPARTMENT,
        Role.SPECIAL_GROUP,
        Role.LEADER,
        Role.OFFICE_POINT_PERSON,
        Role.ADMIN,
    }
)
# Roles that may change the registry (enterprises, projects) within their region subtree.
REGISTRY_EDITOR_ROLES = frozenset({Role.LIAISON_OFFICE, Role.ADMIN})
