from django.apps import AppConfig
from django.db.backends.signals import connection_created

from common.db import read_timestamps_compiled


class CommonConfig(AppConfig):
    name = "common"

    def ready(self) -> None:
        connection_created.connect(read_timestamps_compiled, dispatch_uid="stafett-timestamps")
