"""Presenter mode (explainer/ui/presenter.py): figures restyled per request, never shared state."""

from __future__ import annotations

import threading

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from explainer.ui import compute_once, presenter
from explainer.ui.boundary import Refresh, ui_errors
from explainer.ui.presenter import (
    SCALE,
    cookie_presenting,
    min_text_px,
    presenting,
    projector_figure,
    restyle_outputs,
    use_presenter,
)

matplotlib.use("Agg")


def _figure() -> Figure:
    fig = Figure(figsize=(6, 3), dpi=100)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [1, 0, 1], lw=2, marker="o", ms=4, label="curve")
    ax.scatter([0.5], [0.5], s=10)
    ax.set_title("title", fontsize=12)
    ax.set_xlabel("x")
    ax.legend()
    return fig


def _png_size(fig: Figure) -> tuple[int, int]:
    fig.canvas.draw()
    return fig.canvas.get_width_height()


def test_projector_figure_scales_text_lines_and_markers_at_the_same_pixel_size() -> None:
    fig = _figure()
    before_px, before_size = min_text_px(fig), _png_size(fig)
    line = fig.axes[0].lines[0]
    lw, ms = line.get_linewidth(), line.get_markersize()
    sizes = fig.axes[0].collections[0].get_sizes().copy()
    projector_figure(fig)
    assert min_text_px(fig) == pytest.approx(before_px * SCALE)
    assert line.get_linewidth() == pytest.approx(lw * SCALE)
    assert line.get_markersize() == pytest.approx(ms * SCALE)
    np.testing.assert_allclose(fig.axes[0].collections[0].get_sizes(), sizes * SCALE**2)  # areas
    assert _png_size(fig) == before_size  # same image size: the text is larger relative to the figure


def test_projector_figure_twice_is_once() -> None:
    fig = projector_figure(_figure())
    px = min_text_px(fig)
    projector_figure(fig)
    assert min_text_px(fig) == px


@pytest.mark.parametrize(("cookies", "expected"), [
    (None, False), ({}, False), ({presenter.COOKIE: "1"}, True), ({presenter.COOKIE: "0"}, False),
    ({presenter.COOKIE: "true"}, False), ({"other": "1"}, False),
])
def test_cookie_presenting(cookies: dict[str, str] | None, expected: bool) -> None:
    assert cookie_presenting(cookies) is expected


def test_restyle_outputs_reaches_figures_in_tuples_lists_and_updates() -> None:
    a, b, c = _figure(), _figure(), _figure()
    px = min_text_px(a)
    out = restyle_outputs((a, [b, "text"], {"value": c, "visible": True}, 3))
    assert out[3] == 3 and out[1][1] == "text" and out[2]["visible"] is True
    assert all(min_text_px(f) == pytest.approx(px * SCALE) for f in (a, b, c))


def test_the_mode_is_per_context_not_process_wide() -> None:
    seen: dict[str, bool] = {}
    ready = threading.Barrier(2)

    def run(name: str, on: bool) -> None:
        with use_presenter(on):
            ready.wait()  # both threads inside their block at once
            seen[name] = presenting()

    threads = [threading.Thread(target=run, args=("on", True)), threading.Thread(target=run, args=("off", False))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"on": True, "off": False}
    assert presenting() is False


def test_a_handler_in_presenter_mode_returns_restyled_figures_and_cached_views_are_kept_apart() -> None:
    calls: list[bool] = []

    def draw(n: int) -> Figure:
        calls.append(presenting())
        return _figure()

    @ui_errors
    def handler(n: int) -> object:
        return compute_once.view(lambda k: compute_once.png_plot(draw(k)), n)

    compute_once.VIEWS.clear()
    with use_presenter(True):
        on = handler(7)
    off = handler(7)
    assert calls == [True, False]  # rendered once per mode, not served across modes
    assert on.plot != off.plot

    @ui_errors
    def raw(n: int) -> Figure:
        return _figure()

    base = min_text_px(_figure())
    with use_presenter(True):
        assert min_text_px(raw(1)) == pytest.approx(base * SCALE)
    assert min_text_px(raw(1)) == pytest.approx(base)


def test_load_refreshes_run_in_english_when_presenting() -> None:
    """An English page is built right, so its load refresh is skipped -- unless presenter mode needs new figures."""
    import gradio as gr

    def fn(x: int) -> str:
        return f"drawn {x}"

    refresh = Refresh(ui_errors(fn), inputs=[], outputs=[object()])
    assert isinstance(refresh.on_load(1), type(gr.skip()))
    with use_presenter(True):
        assert refresh.on_load(1) == "drawn 1"


def test_a_figure_wider_than_the_column_gets_a_larger_floor() -> None:
    wide = Figure(figsize=(24, 3), dpi=100)  # 2400 px: shown at half size on a 1280-px screen
    wide.add_subplot().set_title("t", fontsize=6)
    projector_figure(wide)
    assert min_text_px(wide) >= presenter.MIN_TEXT_PX * 2400 / presenter.SHOWN_WIDTH_PX - 1e-9
