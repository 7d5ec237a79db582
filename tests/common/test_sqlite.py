"""SQLite with the server and the e-mail worker writing at once, as `make run` has them
(issue 7, item 5; R-GUAR-02, R-SEC-04): the first parent login must not fail with
"database is locked"."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 3


def test_first_logins_new_actors_and_new_logs_succeed_while_the_worker_writes_R_GUAR_02_R_SEC_04(
    tmp_path,
):
    """Guardian activation by link and by letter code, actor registration and new-log
    creation, through the pages, against a SQLite file while django-tasks' worker claims
    and delivers a steady stream of e-mails (tests/common/sqlite_traffic.py). Each answers
    as it should; the worker loses no write."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'stafett.sqlite3'}",
        "STAFETT_DEBUG": "1",
        "STAFETT_VAR_DIR": str(tmp_path),
        "STAFETT_MEDIA_ROOT": str(tmp_path / "uploads"),
    }
    finished = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.common.sqlite_traffic", str(ROUNDS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    result = json.loads(finished.stdout.strip().splitlines()[-1])

    assert result["problems"] == []
    assert result["worker_problems"] == []
    assert result["tasks_done"] > 0
    assert result["journal_mode"] == "wal"
