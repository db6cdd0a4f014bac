"""Tab "Lesson": D2L's ResNet section in eight steps, each shown with the tabs' own handlers and caches.

A step's button calls the handler its tab calls (``block_shapes``, ``network_shapes``, ``grad_norms_section``,
``shipped_curves_handler``, ``shattered_handler``, ``api_predict``/``api_attribute``) with the step's settings,
so a class clicking it is answered from ``compute_once``'s caches that the tabs fill (and that ``warm_up``
fills at start). The predict-then-reveal answer is computed from the same numbers (``explainer.lesson.steps``).
Every step links to its tab with the same settings (a URL query, ``explainer.ui.deep_links``).
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from explainer.i18n import N_, tr
from explainer.lesson import function_classes as fc
from explainer.lesson import steps as lesson
from explainer.training.artifacts import RESULTS_PATH
from explainer.training.fig6_results import load_degradation_results
from explainer.ui.boundary import Refresh, T, ui_errors
from explainer.ui.compute_once import numbers, png_plot, view
from explainer.ui.widgets import CheckedRadio

INTRO = N_("## Lesson: residual networks in eight steps\nFollows the ResNet section of D2L (动手学深度学习 §8.6). "
           "Pick a step, read it, **guess the answer to its question first**, then press *Show it* and *Reveal* — "
           "every answer is computed by the app, on the same networks the other tabs use.")
EXERCISES_HEADING = N_("Exercises (D2L §8.6)")  # an accordion label: plain text
OPEN_IN_TAB = N_("[Explore this in its tab with the same settings]({link})")
OPEN_VIEW = N_("[open the view]({link})")

# The settings each step shows (those of its link; the tabs' defaults where the step does not say).
IDENTITY_BLOCK = ("basic", "identity", 64, 64, 1, True, 56, 56)
PROJECTION_BLOCK = ("basic", "projection", 64, 128, 2, True, 56, 56)
D2L_RESNET18 = ("D2L ResNet-18", 1, 224, 224, 10)
GRADIENTS = (56, False, "PyTorch default", False)
SHATTERED_DEPTH = 56
NO_VIEW: tuple[Any, Any, Any, Any] = (None, None, "", None)


def _example() -> str:
    from explainer.ui.inside_tab import default_example

    path = default_example()
    if path is None:
        raise ValueError(tr("No example images are shipped with this copy of the app."))
    return path


def _function_classes_view() -> tuple[Any, Any, str, Any]:
    res = numbers(fc.run_function_classes)
    return png_plot(fc.plot_function_classes(res)), None, fc.explain_function_classes(res), None


def _step_view(key: str) -> tuple[Any, Any, str, Any]:
    """(plot, image, Markdown, table) of one step, from the handler its tab uses."""
    from explainer.ui import blocks_tab, degradation_tab, inside_handlers

    if key == "function_classes":
        return view(_function_classes_view)
    if key in ("residual_block", "projection"):
        rows, diagram, explanation, _code = blocks_tab.block_shapes(
            *(IDENTITY_BLOCK if key == "residual_block" else PROJECTION_BLOCK))
        return diagram, None, explanation, rows
    if key == "resnet18":
        _layers, summary, stages, _csv = blocks_tab.network_shapes(*D2L_RESNET18)
        return None, None, summary, stages
    if key == "gradients":
        plot, rows, _res, explanation, _blocks = degradation_tab.grad_norms_section(*GRADIENTS)
        return plot, None, explanation, rows
    if key == "curves":
        fig, text, rows = degradation_tab.shipped_curves_handler()
        return fig, None, text, rows
    if key == "shattered":
        plot, explanation = degradation_tab.shattered_handler(SHATTERED_DEPTH)
        return plot, None, explanation, None
    if key == "inside":
        example = _example()
        probs = inside_handlers.api_predict(example)
        overlay, score = inside_handlers.api_attribute(example, "Grad-CAM")
        top = ", ".join(f"{lesson.choice_label(name)} {p:.0%}" for name, p in list(probs.items())[:3])
        text = tr("**Prediction:** {top}. **Grad-CAM deletion test:** area {auc:.3f} vs {random:.3f} for a random "
                  "order — {verdict}.", top=top, auc=score["deletion_auc"], random=score["random_auc"],
                  verdict=tr("the map finds pixels that matter") if score["better_than_random"]
                  else tr("no better than random here"))
        return None, overlay, text, None
    raise ValueError(tr("Unknown lesson step {name}: choose one of {choices}.", name=repr(key)[:40],
                        choices=", ".join(lesson.STEP_KEYS)))


def _answer(key: str) -> tuple[str, str]:
    """(the computed answer value, one sentence saying which numbers it comes from)."""
    from explainer.degradation import shattered
    from explainer.ui import blocks_tab, degradation_tab, inside_handlers

    if key == "function_classes":
        res = numbers(fc.run_function_classes)
        c = fc.conclude(res.depths, res.plain_mse, res.residual_mse)
        plain_keeps = fc.conclude(res.depths, res.plain_mse, res.plain_mse).residual_keeps_fit
        errors = ", ".join(f"{p:.3g}/{r:.3g}" for p, r in zip(res.plain_mse, res.residual_mse))
        return (lesson.answer_function_classes(c.residual_keeps_fit, plain_keeps),
                tr("Training MSE plain/residual at {depths} hidden layers: {errors}.",
                   depths=", ".join(map(str, res.depths)), errors=errors))
    if key == "residual_block":
        rows = blocks_tab.block_shapes(*IDENTITY_BLOCK)[0]["data"]
        return lesson.answer_output_shape(rows), tr("The last row of the block's layer table, traced on this server.")
    if key == "projection":
        rows = blocks_tab.block_shapes(*PROJECTION_BLOCK)[0]["data"]
        return (lesson.answer_projection_params(rows),
                tr("The params column summed over the shortcut's rows of the traced table (downsample.0: the 1×1 "
                   "convolution, downsample.1: its batch normalization)."))
    if key == "resnet18":
        rows = blocks_tab.network_shapes(*D2L_RESNET18)[2]["data"]
        return lesson.answer_stage_shape(rows, "b3"), tr("b3 is the first stage of residual blocks that "
                                                          "halves height and width and doubles the channels.")
    if key == "gradients":
        res = degradation_tab.grad_norms_handler(*GRADIENTS)[2]
        p, r = float(res.plain.weight_grad[0]), float(res.residual.weight_grad[0])
        return lesson.answer_first_gradient(p, r), tr("‖∂L/∂W‖ of the first convolution: plain {plain:.3g}, "
                                                        "residual {residual:.3g}.", plain=p, residual=r)
    if key == "curves":
        runs = load_degradation_results(RESULTS_PATH)["runs"]
        final = {run["name"]: float(run["final"]["train_error_eval"]) for run in runs}
        names = ("Plain-20", "Plain-56")
        return lesson.answer_higher_error(final, names), tr(
            "Final training error: Plain-20 {p20:.1%}, Plain-56 {p56:.1%} (shipped run).",
            p20=final[names[0]], p56=final[names[1]])
    if key == "shattered":
        res = numbers(shattered.shattered_gradients, SHATTERED_DEPTH)
        return (lesson.answer_longer_correlation(res.plain_corr_length, res.residual_corr_length),
                tr("Correlation length: plain {plain} step(s), residual {residual} step(s).",
                   plain=res.plain_corr_length, residual=res.residual_corr_length))
    if key == "inside":
        probs = inside_handlers.api_predict(_example())
        top = lesson.answer_top_class(probs)
        return top, tr("The model gives it {p:.0%}.", p=probs[top])
    raise ValueError(tr("Unknown lesson step {name}: choose one of {choices}.", name=repr(key)[:40],
                        choices=", ".join(lesson.STEP_KEYS)))


# The guess widget's values are letters, the same for every step (its labels change): a session's widget
# keeps the choices of the step it last showed, and a letter stays valid whichever that was.
GUESS_KEYS = "ABCDEFGHIJ"


def _guess_choices(s: lesson.Step) -> list[tuple[str, str]]:
    return [(lesson.choice_label(c), letter) for c, letter in zip(s.choices, GUESS_KEYS)]


def _check_step(key: Any) -> str:
    return lesson.step(key if isinstance(key, str) else repr(key)).key


@ui_errors
def lesson_step(key: str) -> tuple[Any, ...]:
    """A step's text, its question and the answer choices (in the request's language), no answer yet."""
    s = lesson.step(_check_step(key))
    text = tr(s.text) + "\n\n" + tr(OPEN_IN_TAB, link=f"?{s.link}")
    return f"### {tr(s.title)}\n\n{text}", f"**{tr(s.question)}**", gr.update(choices=_guess_choices(s), value=None), ""


@ui_errors
def lesson_view(key: str) -> tuple[Any, ...]:
    """What a step's button shows: (plot, image, Markdown, table), each hidden when the step has none."""
    plot, image, text, rows = _step_view(_check_step(key))
    return (gr.update(value=plot, visible=plot is not None), gr.update(value=image, visible=image is not None),
            text, gr.update(value=rows, visible=rows is not None))


def _cleared_view() -> tuple[Any, ...]:
    return gr.update(value=None, visible=False), gr.update(value=None, visible=False), "", gr.update(visible=False)


@ui_errors
def lesson_reveal(key: str, guess: Any) -> str:
    """The computed answer to a step's question and the verdict on the guess (no guess: just the answer)."""
    s = lesson.step(_check_step(key))
    index = GUESS_KEYS.find(guess) if isinstance(guess, str) and len(guess) == 1 else -1
    picked = s.choices[index] if 0 <= index < len(s.choices) else None  # no (or no such) guess: just the answer
    answer, why = _answer(s.key)
    return lesson.verdict(picked, answer, why)


@ui_errors
def exercises_text() -> str:
    """D2L's exercises, each with a link to the view that answers it, in the request's language."""
    return "\n".join(f"{i}. {tr(text)} {tr(OPEN_VIEW, link=f'?{link}')}"
                     for i, (text, link) in enumerate(lesson.EXERCISES, 1))


def build() -> list[Refresh]:
    """Create the tab's components and events (call inside ``with gr.Tab(...)``)."""
    gr.Markdown(T(INTRO))
    first = lesson.STEPS[0]
    step = CheckedRadio([(T(s.title), s.key) for s in lesson.STEPS], value=first.key, label=T("Step"),
                        elem_id="lesson-step")
    text = gr.Markdown(elem_id="lesson-text")
    with gr.Row():
        with gr.Column(scale=1, min_width=280):
            question = gr.Markdown(elem_id="lesson-question")
            guess = CheckedRadio(_guess_choices(first), value=None,
                                 label=T("Your guess"), elem_id="lesson-guess")
            with gr.Row():
                show = gr.Button(T("Show it"), variant="primary", elem_id="lesson-show")
                reveal = gr.Button(T("Reveal the answer"), elem_id="lesson-reveal")
            answer = gr.Markdown(elem_id="lesson-answer")
        with gr.Column(scale=2):
            plot = gr.Plot(format="png", show_label=False, label=T("The step's figure"), elem_id="lesson-plot")
            image = gr.Image(show_label=False, interactive=False, format="png", height=300, visible=False,
                             elem_id="lesson-image")
            view_text = gr.Markdown(elem_id="lesson-view-text")
            rows = gr.Dataframe(wrap=True, interactive=False, max_height=360, visible=False, elem_id="lesson-table")
    with gr.Accordion(T(EXERCISES_HEADING), open=False):
        exercises = gr.Markdown(elem_id="lesson-exercises")
    outputs = [plot, image, view_text, rows]
    # A new step shows its text and question; its view waits for the button (predict first, then look).
    step.input(lesson_step, step, [text, question, guess, answer], api_visibility="private")
    step.input(_cleared_view, None, outputs, api_visibility="private", queue=False)
    # Its own queue group: cached steps answer at once; a miss waits for compute_once's heavy slot inside.
    show.click(lesson_view, step, outputs, api_visibility="private", concurrency_id="lesson", concurrency_limit=4)
    reveal.click(lesson_reveal, [step, guess], answer, api_visibility="private", concurrency_id="lesson",
                 concurrency_limit=4)
    # A page opens on its step (its link's, or the first) with the text at once and the view when computed.
    return [Refresh(lesson_step, [step], [text, question, guess, answer], every_load=True),
            Refresh(lesson_view, [step], outputs, every_load=True),
            Refresh(exercises_text, [], [exercises], every_load=True)]


def warm_up() -> None:
    """Every step's view and answer computed once (the steps of the other tabs are mostly warm already)."""
    for key in lesson.STEP_KEYS:
        _step_view(key)
        _answer(key)
