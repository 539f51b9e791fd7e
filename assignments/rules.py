"""Every rule for linking a cadre to an enterprise or a key project, in one place.

The form, the admin, the Excel import and the API all go through `RuleBook`: it loads the
active quota policy and the current links of the cadres and targets involved (a fixed number of
queries however many rows are checked), checks a proposed link, and — for a batch — records it
so that the next row of the same file sees it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise, KeyProject
from org.models import Cadre
from org.scoping import region_in_scope, sees_everything

from .models import Assignment, AssignmentMode, QuotaPolicy, QuotaRule


def not_in_area() -> str:
    """What a cadre, enterprise or project outside the assigner's area reads as: the same words
    as one that does not exist (the link form says them for an unknown id)."""
    return _("Choose from the search results: this one is not in your area.")


def active_policy() -> QuotaPolicy | None:
    return QuotaPolicy.objects.filter(is_active=True).first()


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class Proposal:
    cadre: Cadre
    enterprise: Enterprise | None = None
    project: KeyProject | None = None
    start_date: datetime.date | None = None
    term_end: datetime.date | None = None
    mode: str = AssignmentMode.ONE_TO_ONE
    is_primary: bool = True

    @property
    def key(self) -> tuple[str, int]:
        return ("e", self.enterprise.pk) if self.enterprise else ("p", self.project.pk)

    @property
    def target(self):
        return self.enterprise or self.project


@dataclass
class _Link:
    cadre_id: int
    cadre_name: str
    mode: str
    is_leader: bool
    is_primary: bool
    # The path of the cadre's region: a cadre outside the assigner's area is never named.
    region_path: str = ""


@dataclass
class _Counts:
    enterprises: int = 0
    projects: int = 0
    linked: set = field(default_factory=set)


class RuleBook:
    def __init__(self, *, actor, policy: QuotaPolicy | None = None):
        self.actor = actor
        self.policy = policy if policy is not None else active_policy()
        self.rules: dict[tuple[int, str], QuotaRule] = {}
        if self.policy is not None:
            for rule in self.policy.rules.all():
                self.rules[(rule.rank_id, rule.department_kind)] = rule
        self.counts: dict[int, _Counts] = defaultdict(_Counts)
        self.links: dict[tuple[str, int], list[_Link]] = defaultdict(list)

    # Loading -------------------------------------------------------------------------------
    def load(self, *, cadre_ids, enterprise_ids=(), project_ids=()) -> RuleBook:
        """Read the current links of these cadres and targets (two queries): a link whose term
        has run out counts against no quota, even before the daily sweep ends it."""
        active = Assignment.objects.current()
        for cadre_id, enterprise_id, project_id in active.filter(
            cadre_id__in=list(cadre_ids)
        ).values_list("cadre_id", "enterprise_id", "project_id"):
            counts = self.counts[cadre_id]
            if enterprise_id:
                counts.enterprises += 1
                counts.linked.add(("e", enterprise_id))
            else:
                counts.projects += 1
                counts.linked.add(("p", project_id))
        target_q = Q(enterprise_id__in=list(enterprise_ids)) | Q(project_id__in=list(project_ids))
        rows = active.filter(target_q).values_list(
            "enterprise_id",
            "project_id",
            "cadre_id",
            "cadre__name",
            "mode",
            "cadre__rank__is_leader",
            "is_primary",
            "cadre__region__path",
        )
        for enterprise_id, project_id, cadre_id, name, mode, is_leader, primary, path in rows:
            key = ("e", enterprise_id) if enterprise_id else ("p", project_id)
            self.links[key].append(_Link(cadre_id, name, mode, is_leader, primary, path or ""))
        return self

    def rule_for(self, cadre: Cadre) -> QuotaRule | None:
        kind = cadre.department.kind if cadre.department_id else ""
        return self.rules.get((cadre.rank_id, kind)) or self.rules.get((cadre.rank_id, ""))

    # Checking ------------------------------------------------------------------------------
    def check(self, p: Proposal) -> list[tuple[str, str]]:
        """The problems of a proposed link as (field, message); empty when it may be made."""
        problems: list[tuple[str, str]] = []
        cadre, target = p.cadre, p.target
        if target is None:
            return [("target", _("Choose an enterprise or a key project."))]
        if p.enterprise is not None and p.project is not None:
            return [("target", _("A link is to one enterprise or one project, not both."))]
        # A cadre or target outside the assigner's area reads as one that does not exist: the
        # entry points look them up in the area already; this is the rule book's own guard.
        if not region_in_scope(self.actor, cadre.region):
            return [("cadre", not_in_area())]
        if not region_in_scope(self.actor, target.region):
            return [("target", not_in_area())]
        if not cadre.is_active:
            problems.append(
                ("cadre", _("%(cadre)s is no longer an active cadre.") % {"cadre": cadre})
            )
        if not target.is_active:
            problems.append(("target", _("%(target)s is no longer active.") % {"target": target}))
        if p.start_date and p.term_end and p.term_end <= p.start_date:
            problems.append(("term_end", _("The end of term must be after the start date.")))
        elif p.term_end and p.term_end < timezone.localdate():
            problems.append(
                (
                    "term_end",
                    _(
                        "The term ended on %(date)s: only a link whose term is still running "
                        "can be made."
                    )
                    % {"date": p.term_end},
                )
            )

        counts = self.counts[cadre.pk]
        if p.key in counts.linked:
            problems.append(
                (
                    "target",
                    _("%(cadre)s is already linked to %(target)s.")
                    % {"cadre": cadre, "target": target},
                )
            )
            return problems
        problems += self._quota(p, counts)
        problems += self._sharing(p)
        return problems

    def _quota(self, p: Proposal, counts: _Counts) -> list[tuple[str, str]]:
        rule = self.rule_for(p.cadre)
        if rule is None:
            if p.mode == AssignmentMode.MANY_TO_ONE:
                return [("mode", self._no_many_to_one(p))]
            return []
        problems = []
        rank = p.cadre.rank.display_name
        values = {"cadre": p.cadre, "rank": rank}
        if p.enterprise is not None and rule.max_enterprises is not None:
            if counts.enterprises + 1 > rule.max_enterprises:
                problems.append(
                    (
                        "target",
                        _(
                            "A cadre of rank %(rank)s may serve at most %(limit)d enterprise(s); "
                            "%(cadre)s already serves %(count)d."
                        )
                        % {**values, "limit": rule.max_enterprises, "count": counts.enterprises},
                    )
                )
        if p.project is not None and rule.max_projects is not None:
            if counts.projects + 1 > rule.max_projects:
                problems.append(
                    (
                        "target",
                        _(
                            "A cadre of rank %(rank)s may serve at most %(limit)d project(s); "
                            "%(cadre)s already serves %(count)d."
                        )
                        % {**values, "limit": rule.max_projects, "count": counts.projects},
                    )
                )
        if rule.max_combined is not None:
            total = counts.enterprises + counts.projects
            if total + 1 > rule.max_combined:
                problems.append(
                    (
                        "target",
                        _(
                            "A cadre of rank %(rank)s may serve at most %(limit)d enterprise(s) or "
                            "project(s) in all; %(cadre)s already serves %(count)d."
                        )
                        % {**values, "limit": rule.max_combined, "count": total},
                    )
                )
        if p.mode == AssignmentMode.MANY_TO_ONE and not rule.allow_many_to_one:
            problems.append(("mode", self._no_many_to_one(p)))
        return problems

    @staticmethod
    def _no_many_to_one(p: Proposal) -> str:
        return _(
            "Cadres of rank %(rank)s work one-to-one; many-to-one is not allowed for them."
        ) % {"rank": p.cadre.rank.display_name}

    def _visible(self, link: _Link) -> bool:
        """Whether the assigner may read the name of the cadre of an existing link."""
        if sees_everything(self.actor):
            return True
        own = getattr(self.actor, "region", None)
        return own is not None and bool(link.region_path) and link.region_path.startswith(own.path)

    def _sharing(self, p: Proposal) -> list[tuple[str, str]]:
        problems = []
        others = [link for link in self.links[p.key] if link.cadre_id != p.cadre.pk]
        exclusive = [link for link in others if link.mode == AssignmentMode.ONE_TO_ONE]
        target = p.target
        if exclusive and self._visible(exclusive[0]):
            problems.append(
                (
                    "target",
                    _(
                        "%(target)s is served one-to-one by %(cadre)s: end that link first, "
                        "or make both links many-to-one."
                    )
                    % {"target": target, "cadre": exclusive[0].cadre_name},
                )
            )
        elif exclusive:
            # A cadre of another area: neither named nor counted; whom to ask instead.
            problems.append(
                (
                    "target",
                    _(
                        "%(target)s is already served one-to-one by a cadre outside your area: "
                        "ask the city liaison office."
                    )
                    % {"target": target},
                )
            )
        elif others and p.mode == AssignmentMode.ONE_TO_ONE:
            # Not counted: the count would tell how many links other areas hold.
            problems.append(
                (
                    "mode",
                    _("%(target)s already has a cadre: a further link must be many-to-one.")
                    % {"target": target},
                )
            )
        if (
            p.enterprise is not None
            and self.policy is not None
            and self.policy.no_duplicate_leader
            and p.cadre.rank.is_leader
        ):
            leader = next((link for link in others if link.is_leader), None)
            if leader is not None and not self._visible(leader):
                problems.append(
                    (
                        "cadre",
                        _(
                            "%(target)s is already linked to a leader: leaders do not link the "
                            "same enterprise twice."
                        )
                        % {"target": target},
                    )
                )
            elif leader is not None:
                problems.append(
                    (
                        "cadre",
                        _(
                            "%(target)s is already linked to the leader %(leader)s: leaders do "
                            "not link the same enterprise twice."
                        )
                        % {"target": target, "leader": leader.cadre_name},
                    )
                )
        if p.is_primary and any(link.is_primary for link in others):
            primary = next(link for link in others if link.is_primary)
            if self._visible(primary):
                message = _("%(cadre)s is already the primary contact of %(target)s.") % {
                    "cadre": primary.cadre_name,
                    "target": target,
                }
            else:
                message = _("%(target)s already has a primary contact.") % {"target": target}
            problems.append(("is_primary", message))
        return problems

    # Recording (batches) -------------------------------------------------------------------
    def record(self, p: Proposal) -> None:
        counts = self.counts[p.cadre.pk]
        counts.linked.add(p.key)
        if p.enterprise is not None:
            counts.enterprises += 1
        else:
            counts.projects += 1
        self.links[p.key].append(
            _Link(
                p.cadre.pk,
                p.cadre.name,
                p.mode,
                p.cadre.rank.is_leader,
                p.is_primary,
                p.cadre.region.path if p.cadre.region_id else "",
            )
        )

    def forget(self, *, cadre_id: int, key: tuple[str, int]) -> None:
        counts = self.counts[cadre_id]
        if key in counts.linked:
            counts.linked.discard(key)
            if key[0] == "e":
                counts.enterprises -= 1
            else:
                counts.projects -= 1
        self.links[key] = [link for link in self.links[key] if link.cadre_id != cadre_id]

    def default_term_end(self, start: datetime.date) -> datetime.date:
        years = self.policy.default_term_years if self.policy else 3
        return add_years(start, years)
