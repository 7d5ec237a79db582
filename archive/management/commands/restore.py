from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from archive.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: the database and the upload folder, "
        "both replaced. Stop the web server and the worker first (docs/deployment.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", help="The backup file (stafett-backup-….tar).")
        parser.add_argument(
            "--force", action="store_true", help="Replace an upload folder that is not empty."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["backup"])
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        try:
            manifest = restore_backup(path, force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: the database and "
            f"{len(manifest['files'])} file(s)."
        )
