from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from org.calendar import calendar_import


class Command(BaseCommand):
    help = "Import holidays and make-up working days from a file of lines date,kind,name."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        result = calendar_import(text)
        if result.problems:
            for line, message in result.problems:
                self.stderr.write(f"line {line}: {message}")
            raise CommandError("Nothing was imported.")
        self.stdout.write(f"{result.created} days added, {result.updated} updated.")
