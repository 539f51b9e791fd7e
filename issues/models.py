import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import UserObjectPermissionBase

from enterprises.models import Enterprise, KeyProject
from org.models import Department, TranslatedNameMixin

from .workflow import Action, Actor, State


class Category(TranslatedNameMixin, models.Model):
    """A problem category (用工, 环保, 资金 …): data, with its special group."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("problem category")
        verbose_name_plural = _("problem categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.display_name


class Urgency(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    COMPLEX = "complex", _("Complex")


class DeadlineRule(models.Model):
    """Working days a department has for a ticket of this urgency (and category, when set)."""

    category = models.ForeignKey(
        Category,
        verbose_name=_("problem category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty: every category without a rule of its own."),
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    working_days = models.PositiveSmallIntegerField(
        _("working days"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "urgency"],
                condition=Q(category__isnull=False),
                name="deadline_rule_unique",
            ),
            models.UniqueConstraint(
                fields=["urgency"],
                condition=Q(category__isnull=True),
                name="deadline_rule_default_unique",
            ),
            models.CheckConstraint(condition=Q(working_days__gte=1), name="deadline_rule_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.category or '*'} · {self.get_urgency_display()} · {self.working_days}"


class Source(models.TextChoices):
    ENTERPRISE = "enterprise", _("Reported by the enterprise")
    CADRE = "cadre", _("Found by a cadre")
    VISIT = "visit", _("Found on a visit")
    OFFICE = "office", _("Recorded by the liaison office")
    HOTLINE = "hotline", _("12345 hotline")


class Ticket(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="tickets"
    )
    project = models.ForeignKey(
        KeyProject,
        verbose_name=_("key project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    source = models.CharField(
        pgettext_lazy("ticket", "source"), max_length=20, choices=Source.choices
    )
    category = models.ForeignKey(
        Category, verbose_name=_("problem category"), on_delete=models.PROTECT
    )
    # On PostgreSQL the table also holds title_grams, generated from the title for the board's
    # search (org/search.py, migration 0010). It blocks a change of the title's type: a
    # migration that alters this field must drop that column first and add it back after.
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    consent_to_share = models.BooleanField(
        _("may be shared with other bodies"),
        default=False,
        help_text=_("The enterprise agrees that its details go to the bodies that handle it."),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("lead department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_tickets",
    )
    co_departments = models.ManyToManyField(
        Department,
        verbose_name=_("co-handling departments"),
        blank=True,
        related_name="co_tickets",
    )
    # First-asked responsibility (首问负责制): the unit that first received the problem answers
    # to the enterprise until a department acknowledges the slip.
    first_unit = models.ForeignKey(
        Department,
        verbose_name=_("first-asked unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="first_asked_tickets",
    )
    # The region whose liaison office triages the ticket: the enterprise's county (or the
    # office that received it) until a county office passes it up. Empty: the enterprise's
    # county.
    triage_region = models.ForeignKey(
        "org.Region",
        verbose_name=_("triaged by the office of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The escalation report (呈报单): the city leader it goes to, and by when it is answered.
    reported_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    report_due = models.DateField(_("report due"), null=True, blank=True)
    acknowledge_by = models.DateField(_("acknowledge by"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    paused_since = models.DateField(_("clock paused since"), null=True, blank=True)
    extension_used = models.BooleanField(_("extension used"), default=False)
    extension_days = models.PositiveSmallIntegerField(
        _("extension requested (working days)"), null=True, blank=True
    )
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    outcome = models.TextField(_("outcome"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.TextField(_("comment on the handling"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The escalation sweep remembers what it already did, so that it never repeats itself.
    ack_notified = models.BooleanField(default=False, editable=False)
    due_soon_notified = models.BooleanField(default=False, editable=False)
    overdue_notified = models.BooleanField(default=False, editable=False)
    report_due_soon_notified = models.BooleanField(default=False, editable=False)
    report_overdue_notified = models.BooleanField(default=False, editable=False)
    supervised_at = models.DateTimeField(_("supervision notice sent"), null=True, blank=True)
    # A default rather than auto_now_add, so that imported and seeded tickets keep their date.
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("problem ticket")
        verbose_name_plural = _("problem tickets")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "due_date"], name="ticket_state_due"),
            models.Index(fields=["lead_department", "state", "due_date"], name="ticket_dept_state"),
            models.Index(fields=["enterprise", "state"], name="ticket_enterprise_state"),
            models.Index(fields=["created_at", "id"], name="ticket_created"),
            # A special group's queue: escalated tickets of its categories (and the board's
            # state + category filter).
            models.Index(fields=["state", "category", "due_date"], name="ticket_state_category"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="ticket_rating_1_5",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.MERGED) | Q(merged_into__isnull=False),
                name="ticket_merged_has_target",
            ),
        ]
        # Per-object grants beyond the region scope (django-guardian, TicketGrant below).
        permissions = [
            ("view_shared_ticket", _("Can see a ticket shared with them")),
            ("act_on_ticket", _("Can act as the liaison office on a shared ticket")),
            ("act_for_leader", _("Can act as the city leader on a delegated report")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("issues:detail", args=[self.pk])


class TicketEvent(models.Model):
    """One step of a ticket's history: every transition, with who, when and the note."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_role = models.CharField(_("as"), max_length=20, choices=Actor.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticket_event_ticket")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.from_state}→{self.to_state}"


class TicketGrant(UserObjectPermissionBase):
    """One ticket shared with one user (read, or read and act as the office), or one escalation
    report delegated by a leader to an official: a django-guardian object permission with a
    direct foreign key, so that the ticket scope reads it through an indexed subquery. Revoking
    deletes the row; the timeline keeps who granted and revoked what."""

    content_object = models.ForeignKey(
        Ticket, verbose_name=_("problem ticket"), on_delete=models.CASCADE, related_name="grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("ticket grant")
        verbose_name_plural = _("ticket grants")

    def __str__(self) -> str:
        return f"{self.content_object_id} {self.user_id} {self.permission_id}"


class SupervisionNotice(models.Model):
    """A supervision notice (督办单) raised on an overdue ticket, by the sweep or the office."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="supervisions")
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_date = models.DateField(_("due date"))
    overdue_working_days = models.PositiveSmallIntegerField(_("overdue (working days)"))
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.created_at:%Y-%m-%d}"


def _attachment_path(instance, filename):
    # A random name: the original name is kept for display only, and nobody can guess a path.
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class Attachment(models.Model):
    """A file on a ticket: an image, a PDF or an Office document, checked by its content and
    served only to those who may see the ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    extension = models.CharField(max_length=10, editable=False)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class SpecialGroup(models.Model):
    """A problem-solving special group (问题解决专项小组) for some categories, led by a deputy
    head of government, meeting weekly or every two weeks."""

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        BIWEEKLY = "biweekly", _("Every two weeks")

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey("org.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), related_name="special_groups"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        blank=True,
        related_name="special_groups",
    )
    cadence = models.CharField(
        _("meets"), max_length=10, choices=Cadence.choices, default=Cadence.WEEKLY
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("special group")
        verbose_name_plural = _("special groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    """A special group's meeting, or the monthly standing meeting (常务会议), with its agenda."""

    class Kind(models.TextChoices):
        GROUP = "group", _("Special group meeting")
        STANDING = "standing", _("Standing meeting")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    group = models.ForeignKey(
        SpecialGroup,
        verbose_name=_("special group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    region = models.ForeignKey("org.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    held_on = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    drafted = models.BooleanField(
        _("drafted by the rhythm"),
        default=False,
        help_text=_("Planned automatically from the group's cadence (or monthly)."),
    )
    reminded_at = models.DateTimeField(_("members reminded"), null=True, blank=True)
    missed_flagged_at = models.DateTimeField(
        _("flagged as missed"),
        null=True,
        blank=True,
        help_text=_("When the office was told that the meeting's date passed without minutes."),
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="group", group__isnull=False)
                | Q(kind="standing", group__isnull=True),
                name="meeting_group_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group or self.get_kind_display()} {self.held_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("issues:meeting", args=[self.pk])

    @property
    def is_missed(self) -> bool:
        return self.status == self.Status.PLANNED and self.missed_flagged_at is not None


class AgendaItem(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", _("Not decided yet")
        RESOLVE = "resolve", _("Resolved")
        ASSIGN = "assign", _("Assigned with a new deadline")
        ESCALATE = "escalate", _("To the standing meeting")
        DEFERRED = "deferred", _("Deferred to the next meeting")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="agenda_items")
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    note = models.TextField(_("note"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "ticket"], name="agenda_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.ticket_id}"


class CallBack(models.Model):
    """The office's call-back (回访) of a closed or withdrawn ticket: did the enterprise confirm
    the outcome? Withdrawals are called back too, since a withdrawal can hide pressure."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="callbacks")
    confirmed = models.BooleanField(_("the enterprise confirms the outcome"))
    note = models.TextField(_("what the enterprise said"), blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    called_at = models.DateTimeField(_("called"), default=timezone.now)

    class Meta:
        verbose_name = _("call-back")
        verbose_name_plural = _("call-backs")
        ordering = ["-called_at"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.called_at:%Y-%m-%d}"
