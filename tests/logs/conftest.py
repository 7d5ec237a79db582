"""Scenes shared by the log tests."""

import pytest

from organisations.enums import Role
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def third_holder(unit):
    """A third holder in the log's unit: the one a transfer is forwarded to."""
    person = UserFactory(first_name="Tore", last_name="Tredje")
    MembershipFactory(user=person, unit=unit, role=Role.HOLDER)
    return person
