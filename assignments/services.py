"""Writes to the assignments: link, end, import. Every rule is checked by rules.RuleBook."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from enterprises.models import Enterprise, KeyProject
from enterprises.permissions import enterprises_for_user, projects_for_user
from enterprises.validators import normalize_credit_code
from org.models import Cadre
from org.scoping import region_q
from org.spreadsheets import Column, RowProblem, read_upload

from .models import Assignment, AssignmentMode
from .permissions import can_end_assignment, can_manage_assignments
from .rules import Proposal, RuleBook
from .terms import end_lapsed_links


class AssignmentError(ValidationError):
    """A link that the rules refuse; `message_dict` maps form fields to readable messages."""


def _raise(problems: list[tuple[str, str]]) -> None:
    errors: dict[str, list[str]] = {}
    for name, message in problems:
        errors.setdefault(name, []).append(message)
    raise AssignmentError(errors)


def _today() -> datetime.date:
    return timezone.localdate()


def _links_of(cadre_ids, enterprises, projects) -> Q:
    return (
        Q(cadre_id__in=list(cadre_ids))
        | Q(enterprise_id__in=[e.pk for e in enterprises])
        | Q(project_id__in=[p.pk for p in projects])
    )


def assignment_problems(
    *,
    actor,
    cadre: Cadre,
    enterprise: Enterprise | None = None,
    project: KeyProject | None = None,
    start_date: datetime.date | None = None,
    term_end: datetime.date | None = None,
    mode: str = AssignmentMode.ONE_TO_ONE,
    is_primary: bool = True,
) -> list[tuple[str, str]]:
    """What the rules say of a link, without writing (forms show it next to the fields)."""
    if not can_manage_assignments(actor):
        return [("cadre", _("Your role does not allow linking cadres."))]
    book = RuleBook(actor=actor).load(
        cadre_ids=[cadre.pk],
        enterprise_ids=[enterprise.pk] if enterprise else [],
        project_ids=[project.pk] if project else [],
    )
    start_date = start_date or _today()
    return book.check(
        Proposal(
            cadre=cadre,
            enterprise=enterprise,
            project=project,
            start_date=start_date,
            term_end=term_end or book.default_term_end(start_date),
            mode=mode,
            is_primary=is_primary,
        )
    )


@transaction.atomic
def assignment_create(
    *,
    actor,
    cadre: Cadre,
    enterprise: Enterprise | None = None,
    project: KeyProject | None = None,
    start_date: datetime.date | None = None,
    term_end: datetime.date | None = None,
    mode: str = AssignmentMode.ONE_TO_ONE,
    is_primary: bool = True,
    note: str = "",
) -> Assignment:
    """Link a cadre to one enterprise or project, or raise AssignmentError saying why not."""
    if not can_manage_assignments(actor):
        _raise([("cadre", _("Your role does not allow linking cadres."))])
    # Lock the cadre and the target so that two simultaneous links cannot both pass a quota.
    cadre = (
        # of=("self",): PostgreSQL cannot lock the nullable side of an outer join (department).
        Cadre.objects.select_for_update(of=("self",))
        .select_related("rank", "department", "region")
        .get(pk=cadre.pk)
    )
    if enterprise is not None:
        enterprise = (
            Enterprise.objects.select_for_update(of=("self",))
            .select_related("region")
            .get(pk=enterprise.pk)
        )
    if project is not None:
        project = (
            KeyProject.objects.select_for_update(of=("self",))
            .select_related("region")
            .get(pk=project.pk)
        )
    # A link of the same cadre or target whose term ran out today is ended now rather than at
    # the night's sweep, so that it neither counts nor blocks the new one.
    end_lapsed_links(
        only=_links_of([cadre.pk], [enterprise] if enterprise else [], [project] if project else [])
    )
    book = RuleBook(actor=actor).load(
        cadre_ids=[cadre.pk],
        enterprise_ids=[enterprise.pk] if enterprise else [],
        project_ids=[project.pk] if project else [],
    )
    start_date = start_date or _today()
    term_end = term_end or book.default_term_end(start_date)
    proposal = Proposal(
        cadre=cadre,
        enterprise=enterprise,
        project=project,
        start_date=start_date,
        term_end=term_end,
        mode=mode,
        is_primary=is_primary,
    )
    problems = book.check(proposal)
    if problems:
        _raise(problems)
    assignment = Assignment(
        cadre=cadre,
        enterprise=enterprise,
        project=project,
        start_date=start_date,
        term_end=term_end,
        mode=mode,
        is_primary=is_primary,
        note=note,
        created_by=actor,
    )
    assignment._history_user = actor
    assignment.save()
    return assignment


@transaction.atomic
def assignment_end(
    *, actor, assignment: Assignment, ended_on: datetime.date | None = None, reason: str = ""
) -> Assignment:
    """End a link (it is kept, with its end date and reason)."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("enterprise__region", "project__region")
        .get(pk=assignment.pk)
    )
    if not can_end_assignment(actor, assignment):
        _raise([("ended_on", _("Your role does not allow ending this link."))])
    if assignment.ended_on is not None:
        _raise(
            [
                (
                    "ended_on",
                    _("This link already ended on %(date)s.") % {"date": assignment.ended_on},
                )
            ]
        )
    ended_on = ended_on or _today()
    if ended_on < assignment.start_date:
        _raise(
            [
                (
                    "ended_on",
                    _("A link cannot end before it started (%(date)s).")
                    % {"date": assignment.start_date},
                )
            ]
        )
    if ended_on > _today():
        _raise([("ended_on", _("The end date cannot be in the future."))])
    assignment.ended_on = ended_on
    assignment.end_reason = reason.strip()
    assignment._history_user = actor
    assignment.save(update_fields=["ended_on", "end_reason"])
    return assignment


def assignment_change_problems(
    *, actor, assignment: Assignment, is_primary: bool
) -> list[tuple[str, str]]:
    """What the rules say of changing an existing link's primary-contact flag. The book is asked
    about the link as if it were made now, without the link itself; only its verdict on what a
    change can alter (the primary contact) counts: quotas and dates were checked when the link
    was made, and a later change of policy does not lock its note."""
    if not can_end_assignment(actor, assignment):
        return [("is_primary", _("Your role does not allow changing this link."))]
    if assignment.ended_on is not None and is_primary != assignment.is_primary:
        return [("is_primary", _("An ended link cannot change its primary contact."))]
    if not is_primary or assignment.is_primary:
        return []
    book = RuleBook(actor=actor).load(
        cadre_ids=[assignment.cadre_id],
        enterprise_ids=[assignment.enterprise_id] if assignment.enterprise_id else [],
        project_ids=[assignment.project_id] if assignment.project_id else [],
    )
    if assignment.enterprise_id:
        key = ("e", assignment.enterprise_id)
    else:
        key = ("p", assignment.project_id)
    book.forget(cadre_id=assignment.cadre_id, key=key)
    problems = book.check(
        Proposal(
            cadre=assignment.cadre,
            enterprise=assignment.enterprise,
            project=assignment.project,
            start_date=assignment.start_date,
            term_end=assignment.term_end,
            mode=assignment.mode,
            is_primary=True,
        )
    )
    return [(name, message) for name, message in problems if name == "is_primary"]


@transaction.atomic
def assignment_update(*, actor, assignment: Assignment, is_primary: bool, note: str) -> Assignment:
    """Change a link's primary-contact flag and note, through the same rules as a new link."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("cadre__rank", "cadre__department", "enterprise__region", "project__region")
        .get(pk=assignment.pk)
    )
    problems = assignment_change_problems(actor=actor, assignment=assignment, is_primary=is_primary)
    if problems:
        _raise(problems)
    assignment.is_primary = is_primary
    assignment.note = note
    assignment._history_user = actor
    assignment.save(update_fields=["is_primary", "note"])
    return assignment


# Excel -------------------------------------------------------------------------------------

ASSIGNMENT_COLUMNS = [
    Column("cadre", gettext_lazy("Cadre account"), required=True),
    Column("cadre_name", gettext_lazy("Cadre name")),
    Column("credit_code", gettext_lazy("Unified social credit code")),
    Column("project_code", gettext_lazy("Project code")),
    Column("start_date", gettext_lazy("Start date")),
    Column("term_end", gettext_lazy("End of term")),
    Column("mode", gettext_lazy("Mode")),
    Column("is_primary", gettext_lazy("Primary contact")),
    Column("note", gettext_lazy("Note")),
]
TRUE_WORDS = {"是", "y", "yes", "true", "1"}
FALSE_WORDS = {"否", "n", "no", "false", "0"}


@dataclass
class PlannedLink:
    row: int
    cadre: Cadre
    target: object
    start_date: datetime.date
    term_end: datetime.date
    mode: str


@dataclass
class AssignmentImportResult:
    planned: list[PlannedLink] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _label(key: str) -> str:
    return str(next(c.label for c in ASSIGNMENT_COLUMNS if c.key == key))


def _parse_date(raw, report) -> datetime.date | None:
    if raw is None or str(raw).strip() == "":
        return None
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = str(raw).strip().replace("/", "-").replace(".", "-")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        report(_("Write the date as YYYY-MM-DD, e.g. 2026-03-01."))
        return None


def _parse_mode(raw, report) -> str:
    if raw is None or str(raw).strip() == "":
        return AssignmentMode.ONE_TO_ONE
    text = str(raw).strip().lower()
    for value, label in AssignmentMode.choices:
        from django.utils import translation

        names = {value}
        for code in ("zh-hans", "en"):
            with translation.override(code):
                names.add(str(label).lower())
        names |= {"一对一"} if value == AssignmentMode.ONE_TO_ONE else {"多对一"}
        if text in names:
            return value
    report(_("Write 一对一 (one-to-one) or 多对一 (many-to-one)."))
    return AssignmentMode.ONE_TO_ONE


def assignments_import(*, upload, actor, dry_run: bool = False) -> AssignmentImportResult:
    """Import a contact table: every row is checked (with the rows above it counted against
    the quotas); one bad row and nothing is written."""
    if not can_manage_assignments(actor):
        raise PermissionError
    rows, problems = read_upload(upload, columns=ASSIGNMENT_COLUMNS)
    result = AssignmentImportResult(problems=list(problems), dry_run=dry_run)
    usernames = {str(r["cadre"]).strip() for r in rows if r.get("cadre") is not None}
    codes = {normalize_credit_code(str(r["credit_code"])) for r in rows if r.get("credit_code")}
    project_codes = {str(r["project_code"]).strip() for r in rows if r.get("project_code")}
    # Looked up within the importer's area only: an account, credit code or project code of
    # another area reads exactly as one that does not exist (same words, same queries).
    cadres = {
        c.user.username: c
        for c in Cadre.objects.select_related("user", "rank", "department", "region").filter(
            region_q(actor), user__username__in=usernames
        )
    }
    enterprises = {
        e.credit_code: e
        for e in enterprises_for_user(actor).select_related("region").filter(credit_code__in=codes)
    }
    projects = {
        p.code: p
        for p in projects_for_user(actor).select_related("region").filter(code__in=project_codes)
    }
    book = RuleBook(actor=actor).load(
        cadre_ids=[c.pk for c in cadres.values()],
        enterprise_ids=[e.pk for e in enterprises.values()],
        project_ids=[p.pk for p in projects.values()],
    )
    today = _today()
    for row in rows:
        number = row["_row"]
        row_problems: list[RowProblem] = []

        def report(key, message, number=number, row_problems=row_problems):
            row_problems.append(RowProblem(number, _label(key), message))

        username = "" if row.get("cadre") is None else str(row["cadre"]).strip()
        cadre = cadres.get(username)
        if cadre is None:
            report(
                "cadre",
                _("No cadre of your area has the account “%(value)s”.") % {"value": username},
            )
        elif row.get("cadre_name") and str(row["cadre_name"]).strip() != cadre.name:
            report(
                "cadre_name",
                _("The account %(account)s belongs to %(name)s, not %(given)s.")
                % {"account": username, "name": cadre.name, "given": row["cadre_name"]},
            )
        code = normalize_credit_code(str(row["credit_code"])) if row.get("credit_code") else ""
        project_code = str(row["project_code"]).strip() if row.get("project_code") else ""
        enterprise = project = None
        if code and project_code:
            report("project_code", _("Give a credit code or a project code, not both."))
        elif code:
            enterprise = enterprises.get(code)
            if enterprise is None:
                report(
                    "credit_code",
                    _("No enterprise of your area has the credit code %(code)s.") % {"code": code},
                )
        elif project_code:
            project = projects.get(project_code)
            if project is None:
                report(
                    "project_code",
                    _("No key project of your area has the code %(code)s.")
                    % {"code": project_code},
                )
        else:
            report("credit_code", _("Give the enterprise's credit code or the project code."))
        start = _parse_date(row.get("start_date"), lambda m: report("start_date", m)) or today
        term_end = _parse_date(row.get("term_end"), lambda m: report("term_end", m))
        mode = _parse_mode(row.get("mode"), lambda m: report("mode", m))
        primary_raw = (
            "" if row.get("is_primary") is None else str(row["is_primary"]).strip().lower()
        )
        if primary_raw and primary_raw not in TRUE_WORDS | FALSE_WORDS:
            report("is_primary", _("Write 是 (yes) or 否 (no)."))
        is_primary = primary_raw not in FALSE_WORDS
        if not row_problems and cadre is not None and (enterprise or project):
            proposal = Proposal(
                cadre=cadre,
                enterprise=enterprise,
                project=project,
                start_date=start,
                term_end=term_end or book.default_term_end(start),
                mode=mode,
                is_primary=is_primary,
            )
            column_for = {
                "cadre": "cadre",
                "target": "project_code" if project else "credit_code",
                "term_end": "term_end",
                "mode": "mode",
                "is_primary": "is_primary",
            }
            for name, message in book.check(proposal):
                report(column_for.get(name, "cadre"), message)
            if not row_problems:
                book.record(proposal)
                result.planned.append(
                    PlannedLink(
                        number, cadre, enterprise or project, start, proposal.term_end, mode
                    )
                )
                row["_proposal"] = proposal
        result.problems.extend(row_problems)
    if result.problems or dry_run:
        return result
    created = [
        Assignment(
            cadre=row["_proposal"].cadre,
            enterprise=row["_proposal"].enterprise,
            project=row["_proposal"].project,
            start_date=row["_proposal"].start_date,
            term_end=row["_proposal"].term_end,
            mode=row["_proposal"].mode,
            is_primary=row["_proposal"].is_primary,
            note=str(row.get("note") or "")[:200],
            created_by=actor,
        )
        for row in rows
        if "_proposal" in row
    ]
    from simple_history.utils import bulk_create_with_history

    with transaction.atomic():
        # Lock the cadres involved, then check the planned links once more against what may
        # have been written since the file was read.
        list(Cadre.objects.select_for_update().filter(pk__in=[a.cadre_id for a in created]))
        end_lapsed_links(
            only=_links_of(
                [a.cadre_id for a in created],
                [a.enterprise for a in created if a.enterprise_id],
                [a.project for a in created if a.project_id],
            )
        )
        fresh = RuleBook(actor=actor).load(
            cadre_ids=[a.cadre_id for a in created],
            enterprise_ids=[a.enterprise_id for a in created if a.enterprise_id],
            project_ids=[a.project_id for a in created if a.project_id],
        )
        for row in rows:
            if "_proposal" not in row:
                continue
            for _field, message in fresh.check(row["_proposal"]):
                result.problems.append(RowProblem(row["_row"], _label("cadre"), message))
            fresh.record(row["_proposal"])
        if result.problems:
            transaction.set_rollback(True)
            return result
        bulk_create_with_history(
            created,
            Assignment,
            batch_size=1000,
            default_user=actor,
            # The msgid: translated where the history is shown, in the reader's language.
            default_change_reason=gettext_noop("Excel import"),
        )
    result.created = len(created)
    return result


def assignment_export_rows(queryset):
    for a in queryset.select_related(
        "cadre__user",
        "cadre__rank",
        "cadre__department__region__parent",
        "enterprise",
        "project",
    ).iterator(chunk_size=2000):
        yield [
            a.cadre.user.username,
            a.cadre.name,
            a.enterprise.credit_code if a.enterprise_id else "",
            a.project.code if a.project_id else "",
            a.start_date,
            a.term_end,
            a.get_mode_display(),
            _("Yes") if a.is_primary else _("No"),
            a.note,
            a.enterprise.name if a.enterprise_id else a.project.name,
            a.cadre.rank.display_name,
            a.cadre.department.label if a.cadre.department_id else "",
            a.ended_on or "",
        ]


EXPORT_COLUMNS = ASSIGNMENT_COLUMNS + [
    Column("target_name", gettext_lazy("Enterprise or project")),
    Column("rank", gettext_lazy("Rank")),
    Column("department", gettext_lazy("Department")),
    Column("ended_on", gettext_lazy("Ended on")),
]
