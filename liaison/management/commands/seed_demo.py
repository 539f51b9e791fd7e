"""Load deterministic demo data: `--scale demo` for `make run`, `--scale weifang` for the
benchmark (15,000 cadres, 21,000 enterprises, 1,000 key projects)."""

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assignments import demo as assignment_demo
from enterprises import demo as enterprise_demo
from issues import demo as issue_demo
from org import demo as org_demo
from org.models import Region


class Command(BaseCommand):
    help = "Load deterministic demo data into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(org_demo.SCALES), default="demo")
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (and succeed) when the database already holds regions.",
        )

    def handle(self, *args, scale, seed, if_empty, **options):
        if Region.objects.exists():
            if if_empty:
                self.stdout.write("The database already holds data; nothing seeded.")
                return
            raise CommandError("The database already holds regions: seed_demo needs an empty one.")
        started = time.monotonic()
        size = org_demo.SCALES[scale]
        rng = random.Random(seed)
        pw = org_demo.password_hash()
        with transaction.atomic():
            regions = org_demo.seed_regions(size)
            departments = org_demo.seed_departments(regions)
            accounts = org_demo.seed_demo_accounts(regions, departments)
            org_demo.seed_cadres(rng, size, regions, departments, pw)
            self.stdout.write(f"  organisation: {time.monotonic() - started:.1f}s")
            enterprise_demo.seed_enterprises(rng, size, regions, pw)
            enterprise_demo.seed_projects(rng, size, regions)
            enterprise_demo.link_demo_enterprise_account(
                accounts["enterprise"], regions["counties"][0].pk
            )
            self.stdout.write(f"  enterprises and projects: {time.monotonic() - started:.1f}s")
            links = assignment_demo.seed_assignments(
                rng, cover=0.9 if scale == "demo" else 1.0, demo_user=accounts["cadre"]
            )
            self.stdout.write(f"  {links} assignments: {time.monotonic() - started:.1f}s")
            total, overdue = (300, 12) if scale == "demo" else (150_000, 5_000)
            issue_demo.seed_tickets(rng, total=total, overdue=overdue)
            issue_demo.give_work_to(accounts["department"].department_id)
            issue_demo.seed_special_groups(region=regions["city"], leader=accounts["specialgroup"])
            self.stdout.write(f"  {total} tickets: {time.monotonic() - started:.1f}s")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded the {scale} scale in {time.monotonic() - started:.1f}s (seed {seed})."
            )
        )
        self.stdout.write(f"Demo accounts (password: {org_demo.DEMO_PASSWORD}):")
        for username, role, full_name, _where in org_demo.DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<14} {role.label} — {full_name}")
