"""Two people deciding on one transfer at the same moment (R-TRAN-04, R-SEC-05): exactly one
wins. Moved from test_transfer.py, which proves every other rule of a transfer."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from logs.enums import LogStatus, TransferStatus
from logs.models import Log, Transfer
from logs.services import accept_transfer, forward_transfer, transfers, withdraw_transfer
from tests.logs.test_transfer import send

# --- two people at once (R-SEC-05) ------------------------------------------------------------


def _race(monkeypatch, first, second) -> list[str]:
    """Run two decisions on the same transfer at the same moment, each in its own thread
    with its own database connection. The first to lock holds the lock a moment, so the
    other one really waits on it: without select_for_update both would win."""
    from django.db import connections

    original = transfers._lock_pending

    def slow_lock_pending(transfer):
        locked = original(transfer)
        time.sleep(0.3)
        return locked

    monkeypatch.setattr(transfers, "_lock_pending", slow_lock_pending)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run(decide):
        try:
            barrier.wait()
            decide()
            outcomes.append("won")
        except ValidationError as error:
            outcomes.append(error.code or "invalid")
        except Exception as error:  # reported in the assertion below
            outcomes.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(decide,)) for decide in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "pair", ["accept+accept", "accept+forward", "forward+forward", "accept+withdraw"]
)
def test_two_concurrent_decisions_on_one_transfer_have_exactly_one_winner_R_TRAN_04_R_SEC_05(
    monkeypatch, log, holder, other_holder, third_holder, unit, pair
):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite has no row locks (select_for_update is a no-op) and "
            "its test database cannot be shared between threads; run with DATABASE_URL"
        )
    transfer = send(log, other_holder, unit)
    decisions = {
        "accept": lambda: accept_transfer(transfer, by=other_holder),
        "forward": lambda: forward_transfer(
            transfer, by=other_holder, to_user=third_holder, to_unit=unit, reason="Videre"
        ),
        "withdraw": lambda: withdraw_transfer(transfer, by=holder),
    }
    first, second = pair.split("+")

    outcomes = _race(monkeypatch, decisions[first], decisions[second])

    assert outcomes == ["not_pending", "won"], outcomes
    transfer.refresh_from_db()
    assert transfer.status != TransferStatus.PENDING
    assert Transfer.objects.filter(log=log, status=TransferStatus.PENDING).count() <= 1
    log = Log.objects.get(pk=log.pk)
    if transfer.status == TransferStatus.ACCEPTED:
        assert (log.holder, log.status) == (other_holder, LogStatus.ACTIVE)
    elif transfer.status == TransferStatus.FORWARDED:
        assert log.status == LogStatus.TRANSFER_PENDING
        assert Transfer.objects.filter(log=log, status=TransferStatus.PENDING).count() == 1
    else:
        assert (log.holder, log.status) == (holder, LogStatus.ACTIVE)
