from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import Region, TranslatedNameMixin, phone_validator

from .validators import validate_credit_code


class EnterpriseCategory(models.TextChoices):
    """The four categories in scope of the Weifang commissioner system."""

    INDUSTRIAL = "industrial", _("Industrial enterprise above designated size")
    CONSTRUCTION = "construction", _("Construction enterprise")
    TRADE = "trade", _("Wholesale, retail, hotel or catering above quota")
    SERVICES = "services", _("Key service enterprise")


class EnterpriseTag(TranslatedNameMixin, models.Model):
    """A classification tag (分类建库): 规上, 亿元, 外资, 高新技术, 股份制, 上市, 四新, 困难企业."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("enterprise tag")
        verbose_name_plural = _("enterprise tags")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.display_name


class Enterprise(models.Model):
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="enterprises"
    )
    category = models.CharField(
        _("category"), max_length=20, choices=EnterpriseCategory.choices, db_index=True
    )
    tags = models.ManyToManyField(
        EnterpriseTag, verbose_name=_("tags"), blank=True, related_name="enterprises"
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    annual_revenue = models.DecimalField(
        _("annual revenue (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    annual_tax = models.DecimalField(
        _("annual tax paid (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    green_channel = models.BooleanField(
        _("green channel"),
        default=False,
        help_text=_("A named excellent entrepreneur's enterprise with a green channel (绿色通道)."),
    )
    integrity_restricted = models.BooleanField(
        _("integrity restriction"),
        default=False,
        help_text=_("Restricted for a bribery record (失廉惩戒)."),
    )
    integrity_reason = models.TextField(_("reason for the restriction"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[tags])

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["region", "category"], name="enterprise_region_category"),
            # Name search is UPPER(name) LIKE …: the expression index gives the planner
            # statistics for it (without them PostgreSQL picks a nested loop 400× slower).
            models.Index(Upper("name"), name="enterprise_name_upper"),
            # The list's order: pages are read straight off this index.
            models.Index(fields=["name", "id"], name="enterprise_name_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(integrity_restricted=False) | ~Q(integrity_reason=""),
                name="enterprise_restriction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:detail", args=[self.pk])


class LiaisonPerson(models.Model):
    """One of the (at most two) liaison persons (联络员) an enterprise names. The slot (1 or 2)
    lets the database itself refuse a third active liaison person."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="liaison_persons",
    )
    slot = models.PositiveSmallIntegerField(_("slot"), choices=[(1, "1"), (2, "2")], default=1)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaison_roles",
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, validators=[phone_validator])
    position = models.CharField(_("position"), max_length=50, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("liaison person")
        verbose_name_plural = _("liaison persons")
        ordering = ["enterprise", "slot"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "slot"],
                condition=Q(is_active=True),
                name="liaison_person_two_slots",
            ),
            models.CheckConstraint(condition=Q(slot__in=[1, 2]), name="liaison_person_slot_1_2"),
        ]
        indexes = [models.Index(fields=["user", "is_active"], name="liaison_user_active")]

    def __str__(self) -> str:
        return self.name


class ProjectLevel(models.TextChoices):
    PROVINCE = "province", _("Province-level key project")
    CITY = "city", _("City-level key project")
    COUNTY = "county", _("County-level key project")


class ProjectStage(models.TextChoices):
    PLANNING = "planning", _("Planning")
    APPROVAL = "approval", _("Approvals")
    CONSTRUCTION = "construction", _("Under construction")
    OPERATING = "operating", _("In operation")


class KeyProject(models.Model):
    code = models.CharField(
        _("project code"),
        max_length=30,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The project's number in the key-project list (项目编号)."),
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    level = models.CharField(_("level"), max_length=10, choices=ProjectLevel.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="projects"
    )
    owner = models.ForeignKey(
        Enterprise,
        verbose_name=_("owner enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=ProjectStage.choices, default=ProjectStage.PLANNING
    )
    investment = models.DecimalField(
        _("total investment (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["region", "level"], name="project_region_level")]

    def __str__(self) -> str:
        return self.name
