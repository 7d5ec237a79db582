"""Scenes shared by the tests of the log services."""

from types import SimpleNamespace

import pytest

from logs.services import (
    create_glimpse,
    set_log_passive,
)
from organisations.enums import Role
from tests.factories import (
    make_concern,
    make_log,
)
from tests.logs.services.helpers import finish, reload, today


@pytest.fixture
def passive_log(log, holder):
    """A log whose one concern is finished, set passive with both confirmations."""
    concern = finish(make_concern(log))
    glimpse = create_glimpse(
        log, by=holder, role=Role.HOLDER, text="Lo hele dagen", happened_on=today()
    )
    set_log_passive(log, by=holder, confirmed=True)
    return SimpleNamespace(
        log=reload(log),
        concern=reload(concern),
        measure=concern.measures.get(),
        guardian=log.guardians.get(),
        glimpse=glimpse,
    )


@pytest.fixture
def scene(holder, unit):
    """An active log with two guardians, a concern with one open measure and a draft glimpse."""
    log = make_log(holder, unit, guardians=2)
    concern = make_concern(log)
    glimpse = create_glimpse(log, by=holder, role=Role.HOLDER, text="Utkast", happened_on=today())
    return SimpleNamespace(
        log=log,
        concern=concern,
        measure=concern.measures.get(),
        guardian=log.guardians.first(),
        glimpse=glimpse,
    )
