"""Tab "Degradation": why deeper plain nets train worse, and what the shortcut changes.

``build()`` is called inside ``with gr.Tab("Degradation"):``. Public API endpoints:
``/grad_norms(depth, batch_norm, init)`` → (plot, table [layer, plain, residual]),
``/shattered(depth)`` → (plot, explanation), ``/highway(depth)`` → (plot, table, explanation),
``/lesion()`` → (plot, table, explanation). Options beyond those arguments (zero-init, and the
pre-activation ResNet as a third net in the gradient-norm and shattered-gradient sections) reach the
handlers through ``gr.State``, which the API does not expose, so clients call with just the listed
arguments and get the plain and residual nets as before.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import gradio as gr

from explainer.degradation import curves, grad_norm_reading, grad_norms, highway, live_run, nets, shattered
from explainer.degradation.lesion import explain_lesion, lesion_study, plot_lesion
from explainer.i18n import N_, tr
from explainer.training.artifacts import RESULTS_PATH
from explainer.training.checkpoint import load_card
from explainer.training.fig6_results import COMMAND as FIG6_COMMAND
from explainer.training.fig6_results import fig6_verdict, load_degradation_results, recorded_minutes, summarize
from explainer.ui import validation
from explainer.ui.boundary import Refresh, T, table, ui_errors, ui_errors_gen
from explainer.ui.compute_once import has_numbers, numbers, png_plot, view
from explainer.ui.degradation_texts import (
    BLOCK_HEADERS,
    GRAD_HEADERS,
    HIGHWAY_HEADERS,
    INIT_LABELS,
    INTRO,
    LESION_HEADERS,
    PREACT_BLOCK_HEADER,
    PREACT_HEADER,
    PREACT_INFO,
    PREACT_LABEL,
    SECTIONS,
    SUMMARY_HEADERS,
    UNKNOWN_INIT,
)
from explainer.ui.queues import HEAVY
from explainer.ui.widgets import CheckedDropdown, CheckedSlider


def _sig(v: float) -> float:
    # 4 significant digits keep the table readable without hiding orders of magnitude.
    return float(f"{v:.4g}") if math.isfinite(v) else v


# ----------------------------------------------------------------------------- handlers


def _measure_grad_norms(depth: int, batch_norm: bool, init: str, zero_init: bool) -> grad_norms.GradNormResult:
    return grad_norms.grad_norms(depth, batch_norm=batch_norm, init=init, zero_init_residual=zero_init)


def _measure_preact_grads(depth: int, batch_norm: bool, init: str, zero_init: bool) -> grad_norms.NetGradients:
    return grad_norms.preact_gradients(depth, batch_norm=batch_norm, init=init, zero_init_residual=zero_init)


def _grad_norms_view(depth: int, batch_norm: bool, init: str, zero_init: bool, preact: bool = False
                     ) -> tuple[Any, ...]:
    # The pair and the pre-activation net are cached apart: ticking the box reuses the pair's numbers.
    res = numbers(_measure_grad_norms, depth, batch_norm, init, zero_init)
    if preact:
        res = grad_norms.with_preact(res, numbers(_measure_preact_grads, depth, batch_norm, init, zero_init))
    headers = GRAD_HEADERS + ([PREACT_HEADER] if res.preact is not None else [])
    rows = [[name, *(_sig(v) for v in values)] for name, *values in res.table()]
    return png_plot(grad_norms.plot_grad_norms(res)), table(headers, rows), res


def _preact_flag(value: Any) -> bool:
    # A gr.State mirrored from our checkbox today; checked as a checkbox value should an API ever send it.
    return validation.flag(value, PREACT_LABEL)


@ui_errors
def grad_norms_handler(depth: Any, batch_norm: bool, init: str, zero_init: bool = False,
                       preact: bool = False) -> tuple[Any, ...]:
    """/grad_norms: (plot, table rows [layer, plain, residual(, pre-activation)], the result for the explanation)."""
    return view(_grad_norms_view, validation.depth(depth),
                validation.flag(batch_norm, N_("batch norm (批量规范化)")),
                nets.check_init(validation.known_name(init, nets.INITS, UNKNOWN_INIT)),
                bool(zero_init),  # zero-init: a gr.State of ours, not an API input
                _preact_flag(preact))


@ui_errors
def grad_norms_details(res: grad_norms.GradNormResult | None) -> tuple[str, list[list[Any]]]:
    """Explanation Markdown and the ‖∂L/∂h‖ table of the last measurement."""
    if res is None:
        return "", []
    headers = BLOCK_HEADERS + ([PREACT_BLOCK_HEADER] if res.preact is not None else [])
    rows = [[name, *(_sig(v) for v in values)] for name, *values in res.block_table()]
    measured = tr("_Measured in {seconds:.2f} s on this server._", seconds=res.seconds)
    return grad_norm_reading.explain_grad_norms(res) + "\n\n" + measured, table(headers, rows)


@ui_errors
def grad_norms_section(depth: Any, batch_norm: bool, init: str, zero_init: bool = False,
                       preact: bool = False) -> tuple[Any, ...]:
    """The whole gradient-norm section at once (plot, tables, explanation): what a page shows on load."""
    plot, rows, res = grad_norms_handler(depth, batch_norm, init, zero_init, preact)
    explanation, blocks = grad_norms_details(res)
    return plot, rows, res, explanation, blocks


def _shattered_view(depth: int, preact: bool = False) -> tuple[Any, str]:
    # Same cache key as the Lesson tab's (shattered_gradients, depth); the pre-activation trace is cached apart.
    res = numbers(shattered.shattered_gradients, depth)
    if preact:
        res = shattered.with_preact(res, numbers(shattered.preact_sweep, depth))
    return png_plot(shattered.plot_shattered(res)), shattered.explain_shattered(res)


@ui_errors
def shattered_handler(depth: Any, preact: bool = False) -> tuple[Any, str]:
    """/shattered: (plot, explanation); ``preact`` (a gr.State of ours) adds the pre-activation ResNet."""
    return view(_shattered_view, validation.depth(depth), _preact_flag(preact))


def _highway_view(depth: int) -> tuple[Any, dict[str, Any], str]:
    res = numbers(highway.gradient_highway, depth)
    rows = [[b, s, _sig(i), _sig(br), _sig(t), share] for b, s, i, br, t, share in res.table()]
    return png_plot(highway.plot_highway(res)), table(HIGHWAY_HEADERS, rows), highway.explain_highway(res)


@ui_errors
def highway_handler(depth: Any) -> tuple[Any, list[list[Any]], str]:
    """/highway: (plot, per-block table, explanation)."""
    return view(_highway_view, validation.depth(depth))


def _lesion_view() -> tuple[Any, dict[str, Any], str]:
    res = numbers(lesion_study)
    return png_plot(plot_lesion(res)), table(LESION_HEADERS, res.table()), explain_lesion(res)


@ui_errors
def lesion_handler() -> tuple[Any, list[list[Any]], str]:
    """/lesion: (plot, table, explanation)."""
    return view(_lesion_view)


@ui_errors
def lesion_if_ready() -> tuple[Any, ...]:
    """The lesion study on page load, if it has been computed (never computed on a page load: it is slow)."""
    if not has_numbers(lesion_study):
        # The table's headers in the page's language even before there are rows.
        return gr.skip(), table(LESION_HEADERS, []), tr(
            "_The lesion study is still being computed on this server; press the button to wait for it._")
    return lesion_handler()


# The defaults each section opens with (the widgets' initial values below), computed once after start-up.
DEFAULT_DEPTH = 56
DEFAULT_GRAD_NORMS = (DEFAULT_DEPTH, False, "PyTorch default", False)


def warm_up() -> None:
    """Compute every section's default numbers (language-free), heaviest last; requests that arrive
    meanwhile wait for the same computation (compute_once) instead of starting their own."""
    images, labels, _ = live_run.live_data()  # the training split, read once (~1 s)
    # One step of the smallest pair, drawn: the live run's first-call costs (its code paths, the first
    # figure) are paid here, so the first run after start draws as soon as any other (bench_live_first_draw).
    live_run.plot_live(next(live_run.live_run(nets.MIN_DEPTH, validation.STEPS.lo, images=images, labels=labels)))
    numbers(_measure_grad_norms, *DEFAULT_GRAD_NORMS)
    numbers(shattered.shattered_gradients, DEFAULT_DEPTH)
    numbers(highway.gradient_highway, DEFAULT_DEPTH)
    try:
        numbers(lesion_study)
    except ValueError:  # a shipped checkpoint missing: the section says so when asked
        pass


@ui_errors_gen
def live_handler(depth: Any, steps: Any, progress: gr.Progress = gr.Progress()) -> Iterator[tuple[Any, str, Any]]:
    """Train plain and residual side by side; yields (Figure, status, state) every 10 steps.

    The last status ends with the run's conclusion; the state is kept for the Stop button's.
    """
    d = validation.live_depth(depth)
    n = validation.STEPS(steps)
    images, labels, note = live_run.live_data()
    progress(0.0, desc=tr("building the nets"))
    for state in live_run.live_run(d, n, images=images, labels=labels, every=10):
        progress(state.step / n, desc=tr("step {step}/{steps}", step=state.step, steps=n))
        status = tr(
            "Step {step}/{steps} ({seconds:.0f} s). Mean training error over the last 10 steps: "
            "Plain-{depth} {plain:.1f} %, ResNet-{depth} {residual:.1f} %. Data: {note}.",
            step=state.step, steps=n, seconds=state.seconds, depth=d,
            plain=100 * sum(state.plain_error[-10:]) / len(state.plain_error[-10:]),
            residual=100 * sum(state.residual_error[-10:]) / len(state.residual_error[-10:]), note=note,
        )
        if state.step == n:
            status += "\n\n" + live_run.live_conclusion(state, stopped=False)
        yield live_run.plot_live(state), status, state


@ui_errors
def live_stopped(state: live_run.LiveState | None) -> str:
    """The Stop button's status: where the run stopped and what it showed up to then."""
    if state is None:
        return tr("Stopped before the first measurement.")
    if state.step >= state.total_steps:
        return live_run.live_conclusion(state, stopped=False)  # it had already finished
    return live_run.live_conclusion(state, stopped=True)


def _shipped_curves() -> tuple[Any, str, list[list[Any]]]:
    """Plot, recipe text and verdict, summary rows from the shipped JSON (or a sentence saying it is missing)."""
    try:
        results = load_degradation_results(RESULTS_PATH)
    except ValueError:
        # The details (file, command) are for whoever runs the server: the Reproduce note has them.
        return None, tr("**The shipped training curves are not available on this server** (their results file is "
                        "missing or damaged); the *Reproduce* note at the bottom of this tab says how to make them."), []
    runs = [dict(r) for r in results["runs"]]
    fig = curves.plot_training_curves(runs, x_axis=runs[0]["x_axis"])
    recipe = runs[0]["recipe"]
    text = tr(
        "**Recipe (the same for every net):** {subset} training images (a fixed, seeded subset of the 60k), "
        "{epochs} epochs, batch {batch}, SGD momentum {momentum}, weight decay {wd}, peak lr {lr} ({schedule}), "
        "augmentation: {augmentation}, bf16 autocast. As in He et al. Fig. 6, dashed: training error (running "
        "mean over each epoch, training mode); bold: test error on the 10 000 test images.",
        subset=recipe.get("train_subset", "?"), epochs=recipe.get("epochs", "?"), batch=recipe.get("batch_size", "?"),
        momentum=recipe.get("momentum", "?"), wd=recipe.get("weight_decay", "?"), lr=recipe.get("lr", "?"),
        schedule=tr(str(recipe.get("schedule", ""))), augmentation=tr(str(recipe.get("augmentation", "?"))),
    )
    verdict = fig6_verdict(results)
    if verdict:
        text += "\n\n" + tr("**What it shows** (final model, eval mode, whole training subset):") + "\n\n" + verdict
    return fig, text, summarize(results)


def _reproduce() -> str:
    """The commands behind the shipped results and the recorded time each took (when recorded)."""
    try:  # the command the shipped run recorded (with its flags), else the plain one
        command = load_degradation_results(RESULTS_PATH)["runs"][0]["command"] or FIG6_COMMAND
    except ValueError:
        command = FIG6_COMMAND
    lines = [tr("**Training curves, Plain-20 and ResNet-20 of the lesion study:** `{command}`", command=command)]
    minutes = recorded_minutes()
    if minutes is not None:
        lines[-1] += " " + tr("(the recorded run took {minutes:.0f} min).", minutes=minutes)
    lines.append(tr("**ResNet-18 of the lesion study:** `python -m explainer.training.trainer`"))
    try:
        seconds = float(load_card()["wall_time_seconds"])
        lines[-1] += " " + tr("(the recorded run took {minutes:.0f} min).", minutes=seconds / 60)
    except (ValueError, KeyError, TypeError, OSError):
        pass  # no card: no time to quote
    return "\n\n".join(lines)


@ui_errors
def reproduce_handler() -> str:
    """The Reproduce note in the request's language."""
    return _reproduce()


@ui_errors
def shipped_curves_handler() -> tuple[Any, str, dict[str, Any]]:
    """The shipped curves in the request's language: (Figure, recipe and verdict, summary table)."""
    fig, text, rows = _shipped_curves()
    return fig, text, table(SUMMARY_HEADERS, rows)


# ----------------------------------------------------------------------------- layout



def _dataframe(headers: list[str], datatype: list[str], label: str | None = None, **kwargs: Any) -> gr.Dataframe:
    return gr.Dataframe(wrap=True, headers=headers, datatype=datatype, interactive=False, max_height=360,
                        label=T(label) if label else None, **kwargs)


def _depth_section(section: str, button: str, plot_label: str, *, preact: bool = False
                   ) -> tuple[Any, gr.Button, gr.Plot, gr.Markdown, gr.State | None]:
    """Heading, a depth slider with its button (and the pre-activation option if ``preact``), the plot and
    the explanation of one measurement."""
    gr.Markdown(T(SECTIONS[section]))
    with gr.Row():
        depth = CheckedSlider(nets.MIN_DEPTH, validation.MAX_DEPTH, value=DEFAULT_DEPTH, step=6, label=T("depth"))
        option = _preact_option() if preact else None
        btn = gr.Button(T(button), variant="primary")
    return depth, btn, gr.Plot(format="png", label=T(plot_label)), gr.Markdown(), option


def _preact_option() -> gr.State:
    """The "also the pre-activation ResNet" checkbox, mirrored into the State the handlers read (a State
    input is not part of the API signature, so the public endpoints keep their parameters)."""
    box = gr.Checkbox(value=False, label=T(PREACT_LABEL), info=T(PREACT_INFO))
    state = gr.State(False)
    box.change(lambda v: bool(v), inputs=box, outputs=state, api_visibility="private", queue=False)
    return state


def build() -> list[Refresh]:
    """Create the tab's components and events (call inside ``with gr.Tab("Degradation"):``).

    Returns the server-rendered outputs to redraw when the page language changes.
    """
    gr.Markdown(T(INTRO))

    # 1. Gradient norms at initialization -----------------------------------------------------
    gr.Markdown(T(SECTIONS["grad"]))
    with gr.Row():
        gn_depth = CheckedSlider(nets.MIN_DEPTH, validation.MAX_DEPTH, value=DEFAULT_GRAD_NORMS[0], step=6,
                                 label=T("depth (6n+2 layers)"))
        gn_bn = gr.Checkbox(value=DEFAULT_GRAD_NORMS[1], label=T("batch norm (批量规范化)"))
        # Shown translated ("PyTorch default"), sent as the English API value.
        gn_init = CheckedDropdown([(T(INIT_LABELS[i]), i) for i in nets.INITS], value=DEFAULT_GRAD_NORMS[2],
                                  label=T("initialization (初始化)"))
        gn_zero = gr.Checkbox(value=False, label=T("zero-init last BN of each residual branch"))
        gn_preact = _preact_option()
    gn_btn = gr.Button(T("Measure gradients"), variant="primary")
    gn_plot = gr.Plot(format="png", label=T("gradient norms"))
    gn_expl = gr.Markdown()
    with gr.Row():
        # One datatype more than the headers: the pre-activation column, when it is measured, is numbers too.
        gn_table = _dataframe(GRAD_HEADERS, ["str", "number", "number", "number"], N_("‖∂L/∂W‖ per layer"))
        gn_blocks = _dataframe(BLOCK_HEADERS, ["str", "number", "number", "number"],
                               N_("‖∂L/∂h‖ at each block output"))
    gn_zero_state = gr.State(False)
    gn_result = gr.State(None)
    # Mirror the checkbox into a State: State inputs are not part of the API signature.
    gn_zero.change(lambda v: bool(v), inputs=gn_zero, outputs=gn_zero_state, api_visibility="private", queue=False)
    gn_btn.click(
        grad_norms_handler, inputs=[gn_depth, gn_bn, gn_init, gn_zero_state, gn_preact],
        outputs=[gn_plot, gn_table, gn_result],
        api_name="grad_norms", **HEAVY,
    ).success(grad_norms_details, inputs=gn_result, outputs=[gn_expl, gn_blocks], api_visibility="private")

    # 2. Shipped training curves -----------------------------------------------------------------
    gr.Markdown(T(SECTIONS["curves"]))
    fig, text, rows = _shipped_curves()
    curves_plot = gr.Plot(value=fig, format="png", label=T("training (dashed) and test (bold) error"))
    curves_text = gr.Markdown(text)
    curves_table = gr.Dataframe(wrap=True, value=rows, headers=SUMMARY_HEADERS, interactive=False, label=T("final numbers"),
                                visible=bool(rows))

    # 3. Live mini-run ---------------------------------------------------------------------------
    gr.Markdown(T(SECTIONS["live"]))
    with gr.Row():
        live_depth = CheckedSlider(nets.MIN_DEPTH, live_run.LIVE_MAX_DEPTH, value=32, step=6, label=T("depth"))
        live_steps = CheckedSlider(validation.STEPS.lo, validation.STEPS.hi, value=150, step=10, label=T("steps"))
    with gr.Row():
        live_btn = gr.Button(T("Start training"), variant="primary")
        stop_btn = gr.Button(T("Stop"), variant="stop")
    live_plot = gr.Plot(format="png", label=T("live training curves"))
    live_status = gr.Markdown()
    live_last = gr.State(None)  # the last yielded state: what the Stop button's conclusion is computed from
    # A live run holds its slot for a minute or more: it gets its own one-slot queue so the shared heavy
    # queue (one request at a time) keeps serving everyone else's predictions meanwhile.
    live_event = live_btn.click(live_handler, inputs=[live_depth, live_steps],
                                outputs=[live_plot, live_status, live_last],
                                api_visibility="private", concurrency_id="live", concurrency_limit=1)
    stop_btn.click(live_stopped, inputs=live_last, outputs=live_status, cancels=[live_event],
                   api_visibility="private", queue=False)

    # 4. Shattered gradients ---------------------------------------------------------------------
    sh_depth, sh_btn, sh_plot, sh_expl, sh_preact = _depth_section(
        "shattered", N_("Sweep"), N_("gradient along the sweep and its autocorrelation"), preact=True)
    sh_btn.click(shattered_handler, inputs=[sh_depth, sh_preact], outputs=[sh_plot, sh_expl], api_name="shattered",
                 **HEAVY)

    # 5. Gradient highway ------------------------------------------------------------------------
    hw_depth, hw_btn, hw_plot, hw_expl, _ = _depth_section("highway", N_("Split the gradient"),
                                                           N_("shortcut vs branch term per block"))
    hw_table = _dataframe(HIGHWAY_HEADERS, ["str", "str", "number", "number", "number", "number"])
    hw_btn.click(highway_handler, inputs=hw_depth, outputs=[hw_plot, hw_table, hw_expl], api_name="highway", **HEAVY)

    # 6. Lesion study ----------------------------------------------------------------------------
    gr.Markdown(T(SECTIONS["lesion"]))
    ls_btn = gr.Button(T("Run the lesion study"), variant="primary")
    ls_plot = gr.Plot(format="png", label=T("accuracy after deleting each block"))
    ls_expl = gr.Markdown()
    ls_table = _dataframe(LESION_HEADERS, ["str", "str", "str", "number", "number"])
    ls_btn.click(lesion_handler, inputs=None, outputs=[ls_plot, ls_table, ls_expl], api_name="lesion", **HEAVY)

    # Reproduce: the commands behind the shipped numbers, for whoever runs the server --------------
    with gr.Accordion(T("Reproduce"), open=False):
        reproduce_md = gr.Markdown(_reproduce())

    # Every section opens showing its default result (computed once, at start-up, by warm_up).
    return [Refresh(shipped_curves_handler, [], [curves_plot, curves_text, curves_table]),
            Refresh(reproduce_handler, [], [reproduce_md]),
            Refresh(grad_norms_section, [gn_depth, gn_bn, gn_init, gn_zero_state, gn_preact],
                    [gn_plot, gn_table, gn_result, gn_expl, gn_blocks], every_load=True),
            Refresh(shattered_handler, [sh_depth, sh_preact], [sh_plot, sh_expl], every_load=True),
            Refresh(highway_handler, [hw_depth], [hw_plot, hw_table, hw_expl], every_load=True),
            Refresh(lesion_if_ready, [], [ls_plot, ls_table, ls_expl], every_load=True)]
