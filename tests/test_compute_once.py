"""explainer.ui.compute_once: one computation per key however many ask at once; views per language."""

from __future__ import annotations

import threading
import time

import pytest
from matplotlib.figure import Figure

from explainer.i18n import CHINESE, ENGLISH, tr, use_language
from explainer.ui import compute_once as co


def test_concurrent_requests_for_one_key_compute_it_once() -> None:
    cache = co.ResultCache(8)
    calls = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    got: list[int] = []
    threads = [threading.Thread(target=lambda: got.append(cache.get("k", slow))) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [42] * 20 and len(calls) == 1
    assert cache.misses == 1


def test_errors_reach_every_waiter_and_are_not_cached() -> None:
    cache = co.ResultCache(8)
    attempts = []

    def failing() -> int:
        attempts.append(1)
        time.sleep(0.1)
        raise ValueError("a sentence")

    errors: list[str] = []

    def ask() -> None:
        try:
            cache.get("k", failing)
        except ValueError as err:
            errors.append(str(err))

    threads = [threading.Thread(target=ask) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == ["a sentence"] * 5 and len(attempts) == 1
    assert cache.get("k", lambda: 7) == 7  # the next request tries again


def test_least_recently_used_entries_are_evicted() -> None:
    cache = co.ResultCache(2)
    cache.get("a", lambda: 1)
    cache.get("b", lambda: 2)
    cache.get("a", lambda: 0)  # a hit: "a" becomes the most recent
    cache.get("c", lambda: 3)
    assert "a" in cache and "c" in cache and "b" not in cache


def test_different_arguments_are_different_entries() -> None:
    def square(x: int) -> int:
        return x * x

    assert co.numbers(square, 3, heavy=False) == 9
    assert co.numbers(square, 4, heavy=False) == 16


def test_views_are_rendered_per_language_from_shared_numbers() -> None:
    computed = []

    def measure(n: int) -> int:
        computed.append(n)
        return n + 1

    def render(n: int) -> str:
        return tr("Steps") + f" {co.numbers(measure, n, heavy=False)}"

    with use_language(ENGLISH):
        english = co.view(render, 101)
    with use_language(CHINESE):
        chinese = co.view(render, 101)
    with use_language(ENGLISH):
        again = co.view(render, 101)
    assert english == again == "Steps 102" and chinese != english and chinese.endswith("102")
    assert computed == [101]  # the numbers were computed once for both languages


def test_png_plot_is_what_gr_plot_sends() -> None:
    import gradio as gr

    fig = Figure()
    fig.add_subplot().plot([0, 1], [1, 0])
    data = co.png_plot(fig)
    assert data.plot.startswith("data:image/png;base64,")
    assert gr.Plot(format="png").postprocess(data) is data  # passed through, never redrawn
    assert co.png_plot(None) is None


@pytest.mark.parametrize("heavy", [True, False])
def test_heavy_misses_take_the_slot_and_hits_do_not(heavy: bool) -> None:
    cache = co.ResultCache(4)
    cache.get("x", lambda: 1, heavy=heavy)
    assert co.HEAVY_SLOT.acquire(blocking=False)  # released after the computation
    try:
        assert cache.get("x", lambda: 2, heavy=heavy) == 1  # a hit, served while the slot is held
    finally:
        co.HEAVY_SLOT.release()


def test_heavy_misses_run_on_a_lower_priority_thread_in_the_callers_context() -> None:
    import os
    import threading

    from explainer.i18n import current_language, use_language

    seen: dict[str, object] = {}

    def compute() -> int:
        seen["thread"] = threading.current_thread().name
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        seen["language"] = current_language()
        return 7

    with use_language("zh-CN"):
        assert co.ResultCache(2).get("k", compute, heavy=True) == 7
    assert seen["thread"] != threading.current_thread().name
    assert seen["nice"] >= co.HEAVY_NICE
    assert seen["language"] == "zh-CN"


def test_a_heavy_computation_error_reaches_the_caller() -> None:
    def boom() -> int:
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        co.ResultCache(2).get("k", boom, heavy=True)
