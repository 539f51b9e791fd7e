"""Writes to the enterprise registry."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from org.models import Region
from org.scoping import region_in_scope, regions_for_user
from org.spreadsheets import Column, RowProblem, read_upload

from .models import Enterprise, EnterpriseCategory, EnterpriseTag
from .validators import normalize_credit_code, validate_credit_code

ENTERPRISE_COLUMNS = [
    Column("name", gettext_lazy("Enterprise name"), required=True),
    Column("credit_code", gettext_lazy("Unified social credit code"), required=True),
    Column("region", gettext_lazy("Region (division code)"), required=True),
    Column("category", gettext_lazy("Category"), required=True),
    Column("tags", gettext_lazy("Tags")),
    Column("employees", gettext_lazy("Employees")),
    Column("annual_revenue", gettext_lazy("Annual revenue (10,000 yuan)")),
    Column("annual_tax", gettext_lazy("Annual tax paid (10,000 yuan)")),
    Column("address", gettext_lazy("Address")),
    Column("legal_representative", gettext_lazy("Legal representative")),
    Column("green_channel", gettext_lazy("Green channel")),
    Column("integrity_restricted", gettext_lazy("Integrity restriction")),
    Column("integrity_reason", gettext_lazy("Reason for the restriction")),
]
UPDATABLE_FIELDS = [
    "name",
    "region",
    "category",
    "employees",
    "annual_revenue",
    "annual_tax",
    "address",
    "legal_representative",
    "green_channel",
    "integrity_restricted",
    "integrity_reason",
]
TEXT_LIMITS = {"name": 200, "address": 255, "legal_representative": 50}
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓"}
FALSE_WORDS = {"否", "n", "no", "false", "0"}
TAG_SEPARATORS = re.compile(r"[、,，;；/\s]+")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def _labels(column_key: str) -> str:
    column = next(c for c in ENTERPRISE_COLUMNS if c.key == column_key)
    return str(column.label)


class _RowChecker:
    """Turns one spreadsheet row into model values, collecting every problem it finds."""

    def __init__(self, *, user):
        self.user = user
        # Only the regions of the importer's area: one outside it reads as one that does not
        # exist, and a name shared with a region elsewhere is not "ambiguous".
        self.regions_by_code = {r.code: r for r in regions_for_user(user)}
        by_name: dict[str, list[Region]] = {}
        for region in self.regions_by_code.values():
            by_name.setdefault(region.name, []).append(region)
        self.regions_by_name = by_name
        self.tags = {}
        for tag in EnterpriseTag.objects.all():
            self.tags[tag.code.lower()] = tag
            self.tags[tag.name.lower()] = tag
            if tag.name_en:  # an export made in English names its tags in English
                self.tags[tag.name_en.lower()] = tag
        self.categories = {}
        for value, label in EnterpriseCategory.choices:
            self.categories[value] = value
            for code, _name in (("zh-hans", ""), ("en", "")):
                with translation.override(code):
                    self.categories[str(label).lower()] = value
        self.categories.update(
            {"规上工业": "industrial", "工业": "industrial", "建筑业": "construction"}
        )

    def check(self, row: dict) -> tuple[dict | None, list[RowProblem]]:
        problems: list[RowProblem] = []
        number = row["_row"]

        def problem(key: str, message: str) -> None:
            problems.append(RowProblem(number, _labels(key), message))

        values: dict = {}
        for key, limit in TEXT_LIMITS.items():
            text = "" if row.get(key) is None else str(row[key]).strip()
            if len(text) > limit:
                problem(key, _("At most %(limit)d characters.") % {"limit": limit})
            values[key] = text
        if not values["name"]:
            problem("name", _("The enterprise name is required."))

        code = normalize_credit_code(
            "" if row.get("credit_code") is None else str(row["credit_code"])
        )
        if not code:
            problem("credit_code", _("The unified social credit code is required."))
        else:
            try:
                validate_credit_code(code)
            except ValidationError as exc:
                problem("credit_code", " ".join(exc.messages))
        values["credit_code"] = code

        values["region"] = self._region(row.get("region"), lambda m: problem("region", m))
        category_raw = "" if row.get("category") is None else str(row["category"]).strip().lower()
        if not category_raw:
            problem("category", _("The category is required."))
        elif category_raw not in self.categories:
            problem(
                "category",
                _("Unknown category “%(value)s”; use one of: %(choices)s.")
                % {
                    "value": row["category"],
                    "choices": "、".join(str(label) for label in EnterpriseCategory.labels),
                },
            )
        else:
            values["category"] = self.categories[category_raw]

        values["tags"] = []
        if row.get("tags") is not None:
            for word in TAG_SEPARATORS.split(str(row["tags"])):
                if not word:
                    continue
                tag = self.tags.get(word.lower())
                if tag is None:
                    problem("tags", _("Unknown tag “%(value)s”.") % {"value": word})
                elif tag not in values["tags"]:
                    values["tags"].append(tag)

        values["employees"] = self._integer(row.get("employees"), lambda m: problem("employees", m))
        for key in ("annual_revenue", "annual_tax"):
            values[key] = self._amount(row.get(key), lambda m, k=key: problem(k, m))
        for key in ("green_channel", "integrity_restricted"):
            values[key] = self._boolean(row.get(key), lambda m, k=key: problem(k, m))
        reason = "" if row.get("integrity_reason") is None else str(row["integrity_reason"]).strip()
        values["integrity_reason"] = reason
        if values["integrity_restricted"] and not reason:
            problem("integrity_reason", _("Give the reason for the integrity restriction."))
        return (None if problems else values), problems

    def _region(self, raw, report):
        if raw is None or str(raw).strip() == "":
            report(_("The region is required."))
            return None
        text = str(raw).strip()
        if isinstance(raw, float) and raw.is_integer():
            text = str(int(raw))
        region = self.regions_by_code.get(text)
        if region is None:
            matches = self.regions_by_name.get(text, [])
            if len(matches) > 1:
                report(
                    _("More than one region is called “%(value)s”: give its division code.")
                    % {"value": text}
                )
                return None
            region = matches[0] if matches else None
        if region is None or not region_in_scope(self.user, region):
            report(_("“%(value)s” is not a region of your area.") % {"value": text})
            return None
        return region

    @staticmethod
    def _integer(raw, report):
        if raw is None or str(raw).strip() == "":
            return None
        try:
            number = Decimal(str(raw).replace(",", ""))
        except InvalidOperation:
            report(_("Enter a whole number."))
            return None
        if number != number.to_integral_value() or number < 0 or number > 10_000_000:
            report(_("Enter a whole number between 0 and 10,000,000."))
            return None
        return int(number)

    @staticmethod
    def _amount(raw, report):
        if raw is None or str(raw).strip() == "":
            return None
        try:
            number = Decimal(str(raw).replace(",", ""))
        except InvalidOperation:
            report(_("Enter an amount in 10,000 yuan, e.g. 1250.5."))
            return None
        if not number.is_finite() or number < 0 or number >= Decimal("1e12"):
            report(_("Enter an amount between 0 and 999,999,999,999."))
            return None
        return number.quantize(Decimal("0.01"))

    @staticmethod
    def _boolean(raw, report):
        if raw is None or str(raw).strip() == "":
            return False
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        report(_("Write 是 (yes) or 否 (no)."))
        return False


def enterprises_import(*, upload, actor, dry_run: bool = False) -> ImportResult:
    """Import enterprises from the template: every row is checked first; one bad row and
    nothing is written. Rows whose credit code is registered already update that enterprise.

    Raises org.spreadsheets.SpreadsheetError when the file as a whole is unusable.
    """
    rows, problems = read_upload(upload, columns=ENTERPRISE_COLUMNS)
    result = ImportResult(problems=list(problems), dry_run=dry_run)
    checker = _RowChecker(user=actor)
    cleaned: list[dict] = []
    first_row_of: dict[str, int] = {}
    for row in rows:
        values, row_problems = checker.check(row)
        result.problems.extend(row_problems)
        code = None if row_problems else values["credit_code"]
        if code:
            if code in first_row_of:
                result.problems.append(
                    RowProblem(
                        row["_row"],
                        _labels("credit_code"),
                        _("The same credit code is already on row %(row)d.")
                        % {"row": first_row_of[code]},
                    )
                )
                continue
            first_row_of[code] = row["_row"]
            values["_row"] = row["_row"]
            cleaned.append(values)

    existing = {
        e.credit_code: e
        for e in Enterprise.objects.select_related("region")
        .prefetch_related("tags")
        .filter(credit_code__in=[v["credit_code"] for v in cleaned])
    }
    for values in cleaned:
        enterprise = existing.get(values["credit_code"])
        if enterprise is not None and not region_in_scope(actor, enterprise.region):
            result.problems.append(
                RowProblem(
                    values["_row"],
                    _labels("credit_code"),
                    # Unavoidable (a code is registered once), so it names nothing: no
                    # enterprise, no county. The city office can move or correct it.
                    _(
                        "This credit code is already registered and cannot be registered again; "
                        "ask the city liaison office."
                    ),
                )
            )
    if result.problems:
        result.problems.sort(key=lambda p: p.row)
        return result

    to_create: list[Enterprise] = []
    to_update: list[Enterprise] = []
    tags_wanted: dict[str, set[int]] = {}
    now = timezone.now()
    for values in cleaned:
        enterprise = existing.get(values["credit_code"])
        tags_wanted[values["credit_code"]] = {t.pk for t in values["tags"]}
        if enterprise is None:
            to_create.append(
                Enterprise(
                    credit_code=values["credit_code"], **{f: values[f] for f in UPDATABLE_FIELDS}
                )
            )
            continue
        changed = False
        for name in UPDATABLE_FIELDS:
            if getattr(enterprise, name) != values[name]:
                setattr(enterprise, name, values[name])
                changed = True
        tags_changed = {t.pk for t in enterprise.tags.all()} != tags_wanted[values["credit_code"]]
        if changed or tags_changed:
            enterprise.updated_at = now
            to_update.append(enterprise)
        else:
            result.unchanged += 1
    result.created = len(to_create)
    result.updated = len(to_update)
    if dry_run:
        return result

    # Stored as the msgid and translated where the history is shown, so that each reader sees
    # it in their language.
    reason = gettext_noop("Excel import")
    with transaction.atomic():
        if to_create:
            bulk_create_with_history(
                to_create,
                Enterprise,
                batch_size=500,
                default_user=actor,
                default_change_reason=reason,
            )
        if to_update:
            bulk_update_with_history(
                to_update,
                Enterprise,
                UPDATABLE_FIELDS + ["updated_at"],
                batch_size=500,
                default_user=actor,
                default_change_reason=reason,
            )
        _set_tags(tags_wanted)
    return result


def _set_tags(tags_wanted: dict[str, set[int]]) -> None:
    """Make each enterprise's tags the wanted set: one delete and one insert for all rows."""
    through = Enterprise.tags.through
    ids = dict(
        Enterprise.objects.filter(credit_code__in=list(tags_wanted)).values_list(
            "credit_code", "pk"
        )
    )
    current: dict[int, set[int]] = {}
    rows = through.objects.filter(enterprise_id__in=ids.values()).values_list(
        "enterprise_id", "enterprisetag_id"
    )
    for enterprise_id, tag_id in rows:
        current.setdefault(enterprise_id, set()).add(tag_id)
    changed = {
        ids[code]: wanted
        for code, wanted in tags_wanted.items()
        if current.get(ids[code], set()) != wanted
    }
    if not changed:
        return
    through.objects.filter(enterprise_id__in=list(changed)).delete()
    through.objects.bulk_create(
        [
            through(enterprise_id=enterprise_id, enterprisetag_id=tag_id)
            for enterprise_id, wanted in changed.items()
            for tag_id in sorted(wanted)
        ],
        batch_size=1000,
    )


def enterprise_export_rows(queryset):
    """Rows of the export, in the columns of the import template (so it can be re-imported)."""
    for e in queryset.select_related("region").prefetch_related("tags").iterator(chunk_size=2000):
        yield [
            e.name,
            e.credit_code,
            e.region.code,
            e.get_category_display(),
            "、".join(t.display_name for t in e.tags.all()),
            e.employees,
            e.annual_revenue,
            e.annual_tax,
            e.address,
            e.legal_representative,
            _("Yes") if e.green_channel else _("No"),
            _("Yes") if e.integrity_restricted else _("No"),
            e.integrity_reason,
        ]
