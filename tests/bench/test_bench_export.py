"""The export benchmark runs: its log is made through the services, its PDF by the task."""

import pytest

from bench.exports import bench_log, remove_files, time_export
from exports.models import Export

pytestmark = pytest.mark.django_db


def test_bench_export_times_the_worker_and_cleans_up_its_files_R_EXP_01():
    log = bench_log(measures=7)
    assert log.concerns.values("measures").count() == 7
    assert bench_log() == log  # made once, found again
    (timing,) = time_export(log, runs=1)
    assert timing.pages >= 3 and timing.cpu_s > 0
    remove_files(log)
    assert not Export.objects.exclude(file="").exists()
