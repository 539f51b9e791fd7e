from .roles import Role
from .scoping import can_edit_registry, user_roles


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset(), "Role": Role}
    return {
        "user_roles": user_roles(user),
        "Role": Role,
        "can_edit_registry": can_edit_registry(user),
        # The office, administrators and leaders watch the links and the coverage of their area.
        "can_view_coverage": bool(
            user.is_superuser
            or (
                user_roles(user) & {Role.LIAISON_OFFICE, Role.ADMIN, Role.LEADER} and user.region_id
            )
        ),
    }
