from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

phone_validator = RegexValidator(
    r"^[0-9+\-() ]{5,20}$", _("Enter a valid phone number (digits, spaces, + - and brackets).")
)


def localized_name(name: str, name_en: str) -> str:
    """The name to show in the active language: reference data (ranks, problem categories,
    enterprise tags) carries an English name beside its Chinese one."""
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name


class TranslatedNameMixin(models.Model):
    """Reference data shown to users in both languages: `name` is the Chinese name and
    `name_en` the English one; `display_name` (and str()) picks the active language's."""

    name_en = models.CharField(
        _("English name"),
        max_length=100,
        blank=True,
        help_text=_("Shown when the portal is in English; the name is shown when empty."),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return localized_name(self.name, self.name_en)


def region_label(name: str, level: int, parent_name: str = "") -> str:
    """A region's name that cannot repeat: town names (城关街道) recur in several counties, so
    a town is named with its county (临朐县城关街道)."""
    if level == Region.Level.TOWN and parent_name:
        return f"{parent_name}{name}"
    return name


def department_label(name: str, region: str) -> str:
    """A department's name with its region: 城关街道经济发展办公室 exists in every county that
    has a 城关街道, so every list and dropdown of departments shows where each one is. A name
    that already begins with its region (潍城区商务局) says where it is by itself."""
    return f"{name} · {region}" if region and not name.startswith(region) else name


class Region(models.Model):
    """A node of the three-level administrative tree: city (市), county/district (县区),
    town/street (镇街). `path` is the chain of division codes from the root, so that a subtree
    is one indexed prefix match."""

    class Level(models.IntegerChoices):
        CITY = 1, _("City")
        COUNTY = 2, _("County / district")
        TOWN = 3, _("Town / street")

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("division code"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{6,12}$", _("A division code has 6 to 12 digits."))],
        help_text=_("The administrative division code, e.g. 370700 for Weifang."),
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=1, parent__isnull=True)
                | models.Q(level__gt=1, parent__isnull=False),
                name="region_root_is_city",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The path is derived from the parent's path and the code, which never change after
        # creation (both are read-only in the admin).
        self.path = f"{self.parent.path if self.parent_id else ''}{self.code}/"
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        """The name with its county for a town (see region_label); select_related("parent")
        when listing many."""
        return region_label(self.name, self.level, self.parent.name if self.parent_id else "")

    def is_within(self, other: "Region") -> bool:
        """True when this region is `other` or lies below it."""
        return self.path.startswith(other.path)


class DepartmentQuerySet(models.QuerySet):
    def labelled(self):
        """With what `label` reads, so that a list of departments costs one query."""
        return self.select_related("region__parent")

    def labels(self) -> dict[int, str]:
        """{pk: label} in one query of plain values, for tables and long dropdowns."""
        rows = self.values_list(
            "pk", "name", "region__name", "region__level", "region__parent__name"
        )
        return {
            pk: department_label(name, region_label(region, level, parent or ""))
            for pk, name, region, level, parent in rows
        }


class Department(models.Model):
    class Kind(models.TextChoices):
        FUNCTIONAL = "functional", _("Functional department")
        ECONOMIC = "economic", _("Economic department")
        LIAISON_OFFICE = "liaison_office", _("Liaison office")
        OFFICE_BODY = "office_body", _("Office of a leading body")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="departments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FUNCTIONAL)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["region__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="department_unique_per_region")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name with its region, for every list and dropdown (names repeat across
        regions). Use Department.objects.labelled() when listing many."""
        return department_label(self.name, self.region.label)


class Rank(TranslatedNameMixin, models.Model):
    """A cadre's rank (厅级, 县处级正职 …). Ranks are data: quota policies refer to them."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(
        _("order"), default=100, help_text=_("Lower numbers are more senior.")
    )
    is_leader = models.BooleanField(
        _("leader rank"),
        default=False,
        help_text=_(
            "Cadres of this rank count as leaders (e.g. for the no-duplicate-leader rule)."
        ),
    )

    class Meta:
        verbose_name = _("rank")
        verbose_name_plural = _("ranks")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.display_name


class User(AbstractUser):
    """A person who logs in. `region` bounds what the user sees (one platform, tiered
    management); `department` is the unit the user works for, when any."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("The user sees this region and the regions below it."),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    is_department_head = models.BooleanField(
        _("head of the department"),
        default=False,
        help_text=_("Signs off the department's replies to urgent problems."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Notifications are written in this language; set by the language switch."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Cadre(models.Model):
    """An official (干部) who may be assigned to enterprises and projects."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="cadre"
    )
    name = models.CharField(_("name"), max_length=50)
    rank = models.ForeignKey(Rank, verbose_name=_("rank"), on_delete=models.PROTECT)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cadres",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="cadres"
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["rank__order", "name"]
        indexes = [models.Index(fields=["region", "is_active"], name="cadre_region_active")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:org_cadre_change", args=[self.pk])

    @property
    def label(self) -> str:
        """Name, rank and department with its region: cadres' names repeat, so pickers show
        who is who. select_related("rank", "department__region__parent") when listing many."""
        parts = [self.name, self.rank.display_name]
        if self.department_id:
            parts.append(self.department.label)
        return " · ".join(parts)


class CalendarDay(models.Model):
    """An exception to the Monday-to-Friday week: a public holiday that falls on a weekday, or
    a make-up working day (调休) that falls on a weekend. Deadlines count working days on it."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        help_text=_("Ticked: a make-up working day on a weekend. Unticked: a holiday."),
    )
    name = models.CharField(_("name"), max_length=50)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
