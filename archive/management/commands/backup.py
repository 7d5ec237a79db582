from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from archive.backup import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "Back up the database and the upload folder together, consistently, into one tar "
        "file with a manifest (docs/deployment.md, 'Backups'). Safe while the site runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="Where the backup file is written.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = make_backup(Path(options["folder"]))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backup written: {path}")
