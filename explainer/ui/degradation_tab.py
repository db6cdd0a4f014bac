"""Tab "Degradation": why deeper plain nets train worse, and what the shortcut changes.

``build()`` is called inside ``with gr.Tab("Degradation"):``. Public API endpoints:
``/grad_norms(depth, batch_norm, init)`` → (plot, table [layer, plain, residual]),
``/shattered(depth)`` → (plot, explanation), ``/highway(depth)`` → (plot, table, explanation),
``/lesion()`` → (plot, table, explanation). Options beyond those arguments (zero-init) reach the
handlers through ``gr.State``, which the API does not expose, so clients call with just the
listed arguments.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Iterator

import gradio as gr

from explainer import degradation as deg
from explainer.experiments.degradation import RESULTS_PATH, load_degradation_results, summarize
from explainer.lesion import explain_lesion, lesion_study, plot_lesion
from explainer.ui.common import HEAVY, as_int, ui_errors, ui_errors_gen

GRAD_HEADERS = ["layer", "plain", "residual"]
BLOCK_HEADERS = ["block output", "plain ‖∂L/∂h‖", "residual ‖∂L/∂h‖"]
HIGHWAY_HEADERS = ["block", "shortcut", "‖shortcut term‖", "‖branch term‖", "‖∂L/∂x‖", "shortcut share"]
LESION_HEADERS = ["model", "deleted block", "kind", "accuracy %", "drop (points)"]
SUMMARY_HEADERS = ["net", "final train error % (eval, whole subset)", "last-epoch running train error %",
                   "final test error %", "wall time s"]


def _sig(v: float) -> float:
    # 4 significant digits keep the table readable without hiding orders of magnitude.
    return float(f"{v:.4g}") if math.isfinite(v) else v


def _depth(value: Any, hi: int = deg.MAX_DEPTH) -> int:
    return deg.check_depth(as_int(value, "Depth", lo=deg.MIN_DEPTH, hi=hi), hi=hi)


# ----------------------------------------------------------------------------- handlers


@ui_errors
def grad_norms_handler(depth: Any, batch_norm: bool, init: str, zero_init: bool = False) -> tuple[Any, ...]:
    """/grad_norms: (Figure, table rows [layer, plain, residual], the result for the explanation)."""
    res = deg.grad_norms(_depth(depth), batch_norm=bool(batch_norm), init=deg.check_init(init),
                         zero_init_residual=bool(zero_init))
    table = [[name, _sig(p), _sig(r)] for name, p, r in res.table()]
    return deg.plot_grad_norms(res), table, res


@ui_errors
def grad_norms_details(res: deg.GradNormResult | None) -> tuple[str, list[list[Any]]]:
    """Explanation Markdown and the ‖∂L/∂h‖ table of the last measurement."""
    if res is None:
        return "", []
    rows = [[name, _sig(p), _sig(r)] for name, p, r in res.block_table()]
    return deg.explain_grad_norms(res) + f"\n\n_Measured in {res.seconds:.2f} s on this server._", rows


@ui_errors
def shattered_handler(depth: Any) -> tuple[Any, str]:
    """/shattered: (Figure, explanation)."""
    res = deg.shattered_gradients(_depth(depth))
    return deg.plot_shattered(res), deg.explain_shattered(res)


@ui_errors
def highway_handler(depth: Any) -> tuple[Any, list[list[Any]], str]:
    """/highway: (Figure, per-block table, explanation)."""
    res = deg.gradient_highway(_depth(depth))
    rows = [[b, s, _sig(i), _sig(br), _sig(t), share] for b, s, i, br, t, share in res.table()]
    return deg.plot_highway(res), rows, deg.explain_highway(res)


@ui_errors
def lesion_handler() -> tuple[Any, list[list[Any]], str]:
    """/lesion: (Figure, table, explanation)."""
    res = lesion_study()
    return plot_lesion(res), res.table(), explain_lesion(res)


@functools.lru_cache(maxsize=1)
def _live_data() -> tuple[Any, Any, str]:
    return deg.live_data()


@ui_errors_gen
def live_handler(depth: Any, steps: Any, progress: gr.Progress = gr.Progress()) -> Iterator[tuple[Any, str]]:
    """Train plain and residual side by side; yields (Figure, status) every 10 steps."""
    d = _depth(depth, hi=deg.LIVE_MAX_DEPTH)
    n = as_int(steps, "Steps", lo=10, hi=deg.LIVE_MAX_STEPS)
    images, labels, note = _live_data()
    progress(0.0, desc="building the nets")
    for state in deg.live_run(d, n, images=images, labels=labels, every=10):
        progress(state.step / n, desc=f"step {state.step}/{n}")
        status = (
            f"Step {state.step}/{n} ({state.seconds:.0f} s). Mean training error over the last 10 steps: "
            f"Plain-{d} {100 * sum(state.plain_error[-10:]) / len(state.plain_error[-10:]):.1f} %, "
            f"ResNet-{d} {100 * sum(state.residual_error[-10:]) / len(state.residual_error[-10:]):.1f} %. "
            f"Data: {note}."
        )
        yield deg.plot_live(state), status


def _shipped_curves() -> tuple[Any, str, list[list[Any]]]:
    """Plot, recipe text and summary rows from the shipped JSON (or a message saying how to make it)."""
    try:
        results = load_degradation_results(RESULTS_PATH)
    except ValueError as err:
        return None, f"**The shipped training curves are not available:** {err}", []
    runs = [dict(r) for r in results["runs"]]
    fig = deg.plot_training_curves(runs, x_axis=runs[0]["x_axis"])
    recipe = runs[0]["recipe"]
    text = (
        f"**Recipe (the same for every net):** {recipe.get('train_subset', '?')} training images (a fixed, seeded "
        f"subset of the 60k), {recipe.get('epochs', '?')} epochs, batch {recipe.get('batch_size', '?')}, SGD momentum "
        f"{recipe.get('momentum', '?')}, weight decay {recipe.get('weight_decay', '?')}, peak lr {recipe.get('lr', '?')} "
        f"({recipe.get('schedule', '')}), augmentation: {recipe.get('augmentation', '?')}, bf16 autocast. "
        f"Solid: training error (running mean over each epoch, training mode, as in He et al. Fig. 6); dashed: "
        f"test error on the 10 000 test images. Command: `{runs[0]['command']}`; total wall time "
        f"{results.get('total_wall_time_seconds', sum(r['wall_time_seconds'] for r in runs)) / 60:.0f} min."
    )
    final = {r["name"]: r.get("final", {}).get("train_error_eval") for r in runs}
    if all(final.get(n) is not None for n in ("Plain-20", "Plain-56", "ResNet-20", "ResNet-56")):
        text += (
            "\n\n**What it shows** (final model, eval mode, whole training subset): Plain-20 "
            f"{final['Plain-20']:.1%} vs Plain-56 {final['Plain-56']:.1%} training error -- "
            + ("the deeper plain net fits its own training data *worse* (degradation); "
               if final["Plain-56"] > final["Plain-20"] else "no degradation in this run; ")
            + f"ResNet-20 {final['ResNet-20']:.1%} vs ResNet-56 {final['ResNet-56']:.1%} -- "
            + ("with shortcuts the deeper net is at least as good." if final["ResNet-56"] <= final["ResNet-20"]
               else "here the deeper residual net has not caught up yet.")
        )
    return fig, text, summarize(results)


# ----------------------------------------------------------------------------- layout

INTRO = """
### Why can't we just stack more plain layers? (退化问题)
He et al. (2015) found that a deeper **plain** net (普通网络) reaches a *higher training error* than a
shallower one -- not overfitting, an optimization failure -- and that adding shortcuts (快捷连接) fixes it.
Each section below measures one piece of the explanation on real networks and real Fashion-MNIST images.
"""


def build() -> None:
    """Create the tab's components and events (call inside ``with gr.Tab("Degradation"):``)."""
    gr.Markdown(INTRO)

    # 1. Gradient norms at initialization -----------------------------------------------------
    gr.Markdown(
        "## 1. Gradient norms at initialization\n"
        "One backward pass on 64 real images through Plain-n and its residual twin (same weights, only the "
        "`out = out + identity` line differs). Vanishing / exploding gradients (梯度消失 / 梯度爆炸) show up as "
        "slopes on this log plot. Try: BN off + PyTorch default at depth 56; BN on at depth 110; BN off + Kaiming at 110."
    )
    with gr.Row():
        gn_depth = gr.Slider(deg.MIN_DEPTH, 110, value=56, step=6, label="depth (6n+2 layers)")
        gn_bn = gr.Checkbox(value=False, label="batch norm (批量规范化)")
        gn_init = gr.Dropdown(list(deg.INITS), value="PyTorch default", label="initialization (初始化)")
        gn_zero = gr.Checkbox(value=False, label="zero-init last BN of each residual branch")
    gn_btn = gr.Button("Measure gradients", variant="primary")
    gn_plot = gr.Plot(format="png", label="gradient norms")
    gn_expl = gr.Markdown()
    with gr.Row():
        gn_table = gr.Dataframe(headers=GRAD_HEADERS, datatype=["str", "number", "number"], interactive=False,
                                label="‖∂L/∂W‖ per layer", max_height=360)
        gn_blocks = gr.Dataframe(headers=BLOCK_HEADERS, datatype=["str", "number", "number"], interactive=False,
                                 label="‖∂L/∂h‖ at each block output", max_height=360)
    gn_zero_state = gr.State(False)
    gn_result = gr.State(None)
    # Mirror the checkbox into a State: State inputs are not part of the API signature.
    gn_zero.change(lambda v: bool(v), inputs=gn_zero, outputs=gn_zero_state, api_visibility="private", queue=False)
    gn_btn.click(
        grad_norms_handler, inputs=[gn_depth, gn_bn, gn_init, gn_zero_state], outputs=[gn_plot, gn_table, gn_result],
        api_name="grad_norms", **HEAVY,
    ).success(grad_norms_details, inputs=gn_result, outputs=[gn_expl, gn_blocks], api_visibility="private")

    # 2. Shipped training curves -----------------------------------------------------------------
    gr.Markdown(
        "## 2. Real training curves (He et al. Fig. 6 on Fashion-MNIST)\n"
        "Four nets trained with one shared recipe by `python -m explainer.experiments.degradation`; the numbers "
        "are loaded from `checkpoints/degradation.json`, nothing is recomputed here. Look at the **training** "
        "error (训练误差): if the deeper plain net is worse on the data it was trained on, the cause cannot be "
        "overfitting -- it is harder to optimize."
    )
    fig, text, rows = _shipped_curves()
    gr.Plot(value=fig, format="png", label="training (solid) and test (dashed) error")
    gr.Markdown(text)
    if rows:
        gr.Dataframe(value=rows, headers=SUMMARY_HEADERS, interactive=False, label="final numbers")

    # 3. Live mini-run ---------------------------------------------------------------------------
    gr.Markdown(
        "## 3. Train them yourself (live)\n"
        f"Plain and residual nets of the same depth train side by side, one step each in turn (batch 64, "
        f"SGD + momentum, BN, warm-up). At most {deg.LIVE_MAX_STEPS} steps and depth {deg.LIVE_MAX_DEPTH} so it "
        "fits a free CPU; a few hundred steps already show the deeper plain net lagging."
    )
    with gr.Row():
        live_depth = gr.Slider(deg.MIN_DEPTH, deg.LIVE_MAX_DEPTH, value=32, step=6, label="depth")
        live_steps = gr.Slider(10, deg.LIVE_MAX_STEPS, value=150, step=10, label="steps")
    with gr.Row():
        live_btn = gr.Button("Start training", variant="primary")
        stop_btn = gr.Button("Stop", variant="stop")
    live_plot = gr.Plot(format="png", label="live training curves")
    live_status = gr.Markdown()
    live_event = live_btn.click(live_handler, inputs=[live_depth, live_steps], outputs=[live_plot, live_status],
                                api_visibility="private", **HEAVY)
    stop_btn.click(None, cancels=[live_event], api_visibility="private")

    # 4. Shattered gradients ---------------------------------------------------------------------
    gr.Markdown(
        "## 4. Shattered gradients (Balduzzi et al. 2017)\n"
        "Move an input image a little at a time toward another image and record how one output's gradient changes. "
        "In a deep plain net neighbouring inputs get unrelated gradients (white noise); in a residual net they stay "
        "correlated (brown noise). A gradient that looks like noise is a poor guide for learning."
    )
    with gr.Row():
        sh_depth = gr.Slider(deg.MIN_DEPTH, 110, value=56, step=6, label="depth")
        sh_btn = gr.Button("Sweep", variant="primary")
    sh_plot = gr.Plot(format="png", label="gradient along the sweep and its autocorrelation")
    sh_expl = gr.Markdown()
    sh_btn.click(shattered_handler, inputs=sh_depth, outputs=[sh_plot, sh_expl], api_name="shattered", **HEAVY)

    # 5. Gradient highway ------------------------------------------------------------------------
    gr.Markdown(
        "## 5. The gradient highway\n"
        "In a residual block z = x + F(x), so ∂L/∂x = ∂L/∂z + (∂F/∂x)ᵀ∂L/∂z: part of the gradient skips the branch "
        "entirely. Here both terms are computed separately with autograd for every block of the residual net "
        "(at initialization, BN on) and compared."
    )
    with gr.Row():
        hw_depth = gr.Slider(deg.MIN_DEPTH, 110, value=56, step=6, label="depth")
        hw_btn = gr.Button("Split the gradient", variant="primary")
    hw_plot = gr.Plot(format="png", label="shortcut vs branch term per block")
    hw_expl = gr.Markdown()
    hw_table = gr.Dataframe(headers=HIGHWAY_HEADERS, datatype=["str", "str", "number", "number", "number", "number"],
                            interactive=False, max_height=360)
    hw_btn.click(highway_handler, inputs=hw_depth, outputs=[hw_plot, hw_table, hw_expl], api_name="highway", **HEAVY)

    # 6. Lesion study ----------------------------------------------------------------------------
    gr.Markdown(
        "## 6. Lesion study (Veit et al. 2016)\n"
        "Delete one block at a time from *trained* nets and re-measure accuracy on 2000 test images. In a residual "
        "net the shortcut survives, so information still flows; a plain net has nothing to fall back on. "
        "Downsampling blocks keep their 1×1 projection (hatched bars)."
    )
    ls_btn = gr.Button("Run the lesion study", variant="primary")
    ls_plot = gr.Plot(format="png", label="accuracy after deleting each block")
    ls_expl = gr.Markdown()
    ls_table = gr.Dataframe(headers=LESION_HEADERS, datatype=["str", "str", "str", "number", "number"],
                            interactive=False, max_height=360)
    ls_btn.click(lesion_handler, inputs=None, outputs=[ls_plot, ls_table, ls_expl], api_name="lesion", **HEAVY)
