"""The WSGI application tunes the garbage collector for a long-lived worker (issue 9)."""

import gc
import importlib


def test_the_wsgi_application_freezes_what_is_loaded_at_start_and_collects_less_often():
    before = gc.get_threshold()
    try:
        from stafett import memory

        wsgi = importlib.import_module("stafett.wsgi")
        importlib.reload(wsgi)  # as a new worker process imports it

        assert callable(wsgi.application)
        assert gc.get_threshold() == memory.GC_THRESHOLDS
        assert gc.get_threshold()[0] > 700  # Python's default: a collection every 700
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_the_benchmark_measures_in_process_as_a_worker_runs_then_restores_the_collector():
    """run_bench's in-process measure runs settled as the workers are (stafett.memory), and
    leaves the collector of its own process as it found it."""
    from stafett import memory

    before = gc.get_threshold()
    with memory.settled():
        assert gc.get_threshold() == memory.GC_THRESHOLDS
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
