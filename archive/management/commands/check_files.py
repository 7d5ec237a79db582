from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from archive.files import referenced_files

# Files kept on purpose without a row: a new-log form's consent (logs.held_uploads, deleted
# by send_reminders after a day).
SKIPPED_FOLDERS = ("held",)


class Command(BaseCommand):
    help = (
        "List stored files that no row points at, and rows whose file is missing, in the "
        "upload folder (STAFETT_MEDIA_ROOT). Changes nothing; exits with status 1 when it "
        "finds either, so that a scheduler can tell someone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print the counts only.")

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(settings.MEDIA_ROOT)
        referenced: set[str] = set()
        missing: list[str] = []
        for model, pk, (storage, name) in referenced_files():
            referenced.add(name)
            if not storage.exists(name):
                missing.append(f"{model._meta.label} {pk}: {name}")
        orphans = sorted(
            str(path.relative_to(root))
            for path in (root.rglob("*") if root.is_dir() else [])
            if path.is_file()
            and path.relative_to(root).parts[0] not in SKIPPED_FOLDERS
            and str(path.relative_to(root)) not in referenced
        )
        if not options["quiet"]:
            for name in orphans:
                self.stdout.write(f"file with no row: {name}")
            for entry in missing:
                self.stdout.write(f"row with no file: {entry}")
        self.stdout.write(f"Files with no row: {len(orphans)}; rows with no file: {len(missing)}.")
        if orphans or missing:
            raise SystemExit(1)
