"""formatie.werkboek.geheugen.zonder_gc: the collector off during bulk work, never left off."""

from __future__ import annotations

import gc
import threading

from formatie.werkboek.geheugen import zonder_gc


def test_the_collector_is_off_inside_and_restored_after():
    assert gc.isenabled()
    with zonder_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_blocks_in_threads_leave_the_collector_on():
    """A enters, B enters, A leaves (B still busy: still off), B leaves: on again."""
    a_binnen, b_binnen, a_weg = threading.Event(), threading.Event(), threading.Event()
    gezien = {}

    def a():
        with zonder_gc():
            a_binnen.set()
            b_binnen.wait(5)
        a_weg.set()

    def b():
        a_binnen.wait(5)
        with zonder_gc():
            b_binnen.set()
            a_weg.wait(5)
            gezien["na_a"] = gc.isenabled()

    draden = [threading.Thread(target=a), threading.Thread(target=b)]
    for d in draden:
        d.start()
    for d in draden:
        d.join(10)
    assert gezien["na_a"] is False
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with zonder_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
