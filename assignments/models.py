import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.models import Enterprise, KeyProject
from org.models import Cadre, Department, Rank


class QuotaPolicy(models.Model):
    """A city's rules for linking cadres to enterprises and projects (Weifang, Tongxiang …).
    Exactly one policy is active; the presets ship as data."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=False)
    default_term_years = models.PositiveSmallIntegerField(
        _("default term (years)"), default=3, help_text=_("How long a link lasts by default.")
    )
    no_duplicate_leader = models.BooleanField(
        _("no duplicate leader"),
        default=False,
        help_text=_("At most one leader-rank cadre actively linked to one enterprise."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quota policy")
        verbose_name_plural = _("quota policies")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_quota_policy"
            )
        ]

    def __str__(self) -> str:
        return self.name


class QuotaRule(models.Model):
    """The quota of one rank (optionally only in one kind of department) under a policy.
    Empty numbers mean "no limit"."""

    policy = models.ForeignKey(
        QuotaPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="rules"
    )
    rank = models.ForeignKey(Rank, verbose_name=_("rank"), on_delete=models.PROTECT)
    department_kind = models.CharField(
        _("only in departments of kind"),
        max_length=20,
        choices=Department.Kind.choices,
        blank=True,
        help_text=_("Leave empty for every department."),
    )
    min_enterprises = models.PositiveSmallIntegerField(_("min. enterprises"), null=True, blank=True)
    max_enterprises = models.PositiveSmallIntegerField(_("max. enterprises"), null=True, blank=True)
    min_projects = models.PositiveSmallIntegerField(_("min. projects"), null=True, blank=True)
    max_projects = models.PositiveSmallIntegerField(_("max. projects"), null=True, blank=True)
    min_combined = models.PositiveSmallIntegerField(
        _("min. enterprises or projects"), null=True, blank=True
    )
    max_combined = models.PositiveSmallIntegerField(
        _("max. enterprises or projects"),
        null=True,
        blank=True,
        help_text=_("For ranks whose quota counts enterprises and projects together."),
    )
    allow_many_to_one = models.BooleanField(_("may work many-to-one"), default=False)

    class Meta:
        verbose_name = _("quota rule")
        verbose_name_plural = _("quota rules")
        ordering = ["policy", "rank__order", "department_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "rank", "department_kind"], name="quota_rule_unique"
            ),
            models.CheckConstraint(
                condition=Q(min_enterprises__isnull=True)
                | Q(max_enterprises__isnull=True)
                | Q(min_enterprises__lte=F("max_enterprises")),
                name="quota_rule_enterprises_range",
            ),
            models.CheckConstraint(
                condition=Q(min_projects__isnull=True)
                | Q(max_projects__isnull=True)
                | Q(min_projects__lte=F("max_projects")),
                name="quota_rule_projects_range",
            ),
            models.CheckConstraint(
                condition=Q(min_combined__isnull=True)
                | Q(max_combined__isnull=True)
                | Q(min_combined__lte=F("max_combined")),
                name="quota_rule_combined_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} · {self.rank}"


class AssignmentQuerySet(models.QuerySet):
    def current(self, day: datetime.date | None = None):
        """The links in force on `day` (today by default): not ended, and within their term.
        A link whose term has run out counts nowhere even before the daily sweep ends it."""
        day = day or timezone.localdate()
        return self.filter(ended_on__isnull=True, term_end__gte=day)


class AssignmentMode(models.TextChoices):
    ONE_TO_ONE = "one_to_one", _("One-to-one")
    MANY_TO_ONE = "many_to_one", _("Many-to-one")


class Assignment(models.Model):
    """A cadre linked (包靠) to one enterprise or one key project. Ending a link sets its end
    date: links are never deleted."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="assignments"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    project = models.ForeignKey(
        KeyProject,
        verbose_name=_("key project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    start_date = models.DateField(_("start date"))
    term_end = models.DateField(_("end of term"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    reminder_sent_on = models.DateField(
        _("end-of-term reminder sent on"),
        null=True,
        blank=True,
        help_text=_("The office and the cadre are reminded once, 30 days before the term ends."),
    )
    mode = models.CharField(
        _("mode"), max_length=20, choices=AssignmentMode.choices, default=AssignmentMode.ONE_TO_ONE
    )
    is_primary = models.BooleanField(_("primary contact"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(enterprise__isnull=False) & Q(project__isnull=True))
                | (Q(enterprise__isnull=True) & Q(project__isnull=False)),
                name="assignment_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["cadre", "enterprise"],
                condition=Q(ended_on__isnull=True, enterprise__isnull=False),
                name="assignment_active_cadre_enterprise",
            ),
            models.UniqueConstraint(
                fields=["cadre", "project"],
                condition=Q(ended_on__isnull=True, project__isnull=False),
                name="assignment_active_cadre_project",
            ),
            # One primary contact per enterprise among its current links.
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(is_primary=True, ended_on__isnull=True, enterprise__isnull=False),
                name="assignment_one_primary_per_enterprise",
            ),
            models.CheckConstraint(
                condition=Q(term_end__gt=F("start_date")), name="assignment_term_after_start"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("start_date")),
                name="assignment_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["enterprise"],
                condition=Q(ended_on__isnull=True),
                name="assignment_active_enterprise",
            ),
            models.Index(
                fields=["project"],
                condition=Q(ended_on__isnull=True),
                name="assignment_active_project",
            ),
            models.Index(fields=["cadre", "ended_on"], name="assignment_cadre_ended"),
            # The daily sweep: links not yet ended, by the end of their term.
            models.Index(
                fields=["term_end"],
                condition=Q(ended_on__isnull=True),
                name="assignment_open_term_end",
            ),
            # The list's order (newest first): pages are read straight off this index.
            models.Index(fields=["start_date", "id"], name="assignment_start_id"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} → {self.target}"

    @property
    def target(self):
        return self.enterprise if self.enterprise_id else self.project

    @property
    def is_active(self) -> bool:
        return self.ended_on is None and self.term_end >= timezone.localdate()
