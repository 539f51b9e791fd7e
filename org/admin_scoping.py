"""The admin is a view like any other: one mixin scopes every ModelAdmin of the site.

Each ModelAdmin mixes in `ScopedAdminMixin` and says what it shows through one of:

- `scope_queryset(request, queryset)`: the rows of the user's scope, built on the app's own
  permission functions (the same the portal's pages use);
- `reference_data = True`: data of the whole city (categories, ranks, calendars…): everyone with
  the model permission may view it, only the city level may add, change or delete it.

An admin that says neither shows nothing to anyone below the city level (it fails closed), and
the system check `org.E010` names every registered admin that does not use the mixin.

The mixin then scopes, for every form the admin (and its inlines) builds:
- the choices of every foreign key and many-to-many field, through the scope of the related
  model's own ModelAdmin, so that a foreign id posted by hand is refused by the form field
  itself ("Select a valid choice");
- after saving, it checks that the object is still in the user's scope (the admin's change view
  runs in a transaction: a refusal there writes nothing).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import Group, Permission
from django.core.checks import Error
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from .scoping import is_region_scoped, region_q, sees_everything


def is_city_level(user) -> bool:
    """A superuser, or a region-scoped user whose region is a root of the region tree: the only
    users who may change the reference data of the whole city."""
    if sees_everything(user):
        return True
    region = getattr(user, "region", None)
    return region is not None and region.parent_id is None and is_region_scoped(user)


def held_permissions(user) -> QuerySet[Permission]:
    """The permissions `user` holds itself (directly or through its groups): the most it may
    grant to another user or to a role."""
    if sees_everything(user):
        return Permission.objects.all()
    direct = user.user_permissions.values("pk")
    via_groups = Permission.objects.filter(group__user=user).values("pk")
    return Permission.objects.filter(Q(pk__in=direct) | Q(pk__in=via_groups))


def held_groups(user) -> QuerySet[Group]:
    """The roles `user` holds itself: the most it may give to another user."""
    if sees_everything(user):
        return Group.objects.all()
    return Group.objects.filter(user=user)


# Hooks that apps above `org` fill (they may not be imported from here): functions of the acting
# user returning a Q on User that adds accounts to the user's admin scope, e.g. the enterprise
# app adds the liaison persons' accounts of the enterprises in scope.
USER_SCOPE_EXTENSIONS: list = []


def user_scope_q(user) -> Q | None:
    """None for every account; otherwise the filter of the accounts `user` may see and manage:
    those of its region subtree, never a superuser, plus what the apps above add
    (USER_SCOPE_EXTENSIONS)."""
    if sees_everything(user):
        return None
    q = region_q(user)
    if not q:  # the whole tree: an empty Q would swallow the extensions below
        return ~Q(is_superuser=True)
    for extension in USER_SCOPE_EXTENSIONS:
        q |= extension(user)
    return q & ~Q(is_superuser=True)


def users_in_scope(user) -> QuerySet:
    from .models import User

    q = user_scope_q(user)
    return User.objects.all() if q is None else User.objects.filter(q)


def is_above(actor, target) -> bool:
    """True when `target` holds more than `actor`: a superuser, an account outside the actor's
    scope, or one with a permission (its own or through a role) that the actor lacks. Changing
    such an account (its password, say) would hand the actor what it does not hold."""
    if sees_everything(actor):
        return False
    if target.is_superuser or not users_in_scope(actor).filter(pk=target.pk).exists():
        return True
    return bool(target.get_all_permissions() - actor.get_all_permissions())


class ScopedFormMixin:
    """Shared by ModelAdmins and inlines: every relation's choices go through the scope. A
    queryset that a subclass passes in (e.g. Django's GroupAdmin for permissions) is narrowed
    to the scope, never widened."""

    def _scoped_kwargs(self, db_field, request, kwargs):
        allowed = related_choices(
            self.admin_site, request, db_field.remote_field.model, db=kwargs.get("using")
        )
        given = kwargs.get("queryset")
        kwargs["queryset"] = allowed if given is None else given.filter(pk__in=allowed.values("pk"))
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._scoped_kwargs(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._scoped_kwargs(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def related_choices(site, request, model, *, db=None):
    """The objects of `model` that `request.user` may pick in a form of the admin."""
    user = request.user
    if model is Permission:
        return held_permissions(user).select_related("content_type")
    related_admin = site._registry.get(model)
    if isinstance(related_admin, ScopedAdminMixin):
        qs = related_admin.get_queryset(request)
    elif is_city_level(user):
        qs = model._default_manager.all()
    else:  # not registered, so without a scope: nobody below the city level picks it
        qs = model._default_manager.none()
    if db:
        qs = qs.using(db)
    ordering = related_admin.get_ordering(request) if related_admin else ()
    return qs.order_by(*ordering) if ordering else qs


def keeping_current_values(form_class):
    """The form class, offering in each foreign key also the object's current value when it
    lies outside the scope (a city leader leading a county's special group, a project of the
    county owned by an enterprise of another): it is part of the object the user sees, and
    without it the form could not be saved unchanged (the value is no valid choice) or the
    browser would post it back empty. It is a choice for this object alone."""
    from django.db.models import ForeignKey
    from django.forms import ModelMultipleChoiceField

    class CurrentValuesForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            instance = getattr(self, "instance", None)
            if instance is None or instance.pk is None:
                return
            fields = {f.name: f for f in instance._meta.get_fields()}
            for name, field in self.fields.items():
                queryset = getattr(field, "queryset", None)
                model_field = fields.get(name)
                if (
                    queryset is None
                    or isinstance(field, ModelMultipleChoiceField)
                    or not isinstance(model_field, ForeignKey)
                ):
                    continue
                current = getattr(instance, model_field.attname)
                target = model_field.target_field.attname
                if current is None or queryset.filter(**{target: current}).exists():
                    continue
                widened = queryset.model._default_manager.filter(
                    Q(pk__in=queryset.values("pk")) | Q(**{target: current})
                )
                if queryset.query.order_by:
                    widened = widened.order_by(*queryset.query.order_by)
                field.queryset = widened

    CurrentValuesForm.__name__ = form_class.__name__
    return CurrentValuesForm


def keep_values_not_offered(form) -> None:
    """Every many-to-many field offers only what the user may pick (its scope, the roles and
    permissions it holds): the values the object already had outside those choices are kept.
    The user neither sees nor removes them; the browser, which posts back only what it was
    offered, would otherwise drop them without anyone seeing it (a city official sitting in a
    county's special group, a role the county administrator does not hold)."""
    from django.db.models import ManyToManyField

    if form.instance.pk is None:
        return
    opts = form._meta.model._meta
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if name not in form.cleaned_data or queryset is None:
            continue
        model_field = next((f for f in opts.get_fields() if f.name == name), None)
        if not isinstance(model_field, ManyToManyField):  # a form field of its own
            continue
        kept = getattr(form.instance, name).exclude(pk__in=queryset.values("pk"))
        form.cleaned_data[name] = [*form.cleaned_data[name], *kept]


class ScopedAdminMixin(ScopedFormMixin):
    """Mix into every ModelAdmin (before the ModelAdmin class). See the module's docstring."""

    reference_data = False

    # Relation fields that a user below the city level must fill in (an empty value would put
    # the object above or outside its scope, e.g. a region without a parent).
    scope_required_fields: tuple[str, ...] = ()

    def scope_queryset(self, request, queryset):
        """The rows the user may see. Override; by default only the city level sees any."""
        if self.reference_data or is_city_level(request.user):
            return queryset
        return queryset.none()

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def in_scope(self, request, obj) -> bool:
        return obj.pk is not None and self.get_queryset(request).filter(pk=obj.pk).exists()

    # Permissions -------------------------------------------------------------------------
    def _may_write(self, request) -> bool:
        return not self.reference_data or is_city_level(request.user)

    def has_add_permission(self, request, *args):
        return self._may_write(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._may_write(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request) and super().has_delete_permission(request, obj)

    # Actions that ignore the selected rows (and so the scope): the city level's alone.
    city_level_actions: tuple[str, ...] = ()

    def get_actions(self, request):
        # An action without allowed_permissions runs for anyone who may view the list (e.g.
        # django_celery_beat's "run tasks"): who may not write gets none.
        if not self._may_write(request):
            return {}
        actions = super().get_actions(request)
        if not is_city_level(request.user):
            for name in self.city_level_actions:
                actions.pop(name, None)
        return actions

    # Forms -------------------------------------------------------------------------------
    def get_form(self, request, obj=None, **kwargs):
        form = keeping_current_values(super().get_form(request, obj, **kwargs))
        required = [
            name
            for name in self.scope_required_fields
            if name in form.base_fields and not is_city_level(request.user)
        ]
        if not required:
            return form

        class ScopeRequiredForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                for name in required:
                    self.fields[name].required = True

        ScopeRequiredForm.__name__ = form.__name__
        return ScopeRequiredForm

    def save_related(self, request, form, formsets, change):
        keep_values_not_offered(form)
        super().save_related(request, form, formsets, change)
        # The last line of defence: whatever the form allowed, the saved object must still be
        # one the user may see. The change view's transaction rolls the whole save back.
        if not sees_everything(request.user) and not self.in_scope(request, form.instance):
            raise PermissionDenied

    # Deletion ----------------------------------------------------------------------------
    def get_deleted_objects(self, objs, request):
        """Django lists every object a deletion takes along (or that protects the object) by
        its name, whoever may see it. Below the city level: an object outside the scope of its
        model's admin is named by its kind alone and makes the deletion refused (nobody
        deletes another area's data through its own); an object of a model without an admin
        (a ticket's events, a link row…) is named by its kind alone."""
        if is_city_level(request.user):
            return super().get_deleted_objects(objs, request)
        return scoped_deleted_objects(self.admin_site, objs, request)

    # simple_history's pages read the history table directly (and fall back to it for an object
    # the queryset does not hold): the object must be in scope first. The history of a deleted
    # object is the city level's. An id that is no id of the model ("abc", "1.5") is a missing
    # object, for everyone (the history pages looked it up unchecked: 500).
    def _history_in_scope(self, request, object_id) -> None:
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError as exc:
            raise Http404 from exc
        if is_city_level(request.user):
            return
        if not self.get_queryset(request).filter(pk=pk).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._history_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._history_in_scope(request, object_id)
        if not str(version_id).isascii() or not str(version_id).isdigit():
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


def scoped_deleted_objects(site, objs, request):
    """Django's admin.utils.get_deleted_objects, through the scope (see
    ScopedAdminMixin.get_deleted_objects): one query per related model, not per object."""
    from collections import defaultdict

    from django.contrib.admin.utils import NestedObjects, quote
    from django.db import router
    from django.urls import NoReverseMatch, reverse
    from django.utils.html import format_html
    from django.utils.text import capfirst
    from django.utils.translation import gettext

    try:
        first = objs[0]
    except IndexError:
        return [], {}, set(), []
    collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
    collector.collect(objs)

    found = defaultdict(set)
    for model, instances in collector.model_objs.items():
        found[model].update(obj.pk for obj in instances)
    for obj in collector.protected:
        found[type(obj)].add(obj.pk)
    visible: dict = {}
    for model, pks in found.items():
        model_admin = site._registry.get(model)
        if isinstance(model_admin, ScopedAdminMixin):
            visible[model] = set(
                model_admin.get_queryset(request).filter(pk__in=pks).values_list("pk", flat=True)
            )
    perms_needed: set = set()

    def format_callback(obj):
        model, opts = type(obj), obj._meta
        kind = capfirst(opts.verbose_name)
        if model not in visible:  # no admin (or an unscoped one): its kind, never its name
            if model in site._registry:
                perms_needed.add(opts.verbose_name)
            return kind
        if obj.pk not in visible[model]:
            perms_needed.add(opts.verbose_name)
            return gettext("%(kind)s (outside your area)") % {"kind": kind}
        model_admin = site._registry[model]
        if not model_admin.has_delete_permission(request, obj):
            perms_needed.add(opts.verbose_name)
        try:
            admin_url = reverse(
                f"{site.name}:{opts.app_label}_{opts.model_name}_change", args=(quote(obj.pk),)
            )
        except NoReverseMatch:
            return f"{kind}: {obj}"
        return format_html('{}: <a href="{}">{}</a>', kind, admin_url, obj)

    to_delete = collector.nested(format_callback)
    protected = [format_callback(obj) for obj in collector.protected]
    model_count = {
        model._meta.verbose_name_plural: len(instances)
        for model, instances in collector.model_objs.items()
    }
    return to_delete, model_count, perms_needed, protected


class ScopedInlineMixin(ScopedFormMixin):
    """Mix into every inline: its relation choices go through the scope like the parent's."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = keeping_current_values(formset.form)
        return formset


class CityLevelInlineMixin(ScopedInlineMixin):
    """An inline of reference data: only the city level writes it."""

    def has_add_permission(self, request, obj=None):
        return is_city_level(request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return is_city_level(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_city_level(request.user) and super().has_delete_permission(request, obj)


def region_subtree_scope(field: str = "region"):
    """A `scope_queryset` that keeps the rows whose `field` lies in the user's region subtree."""

    def scope_queryset(self, request, queryset):
        return queryset.filter(region_q(request.user, field))

    return scope_queryset


def regions_scope(self, request, queryset):
    """A `scope_queryset` for the regions themselves: the user's subtree."""
    user = request.user
    if sees_everything(user):
        return queryset
    own = getattr(user, "region", None)
    if own is None or not is_region_scoped(user):
        return queryset.none()
    return queryset.filter(path__startswith=own.path)


def unscoped_admins(site=None) -> list[str]:
    """Labels of the registered models whose admin (or one of its inlines) skips the mixin."""
    site = site or admin.site
    found = []
    for model, model_admin in site._registry.items():
        if not isinstance(model_admin, ScopedAdminMixin):
            found.append(model._meta.label)
            continue
        for inline in model_admin.inlines:
            if not issubclass(inline, ScopedInlineMixin):
                found.append(f"{model._meta.label} ({inline.__name__})")
    return found


def check_every_admin_is_scoped(app_configs, **kwargs):
    return [
        Error(
            f"The admin of {label} does not use org.admin_scoping.ScopedAdminMixin.",
            hint="Mix ScopedAdminMixin (and ScopedInlineMixin in inlines) into it and say its "
            "scope: scope_queryset() or reference_data = True.",
            id="org.E010",
        )
        for label in unscoped_admins()
    ]


__all__ = [
    "USER_SCOPE_EXTENSIONS",
    "CityLevelInlineMixin",
    "ScopedAdminMixin",
    "ScopedInlineMixin",
    "check_every_admin_is_scoped",
    "held_groups",
    "held_permissions",
    "is_above",
    "is_city_level",
    "keep_values_not_offered",
    "keeping_current_values",
    "region_subtree_scope",
    "regions_scope",
    "related_choices",
    "scoped_autocomplete_view",
    "scoped_deleted_objects",
    "unscoped_admins",
    "user_scope_q",
    "users_in_scope",
]


def scoped_view_on_site(request, content_type_id: int, object_id: str):
    """The admin's "view on site" shortcut (/admin/r/<type>/<id>/), through the scope of the
    model's admin: an object outside it answers as one that does not exist (Django's own
    shortcut redirects for any existing object, which confirms that an id exists)."""
    from django.contrib.admin import site
    from django.contrib.contenttypes import views as contenttype_views
    from django.contrib.contenttypes.models import ContentType
    from django.core.exceptions import ValidationError
    from django.http import Http404

    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    model_admin = site._registry.get(model) if model else None
    if model_admin is None:
        raise Http404
    try:
        found = model_admin.get_queryset(request).filter(pk=object_id).exists()
    except (ValueError, TypeError, OverflowError, ValidationError):
        found = False
    if not found:
        raise Http404
    return contenttype_views.shortcut(request, content_type_id, object_id)


def scoped_autocomplete_view():
    """The admin's autocomplete endpoint (/admin/autocomplete/), answering only for a forward
    relation field (a foreign key or many-to-many field of the source model). Django's own view
    takes any field name, reverse relations included, and crashed on those (500). The answer
    then comes, as in Django's, through the related model's admin (its scope)."""
    from django.apps import apps
    from django.contrib import admin as django_admin
    from django.contrib.admin.views.autocomplete import AutocompleteJsonView
    from django.core.exceptions import FieldDoesNotExist
    from django.db.models import Field

    class ScopedAutocompleteJsonView(AutocompleteJsonView):
        def process_request(self, request):
            try:
                model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
                field = model._meta.get_field(request.GET["field_name"])
            except (KeyError, LookupError, ValueError, FieldDoesNotExist) as exc:
                raise PermissionDenied from exc
            if not isinstance(field, Field) or not field.is_relation:
                raise PermissionDenied
            return super().process_request(request)

        def get_queryset(self):
            # Paged: an admin without an ordering (axes' logs) would page inconsistently.
            queryset = super().get_queryset()
            return queryset if queryset.ordered else queryset.order_by("pk")

    site = django_admin.site
    return site.admin_view(ScopedAutocompleteJsonView.as_view(admin_site=site))
